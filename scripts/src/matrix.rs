//! `cargo xtask matrix`: the arch x clang conformance run.
//!
//! Placeholder: the conformance harness owners fill this in. The CI workflow
//! (.github/workflows/matrix.yml) already calls
//! `cargo xtask matrix --arch <arch> --clang clang-<NN>` after
//! `cargo xtask setup --arch <arch> --clang <NN>`; `ci::matrix_stage` is
//! where `cargo xtask ci` will run it.

use crate::flags::Flags;
use crate::{arches, bail, Result};

const HELP: &str = "\
cargo xtask matrix --arch ARCH --clang clang-NN

Run the conformance corpus for ARCH (from qemu/arches.toml) with clang-NN.
NOT WRITTEN YET: this placeholder validates its arguments and fails.";

pub fn main(args: Vec<String>) -> Result {
    let Some(mut f) = Flags::new(args, HELP) else {
        return Ok(());
    };
    let arch = f.value("--arch")?.ok_or("--arch is required")?;
    let clang = f.value("--clang")?.ok_or("--clang is required")?;
    f.finish()?;
    let selected = arches::select(&arches::load()?, &arch)?;
    crate::setup::parse_clangs(&clang)?;
    let names: Vec<_> = selected.iter().map(|a| a.name.as_str()).collect();
    bail!(
        "`cargo xtask matrix` is not written yet (asked: --arch {} --clang {clang})",
        names.join(",")
    )
}
