//! The command line of the `conformance` binary.

use std::path::PathBuf;
use std::time::Duration;

use loader::compile::{clang_version, find_clang};
use loader::Arch;

use super::census::{census_arch, counts, render};
use super::child::{self, BackendKind, ChildRequest};
use super::expected;
use super::pool::default_jobs;
use super::report::{summary, write_reports};
use super::run::{run, RunOptions};
use super::spawn::ChildCommand;
use crate::spec::discover_partial;

const HELP: &str = "\
conformance: the kernel corpus through the loader, on every architecture

USAGE:
  conformance run    [OPTIONS]   execute the corpus through both backends, compare
  conformance census [--arch A|all] [--corpus DIR] [--kernel GLOB] [--opt LEVEL]
                     [--clang PATH] [--jobs N]
                                 compile + link every kernel for each arch at a fixed
                                 base; list relocation types, counts, link errors;
                                 then the corpus counts (kernels, snapshots, types)
  conformance cross-arch --reference FILE FILE... [--corpus DIR] [--report PATH]
                     [--expected FILE] [--clang PATH]
                                 oracle 3: compare the outputs other arches saved
                                 (`run --outputs`) with the reference arch's: integers
                                 bit for bit, floats within the kernel's tolerance;
                                 entries with backend = \"cross-arch\" in the expected
                                 failures excuse a disagreement (those with a
                                 `clang` key only for that clang: --clang names the
                                 clang the outputs came from, default as for run)
  conformance link   --arch A --kernel GLOB [--corpus DIR] [--opt LEVEL] [--clang PATH]
                                 print the relocation log of a fixed-base link (what
                                 the snapshot tests store)
  conformance clang-diff A B [--arch LIST|all] [--top N] [--all]
                                 what changed between the relocation snapshot sets of
                                 clang-A and clang-B (`clang-diff --help`)
  conformance gen-kernels [--check]
                                 regenerate kernels/generated*/ (stale .c/.ll files
                                 there are deleted); --check writes nothing and fails
                                 if the files differ from the generator

RUN OPTIONS:
  --arch A            architecture to execute (default: the host's)
  --backend B         jit | dlopen | both (default both)
  --kernel GLOB       kernel names to run (repeatable; `math` = the category,
                      `*` and `?` are wildcards)
  --exclude GLOB      kernels not to run (repeatable, same syntax)
  --opt LEVEL         0,1,2,3,s,z; a comma list runs each (default 2)
  --corpus DIR        kernel directory (default: the crate's kernels/)
  --expected FILE     expected failures (default: <corpus>/../expected-failures.toml)
  --report PATH       write PATH.json and PATH.md (default: the workspace's
                      target/conformance/report, or $CARGO_TARGET_DIR/conformance/report)
  --outputs FILE      save every kernel's outputs (one JSON line per kernel and
                      level) for `conformance cross-arch`
  --jobs N            kernels in parallel (default: available cores)
  --timeout SECS      per child process, compile included (default 120)
  --clang PATH        clang binary (default: $LOADER_CLANG, clang, newest clang-NN)
  --cpu NAME          explicit CPU (default: $LOADER_CPU, else native; give one
                      under qemu)
  --child-exe PATH    harness binary the children run (default: this one); for
                      emulated runs, a harness built for the target arch
  --wrapper CMD       command the children run under, split on spaces
                      (e.g. \"qemu-aarch64 -L /usr/aarch64-linux-gnu\"); default
                      $LOADER_RUNNER, set when this harness itself runs under qemu
  --quiet             no progress on stderr (default: a progress bar on a
                      terminal unless CI is set, else a line per kernel)

Exit status: 0 when every kernel passes or fails as expected; 1 on any
failure or unexpected pass; 2 on a usage or setup error.
";

/// The default corpus: the crate's `kernels/` directory.
pub fn default_corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("kernels")
}

/// `$CARGO_TARGET_DIR/conformance/report`, else the workspace's
/// `target/conformance/report`.
fn default_report() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
            manifest
                .parent()
                .map(|w| w.join("target"))
                .unwrap_or_else(|| PathBuf::from("target"))
        });
    target.join("conformance").join("report")
}

/// `<corpus>/../expected-failures.toml`.
fn default_expected(corpus: &std::path::Path) -> PathBuf {
    corpus
        .parent()
        .map(|p| p.join("expected-failures.toml"))
        .unwrap_or_else(|| PathBuf::from("expected-failures.toml"))
}

struct Args {
    args: Vec<String>,
    pos: usize,
}

impl Args {
    fn next(&mut self) -> Option<String> {
        let a = self.args.get(self.pos).cloned();
        self.pos += 1;
        a
    }

    fn value(&mut self, flag: &str) -> Result<String, String> {
        self.next().ok_or_else(|| format!("{flag} needs a value"))
    }
}

fn parse_arch(s: &str) -> Result<Arch, String> {
    s.parse::<Arch>()
}

fn parse_opts(s: &str) -> Result<Vec<String>, String> {
    let v: Vec<String> = s
        .split(',')
        .map(|o| o.trim().trim_start_matches("-O").to_string())
        .collect();
    for o in &v {
        if !matches!(o.as_str(), "0" | "1" | "2" | "3" | "s" | "z") {
            return Err(format!("bad optimisation level `{o}` (0, 1, 2, 3, s, z)"));
        }
    }
    Ok(v)
}

fn parse_jobs(s: &str) -> Result<usize, String> {
    s.parse::<usize>()
        .ok()
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("bad --jobs `{s}`"))
}

/// Runs the command line; returns the exit status.
pub fn main(argv: Vec<String>) -> i32 {
    let mut args = Args { args: argv, pos: 0 };
    let cmd = args.next();
    let r = match cmd.as_deref() {
        Some("run") => cmd_run(args),
        Some("census") => cmd_census(args),
        Some("exec-one") => cmd_exec_one(args),
        Some("link") => cmd_link(args),
        Some("cross-arch") => cmd_cross_arch(args),
        Some("clang-diff") => cmd_clang_diff(args),
        Some("gen-kernels") => cmd_gen_kernels(args),
        Some("-h" | "--help" | "help") | None => {
            print!("{HELP}");
            Ok(0)
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{HELP}")),
    };
    match r {
        Ok(code) => code,
        Err(e) => {
            eprintln!("conformance: {e}");
            2
        }
    }
}

fn cmd_run(mut a: Args) -> Result<i32, String> {
    let host = Arch::host();
    let mut arch = host;
    let mut backends = BackendKind::ALL.to_vec();
    let mut kernels = Vec::new();
    let mut exclude = Vec::new();
    let mut opts = vec!["2".to_string()];
    let mut corpus = default_corpus();
    let mut expected_path: Option<PathBuf> = None;
    let mut report_path = default_report();
    let mut outputs_path: Option<PathBuf> = None;
    let mut jobs = default_jobs();
    let mut timeout = 120.0f64;
    let mut clang: Option<PathBuf> = None;
    let mut cpu: Option<String> = None;
    let mut child_exe: Option<PathBuf> = None;
    let mut wrapper: Option<Vec<String>> = None;
    let mut progress = true;
    while let Some(flag) = a.next() {
        match flag.as_str() {
            "--arch" => arch = Some(parse_arch(&a.value(&flag)?)?),
            "--backend" => {
                let v = a.value(&flag)?;
                backends = match v.as_str() {
                    "both" => BackendKind::ALL.to_vec(),
                    b => vec![BackendKind::from_name(b)
                        .ok_or_else(|| format!("bad --backend `{b}` (jit, dlopen, both)"))?],
                }
            }
            "--kernel" => kernels.push(a.value(&flag)?),
            "--exclude" => exclude.push(a.value(&flag)?),
            "--opt" => opts = parse_opts(&a.value(&flag)?)?,
            "--corpus" => corpus = PathBuf::from(a.value(&flag)?),
            "--expected" => expected_path = Some(PathBuf::from(a.value(&flag)?)),
            "--report" => report_path = PathBuf::from(a.value(&flag)?),
            "--outputs" => outputs_path = Some(PathBuf::from(a.value(&flag)?)),
            "--jobs" => jobs = parse_jobs(&a.value(&flag)?)?,
            "--timeout" => {
                let v = a.value(&flag)?;
                timeout = v
                    .parse::<f64>()
                    .ok()
                    .filter(|t| *t > 0.0 && t.is_finite())
                    .ok_or_else(|| format!("bad --timeout `{v}`"))?
            }
            "--clang" => clang = Some(PathBuf::from(a.value(&flag)?)),
            "--cpu" => cpu = Some(a.value(&flag)?),
            "--child-exe" => child_exe = Some(PathBuf::from(a.value(&flag)?)),
            "--wrapper" => {
                wrapper = Some(
                    a.value(&flag)?
                        .split_whitespace()
                        .map(String::from)
                        .collect(),
                )
            }
            "--quiet" => progress = false,
            "-h" | "--help" => {
                print!("{HELP}");
                return Ok(0);
            }
            other => return Err(format!("unknown option `{other}` for `run`")),
        }
    }
    let arch = arch.ok_or("the host architecture is not supported; pass --arch")?;
    if Some(arch) != host && child_exe.is_none() {
        return Err(format!(
            "this harness runs on {}; to execute {arch} kernels pass --child-exe <harness built for {arch}> \
             and --wrapper \"qemu-{arch} -L <sysroot>\" (and --cpu NAME), or run a harness built for {arch}",
            host.map_or("an unsupported host", |h| h.name())
        ));
    }
    let exe = match child_exe {
        Some(p) => p,
        None => std::env::current_exe().map_err(|e| format!("cannot find this binary: {e}"))?,
    };
    let found = find_clang(clang.as_deref()).map_err(|e| e.to_string())?;
    let clang_version = clang_version(&found).ok();
    let expected_path = expected_path.unwrap_or_else(|| default_expected(&corpus));
    let expected = expected::for_clang(expected::load(&expected_path)?, clang_version);
    if !corpus.is_dir() {
        return Err(format!("corpus `{}` is not a directory", corpus.display()));
    }
    let opts = RunOptions {
        corpus,
        arch,
        backends,
        kernels,
        exclude,
        opts,
        jobs,
        child: ChildCommand {
            exe,
            wrapper: wrapper.unwrap_or_else(super::spawn::runner_from_env),
            timeout: Duration::from_secs_f64(timeout),
        },
        clang: Some(found),
        clang_version,
        cpu,
        expected,
        progress,
    };
    let report = run(&opts);
    print!("{}", summary(&report));
    match write_reports(&report, &report_path) {
        Ok((j, m)) => println!("reports: {} {}", j.display(), m.display()),
        Err(e) => {
            eprintln!("conformance: cannot write the reports: {e}");
            return Ok(2);
        }
    }
    if let Some(p) = &outputs_path {
        if let Err(e) = super::outputs::write(&report, p) {
            eprintln!("conformance: cannot write the outputs: {e}");
            return Ok(2);
        }
        println!("outputs: {}", p.display());
    }
    Ok(if report.success() { 0 } else { 1 })
}

fn cmd_census(mut a: Args) -> Result<i32, String> {
    let mut arches: Vec<Arch> = Arch::ALL.to_vec();
    let mut corpus = default_corpus();
    let mut clang: Option<PathBuf> = None;
    let mut opt = "2".to_string();
    let mut kernels: Vec<String> = Vec::new();
    let mut jobs = default_jobs();
    while let Some(flag) = a.next() {
        match flag.as_str() {
            "--arch" => {
                let v = a.value(&flag)?;
                arches = if v == "all" {
                    Arch::ALL.to_vec()
                } else {
                    v.split(',')
                        .map(parse_arch)
                        .collect::<Result<Vec<_>, _>>()?
                }
            }
            "--corpus" => corpus = PathBuf::from(a.value(&flag)?),
            "--clang" => clang = Some(PathBuf::from(a.value(&flag)?)),
            "--opt" => {
                let v = parse_opts(&a.value(&flag)?)?;
                if v.len() != 1 {
                    return Err("census takes one --opt level".into());
                }
                opt = v[0].clone();
            }
            "--kernel" => kernels.push(a.value(&flag)?),
            "--jobs" => jobs = parse_jobs(&a.value(&flag)?)?,
            "-h" | "--help" => {
                print!("{HELP}");
                return Ok(0);
            }
            other => return Err(format!("unknown option `{other}` for `census`")),
        }
    }
    let clang = find_clang(clang.as_deref()).map_err(|e| e.to_string())?;
    let clang_major = clang_version(&clang).ok();
    let version = clang_major
        .map(|v| format!("clang-{v}"))
        .unwrap_or_else(|| clang.display().to_string());
    let (specs, errors) = discover_partial(&corpus);
    for e in &errors {
        eprintln!("bad kernel: {e}");
    }
    let specs: Vec<_> = specs
        .into_iter()
        .filter(|s| kernels.is_empty() || kernels.iter().any(|k| super::glob::selects(k, &s.name)))
        .collect();
    println!(
        "census: {} kernels, {version}, baseline CPU, -O{opt}, linked at {:#x}\n",
        specs.len(),
        super::fixed::FIXED_BASE
    );
    let mut censuses = Vec::new();
    for arch in arches {
        let c = census_arch(&specs, arch, &clang, clang_major, &opt, jobs);
        println!("{}", render(&c));
        censuses.push(c);
    }
    // The snapshots belong to the crate's own corpus.
    let snapshots = if corpus == default_corpus() {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("snapshots")
    } else {
        PathBuf::new()
    };
    print!("{}", counts(&specs, &censuses, &snapshots));
    Ok(if errors.is_empty() { 0 } else { 1 })
}

fn cmd_link(mut a: Args) -> Result<i32, String> {
    let mut arch = Arch::host();
    let mut corpus = default_corpus();
    let mut clang: Option<PathBuf> = None;
    let mut opt = "2".to_string();
    let mut kernels: Vec<String> = Vec::new();
    while let Some(flag) = a.next() {
        match flag.as_str() {
            "--arch" => arch = Some(parse_arch(&a.value(&flag)?)?),
            "--corpus" => corpus = PathBuf::from(a.value(&flag)?),
            "--clang" => clang = Some(PathBuf::from(a.value(&flag)?)),
            "--opt" => {
                let v = parse_opts(&a.value(&flag)?)?;
                opt = v.into_iter().next().unwrap_or_else(|| "2".into());
            }
            "--kernel" => kernels.push(a.value(&flag)?),
            other => return Err(format!("unknown option `{other}` for `link`")),
        }
    }
    let arch = arch.ok_or("pass --arch")?;
    if kernels.is_empty() {
        return Err("link needs --kernel".into());
    }
    let clang = find_clang(clang.as_deref()).map_err(|e| e.to_string())?;
    let (specs, errors) = discover_partial(&corpus);
    for e in &errors {
        eprintln!("bad kernel: {e}");
    }
    let selected: Vec<_> = specs
        .iter()
        .filter(|s| kernels.iter().any(|k| super::glob::selects(k, &s.name)))
        .collect();
    if selected.is_empty() {
        return Err(format!(
            "no kernel of {} matches {}",
            corpus.display(),
            kernels.join(", ")
        ));
    }
    for s in selected {
        let l = super::fixed::compile_and_link(s, arch, &clang, &opt);
        println!("{}", crate::snapshot::snapshot_text(&l));
    }
    Ok(0)
}

fn cmd_clang_diff(mut a: Args) -> Result<i32, String> {
    use crate::clang_diff::{major, report, Options, HELP};
    let mut versions = Vec::new();
    let mut arches: Vec<Arch> = Arch::ALL.to_vec();
    let mut top = 10;
    let mut all = false;
    while let Some(flag) = a.next() {
        match flag.as_str() {
            "-h" | "--help" => {
                print!("{HELP}");
                return Ok(0);
            }
            "--arch" => arches = parse_arch_list(&a.value(&flag)?)?,
            "--top" => {
                let n = a.value(&flag)?;
                top = n
                    .parse()
                    .map_err(|_| format!("--top `{n}`: not a number"))?;
            }
            "--all" => all = true,
            f if f.starts_with('-') => {
                return Err(format!("unknown option `{f}` for `clang-diff`"))
            }
            _ => versions.push(major(&flag)?),
        }
    }
    let [a, b] = versions[..] else {
        return Err(format!(
            "clang-diff needs two clang versions, e.g. `clang-diff 14 19`\n\n{HELP}"
        ));
    };
    print!(
        "{}",
        report(&Options {
            a,
            b,
            arches,
            top,
            all
        })?
    );
    Ok(0)
}

/// `all`, or a comma list of canonical arch names (each once, in order).
fn parse_arch_list(v: &str) -> Result<Vec<Arch>, String> {
    let names: Vec<&str> = v
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if names.contains(&"all") {
        return Ok(Arch::ALL.to_vec());
    }
    let mut out: Vec<Arch> = Vec::new();
    for n in names {
        let arch = Arch::from_name(n).ok_or_else(|| {
            let known: Vec<&str> = Arch::ALL.iter().map(|a| a.name()).collect();
            format!("unknown arch `{n}` (known: {}, all)", known.join(", "))
        })?;
        if !out.contains(&arch) {
            out.push(arch);
        }
    }
    Ok(out)
}

fn cmd_cross_arch(mut a: Args) -> Result<i32, String> {
    let mut reference: Option<PathBuf> = None;
    let mut others: Vec<PathBuf> = Vec::new();
    let mut corpus = default_corpus();
    let mut report_path: Option<PathBuf> = None;
    let mut expected_path: Option<PathBuf> = None;
    let mut clang: Option<PathBuf> = None;
    while let Some(flag) = a.next() {
        match flag.as_str() {
            "--reference" => reference = Some(PathBuf::from(a.value(&flag)?)),
            "--corpus" => corpus = PathBuf::from(a.value(&flag)?),
            "--expected" => expected_path = Some(PathBuf::from(a.value(&flag)?)),
            "--report" => report_path = Some(PathBuf::from(a.value(&flag)?)),
            "--clang" => clang = Some(PathBuf::from(a.value(&flag)?)),
            "-h" | "--help" => {
                print!("{HELP}");
                return Ok(0);
            }
            f if f.starts_with('-') => {
                return Err(format!("unknown option `{f}` for `cross-arch`"))
            }
            _ => others.push(PathBuf::from(flag)),
        }
    }
    let reference = reference.ok_or("cross-arch needs --reference FILE")?;
    if others.is_empty() {
        return Err("cross-arch needs the outputs of at least one other arch".into());
    }
    let reference_path = reference;
    let reference = super::outputs::read(&reference_path)?;
    if reference.is_empty() {
        return Err(format!(
            "{}: no outputs to compare with",
            reference_path.display()
        ));
    }
    let mut saved = Vec::new();
    for p in &others {
        let o = super::outputs::read(p)?;
        if o.is_empty() {
            // Every kernel failed there: that arch's own report says why.
            eprintln!("warning: {}: no outputs, nothing compared", p.display());
        }
        saved.push(o);
    }
    let others = saved;
    let (specs, errors) = discover_partial(&corpus);
    for e in &errors {
        eprintln!("bad kernel: {e}");
    }
    let expected_path = expected_path.unwrap_or_else(|| default_expected(&corpus));
    // The outputs came from `--clang` (default: the clang `run` finds):
    // entries about another clang's miscompiles do not apply.
    let clang_major = find_clang(clang.as_deref())
        .ok()
        .and_then(|c| clang_version(&c).ok());
    let expected = expected::for_clang(expected::load(&expected_path)?, clang_major);
    let r = super::cross::cross_compare(&reference, &others, &specs, &expected);
    print!("{}", super::cross::summary(&r));
    if let Some(p) = report_path {
        let (json, md) = super::report::report_paths(&p);
        if let Some(dir) = json.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let text = serde_json::to_string_pretty(&r).map_err(|e| e.to_string())?;
        std::fs::write(&json, text + "\n").map_err(|e| format!("{}: {e}", json.display()))?;
        std::fs::write(&md, super::cross::markdown(&r))
            .map_err(|e| format!("{}: {e}", md.display()))?;
        println!("reports: {} {}", json.display(), md.display());
    }
    Ok(if r.success() { 0 } else { 1 })
}

fn cmd_exec_one(mut a: Args) -> Result<i32, String> {
    let mut path = None;
    let mut name = None;
    let mut backend = BackendKind::Jit;
    let mut arch = Arch::host();
    let mut opt = "2".to_string();
    let mut cpu = None;
    let mut clang = None;
    while let Some(flag) = a.next() {
        match flag.as_str() {
            "--kernel" => path = Some(PathBuf::from(a.value(&flag)?)),
            "--name" => name = Some(a.value(&flag)?),
            "--backend" => {
                let v = a.value(&flag)?;
                backend = BackendKind::from_name(&v).ok_or_else(|| format!("bad backend `{v}`"))?
            }
            "--arch" => arch = Some(parse_arch(&a.value(&flag)?)?),
            "--opt" => {
                let v = parse_opts(&a.value(&flag)?)?;
                opt = v.into_iter().next().unwrap_or_else(|| "2".into());
            }
            "--cpu" => cpu = Some(a.value(&flag)?),
            "--clang" => clang = Some(PathBuf::from(a.value(&flag)?)),
            other => return Err(format!("unknown option `{other}` for `exec-one`")),
        }
    }
    let path = path.ok_or("exec-one needs --kernel PATH")?;
    let name = match name {
        Some(n) => n,
        None => path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("kernel")
            .to_string(),
    };
    let arch = arch.ok_or("unsupported host; pass --arch")?;
    Ok(child::main(&ChildRequest {
        path,
        name,
        backend,
        arch,
        opt,
        cpu,
        clang,
    }))
}

fn cmd_gen_kernels(mut a: Args) -> Result<i32, String> {
    use crate::gen_kernels::{self, C_DIR, IR_DIR};
    let mut check = false;
    while let Some(flag) = a.next() {
        match flag.as_str() {
            "--check" => check = true,
            other => return Err(format!("unknown option `{other}` for `gen-kernels`")),
        }
    }
    let corpus = default_corpus();
    let kernels = gen_kernels::generate();
    if check {
        let diffs = gen_kernels::differences(&corpus, &kernels).map_err(|e| e.to_string())?;
        if !diffs.is_empty() {
            eprintln!(
                "conformance: the generated corpus differs from its generator (run `cargo xtask gen-kernels`):\n  {}",
                diffs.join("\n  ")
            );
            return Ok(1);
        }
        println!("gen-kernels: {} kernels up to date", kernels.len());
        return Ok(0);
    }
    gen_kernels::write(&corpus, &kernels).map_err(|e| e.to_string())?;
    let c = kernels.iter().filter(|k| k.path.ends_with(".c")).count();
    println!(
        "gen-kernels: wrote {c} C kernels to {C_DIR}/ and {} IR kernels to {IR_DIR}/",
        kernels.len() - c
    );
    Ok(0)
}
