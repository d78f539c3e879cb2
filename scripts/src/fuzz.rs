//! `cargo xtask fuzz`: the link-step fuzz targets of fuzz/, seeded with
//! real objects of the conformance corpus.

use crate::flags::Flags;
use crate::{bail, setup, Result};
use std::path::{Path, PathBuf};
use xshell::{cmd, Shell};

const HELP: &str = "\
cargo xtask fuzz [--secs N] [--arch A|all] [--clang PATH]

Fuzz the pure link step (fuzz/fuzz_targets/link_<arch>.rs: an image or an
error, never a panic, out-of-bounds access, huge allocation or hang) for N
seconds per arch (default 60; arch default all: x86_64 aarch64 riscv64
loongarch64 ppc64le), one arch after the other. Each target mixes libFuzzer's
byte mutations with a structure-aware mutator (section headers, symbol
indices, relocation offsets/types/addends, alignments, sizes).

Steps:
  seeds  compile a handful of conformance kernels per arch at -O0 and -O2
         (clang-19 or --clang) into target/fuzz/corpus/<arch>/ (once; the
         fuzzer adds what it finds there)
  build  cargo +nightly build of fuzz/ (its own workspace) with the flags
         `cargo fuzz build` uses (sancov, AddressSanitizer, debug assertions)
  run    each target with -max_total_time=N -timeout=10 -rss_limit_mb=2048;
         crashers go to target/fuzz/artifacts/<arch>/; prints executions,
         seconds and crashes per arch and fails if there was a crash

With cargo-fuzz installed, `cd fuzz && cargo +nightly fuzz run link_x86_64`
runs the same target. A crasher is re-run with
`target/fuzz/<host triple>/release/link_<arch> <file>`.

Touches: rustup nightly and apt g++ (installed if missing), target/fuzz/.";

const ARCHES: [&str; 5] = ["x86_64", "aarch64", "riscv64", "loongarch64", "ppc64le"];

/// Seed kernels: one or two per corpus family, small enough that the
/// fuzzer's inputs stay a few kilobytes.
const SEED_KERNELS: &[&str] = &[
    "elementwise/abs_neg_f64.c",
    "bits/crc32_bitwise.c",
    "bits/popcount_u64.c",
    "bss/accumulator.c",
    "constpool/sbox_table.c",
    "constpool/many_f64_constants.c",
    "data/data_ptr_table.c",
    "data/rc4_state.c",
    "compiler-rt/i128_mul.c",
    "extern/",
    "fnptr/",
];

/// The flags of `cargo fuzz build` (cargo-fuzz 0.12, its defaults:
/// release, debug assertions, AddressSanitizer, inline 8-bit counters).
const RUSTFLAGS: &str = "-Cpasses=sancov-module \
    -Cllvm-args=-sanitizer-coverage-level=4 \
    -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
    -Cllvm-args=-sanitizer-coverage-pc-table \
    -Cllvm-args=-sanitizer-coverage-trace-compares \
    --cfg fuzzing -Cdebug-assertions -Coverflow-checks \
    -Zsanitizer=address -Cforce-frame-pointers";

pub fn main(args: Vec<String>) -> Result {
    let Some(mut f) = Flags::new(args, HELP) else {
        return Ok(());
    };
    let secs: u64 = match f.value("--secs")? {
        Some(s) => s
            .parse()
            .map_err(|_| format!("--secs: not a number: {s}"))?,
        None => 60,
    };
    let arch = f.value("--arch")?.unwrap_or_else(|| "all".into());
    let clang = f.value("--clang")?.unwrap_or_else(|| "clang-19".into());
    f.finish()?;
    let arches: Vec<&str> = match arch.as_str() {
        "all" => ARCHES.to_vec(),
        a => match ARCHES.iter().find(|x| **x == a) {
            Some(x) => vec![*x],
            None => bail!(
                "--arch: unknown arch `{a}` (one of {}, or all)",
                ARCHES.join(" ")
            ),
        },
    };
    let results = run(&arches, secs, &clang)?;
    let crashed: Vec<_> = results
        .iter()
        .filter(|r| r.crashed)
        .map(|r| r.arch)
        .collect();
    if !crashed.is_empty() {
        bail!(
            "crashes on {} (inputs under target/fuzz/artifacts/)",
            crashed.join(", ")
        );
    }
    Ok(())
}

pub struct FuzzResult {
    pub arch: &'static str,
    pub status: String,
    pub executions: u64,
    pub secs: f64,
    pub crashed: bool,
}

/// Seeds, builds and runs the targets of `arches` for `secs` each.
pub fn run(arches: &[&'static str], secs: u64, clang: &str) -> Result<Vec<FuzzResult>> {
    let sh = crate::shell()?;
    let dir = crate::root().join("target/fuzz");
    nightly(&sh)?;
    cxx(&sh)?;
    crate::timed("fuzz: seeds", || {
        for a in arches {
            seeds(&sh, a, &dir.join("corpus").join(a), clang)?;
        }
        Ok(())
    })?;
    let triple = host_triple(&sh)?;
    crate::timed("fuzz: build (nightly, sanitizers)", || {
        let _flags = sh.push_env("RUSTFLAGS", RUSTFLAGS);
        let _target = sh.push_env("CARGO_TARGET_DIR", &dir);
        let bins: Vec<String> = arches.iter().map(|a| format!("--bin=link_{a}")).collect();
        cmd!(
            sh,
            "cargo +nightly build --manifest-path fuzz/Cargo.toml --release --target {triple} {bins...}"
        )
        .run()?;
        Ok(())
    })?;
    let mut results = Vec::new();
    for a in arches {
        let bin = dir.join(&triple).join("release").join(format!("link_{a}"));
        let corpus = dir.join("corpus").join(a);
        let artifacts = dir.join("artifacts").join(a);
        sh.create_dir(&artifacts)?;
        let start = std::time::Instant::now();
        let options = [
            format!("-max_total_time={secs}"),
            "-timeout=10".into(),
            "-rss_limit_mb=2048".into(),
            format!("-artifact_prefix={}/", artifacts.display()),
            "-print_final_stats=1".into(),
            "-close_fd_mask=1".into(),
        ];
        let out = cmd!(sh, "{bin} {corpus} {options...}")
            .ignore_status()
            .output()?;
        let log = String::from_utf8_lossy(&out.stderr);
        let stat = |name: &str| {
            log.lines()
                .find_map(|l| l.strip_prefix(&format!("stat::{name}:")))
                .and_then(|v| v.trim().parse::<u64>().ok())
        };
        let crashed = !out.status.success();
        if crashed {
            // The tail holds the panic message or sanitizer report.
            let tail: Vec<&str> = log.lines().rev().take(60).collect();
            for l in tail.into_iter().rev() {
                eprintln!("{l}");
            }
        }
        // libFuzzer's last status line: "#N DONE cov: C ft: F corp: K/S ...".
        let last = log
            .lines()
            .rev()
            .find(|l| l.starts_with('#') && l.contains("cov:"));
        results.push(FuzzResult {
            arch: a,
            status: last.unwrap_or("").to_string(),
            executions: stat("number_of_executed_units").unwrap_or(0),
            secs: start.elapsed().as_secs_f64(),
            crashed,
        });
    }
    println!("\nfuzz summary (link step, {secs}s per arch):");
    for r in &results {
        println!(
            "  {:<12} {:>10} executions in {:>6.1}s ({:>7.0}/s)  {}",
            r.arch,
            r.executions,
            r.secs,
            r.executions as f64 / r.secs.max(0.001),
            if r.crashed { "CRASH" } else { "no crash" }
        );
        println!("               {}", r.status);
    }
    Ok(results)
}

/// Compiles the seed kernels for `arch` into `dir`, unless already there.
/// The flags are those of `loader::Compiler` at the baseline CPU.
fn seeds(sh: &Shell, arch: &str, dir: &Path, clang: &str) -> Result {
    sh.create_dir(dir)?;
    let clang_arch = match arch {
        "ppc64le" => "powerpc64le",
        a => a,
    };
    let target = format!("--target={clang_arch}-none-unknown-elf");
    let march: &[&str] = if arch == "riscv64" {
        &["-march=rv64gc"]
    } else {
        &[]
    };
    for source in seed_sources()? {
        let stem = source.file_stem().unwrap_or_default().to_string_lossy();
        for opt in ["-O0", "-O2"] {
            let out = dir.join(format!("seed-{stem}{opt}.o"));
            if out.is_file() {
                continue;
            }
            cmd!(
                sh,
                "{clang} {target} {march...} {opt} -c -fPIC -fno-math-errno
                 -fno-stack-protector -ffreestanding -nostdlib -fno-ident
                 -o {out} {source}"
            )
            .quiet()
            .run()?;
        }
    }
    Ok(())
}

/// The seed kernels' paths: each listed file, and the first C file of each
/// listed directory.
fn seed_sources() -> Result<Vec<PathBuf>> {
    let kernels = crate::root().join("conformance/kernels");
    let mut out = Vec::new();
    for k in SEED_KERNELS {
        let p = kernels.join(k);
        if k.ends_with('/') {
            let mut files: Vec<PathBuf> = std::fs::read_dir(&p)?
                .filter_map(|e| Some(e.ok()?.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "c"))
                .collect();
            files.sort();
            out.extend(files.into_iter().next());
        } else if p.is_file() {
            out.push(p);
        } else {
            bail!("seed kernel {} is missing", p.display());
        }
    }
    Ok(out)
}

pub fn host_triple(sh: &Shell) -> Result<String> {
    let v = cmd!(sh, "rustc +nightly -vV").quiet().read()?;
    match v.lines().find_map(|l| l.strip_prefix("host: ")) {
        Some(t) => Ok(t.trim().to_string()),
        None => bail!("rustc +nightly -vV printed no host line"),
    }
}

/// libfuzzer-sys compiles libFuzzer, which is C++, with `c++`.
fn cxx(sh: &Shell) -> Result {
    let todo = (!crate::apt::installed(sh, "g++")).then(|| "g++ (apt)".to_string());
    setup::piece("g++ (libFuzzer)", todo, || {
        crate::apt::Apt::default().install(sh, &["g++".to_string()], None)
    })
}

fn nightly(sh: &Shell) -> Result {
    let list = cmd!(sh, "rustup toolchain list").quiet().read()?;
    let todo = (!list.lines().any(|l| l.starts_with("nightly")))
        .then(|| "rustup toolchain nightly (minimal)".to_string());
    setup::piece("rust nightly (fuzzing)", todo, || {
        cmd!(sh, "rustup toolchain install nightly --profile minimal").run()?;
        Ok(())
    })
}
