//! `cargo xtask gen-kernels [--check]`: the generated part of the
//! conformance corpus.
//!
//! Writes `conformance/kernels/generated/*.c` and
//! `conformance/kernels/generated-ir/*.ll`: a cross product of operation
//! families x element types x shapes (elementwise integer and float ops over
//! every width, division by constants and variables, saturation, compare and
//! select chains, reductions into different accumulators, strided and
//! reversed loops, switches of varied size and density, lookup tables in
//! `.rodata`, static state in `.data`/`.bss`, function-pointer tables,
//! mutual recursion, struct copies and memsets around the `memcpy`/`memset`
//! thresholds, many-argument signatures; in IR: vector widths with
//! `llvm.vector.reduce.*`, `llvm.fma`/`llvm.fmuladd`, `llvm.*.sat`,
//! `llvm.*.with.overflow`, i128, `fneg`, bit intrinsics, phi/select loops,
//! integer min/max/abs). Every kernel follows the corpus rules of
//! `conformance/README.md` (no UB, identical integer results on every arch).
//!
//! The output is a pure function of this file: no randomness except a fixed
//! SplitMix64 stream, no clock, no environment. `--check` regenerates in
//! memory and fails if the files on disk differ (the unit test below does
//! the same), so the committed corpus cannot drift from its generator.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::flags::Flags;
use crate::{bail, Result};

const HELP: &str = "\
cargo xtask gen-kernels [--check]

Regenerate conformance/kernels/generated/*.c and
conformance/kernels/generated-ir/*.ll from scripts/src/gen_kernels.rs
(stale .c/.ll files in those two directories are deleted).
--check  write nothing; fail if the files on disk differ from the generator.";

/// The two output directories, relative to `conformance/kernels`.
pub const C_DIR: &str = "generated";
pub const IR_DIR: &str = "generated-ir";

pub fn main(args: Vec<String>) -> Result {
    let Some(mut f) = Flags::new(args, HELP) else {
        return Ok(());
    };
    let check = f.switch("--check");
    f.finish()?;
    let corpus = crate::root().join("conformance/kernels");
    let kernels = generate();
    if check {
        let diffs = differences(&corpus, &kernels)?;
        if !diffs.is_empty() {
            bail!(
                "the generated corpus differs from its generator (run `cargo xtask gen-kernels`):\n  {}",
                diffs.join("\n  ")
            );
        }
        println!("gen-kernels: {} kernels up to date", kernels.len());
        return Ok(());
    }
    write(&corpus, &kernels)?;
    let c = kernels.iter().filter(|k| k.path.ends_with(".c")).count();
    println!(
        "gen-kernels: wrote {c} C kernels to {C_DIR}/ and {} IR kernels to {IR_DIR}/",
        kernels.len() - c
    );
    Ok(())
}

/// One generated file: path relative to `conformance/kernels`, contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kernel {
    pub path: String,
    pub text: String,
}

/// The `.c`/`.ll` files currently in the generated directories.
fn on_disk(corpus: &Path) -> Result<BTreeMap<String, PathBuf>> {
    let mut out = BTreeMap::new();
    for dir in [C_DIR, IR_DIR] {
        let d = corpus.join(dir);
        if !d.exists() {
            continue;
        }
        for e in std::fs::read_dir(&d)? {
            let p = e?.path();
            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
            if p.is_file() && (ext == "c" || ext == "ll") {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                out.insert(format!("{dir}/{name}"), p);
            }
        }
    }
    Ok(out)
}

/// What differs between the generator's output and the files on disk.
pub fn differences(corpus: &Path, kernels: &[Kernel]) -> Result<Vec<String>> {
    let mut disk = on_disk(corpus)?;
    let mut diffs = Vec::new();
    for k in kernels {
        match disk.remove(&k.path) {
            None => diffs.push(format!("{}: missing", k.path)),
            Some(p) => {
                if std::fs::read_to_string(&p)? != k.text {
                    diffs.push(format!("{}: differs", k.path));
                }
            }
        }
    }
    for stale in disk.keys() {
        diffs.push(format!("{stale}: not produced by the generator (stale)"));
    }
    Ok(diffs)
}

fn write(corpus: &Path, kernels: &[Kernel]) -> Result {
    let wanted: BTreeSet<&str> = kernels.iter().map(|k| k.path.as_str()).collect();
    for (rel, p) in on_disk(corpus)? {
        if !wanted.contains(rel.as_str()) {
            std::fs::remove_file(p)?;
        }
    }
    for dir in [C_DIR, IR_DIR] {
        std::fs::create_dir_all(corpus.join(dir))?;
    }
    for k in kernels {
        let p = corpus.join(&k.path);
        if std::fs::read_to_string(&p).ok().as_deref() != Some(k.text.as_str()) {
            std::fs::write(&p, &k.text)?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Types

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
    F32,
    F64,
}

use Ty::*;

const INTS: [Ty; 8] = [I8, I16, I32, I64, U8, U16, U32, U64];

impl Ty {
    fn name(self) -> &'static str {
        match self {
            I8 => "i8",
            I16 => "i16",
            I32 => "i32",
            I64 => "i64",
            U8 => "u8",
            U16 => "u16",
            U32 => "u32",
            U64 => "u64",
            F32 => "f32",
            F64 => "f64",
        }
    }
    fn c(self) -> &'static str {
        match self {
            I8 => "signed char",
            I16 => "short",
            I32 => "int",
            I64 => "long long",
            U8 => "unsigned char",
            U16 => "unsigned short",
            U32 => "unsigned",
            U64 => "unsigned long long",
            F32 => "float",
            F64 => "double",
        }
    }
    /// The unsigned C type of the same width.
    fn c_unsigned(self) -> &'static str {
        match self.bits() {
            8 => "unsigned char",
            16 => "unsigned short",
            32 => "unsigned",
            _ => "unsigned long long",
        }
    }
    /// The unsigned type arithmetic is done in (no promotion to `int`).
    fn c_wide(self) -> &'static str {
        if self.bits() <= 32 {
            "unsigned"
        } else {
            "unsigned long long"
        }
    }
    fn bits(self) -> u32 {
        match self {
            I8 | U8 => 8,
            I16 | U16 => 16,
            I32 | U32 | F32 => 32,
            I64 | U64 | F64 => 64,
        }
    }
    fn signed(self) -> bool {
        matches!(self, I8 | I16 | I32 | I64)
    }
    fn float(self) -> bool {
        matches!(self, F32 | F64)
    }
    /// The IR type (`i8`, `float`, ...).
    fn ir(self) -> &'static str {
        match self {
            I8 | U8 => "i8",
            I16 | U16 => "i16",
            I32 | U32 => "i32",
            I64 | U64 => "i64",
            F32 => "float",
            F64 => "double",
        }
    }
    fn min(self) -> i128 {
        if self.signed() {
            -(1i128 << (self.bits() - 1))
        } else {
            0
        }
    }
    fn max(self) -> i128 {
        if self.signed() {
            (1i128 << (self.bits() - 1)) - 1
        } else {
            (1i128 << self.bits()) - 1
        }
    }
    /// A C literal of this integer type for `v` (valid without warnings).
    fn lit(self, v: i128) -> String {
        assert!(v >= self.min() && v <= self.max(), "{v} out of {self:?}");
        match self {
            I64 if v == self.min() => "(-9223372036854775807LL - 1)".into(),
            I32 if v == self.min() => "(-2147483647 - 1)".into(),
            I64 => format!("{v}LL"),
            U64 => format!("{v}ULL"),
            U32 => format!("{v}U"),
            F32 | F64 => unreachable!(),
            _ => format!("{v}"),
        }
    }
}

/// SplitMix64: fixed constants for tables and case values.
struct Rng(u64);

impl Rng {
    fn new(seed: &str) -> Rng {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in seed.bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x100_0000_01b3);
        }
        Rng(h)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// A value of integer type `t`.
    fn int(&mut self, t: Ty) -> i128 {
        let raw = self.next() & ((1u128 << t.bits()) - 1) as u64;
        if t.signed() {
            let shift = 64 - t.bits();
            (((raw << shift) as i64) >> shift) as i128
        } else {
            raw as i128
        }
    }
}

// ---------------------------------------------------------------------------
// Output helpers

struct Out {
    kernels: Vec<Kernel>,
}

impl Out {
    fn c(&mut self, name: &str, directives: Vec<String>, body: &str) {
        self.push(C_DIR, name, "c", "//", &directives, body);
    }
    fn ir(&mut self, name: &str, directives: Vec<String>, body: &str) {
        self.push(IR_DIR, name, "ll", ";", &directives, body);
    }
    fn push(&mut self, dir: &str, name: &str, ext: &str, cmt: &str, d: &[String], body: &str) {
        let bang = format!("{cmt}!");
        let mut text = format!(
            "{cmt} Generated by `cargo xtask gen-kernels` (scripts/src/gen_kernels.rs); do not edit.\n"
        );
        for line in d {
            let _ = writeln!(text, "{bang} {line}");
        }
        text.push('\n');
        text.push_str(body.trim_start_matches('\n'));
        if !text.ends_with('\n') {
            text.push('\n');
        }
        let path = format!("{dir}/{name}.{ext}");
        assert!(
            !self.kernels.iter().any(|k| k.path == path),
            "duplicate kernel {path}"
        );
        self.kernels.push(Kernel { path, text });
    }
}

/// Shorthand for a list of directive lines.
macro_rules! dirs {
    ($($e:expr),* $(,)?) => { vec![$(String::from($e)),*] };
}

/// Every generated kernel, in a fixed order.
pub fn generate() -> Vec<Kernel> {
    let mut o = Out {
        kernels: Vec::new(),
    };
    c_int_arith(&mut o);
    c_int_bits(&mut o);
    c_int_cmp(&mut o);
    c_divrem(&mut o);
    c_sat(&mut o);
    c_float(&mut o);
    c_reduce(&mut o);
    c_shapes(&mut o);
    c_switch(&mut o);
    c_lut(&mut o);
    c_state(&mut o);
    c_fnptr(&mut o);
    c_mutual(&mut o);
    c_struct(&mut o);
    c_manyargs(&mut o);
    ir_vreduce(&mut o);
    ir_fma(&mut o);
    ir_sat(&mut o);
    ir_overflow(&mut o);
    ir_i128(&mut o);
    ir_fneg(&mut o);
    ir_bits(&mut o);
    ir_phi_select(&mut o);
    ir_minmax(&mut o);
    o.kernels.sort_by(|a, b| a.path.cmp(&b.path));
    o.kernels
}

// ---------------------------------------------------------------------------
// C: elementwise integer families

/// Wrapping add/sub/mul/negate-xor through the unsigned type.
fn c_int_arith(o: &mut Out) {
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
            dirs![
                format!("about wrapping {tn} add, sub, mul and (-x) ^ (3y + (y >> 1)) computed in {w} (no signed overflow), edge values in both inputs"),
                format!("fn {n}(a: *{tn}, b: *{tn}, out: *{tn}, n: u32)"),
                "arg n = 257",
                format!("buf a: {tn}[n] in = bits edges"),
                format!("buf b: {tn}[n] in = bits edges"),
                format!("buf out: {tn}[n*4] out"),
            ],
            &body,
        );
    }
}

/// and/or/xor/shifts/rotates by a variable count masked below the width.
fn c_int_bits(o: &mut Out) {
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
        let shr = if t.signed() {
            "arithmetic >>"
        } else {
            "logical >>"
        };
        o.c(
            &n,
            dirs![
                format!("about {tn} and, or-not, xor, << and {shr} by a variable count (count % {bits}), rotate left; edge values"),
                format!("fn {n}(a: *{tn}, b: *{tn}, out: *{tn}, n: u32)"),
                "arg n = 200",
                format!("buf a: {tn}[n] in = bits edges"),
                format!("buf b: {tn}[n] in = bits edges"),
                format!("buf out: {tn}[n*6] out"),
            ],
            &body,
        );
    }
}

/// min, max, clamp to argument bounds, three-way compare, select chain.
fn c_int_cmp(o: &mut Out) {
    for t in INTS {
        let (n, tn, c) = (format!("int_cmp_{}", t.name()), t.name(), t.c());
        let (lo, hi) = if t.signed() { (-100, 100) } else { (10, 200) };
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
            dirs![
                format!("about {tn} min, max, clamp to [lo, hi], three-way compare and a select chain; edge values"),
                format!("fn {n}(a: *{tn}, b: *{tn}, out: *{tn}, n: u32, lo: {tn}, hi: {tn})"),
                "arg n = 300",
                format!("arg lo = {lo}"),
                format!("arg hi = {hi}"),
                format!("buf a: {tn}[n] in = uniform({lo}, {hi}) edges(30%)"),
                format!("buf b: {tn}[n] in = bits edges"),
                format!("buf out: {tn}[n*5] out"),
            ],
            &body,
        );
    }
}

/// The constant divisors of `divrem_const_<t>` (the reference uses the same).
pub fn const_divisors(signed: bool) -> [i64; 6] {
    if signed {
        [3, 7, -5, 10, 64, 127]
    } else {
        [3, 7, 10, 16, 100, 255]
    }
}

/// Division and remainder by constants (magic-number multiplies) and by a
/// guarded variable (no division by zero, no MIN / -1).
fn c_divrem(o: &mut Out) {
    for t in INTS {
        let (n, tn, c) = (format!("divrem_const_{}", t.name()), t.name(), t.c());
        let ds = const_divisors(t.signed());
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
            dirs![
                format!("about {tn} quotient and remainder by the constants {list} (multiply-by-magic-number sequences, shifts for powers of two); edge values"),
                format!("fn {n}(a: *{tn}, out: *{tn}, n: u32)"),
                "arg n = 300",
                format!("buf a: {tn}[n] in = bits edges(20%)"),
                format!("buf out: {tn}[n*12] out"),
            ],
            &body,
        );

        let n = format!("divrem_var_{}", t.name());
        let w = t.c_wide();
        let guard = if t.signed() {
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
        let bgen = if t.signed() {
            "uniform(-20, 20) edges(20%)"
        } else {
            "uniform(0, 40) edges(20%)"
        };
        let guard_txt = if t.signed() {
            "divisor 0 becomes 1, x / -1 is negated in unsigned arithmetic"
        } else {
            "divisor 0 becomes 1"
        };
        o.c(
            &n,
            dirs![
                format!("about {tn} quotient and remainder by a variable divisor ({guard_txt}: no UB); edge values"),
                format!("fn {n}(a: *{tn}, b: *{tn}, out: *{tn}, n: u32)"),
                "arg n = 300",
                format!("buf a: {tn}[n] in = bits edges(20%)"),
                format!("buf b: {tn}[n] in = {bgen}"),
                format!("buf out: {tn}[n*2] out"),
            ],
            &body,
        );
    }
}

/// Saturating add/sub/mul: builtins with overflow for half of the types,
/// compare-and-clamp for the others.
fn c_sat(o: &mut Out) {
    for (k, t) in INTS.into_iter().enumerate() {
        let (n, tn, c) = (format!("sat_{}", t.name()), t.name(), t.c());
        let (mn, mx) = (t.lit(t.min()), t.lit(t.max()));
        let builtin = k % 2 == 0;
        let wm = match (t.bits(), t.signed()) {
            (64, true) => "__int128",
            (64, false) => "unsigned __int128",
            (_, true) => "long long",
            _ => "unsigned long long",
        };
        let ops = if t.signed() {
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
            dirs![
                format!("about saturating {tn} add, sub and mul ({how}); edge values"),
                format!("fn {n}(a: *{tn}, b: *{tn}, out: *{tn}, n: u32)"),
                "arg n = 300",
                format!("buf a: {tn}[n] in = bits edges(25%)"),
                format!("buf b: {tn}[n] in = bits edges(25%)"),
                format!("buf out: {tn}[n*3] out"),
            ],
            &body,
        );
    }
}

// ---------------------------------------------------------------------------
// C: floats

fn c_float(o: &mut Out) {
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
            dirs![
                format!("about {tn} add, sub, mul, div, sqrt(|x|) and an unfused x*y + 0.5 over edge values (NaN, inf, denormals, signed zeros)"),
                format!("fn {n}(a: *{tn}, b: *{tn}, out: *{tn}, n: u32)"),
                "arg n = 256",
                format!("buf a: {tn}[n] in = uniform(-1000, 1000) edges(20%)"),
                format!("buf b: {tn}[n] in = bits edges(20%)"),
                format!("buf out: {tn}[n*6] out"),
                "flags -ffp-contract=off",
                "tolerance ulp 0",
            ],
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
            dirs![
                format!("about {tn} ordered and unordered compares packed into a mask, compare-select min/max with NaN handling, sign select; edge values"),
                format!("fn {n}(a: *{tn}, b: *{tn}, out: *{tn}, n: u32) -> i32"),
                "arg n = 300",
                format!("buf a: {tn}[n] in = uniform(-4, 4) edges(25%)"),
                format!("buf b: {tn}[n] in = uniform(-4, 4) edges(25%)"),
                format!("buf out: {tn}[n*3] out"),
                "tolerance ulp 0",
            ],
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
            dirs![
                format!("about {tn} to i32/i64/u8 with range guards (no out-of-range conversion), i64 and u64 to {tn} (rounding), {tn} to {other}; edge values"),
                format!("fn {n}(a: *{tn}, b: *i64, oi: *i32, ol: *i64, ob: *u8, of: *{tn}, oo: *{}, n: u32)", if t == F32 { "f64" } else { "f32" }),
                "arg n = 300",
                format!("buf a: {tn}[n] in = uniform(-3000000000, 3000000000) edges(25%)"),
                "buf b: i64[n] in = bits edges",
                "buf oi: i32[n] out",
                "buf ol: i64[n] out",
                "buf ob: u8[n] out",
                format!("buf of: {tn}[n*2] out"),
                format!("buf oo: {}[n] out", if t == F32 { "f64" } else { "f32" }),
                "tolerance ulp 0",
            ],
            &body,
        );
    }
}

// ---------------------------------------------------------------------------
// C: reductions

fn c_reduce(o: &mut Out) {
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
            dirs![
                format!("about {tn} reduction in its own width: wrapping sum (returned), shifted xor, min and max; edge values"),
                format!("fn {n}(a: *{tn}, n: u32, mm: *{tn}) -> {tn}"),
                "arg n = 1000",
                format!("buf a: {tn}[n] in = bits edges"),
                format!("buf mm: {tn}[3] out"),
            ],
            &body,
        );
        // Widening sum into 64 bits, plus sum of squares into u64.
        let n = format!("reduce_wide_{tn}");
        let acc = if t.signed() {
            "long long"
        } else {
            "unsigned long long"
        };
        let ret = if t.signed() { "i64" } else { "u64" };
        let sum_expr = if t == I64 || t == U64 {
            "(unsigned long long)a[i]"
        } else {
            "(long long)a[i]"
        };
        let sq = if t.signed() && t != I64 {
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
            dirs![
                format!("about {tn} reduction widened to 64 bits (sign- or zero-extending loads), sum of squares into u64; edge values"),
                format!("fn {n}(a: *{tn}, n: u32, sq: *u64) -> {ret}"),
                "arg n = 1000",
                format!("buf a: {tn}[n] in = bits edges"),
                "buf sq: u64[1] out",
            ],
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
            dirs![
                format!("about ordered {tn} sum, product and max in a {} accumulator (no reassociation at -O2 without fast-math)", acc.name()),
                format!("fn {n}(a: *{tn}, n: u32, aux: *{}) -> {}", acc.name(), acc.name()),
                "arg n = 999",
                format!("buf a: {tn}[n] in = uniform(-1.5, 1.5)"),
                format!("buf aux: {}[2] out", acc.name()),
                "flags -ffp-contract=off",
            ],
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
        dirs![
            "about Kahan-compensated sum of f32 values into f64 (the compensation must survive -O2)",
            "fn reduce_kahan_f32_acc_f64(a: *f32, n: u32) -> f64",
            "arg n = 2000",
            "buf a: f32[n] in = uniform(-1000, 1000)",
            "flags -ffp-contract=off",
        ],
        body,
    );
}

// ---------------------------------------------------------------------------
// C: loop shapes

fn c_shapes(o: &mut Out) {
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
            let mut d = dirs![
                format!("about loop shape `{shape}` over {tn}: {desc}"),
                format!("fn {n}(a: *{tn}, out: *{tn}, n: u32)"),
                "arg n = 401",
                format!("buf a: {tn}[{len}] in = {gen}"),
                format!("buf out: {tn}[n] out"),
            ];
            if t == F64 {
                d.push("flags -ffp-contract=off".into());
            }
            o.c(&n, d, &body);
        }
    }
}

// ---------------------------------------------------------------------------
// C: switches

fn c_switch(o: &mut Out) {
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
            dirs![
                format!("about switch with {cases} cases, {desc}; selectors cycle through every case value and two defaults"),
                format!("fn {n}(sel: *u32, x: *u32, out: *u32, n: u32)"),
                "arg n = 500",
                format!("buf sel: u32[n] in = list({list})"),
                "buf x: u32[n] in = bits",
                "buf out: u32[n] out",
            ],
            &body,
        );
    }
}

// ---------------------------------------------------------------------------
// C: lookup tables in .rodata

fn c_lut(o: &mut Out) {
    for t in [U8, I16, U32, I64, F32, F64] {
        for size in [16usize, 256] {
            let (tn, c) = (t.name(), t.c());
            let n = format!("lut_{tn}_{size}");
            let mut rng = Rng::new(&n);
            let vals: Vec<String> = (0..size)
                .map(|_| match t {
                    F32 => {
                        let v = (rng.below(2_000_001) as f64 - 1_000_000.0) / 64.0;
                        format!("{:?}f", v as f32)
                    }
                    F64 => {
                        let v = (rng.next() >> 11) as f64 / (1u64 << 53) as f64 * 1e6 - 5e5;
                        format!("{v:?}")
                    }
                    _ => t.lit(rng.int(t)),
                })
                .collect();
            let mut table = String::new();
            for chunk in vals.chunks(8) {
                let _ = writeln!(table, "    {},", chunk.join(", "));
            }
            let (acc, op, ret) = if t.float() {
                ("double", "s += (double)v * (double)(i % 5u)", "f64")
            } else {
                (
                    "unsigned long long",
                    "s = s * 31u + (unsigned long long)v",
                    "u64",
                )
            };
            let mask = size - 1;
            let body = format!(
                r#"
typedef {c} T;

static const T table[{size}] = {{
{table}}};

{acc} {n}(const unsigned char *idx, T *out, unsigned n) {{
    {acc} s = 0;
    for (unsigned i = 0; i < n; i++) {{
        T v = table[idx[i] & {mask}u];
        out[i] = v;
        {op};
    }}
    return s;
}}
"#
            );
            let mut d = dirs![
                format!("about a static const {tn}[{size}] table in .rodata (a constant pool), indexed per element; returns a checksum"),
                format!("fn {n}(idx: *u8, out: *{tn}, n: u32) -> {ret}"),
                "arg n = 700",
                "buf idx: u8[n] in = bits",
                format!("buf out: {tn}[n] out"),
            ];
            if t.float() {
                d.push("flags -ffp-contract=off".into());
            }
            o.c(&n, d, &body);
        }
    }
}

// ---------------------------------------------------------------------------
// C: state across calls

fn c_state(o: &mut Out) {
    for t in [U8, I16, U32, U64, F64] {
        for sec in ["data", "bss"] {
            let (tn, c) = (t.name(), t.c());
            let n = format!("state_{sec}_{tn}");
            let init = match (sec, t) {
                ("bss", _) => String::new(),
                (_, F64) => " = 1.5".into(),
                (_, U8) => " = 200".into(),
                (_, I16) => " = -1234".into(),
                _ => " = 123456789".into(),
            };
            let step = if t.float() {
                "state = state * 0.5 + (double)step; hist[k % 8u] += state;".to_string()
            } else {
                "state = (T)((unsigned long long)state * 5u + step); hist[k % 8u] = (T)((unsigned long long)hist[k % 8u] + (unsigned long long)state);".to_string()
            };
            let hist_init = if sec == "data" {
                " = {1, 2, 3, 4, 5, 6, 7, 8}"
            } else {
                ""
            };
            let body = format!(
                r#"
typedef {c} T;

static T state{init};
static T hist[8]{hist_init};
static unsigned k;

T {n}(unsigned step, T *snap) {{
    {step}
    k++;
    for (unsigned i = 0; i < 8; i++) snap[i] = hist[i];
    return state;
}}
"#
            );
            let where_ = if sec == "data" {
                "initialised in .data"
            } else {
                "zero-initialised in .bss"
            };
            let mut d = dirs![
                format!("about a static {tn} state and an 8-entry history {where_}, updated on each of 7 calls"),
                format!("fn {n}(step: u32, snap: *{tn}) -> {tn}"),
                "arg step = iota(5, 11) per-call",
                format!("buf snap: {tn}[8] out"),
                "calls 7",
            ];
            if t.float() {
                d.push("flags -ffp-contract=off".into());
            }
            o.c(&n, d, &body);
        }
    }
    for len in [8usize, 64] {
        for sec in ["data", "bss"] {
            let n = format!("ring_{sec}_{len}");
            let init = if sec == "data" {
                let v: Vec<String> = (0..len).map(|i| (i * 7 + 1).to_string()).collect();
                format!(" = {{{}}}", v.join(", "))
            } else {
                String::new()
            };
            let body = format!(
                r#"
static unsigned ring[{len}]{init};
static unsigned head;
static unsigned long long total;

unsigned long long {n}(const unsigned *x, unsigned n) {{
    for (unsigned i = 0; i < n; i++) {{
        total += ring[head];
        ring[head] = ring[head] * 3u + x[i];
        head = (head + 1u) % {len}u;
    }}
    return total ^ head;
}}
"#
            );
            o.c(
                &n,
                dirs![
                    format!("about a {len}-entry ring buffer in .{sec} with a head index and a running total, advanced by 37 elements on each of 6 calls"),
                    format!("fn {n}(x: *u32, n: u32) -> u64"),
                    "arg n = 37",
                    "buf x: u32[n] in = bits",
                    "calls 6",
                ],
                &body,
            );
        }
    }
}

// ---------------------------------------------------------------------------
// C: function-pointer tables

fn c_fnptr(o: &mut Out) {
    for size in [2usize, 4, 7, 16, 33] {
        for mutable in [false, true] {
            let kind = if mutable { "mut" } else { "const" };
            let n = format!("fnptr_{kind}_{size}");
            let mut rng = Rng::new(&n);
            let mut fns = String::new();
            for k in 0..size {
                let m = rng.below(1 << 20) | 1;
                let a = rng.below(1 << 30);
                let body = match k % 5 {
                    0 => format!("return x * {m}u + {a}u;"),
                    1 => format!("return (x ^ {a}u) >> {};", k % 13 + 1),
                    2 => format!("return x + (x << {}) - {a}u;", k % 9 + 1),
                    3 => format!("return x > {a}u ? x - {a}u : {a}u - x;"),
                    _ => format!("return (x | {a}u) * {m}u;"),
                };
                let _ = writeln!(fns, "static unsigned f{k}(unsigned x) {{ {body} }}");
            }
            let names: Vec<String> = (0..size).map(|k| format!("f{k}")).collect();
            let qual = if mutable { "" } else { "const " };
            let swap = if mutable {
                format!(
                    "    /* rotate the table by one entry per call: relocated pointers in .data are written */\n    fnp first = table[0];\n    for (unsigned k = 0; k + 1 < {size}u; k++) table[k] = table[k + 1];\n    table[{size}u - 1] = first;\n"
                )
            } else {
                String::new()
            };
            let body = format!(
                r#"
typedef unsigned (*fnp)(unsigned);

{fns}
static fnp {qual}table[{size}] = {{{}}};

unsigned {n}(const unsigned char *op, const unsigned *x, unsigned *out, unsigned n) {{
    unsigned h = 0;
    for (unsigned i = 0; i < n; i++) {{
        out[i] = table[op[i] % {size}u](x[i]);
        h = h * 33u + out[i];
    }}
{swap}    return h;
}}
"#,
                names.join(", ")
            );
            let (sec, calls) = if mutable {
                (".data (rotated on every call)", 4)
            } else {
                (".data.rel.ro", 2)
            };
            o.c(
                &n,
                dirs![
                    format!("about a table of {size} function pointers in {sec}: absolute relocations to code, indirect calls per element"),
                    format!("fn {n}(op: *u8, x: *u32, out: *u32, n: u32) -> u32"),
                    "arg n = 300",
                    "buf op: u8[n] in = bits",
                    "buf x: u32[n] in = bits",
                    "buf out: u32[n] out",
                    format!("calls {calls}"),
                ],
                &body,
            );
        }
    }
}

// ---------------------------------------------------------------------------
// C: mutual recursion

fn c_mutual(o: &mut Out) {
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
            dirs![
                format!("about a cycle of {k} mutually recursive noinline functions (non-tail calls), depth up to 700, per-call depth"),
                format!("fn {n}(depth: u32, seed: u64) -> u64"),
                "arg depth = list(0, 1, 7, 100, 700) per-call",
                "arg seed = 0x123456789",
                "calls 5",
            ],
            &body,
        );
    }
}

// ---------------------------------------------------------------------------
// C: struct copies and memsets

fn c_struct(o: &mut Out) {
    for size in [8usize, 16, 24, 32, 48, 64, 100, 128, 256, 1024, 4096] {
        let n = format!("struct_copy_{size}");
        let words = size / 4;
        let body = format!(
            r#"
struct S {{ unsigned w[{words}]; }};

__attribute__((noinline)) static struct S mix(struct S a, unsigned r) {{
    struct S b = a;
    for (unsigned i = 0; i < {words}u; i++) b.w[i] = a.w[({words}u - 1u) - i] * 2654435761u + r;
    return b;
}}

void {n}(const unsigned *src, unsigned *dst, unsigned reps) {{
    struct S s, t;
    __builtin_memcpy(&s, src, sizeof s);
    for (unsigned r = 0; r < reps; r++) {{
        t = mix(s, r);
        s = t;
    }}
    *(struct S *)dst = s;
}}
"#
        );
        o.c(
            &n,
            dirs![
                format!("about a {size}-byte struct passed and returned by value and assigned (inline copies or `memcpy` calls depending on the size and arch)"),
                format!("fn {n}(src: *u32, dst: *u32, reps: u32)"),
                "arg reps = 5",
                format!("buf src: u32[{words}] in = bits"),
                format!("buf dst: u32[{words}] out"),
            ],
            &body,
        );
    }
    for size in [16usize, 64, 128, 256, 2048] {
        let n = format!("struct_memset_{size}");
        let body = format!(
            r#"
struct B {{ unsigned char b[{size}]; }};

unsigned {n}(const unsigned char *x, unsigned char *out, unsigned n) {{
    struct B z = {{{{0}}}};
    struct B f;
    __builtin_memset(&f, 0x5a, sizeof f);
    unsigned h = 0;
    for (unsigned i = 0; i < n; i++) {{
        z.b[(x[i] * 7u + i) % {size}u] ^= x[i];
        f.b[(x[i] + i) % {size}u] = (unsigned char)(f.b[i % {size}u] + x[i]);
    }}
    for (unsigned i = 0; i < {size}u; i++) h = h * 31u + z.b[i] + 3u * f.b[i];
    __builtin_memcpy(out, &z, sizeof z);
    return h;
}}
"#
        );
        o.c(
            &n,
            dirs![
                format!("about a zero-initialised and a memset(0x5a) {size}-byte local (inline stores or `memset` calls depending on the size and arch)"),
                format!("fn {n}(x: *u8, out: *u8, n: u32) -> u32"),
                "arg n = 300",
                "buf x: u8[n] in = bits",
                format!("buf out: u8[{size}] out"),
            ],
            &body,
        );
    }
}

// ---------------------------------------------------------------------------
// C: many-argument signatures

fn c_manyargs(o: &mut Out) {
    let configs: [(&str, &[Ty]); 8] = [
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
            if t.float() {
                let _ = writeln!(terms, "    f = f * 0.5 + (double){p} * {m}.0;");
                let v = (rng.below(20_001) as f64 - 10_000.0) / 8.0;
                args.push(format!("arg {p} = {v:?}"));
            } else {
                let _ = writeln!(
                    terms,
                    "    h = h * {m}u + (unsigned long long){p};\n    out[{k}] = (long long){p};"
                );
                let v = match k % 3 {
                    0 => t.min(),
                    1 => t.max(),
                    _ => rng.int(*t),
                };
                args.push(format!("arg {p} = {v}"));
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
        let mut d = dirs![
            format!("about {} scalar arguments ({tag}): register files overflow onto the stack, narrow integers are extended by the caller; the integers are echoed to `out`", tys.len()),
            format!("fn {n}(out: *i64, {}) -> f64", sig.join(", ")),
            format!("buf out: i64[{}] out", tys.len() + 1),
        ];
        d.extend(args);
        d.push("flags -ffp-contract=off".into());
        o.c(&n, d, &body);
    }
}

// ---------------------------------------------------------------------------
// IR helpers

/// An IR loop kernel `void NAME(ptrs..., i64 %n)` over `%i` in 0..n, with
/// extra loop-carried phis and a return value.
struct IrLoop {
    name: String,
    /// `(name, elem type)` for `ptr noalias %name` parameters.
    ptrs: Vec<String>,
    /// Extra scalar parameters, e.g. `double %s`.
    scalars: Vec<String>,
    decls: BTreeSet<String>,
    /// `(phi name, type, initial value, next value)`.
    phis: Vec<(String, String, String, String)>,
    body: String,
    /// `(type, value)`: returned at exit; may name phis (`%acc`) whose final
    /// value is taken from the loop (or the initial value for n == 0).
    ret: Option<(String, String)>,
}

impl IrLoop {
    fn new(name: &str, ptrs: &[&str]) -> IrLoop {
        IrLoop {
            name: name.into(),
            ptrs: ptrs.iter().map(|s| s.to_string()).collect(),
            scalars: Vec::new(),
            decls: BTreeSet::new(),
            phis: Vec::new(),
            body: String::new(),
            ret: None,
        }
    }
    fn decl(&mut self, d: &str) {
        self.decls.insert(d.to_string());
    }
    fn line(&mut self, l: &str) {
        self.body.push_str("  ");
        self.body.push_str(l);
        self.body.push('\n');
    }
    /// `%dst = load TY from ptr %p at index IDX`.
    fn load(&mut self, dst: &str, ty: &str, p: &str, idx: &str) {
        self.line(&format!(
            "%{dst}.p = getelementptr inbounds {ty}, ptr %{p}, i64 {idx}"
        ));
        self.line(&format!("%{dst} = load {ty}, ptr %{dst}.p, align 1"));
    }
    /// Store `val` of `ty` at element `idx` of `p` (elements of `ety`).
    fn store(&mut self, tag: &str, ty: &str, val: &str, p: &str, ety: &str, idx: &str) {
        self.line(&format!(
            "%st.{tag} = getelementptr inbounds {ety}, ptr %{p}, i64 {idx}"
        ));
        self.line(&format!("store {ty} {val}, ptr %st.{tag}, align 1"));
    }
    fn render(&self) -> String {
        let mut s = String::new();
        for d in &self.decls {
            let _ = writeln!(s, "{d}");
        }
        if !self.decls.is_empty() {
            s.push('\n');
        }
        let mut params: Vec<String> = self
            .ptrs
            .iter()
            .map(|p| format!("ptr noalias %{p}"))
            .collect();
        params.extend(self.scalars.iter().cloned());
        params.push("i64 %n".into());
        let rty = self.ret.as_ref().map(|r| r.0.as_str()).unwrap_or("void");
        let _ = writeln!(
            s,
            "define {rty} @{}({}) {{\nentry:\n  %empty = icmp eq i64 %n, 0\n  br i1 %empty, label %exit, label %loop\n\nloop:\n  %i = phi i64 [ 0, %entry ], [ %next, %loop ]",
            self.name,
            params.join(", ")
        );
        for (name, ty, init, next) in &self.phis {
            let _ = writeln!(
                s,
                "  %{name} = phi {ty} [ {init}, %entry ], [ {next}, %loop ]"
            );
        }
        s.push_str(&self.body);
        s.push_str("  %next = add nuw i64 %i, 1\n  %done = icmp eq i64 %next, %n\n  br i1 %done, label %exit, label %loop\n\nexit:\n");
        for (name, ty, init, next) in &self.phis {
            let _ = writeln!(
                s,
                "  %{name}.out = phi {ty} [ {init}, %entry ], [ {next}, %loop ]"
            );
        }
        match &self.ret {
            Some((ty, v)) => {
                let _ = writeln!(s, "  ret {ty} {v}");
            }
            None => s.push_str("  ret void\n"),
        }
        s.push_str("}\n");
        s
    }
}

/// `<N x T>` and its intrinsic suffix `vNiW`.
fn vty(lanes: u32, elem: &str) -> (String, String) {
    let suffix = match elem {
        "float" => "f32".to_string(),
        "double" => "f64".to_string(),
        e => e.to_string(),
    };
    (format!("<{lanes} x {elem}>"), format!("v{lanes}{suffix}"))
}

// ---------------------------------------------------------------------------
// IR: vector reductions

fn ir_vreduce(o: &mut Out) {
    let ints: [(u32, Ty); 8] = [
        (2, I64),
        (4, I32),
        (8, I16),
        (16, U8),
        (8, U32),
        (4, U64),
        (32, I8),
        (16, U16),
    ];
    for (lanes, t) in ints {
        let e = t.ir();
        let (v, sfx) = vty(lanes, e);
        let n = format!("vreduce_{sfx}");
        let mut k = IrLoop::new(&n, &["a", "out"]);
        let ops = [
            "add", "mul", "and", "or", "xor", "smax", "smin", "umax", "umin",
        ];
        k.phis.push((
            "acc".into(),
            v.clone(),
            "zeroinitializer".into(),
            "%acc.next".into(),
        ));
        k.line(&format!("%base = mul i64 %i, {lanes}"));
        k.line(&format!(
            "%va.p = getelementptr inbounds {e}, ptr %a, i64 %base"
        ));
        k.line(&format!(
            "%va = load {v}, ptr %va.p, align {}",
            t.bits() / 8
        ));
        k.line(&format!("%acc.next = add {v} %acc, %va"));
        k.line(&format!("%ob = mul i64 %i, {}", ops.len()));
        for (j, op) in ops.iter().enumerate() {
            k.decl(&format!("declare {e} @llvm.vector.reduce.{op}.{sfx}({v})"));
            k.line(&format!(
                "%r{j} = call {e} @llvm.vector.reduce.{op}.{sfx}({v} %va)"
            ));
            let wide = if e == "i64" {
                format!("%r{j}")
            } else {
                let ext = if op.starts_with('s') || t.signed() && !op.starts_with('u') {
                    "sext"
                } else {
                    "zext"
                };
                k.line(&format!("%w{j} = {ext} {e} %r{j} to i64"));
                format!("%w{j}")
            };
            k.line(&format!("%o{j} = add i64 %ob, {j}"));
            k.store(
                &j.to_string(),
                "i64",
                &wide,
                "out",
                "i64",
                &format!("%o{j}"),
            );
        }
        k.decl(&format!("declare {e} @llvm.vector.reduce.add.{sfx}({v})"));
        k.ret = Some(("i64".into(), "%FINAL".into()));
        let mut body = k.render();
        // Return the horizontal sum of the accumulator.
        body = body.replace(
            "  ret i64 %FINAL\n",
            &format!(
                "  %fin = call {e} @llvm.vector.reduce.add.{sfx}({v} %acc.out)\n{}  ret i64 %finw\n",
                if e == "i64" {
                    "  %finw = add i64 %fin, 0\n".to_string()
                } else {
                    format!("  %finw = zext {e} %fin to i64\n")
                }
            ),
        );
        let tn = t.name();
        let total = format!("n*{lanes}");
        o.ir(
            &n,
            dirs![
                format!("about llvm.vector.reduce.{{add,mul,and,or,xor,smax,smin,umax,umin}} on {v} per vector, a vector accumulator phi, horizontal add at the end"),
                format!("fn {n}(a: *{tn}, out: *i64, n: i64) -> i64"),
                "arg n = 64",
                format!("buf a: {tn}[{total}] in = bits edges"),
                format!("buf out: i64[n*{}] out", ops.len()),
            ],
            &body,
        );
    }
    for (lanes, t) in [(4u32, F32), (2, F64), (8, F32), (4, F64)] {
        let e = t.ir();
        let (v, sfx) = vty(lanes, e);
        let n = format!("vreduce_{sfx}");
        let mut k = IrLoop::new(&n, &["a", "out"]);
        let ops: [(&str, &str); 4] = [
            ("fadd", "-0.0"),
            ("fmul", "1.0"),
            ("fmax", ""),
            ("fmin", ""),
        ];
        k.line(&format!("%base = mul i64 %i, {lanes}"));
        k.line(&format!(
            "%va.p = getelementptr inbounds {e}, ptr %a, i64 %base"
        ));
        k.line(&format!(
            "%va = load {v}, ptr %va.p, align {}",
            t.bits() / 8
        ));
        k.line("%ob = shl i64 %i, 2");
        for (j, (op, start)) in ops.iter().enumerate() {
            if start.is_empty() {
                k.decl(&format!("declare {e} @llvm.vector.reduce.{op}.{sfx}({v})"));
                k.line(&format!(
                    "%r{j} = call {e} @llvm.vector.reduce.{op}.{sfx}({v} %va)"
                ));
            } else {
                k.decl(&format!(
                    "declare {e} @llvm.vector.reduce.{op}.{sfx}({e}, {v})"
                ));
                k.line(&format!(
                    "%r{j} = call {e} @llvm.vector.reduce.{op}.{sfx}({e} {start}, {v} %va)"
                ));
            }
            k.line(&format!("%o{j} = add i64 %ob, {j}"));
            k.store(
                &j.to_string(),
                e,
                &format!("%r{j}"),
                "out",
                e,
                &format!("%o{j}"),
            );
        }
        k.phis
            .push(("acc".into(), e.into(), "0.0".into(), "%acc.next".into()));
        k.line(&format!("%acc.next = fadd {e} %acc, %r0"));
        k.ret = Some((e.into(), "%acc.out".into()));
        let tn = t.name();
        o.ir(
            &n,
            dirs![
                format!("about ordered llvm.vector.reduce.fadd/fmul (start values -0.0 and 1.0, no fast-math flags: sequential), fmax and fmin on {v}; NaN-free inputs"),
                format!("fn {n}(a: *{tn}, out: *{tn}, n: i64) -> {tn}"),
                "arg n = 64",
                format!("buf a: {tn}[n*{lanes}] in = uniform(-2, 2)"),
                format!("buf out: {tn}[n*4] out"),
            ],
            &k.render(),
        );
    }
}

// ---------------------------------------------------------------------------
// IR: fma / fmuladd

fn ir_fma(o: &mut Out) {
    // The last number: the largest difference from x86_64 measured on
    // aarch64, loongarch64, ppc64le and riscv64 (the same on all four),
    // for the `cross-arch` line.
    for (lanes, t, measured_ulp) in [
        (1u32, F32, 4u32),
        (1, F64, 2),
        (4, F32, 64),
        (2, F64, 4),
        (8, F32, 128),
    ] {
        let e = t.ir();
        let (ty, sfx) = if lanes == 1 {
            (e.to_string(), t.name().to_string())
        } else {
            vty(lanes, e)
        };
        let n = format!("fma_{sfx}");
        let mut k = IrLoop::new(&n, &["a", "b", "c", "out"]);
        k.decl(&format!("declare {ty} @llvm.fma.{sfx}({ty}, {ty}, {ty})"));
        k.decl(&format!(
            "declare {ty} @llvm.fmuladd.{sfx}({ty}, {ty}, {ty})"
        ));
        k.line(&format!("%base = mul i64 %i, {lanes}"));
        for p in ["a", "b", "c"] {
            k.line(&format!(
                "%{p}.p = getelementptr inbounds {e}, ptr %{p}, i64 %base"
            ));
            k.line(&format!(
                "%{p}v = load {ty}, ptr %{p}.p, align {}",
                t.bits() / 8
            ));
        }
        k.line(&format!(
            "%f = call {ty} @llvm.fma.{sfx}({ty} %av, {ty} %bv, {ty} %cv)"
        ));
        k.line(&format!(
            "%g = call {ty} @llvm.fmuladd.{sfx}({ty} %av, {ty} %bv, {ty} %f)"
        ));
        k.line(&format!("%h = fsub {ty} %f, %g"));
        k.line("%ob = mul i64 %base, 2");
        k.line(&format!(
            "%o0.p = getelementptr inbounds {e}, ptr %out, i64 %ob"
        ));
        k.line(&format!("store {ty} %f, ptr %o0.p, align {}", t.bits() / 8));
        k.line(&format!("%ob1 = add i64 %ob, {lanes}"));
        k.line(&format!(
            "%o1.p = getelementptr inbounds {e}, ptr %out, i64 %ob1"
        ));
        k.line(&format!("store {ty} %h, ptr %o1.p, align {}", t.bits() / 8));
        let tn = t.name();
        o.ir(
            &n,
            dirs![
                format!("about llvm.fma.{sfx} (always fused: an instruction, or an `fma`/`fmaf` libm call where the CPU has no FMA) and llvm.fmuladd.{sfx} (fused or not, the target decides) on {ty}; edge values"),
                format!("fn {n}(a: *{tn}, b: *{tn}, c: *{tn}, out: *{tn}, n: i64)"),
                "arg n = 96",
                format!("buf a: {tn}[n*{lanes}] in = uniform(-1e3, 1e3) edges(10%)"),
                format!("buf b: {tn}[n*{lanes}] in = uniform(-1e3, 1e3)"),
                format!("buf c: {tn}[n*{lanes}] in = uniform(-1e6, 1e6) edges(10%)"),
                format!("buf out: {tn}[n*{}] out", 2 * lanes),
                "tolerance ulp 0",
                format!("cross-arch ulp {measured_ulp} aarch64, loongarch64, ppc64le, riscv64: llvm.fmuladd is fused on these targets, not on x86-64-v2 (no FMA), so `f - fmuladd(a, b, f)` keeps the rounding error of a*b on x86_64 only; up to {measured_ulp} ulp measured"),
            ],
            &k.render(),
        );
    }
}

// ---------------------------------------------------------------------------
// IR: saturating intrinsics

fn ir_sat(o: &mut Out) {
    for (lanes, t) in [
        (1u32, I8),
        (1, I16),
        (1, I32),
        (1, I64),
        (16, I8),
        (8, I16),
        (4, I32),
    ] {
        let e = t.ir();
        let w = t.bits();
        let (ty, sfx) = if lanes == 1 {
            (e.to_string(), e.to_string())
        } else {
            vty(lanes, e)
        };
        let n = format!("sat_{sfx}");
        let mut k = IrLoop::new(&n, &["a", "b", "out"]);
        let ops = ["sadd", "uadd", "ssub", "usub", "sshl", "ushl"];
        for op in ops {
            k.decl(&format!("declare {ty} @llvm.{op}.sat.{sfx}({ty}, {ty})"));
        }
        k.line(&format!("%base = mul i64 %i, {lanes}"));
        for p in ["a", "b"] {
            k.line(&format!(
                "%{p}.p = getelementptr inbounds {e}, ptr %{p}, i64 %base"
            ));
            k.line(&format!("%{p}v = load {ty}, ptr %{p}.p, align {}", w / 8));
        }
        // Shift amounts must be below the width: y & (w - 1).
        let mask = if lanes == 1 {
            format!("{}", w - 1)
        } else {
            format!(
                "<{}>",
                vec![format!("{e} {}", w - 1); lanes as usize].join(", ")
            )
        };
        k.line(&format!("%sh = and {ty} %bv, {mask}"));
        k.line(&format!("%ob = mul i64 %base, {}", ops.len()));
        for (j, op) in ops.iter().enumerate() {
            let rhs = if op.ends_with("shl") { "%sh" } else { "%bv" };
            k.line(&format!(
                "%r{j} = call {ty} @llvm.{op}.sat.{sfx}({ty} %av, {ty} {rhs})"
            ));
            k.line(&format!("%o{j} = add i64 %ob, {}", j as u32 * lanes));
            k.line(&format!(
                "%o{j}.p = getelementptr inbounds {e}, ptr %out, i64 %o{j}"
            ));
            k.line(&format!("store {ty} %r{j}, ptr %o{j}.p, align {}", w / 8));
        }
        let tn = t.name();
        o.ir(
            &n,
            dirs![
                format!("about llvm.{{sadd,uadd,ssub,usub,sshl,ushl}}.sat on {ty} (shift amounts masked below the width); edge values"),
                format!("fn {n}(a: *{tn}, b: *{tn}, out: *{tn}, n: i64)"),
                "arg n = 64",
                format!("buf a: {tn}[n*{lanes}] in = bits edges(25%)"),
                format!("buf b: {tn}[n*{lanes}] in = bits edges(25%)"),
                format!("buf out: {tn}[n*{}] out", lanes as usize * ops.len()),
            ],
            &k.render(),
        );
    }
}

// ---------------------------------------------------------------------------
// IR: with.overflow

fn ir_overflow(o: &mut Out) {
    for t in [I8, I16, I32, I64] {
        let e = t.ir();
        let n = format!("ovf_{e}");
        let mut k = IrLoop::new(&n, &["a", "b", "out"]);
        let ops = ["sadd", "uadd", "ssub", "usub", "smul", "umul"];
        k.load("x", e, "a", "%i");
        k.load("y", e, "b", "%i");
        k.line(&format!("%ob = mul i64 %i, {}", ops.len() + 1));
        k.phis
            .push(("cnt".into(), "i64".into(), "0".into(), "%cnt5".into()));
        let mut flags = "0".to_string();
        for (j, op) in ops.iter().enumerate() {
            k.decl(&format!(
                "declare {{ {e}, i1 }} @llvm.{op}.with.overflow.{e}({e}, {e})"
            ));
            k.line(&format!(
                "%s{j} = call {{ {e}, i1 }} @llvm.{op}.with.overflow.{e}({e} %x, {e} %y)"
            ));
            k.line(&format!("%v{j} = extractvalue {{ {e}, i1 }} %s{j}, 0"));
            k.line(&format!("%f{j} = extractvalue {{ {e}, i1 }} %s{j}, 1"));
            k.line(&format!("%fz{j} = zext i1 %f{j} to {e}"));
            k.line(&format!("%fs{j} = shl {e} %fz{j}, {j}"));
            k.line(&format!("%fl{j} = or {e} {flags}, %fs{j}"));
            flags = format!("%fl{j}");
            k.line(&format!("%fi{j} = zext i1 %f{j} to i64"));
            let prev = if j == 0 {
                "%cnt".to_string()
            } else {
                format!("%cnt{}", j - 1)
            };
            k.line(&format!("%cnt{j} = add i64 {prev}, %fi{j}"));
            k.line(&format!("%o{j} = add i64 %ob, {j}"));
            k.store(
                &j.to_string(),
                e,
                &format!("%v{j}"),
                "out",
                e,
                &format!("%o{j}"),
            );
        }
        k.line(&format!("%o6 = add i64 %ob, {}", ops.len()));
        k.store("6", e, &flags, "out", e, "%o6");
        k.ret = Some(("i64".into(), "%cnt.out".into()));
        let tn = t.name();
        o.ir(
            &n,
            dirs![
                format!("about llvm.{{s,u}}{{add,sub,mul}}.with.overflow.{e}: results, the overflow flags packed per element, and their count returned; edge values"),
                format!("fn {n}(a: *{tn}, b: *{tn}, out: *{tn}, n: i64) -> i64"),
                "arg n = 200",
                format!("buf a: {tn}[n] in = bits edges(25%)"),
                format!("buf b: {tn}[n] in = uniform(-3, 3) edges(25%)"),
                format!("buf out: {tn}[n*7] out"),
            ],
            &k.render(),
        );
    }
}

// ---------------------------------------------------------------------------
// IR: i128

fn ir_i128(o: &mut Out) {
    // Each kernel reads pairs of u64 as i128 values x and y.
    let kernels: [(&str, &str, &[&str]); 6] = [
        (
            "add_sub_shift",
            "i128 add, sub, shl/lshr/ashr by a variable amount (masked below 128), and, xor",
            &[
                "%r0 = add i128 %x, %y",
                "%r1 = sub i128 %x, %y",
                "%sa = and i128 %y, 127",
                "%r2 = shl i128 %x, %sa",
                "%r3 = lshr i128 %x, %sa",
                "%r4 = ashr i128 %x, %sa",
                "%r5 = xor i128 %r0, %r4",
            ],
        ),
        (
            "mul",
            "i128 mul (inline on every 64-bit target), mul by constants, and the high half of a u64 x u64 product",
            &[
                "%r0 = mul i128 %x, %y",
                "%r1 = mul i128 %x, 340282366920938463463374607431768211",
                "%lx = trunc i128 %x to i64",
                "%ly = trunc i128 %y to i64",
                "%zx = zext i64 %lx to i128",
                "%zy = zext i64 %ly to i128",
                "%pr = mul i128 %zx, %zy",
                "%r2 = lshr i128 %pr, 64",
                "%sx = sext i64 %lx to i128",
                "%sy = sext i64 %ly to i128",
                "%r3 = mul nsw i128 %sx, %sy",
                "%r4 = mul i128 %r0, %r0",
                "%r5 = sub i128 0, %r1",
            ],
        ),
        (
            "udivrem",
            "i128 udiv/urem by a variable (zero replaced by 1: __udivti3/__umodti3) and by constants",
            &[
                "%yz = icmp eq i128 %y, 0",
                "%d = select i1 %yz, i128 1, i128 %y",
                "%r0 = udiv i128 %x, %d",
                "%r1 = urem i128 %x, %d",
                "%r2 = udiv i128 %x, 10",
                "%r3 = urem i128 %x, 1000000007",
                "%r4 = udiv i128 %x, 18446744073709551616",
                "%r5 = add i128 %r0, %r3",
            ],
        ),
        (
            "sdivrem",
            "i128 sdiv/srem by a guarded variable (0 -> 1, -1 -> 1: no MIN / -1) and by negative constants",
            &[
                "%yz = icmp eq i128 %y, 0",
                "%ym = icmp eq i128 %y, -1",
                "%bad = or i1 %yz, %ym",
                "%d = select i1 %bad, i128 1, i128 %y",
                "%r0 = sdiv i128 %x, %d",
                "%r1 = srem i128 %x, %d",
                "%r2 = sdiv i128 %x, -7",
                "%r3 = srem i128 %x, -1000000007",
                "%r4 = sdiv i128 %r1, 3",
                "%r5 = srem i128 %x, 4096",
            ],
        ),
        (
            "cmp_select",
            "i128 signed and unsigned compares, select, smax/umin intrinsics and abs",
            &[
                "%lt = icmp slt i128 %x, %y",
                "%ult = icmp ult i128 %x, %y",
                "%r0 = select i1 %lt, i128 %x, i128 %y",
                "%r1 = select i1 %ult, i128 %y, i128 %x",
                "%r2 = call i128 @llvm.smax.i128(i128 %x, i128 %y)",
                "%r3 = call i128 @llvm.umin.i128(i128 %x, i128 %y)",
                "%r4 = call i128 @llvm.abs.i128(i128 %x, i1 false)",
                "%eq = icmp eq i128 %x, %y",
                "%both = and i1 %lt, %ult",
                "%c1 = zext i1 %both to i128",
                "%c2 = zext i1 %eq to i128",
                "%c3 = shl i128 %c2, 100",
                "%r5 = or i128 %c1, %c3",
            ],
        ),
        (
            "bits",
            "i128 ctpop, ctlz, cttz, bswap, bitreverse and fshl",
            &[
                "%r0 = call i128 @llvm.ctpop.i128(i128 %x)",
                "%r1 = call i128 @llvm.ctlz.i128(i128 %x, i1 false)",
                "%r2 = call i128 @llvm.cttz.i128(i128 %y, i1 false)",
                "%r3 = call i128 @llvm.bswap.i128(i128 %x)",
                "%r4 = call i128 @llvm.bitreverse.i128(i128 %y)",
                "%r5 = call i128 @llvm.fshl.i128(i128 %x, i128 %y, i128 %y)",
            ],
        ),
    ];
    for (tag, about, lines) in kernels {
        let n = format!("i128_{tag}");
        let mut k = IrLoop::new(&n, &["a", "b", "out"]);
        for (name, decl) in [
            ("smax", "declare i128 @llvm.smax.i128(i128, i128)"),
            ("umin", "declare i128 @llvm.umin.i128(i128, i128)"),
            ("abs", "declare i128 @llvm.abs.i128(i128, i1)"),
            ("ctpop", "declare i128 @llvm.ctpop.i128(i128)"),
            ("ctlz", "declare i128 @llvm.ctlz.i128(i128, i1)"),
            ("cttz", "declare i128 @llvm.cttz.i128(i128, i1)"),
            ("bswap", "declare i128 @llvm.bswap.i128(i128)"),
            ("bitreverse", "declare i128 @llvm.bitreverse.i128(i128)"),
            ("fshl", "declare i128 @llvm.fshl.i128(i128, i128, i128)"),
        ] {
            if lines.iter().any(|l| l.contains(&format!("@llvm.{name}."))) {
                k.decl(decl);
            }
        }
        k.load("x", "i128", "a", "%i");
        k.load("y", "i128", "b", "%i");
        for l in lines {
            k.line(l);
        }
        k.phis
            .push(("acc".into(), "i128".into(), "0".into(), "%acc.next".into()));
        k.line("%mix = xor i128 %r0, %r5");
        k.line("%acc.next = add i128 %acc, %mix");
        k.line("%ob = mul i64 %i, 6");
        for j in 0..6 {
            k.line(&format!("%o{j} = add i64 %ob, {j}"));
            k.store(
                &j.to_string(),
                "i128",
                &format!("%r{j}"),
                "out",
                "i128",
                &format!("%o{j}"),
            );
        }
        let mut body = k.render();
        body = body.replace(
            "  ret void\n",
            "  %hi = lshr i128 %acc.out, 64\n  %h64 = trunc i128 %hi to i64\n  %l64 = trunc i128 %acc.out to i64\n  %fold = xor i64 %h64, %l64\n  ret i64 %fold\n",
        );
        body = body.replace("define void @", "define i64 @");
        o.ir(
            &n,
            dirs![
                format!("about {about}; i128 values from pairs of u64 (little-endian), a running i128 sum folded to i64"),
                format!("fn {n}(a: *u64, b: *u64, out: *u64, n: i64) -> i64"),
                "arg n = 100",
                "buf a: u64[n*2] in = bits edges(20%)",
                "buf b: u64[n*2] in = bits edges(20%)",
                "buf out: u64[n*12] out",
            ],
            &body,
        );
    }
}

// ---------------------------------------------------------------------------
// IR: fneg

fn ir_fneg(o: &mut Out) {
    for t in [F32, F64] {
        let e = t.ir();
        let lanes = 128 / t.bits();
        let (v, _) = vty(lanes, e);
        let n = format!("fneg_{}", t.name());
        let mut k = IrLoop::new(&n, &["a", "out"]);
        k.line(&format!("%base = mul i64 %i, {lanes}"));
        k.line(&format!(
            "%va.p = getelementptr inbounds {e}, ptr %a, i64 %base"
        ));
        k.line(&format!(
            "%va = load {v}, ptr %va.p, align {}",
            t.bits() / 8
        ));
        k.line(&format!("%nv = fneg {v} %va"));
        k.line(&format!("%s0 = extractelement {v} %va, i64 0"));
        k.line(&format!("%ns = fneg {e} %s0"));
        k.line(&format!("%sub = fsub {e} -0.0, %s0"));
        k.line(&format!("%nv2 = insertelement {v} %nv, {e} %sub, i64 1"));
        k.line("%ob = mul i64 %base, 2");
        k.line(&format!(
            "%o0.p = getelementptr inbounds {e}, ptr %out, i64 %ob"
        ));
        k.line(&format!(
            "store {v} %nv2, ptr %o0.p, align {}",
            t.bits() / 8
        ));
        k.line(&format!("%ob1 = add i64 %ob, {lanes}"));
        k.line(&format!(
            "%o1.p = getelementptr inbounds {e}, ptr %out, i64 %ob1"
        ));
        k.line(&format!("store {e} %ns, ptr %o1.p, align {}", t.bits() / 8));
        k.line("%ob2 = add i64 %ob1, 1");
        k.line(&format!(
            "%o2.p = getelementptr inbounds {e}, ptr %out, i64 %ob2"
        ));
        k.line(&format!("%ab = call {e} @llvm.fabs.{}({e} %s0)", t.name()));
        k.line(&format!("%nab = fneg {e} %ab"));
        k.line(&format!(
            "store {e} %nab, ptr %o2.p, align {}",
            t.bits() / 8
        ));
        k.decl(&format!("declare {e} @llvm.fabs.{}({e})", t.name()));
        let tn = t.name();
        o.ir(
            &n,
            dirs![
                format!("about fneg on {v} and scalar {e}, fsub -0.0 (the old spelling), -fabs: sign bits of NaNs, zeros and infinities; edge values"),
                format!("fn {n}(a: *{tn}, out: *{tn}, n: i64)"),
                "arg n = 64",
                format!("buf a: {tn}[n*{lanes}] in = bits edges(30%)"),
                format!("buf out: {tn}[n*{}] out", 2 * lanes),
            ],
            &k.render(),
        );
    }
}

// ---------------------------------------------------------------------------
// IR: bit intrinsics

fn ir_bits(o: &mut Out) {
    for (lanes, t) in [
        (1u32, I8),
        (1, I16),
        (1, I32),
        (1, I64),
        (4, I32),
        (2, I64),
        (8, I16),
    ] {
        let e = t.ir();
        let w = t.bits();
        let (ty, sfx) = if lanes == 1 {
            (e.to_string(), e.to_string())
        } else {
            vty(lanes, e)
        };
        let n = format!("bitops_{sfx}");
        let mut k = IrLoop::new(&n, &["a", "b", "out"]);
        let mut ops: Vec<(&str, String)> = vec![
            ("ctpop", format!("({ty} %av)")),
            ("ctlz", format!("({ty} %av, i1 false)")),
            ("cttz", format!("({ty} %av, i1 false)")),
            ("bitreverse", format!("({ty} %av)")),
            ("fshl", format!("({ty} %av, {ty} %bv, {ty} %bv)")),
            ("fshr", format!("({ty} %bv, {ty} %av, {ty} %av)")),
        ];
        if w >= 16 {
            ops.push(("bswap", format!("({ty} %av)")));
        }
        for (op, _) in &ops {
            let params = match *op {
                "ctlz" | "cttz" => format!("{ty}, i1"),
                "fshl" | "fshr" => format!("{ty}, {ty}, {ty}"),
                _ => ty.clone(),
            };
            k.decl(&format!("declare {ty} @llvm.{op}.{sfx}({params})"));
        }
        k.line(&format!("%base = mul i64 %i, {lanes}"));
        for p in ["a", "b"] {
            k.line(&format!(
                "%{p}.p = getelementptr inbounds {e}, ptr %{p}, i64 %base"
            ));
            k.line(&format!("%{p}v = load {ty}, ptr %{p}.p, align {}", w / 8));
        }
        k.line(&format!("%ob = mul i64 %base, {}", ops.len()));
        for (j, (op, args)) in ops.iter().enumerate() {
            k.line(&format!("%r{j} = call {ty} @llvm.{op}.{sfx}{args}"));
            k.line(&format!("%o{j} = add i64 %ob, {}", j as u32 * lanes));
            k.line(&format!(
                "%o{j}.p = getelementptr inbounds {e}, ptr %out, i64 %o{j}"
            ));
            k.line(&format!("store {ty} %r{j}, ptr %o{j}.p, align {}", w / 8));
        }
        let names: Vec<&str> = ops.iter().map(|(op, _)| *op).collect();
        let tn = if w == 8 {
            "u8"
        } else {
            match w {
                16 => "u16",
                32 => "u32",
                _ => "u64",
            }
        };
        o.ir(
            &n,
            dirs![
                format!("about llvm.{{{}}} on {ty} (zero inputs allowed: is_zero_poison false; funnel shift amounts taken modulo the width by definition); edge values", names.join(",")),
                format!("fn {n}(a: *{tn}, b: *{tn}, out: *{tn}, n: i64)"),
                "arg n = 64",
                format!("buf a: {tn}[n*{lanes}] in = bits edges(25%)"),
                format!("buf b: {tn}[n*{lanes}] in = bits edges(25%)"),
                format!("buf out: {tn}[n*{}] out", lanes as usize * ops.len()),
            ],
            &k.render(),
        );
    }
}

// ---------------------------------------------------------------------------
// IR: phi/select loops

fn ir_phi_select(o: &mut Out) {
    for t in [I64, I32, F64, F32] {
        let e = t.ir();
        let n = format!("phi_select_{}", t.name());
        let mut k = IrLoop::new(&n, &["a", "out"]);
        k.load("x", e, "a", "%i");
        let (lt, gt, add, zero) = if t.float() {
            ("fcmp olt", "fcmp ogt", "fadd", "0.0")
        } else {
            ("icmp slt", "icmp sgt", "add", "0")
        };
        k.phis
            .push(("lo".into(), e.into(), zero.into(), "%lo.next".into()));
        k.phis
            .push(("hi".into(), e.into(), zero.into(), "%hi.next".into()));
        k.phis
            .push(("run".into(), e.into(), zero.into(), "%run.next".into()));
        k.phis.push((
            "odd".into(),
            "i1".into(),
            "false".into(),
            "%odd.next".into(),
        ));
        k.line(&format!("%c1 = {lt} {e} %x, %lo"));
        k.line(&format!("%lo.next = select i1 %c1, {e} %x, {e} %lo"));
        k.line(&format!("%c2 = {gt} {e} %x, %hi"));
        k.line(&format!("%hi.next = select i1 %c2, {e} %x, {e} %hi"));
        k.line(&format!("%c3 = {gt} {e} %x, %run"));
        k.line(&format!("%sum = {add} {e} %run, %x"));
        k.line(&format!("%run.sel = select i1 %c3, {e} %sum, {e} %x"));
        k.line(&format!(
            "%run.next = select i1 %odd, {e} %run.sel, {e} %sum"
        ));
        k.line("%odd.next = xor i1 %odd, true");
        k.line("%ob = mul i64 %i, 3");
        k.store("0", e, "%lo.next", "out", e, "%ob");
        k.line("%o1 = add i64 %ob, 1");
        k.store("1", e, "%hi.next", "out", e, "%o1");
        k.line("%o2 = add i64 %ob, 2");
        k.store("2", e, "%run.next", "out", e, "%o2");
        let mut body = k.render();
        let fin = if t.float() {
            format!("  %fin = fsub {e} %hi.out, %lo.out\n  %f2 = fadd {e} %fin, %run.out\n  ret {e} %f2\n")
        } else {
            let ext = if e == "i64" {
                "add i64 %f2, 0".to_string()
            } else {
                format!("sext {e} %f2 to i64")
            };
            format!("  %fin = sub {e} %hi.out, %lo.out\n  %f2 = xor {e} %fin, %run.out\n  %f3 = {ext}\n  ret i64 %f3\n")
        };
        body = body.replace("  ret void\n", &fin);
        let rt = if t.float() { t.name() } else { "i64" };
        body = body.replace(
            "define void @",
            &format!("define {} @", if t.float() { e } else { "i64" }),
        );
        let tn = t.name();
        let gen = if t.float() {
            "uniform(-100, 100)"
        } else {
            "uniform(-1000, 1000)"
        };
        let mut d = dirs![
            format!("about a loop with four phis (running min, max, a select-reset sum, an i1 toggle) and select chains on {e}"),
            format!("fn {n}(a: *{tn}, out: *{tn}, n: i64) -> {rt}"),
            "arg n = 333",
            format!("buf a: {tn}[n] in = {gen}"),
            format!("buf out: {tn}[n*3] out"),
        ];
        if t.float() {
            d.push("tolerance ulp 0".into());
        }
        o.ir(&n, d, &body);
    }
}

// ---------------------------------------------------------------------------
// IR: integer min/max/abs intrinsics

fn ir_minmax(o: &mut Out) {
    for t in [I8, I16, I32, I64] {
        let e = t.ir();
        let n = format!("minmax_{e}");
        let mut k = IrLoop::new(&n, &["a", "b", "out"]);
        let ops = ["smin", "smax", "umin", "umax"];
        k.load("x", e, "a", "%i");
        k.load("y", e, "b", "%i");
        k.line("%ob = mul i64 %i, 6");
        for (j, op) in ops.iter().enumerate() {
            k.decl(&format!("declare {e} @llvm.{op}.{e}({e}, {e})"));
            k.line(&format!("%r{j} = call {e} @llvm.{op}.{e}({e} %x, {e} %y)"));
            k.line(&format!("%o{j} = add i64 %ob, {j}"));
            k.store(
                &j.to_string(),
                e,
                &format!("%r{j}"),
                "out",
                e,
                &format!("%o{j}"),
            );
        }
        k.decl(&format!("declare {e} @llvm.abs.{e}({e}, i1)"));
        k.line(&format!("%r4 = call {e} @llvm.abs.{e}({e} %x, i1 false)"));
        k.line("%o4 = add i64 %ob, 4");
        k.store("4", e, "%r4", "out", e, "%o4");
        k.line(&format!("%d = sub {e} %r1, %r0"));
        k.line(&format!("%du = sub {e} %r3, %r2"));
        k.line(&format!("%r5 = xor {e} %d, %du"));
        k.line("%o5 = add i64 %ob, 5");
        k.store("5", e, "%r5", "out", e, "%o5");
        let tn = t.name();
        o.ir(
            &n,
            dirs![
                format!("about llvm.smin/smax/umin/umax.{e} and llvm.abs.{e} (MIN allowed: is_int_min_poison false), max - min in both orders; edge values"),
                format!("fn {n}(a: *{tn}, b: *{tn}, out: *{tn}, n: i64)"),
                "arg n = 200",
                format!("buf a: {tn}[n] in = bits edges(25%)"),
                format!("buf b: {tn}[n] in = bits edges(25%)"),
                format!("buf out: {tn}[n*6] out"),
            ],
            &k.render(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed corpus is exactly what the generator produces
    /// (`cargo xtask gen-kernels --check`).
    #[test]
    fn committed_generated_corpus_is_up_to_date() {
        let corpus = crate::root().join("conformance/kernels");
        let kernels = generate();
        let diffs = differences(&corpus, &kernels).unwrap();
        assert!(
            diffs.is_empty(),
            "run `cargo xtask gen-kernels`:\n  {}",
            diffs.join("\n  ")
        );
    }

    #[test]
    fn enough_kernels_and_every_one_says_it_is_generated() {
        let kernels = generate();
        let c = kernels.iter().filter(|k| k.path.ends_with(".c")).count();
        let ir = kernels.iter().filter(|k| k.path.ends_with(".ll")).count();
        assert!(c >= 100, "{c} C kernels");
        assert!(ir >= 35, "{ir} IR kernels");
        for k in &kernels {
            assert!(k.text.contains("Generated by `cargo xtask gen-kernels`"));
            assert!(!k.text.contains("#include"), "{}", k.path);
        }
        // Deterministic.
        assert_eq!(kernels, generate());
    }
}
