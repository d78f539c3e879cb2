//! Shared helpers of the integration tests.

use std::process::Command;

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
