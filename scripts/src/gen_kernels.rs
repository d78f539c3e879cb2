//! `cargo xtask gen-kernels [--check]`: the generated part of the
//! conformance corpus. The generator is `conformance`'s (`conformance
//! gen-kernels`); this builds and runs it.

use crate::Result;
use xshell::cmd;

const HELP: &str = "\
cargo xtask gen-kernels [--check]

Regenerate conformance/kernels/generated/*.c and
conformance/kernels/generated-ir/*.ll from conformance/src/gen_kernels/
(stale .c/.ll files in those two directories are deleted).
--check  write nothing; fail if the files on disk differ from the generator.

Touches: target/ (builds the harness).";

pub fn main(args: Vec<String>) -> Result {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{}", HELP.trim_end());
        return Ok(());
    }
    let sh = crate::shell()?;
    cmd!(sh, "cargo run -q -p conformance -- gen-kernels {args...}").run()?;
    Ok(())
}
