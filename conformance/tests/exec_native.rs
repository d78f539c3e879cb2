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
use conformance::runner::run::{run, RunOptions, Status};
use conformance::runner::spawn::ChildCommand;
use loader::compile::{clang_version, find_clang};
use loader::Arch;

fn options(corpus: PathBuf, timeout: Duration) -> Option<RunOptions> {
    let arch = Arch::host()?;
    let clang = find_clang(None).expect("clang (clang-19) is provisioned for the tests");
    Some(RunOptions {
        corpus,
        arch,
        backends: BackendKind::ALL.to_vec(),
        kernels: Vec::new(),
        exclude: Vec::new(),
        opts: vec!["2".into()],
        jobs: default_jobs(),
        child: ChildCommand {
            exe: PathBuf::from(env!("CARGO_BIN_EXE_conformance")),
            // Under qemu-user (`cargo xtask qemu-test`), children go through
            // the emulator too.
            wrapper: conformance::runner::spawn::runner_from_env(),
            timeout,
        },
        clang_version: clang_version(&clang).ok(),
        clang: Some(clang),
        cpu: None,
        expected: Vec::new(),
        progress: false,
    })
}

#[test]
fn corpus_runs_natively_through_both_backends() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let Some(mut options) = options(dir.join("kernels"), Duration::from_secs(300)) else {
        eprintln!("host architecture not supported by the loader: nothing to run");
        return;
    };
    options.expected = expected::for_clang(
        expected::load(&dir.join("expected-failures.toml")).unwrap_or_else(|e| panic!("{e}")),
        options.clang_version,
    );
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

/// The harness survives crashes, hangs, guard-zone overruns and malformed
/// kernels, charges each to the right backend, and keeps
/// `expected-failures.toml` honest.
#[test]
fn harness_reports_crashes_hangs_and_bad_kernels() {
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("harness_faults");
    let dir = root.join("t");
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&dir).unwrap();
    let kernels = [
        ("ok.c", "//! fn add1(n: i32) -> i32\n//! arg n = 41\nint add1(int n) { return n + 1; }\n"),
        ("crash.c", "//! fn boom(n: i32) -> i32\n//! arg n = 4\nint boom(int n) { volatile int *q = (volatile int *)0; return *q + n; }\n"),
        ("hang.c", "//! fn spin(n: i32) -> i32\n//! arg n = 4\nint spin(int n) { volatile int x = 0; for (;;) x += n; return x; }\n"),
        ("overrun.c", "//! fn wr(p: *i32, n: i32)\n//! arg n = 4\n//! buf p: i32[4] out\nvoid wr(int *p, int n) { for (int i = 0; i <= n; i++) p[i] = i; }\n"),
        ("addr.c", "//! fn where_am_i(n: i32) -> u64\n//! arg n = 1\nunsigned long long where_am_i(int n) { return (unsigned long long)&where_am_i + n; }\n"),
        ("bad.c", "//! fn f(n: i32) -> bogus\nint f(int n) { return n; }\n"),
    ];
    for (name, text) in kernels {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let xf = root.join("xf.toml");
    std::fs::write(
        &xf,
        "[[failure]]\nkernel = \"t/ok\"\nreason = \"passes: must be reported\"\n\n\
         [[failure]]\nkernel = \"t/addr\"\nbackend = \"jit\"\nreason = \"addresses differ\"\n",
    )
    .unwrap();
    let Some(mut options) = options(root.clone(), Duration::from_secs(5)) else {
        return;
    };
    options.expected = expected::load(&xf).unwrap();
    let report = run(&options);
    println!("{}", summary(&report));
    let status = |k: &str| {
        report
            .kernels
            .iter()
            .find(|r| r.kernel == k)
            .map(|r| r.status)
    };
    let failures = |k: &str| -> Vec<String> {
        report
            .kernels
            .iter()
            .filter(|r| r.kernel == k)
            .flat_map(|r| {
                r.failures
                    .iter()
                    .map(|f| format!("{}: {}", f.backend, f.what))
            })
            .collect()
    };
    assert_eq!(status("t/ok"), Some(Status::UnexpectedlyPassing));
    assert_eq!(status("t/addr"), Some(Status::ExpectedFailure));
    assert_eq!(status("t/crash"), Some(Status::Fail));
    let crash = failures("t/crash");
    assert!(
        crash
            .iter()
            .all(|f| f.contains("SIGSEGV") && f.contains("call #0 boom")),
        "{crash:?}"
    );
    assert_eq!(crash.len(), 2, "{crash:?}");
    let hang = failures("t/hang");
    assert!(
        hang.len() == 2 && hang.iter().all(|f| f.contains("timeout")),
        "{hang:?}"
    );
    let overrun = failures("t/overrun");
    assert!(
        overrun.len() == 2 && overrun.iter().all(|f| f.contains("wrote past the end")),
        "{overrun:?}"
    );
    assert!(report
        .kernels
        .iter()
        .any(|k| k.status == Status::BadKernel && k.kernel.ends_with("bad.c")));
    assert!(!report.success());
    assert_eq!(report.counts.total, 6);
}
