//! Rust references for part of the generated corpus
//! (`conformance/kernels/generated/`, written by `cargo xtask gen-kernels`).
//!
//! The generator emits one kernel per integer type for each family below;
//! a reference here serves every type of its family: it reads the element
//! type from the kernel's buffers and computes in `i128`/`u128` from the
//! C semantics (integer promotion, the unsigned type the kernel computes
//! in, truncating conversion back), not from the kernel's code. The
//! constant divisors of `divrem_const_*` are restated here on purpose: a
//! change in the generator must be mirrored, and the test below fails until
//! it is.

use crate::reference::ReferenceFn;
use crate::spec::{Inputs, Scalar, ScalarType};

/// Families with a reference: kernel name prefix, reference. The kernel
/// name is the prefix followed by an integer type name (`i8` ... `u64`).
pub const FAMILIES: &[(&str, ReferenceFn)] = &[
    ("generated/int_arith_", int_arith),
    ("generated/int_bits_", int_bits),
    ("generated/int_cmp_", int_cmp),
    ("generated/divrem_const_", divrem_const),
    ("generated/divrem_var_", divrem_var),
    ("generated/sat_", sat),
    ("generated/reduce_same_", reduce_same),
    ("generated/reduce_wide_", reduce_wide),
];

const INT_TYPES: [&str; 8] = ["i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64"];

/// The reference of a generated kernel, if its family has one.
pub fn reference(kernel: &str) -> Option<ReferenceFn> {
    FAMILIES.iter().find_map(|(prefix, f)| {
        let ty = kernel.strip_prefix(prefix)?;
        INT_TYPES.contains(&ty).then_some(*f)
    })
}

// ---------------------------------------------------------------------------
// Helpers

/// The value of an integer scalar (sign- or zero-extended).
fn val(s: Scalar) -> i128 {
    if s.ty().is_signed_int() {
        s.as_i64() as i128
    } else {
        s.bits() as i128
    }
}

/// The C conversion to the kernel's type: the low bits of `v`.
fn to(t: ScalarType, v: i128) -> Scalar {
    Scalar::from_bits(t, v as u64)
}

/// `(W)x` where W is `unsigned` for types up to 32 bits, else
/// `unsigned long long`: the value modulo 2^32 or 2^64.
fn wide(s: Scalar) -> u64 {
    let m = if s.ty().bits() <= 32 {
        0xffff_ffff
    } else {
        u64::MAX
    };
    s.as_u64() & m
}

fn wmask(t: ScalarType) -> u64 {
    if t.bits() <= 32 {
        0xffff_ffff
    } else {
        u64::MAX
    }
}

fn n_arg(inp: &Inputs) -> usize {
    inp.calls[0]
        .scalar("n")
        .expect("reference expects an argument `n`")
        .as_u64() as usize
}

fn elem(inp: &Inputs, buf: &str) -> ScalarType {
    inp.buffer(buf)
        .unwrap_or_else(|| panic!("reference expects a buffer `{buf}`"))
        .elem()
}

fn at(inp: &Inputs, buf: &str, i: usize) -> Scalar {
    inp.buffer(buf)
        .unwrap_or_else(|| panic!("reference expects a buffer `{buf}`"))
        .get(i)
}

fn set(inp: &mut Inputs, buf: &str, i: usize, v: Scalar) {
    inp.buffer_mut(buf)
        .unwrap_or_else(|| panic!("reference expects a buffer `{buf}`"))
        .set(i, v)
}

/// One void call per round (every family here is called once).
fn void_calls(inp: &Inputs) -> Vec<Option<Scalar>> {
    vec![None; inp.calls.len()]
}

// ---------------------------------------------------------------------------
// Elementwise

fn int_arith(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    let t = elem(inp, "a");
    let m = wmask(t);
    for i in 0..n_arg(inp) {
        let (x, y) = (wide(at(inp, "a", i)), wide(at(inp, "b", i)));
        let r = [
            x.wrapping_add(y),
            x.wrapping_sub(y),
            x.wrapping_mul(y),
            (0u64.wrapping_sub(x) & m) ^ (y.wrapping_mul(3).wrapping_add(y >> 1) & m),
        ];
        for (k, v) in r.into_iter().enumerate() {
            set(inp, "out", 4 * i + k, Scalar::from_bits(t, v));
        }
    }
    void_calls(inp)
}

fn int_bits(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    let t = elem(inp, "a");
    let bits = t.bits();
    for i in 0..n_arg(inp) {
        let (a, b) = (at(inp, "a", i), at(inp, "b", i));
        let (x, y) = (a.bits(), b.bits());
        let s = (b.bits() % bits as u64) as u32;
        let ux = a.bits() as u128;
        let rot = (ux << s) | (ux >> ((bits - s) % bits));
        let r = [
            x & y,
            x | !y,
            x ^ y,
            ((x as u128) << s) as u64,
            (val(a) >> s) as u64,
            rot as u64,
        ];
        for (k, v) in r.into_iter().enumerate() {
            set(inp, "out", 6 * i + k, Scalar::from_bits(t, v));
        }
    }
    void_calls(inp)
}

fn int_cmp(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    let t = elem(inp, "a");
    let lo = val(inp.calls[0].scalar("lo").expect("argument `lo`"));
    let hi = val(inp.calls[0].scalar("hi").expect("argument `hi`"));
    let mid = (lo + hi) / 2;
    for i in 0..n_arg(inp) {
        let (x, y) = (val(at(inp, "a", i)), val(at(inp, "b", i)));
        let c = (x > y) as i128 - (x < y) as i128;
        let r = [
            x.min(y),
            x.max(y),
            x.clamp(lo, hi),
            c + if x == y { 4 } else { 0 } + if x <= mid { 8 } else { 16 },
            if x == lo {
                hi
            } else if x >= hi {
                lo
            } else if y < x {
                y
            } else if x != y {
                x
            } else {
                0
            },
        ];
        for (k, v) in r.into_iter().enumerate() {
            set(inp, "out", 5 * i + k, to(t, v));
        }
    }
    void_calls(inp)
}

/// The divisors the generator uses for `divrem_const_*`.
fn const_divisors(signed: bool) -> [i128; 6] {
    if signed {
        [3, 7, -5, 10, 64, 127]
    } else {
        [3, 7, 10, 16, 100, 255]
    }
}

fn divrem_const(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    let t = elem(inp, "a");
    let ds = const_divisors(t.is_signed_int());
    for i in 0..n_arg(inp) {
        let x = val(at(inp, "a", i));
        for (k, d) in ds.iter().enumerate() {
            // i128 `/` and `%` truncate toward zero, as C does.
            set(inp, "out", 12 * i + 2 * k, to(t, x / d));
            set(inp, "out", 12 * i + 2 * k + 1, to(t, x % d));
        }
    }
    void_calls(inp)
}

fn divrem_var(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    let t = elem(inp, "a");
    for i in 0..n_arg(inp) {
        let x = val(at(inp, "a", i));
        let mut d = val(at(inp, "b", i));
        if d == 0 {
            d = 1;
        }
        let (q, r) = if t.is_signed_int() && d == -1 {
            (-x, 0)
        } else {
            (x / d, x % d)
        };
        set(inp, "out", 2 * i, to(t, q));
        set(inp, "out", 2 * i + 1, to(t, r));
    }
    void_calls(inp)
}

fn sat(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    let t = elem(inp, "a");
    let (mn, mx) = (t.int_min(), t.int_max());
    for i in 0..n_arg(inp) {
        let (x, y) = (val(at(inp, "a", i)), val(at(inp, "b", i)));
        let prod = if t.is_signed_int() {
            x * y
        } else {
            // u64 x u64 does not fit i128.
            (x as u128)
                .checked_mul(y as u128)
                .map_or(mx, |p| p.min(mx as u128) as i128)
        };
        let r = [x + y, x - y, prod];
        for (k, v) in r.into_iter().enumerate() {
            set(inp, "out", 3 * i + k, to(t, v.clamp(mn, mx)));
        }
    }
    void_calls(inp)
}

// ---------------------------------------------------------------------------
// Reductions

fn reduce_same(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    let t = elem(inp, "a");
    let m = wmask(t);
    let n = n_arg(inp);
    let (mut sum, mut x) = (0u64, 0u64);
    let (mut lo, mut hi) = (val(at(inp, "a", 0)), val(at(inp, "a", 0)));
    for i in 0..n {
        let a = at(inp, "a", i);
        sum = sum.wrapping_add(wide(a)) & m;
        x ^= (wide(a) << (i % 3)) & m;
        lo = lo.min(val(a));
        hi = hi.max(val(a));
    }
    set(inp, "mm", 0, to(t, lo));
    set(inp, "mm", 1, to(t, hi));
    set(inp, "mm", 2, Scalar::from_bits(t, x));
    vec![Some(Scalar::from_bits(t, sum))]
}

fn reduce_wide(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    let t = elem(inp, "a");
    let (mut s, mut q) = (0i128, 0u64);
    for i in 0..n_arg(inp) {
        let v = val(at(inp, "a", i));
        s += v;
        // The square modulo 2^64 (the kernel wraps in unsigned long long).
        q = q.wrapping_add((v as u64).wrapping_mul(v as u64));
    }
    set(inp, "sq", 0, Scalar::u64(q));
    let ret = if t.is_signed_int() {
        Scalar::i64(s as i64)
    } else {
        Scalar::u64(s as u64)
    };
    vec![Some(ret)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::run_reference;
    use crate::spec::{compare, discover, KernelSpec, Tolerance};
    use std::path::PathBuf;

    fn corpus() -> Vec<KernelSpec> {
        discover(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("kernels")).unwrap()
    }

    fn spec(name: &str) -> KernelSpec {
        corpus().into_iter().find(|s| s.name == name).unwrap()
    }

    #[test]
    fn every_family_covers_every_int_type_and_runs() {
        let specs = corpus();
        let mut count = 0;
        for (prefix, _) in FAMILIES {
            for ty in INT_TYPES {
                let name = format!("{prefix}{ty}");
                let spec = specs
                    .iter()
                    .find(|s| s.name == name)
                    .unwrap_or_else(|| panic!("no generated kernel `{name}`"));
                assert!(crate::reference::reference(&name).is_some(), "{name}");
                let out = run_reference(spec).unwrap();
                for (r, c) in out.returns.iter().zip(&spec.inputs().calls) {
                    let ret = spec.entries[c.entry].ret;
                    assert_eq!(r.value.map(|v| v.ty()), ret, "{name}: return type");
                }
                let again = run_reference(spec).unwrap();
                assert_eq!(compare(&out, &again, Tolerance::Exact), Ok(()), "{name}");
                count += 1;
            }
        }
        assert!(count >= 20);
        assert!(reference("generated/int_arith_f32").is_none());
        assert!(reference("generated/int_arith_").is_none());
    }

    #[test]
    fn the_constant_divisors_match_the_kernels() {
        for (ty, signed) in [("i32", true), ("u16", false)] {
            let s = spec(&format!("generated/divrem_const_{ty}"));
            let list = const_divisors(signed).map(|d| d.to_string()).join(", ");
            assert!(
                s.about.as_deref().unwrap_or("").contains(&list),
                "{}: the generator's divisors changed",
                s.name
            );
        }
    }

    #[test]
    fn hand_checked_values() {
        // i8: -128 / -5 = 25 r -3; 127 % 64 = 63.
        let s = spec("generated/divrem_const_i8");
        let mut inp = s.inputs();
        inp.buffer_mut("a").unwrap().values_mut::<i8>()[0] = -128;
        inp.buffer_mut("a").unwrap().values_mut::<i8>()[1] = 127;
        divrem_const(&mut inp);
        let o = inp.buffer("out").unwrap().values::<i8>();
        assert_eq!(&o[..6], &[-42, -2, -18, -2, 25, -3]);
        assert_eq!(o[12 + 8], 1);
        assert_eq!(o[12 + 9], 63);
        // Saturation: i16 30000 + 10000, u8 200 * 2, i64 MIN - 1.
        let s = spec("generated/sat_i16");
        let mut inp = s.inputs();
        inp.buffer_mut("a").unwrap().values_mut::<i16>()[0] = 30000;
        inp.buffer_mut("b").unwrap().values_mut::<i16>()[0] = 10000;
        sat(&mut inp);
        assert_eq!(
            &inp.buffer("out").unwrap().values::<i16>()[..3],
            &[32767, 20000, 32767]
        );
        let s = spec("generated/sat_u8");
        let mut inp = s.inputs();
        inp.buffer_mut("a").unwrap().values_mut::<u8>()[0] = 200;
        inp.buffer_mut("b").unwrap().values_mut::<u8>()[0] = 2;
        sat(&mut inp);
        assert_eq!(
            &inp.buffer("out").unwrap().values::<u8>()[..3],
            &[202, 198, 255]
        );
        let s = spec("generated/sat_i64");
        let mut inp = s.inputs();
        inp.buffer_mut("a").unwrap().values_mut::<i64>()[0] = i64::MIN;
        inp.buffer_mut("b").unwrap().values_mut::<i64>()[0] = 1;
        sat(&mut inp);
        assert_eq!(
            &inp.buffer("out").unwrap().values::<i64>()[..3],
            &[i64::MIN + 1, i64::MIN, i64::MIN]
        );
        // Bits on u8: 0x81 rotl 1 = 0x03; i8 -128 >> 7 = -1.
        let s = spec("generated/int_bits_u8");
        let mut inp = s.inputs();
        inp.buffer_mut("a").unwrap().values_mut::<u8>()[0] = 0x81;
        inp.buffer_mut("b").unwrap().values_mut::<u8>()[0] = 9; // 9 % 8 = 1
        int_bits(&mut inp);
        assert_eq!(
            &inp.buffer("out").unwrap().values::<u8>()[..6],
            &[0x01, 0xf7, 0x88, 0x02, 0x40, 0x03]
        );
        let s = spec("generated/int_bits_i8");
        let mut inp = s.inputs();
        inp.buffer_mut("a").unwrap().values_mut::<i8>()[0] = -128;
        inp.buffer_mut("b").unwrap().values_mut::<i8>()[0] = 7;
        int_bits(&mut inp);
        assert_eq!(inp.buffer("out").unwrap().values::<i8>()[4], -1);
        // int_arith on i16: y = -2 -> (W)y >> 1 = 0x7fffffff -> low 16 bits -1.
        let s = spec("generated/int_arith_i16");
        let mut inp = s.inputs();
        inp.buffer_mut("a").unwrap().values_mut::<i16>()[0] = 0;
        inp.buffer_mut("b").unwrap().values_mut::<i16>()[0] = -2;
        int_arith(&mut inp);
        // (0 - 0) ^ (-6 + 0x7fffffff) = 0x7ffffff9 -> 0xfff9 = -7.
        assert_eq!(
            &inp.buffer("out").unwrap().values::<i16>()[..4],
            &[-2, 2, 0, -7]
        );
    }
}
