//! `cargo xtask qemu-smoke`: cross-build `qemu/smoke` per arch and run it
//! under that arch's runner, to prove the provisioning works end to end.

use crate::arches::{self, Arch};
use crate::flags::Flags;
use crate::{bail, Result};
use xshell::{cmd, Shell};

const HELP: &str = "\
cargo xtask qemu-smoke [--arch LIST|all]

Cross-build qemu/smoke (a tiny program outside the workspace) for each arch
with the toolchain, linker and rustflags from qemu/arches.toml, run it under
the arch's runner (qemu-<arch> -L <sysroot> -cpu <cpu>) and check what it
prints: uname machine, page size, strlen called through dlsym(RTLD_DEFAULT),
and that it can spawn the host's clang-19 from under qemu.
Default --arch: every foreign arch (`all` adds the native one).
Run `cargo xtask setup --arch <same>` first.

Touches: target/qemu-smoke/ (build output), qemu/smoke/Cargo.lock.";

pub fn main(args: Vec<String>) -> Result {
    let Some(mut f) = Flags::new(args, HELP) else {
        return Ok(());
    };
    let spec = f.value("--arch")?;
    f.finish()?;
    let all = arches::load()?;
    let selected = match spec {
        Some(s) => arches::select(&all, &s)?,
        None => all.into_iter().filter(|a| !a.is_native()).collect(),
    };
    run(&selected)
}

pub fn run(selected: &[Arch]) -> Result {
    let sh = crate::shell()?;
    let mut failed = Vec::new();
    for a in selected {
        crate::section(&format!("qemu-smoke {}", a.name));
        let res = crate::timed(&format!("qemu-smoke {}", a.name), || smoke(&sh, a));
        match res {
            Ok(line) => println!("qemu-smoke {}: ok: {line}", a.name),
            Err(e) => {
                println!("qemu-smoke {}: FAILED: {e}", a.name);
                failed.push(a.name.clone());
            }
        }
    }
    println!(
        "qemu-smoke: {} passed, {} failed",
        selected.len() - failed.len(),
        failed.len()
    );
    if !failed.is_empty() {
        bail!("failed on {}", failed.join(", "));
    }
    Ok(())
}

fn smoke(sh: &Shell, a: &Arch) -> Result<String> {
    let root = crate::root();
    let manifest = root.join("qemu/smoke/Cargo.toml");
    let target_dir = root.join("target/qemu-smoke");
    let tc = a.cargo_toolchain_arg();
    let t = &a.rust_target;
    let build_std = a.build_std_args();
    let mut build = cmd!(
        sh,
        "cargo {tc...} build --manifest-path {manifest} --target {t} --target-dir {target_dir} {build_std...}"
    );
    for (k, v) in a.cargo_env() {
        build = build.env(k, v);
    }
    build.run()?;
    let bin = target_dir.join(t).join("debug/xtask-qemu-smoke");
    // Dynamically linked, so the libc under test is the sysroot's (and
    // dlopen works: static musl cannot dlopen).
    let headers = cmd!(sh, "llvm-readelf-19 --program-headers {bin}")
        .quiet()
        .read()?;
    if !headers.contains("Requesting program interpreter") {
        bail!("{} is not dynamically linked", bin.display());
    }
    let (prog, pre) = match a.runner.split_first() {
        Some((p, rest)) => (p.clone(), rest.to_vec()),
        None => (bin.display().to_string(), Vec::new()),
    };
    let bin_arg: Vec<_> = if a.is_native() { vec![] } else { vec![bin] };
    let out = cmd!(sh, "{prog} {pre...} {bin_arg...} clang-19").read()?;
    check(a, &out)?;
    Ok(out)
}

/// Check the `key=value` line the smoke program prints.
fn check(a: &Arch, out: &str) -> Result {
    let get = |k: &str| {
        out.split_whitespace()
            .find_map(|kv| kv.strip_prefix(k)?.strip_prefix('='))
            .unwrap_or("<missing>")
    };
    let page = a.page_size.to_string();
    for (key, want) in [
        ("uname", a.uname.as_str()),
        ("page_size", page.as_str()),
        ("strlen", "5"),
        ("spawn", "ok"),
    ] {
        let got = get(key);
        if got != want {
            bail!("{key}={got}, expected {want} (output: {out})");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_the_smoke_line() {
        let arches = arches::load().unwrap();
        let ppc = arches.iter().find(|a| a.name == "ppc64le").unwrap();
        let good = format!(
            "rust_arch=powerpc64 uname=ppc64le page_size={} strlen=5 spawn=ok\n",
            ppc.page_size
        );
        check(ppc, &good).unwrap();
        assert!(check(
            ppc,
            &good.replace("spawn=ok", "spawn=clang-19-error-NotFound")
        )
        .is_err());
        assert!(check(ppc, "uname=ppc64le").is_err());
    }
}
