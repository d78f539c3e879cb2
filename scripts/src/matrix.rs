//! `cargo xtask matrix`: the main job. Provisions what is missing, then runs
//! the conformance corpus through the in-memory JIT and the dlopen oracle on
//! every selected architecture (x86_64 natively, the rest under qemu-user)
//! and writes one matrix report.

use crate::arches::{self, Arch};
use crate::flags::Flags;
use crate::{bail, Result};
use std::path::{Path, PathBuf};
use std::time::Instant;
use xshell::{cmd, Shell};

const HELP: &str = "\
cargo xtask matrix [--arch LIST|all] [--opt LIST] [--clang clang-NN]
                   [--kernel GLOB]... [--exclude GLOB]... [--jobs N] [--no-setup]

The conformance matrix: for each arch (default: all five), provision it
(`cargo xtask setup`, unless --no-setup), cross-build the harness, and run
`conformance run` over the whole corpus through both backends, comparing
JIT against dlopen (bit-exact) and against the Rust references. x86_64 runs
natively; the others run their children under qemu-user (qemu/arches.toml:
runner, CPU, dlopen link inputs), orchestrated by the native harness.
--opt takes a comma list (default 2; `all` = 0,1,2,3,s). --clang picks the
clang binary (default clang-19).

When x86_64 and another arch ran, oracle 3 compares every arch's saved
outputs (<arch>.outputs.jsonl) with x86_64's (`conformance cross-arch`):
integers bit for bit, floats within the kernel's declared tolerance.

Writes target/conformance/matrix/<arch>.{json,md} per arch,
target/conformance/matrix/cross-arch.{json,md}, and
target/conformance/matrix.md (the summary and every arch's report) and
target/conformance/matrix.json. Another clang than clang-19 writes all
of these under target/conformance/matrix/clang-NN/ instead, so runs with
several versions keep every report. Exit status non-zero if any arch has a
mismatch, an unexpected failure or an unexpected pass, or if an arch
disagrees with x86_64.

Touches: what `setup` touches, target/ (builds, reports).";

struct Options {
    arches: Vec<Arch>,
    opts: String,
    clang: String,
    filters: Vec<String>,
    jobs: Option<String>,
}

pub fn main(args: Vec<String>) -> Result {
    let Some(mut f) = Flags::new(args, HELP) else {
        return Ok(());
    };
    let arch_spec = f.value("--arch")?.unwrap_or_else(|| "all".into());
    let opts = match f.value("--opt")?.as_deref() {
        None => "2".to_string(),
        Some("all") => "0,1,2,3,s".to_string(),
        Some(o) => o.to_string(),
    };
    let clang = f.value("--clang")?.unwrap_or_else(|| "clang-19".into());
    let mut filters = Vec::new();
    for flag in ["--kernel", "--exclude"] {
        for glob in f.values(flag)? {
            filters.extend([flag.to_string(), glob]);
        }
    }
    let jobs = f.value("--jobs")?;
    let no_setup = f.switch("--no-setup");
    f.finish()?;
    let clangs = crate::setup::parse_clangs(&clang)?;
    let oldest = clangs.iter().copied().min().unwrap_or(19);
    // A cell this clang cannot target at all (clang-14/15 have no
    // loongarch64) is unsupported, not failed.
    let (arches, unsupported): (Vec<Arch>, Vec<Arch>) =
        arches::select(&arches::load()?, &arch_spec)?
            .into_iter()
            .partition(|a| oldest >= a.min_clang);
    for a in &unsupported {
        println!(
            "matrix {}: unsupported by {clang} (needs clang >= {}): skipped",
            a.name, a.min_clang
        );
    }
    if arches.is_empty() {
        return Ok(());
    }
    if !no_setup {
        let extra: Vec<u32> = clangs.iter().copied().filter(|&v| v != 19).collect();
        crate::setup::run(&arches, &extra)?;
    }
    run(&Options {
        arches,
        opts,
        clang,
        filters,
        jobs,
    })
}

/// One arch's outcome.
struct ArchRun {
    name: String,
    ok: bool,
    secs: f64,
    report: PathBuf,
    summary: String,
}

fn run(o: &Options) -> Result {
    let sh = crate::shell()?;
    let root = crate::root();
    let (out_dir, summary_dir) = report_dirs(&root, &o.clang);
    sh.create_dir(&out_dir)?;
    crate::section("matrix: build the native harness");
    cmd!(sh, "cargo build --release -p conformance").run()?;
    let parent = root.join("target/release/conformance");

    let mut runs = Vec::new();
    for a in &o.arches {
        crate::section(&format!("matrix {}", a.name));
        let start = Instant::now();
        let report = out_dir.join(&a.name);
        let res = run_arch(&sh, a, o, &parent, &report);
        let (ok, summary) = match res {
            Ok(summary) => (true, summary),
            Err(e) => (false, e.to_string()),
        };
        println!(
            "matrix {}: {} in {:.0} s",
            a.name,
            if ok { "ok" } else { "FAILED" },
            start.elapsed().as_secs_f64()
        );
        runs.push(ArchRun {
            name: a.name.clone(),
            ok,
            secs: start.elapsed().as_secs_f64(),
            report,
            summary,
        });
    }
    let cross = cross_arch(&sh, &parent, &out_dir, &runs, &o.clang)?;
    write_matrix(&summary_dir, o, &runs, cross.as_ref())?;
    let mut failed: Vec<_> = runs
        .iter()
        .filter(|r| !r.ok)
        .map(|r| r.name.as_str())
        .collect();
    if cross.as_ref().is_some_and(|c| !c.ok) {
        failed.push("cross-arch agreement");
    }
    if !failed.is_empty() {
        bail!("conformance failed on {}", failed.join(", "));
    }
    Ok(())
}

/// Whether `clang` (a name or a path) is the default clang-NN.
fn is_default_clang(clang: &str) -> bool {
    let default = format!("clang-{}", crate::setup::DEFAULT_CLANG);
    Path::new(clang)
        .file_name()
        .is_some_and(|n| n.to_string_lossy() == default)
}

/// Where a run's reports go: (per-arch reports, matrix.md/json). The
/// default clang's stay where CI and the README look; another clang's all
/// go under target/conformance/matrix/clang-NN/.
fn report_dirs(root: &Path, clang: &str) -> (PathBuf, PathBuf) {
    let base = root.join("target/conformance");
    let name = Path::new(clang)
        .file_name()
        .map_or_else(|| clang.to_string(), |n| n.to_string_lossy().into_owned());
    if is_default_clang(clang) {
        (base.join("matrix"), base)
    } else {
        let dir = base.join("matrix").join(name);
        (dir.clone(), dir)
    }
}

/// Builds the harness for `a` (natively or cross) and runs the corpus.
/// Returns the harness's summary; an error carries it too.
fn run_arch(sh: &Shell, a: &Arch, o: &Options, parent: &Path, report: &Path) -> Result<String> {
    let opts = &o.opts;
    let clang = &o.clang;
    let filters = &o.filters;
    let jobs: Vec<String> = o
        .jobs
        .iter()
        .flat_map(|j| ["--jobs".into(), j.clone()])
        .collect();
    // What oracle 3 compares; a run that dies leaves none behind.
    let outputs = report.with_extension("outputs.jsonl");
    let _ = std::fs::remove_file(&outputs);
    let mut run = if a.is_native() {
        // The arches.toml CPU (x86-64-v2), not -mcpu=native: x86_64 is the
        // reference of oracle 3, so its code must not depend on the host.
        let cpu = &a.clang_cpu;
        cmd!(sh, "{parent} run --cpu {cpu} --opt {opts} --clang {clang} --quiet --report {report} --outputs {outputs} {jobs...} {filters...}")
    } else {
        let tc = a.cargo_toolchain_arg();
        let t = &a.rust_target;
        let build_std = a.build_std_args();
        let mut build = cmd!(
            sh,
            "cargo {tc...} build --release -p conformance --target {t} {build_std...}"
        );
        for (k, v) in a.cargo_env() {
            build = build.env(k, v);
        }
        build.run()?;
        let child = crate::root()
            .join("target")
            .join(t)
            .join("release/conformance");
        let wrapper = a.runner.join(" ");
        let cpu = &a.clang_cpu;
        let arch = &a.name;
        cmd!(
            sh,
            "{parent} run --arch {arch} --child-exe {child} --wrapper {wrapper} --cpu {cpu} --opt {opts} --clang {clang} --quiet --report {report} --outputs {outputs} {jobs...} {filters...}"
        )
    };
    for (k, v) in a.cargo_env() {
        // The children read LOADER_DLOPEN_LINK_ARGS; the parent runs natively
        // and must not think it is emulated.
        if k != "LOADER_RUNNER" {
            run = run.env(k, v);
        }
    }
    // The dlopen oracle links with `clang -fuse-ld=lld`, that clang's own
    // lld, and lld-16 cannot link loongarch64 (LLVM 17 added it). What a
    // run with another clang tests is that clang's code, not its linker:
    // the oracle links with the default lld (--ld-path wins over -fuse-ld).
    if !is_default_clang(clang) {
        let mut args = a.dlopen_link_args.clone();
        let default = crate::setup::DEFAULT_CLANG;
        args.push(format!("--ld-path=/usr/bin/ld.lld-{default}"));
        run = run.env("LOADER_DLOPEN_LINK_ARGS", args.join(" "));
    }
    let out = run.ignore_status().output()?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    print!("{stdout}");
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    if out.status.success() {
        Ok(stdout)
    } else {
        bail!("{stdout}")
    }
}

/// The outcome of oracle 3.
struct CrossRun {
    ok: bool,
    report: PathBuf,
}

/// Oracle 3: every other arch's outputs against x86_64's, when x86_64
/// and at least one other arch produced some.
fn cross_arch(
    sh: &Shell,
    parent: &Path,
    out_dir: &Path,
    runs: &[ArchRun],
    clang: &str,
) -> Result<Option<CrossRun>> {
    let saved = |name: &str| {
        Some(out_dir.join(name).with_extension("outputs.jsonl")).filter(|p| p.is_file())
    };
    // Only this run's files: a reference left by an earlier run may be of
    // other levels, kernels or clang.
    let Some(reference) = runs
        .iter()
        .find(|r| r.name == "x86_64")
        .and_then(|r| saved(&r.name))
    else {
        return Ok(None);
    };
    let others: Vec<PathBuf> = runs
        .iter()
        .filter(|r| r.name != "x86_64")
        .filter_map(|r| saved(&r.name))
        .collect();
    if others.is_empty() {
        return Ok(None);
    }
    crate::section("matrix: cross-arch agreement against x86_64");
    let report = out_dir.join("cross-arch");
    let out = cmd!(
        sh,
        "{parent} cross-arch --reference {reference} --report {report} --clang {clang} {others...}"
    )
    .ignore_status()
    .output()?;
    print!("{}", String::from_utf8_lossy(&out.stdout));
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    Ok(Some(CrossRun {
        ok: out.status.success(),
        report,
    }))
}

/// `matrix.md` (a summary table, then each arch's report, then the
/// cross-arch comparison) and `matrix.json` (each arch's JSON report under
/// its name, the comparison under `cross_arch`).
fn write_matrix(dir: &Path, o: &Options, runs: &[ArchRun], cross: Option<&CrossRun>) -> Result {
    let mut md = format!(
        "# Conformance matrix\n\n-O{} · {} · corpus `conformance/kernels`\n\n| arch | result | wall time |\n|---|---|---:|\n",
        o.opts, o.clang
    );
    for r in runs {
        md += &format!(
            "| {} | {} | {:.0} s |\n",
            r.name,
            if r.ok { "pass" } else { "**FAIL**" },
            r.secs
        );
    }
    let mut json = String::from("{\n");
    for (i, r) in runs.iter().enumerate() {
        let arch_md = r.report.with_extension("md");
        match std::fs::read_to_string(&arch_md) {
            Ok(text) => md += &format!("\n{text}\n"),
            Err(_) => {
                md += &format!(
                    "\n# {}\n\nno report: the run did not complete\n\n```\n{}\n```\n",
                    r.name,
                    r.summary.trim()
                )
            }
        }
        let arch_json = std::fs::read_to_string(r.report.with_extension("json"))
            .unwrap_or_else(|_| "null".into());
        json += &format!(
            "  \"{}\": {}{}\n",
            r.name,
            arch_json.trim(),
            if i + 1 < runs.len() { "," } else { "" }
        );
    }
    if let Some(c) = cross {
        md += &format!(
            "\n{}\n",
            std::fs::read_to_string(c.report.with_extension("md"))
                .unwrap_or_else(|_| "# Cross-architecture agreement\n\nno report\n".into())
        );
        let text = std::fs::read_to_string(c.report.with_extension("json"))
            .unwrap_or_else(|_| "null".into());
        json = format!(
            "{},\n  \"cross_arch\": {}\n",
            json.trim_end().trim_end_matches(','),
            text.trim()
        );
    }
    json += "}\n";
    std::fs::write(dir.join("matrix.md"), md)?;
    std::fs::write(dir.join("matrix.json"), json)?;
    println!("\nmatrix report: {}", dir.join("matrix.md").display());
    for r in runs {
        println!(
            "  {:<12} {:<5} {:>6.0} s",
            r.name,
            if r.ok { "pass" } else { "FAIL" },
            r.secs
        );
    }
    Ok(())
}
