//! Relocation snapshots: every kernel, for every architecture, compiled by
//! clang (baseline CPU, -O2) and linked by the pure link step at a fixed
//! base with a deterministic resolver (see `conformance::runner::fixed`).
//! One line per relocation: section+offset, type, symbol and addend, the
//! symbolic target, the value and the bytes before -> after. A kernel that
//! does not compile or link snapshots its error (`error: ...`), so a
//! snapshot changes — and is reviewed — when an engine improves.
//!
//! Snapshots live in `conformance/snapshots/clang-<major>/<arch>/<kernel>.snap`.
//! Review changes with `cargo insta review`, or accept all with
//! `INSTA_UPDATE=always cargo test -p conformance --test snapshots` (which
//! also deletes the snapshots of kernels that no longer exist).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use conformance::runner::fixed::{compile_and_link, snapshot_text};
use conformance::spec::{discover, KernelSpec};
use loader::compile::{clang_version, find_clang};
use loader::Arch;
use rstest::rstest;

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn corpus() -> Vec<KernelSpec> {
    discover(&crate_dir().join("kernels")).unwrap_or_else(|e| panic!("{e}"))
}

fn updating() -> bool {
    matches!(
        std::env::var("INSTA_UPDATE").as_deref(),
        Ok("always" | "overwrite")
    )
}

/// `.snap` files under `dir`, as kernel names (`category/stem`).
fn snapshot_names(dir: &Path, prefix: &str, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let Some(name) = p.file_name().and_then(|n| n.to_str()).map(String::from) else {
            continue;
        };
        if p.is_dir() {
            snapshot_names(&p, &format!("{prefix}{name}/"), out);
        } else if let Some(stem) = name.strip_suffix(".snap") {
            out.push((format!("{prefix}{stem}"), p));
        }
    }
}

#[rstest]
fn relocations(#[values("x86_64", "aarch64", "riscv64", "loongarch64", "ppc64le")] arch: &str) {
    let arch: Arch = arch.parse().unwrap();
    let clang = find_clang(None).expect("clang (clang-19) is provisioned for the tests");
    let version = clang_version(&clang).expect("clang --version");
    let root = crate_dir()
        .join("snapshots")
        .join(format!("clang-{version}"))
        .join(arch.name());
    let specs = corpus();
    let mut failed = Vec::new();
    for spec in &specs {
        let link = compile_and_link(spec, arch, &clang, "2");
        let text = snapshot_text(&link);
        let (dir, stem) = match spec.name.rsplit_once('/') {
            Some((d, s)) => (root.join(d), s.to_string()),
            None => (root.clone(), spec.name.clone()),
        };
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(dir);
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        settings.set_description(format!("{} on {} (clang-{version}, -O2)", spec.name, arch));
        let r = catch_unwind(AssertUnwindSafe(|| {
            settings.bind(|| insta::assert_snapshot!(stem.as_str(), text));
        }));
        if r.is_err() {
            failed.push(spec.name.clone());
        }
    }
    // Snapshots of kernels that no longer exist.
    let mut existing = Vec::new();
    snapshot_names(&root, "", &mut existing);
    let mut stale = Vec::new();
    for (name, path) in existing {
        if specs.iter().all(|s| s.name != name) {
            if updating() {
                let _ = std::fs::remove_file(&path);
            } else {
                stale.push(path.display().to_string());
            }
        }
    }
    assert!(
        failed.is_empty() && stale.is_empty(),
        "{arch}: {} snapshot(s) differ: {}\n{} stale snapshot(s) (delete them or run with INSTA_UPDATE=always): {}",
        failed.len(),
        failed.join(", "),
        stale.len(),
        stale.join(", ")
    );
}
