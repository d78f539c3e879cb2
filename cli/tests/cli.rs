//! The `jitload` binary, run as a user runs it: every subcommand on small
//! kernels, checked against what it must print, and bad input, which must
//! fail with one line on stderr.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn jitload() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_jitload"));
    c.env_remove("RUST_LOG")
        .env_remove("LOADER_PERF_MAP")
        .env_remove("LOADER_DUMP_DIR");
    c
}

fn kernel(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/kernels")
        .join(name)
}

fn corpus(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../conformance/kernels")
        .join(name)
}

fn run(args: &[&str]) -> Output {
    jitload().args(args).output().unwrap()
}

fn ok(args: &[&str]) -> String {
    let o = run(args);
    let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        o.status.success(),
        "jitload {args:?} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    stdout
}

/// Runs a command that must fail and returns its one stderr line.
fn fails(args: &[&str]) -> String {
    let o = run(args);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "jitload {args:?}: {stderr}");
    assert_eq!(
        stderr.lines().count(),
        1,
        "jitload {args:?}: not one line:\n{stderr}"
    );
    assert!(stderr.starts_with("jitload: error: "), "{stderr}");
    stderr
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn run_with_a_signature_on_the_command_line() {
    let add = kernel("add.c");
    let out = ok(&[
        "run",
        p(&add),
        "--entry",
        "add(a: i32, b: i32) -> i32",
        "--args",
        "40",
        "-2",
    ]);
    assert_eq!(out, "call #0: add(a = 40, b = -2) = 38 (i32 0x00000026)\n");
    // Through the dlopen backend: the same answer.
    let out = ok(&[
        "run",
        p(&add),
        "--backend",
        "dlopen",
        "--entry",
        "add(a: i32, b: i32) -> i32",
        "--args",
        "7",
        "8",
    ]);
    assert!(out.ends_with("= 15 (i32 0x0000000f)\n"), "{out}");
}

#[test]
fn run_a_kernel_with_a_header_and_override_its_arguments() {
    let scale = kernel("scale.c");
    // iota = 0, 1, 2, 3; a = 2: y = 0, 2, 4, 6, sum 12.
    let out = ok(&["run", p(&scale)]);
    assert!(
        out.contains("scale(n = 4, a = 2.0, x = &x, y = &y) = 12.0 (f32 0x41400000)"),
        "{out}"
    );
    assert!(
        out.contains("buffer y: f32[4] out = [0.0, 2.0, 4.0, 6.0]"),
        "{out}"
    );
    // Scalars and buffers from the command line replace the header's.
    let out = ok(&[
        "run",
        p(&scale),
        "--args",
        "3",
        "-1.5",
        "[n] in = 2",
        "[n] out",
    ]);
    assert!(out.contains("= -9.0 (f32"), "{out}");
    assert!(
        out.contains("buffer y: f32[3] out = [-3.0, -3.0, -3.0]"),
        "{out}"
    );
}

#[test]
fn relocs_print_the_snapshot_text() {
    let k = corpus("math/sin_cos_f64.c");
    let out = ok(&["relocs", p(&k), "--arch", "ppc64le", "--clang", "clang-19"]);
    assert!(
        out.starts_with("# math/sin_cos_f64 for ppc64le at base 0x40000000\n"),
        "{out}"
    );
    assert!(
        out.contains(" R_PPC64_REL24 sin+0x0 -> stub[sin] "),
        "{out}"
    );
    assert!(
        out.contains(" R_PPC64_REL16_HA .TOC.+0x0 -> .TOC. "),
        "{out}"
    );
    // Exactly the relocation snapshot (after its insta header).
    let snap = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../conformance/snapshots/clang-19/ppc64le/math/sin_cos_f64.snap"),
    )
    .unwrap();
    let body = snap.splitn(3, "---\n").nth(2).unwrap();
    assert_eq!(out.trim_end(), body.trim_end());
}

#[test]
fn dump_prints_or_writes_the_relocated_image() {
    let add = kernel("add.c");
    let out = ok(&["dump", p(&add), "--arch", "riscv64"]);
    assert!(out.starts_with("# riscv64 image, "), "{out}");
    // addw a0, a0, a1 (c.addw: 0x9d2d); ret (c.jr ra: 0x8082).
    assert!(
        out.contains("0x40000000 <add>:\n0000000040000000  2d 9d 82 80"),
        "{out}"
    );
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("add.bin");
    let said = ok(&["dump", p(&add), "--arch", "riscv64", "--out", p(&bin)]);
    let bytes = std::fs::read(&bin).unwrap();
    assert!(
        said.starts_with(&format!("wrote {} bytes", bytes.len())),
        "{said}"
    );
    assert_eq!(&bytes[..4], &[0x2d, 0x9d, 0x82, 0x80]);
}

#[test]
fn disasm_goes_through_llvm_objdump() {
    let add = kernel("add.c");
    let o = run(&["disasm", p(&add), "--arch", "riscv64"]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    let have_objdump = ["llvm-objdump-19", "llvm-objdump"].iter().any(|t| {
        Command::new(t)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if have_objdump {
        assert!(o.status.success(), "{stderr}");
        assert!(stdout.contains("<add>:"), "{stdout}");
        assert!(stdout.contains("addw\ta0, a0, a1"), "{stdout}");
        assert!(stdout.contains("riscv64 image at 0x40000000"), "{stdout}");
        // Calls to libm go through stubs, labelled with their target; on
        // ppc64le the nop after each call became the TOC restore.
        let k = corpus("math/sin_cos_f64.c");
        let ppc = ok(&["disasm", p(&k), "--arch", "ppc64le"]);
        let call = ppc
            .lines()
            .position(|l| l.contains("\tbl ") && l.ends_with(" <stub[sin]>"))
            .unwrap_or_else(|| panic!("{ppc}"));
        assert!(
            ppc.lines().nth(call + 1).unwrap().ends_with("ld 2, 24(1)"),
            "{ppc}"
        );
        assert!(ppc.contains("<stub[sin]>:\n"), "{ppc}");
    } else {
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains("llvm-objdump is not installed"), "{stderr}");
    }
}

#[test]
fn census_of_a_file() {
    let k = corpus("math/sin_cos_f64.c");
    let out = ok(&["census", p(&k), "--arch", "ppc64le"]);
    assert!(out.starts_with("== ppc64le: 1/1 kernels linked"), "{out}");
    assert!(
        out.lines().any(|l| l.split_whitespace().collect::<Vec<_>>()
            == ["R_PPC64_REL24", "10", "1", "1", "known"]),
        "{out}"
    );
}

#[test]
fn census_of_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("demo")).unwrap();
    std::fs::copy(kernel("scale.c"), dir.path().join("demo/scale.c")).unwrap();
    let out = ok(&["census", p(dir.path()), "--arch", "aarch64"]);
    assert!(out.starts_with("== aarch64: 1/1 kernels linked"), "{out}");
    // A file without a header in the directory: one line naming it.
    std::fs::copy(kernel("add.c"), dir.path().join("demo/add.c")).unwrap();
    let err = fails(&["census", p(dir.path()), "--arch", "aarch64"]);
    assert!(
        err.contains("1 kernel file(s)") && err.contains("add.c"),
        "{err}"
    );
}

#[test]
fn rust_log_debug_shows_where_time_went() {
    let add = kernel("add.c");
    let o = jitload()
        .args([
            "run",
            p(&add),
            "--entry",
            "add(a: i32, b: i32) -> i32",
            "--args",
            "1",
            "2",
        ])
        .env("RUST_LOG", "loader=debug")
        .output()
        .unwrap();
    assert!(o.status.success());
    let log = String::from_utf8_lossy(&o.stderr);
    for stage in ["compile", "map", "link", "protect", "call"] {
        assert!(
            log.lines()
                .any(|l| l.contains(&format!("{stage} done elapsed_us="))),
            "no timing of {stage}:\n{log}"
        );
    }
    // Not a terminal: no colour codes.
    assert!(!log.contains('\x1b'), "{log}");
}

#[test]
fn perf_map_of_a_run() {
    let add = kernel("add.c");
    let child = jitload()
        .args([
            "run",
            p(&add),
            "--entry",
            "add(a: i32, b: i32) -> i32",
            "--args",
            "1",
            "2",
        ])
        .env("LOADER_PERF_MAP", "1")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let map = std::env::temp_dir().join(format!("perf-{}.map", child.id()));
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success());
    let text = std::fs::read_to_string(&map).unwrap();
    std::fs::remove_file(&map).unwrap();
    let line = text
        .lines()
        .find(|l| l.ends_with(" add"))
        .unwrap_or_else(|| panic!("{text}"));
    let words: Vec<&str> = line.split(' ').collect();
    assert!(u64::from_str_radix(words[0], 16).unwrap() > 0, "{line}");
    assert!(u64::from_str_radix(words[1], 16).unwrap() > 0, "{line}");
}

#[test]
fn help_for_every_command() {
    assert!(ok(&["--help"]).contains("Commands:"));
    for cmd in ["run", "relocs", "dump", "disasm", "census"] {
        let out = ok(&[cmd, "--help"]);
        assert!(out.starts_with(&format!("jitload {cmd} ")), "{out}");
    }
}

#[test]
fn bad_input_fails_with_one_line() {
    let add = kernel("add.c");
    let add = p(&add);
    assert!(fails(&["frobnicate"]).contains("unknown command `frobnicate`"));
    assert!(fails(&["run"]).contains("give FILE"));
    assert!(fails(&["relocs", "/nonexistent/k.c"]).contains("/nonexistent/k.c"));
    assert!(fails(&["relocs", add, "--arch", "sparc"]).contains("unknown arch `sparc`"));
    assert!(fails(&["relocs", add, "--opt", "9"]).contains("optimisation level"));
    assert!(fails(&["dump", add, "--frob"]).contains("unknown option `--frob`"));
    assert!(fails(&["run", add]).contains("--entry 'NAME(p: T, ...) -> T'"));
    assert!(fails(&[
        "run",
        add,
        "--entry",
        "add(a: i32, b: i32) -> i32",
        "--args",
        "1"
    ])
    .contains("1 values for 2 parameters (a, b)"));
    assert!(fails(&[
        "run",
        add,
        "--entry",
        "add(a: i33, b: i32) -> i32",
        "--args",
        "1",
        "2"
    ])
    .contains("i33"));
    assert!(fails(&[
        "run",
        add,
        "--entry",
        "add(a: i32, b: i32) -> i32",
        "--args",
        "1",
        "zz"
    ])
    .contains("zz"));
    let scale = kernel("scale.c");
    assert!(fails(&["run", p(&scale), "--entry", "nope"]).contains("no entry `nope`"));
    assert!(fails(&[
        "run",
        add,
        "--backend",
        "gpu",
        "--entry",
        "add(a: i32) -> i32",
        "--args",
        "1"
    ])
    .contains("unknown backend `gpu`"));
}

#[test]
fn compile_errors_keep_the_files_line_numbers() {
    let broken = kernel("broken.c");
    let o = run(&[
        "run",
        p(&broken),
        "--entry",
        "add(a: i32, b: i32) -> i32",
        "--args",
        "1",
        "2",
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("jitload: error: ") && stderr.lines().next().unwrap().contains("failed"),
        "{stderr}"
    );
    // Line 2 of the file, although the command line added header lines.
    assert!(
        stderr.contains("<stdin>:2:36: error: expected expression"),
        "{stderr}"
    );
    // `relocs` prints the log with the error, then fails.
    let o = run(&["relocs", p(&broken), "--arch", "riscv64"]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stdout.contains("error: compile: clang failed"), "{stdout}");
    assert!(stdout.contains("<stdin>:2:36"), "{stdout}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("did not compile or link for riscv64"),
        "{stderr}"
    );
}
