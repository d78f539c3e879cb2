//! C: calls: mutual recursion and many-argument signatures.

use std::fmt::Write as _;

use super::types::{Rng, Spelling};
use super::Out;
use crate::spec::ScalarType::{self, *};
use crate::spec::{Direction, HeaderBuilder};

pub(super) fn c_mutual(o: &mut Out) {
    for k in [2usize, 3, 5, 8] {
        let n = format!("mutual_rec_{k}");
        let mut protos = String::new();
        let mut defs = String::new();
        for j in 0..k {
            let next = (j + 1) % k;
            let _ = writeln!(
                protos,
                "__attribute__((noinline)) static unsigned long long r{j}(unsigned d, unsigned long long acc);"
            );
            let mulc = 3 + 2 * j as u64;
            let _ = writeln!(
                defs,
                "__attribute__((noinline)) static unsigned long long r{j}(unsigned d, unsigned long long acc) {{\n    if (d == 0) return acc + {j}u;\n    unsigned long long v = r{next}(d - 1, acc * {mulc}u + d);\n    return v ^ (v >> {});\n}}",
                j + 1
            );
        }
        let body = format!(
            r#"
{protos}
{defs}
unsigned long long {n}(unsigned depth, unsigned long long seed) {{
    return r0(depth, seed) + r{}(depth / 2, seed ^ 0xabcdefull);
}}
"#,
            k - 1
        );
        o.c(
            &n,
            HeaderBuilder::new()
                .about(format!("a cycle of {k} mutually recursive noinline functions (non-tail calls), depth up to 700, per-call depth"))
                .entry(format!("{n}(depth: u32, seed: u64) -> u64"))
                .arg("depth", "list(0, 1, 7, 100, 700) per-call")
                .arg("seed", "0x123456789")
                .calls(5),
            &body,
        );
    }
}

pub(super) fn c_manyargs(o: &mut Out) {
    let configs: [(&str, &[ScalarType]); 8] = [
        ("ints9", &[I32, U64, I8, U16, I64, U32, I16, U8, I64]),
        (
            "ints14",
            &[
                U8, I8, U16, I16, U32, I32, U64, I64, U8, I16, U32, I64, I8, U64,
            ],
        ),
        (
            "floats10",
            &[F64, F32, F64, F32, F64, F32, F64, F32, F64, F32],
        ),
        ("doubles12", &[F64; 12]),
        (
            "mixed_alt16",
            &[
                I32, F64, U8, F32, I64, F64, I16, F32, U32, F64, U64, F32, I8, F64, U16, F32,
            ],
        ),
        (
            "ints_then_floats",
            &[
                I64, I64, I64, I64, I64, I64, I64, I64, I64, F64, F64, F64, F64, F64, F64, F64,
                F64, F64,
            ],
        ),
        (
            "floats_then_ints",
            &[
                F32, F32, F32, F32, F32, F32, F32, F32, F32, F32, I32, I32, I32, I32, I32, I32,
                I32, I32, I32, I32,
            ],
        ),
        (
            "narrow20",
            &[
                I8, U8, I16, U16, I8, U8, I16, U16, I8, U8, I16, U16, I8, U8, I16, U16, I8, U8,
                I16, U16,
            ],
        ),
    ];
    for (tag, tys) in configs {
        let n = format!("args_{tag}");
        let mut rng = Rng::new(&n);
        let names: Vec<String> = (0..tys.len()).map(|k| format!("p{k}")).collect();
        let params: Vec<String> = tys
            .iter()
            .zip(&names)
            .map(|(t, p)| format!("{} {p}", t.c()))
            .collect();
        let sig: Vec<String> = tys
            .iter()
            .zip(&names)
            .map(|(t, p)| format!("{p}: {}", t.name()))
            .collect();
        let mut terms = String::new();
        let mut args = Vec::new();
        for (k, (t, p)) in tys.iter().zip(&names).enumerate() {
            let m = 2 * k + 3;
            if t.is_float() {
                let _ = writeln!(terms, "    f = f * 0.5 + (double){p} * {m}.0;");
                let v = (rng.below(20_001) as f64 - 10_000.0) / 8.0;
                args.push((p, format!("{v:?}")));
            } else {
                let _ = writeln!(
                    terms,
                    "    h = h * {m}u + (unsigned long long){p};\n    out[{k}] = (long long){p};"
                );
                let v = match k % 3 {
                    0 => t.int_min(),
                    1 => t.int_max(),
                    _ => rng.int(*t),
                };
                args.push((p, v.to_string()));
            }
        }
        let body = format!(
            r#"
double {n}(long long *out, {}) {{
    unsigned long long h = 0;
    double f = 0;
{terms}    out[{}] = (long long)(h >> 1);
    return f + (double)(h % 1000003u);
}}
"#,
            params.join(", "),
            tys.len()
        );
        let mut d = HeaderBuilder::new();
        d.about(format!("{} scalar arguments ({tag}): register files overflow onto the stack, narrow integers are extended by the caller; the integers are echoed to `out`", tys.len()))
            .entry(format!("{n}(out: *i64, {}) -> f64", sig.join(", ")))
            .buf("out", I64, tys.len() + 1, Direction::Out, "");
        for (p, v) in args {
            d.arg(p, v);
        }
        d.flags("-ffp-contract=off");
        o.c(&n, &d, &body);
    }
}
