//! The parent side of a child run: spawn, wait with a timeout, classify.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::child::ChildRequest;
use super::wire::{ChildResult, RESULT_PREFIX};

/// How to start a child.
#[derive(Debug, Clone)]
pub struct ChildCommand {
    /// The harness binary the child runs (this one by default; a harness
    /// built for the target when the run is emulated).
    pub exe: PathBuf,
    /// A command put in front of it (`qemu-aarch64 -L /usr/aarch64-linux-gnu`).
    pub wrapper: Vec<String>,
    pub timeout: Duration,
}

/// The environment variable naming the emulator prefix when this process
/// runs under qemu-user (shared with the loader's tests): children must be
/// started through it, the host kernel cannot run a foreign binary itself.
pub const RUNNER_ENV: &str = "LOADER_RUNNER";

/// The words of `$LOADER_RUNNER` (empty when unset).
pub fn runner_from_env() -> Vec<String> {
    std::env::var(RUNNER_ENV)
        .unwrap_or_default()
        .split_whitespace()
        .map(String::from)
        .collect()
}

/// How a child run ended.
#[derive(Debug, Clone)]
pub enum ChildEnd {
    /// It printed a result (which may itself report an error).
    Result(Box<ChildResult>),
    /// Killed by a signal (a crash).
    Signal { signal: i32, stderr: String },
    /// Exited without a result.
    Exit { code: i32, stderr: String },
    /// Still running at the timeout; killed.
    Timeout { secs: f64, stderr: String },
    /// Could not be started, or printed something unreadable.
    Harness { message: String, stderr: String },
}

/// The last `max` bytes of `s`, starting at a line boundary when possible.
pub fn tail(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.trim_end().to_string();
    }
    let mut start = s.len() - max;
    while !s.is_char_boundary(start) {
        start += 1;
    }
    let cut = &s[start..];
    let cut = cut.find('\n').map_or(cut, |i| &cut[i + 1..]);
    format!("...\n{}", cut.trim_end())
}

const STDERR_TAIL: usize = 2000;

fn read_all(mut r: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = r.read_to_end(&mut v);
        v
    })
}

/// Runs one child to its end.
pub fn run_child(cmd: &ChildCommand, req: &ChildRequest) -> ChildEnd {
    let mut command = match cmd.wrapper.split_first() {
        Some((prog, rest)) => {
            let mut c = Command::new(prog);
            c.args(rest).arg(&cmd.exe);
            c
        }
        None => Command::new(&cmd.exe),
    };
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // Its own process group, so that a timeout also ends the clang (or
        // linker) the child is waiting for.
        command.process_group(0);
    }
    command
        .args(req.to_args())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = match command.spawn() {
        Ok(c) => c,
        Err(e) => {
            return ChildEnd::Harness {
                message: format!("cannot start {}: {e}", cmd.exe.display()),
                stderr: String::new(),
            }
        }
    };
    let out = child.stdout.take().map(read_all);
    let err = child.stderr.take().map(read_all);
    let start = Instant::now();
    let mut timed_out = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break Ok(s),
            Ok(None) if start.elapsed() >= cmd.timeout => {
                timed_out = true;
                kill_group(child.id());
                // Our own child, by its handle.
                let _ = child.kill();
                break child.wait();
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => break Err(e),
        }
    };
    let stdout = out.and_then(|h| h.join().ok()).unwrap_or_default();
    let stderr = err.and_then(|h| h.join().ok()).unwrap_or_default();
    let stderr = tail(&String::from_utf8_lossy(&stderr), STDERR_TAIL);
    if timed_out {
        return ChildEnd::Timeout {
            secs: cmd.timeout.as_secs_f64(),
            stderr,
        };
    }
    let status = match status {
        Ok(s) => s,
        Err(e) => {
            return ChildEnd::Harness {
                message: format!("waiting for the child: {e}"),
                stderr,
            }
        }
    };
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return ChildEnd::Signal { signal, stderr };
        }
    }
    let stdout = String::from_utf8_lossy(&stdout);
    let line = stdout
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix(RESULT_PREFIX));
    match (line, status.code()) {
        (Some(l), _) => match serde_json::from_str::<ChildResult>(l) {
            Ok(r) => ChildEnd::Result(Box::new(r)),
            Err(e) => ChildEnd::Harness {
                message: format!("unreadable child result: {e}"),
                stderr,
            },
        },
        (None, code) => ChildEnd::Exit {
            code: code.unwrap_or(-1),
            stderr,
        },
    }
}

/// Kills the process group our child leads (its clang included).
fn kill_group(pid: u32) {
    #[cfg(unix)]
    if let Ok(pid) = i32::try_from(pid) {
        if pid > 0 {
            // SAFETY: `-pid` names the process group created for this child
            // by `process_group(0)`; only processes it started are in it.
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
            }
        }
    }
}

/// The name of a signal number (`SIGSEGV`), for reports.
pub fn signal_name(sig: i32) -> String {
    let name = match sig {
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGBUS => "SIGBUS",
        libc::SIGILL => "SIGILL",
        libc::SIGFPE => "SIGFPE",
        libc::SIGABRT => "SIGABRT",
        libc::SIGKILL => "SIGKILL",
        libc::SIGTRAP => "SIGTRAP",
        libc::SIGTERM => "SIGTERM",
        _ => return format!("signal {sig}"),
    };
    format!("{name} ({sig})")
}
