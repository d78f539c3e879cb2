//! Project automation, run as `cargo xtask <command>` (alias in
//! `.cargo/config.toml`). Each command lives in its own module and says in
//! its `--help` what it touches.

mod apt;
mod arches;
mod bench;
mod census;
mod ci;
mod clang_diff;
mod flags;
mod fuzz;
mod gen_kernels;
mod loongarch;
mod matrix;
mod minitoml;
mod qemu_test;
mod setup;
mod smoke;

use std::path::PathBuf;
use std::time::Instant;

pub type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

/// Return early with a formatted error.
#[macro_export]
macro_rules! bail {
    ($($arg:tt)*) => { return Err(format!($($arg)*).into()) };
}

const HELP: &str = "\
cargo xtask <command> [options]

Commands:
  setup       provision the machine (apt, rustup, qemu, sysroots); idempotent
  qemu-smoke  cross-build qemu/smoke and run it under qemu-user per arch
  qemu-test   the loader's execution tests, cross-built, under qemu-user per arch
  arches      print qemu/arches.toml as read, or shell exports for one arch
  test        setup (native) then `cargo test --workspace [ARGS...]`
  census      relocation types clang emits over the corpus per arch, and whether each links
  ci          what CI runs: setup, fmt, clippy, actionlint, test, foreign arches, matrix
  matrix      the main job: the conformance corpus on every arch, JIT vs dlopen vs Rust
  fuzz        fuzz the link step per arch, seeded with corpus objects (--secs N)
  clang-diff  what changed between two clang versions (A B) over the corpus, per arch
  gen-kernels regenerate conformance/kernels/generated*/ (--check: fail if stale)
  bench       the loader's performance figures in one table (load, dlopen, cache, scale, ...)

`cargo xtask <command> --help` says what each command touches.";

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() {
        eprintln!("{HELP}");
        std::process::exit(2);
    }
    let cmd = args.remove(0);
    let res = match cmd.as_str() {
        "setup" => setup::main(args),
        "qemu-smoke" => smoke::main(args),
        "qemu-test" => qemu_test::main(args),
        "arches" => arches::main(args),
        "test" => ci::test_main(args),
        "census" => census::main(args),
        "ci" => ci::ci_main(args),
        "matrix" => matrix::main(args),
        "clang-diff" => clang_diff::main(args),
        "gen-kernels" => gen_kernels::main(args),
        "fuzz" => fuzz::main(args),
        "bench" => bench::main(args),
        "help" | "--help" | "-h" => {
            println!("{HELP}");
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n\n{HELP}").into()),
    };
    if let Err(e) = res {
        eprintln!("xtask {cmd}: error: {e}");
        std::process::exit(1);
    }
}

/// The workspace root (parent of this crate's directory).
/// What becomes of a build once its step is done.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Build {
    /// Kept for the next run (incremental work at a desk).
    Keep,
    /// Deleted (`cargo xtask ci --lean`: disk is scarcer than the time to
    /// rebuild).
    Delete,
}

impl Build {
    /// Deletes `dirs` (relative to the checkout) if builds are deleted.
    pub fn done_with(self, dirs: &[&str]) -> Result {
        if self == Build::Delete {
            for dir in dirs {
                let path = root().join(dir);
                match std::fs::remove_dir_all(&path) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                        return Err(format!("deleting {}: {e}", path.display()).into())
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }
}

pub fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .expect("scripts/ has a parent directory")
        .to_path_buf()
}

/// A shell rooted at the workspace root.
pub fn shell() -> Result<xshell::Shell> {
    let sh = xshell::Shell::new()?;
    sh.change_dir(root());
    Ok(sh)
}

/// Print a section header (used by `ci`, `test`, `qemu-smoke`).
pub fn section(title: &str) {
    println!("\n==== {title} ====");
}

/// Run `f`, printing how long it took under `label`.
pub fn timed<T>(label: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    let start = Instant::now();
    let out = f();
    let secs = start.elapsed().as_secs_f64();
    match &out {
        Ok(_) => println!("{label}: done in {secs:.1}s"),
        Err(_) => println!("{label}: FAILED after {secs:.1}s"),
    }
    out
}
