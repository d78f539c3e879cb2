//! The `conformance` binary itself: bad arguments get a one-line error and
//! exit status 2; a kernel that traps fails alone, with a record naming the
//! signal and the call, and the run goes on. (exec_native.rs covers
//! segfaults, hangs and out-of-bounds writes through the library.)

use std::path::PathBuf;
use std::process::{Command, Output};

fn harness(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_conformance"))
        .args(args)
        .output()
        .expect("the harness runs")
}

#[test]
fn bad_arguments_get_one_line_errors() {
    let arches = "(expected one of x86_64, aarch64, riscv64, loongarch64, ppc64le)";
    let cases: &[(&[&str], &str)] = &[
        (
            &["run", "--arch", "sparc"],
            &format!("conformance: unknown architecture `sparc` {arches}"),
        ),
        (
            &["census", "--arch", "mips"],
            &format!("conformance: unknown architecture `mips` {arches}"),
        ),
        (
            &["run", "--opt", "9"],
            "conformance: bad optimisation level `9` (0, 1, 2, 3, s, z)",
        ),
        (&["run", "--jobs", "x"], "conformance: bad --jobs `x`"),
        (
            &["run", "--timeout"],
            "conformance: --timeout needs a value",
        ),
        (
            &["run", "--bogus"],
            "conformance: unknown option `--bogus` for `run`",
        ),
        (
            &["run", "--corpus", "/nonexistent/corpus"],
            "conformance: corpus `/nonexistent/corpus` is not a directory",
        ),
        (&["link"], "conformance: link needs --kernel"),
        (
            &["link", "--arch", "x86_64", "--kernel", "no/such-kernel"],
            &format!(
                "conformance: no kernel of {} matches no/such-kernel",
                concat!(env!("CARGO_MANIFEST_DIR"), "/kernels")
            ),
        ),
    ];
    for (args, line) in cases {
        let out = harness(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.trim_end(), *line, "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    // An unknown command: the error line, then the usage.
    let out = harness(&["frobnicate"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr.lines().next(),
        Some("conformance: unknown command `frobnicate`")
    );
    assert!(stderr.contains("USAGE:"), "{stderr}");
}

#[test]
fn a_trapping_kernel_fails_alone_through_the_binary() {
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("isolation_trap");
    let dir = root.join("t");
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&dir).unwrap();
    let kernels = [
        (
            "ok.c",
            "//! fn add1(n: i32) -> i32\n//! arg n = 41\nint add1(int n) { return n + 1; }\n",
        ),
        (
            "trap.c",
            "//! fn trap(n: i32) -> i32\n//! arg n = 4\n\
             int trap(int n) { if (n) __builtin_trap(); return n; }\n",
        ),
        (
            "ok2.c",
            "//! fn twice(n: i32) -> i32\n//! arg n = 21\nint twice(int n) { return 2 * n; }\n",
        ),
    ];
    for (name, text) in kernels {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let report = root.join("report");
    let out = harness(&[
        "run",
        "--corpus",
        root.to_str().unwrap(),
        "--backend",
        "jit",
        "--timeout",
        "30",
        "--quiet",
        "--report",
        report.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    // x86_64 ud2 -> SIGILL; aarch64 brk / riscv ebreak / ppc trap -> SIGTRAP
    // or SIGILL, depending on the arch.
    let fail = stdout
        .lines()
        .find(|l| l.starts_with("FAIL: t/trap"))
        .unwrap_or_else(|| panic!("no failure line for t/trap:\n{stdout}"));
    assert!(
        fail.contains("crash during `call #0 trap`: killed by SIG"),
        "{fail}"
    );
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("FAIL: ")).count(),
        1,
        "{stdout}"
    );
    let md = std::fs::read_to_string(report.with_extension("md")).unwrap();
    for ok in ["| `t/ok` | 2 | pass |", "| `t/ok2` | 2 | pass |"] {
        assert!(md.contains(ok), "`{ok}` missing from:\n{md}");
    }
}
