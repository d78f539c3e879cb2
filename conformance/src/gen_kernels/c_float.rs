//! C: float arithmetic, compares and conversions.

use super::types::Spelling;
use super::Out;
use crate::spec::ScalarType::*;
use crate::spec::{Direction, HeaderBuilder, Tolerance};

pub(super) fn c_float(o: &mut Out) {
    for t in [F32, F64] {
        let (tn, c) = (t.name(), t.c());
        let (sq, ab, sfx) = if t == F32 {
            ("__builtin_sqrtf", "__builtin_fabsf", "f")
        } else {
            ("__builtin_sqrt", "__builtin_fabs", "")
        };
        let n = format!("fp_arith_{tn}");
        let body = format!(
            r#"
typedef {c} T;

void {n}(const T *a, const T *b, T *out, unsigned n) {{
    for (unsigned i = 0; i < n; i++) {{
        T x = a[i], y = b[i];
        out[6 * i + 0] = x + y;
        out[6 * i + 1] = x - y;
        out[6 * i + 2] = x * y;
        out[6 * i + 3] = x / y;
        out[6 * i + 4] = {sq}({ab}(x));
        out[6 * i + 5] = x * y + 0.5{sfx};
    }}
}}
"#
        );
        o.c(
            &n,
            HeaderBuilder::new()
                .about(format!("{tn} add, sub, mul, div, sqrt(|x|) and an unfused x*y + 0.5 over edge values (NaN, inf, denormals, signed zeros)"))
                .entry(format!("{n}(a: *{tn}, b: *{tn}, out: *{tn}, n: u32)"))
                .arg("n", "256")
                .buf("a", t, "n", Direction::In, "uniform(-1000, 1000) edges(20%)")
                .buf("b", t, "n", Direction::In, "bits edges(20%)")
                .buf("out", t, "n*6", Direction::Out, "")
                .flags("-ffp-contract=off")
                .tolerance(Tolerance::Ulp(0)),
            &body,
        );

        let n = format!("fp_cmp_{tn}");
        let body = format!(
            r#"
typedef {c} T;

int {n}(const T *a, const T *b, T *out, unsigned n) {{
    int mask_sum = 0;
    for (unsigned i = 0; i < n; i++) {{
        T x = a[i], y = b[i];
        int m = (x < y) | (x <= y) << 1 | (x == y) << 2 | (x != y) << 3 | (x > y) << 4 |
                (x >= y) << 5 | (x != x) << 6 | __builtin_isunordered(x, y) << 7;
        mask_sum = mask_sum * 3 % 1000003 + m;
        out[3 * i + 0] = x < y ? x : y;
        out[3 * i + 1] = (x != x) ? y : ((y != y) ? x : (x > y ? x : y));
        out[3 * i + 2] = x > 0.0{sfx} ? x : (x < 0.0{sfx} ? -x : ({c})m);
    }}
    return mask_sum;
}}
"#
        );
        o.c(
            &n,
            HeaderBuilder::new()
                .about(format!("{tn} ordered and unordered compares packed into a mask, compare-select min/max with NaN handling, sign select; edge values"))
                .entry(format!("{n}(a: *{tn}, b: *{tn}, out: *{tn}, n: u32) -> i32"))
                .arg("n", "300")
                .buf("a", t, "n", Direction::In, "uniform(-4, 4) edges(25%)")
                .buf("b", t, "n", Direction::In, "uniform(-4, 4) edges(25%)")
                .buf("out", t, "n*3", Direction::Out, "")
                .tolerance(Tolerance::Ulp(0)),
            &body,
        );

        let n = format!("fp_conv_{tn}");
        let (big32, big64) = if t == F32 {
            ("2147483648.0f", "9223372036854775808.0f")
        } else {
            ("2147483648.0", "9223372036854775808.0")
        };
        let other = if t == F32 { "double" } else { "float" };
        let body = format!(
            r#"
typedef {c} T;

void {n}(const T *a, const long long *b, int *oi, long long *ol, unsigned char *ob, T *of, {other} *oo, unsigned n) {{
    for (unsigned i = 0; i < n; i++) {{
        T x = a[i];
        oi[i] = (x != x || x >= {big32} || x < -{big32}) ? -1 : (int)x;
        ol[i] = (x != x || x >= {big64} || x < -{big64}) ? 0 : (long long)x;
        ob[i] = (x != x || x >= 256.0{sfx} || x <= -1.0{sfx}) ? 255 : (unsigned char)x;
        of[2 * i] = (T)b[i];
        of[2 * i + 1] = (T)(unsigned long long)b[i];
        oo[i] = ({other})x;
    }}
}}
"#
        );
        o.c(
            &n,
            HeaderBuilder::new()
                .about(format!("{tn} to i32/i64/u8 with range guards (no out-of-range conversion), i64 and u64 to {tn} (rounding), {tn} to {other}; edge values"))
                .entry(format!("{n}(a: *{tn}, b: *i64, oi: *i32, ol: *i64, ob: *u8, of: *{tn}, oo: *{}, n: u32)", if t == F32 { "f64" } else { "f32" }))
                .arg("n", "300")
                .buf("a", t, "n", Direction::In, "uniform(-3000000000, 3000000000) edges(25%)")
                .buf("b", I64, "n", Direction::In, "bits edges")
                .buf("oi", I32, "n", Direction::Out, "")
                .buf("ol", I64, "n", Direction::Out, "")
                .buf("ob", U8, "n", Direction::Out, "")
                .buf("of", t, "n*2", Direction::Out, "")
                .buf("oo", if t == F32 { F64 } else { F32 }, "n", Direction::Out, "")
                .tolerance(Tolerance::Ulp(0)),
            &body,
        );
    }
}
