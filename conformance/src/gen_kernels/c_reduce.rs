//! C: reductions into accumulators of the same, a wider and another type.

use super::types::{Spelling, INTS};
use super::Out;
use crate::spec::ScalarType::*;
use crate::spec::{Direction, HeaderBuilder};

pub(super) fn c_reduce(o: &mut Out) {
    for t in INTS {
        let (tn, c, w) = (t.name(), t.c(), t.c_wide());
        // Same-width wrapping sum, xor and min/max folded into the result.
        let n = format!("reduce_same_{tn}");
        let body = format!(
            r#"
typedef {c} T;
typedef {w} W;

T {n}(const T *a, unsigned n, T *mm) {{
    W sum = 0, x = 0;
    T lo = a[0], hi = a[0];
    for (unsigned i = 0; i < n; i++) {{
        sum += (W)a[i];
        x ^= (W)a[i] << (i % 3u);
        if (a[i] < lo) lo = a[i];
        if (a[i] > hi) hi = a[i];
    }}
    mm[0] = lo;
    mm[1] = hi;
    mm[2] = (T)x;
    return (T)sum;
}}
"#
        );
        o.c(
            &n,
            HeaderBuilder::new()
                .about(format!("{tn} reduction in its own width: wrapping sum (returned), shifted xor, min and max; edge values"))
                .entry(format!("{n}(a: *{tn}, n: u32, mm: *{tn}) -> {tn}"))
                .arg("n", "1000")
                .buf("a", t, "n", Direction::In, "bits edges")
                .buf("mm", t, "3", Direction::Out, ""),
            &body,
        );
        // Widening sum into 64 bits, plus sum of squares into u64.
        let n = format!("reduce_wide_{tn}");
        let acc = if t.is_signed_int() {
            "long long"
        } else {
            "unsigned long long"
        };
        let ret = if t.is_signed_int() { "i64" } else { "u64" };
        let sum_expr = if t == I64 || t == U64 {
            "(unsigned long long)a[i]"
        } else {
            "(long long)a[i]"
        };
        let sq = if t.is_signed_int() && t != I64 {
            "(unsigned long long)((long long)a[i] * (long long)a[i])"
        } else {
            "(unsigned long long)a[i] * (unsigned long long)a[i]"
        };
        let body = if t == I64 || t == U64 {
            format!(
                r#"
typedef {c} T;

{acc} {n}(const T *a, unsigned n, unsigned long long *sq) {{
    unsigned long long s = 0, q = 0;
    for (unsigned i = 0; i < n; i++) {{
        s += {sum_expr};
        q += {sq};
    }}
    sq[0] = q;
    return ({acc})s;
}}
"#
            )
        } else {
            format!(
                r#"
typedef {c} T;

{acc} {n}(const T *a, unsigned n, unsigned long long *sq) {{
    long long s = 0;
    unsigned long long q = 0;
    for (unsigned i = 0; i < n; i++) {{
        s += {sum_expr};
        q += {sq};
    }}
    sq[0] = q;
    return ({acc})s;
}}
"#
            )
        };
        o.c(
            &n,
            HeaderBuilder::new()
                .about(format!("{tn} reduction widened to 64 bits (sign- or zero-extending loads), sum of squares into u64; edge values"))
                .entry(format!("{n}(a: *{tn}, n: u32, sq: *u64) -> {ret}"))
                .arg("n", "1000")
                .buf("a", t, "n", Direction::In, "bits edges")
                .buf("sq", U64, "1", Direction::Out, ""),
            &body,
        );
    }
    for (t, acc, accn) in [
        (F32, F32, "float"),
        (F32, F64, "double"),
        (F64, F64, "double"),
    ] {
        let n = format!("reduce_{}_acc_{}", t.name(), acc.name());
        let (tn, c) = (t.name(), t.c());
        let body = format!(
            r#"
typedef {c} T;

{accn} {n}(const T *a, unsigned n, {accn} *aux) {{
    {accn} s = 0, p = 1, mx = a[0];
    for (unsigned i = 0; i < n; i++) {{
        s += ({accn})a[i];
        p *= ({accn})a[i] * 0.5{sfx} + 1;
        mx = a[i] > mx ? ({accn})a[i] : mx;
    }}
    aux[0] = p;
    aux[1] = mx;
    return s;
}}
"#,
            sfx = if acc == F32 { "f" } else { "" }
        );
        o.c(
            &n,
            HeaderBuilder::new()
                .about(format!("ordered {tn} sum, product and max in a {} accumulator (no reassociation at -O2 without fast-math)", acc.name()))
                .entry(format!("{n}(a: *{tn}, n: u32, aux: *{}) -> {}", acc.name(), acc.name()))
                .arg("n", "999")
                .buf("a", t, "n", Direction::In, "uniform(-1.5, 1.5)")
                .buf("aux", acc, 2, Direction::Out, "")
                .flags("-ffp-contract=off"),
            &body,
        );
    }
    // Kahan-compensated sum.
    let body = r#"
double reduce_kahan_f32_acc_f64(const float *a, unsigned n) {
    double s = 0, c = 0;
    for (unsigned i = 0; i < n; i++) {
        double y = (double)a[i] - c;
        double t = s + y;
        c = (t - s) - y;
        s = t;
    }
    return s;
}
"#;
    o.c(
        "reduce_kahan_f32_acc_f64",
        HeaderBuilder::new()
            .about(
                "Kahan-compensated sum of f32 values into f64 (the compensation must survive -O2)",
            )
            .entry("reduce_kahan_f32_acc_f64(a: *f32, n: u32) -> f64")
            .arg("n", "2000")
            .buf("a", F32, "n", Direction::In, "uniform(-1000, 1000)")
            .flags("-ffp-contract=off"),
        body,
    );
}
