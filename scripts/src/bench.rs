//! `cargo xtask bench`: the loader's performance figures (issue #6) in one
//! table, from the `load` bench of the loader crate.

use crate::Result;
use xshell::cmd;

const HELP: &str = "\
cargo xtask bench [--quick] [--only SECTION]... [--kernels N]

Build the loader's `load` bench in release mode and run it once: load
latency of a small/medium/large kernel against the memory floor (mmap +
memcpy + mprotect + munmap of the same bytes, measured in the same run),
the dlopen backend against single and batch loads, compile + load and a
compile-cache hit, call overhead (typed, libffi, direct Rust), 10,000
resident kernels with and without one batch image, relocations per second
of the pure link step for every arch, and the conformance matrix wall time
read from target/conformance/matrix/*.json (never run here). Prints a
Markdown table with ratios, targets and verdicts; times are thread CPU time.

  --quick        fewer rounds (a smoke run; noisier)
  --only S       one section: load, dlopen, compile, call, scale, relocs, matrix
  --kernels N    resident kernels of the scale figure (default 10000)

Needs clang (and ld.lld for the dlopen figure). Takes about a minute.
Touches: target/ (release build), a temp dir under $TMPDIR (removed).";

pub fn main(args: Vec<String>) -> Result {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{}", HELP.trim_end());
        return Ok(());
    }
    let sh = crate::shell()?;
    cmd!(sh, "cargo bench -q -p loader --bench load -- {args...}").run()?;
    Ok(())
}
