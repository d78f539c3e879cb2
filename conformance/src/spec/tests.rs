use std::path::Path;

use super::*;

fn parse_c(text: &str) -> Result<KernelSpec, SpecError> {
    KernelSpec::parse(Path::new("corpus/cat/k.c"), text)
}

fn err_c(text: &str) -> (Option<usize>, String) {
    match parse_c(text) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => (e.line(), e.to_string()),
    }
}

const SAXPY: &str = "\
// A comment before the header is fine.
//! about y = a*x + y
//! fn saxpy(n: u32, a: f32, x: *f32, y: *f32)
//! arg n = 100
//! arg a = uniform(-2, 2)
//! buf x: f32[n] in = uniform(-100, 100) edges
//! buf y: f32[n+4] inout = iota(0, 0.5)
//! flags -ffp-contract=off
//! tolerance ulp 2

typedef unsigned int u32;
void saxpy(u32 n, float a, const float *x, float *y) {
    for (u32 i = 0; i < n; i++) y[i] = a * x[i] + y[i];
}
";

#[test]
fn parses_a_full_header() {
    let s = parse_c(SAXPY).unwrap();
    assert_eq!(s.name, "cat/k");
    assert_eq!(s.lang, Lang::C);
    assert_eq!(s.about.as_deref(), Some("y = a*x + y"));
    assert_eq!(s.entries.len(), 1);
    let e = &s.entries[0];
    assert_eq!(e.name, "saxpy");
    assert_eq!(e.ret, None);
    assert_eq!(e.params[3].kind, ParamKind::Pointer(ScalarType::F32));
    assert_eq!(s.buffers[0].len, 100);
    assert_eq!(s.buffers[1].len, 104);
    assert_eq!(s.buffers[1].len_expr, "n+4");
    assert_eq!(s.buffers[0].gen.edges, Some(10));
    assert_eq!(s.tolerance, Tolerance::Ulp(2));
    assert_eq!(s.flags, vec!["-ffp-contract=off".to_string()]);
    assert_eq!(s.calls, 1);
    assert_eq!(s.min_clang_version(), None);
}

#[test]
fn parses_ir_externs_calls_skip_and_continuations() {
    let text = "\
;! fn step(k: i64, out: *i64) \\
;!    -> i64
;! fn finish() -> f64
;! arg k = iota(10, 3) per-call
;! buf out: i64[8] out
;! extern g_scale: f64 = 2.5
;! extern g_table: i32[16] inout = list(1, -2, max, min)
;! calls 4
;! min-clang 16
;! min-clang 17 loongarch64: clang-16 crashes
;! skip ppc64le, loongarch64: no reason really
;! seed 7
define i64 @step(i64 %k, ptr %out) { ret i64 %k }
";
    let s = KernelSpec::parse(Path::new("x/y/k.ll"), text).unwrap();
    assert_eq!(s.name, "y/k");
    assert_eq!(s.lang, Lang::Ir);
    assert_eq!(s.entries[0].ret, Some(ScalarType::I64));
    assert_eq!(s.entries[1].ret, Some(ScalarType::F64));
    assert!(s.args[0].per_call);
    assert_eq!(s.buffers[0].gen.kind, GenKind::Poison);
    assert!(s.externs[0].scalar);
    assert_eq!(s.externs[0].gen.kind, GenKind::Const(Scalar::f64(2.5)));
    assert_eq!(
        s.externs[1].gen.kind,
        GenKind::List(vec![
            Scalar::i32(1),
            Scalar::i32(-2),
            Scalar::i32(i32::MAX),
            Scalar::i32(i32::MIN)
        ])
    );
    assert_eq!(s.calls, 4);
    assert_eq!(s.min_clang_version(), Some(16));
    assert_eq!(s.min_clang_version_for(Arch::X86_64), Some(16));
    assert_eq!(s.min_clang_version_for(Arch::Loongarch64), Some(17));
    assert_eq!(s.min_clang_arch[0].reason, "clang-16 crashes");
    assert_eq!(s.skip_reason(Arch::Ppc64le), Some("no reason really"));
    assert_eq!(s.skip_reason(Arch::X86_64), None);
    assert_eq!(s.seed, 7);
    let defs = s.extern_definitions_c();
    assert!(defs.contains("double g_scale;"));
    assert!(defs.contains("int g_table[16];"));

    let inputs = s.inputs();
    assert_eq!(inputs.calls.len(), 8);
    let ks: Vec<i64> = inputs
        .calls
        .iter()
        .filter(|c| c.name == "step")
        .map(|c| c.scalar("k").unwrap().as_i64())
        .collect();
    assert_eq!(ks, vec![10, 13, 16, 19]);
    assert_eq!(inputs.calls[1].name, "finish");
    assert_eq!(
        inputs.extern_symbol("g_scale").unwrap().values::<f64>(),
        &[2.5]
    );
}

#[test]
fn ir_implies_min_clang_15() {
    let s = KernelSpec::parse(Path::new("a/b.ll"), ";! fn f() -> f64\n").unwrap();
    assert_eq!(s.min_clang_version(), Some(MIN_CLANG_FOR_IR));
}

#[test]
fn literals() {
    use super::parse::literal;
    assert_eq!(literal("-0.0", ScalarType::F64).unwrap().bits(), 1 << 63);
    assert_eq!(literal("-0.0", ScalarType::F32).unwrap().bits(), 1 << 31);
    assert!(literal("nan", ScalarType::F32).unwrap().is_nan());
    assert_eq!(
        literal("-inf", ScalarType::F64).unwrap(),
        Scalar::f64(f64::NEG_INFINITY)
    );
    assert_eq!(
        literal("0x7fc00001", ScalarType::F32).unwrap().bits(),
        0x7fc0_0001
    );
    assert_eq!(literal("denorm", ScalarType::F64).unwrap().bits(), 1);
    assert_eq!(literal("0.1", ScalarType::F32).unwrap(), Scalar::f32(0.1));
    assert_eq!(literal("min", ScalarType::I8).unwrap(), Scalar::i8(-128));
    assert_eq!(
        literal("max", ScalarType::U64).unwrap(),
        Scalar::u64(u64::MAX)
    );
    assert_eq!(literal("0xff", ScalarType::U8).unwrap(), Scalar::u8(255));
    assert_eq!(
        literal("-1_000", ScalarType::I16).unwrap(),
        Scalar::i16(-1000)
    );
    assert!(literal("256", ScalarType::U8).is_err());
    assert!(literal("-1", ScalarType::U32).is_err());
    assert!(literal("2.5", ScalarType::I32).is_err());
    assert!(literal("1e39", ScalarType::F32).is_err());
    assert!(literal("min", ScalarType::F32).is_err());
    assert!(literal("0x1ffffffff", ScalarType::F32).is_err());
}

#[test]
fn bad_headers_name_the_line() {
    let cases: &[(&str, usize, &str)] = &[
        ("//! fn f(\n", 1, "expected a parameter name"),
        ("//! fn f(a: i33)\n", 1, "unknown type `i33`"),
        ("//! fn f(a: i32, a: i32)\n", 1, "duplicate parameter `a`"),
        ("//! fn f()\n//! fn f()\n", 2, "duplicate entry point `f`"),
        (
            "//! fn f(x: *f32)\n//! buf x: f32[4] = zero\n",
            2,
            "expected a direction",
        ),
        (
            "//! fn f(x: *f32)\n//! buf x: f32[4] in\n",
            2,
            "needs initial contents",
        ),
        (
            "//! fn f(x: *f32)\n//! buf x: f64[4] in = zero\n",
            2,
            "holds f64 but the parameter",
        ),
        (
            "//! fn f(x: *f32)\n//! buf y: f32[4] in = zero\n",
            2,
            "names no pointer parameter",
        ),
        ("//! fn f(n: u32)\n", 1, "parameter `n` has no value"),
        ("//! fn f(x: *f32)\n", 1, "parameter `x` has no value"),
        (
            "//! fn f(n: u32)\n//! arg n = -1\n",
            2,
            "out of range for u32",
        ),
        (
            "//! fn f(n: u32)\n//! arg n = frob(1)\n",
            2,
            "unknown generator `frob`",
        ),
        (
            "//! fn f(n: u32)\n//! arg n = uniform(5, 1)\n",
            2,
            "lo must not exceed hi",
        ),
        (
            "//! fn f(x: *f32, n: u32)\n//! arg n = uniform(1, 9)\n//! buf x: f32[n] out\n",
            3,
            "not a constant integer",
        ),
        (
            "//! fn f(x: *f32)\n//! buf x: f32[m] out\n",
            2,
            "not an `arg`",
        ),
        (
            "//! fn f(x: *u8)\n//! buf x: u8[2] in = text(\"abc\")\n",
            2,
            "holds only 2",
        ),
        (
            "//! fn f(x: *f32)\n//! buf x: f32[2] in = text(\"a\")\n",
            2,
            "fills i8/u8 buffers",
        ),
        (
            "//! fn f(x: *f32)\n//! buf x: f32[99999999999] out\n",
            2,
            "exceeds",
        ),
        ("//! fn f()\n//! calls 0\n", 2, "at least 1"),
        (
            "//! fn f()\n//! calls 2\n//! calls 3\n",
            3,
            "duplicate `calls`",
        ),
        ("//! fn f()\n//! tolerance close\n", 2, "`exact` or `ulp N`"),
        ("//! fn f()\n//! flags -o x\n", 2, "set by the harness"),
        ("//! fn f()\n//! flags O2\n", 2, "does not start with `-`"),
        (
            "//! fn f()\n//! skip mips: nope\n",
            2,
            "unknown architecture `mips`",
        ),
        (
            "//! fn f()\n//! skip x86_64\n",
            2,
            "ARCH[, ARCH...]: reason",
        ),
        ("//! fn f()\n//! skip x86_64:  \n", 2, "needs a reason"),
        (
            "//! fn f()\n//! min-clang 17 ppc64le\n",
            2,
            "ARCH[, ARCH...]: reason",
        ),
        (
            "//! fn f()\n//! min-clang 1x\n",
            2,
            "expects a major version",
        ),
        (
            "//! fn f()\n//! min-clang 16\n//! min-clang 17\n",
            3,
            "duplicate `min-clang`",
        ),
        (
            "//! fn f()\n//! frobnicate\n",
            2,
            "unknown directive `frobnicate`",
        ),
        (
            "//! fn f()\nint x;\n//! calls 2\n",
            3,
            "directive after the header",
        ),
        ("//! fn f(a: i32) \\\n", 1, "nothing continues it"),
        (
            "//! fn f() -> f32\n//! extern f: f64 = 1\n",
            2,
            "name of the entry point",
        ),
        (
            "//! fn f(n: u32)\n//! arg n = 1\n//! arg n = 2\n",
            3,
            "duplicate `arg n`",
        ),
        ("//! fn f(x: *f32)\n//! arg x = 1\n", 2, "pointer parameter"),
        (
            "//! fn f(x: *u8)\n//! buf x: u8[4] in = zero edges(200%)\n",
            2,
            "0..=100",
        ),
        (
            "//! fn f(x: *u8)\n//! buf x: u8[4] in = text(\"a\\q\")\n",
            2,
            "unknown escape",
        ),
        ("//! fn f() -> f32 junk\n", 1, "unexpected `junk`"),
    ];
    for (text, line, needle) in cases {
        let (l, msg) = err_c(text);
        assert_eq!(l, Some(*line), "line of error for {text:?}: {msg}");
        assert!(
            msg.contains(needle),
            "error for {text:?} is `{msg}`, expected `{needle}`"
        );
        assert!(msg.starts_with("corpus/cat/k.c:"), "{msg}");
    }
}

#[test]
fn whole_file_errors() {
    let e = parse_c("int f(void) { return 1; }\n").unwrap_err();
    assert!(e.to_string().contains("no `//!` header directives"), "{e}");
    let e = parse_c("//! about nothing\n").unwrap_err();
    assert!(e.to_string().contains("no `fn` directive"), "{e}");
    let e = KernelSpec::parse(Path::new("a/b.cpp"), "//! fn f()\n").unwrap_err();
    assert!(e.to_string().contains("unknown kernel extension"), "{e}");
}

#[test]
fn ir_entry_points_reject_narrow_integers() {
    let e = KernelSpec::parse(Path::new("a/b.ll"), ";! fn f(n: i32)\n;! arg n = 1\n").unwrap_err();
    assert!(e.to_string().contains("only i64/u64/f32/f64"), "{e}");
    let e = KernelSpec::parse(Path::new("a/b.ll"), ";! fn f() -> u8\n").unwrap_err();
    assert!(e.to_string().contains("return only"), "{e}");
}

const GEN: &str = "\
//! fn k(a: *f64, b: *i32, c: *u8, d: *f32, e: *u16, s: i64)
//! arg s = uniform(min, max)
//! buf a: f64[1000] in = uniform(-1, 1) edges
//! buf b: i32[1000] in = bits edges(50%)
//! buf c: u8[16] in = text(\"hi\\n\")
//! buf d: f32[7] in = iota(1, 0.25)
//! buf e: u16[300] in = uniform(10, 20)
";

#[test]
fn inputs_are_deterministic() {
    let s = parse_c(GEN).unwrap();
    assert_eq!(s.inputs(), s.inputs());
    let again = parse_c(GEN).unwrap();
    assert_eq!(s.inputs(), again.inputs());
}

#[test]
fn different_names_or_seeds_give_different_data() {
    let a = KernelSpec::parse(Path::new("x/one.c"), GEN)
        .unwrap()
        .inputs();
    let b = KernelSpec::parse(Path::new("x/two.c"), GEN)
        .unwrap()
        .inputs();
    assert_ne!(a.buffers[0].bytes(), b.buffers[0].bytes());
    assert_ne!(a.buffers[1].bytes(), b.buffers[1].bytes());
    assert_ne!(a.calls[0].scalar("s"), b.calls[0].scalar("s"));
    // Deterministic generators do not depend on the name.
    assert_eq!(a.buffers[2].bytes(), b.buffers[2].bytes());
    let seeded = format!("{GEN}//! seed 1\n");
    let c = KernelSpec::parse(Path::new("x/one.c"), &seeded)
        .unwrap()
        .inputs();
    assert_ne!(a.buffers[0].bytes(), c.buffers[0].bytes());
}

#[test]
fn generators_produce_what_they_say() {
    let i = parse_c(GEN).unwrap().inputs();
    let a = i.buffer("a").unwrap();
    // Every edge value appears (bit for bit), the rest is in range.
    for e in edge_values(ScalarType::F64) {
        assert!(
            (0..a.len()).any(|k| a.get(k).bits() == e.bits()),
            "edge {e} missing"
        );
    }
    let edges: Vec<u64> = edge_values(ScalarType::F64)
        .iter()
        .map(|e| e.bits())
        .collect();
    let plain = a
        .values::<f64>()
        .iter()
        .filter(|v| !edges.contains(&v.to_bits()))
        .count();
    assert!(plain > 800, "{plain}");
    assert!(a
        .values::<f64>()
        .iter()
        .filter(|v| !edges.contains(&v.to_bits()))
        .all(|v| (-1.0..1.0).contains(v)));
    let b = i.buffer("b").unwrap().values::<i32>();
    assert!(b.contains(&i32::MIN) && b.contains(&i32::MAX) && b.contains(&-1));
    assert_eq!(&i.buffer("c").unwrap().values::<u8>()[..5], b"hi\n\0\0");
    assert_eq!(
        i.buffer("d").unwrap().values::<f32>(),
        &[1.0, 1.25, 1.5, 1.75, 2.0, 2.25, 2.5]
    );
    let e = i.buffer("e").unwrap().values::<u16>();
    assert!(e.iter().all(|v| (10..=20).contains(v)));
    assert!(e.contains(&10) && e.contains(&20));
    // Buffers are 64-byte aligned with an intact guard.
    for b in &i.buffers {
        assert_eq!(b.as_ptr() as usize % 64, 0);
        assert_eq!(b.guard_clobbered(), None);
    }
}

#[test]
fn splitmix_reference_values() {
    // First outputs of SplitMix64 seeded with 0 (published test vector).
    let mut r = SplitMix64::new(0);
    assert_eq!(r.next_u64(), 0xe220a8397b1dcdaf);
    assert_eq!(r.next_u64(), 0x6e789e6aa1b965f4);
}

fn outputs(vals: &[f32], ret: Option<Scalar>) -> Outputs {
    let mut b = Buffer::new("y", ScalarType::F32, vals.len(), Direction::Out);
    b.values_mut::<f32>().copy_from_slice(vals);
    Outputs {
        returns: vec![ReturnValue {
            call: 0,
            entry: "f".into(),
            value: ret,
        }],
        buffers: vec![b],
        externs: vec![],
    }
}

#[test]
fn compare_exact_and_ulp() {
    let one = 1.0f32;
    let next = f32::from_bits(one.to_bits() + 1);
    let a = outputs(&[0.0, one, 3.0], None);
    assert_eq!(compare(&a, &a.clone(), Tolerance::Exact), Ok(()));
    let b = outputs(&[0.0, next, 3.0], None);
    match compare(&a, &b, Tolerance::Exact) {
        Err(Mismatch::Value {
            place,
            index,
            expected,
            actual,
            differing,
            ..
        }) => {
            assert_eq!(place, Place::Buffer("y".into()));
            assert_eq!(index, 1);
            assert_eq!(expected, Scalar::f32(one));
            assert_eq!(actual, Scalar::f32(next));
            assert_eq!(differing, 1);
        }
        other => panic!("{other:?}"),
    }
    let msg = compare(&a, &b, Tolerance::Exact).unwrap_err().to_string();
    assert!(msg.contains("buffer `y`[1]"), "{msg}");
    assert!(
        msg.contains("0x3f800000") && msg.contains("0x3f800001"),
        "{msg}"
    );
    assert_eq!(compare(&a, &b, Tolerance::Ulp(1)), Ok(()));
    assert!(compare(&a, &b, Tolerance::Ulp(0)).is_err());
    // +0 and -0: distinct bits, equal under a tolerance.
    let z = outputs(&[-0.0, one, 3.0], None);
    assert!(compare(&a, &z, Tolerance::Exact).is_err());
    assert_eq!(compare(&a, &z, Tolerance::Ulp(0)), Ok(()));
    // Infinity is not one ulp from MAX.
    let m = outputs(&[0.0, one, f32::MAX], None);
    let inf = outputs(&[0.0, one, f32::INFINITY], None);
    assert!(compare(&m, &inf, Tolerance::Ulp(10)).is_err());
}

#[test]
fn compare_nans() {
    let q = f32::from_bits(0x7fc0_0000);
    let p = f32::from_bits(0xffc0_0001);
    let a = outputs(&[q], Some(Scalar::f32(q)));
    let b = outputs(&[p], Some(Scalar::f32(q)));
    assert!(compare(&a, &a.clone(), Tolerance::Exact).is_ok());
    assert!(compare(&a, &b, Tolerance::Exact).is_err());
    assert!(compare(&a, &b, Tolerance::Ulp(0)).is_ok());
    let c = outputs(&[1.0], Some(Scalar::f32(q)));
    assert!(compare(&a, &c, Tolerance::Ulp(1000)).is_err());
}

#[test]
fn compare_returns_guard_and_shape() {
    let a = outputs(&[1.0], Some(Scalar::i32(5)));
    let b = outputs(&[1.0], Some(Scalar::i32(6)));
    let e = compare(&a, &b, Tolerance::Ulp(100)).unwrap_err();
    assert!(
        matches!(
            e,
            Mismatch::Value {
                place: Place::Return { call: 0, .. },
                ..
            }
        ),
        "{e}"
    );
    let c = outputs(&[1.0], None);
    assert!(matches!(
        compare(&a, &c, Tolerance::Exact),
        Err(Mismatch::Presence { .. })
    ));
    let d = outputs(&[1.0, 2.0], Some(Scalar::i32(5)));
    assert!(matches!(
        compare(&a, &d, Tolerance::Exact),
        Err(Mismatch::Shape(_))
    ));
    let mut g = a.clone();
    g.buffers[0].raw_mut_for_tests()[4 + 3] = 0;
    match compare(&a, &g, Tolerance::Exact) {
        Err(Mismatch::Guard {
            side: Side::Actual,
            offset: 3,
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn buffer_guard_detects_overrun() {
    let mut b = Buffer::new("x", ScalarType::U8, 3, Direction::Out);
    assert_eq!(b.guard_clobbered(), None);
    assert_eq!(b.as_mut_ptr() as usize % 64, 0);
    b.raw_mut_for_tests()[5] = 0;
    assert_eq!(b.guard_clobbered(), Some(2));
}

#[test]
fn scalar_display() {
    assert_eq!(Scalar::f32(1.5).to_string(), "1.5 (f32 0x3fc00000)");
    assert_eq!(Scalar::i32(-3).to_string(), "-3 (i32 0xfffffffd)");
    assert_eq!(Scalar::u8(7).to_string(), "7 (u8 0x07)");
    assert_eq!(Scalar::i8(-1).as_i64(), -1);
    assert_eq!(Scalar::u16(0xffff).as_i64(), 0xffff);
}

#[test]
fn discover_collects_sorted_specs_and_all_errors() {
    let dir = std::env::temp_dir().join(format!("conformance-discover-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("b")).unwrap();
    std::fs::create_dir_all(dir.join("a")).unwrap();
    std::fs::create_dir_all(dir.join(".hidden")).unwrap();
    std::fs::write(dir.join("b/z.c"), "//! fn z()\n").unwrap();
    std::fs::write(dir.join("a/y.ll"), ";! fn y()\n").unwrap();
    std::fs::write(dir.join("a/x.c"), "//! fn x(n: u32)\n").unwrap();
    std::fs::write(dir.join("a/w.c"), "//! fn w(\n").unwrap();
    std::fs::write(dir.join("a/notes.md"), "not a kernel").unwrap();
    std::fs::write(dir.join(".hidden/h.c"), "broken").unwrap();
    let (specs, errors) = discover_partial(&dir);
    let names: Vec<&str> = specs.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, vec!["a/y", "b/z"]);
    assert_eq!(errors.len(), 2, "{errors:?}");
    let e = discover(&dir).unwrap_err();
    assert_eq!(e.errors.len(), 2);
    assert!(e.to_string().contains("x.c:1"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn parser_never_panics_on_garbage() {
    // Random directive-shaped lines from a token soup: every outcome must be
    // Ok or a SpecError, never a panic.
    const TOKENS: &[&str] = &[
        "fn",
        "buf",
        "arg",
        "extern",
        "calls",
        "tolerance",
        "cross-arch",
        "ulp",
        "flags",
        "skip",
        "seed",
        "min-clang",
        "about",
        "f",
        "x",
        "n",
        "(",
        ")",
        "[",
        "]",
        ":",
        ",",
        "=",
        "*",
        "+",
        "-",
        "->",
        "%",
        "f32",
        "u8",
        "i64",
        "in",
        "out",
        "inout",
        "uniform",
        "iota",
        "list",
        "text",
        "edges",
        "per-call",
        "bits",
        "zero",
        "0",
        "1",
        "-1",
        "0x",
        "0x7fc00000",
        "1e39",
        "nan",
        "inf",
        "max",
        "min",
        "\"",
        "\"a\\x4\"",
        "\\",
        "ulp",
        "exact",
        "x86_64:",
        "999999999999999999999",
        ".5",
        "5.",
        "1e-",
        "\t",
        "é",
    ];
    let mut rng = SplitMix64::new(42);
    for case in 0..3000 {
        let mut text = String::new();
        let lines = 1 + rng.below(5);
        for _ in 0..lines {
            text.push_str("//!");
            for _ in 0..rng.below(12) {
                text.push(' ');
                text.push_str(TOKENS[rng.below(TOKENS.len() as u64) as usize]);
            }
            text.push('\n');
        }
        if case % 2 == 0 {
            text.insert_str(0, "//! fn f(x: *f32, n: u32)\n//! arg n = 4\n");
        }
        if let Ok(spec) = parse_c(&text) {
            let _ = spec.inputs();
        }
        if let Ok(spec) = KernelSpec::parse(Path::new("a/b.ll"), &text.replace("//!", ";!")) {
            let _ = spec.inputs();
        }
    }
}

#[test]
fn cross_arch_tolerances_widen_one_arch_with_a_reason() {
    let text = SAXPY.replace(
        "//! tolerance ulp 2\n",
        "//! tolerance ulp 2\n//! cross-arch ulp 8 aarch64, riscv64: fma contraction\n",
    );
    let s = parse_c(&text).unwrap();
    assert_eq!(
        s.cross_arch_tolerance(Arch::Riscv64),
        (Tolerance::Ulp(8), Some("fma contraction"))
    );
    assert_eq!(s.cross_arch_tolerance(Arch::Aarch64).0, Tolerance::Ulp(8));
    assert_eq!(
        s.cross_arch_tolerance(Arch::Ppc64le),
        (Tolerance::Ulp(2), None)
    );
    // Never narrower than the declared tolerance.
    let narrow = SAXPY.replace(
        "//! tolerance ulp 2\n",
        "//! tolerance ulp 2\n//! cross-arch ulp 1 ppc64le: less\n",
    );
    assert_eq!(
        parse_c(&narrow)
            .unwrap()
            .cross_arch_tolerance(Arch::Ppc64le)
            .0,
        Tolerance::Ulp(2)
    );
    for (line, msg) in [
        (
            "//! cross-arch ulp 4 riscv64\n",
            "expects `ARCH[, ARCH...]: reason`",
        ),
        ("//! cross-arch ulp 4 riscv64:\n", "needs a reason"),
        ("//! cross-arch 4 riscv64: x\n", "expects `ulp N ARCH"),
        ("//! cross-arch ulp x riscv64: x\n", "non-negative integer"),
        (
            "//! cross-arch ulp 4 mips: x\n",
            "unknown architecture `mips`",
        ),
        (
            "//! cross-arch ulp 4 riscv64: x\n//! cross-arch ulp 2 riscv64: y\n",
            "given twice",
        ),
    ] {
        let text = format!("//! fn f()\n{line}void f(void) {{}}\n");
        let (_, e) = err_c(&text);
        assert!(e.contains(msg), "{line}: {e}");
    }
}
