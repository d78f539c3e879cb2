//! `cargo xtask bench`: the loader's performance figures (issue #6) in one
//! table, from the `load` bench of the loader crate.

use crate::arches::{self, Arch};
use crate::Result;
use xshell::cmd;

const HELP: &str = "\
cargo xtask bench [--arch LIST|all] [--quick] [--only SECTION]... [--kernels N]

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
  --arch LIST    arches from qemu/arches.toml (default: x86_64, natively);
                 a foreign arch's bench is cross-built and run under its
                 qemu-user runner (run `cargo xtask setup --arch <same>`
                 first), with `--only load` unless --only is given: qemu
                 emulates user code but runs syscalls natively, so only
                 its ratios mean anything, and they overstate the gap

Needs clang (and ld.lld for the dlopen figure). Takes about a minute.
Touches: target/ (release build), a temp dir under $TMPDIR (removed).";

pub fn main(args: Vec<String>) -> Result {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{}", HELP.trim_end());
        return Ok(());
    }
    let (spec, rest) = split_arch(args)?;
    let all = arches::load()?;
    let selected = match spec {
        Some(s) => arches::select(&all, &s)?,
        None => all.into_iter().filter(Arch::is_native).collect(),
    };
    for a in &selected {
        crate::section(&format!("bench {}", a.name));
        bench(a, &rest)?;
    }
    Ok(())
}

/// `--arch VALUE` out of the bench's own arguments (passed through).
fn split_arch(args: Vec<String>) -> Result<(Option<String>, Vec<String>)> {
    let mut spec = None;
    let mut rest = Vec::new();
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        match a.strip_prefix("--arch") {
            Some("") => spec = Some(it.next().ok_or("--arch needs a value")?),
            Some(v) if v.starts_with('=') => spec = Some(v[1..].to_string()),
            _ => rest.push(a),
        }
    }
    Ok((spec, rest))
}

fn bench(a: &Arch, args: &[String]) -> Result {
    let sh = crate::shell()?;
    if a.is_native() {
        cmd!(sh, "cargo bench -q -p loader --bench load -- {args...}").run()?;
        return Ok(());
    }
    let mut args = args.to_vec();
    if !args.iter().any(|x| x == "--only") {
        args.extend(["--only".to_string(), "load".to_string()]);
    }
    let tc = a.cargo_toolchain_arg();
    let t = &a.rust_target;
    let build_std = a.build_std_args();
    let mut c = cmd!(
        sh,
        "cargo {tc...} bench -q -p loader --bench load --target {t} {build_std...} -- {args...}"
    );
    for (k, v) in a.cargo_env() {
        c = c.env(k, v);
    }
    c.run()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::split_arch;

    #[test]
    fn arch_is_taken_out_of_the_bench_arguments() {
        let args = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let (spec, rest) =
            split_arch(args(&["--quick", "--arch", "aarch64", "--only", "load"])).unwrap();
        assert_eq!(spec.as_deref(), Some("aarch64"));
        assert_eq!(rest, args(&["--quick", "--only", "load"]));
        let (spec, rest) = split_arch(args(&["--arch=all"])).unwrap();
        assert_eq!(spec.as_deref(), Some("all"));
        assert!(rest.is_empty());
        assert!(split_arch(args(&["--arch"])).is_err());
        assert_eq!(split_arch(args(&["--kernels", "10"])).unwrap().0, None);
    }
}
