//! C: data sections: lookup tables in `.rodata`, state in `.data`/`.bss`,
//! function-pointer tables, struct copies and memsets.

use std::fmt::Write as _;

use super::types::{Rng, Spelling};
use super::Out;
use crate::spec::ScalarType::*;
use crate::spec::{Direction, HeaderBuilder};

pub(super) fn c_lut(o: &mut Out) {
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
            let (acc, op, ret) = if t.is_float() {
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
            let mut d = HeaderBuilder::new();
            d.about(format!("a static const {tn}[{size}] table in .rodata (a constant pool), indexed per element; returns a checksum"))
                .entry(format!("{n}(idx: *u8, out: *{tn}, n: u32) -> {ret}"))
                .arg("n", "700")
                .buf("idx", U8, "n", Direction::In, "bits")
                .buf("out", t, "n", Direction::Out, "");
            if t.is_float() {
                d.flags("-ffp-contract=off");
            }
            o.c(&n, &d, &body);
        }
    }
}

pub(super) fn c_state(o: &mut Out) {
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
            let step = if t.is_float() {
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
            let mut d = HeaderBuilder::new();
            d.about(format!(
                "a static {tn} state and an 8-entry history {where_}, updated on each of 7 calls"
            ))
            .entry(format!("{n}(step: u32, snap: *{tn}) -> {tn}"))
            .arg("step", "iota(5, 11) per-call")
            .buf("snap", t, "8", Direction::Out, "")
            .calls(7);
            if t.is_float() {
                d.flags("-ffp-contract=off");
            }
            o.c(&n, &d, &body);
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
                HeaderBuilder::new()
                    .about(format!("a {len}-entry ring buffer in .{sec} with a head index and a running total, advanced by 37 elements on each of 6 calls"))
                    .entry(format!("{n}(x: *u32, n: u32) -> u64"))
                    .arg("n", "37")
                    .buf("x", U32, "n", Direction::In, "bits")
                    .calls(6),
                &body,
            );
        }
    }
}

pub(super) fn c_fnptr(o: &mut Out) {
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
                HeaderBuilder::new()
                    .about(format!("a table of {size} function pointers in {sec}: absolute relocations to code, indirect calls per element"))
                    .entry(format!("{n}(op: *u8, x: *u32, out: *u32, n: u32) -> u32"))
                    .arg("n", "300")
                    .buf("op", U8, "n", Direction::In, "bits")
                    .buf("x", U32, "n", Direction::In, "bits")
                    .buf("out", U32, "n", Direction::Out, "")
                    .calls(calls),
                &body,
            );
        }
    }
}

pub(super) fn c_struct(o: &mut Out) {
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
            HeaderBuilder::new()
                .about(format!("a {size}-byte struct passed and returned by value and assigned (inline copies or `memcpy` calls depending on the size and arch)"))
                .entry(format!("{n}(src: *u32, dst: *u32, reps: u32)"))
                .arg("reps", "5")
                .buf("src", U32, words, Direction::In, "bits")
                .buf("dst", U32, words, Direction::Out, ""),
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
            HeaderBuilder::new()
                .about(format!("a zero-initialised and a memset(0x5a) {size}-byte local (inline stores or `memset` calls depending on the size and arch)"))
                .entry(format!("{n}(x: *u8, out: *u8, n: u32) -> u32"))
                .arg("n", "300")
                .buf("x", U8, "n", Direction::In, "bits")
                .buf("out", U8, size, Direction::Out, ""),
            &body,
        );
    }
}
