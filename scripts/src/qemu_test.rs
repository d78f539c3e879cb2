//! `cargo xtask qemu-test`: the loader's own execution tests, cross-built
//! and run on each foreign arch under qemu-user (cargo's target runner), so
//! JIT code, W^X and icache maintenance are exercised on the real target.

use crate::arches::{self, Arch};
use crate::flags::Flags;
use crate::{bail, Build, Result};
use xshell::cmd;

const HELP: &str = "\
cargo xtask qemu-test [--arch LIST|all] [-- CARGO_TEST_ARGS...]

For each arch (default: every foreign one), cross-build the loader's
execution tests (loader/tests/{exec_host,memory_host,errors,debug_gdb}.rs)
(debug_gdb: gdb-multiarch attached to qemu's gdbstub) with the
toolchain, linker and rustflags of qemu/arches.toml and run them under the
arch's runner, with LOADER_CPU (the kernels' CPU) and LOADER_RUNNER
set from the same table. The host-independent link tests (link_*.rs) run in
`cargo xtask test`; they need no emulation.
Run `cargo xtask setup --arch <same>` first.

Touches: target/<rust target>/ (build output).";

/// The test files that execute code; the rest of the suite is host-independent.
const EXEC_TESTS: [&str; 4] = ["exec_host", "memory_host", "errors", "debug_gdb"];

pub fn main(args: Vec<String>) -> Result {
    let (ours, passthrough) = match args.iter().position(|a| a == "--") {
        Some(i) => (args[..i].to_vec(), args[i + 1..].to_vec()),
        None => (args, Vec::new()),
    };
    let Some(mut f) = Flags::new(ours, HELP) else {
        return Ok(());
    };
    let spec = f.value("--arch")?;
    f.finish()?;
    let all = arches::load()?;
    let selected = match spec {
        Some(s) => arches::select(&all, &s)?,
        None => all.into_iter().filter(|a| !a.is_native()).collect(),
    };
    run(&selected, &passthrough, Build::Keep)
}

pub fn run(selected: &[Arch], passthrough: &[String], build: Build) -> Result {
    let mut failed = Vec::new();
    for a in selected {
        crate::section(&format!("qemu-test {}", a.name));
        let tested = crate::timed(&format!("qemu-test {}", a.name), || test(a, passthrough));
        // Deleted whether or not the tests passed: the next arch needs the room.
        let debug = format!("target/{}/debug", a.rust_target);
        if let Err(e) = tested.and(build.done_with(&[&debug])) {
            println!("qemu-test {}: FAILED: {e}", a.name);
            failed.push(a.name.clone());
        }
    }
    println!(
        "qemu-test: {} passed, {} failed",
        selected.len() - failed.len(),
        failed.len()
    );
    if !failed.is_empty() {
        bail!("failed on {}", failed.join(", "));
    }
    Ok(())
}

fn test(a: &Arch, passthrough: &[String]) -> Result {
    let sh = crate::shell()?;
    let tc = a.cargo_toolchain_arg();
    let t = &a.rust_target;
    let build_std = a.build_std_args();
    let tests: Vec<String> = EXEC_TESTS
        .iter()
        .flat_map(|name| ["--test".to_string(), (*name).to_string()])
        .collect();
    let mut c = cmd!(
        sh,
        "cargo {tc...} test -p loader --target {t} {build_std...} {tests...} -- {passthrough...}"
    );
    for (k, v) in a.cargo_env() {
        c = c.env(k, v);
    }
    c.run()?;
    Ok(())
}
