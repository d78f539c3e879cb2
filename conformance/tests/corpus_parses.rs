//! The shipped corpus parses, generates inputs, and follows the corpus rules
//! that can be checked without a compiler.

use std::collections::BTreeMap;
use std::path::PathBuf;

use conformance::spec::{discover, KernelSpec, Lang};

fn corpus() -> Vec<KernelSpec> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("kernels");
    match discover(&root) {
        Ok(specs) => specs,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn every_kernel_parses_and_the_corpus_is_large_enough() {
    let specs = corpus();
    let ir = specs.iter().filter(|s| s.lang == Lang::Ir).count();
    assert!(specs.len() >= 120, "only {} kernels", specs.len());
    assert!(ir >= 30, "only {ir} IR kernels");
    let mut per_category: BTreeMap<&str, usize> = BTreeMap::new();
    for s in &specs {
        *per_category.entry(s.category()).or_default() += 1;
    }
    for cat in [
        "elementwise",
        "reduce",
        "linalg",
        "math",
        "bits",
        "switch",
        "constpool",
        "data",
        "bss",
        "strings",
        "fnptr",
        "multi",
        "recursion",
        "libm",
        "compiler-rt",
        "memops",
        "vector",
        "manyargs",
        "extern",
        "large",
    ] {
        assert!(
            per_category.get(cat).copied().unwrap_or(0) > 0,
            "no kernel in {cat}"
        );
    }
}

#[test]
fn every_kernel_generates_inputs_deterministically() {
    for s in corpus() {
        let a = s.inputs();
        assert_eq!(a, s.inputs(), "{}", s.name);
        assert_eq!(
            a.calls.len(),
            s.calls as usize * s.entries.len(),
            "{}",
            s.name
        );
        for b in a.buffers.iter().chain(&a.externs) {
            assert_eq!(b.as_ptr() as usize % 64, 0);
            assert_eq!(b.guard_clobbered(), None);
        }
    }
}

#[test]
fn sources_follow_the_corpus_rules() {
    for s in corpus() {
        let code: Vec<&str> = s
            .source
            .lines()
            .filter(|l| {
                let t = l.trim_start();
                !t.starts_with(s.lang.comment_prefix())
            })
            .collect();
        match s.lang {
            Lang::C => {
                assert!(
                    !code.iter().any(|l| l.trim_start().starts_with("#include")),
                    "{}: C kernels are freestanding: no #include",
                    s.name
                );
                for e in &s.entries {
                    let defined = code.iter().any(|l| {
                        l.contains(&format!(" {}(", e.name)) && !l.trim_end().ends_with(';')
                    });
                    assert!(defined, "{}: no definition of entry `{}`", s.name, e.name);
                }
            }
            Lang::Ir => {
                assert!(
                    !code
                        .iter()
                        .any(|l| l.starts_with("target triple")
                            || l.starts_with("target datalayout")),
                    "{}: IR kernels must not pin a triple or datalayout",
                    s.name
                );
                for e in &s.entries {
                    let defined = code
                        .iter()
                        .any(|l| l.starts_with("define") && l.contains(&format!("@{}(", e.name)));
                    assert!(defined, "{}: no definition of entry `@{}`", s.name, e.name);
                }
            }
        }
    }
}
