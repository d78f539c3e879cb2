//! Batch loads: many objects in one image, calling each other.

use loader::{Error, Jit, JitOptions, Language};
use std::sync::Arc;

/// Three objects with calls and data references in every direction:
/// `even`/`odd` recurse across objects, `scaled` reads a global table of
/// another object and writes a counter of a third.
const EVEN: &str = r#"
int odd(unsigned n);
int even(unsigned n) { return n == 0 ? 1 : odd(n - 1); }
"#;
const ODD: &str = r#"
int even(unsigned n);
extern int calls;
int odd(unsigned n) { calls++; return n == 0 ? 0 : even(n - 1); }
"#;
const DATA: &str = r#"
int calls;
const double table[4] = {0.5, 1.5, 2.5, 3.5};
extern int even(unsigned n);
double scaled(unsigned i, double x) { return even(i) ? table[i % 4] * x : -table[i % 4] * x; }
"#;

fn compile_all(jit: &Jit, sources: &[&str]) -> Vec<Vec<u8>> {
    sources
        .iter()
        .map(|s| jit.compile(s, Language::C).unwrap())
        .collect()
}

// Only `maps_of` is used here.
#[allow(dead_code)]
mod support;
use support::maps_of;

#[test]
fn objects_of_a_batch_call_each_other_in_any_order() {
    let jit = Jit::new().unwrap();
    let objs = compile_all(&jit, &[EVEN, ODD, DATA]);
    let names = ["even.o", "odd.o", "data.o"];
    for order in [[0, 1, 2], [2, 1, 0], [1, 2, 0]] {
        let batch: Vec<(&str, &[u8])> = order.iter().map(|&i| (names[i], &objs[i][..])).collect();
        let m = jit.load_batch(&batch).unwrap();
        // SAFETY: the C signature of `even` above.
        let even = unsafe { m.typed::<extern "C" fn(u32) -> i32>("even") }.unwrap();
        // SAFETY: the C signature of `scaled` above.
        let scaled = unsafe { m.typed::<extern "C" fn(u32, f64) -> f64>("scaled") }.unwrap();
        assert_eq!(even.get()(10), 1);
        assert_eq!(even.get()(7), 0);
        assert_eq!(scaled.get()(2, 2.0), 5.0);
        assert_eq!(scaled.get()(3, 2.0), -7.0);
        // `calls` lives in data.o and is written by odd.o: 5 + 4 + 1 + 2.
        let calls = m.symbol_address("calls").unwrap();
        // SAFETY: `calls` is an int of the live module.
        assert_eq!(unsafe { *(calls as *const i32) }, 12);
        // One image: every symbol lies inside it.
        let (base, len) = m.image_range().unwrap();
        for name in ["even", "odd", "scaled", "table", "calls"] {
            let a = m.symbol_address(name).unwrap();
            assert!(
                a >= base && a < base + len as u64,
                "{name} outside the image"
            );
        }
    }
}

#[test]
fn a_batch_image_is_never_writable_and_executable() {
    // Default: read-only data shares the code's pages; with
    // `separate_read_only` it has pages of its own.
    for (separate, expected) in [
        (false, &["r-x", "rw-"][..]),
        (true, &["r-x", "r--", "rw-"][..]),
    ] {
        let jit = Jit::with_options(JitOptions {
            separate_read_only: separate,
            ..JitOptions::host().unwrap()
        });
        let objs = compile_all(&jit, &[EVEN, ODD, DATA]);
        let batch: Vec<(&str, &[u8])> = objs.iter().map(|o| ("obj", &o[..])).collect();
        let m = jit.load_batch(&batch).unwrap();
        let (base, len) = m.image_range().unwrap();
        let ours = maps_of(base, len);
        for (s, e, p) in &ours {
            assert!(
                !(p.contains('w') && p.contains('x')),
                "{s:#x}-{e:#x} is {p}: writable and executable"
            );
        }
        // One group per protection, shared by all three objects.
        let perms: Vec<&str> = ours.iter().map(|(_, _, p)| &p[..3]).collect();
        assert_eq!(perms, expected, "separate_read_only {separate}: {ours:?}");
        assert_eq!(m.segments().len(), expected.len());
        // The constant table is read wherever it went.
        // SAFETY: the C signature of `scaled` above.
        let scaled = unsafe { m.typed::<extern "C" fn(u32, f64) -> f64>("scaled") }.unwrap();
        assert_eq!(scaled.get()(2, 2.0), 5.0);
    }
}

#[test]
fn two_global_definitions_of_a_name_are_an_error_naming_both_objects() {
    let jit = Jit::new().unwrap();
    let objs = compile_all(
        &jit,
        &[
            "int f(void) { return 1; }",
            "int g(void) { return 2; }",
            "int f(void) { return 3; }",
        ],
    );
    let err = jit
        .load_batch(&[
            ("one.o", &objs[0]),
            ("two.o", &objs[1]),
            ("three.o", &objs[2]),
        ])
        .unwrap_err();
    match &err {
        Error::DuplicateSymbol {
            symbol,
            first,
            second,
        } => assert_eq!(
            (&symbol[..], &first[..], &second[..]),
            ("f", "one.o", "three.o")
        ),
        other => panic!("expected DuplicateSymbol, got {other}"),
    }
    assert!(err.to_string().contains("one.o") && err.to_string().contains("three.o"));
}

#[test]
fn a_global_definition_beats_a_weak_one() {
    let jit = Jit::new().unwrap();
    let objs = compile_all(
        &jit,
        &[
            "__attribute__((weak)) int f(void) { return 1; }",
            "int f(void) { return 2; }",
            "int f(void); int call_f(void) { return f() * 10; }",
        ],
    );
    let m = jit
        .load_batch(&[
            ("weak.o", &objs[0]),
            ("strong.o", &objs[1]),
            ("caller.o", &objs[2]),
        ])
        .unwrap();
    // SAFETY: C signature `int(void)`.
    let call_f = unsafe { m.typed::<extern "C" fn() -> i32>("call_f") }.unwrap();
    assert_eq!(call_f.get()(), 20);
}

extern "C" fn host_triple(x: i32) -> i32 {
    3 * x
}

#[test]
fn undefined_symbols_of_a_batch_still_go_to_the_resolver() {
    let mut options = JitOptions::host().unwrap();
    options.resolver = Some(Arc::new(|name: &str| {
        (name == "host_triple").then_some(host_triple as *const () as u64)
    }));
    let jit = Jit::with_options(options);
    let objs = compile_all(
        &jit,
        &["int host_triple(int); int f(int x) { return host_triple(x) + 1; }"],
    );
    let m = jit.load_batch(&[("f.o", &objs[0])]).unwrap();
    // SAFETY: C signature `int(int)`.
    let f = unsafe { m.typed::<extern "C" fn(i32) -> i32>("f") }.unwrap();
    assert_eq!(f.get()(5), 16);
    let missing = compile_all(
        &jit,
        &["int nowhere(void); int f(void) { return nowhere(); }"],
    );
    let err = jit.load_batch(&[("f.o", &missing[0])]).unwrap_err();
    assert!(err.to_string().contains("nowhere"), "{err}");
    assert!(jit.load_batch(&[]).is_err());
}

#[test]
fn an_empty_batch_and_a_batch_on_the_dlopen_backend_are_refused() {
    let jit = Jit::new().unwrap();
    let e = jit.load_batch(&[]).unwrap_err();
    assert!(matches!(e, Error::EmptyBatch { .. }), "{e:?}");
    #[cfg(feature = "dlopen-fallback")]
    {
        let jit = Jit::with_options(JitOptions {
            backend: loader::Backend::Dlopen,
            ..JitOptions::host().unwrap()
        });
        let object = jit
            .compile("int f(void) { return 1; }", Language::C)
            .unwrap();
        let e = jit.load_batch(&[("f.o", &object)]).unwrap_err();
        assert!(
            matches!(e, Error::BatchNeedsInMemoryBackend { .. }),
            "{e:?}"
        );
        assert!(e.to_string().contains("in-memory backend only"), "{e}");
    }
}

#[test]
fn a_weak_absolute_symbol_defined_twice_stays_exported() {
    // Both objects define `level` = 5, weak and absolute: the first wins,
    // and the loser sharing its name and address must not hide it.
    let jit = Jit::new().unwrap();
    let src = r#"
__asm__(".weak level\n.set level, 5\n");
int use_level(void) { return 1; }
"#;
    let objs = compile_all(&jit, &[src, &src.replace("use_level", "use_level_too")]);
    let m = jit
        .load_batch(&[("a.o", &objs[0]), ("b.o", &objs[1])])
        .unwrap();
    assert_eq!(m.symbol_address("level").unwrap(), 5);
}

#[test]
fn a_global_in_a_section_that_is_not_loaded_is_not_exported() {
    // `marker` in an empty section of the first object names nothing; the
    // second object's definition is the one callers get.
    let jit = Jit::new().unwrap();
    let empty = r#"
__asm__(".section .empty_marker,\"aw\"\n.globl marker\nmarker:\n.text\n");
int first(void) { return 1; }
"#;
    let real = "long marker = 42;";
    let objs = compile_all(&jit, &[empty, real]);
    let m = jit
        .load_batch(&[("empty.o", &objs[0]), ("real.o", &objs[1])])
        .unwrap();
    let at = m.symbol_address("marker").unwrap();
    let (base, len) = m.image_range().unwrap();
    assert!(at >= base && at < base + len as u64, "marker at {at:#x}");
    // SAFETY: `marker` is a long of the live module.
    assert_eq!(unsafe { *(at as *const i64) }, 42);
    // Alone, the empty-section global is not exported either.
    let alone = jit.load_object(&objs[0]).unwrap();
    assert!(alone.symbol_address("marker").is_err());
}
