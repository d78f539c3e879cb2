//! C: loop shapes and switches of varied size and density.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::types::{Rng, Spelling};
use super::Out;
use crate::spec::ScalarType::*;
use crate::spec::{Direction, HeaderBuilder};

pub(super) fn c_shapes(o: &mut Out) {
    let shapes: [(&str, &str, &str, &str); 5] = [
        (
            "reverse",
            "out[i] = f(a[n - 1 - i])",
            "n",
            "out[i] = F(a[n - 1 - i]);",
        ),
        (
            "stride2",
            "out[i] = f(a[2i])",
            "n*2",
            "out[i] = F(a[2 * i]);",
        ),
        (
            "stride7",
            "out[i] = f(a[7i]) with a[7i+3] added",
            "n*7",
            "out[i] = F(a[7 * i]) + a[7 * i + 3];",
        ),
        (
            "gather",
            "out[i] = f(a[(i * 37) % n]), a permutation walk",
            "n",
            "out[i] = F(a[(i * 37u) % n]);",
        ),
        (
            "recurrence",
            "out[i] = f(out[i - 1]) + a[i], a loop-carried dependence",
            "n",
            "out[i] = (i ? F(out[i - 1]) : (T)0) + a[i];",
        ),
    ];
    for (shape, desc, len, stmt) in shapes {
        for t in [U8, I32, F64] {
            let (tn, c) = (t.name(), t.c());
            let n = format!("shape_{shape}_{tn}");
            let f = match t {
                U8 => "#define F(v) ((T)((unsigned)(v) * 5u + 1u))",
                I32 => "#define F(v) ((T)((unsigned)(v) * 2654435761u >> 3))",
                _ => "#define F(v) ((v) * 0.75 - 1.0)",
            };
            let stmt = if t == F64 {
                stmt.to_string()
            } else {
                // Integer additions wrap through unsigned arithmetic.
                stmt.replace(" + a[", " + (unsigned)a[")
                    .replacen("out[i] = ", "out[i] = (T)(", 1)
                    .replace(";", ");")
            };
            let body = format!(
                r#"
typedef {c} T;
{f}

void {n}(const T *a, T *out, unsigned n) {{
    for (unsigned i = 0; i < n; i++)
        {stmt}
}}
"#
            );
            let gen = if t == F64 {
                "uniform(-10, 10)".to_string()
            } else {
                "bits".to_string()
            };
            let mut d = HeaderBuilder::new();
            d.about(format!("loop shape `{shape}` over {tn}: {desc}"))
                .entry(format!("{n}(a: *{tn}, out: *{tn}, n: u32)"))
                .arg("n", "401")
                .buf("a", t, len, Direction::In, gen)
                .buf("out", t, "n", Direction::Out, "");
            if t == F64 {
                d.flags("-ffp-contract=off");
            }
            o.c(&n, &d, &body);
        }
    }
}

pub(super) fn c_switch(o: &mut Out) {
    // (name, number of cases, case value of case k)
    type CaseValue = Box<dyn Fn(usize) -> u32>;
    let configs: Vec<(String, usize, CaseValue, &str)> = vec![
        (
            "dense_4".into(),
            4,
            Box::new(|k| k as u32),
            "dense 0..3 (below the jump-table threshold on some arches)",
        ),
        ("dense_8".into(), 8, Box::new(|k| k as u32), "dense 0..7"),
        (
            "dense_16".into(),
            16,
            Box::new(|k| k as u32 + 100),
            "dense 100..115 (offset table)",
        ),
        ("dense_32".into(), 32, Box::new(|k| k as u32), "dense 0..31"),
        (
            "dense_64".into(),
            64,
            Box::new(|k| k as u32 + 7),
            "dense 7..70",
        ),
        (
            "dense_128".into(),
            128,
            Box::new(|k| k as u32),
            "dense 0..127",
        ),
        (
            "holes_24".into(),
            24,
            Box::new(|k| (k as u32) * 3 / 2),
            "every third value missing (table with default holes)",
        ),
        (
            "sparse_8".into(),
            8,
            Box::new(|k| (k as u32) * 1000 + 3),
            "sparse, 1000 apart (compare tree)",
        ),
        (
            "sparse_32".into(),
            32,
            Box::new(|k| (k as u32).wrapping_mul(2654435761) >> 7),
            "32 hashed values (binary search)",
        ),
        (
            "clusters_40".into(),
            40,
            Box::new(|k| (k as u32 / 10) * 5000 + k as u32 % 10),
            "four dense clusters of 10, 5000 apart (several tables)",
        ),
        (
            "bits_16".into(),
            16,
            Box::new(|k| 1u32 << (k + 4)),
            "powers of two",
        ),
        (
            "fallthrough_12".into(),
            12,
            Box::new(|k| k as u32 * 2),
            "even values with fall-through chains",
        ),
    ];
    for (tag, cases, val, desc) in configs {
        let n = format!("switch_{tag}");
        let mut rng = Rng::new(&n);
        let vals: Vec<u32> = (0..cases).map(&*val).collect();
        assert_eq!(
            vals.iter().collect::<BTreeSet<_>>().len(),
            cases,
            "{n}: duplicate case values"
        );
        let maxv = *vals.iter().max().unwrap();
        let fall = tag.starts_with("fallthrough");
        let mut arms = String::new();
        for (k, v) in vals.iter().enumerate() {
            let m = rng.below(1000) + 1;
            let a = rng.below(100_000);
            let expr = match k % 4 {
                0 => format!("x * {m}u + {a}u"),
                1 => format!("(x ^ {a}u) + {m}u"),
                2 => format!("(x >> {}) * {m}u - {a}u", k % 7 + 1),
                _ => format!("{a}u - x * {m}u"),
            };
            if fall && k % 3 != 2 {
                let _ = writeln!(arms, "    case {v}u: r += {expr}; /* fall through */");
            } else if fall {
                let _ = writeln!(arms, "    case {v}u: r += {expr}; break;");
            } else {
                let _ = writeln!(arms, "    case {v}u: return {expr};");
            }
        }
        let fn_body = if fall {
            format!(
                "    unsigned r = 1;\n    switch (s) {{\n{arms}    default: r = x ^ 0x5a5a5a5au;\n    }}\n    return r;\n"
            )
        } else {
            format!("    switch (s) {{\n{arms}    default: return x ^ 0x5a5a5a5au;\n    }}\n")
        };
        let body = format!(
            r#"
__attribute__((noinline)) static unsigned dispatch(unsigned s, unsigned x) {{
{fn_body}}}

void {n}(const unsigned *sel, const unsigned *x, unsigned *out, unsigned n) {{
    for (unsigned i = 0; i < n; i++)
        out[i] = dispatch(sel[i], x[i]);
}}
"#
        );
        // Mostly case values (from a list), some defaults.
        let list = vals
            .iter()
            .map(|v| v.to_string())
            .chain([(maxv + 1).to_string(), "4000000000".into()])
            .collect::<Vec<_>>()
            .join(", ");
        o.c(
            &n,
            HeaderBuilder::new()
                .about(format!("switch with {cases} cases, {desc}; selectors cycle through every case value and two defaults"))
                .entry(format!("{n}(sel: *u32, x: *u32, out: *u32, n: u32)"))
                .arg("n", "500")
                .buf("sel", U32, "n", Direction::In, format!("list({list})"))
                .buf("x", U32, "n", Direction::In, "bits")
                .buf("out", U32, "n", Direction::Out, ""),
            &body,
        );
    }
}
