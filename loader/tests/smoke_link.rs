use loader::link::{link, LinkOptions};
use loader::{Arch, Compiler, Language};
use std::collections::HashMap;

#[test]
fn x86_64_links_at_fixed_base() {
    let c = Compiler::new(Arch::X86_64).unwrap();
    let src = r#"
extern double ext_scale;
static int counter;
static const char *names[] = {"a","bb","ccc"};
double k(double *x, int n) { double s=0; for (int i=0;i<n;i++) s += __builtin_sin(x[i])*ext_scale; counter++; return s + names[n&1][0]; }
int sw(int x){ switch(x){case 0:return 3;case 1:return 7;case 2:return 9;case 3:return 1;case 4: return 44; case 5: return 8; default:return -1;} }
"#;
    let obj = c.compile(src, Language::C).unwrap();
    let res: HashMap<&str, u64> = [("ext_scale", 0x7000_0000u64), ("sin", 0x7fff_0000_0000)].into();
    let img = link(&obj, Arch::X86_64, 0x10_0000, &res, &LinkOptions::default()).unwrap();
    for r in &img.output.log {
        println!("{r}");
    }
    println!("{:?}", img.output.segments);
}
