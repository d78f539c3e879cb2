//! The whole corpus, executed natively (the host architecture) through the
//! in-memory loader and the dlopen fallback at -O2, each run in a child
//! process of the `conformance` binary; outputs compared bit for bit (or
//! within the kernel's tolerance) with each other and with the Rust
//! references. Fails on any failure that `expected-failures.toml` does not
//! list, and on any listed failure that passes.

use std::path::PathBuf;
use std::time::Duration;

use conformance::runner::child::BackendKind;
use conformance::runner::expected;
use conformance::runner::pool::default_jobs;
use conformance::runner::report::{summary, write_reports};
use conformance::runner::run::{run, RunOptions};
use conformance::runner::spawn::ChildCommand;
use loader::compile::{clang_version, find_clang};
use loader::Arch;

#[test]
fn corpus_runs_natively_through_both_backends() {
    let Some(arch) = Arch::host() else {
        eprintln!("host architecture not supported by the loader: nothing to run");
        return;
    };
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let clang = find_clang(None).expect("clang (clang-19) is provisioned for the tests");
    let expected =
        expected::load(&dir.join("expected-failures.toml")).unwrap_or_else(|e| panic!("{e}"));
    let options = RunOptions {
        corpus: dir.join("kernels"),
        arch,
        backends: BackendKind::ALL.to_vec(),
        kernels: Vec::new(),
        opts: vec!["2".into()],
        jobs: default_jobs(),
        child: ChildCommand {
            exe: PathBuf::from(env!("CARGO_BIN_EXE_conformance")),
            wrapper: Vec::new(),
            timeout: Duration::from_secs(300),
        },
        clang_version: clang_version(&clang).ok(),
        clang: Some(clang),
        cpu: None,
        expected,
        progress: false,
    };
    let report = run(&options);
    let text = summary(&report);
    println!("{text}");
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("exec_native_report");
    if let Ok((json, md)) = write_reports(&report, &out) {
        println!("reports: {} {}", json.display(), md.display());
    }
    let c = &report.counts;
    assert!(c.total > 0, "no kernels found");
    assert!(report.success(), "unexpected failures:\n{text}");
}
