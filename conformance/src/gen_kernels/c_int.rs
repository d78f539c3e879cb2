//! C: elementwise integer families (wrapping arithmetic, bit operations,
//! compares, division by constants and variables, saturation).

use std::fmt::Write as _;

use super::types::Spelling;
use super::types::INTS;
use super::Out;
use crate::spec::{Direction, HeaderBuilder};

/// Wrapping add/sub/mul/negate-xor through the unsigned type.
pub(super) fn c_int_arith(o: &mut Out) {
    for t in INTS {
        let (n, tn, c, w) = (
            format!("int_arith_{}", t.name()),
            t.name(),
            t.c(),
            t.c_wide(),
        );
        let body = format!(
            r#"
typedef {c} T;
typedef {w} W;

void {n}(const T *a, const T *b, T *out, unsigned n) {{
    for (unsigned i = 0; i < n; i++) {{
        W x = (W)a[i], y = (W)b[i];
        out[4 * i + 0] = (T)(x + y);
        out[4 * i + 1] = (T)(x - y);
        out[4 * i + 2] = (T)(x * y);
        out[4 * i + 3] = (T)((0u - x) ^ (y * 3u + (y >> 1)));
    }}
}}
"#
        );
        o.c(
            &n,
            HeaderBuilder::new()
                .about(format!("wrapping {tn} add, sub, mul and (-x) ^ (3y + (y >> 1)) computed in {w} (no signed overflow), edge values in both inputs"))
                .entry(format!("{n}(a: *{tn}, b: *{tn}, out: *{tn}, n: u32)"))
                .arg("n", "257")
                .buf("a", t, "n", Direction::In, "bits edges")
                .buf("b", t, "n", Direction::In, "bits edges")
                .buf("out", t, "n*4", Direction::Out, ""),
            &body,
        );
    }
}

/// and/or/xor/shifts/rotates by a variable count masked below the width.
pub(super) fn c_int_bits(o: &mut Out) {
    for t in INTS {
        let (n, tn, c, w, u, bits) = (
            format!("int_bits_{}", t.name()),
            t.name(),
            t.c(),
            t.c_wide(),
            t.c_unsigned(),
            t.bits(),
        );
        let body = format!(
            r#"
typedef {c} T;
typedef {u} U;
typedef {w} W;

void {n}(const T *a, const T *b, T *out, unsigned n) {{
    for (unsigned i = 0; i < n; i++) {{
        W x = (W)a[i], y = (W)b[i];
        unsigned s = (unsigned)(U)b[i] % {bits}u;
        W ux = (W)(U)a[i];
        out[6 * i + 0] = (T)(x & y);
        out[6 * i + 1] = (T)(x | ~y);
        out[6 * i + 2] = (T)(x ^ y);
        out[6 * i + 3] = (T)(x << s);
        out[6 * i + 4] = (T)(a[i] >> s);
        out[6 * i + 5] = (T)((ux << s) | (ux >> (({bits}u - s) % {bits}u)));
    }}
}}
"#
        );
        let shr = if t.is_signed_int() {
            "arithmetic >>"
        } else {
            "logical >>"
        };
        o.c(
            &n,
            HeaderBuilder::new()
                .about(format!("{tn} and, or-not, xor, << and {shr} by a variable count (count % {bits}), rotate left; edge values"))
                .entry(format!("{n}(a: *{tn}, b: *{tn}, out: *{tn}, n: u32)"))
                .arg("n", "200")
                .buf("a", t, "n", Direction::In, "bits edges")
                .buf("b", t, "n", Direction::In, "bits edges")
                .buf("out", t, "n*6", Direction::Out, ""),
            &body,
        );
    }
}

/// min, max, clamp to argument bounds, three-way compare, select chain.
pub(super) fn c_int_cmp(o: &mut Out) {
    for t in INTS {
        let (n, tn, c) = (format!("int_cmp_{}", t.name()), t.name(), t.c());
        let (lo, hi) = if t.is_signed_int() {
            (-100, 100)
        } else {
            (10, 200)
        };
        let mid = t.lit((lo + hi) / 2);
        let body = format!(
            r#"
typedef {c} T;

void {n}(const T *a, const T *b, T *out, unsigned n, T lo, T hi) {{
    for (unsigned i = 0; i < n; i++) {{
        T x = a[i], y = b[i];
        out[5 * i + 0] = x < y ? x : y;
        out[5 * i + 1] = x > y ? x : y;
        out[5 * i + 2] = x < lo ? lo : (x > hi ? hi : x);
        int c = (x > y) - (x < y);
        out[5 * i + 3] = (T)(c + (x == y ? 4 : 0) + (x <= {mid} ? 8 : 16));
        out[5 * i + 4] = x == lo ? hi : (x >= hi ? lo : (y < x ? y : (x != y ? x : ({c})0)));
    }}
}}
"#
        );
        o.c(
            &n,
            HeaderBuilder::new()
                .about(format!("{tn} min, max, clamp to [lo, hi], three-way compare and a select chain; edge values"))
                .entry(format!("{n}(a: *{tn}, b: *{tn}, out: *{tn}, n: u32, lo: {tn}, hi: {tn})"))
                .arg("n", "300")
                .arg("lo", lo)
                .arg("hi", hi)
                .buf("a", t, "n", Direction::In, format!("uniform({lo}, {hi}) edges(30%)"))
                .buf("b", t, "n", Direction::In, "bits edges")
                .buf("out", t, "n*5", Direction::Out, ""),
            &body,
        );
    }
}

/// The constant divisors of `divrem_const_<t>` (restated on purpose in
/// `reference_generated.rs`).
fn const_divisors(signed: bool) -> [i64; 6] {
    if signed {
        [3, 7, -5, 10, 64, 127]
    } else {
        [3, 7, 10, 16, 100, 255]
    }
}

/// Division and remainder by constants (magic-number multiplies) and by a
/// guarded variable (no division by zero, no MIN / -1).
pub(super) fn c_divrem(o: &mut Out) {
    for t in INTS {
        let (n, tn, c) = (format!("divrem_const_{}", t.name()), t.name(), t.c());
        let ds = const_divisors(t.is_signed_int());
        let mut lines = String::new();
        for (k, d) in ds.iter().enumerate() {
            let dl = t.lit(*d as i128);
            let _ = writeln!(
                lines,
                "        out[12 * i + {}] = (T)(x / {dl});\n        out[12 * i + {}] = (T)(x % {dl});",
                2 * k,
                2 * k + 1
            );
        }
        let body = format!(
            r#"
typedef {c} T;

void {n}(const T *a, T *out, unsigned n) {{
    for (unsigned i = 0; i < n; i++) {{
        T x = a[i];
{lines}    }}
}}
"#
        );
        let list = ds.map(|d| d.to_string()).join(", ");
        o.c(
            &n,
            HeaderBuilder::new()
                .about(format!("{tn} quotient and remainder by the constants {list} (multiply-by-magic-number sequences, shifts for powers of two); edge values"))
                .entry(format!("{n}(a: *{tn}, out: *{tn}, n: u32)"))
                .arg("n", "300")
                .buf("a", t, "n", Direction::In, "bits edges(20%)")
                .buf("out", t, "n*12", Direction::Out, ""),
            &body,
        );

        let n = format!("divrem_var_{}", t.name());
        let w = t.c_wide();
        let guard = if t.is_signed_int() {
            "        if (d == -1) {\n            out[2 * i] = (T)(0u - (W)x);\n            out[2 * i + 1] = 0;\n            continue;\n        }\n"
        } else {
            ""
        };
        let body = format!(
            r#"
typedef {c} T;
typedef {w} W;

void {n}(const T *a, const T *b, T *out, unsigned n) {{
    for (unsigned i = 0; i < n; i++) {{
        T x = a[i], d = b[i];
        if (d == 0) d = 1;
{guard}        out[2 * i] = (T)(x / d);
        out[2 * i + 1] = (T)(x % d);
    }}
}}
"#
        );
        let bgen = if t.is_signed_int() {
            "uniform(-20, 20) edges(20%)"
        } else {
            "uniform(0, 40) edges(20%)"
        };
        let guard_txt = if t.is_signed_int() {
            "divisor 0 becomes 1, x / -1 is negated in unsigned arithmetic"
        } else {
            "divisor 0 becomes 1"
        };
        o.c(
            &n,
            HeaderBuilder::new()
                .about(format!("{tn} quotient and remainder by a variable divisor ({guard_txt}: no UB); edge values"))
                .entry(format!("{n}(a: *{tn}, b: *{tn}, out: *{tn}, n: u32)"))
                .arg("n", "300")
                .buf("a", t, "n", Direction::In, "bits edges(20%)")
                .buf("b", t, "n", Direction::In, bgen)
                .buf("out", t, "n*2", Direction::Out, ""),
            &body,
        );
    }
}

/// Saturating add/sub/mul: builtins with overflow for half of the types,
/// compare-and-clamp for the others.
pub(super) fn c_sat(o: &mut Out) {
    for (k, t) in INTS.into_iter().enumerate() {
        let (n, tn, c) = (format!("sat_{}", t.name()), t.name(), t.c());
        let (mn, mx) = (t.lit(t.int_min()), t.lit(t.int_max()));
        let builtin = k % 2 == 0;
        let wm = match (t.bits(), t.is_signed_int()) {
            (64, true) => "__int128",
            (64, false) => "unsigned __int128",
            (_, true) => "long long",
            _ => "unsigned long long",
        };
        let ops = if t.is_signed_int() {
            if builtin {
                format!(
                    "        out[3 * i + 0] = __builtin_add_overflow(x, y, &r) ? (x < 0 ? {mn} : {mx}) : r;\n\
                     \x20       out[3 * i + 1] = __builtin_sub_overflow(x, y, &r) ? (x < 0 ? {mn} : {mx}) : r;\n\
                     \x20       out[3 * i + 2] = __builtin_mul_overflow(x, y, &r) ? ((x < 0) != (y < 0) ? {mn} : {mx}) : r;\n"
                )
            } else {
                format!(
                    "        if (y > 0 && x > {mx} - y) r = {mx};\n\
                     \x20       else if (y < 0 && x < {mn} - y) r = {mn};\n\
                     \x20       else r = (T)(x + y);\n\
                     \x20       out[3 * i + 0] = r;\n\
                     \x20       if (y < 0 && x > {mx} + y) r = {mx};\n\
                     \x20       else if (y > 0 && x < {mn} + y) r = {mn};\n\
                     \x20       else r = (T)(x - y);\n\
                     \x20       out[3 * i + 1] = r;\n\
                     \x20       {wm} p = ({wm})x * y;\n\
                     \x20       out[3 * i + 2] = p > {mx} ? {mx} : (p < {mn} ? {mn} : (T)p);\n"
                )
            }
        } else if builtin {
            format!(
                "        out[3 * i + 0] = __builtin_add_overflow(x, y, &r) ? {mx} : r;\n\
                 \x20       out[3 * i + 1] = __builtin_sub_overflow(x, y, &r) ? 0 : r;\n\
                 \x20       out[3 * i + 2] = __builtin_mul_overflow(x, y, &r) ? {mx} : r;\n"
            )
        } else {
            format!(
                "        r = (T)(x + y);\n\
                 \x20       out[3 * i + 0] = r < x ? {mx} : r;\n\
                 \x20       out[3 * i + 1] = x < y ? 0 : (T)(x - y);\n\
                 \x20       {wm} p = ({wm})x * y;\n\
                 \x20       out[3 * i + 2] = p > {mx} ? {mx} : (T)p;\n"
            )
        };
        let body = format!(
            r#"
typedef {c} T;

void {n}(const T *a, const T *b, T *out, unsigned n) {{
    for (unsigned i = 0; i < n; i++) {{
        T x = a[i], y = b[i], r;
{ops}    }}
}}
"#
        );
        let how = if builtin {
            "__builtin_{add,sub,mul}_overflow then clamp"
        } else {
            "compare-and-clamp; mul through a double-width product"
        };
        o.c(
            &n,
            HeaderBuilder::new()
                .about(format!(
                    "saturating {tn} add, sub and mul ({how}); edge values"
                ))
                .entry(format!("{n}(a: *{tn}, b: *{tn}, out: *{tn}, n: u32)"))
                .arg("n", "300")
                .buf("a", t, "n", Direction::In, "bits edges(25%)")
                .buf("b", t, "n", Direction::In, "bits edges(25%)")
                .buf("out", t, "n*3", Direction::Out, ""),
            &body,
        );
    }
}
