//! Shared helpers of the integration tests.

use std::process::Command;

mod script;
#[allow(unused_imports)] // not every test file fakes clang
pub use script::write_script;

/// The environment variable holding the emulator command (e.g.
/// `qemu-aarch64 -L /usr/aarch64-linux-gnu`) when this process runs under
/// qemu-user: re-running its own binary must go through it, since the host
/// kernel cannot execute a foreign binary by itself (no binfmt_misc here).
/// The conformance harness reads the same variable.
pub const RUNNER_ENV: &str = "LOADER_RUNNER";

/// A command that runs this test binary again (through the emulator when
/// there is one) with `args`.
pub fn self_command(args: &[&str]) -> Command {
    let exe = std::env::current_exe().expect("the test binary has a path");
    let runner = std::env::var(RUNNER_ENV).unwrap_or_default();
    let mut words = runner.split_whitespace();
    let mut cmd = match words.next() {
        Some(emulator) => {
            // Resolved now, so a test may give the child another PATH.
            let mut c = Command::new(which(emulator));
            c.args(words).arg(exe);
            c
        }
        None => Command::new(exe),
    };
    cmd.args(args);
    cmd
}

fn which(program: &str) -> std::path::PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|p| p.is_file())
        .unwrap_or_else(|| program.into())
}

/// (start, end, perms) of every mapping of this process.
#[allow(dead_code)] // used by the tests that look at protections
pub fn maps() -> Vec<(u64, u64, String)> {
    std::fs::read_to_string("/proc/self/maps")
        .unwrap()
        .lines()
        .map(|l| {
            let mut it = l.split_whitespace();
            let (a, b) = it.next().unwrap().split_once('-').unwrap();
            (
                u64::from_str_radix(a, 16).unwrap(),
                u64::from_str_radix(b, 16).unwrap(),
                it.next().unwrap().to_string(),
            )
        })
        .collect()
}

/// The mappings of `[base, base + len)`, as (start, end, perms).
#[allow(dead_code)]
pub fn maps_of(base: u64, len: usize) -> Vec<(u64, u64, String)> {
    let end = base + len as u64;
    maps()
        .into_iter()
        .filter(|(s, e, _)| *s < end && *e > base)
        .collect()
}

/// Asserts that `msg` contains every one of `parts`.
#[allow(dead_code)] // not every test file checks messages
pub fn assert_contains(msg: &str, parts: &[&str]) {
    for part in parts {
        assert!(msg.contains(part), "`{part}` missing from: {msg}");
    }
}
