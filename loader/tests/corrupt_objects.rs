//! Corrupted objects: every input yields an image or an error, never a
//! panic. A cheap deterministic mutation sweep (the fuzz targets go deeper).

use loader::link::{link, LinkOptions};
use loader::{Arch, Compiler, Language};
use std::collections::HashMap;

const SRC: &str = r#"
extern double ext_scale;
static int counter;
static const char *names[] = {"a","bb","ccc"};
double k(double *x, int n) { double s=0; for (int i=0;i<n;i++) s += __builtin_sin(x[i])*ext_scale; counter++; return s + names[n&1][0]; }
int sw(int x){ switch(x){case 0:return 3;case 1:return 7;case 2:return 9;case 3:return 1;case 4: return 44; case 5: return 8; default:return -1;} }
"#;

/// xorshift64*: deterministic mutations.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

#[test]
fn mutated_objects_never_panic() {
    let mut c = Compiler::new(Arch::X86_64).unwrap();
    c.cpu = loader::Cpu::Baseline;
    let obj = c.compile(SRC, Language::C).unwrap();
    let res: HashMap<&str, u64> = [("ext_scale", 0x7000_0000u64), ("sin", 0x7fff_0000_0000)].into();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut ok, mut err) = (0, 0);
    for _ in 0..20_000 {
        let mut m = obj.clone();
        for _ in 0..1 + rng.next() % 4 {
            let at = (rng.next() % m.len() as u64) as usize;
            let v = rng.next();
            match v % 4 {
                0 => m[at] = v as u8 >> 4,
                1 => m[at] ^= 1 << (v % 8),
                2 => m[at] = 0xff,
                _ => m[at] = m[at].wrapping_add(1),
            }
        }
        match std::panic::catch_unwind(|| {
            link(&m, Arch::X86_64, 0x4000_0000, &res, &LinkOptions::default())
        }) {
            Ok(Ok(_)) => ok += 1,
            Ok(Err(_)) => err += 1,
            Err(_) => panic!("panic on a mutated object: {:?}", m),
        }
    }
    println!("{ok} linked, {err} rejected");
    assert!(err > 0);
}
