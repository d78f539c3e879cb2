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

fn runs(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The gdb commands of the session, after the program is started.
const SESSION: [&str; 4] = ["break gdb_jit_inner", "continue", "bt 3", "info symbol $pc"];

fn gdb_command(program: &str) -> Command {
    let mut c = Command::new(program);
    c.args(["-batch", "-nx"])
        .args(["-ex", "set debuginfod enabled off"])
        .args(["-ex", "set breakpoint pending on"])
        .args(["-ex", "set startup-with-shell off"]);
    c
}

/// Natively: `gdb --args <this test binary> ...` runs the child itself.
fn native_session(exe: &std::path::Path, child_args: &[&str]) -> std::process::Output {
    let mut gdb = gdb_command("gdb");
    // `run` replaces `continue` (nothing is started yet).
    gdb.args(["-ex", SESSION[0], "-ex", "run"]);
    for cmd in &SESSION[2..] {
        gdb.args(["-ex", cmd]);
    }
    gdb.args(["-ex", "kill", "--args"])
        .arg(exe)
        .args(child_args)
        .env(CHILD_ENV, "1")
        .output()
        .unwrap()
}

/// Under qemu-user (`$LOADER_RUNNER`): the child runs under the same
/// emulator with its gdbstub (`-g PORT`), and the host's gdb-multiarch
/// attaches to it.
fn emulated_session(
    runner: &str,
    exe: &std::path::Path,
    child_args: &[&str],
) -> std::process::Output {
    let mut words = runner.split_whitespace();
    let emulator = words.next().unwrap();
    let emulator_args: Vec<&str> = words.collect();
    let sysroot = emulator_args
        .iter()
        .position(|w| *w == "-L")
        .and_then(|i| emulator_args.get(i + 1));
    // A port free a moment ago; qemu listens on it before it starts the guest.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(emulator)
        .args(["-g", &port.to_string()])
        .args(&emulator_args)
        .arg(exe)
        .args(child_args)
        .env(CHILD_ENV, "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wait_until_listening(port);
    let mut gdb = gdb_command("gdb-multiarch");
    if let Some(root) = sysroot {
        gdb.args(["-ex", &format!("set sysroot {root}")]);
    }
    gdb.args(["-ex", &format!("target remote 127.0.0.1:{port}")]);
    for cmd in SESSION {
        gdb.args(["-ex", cmd]);
    }
    let out = gdb.args(["-ex", "kill"]).arg(exe).output().unwrap();
    let _ = child.kill();
    let _ = child.wait();
    out
}

/// Waits (up to 30 s) until something listens on `port`, without
/// connecting: qemu's gdbstub takes only one connection.
fn wait_until_listening(port: u16) {
    let needle = format!(":{port:04X} 00000000:0000 0A");
    for _ in 0..300 {
        let tables = ["/proc/net/tcp", "/proc/net/tcp6"]
            .map(|p| std::fs::read_to_string(p).unwrap_or_default());
        if tables.iter().any(|t| t.contains(&needle)) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("the emulator's gdbstub never listened on port {port}");
}

#[test]
fn gdb_breaks_in_a_jit_kernel_by_name() {
    let runner = std::env::var(support::RUNNER_ENV).unwrap_or_default();
    let gdb = if runner.is_empty() {
        "gdb"
    } else {
        "gdb-multiarch"
    };
    if !runs(gdb) {
        assert!(
            std::env::var_os("CI").is_none(),
            "{gdb} is missing in CI: install it (apt-get install {gdb}; `cargo xtask setup` installs gdb)"
        );
        eprintln!("SKIPPED: {gdb} is not installed (apt-get install {gdb})");
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let child_args = ["--exact", "gdb_child", "--nocapture", "--test-threads=1"];
    let out = if runner.is_empty() {
        native_session(&exe, &child_args)
    } else {
        emulated_session(&runner, &exe, &child_args)
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    if let Some(line) = err
        .lines()
        .find(|l| l.contains("specified unknown architecture"))
    {
        // Debian bookworm's gdb-multiarch (13.1) has no loongarch64.
        eprintln!("SKIPPED: this gdb-multiarch does not know the architecture ({line})");
        return;
    }
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
