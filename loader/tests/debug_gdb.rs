//! The GDB JIT interface, end to end: this test binary runs itself under
//! `gdb -batch`; the child loads a kernel and calls it; gdb must stop at a
//! breakpoint set *by the kernel's name* before the kernel existed, and
//! its backtrace must name the JIT caller too.

// Only `RUNNER_ENV` of the shared helpers is used here.
#[allow(dead_code)]
mod support;

use std::process::Command;

use loader::{Jit, JitOptions, Language};

const CHILD_ENV: &str = "LOADER_TEST_GDB_CHILD";

const SRC: &str = r#"
__attribute__((noinline)) int gdb_jit_inner(int x) { return x * 3 + 1; }
int gdb_jit_outer(int x) { return gdb_jit_inner(x) + gdb_jit_inner(x + 1); }
"#;

fn gdb_available() -> bool {
    Command::new("gdb")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn gdb_breaks_in_a_jit_kernel_by_name() {
    if std::env::var_os(support::RUNNER_ENV).is_some() {
        eprintln!("SKIPPED: under an emulator (gdb-multiarch against qemu -g is not automated; see README)");
        return;
    }
    if !gdb_available() {
        assert!(
            std::env::var_os("CI").is_none(),
            "gdb is missing in CI: `cargo xtask setup` installs it"
        );
        eprintln!("SKIPPED: gdb is not installed (apt-get install gdb)");
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let out = Command::new("gdb")
        .args(["-batch", "-nx"])
        .args(["-ex", "set debuginfod enabled off"])
        .args(["-ex", "set breakpoint pending on"])
        .args(["-ex", "set startup-with-shell off"])
        .args(["-ex", "break gdb_jit_inner"])
        .args(["-ex", "run"])
        .args(["-ex", "bt 3"])
        .args(["-ex", "info symbol $pc"])
        .args(["-ex", "kill"])
        .arg("--args")
        .arg(exe)
        .args(["--exact", "gdb_child", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, "1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    if err.contains("ptrace: Operation not permitted") {
        // A sandbox without ptrace: nothing here can be debugged.
        eprintln!("SKIPPED: this environment does not allow ptrace (gdb says: ptrace: Operation not permitted)");
        return;
    }
    // The breakpoint was hit in the JIT function, by name...
    assert!(
        text.lines()
            .any(|l| l.contains("Breakpoint 1, ") && l.contains(" in gdb_jit_inner ")),
        "no stop in gdb_jit_inner:\n{text}\n{err}"
    );
    // ...the pc symbolises to it...
    assert!(
        text.lines().any(|l| l.starts_with("gdb_jit_inner")),
        "`info symbol $pc` did not name the kernel:\n{text}\n{err}"
    );
    // ...and the backtrace goes through the JIT caller.
    assert!(
        text.lines()
            .any(|l| l.starts_with("#1") && l.contains("gdb_jit_outer")),
        "the backtrace does not name gdb_jit_outer:\n{text}\n{err}"
    );
    // The child never got to print its result: gdb killed it at the stop.
    assert!(!text.contains("result: "), "{text}");
}

#[test]
fn gdb_child() {
    if std::env::var_os(CHILD_ENV).is_none() {
        return;
    }
    let mut options = JitOptions::host().unwrap();
    options.debug.gdb = true;
    let jit = Jit::with_options(options);
    let m = jit.load_source(SRC, Language::C).unwrap();
    // SAFETY: gdb_jit_outer's C signature.
    let f = unsafe { m.typed::<extern "C" fn(i32) -> i32>("gdb_jit_outer") }.unwrap();
    println!("result: {}", f.get()(5));
}

#[test]
fn images_leave_the_gdb_list_on_drop() {
    // The only test of this binary that loads in this process.
    let count = loader::debug::gdb::registered_count;
    assert_eq!(count(), 0);
    let mut options = JitOptions::host().unwrap();
    options.debug.gdb = true;
    let jit = Jit::with_options(options.clone());
    let a = jit.load_source(SRC, Language::C).unwrap();
    let b = jit.load_source(SRC, Language::C).unwrap();
    assert_eq!(count(), 2);
    drop(a);
    assert_eq!(count(), 1);
    drop(b);
    assert_eq!(count(), 0);
    options.debug.gdb = false;
    let c = Jit::with_options(options)
        .load_source(SRC, Language::C)
        .unwrap();
    assert_eq!(count(), 0);
    assert!(c.function("gdb_jit_outer").is_ok());
}
