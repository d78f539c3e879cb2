//! `cargo xtask census`: which relocation types clang emits over the corpus,
//! per arch, and whether the loader links every one of them.

use crate::Result;
use xshell::cmd;

const HELP: &str = "\
cargo xtask census [--arch A|all] [--opt LEVEL] [--kernel GLOB] [--clang PATH]

Compile every corpus kernel for each arch (host clang, baseline CPU), link
it with the loader's pure link step at a fixed base (no execution, no
emulation), and print per arch every relocation type seen, how often, and
any link error. Arguments go to `conformance census` unchanged.

Touches: target/ (builds the harness).";

pub fn main(args: Vec<String>) -> Result {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{}", HELP.trim_end());
        return Ok(());
    }
    let sh = crate::shell()?;
    let args = if args
        .iter()
        .any(|a| a == "--arch" || a.starts_with("--arch="))
    {
        args
    } else {
        [vec!["--arch".to_string(), "all".to_string()], args].concat()
    };
    cmd!(
        sh,
        "cargo run --release -q -p conformance -- census {args...}"
    )
    .run()?;
    Ok(())
}
