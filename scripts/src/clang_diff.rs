//! `cargo xtask clang-diff A B`: what changed between two clang versions
//! over the corpus's relocation snapshot sets; the comparison is
//! `conformance clang-diff` (conformance/src/clang_diff.rs).

use crate::Result;
use xshell::cmd;

const HELP: &str = "\
cargo xtask clang-diff A B [--arch LIST|all] [--top N] [--all]

What changed between clang-A and clang-B (majors, e.g. `14 19`), per arch,
over the committed relocation snapshot sets conformance/snapshots/clang-A/
and clang-B/: kernels whose status changed, relocation kinds that appeared
or disappeared, kernels whose relocation log or external symbols changed,
and code size. Compiles no kernel. Arguments go to `conformance clang-diff`
unchanged; `cargo run -p conformance -- clang-diff --help` details them.

Touches: target/ (builds the harness).";

pub fn main(args: Vec<String>) -> Result {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{}", HELP.trim_end());
        return Ok(());
    }
    let sh = crate::shell()?;
    cmd!(sh, "cargo run -q -p conformance -- clang-diff {args...}").run()?;
    Ok(())
}
