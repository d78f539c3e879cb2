//! `conformance run`: every selected kernel, through each backend in a
//! child process, compared with each other and with the Rust reference.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use loader::Arch;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::child::{BackendKind, ChildRequest};
use super::expected::ExpectedFailure;
use super::glob::selects;
use super::oracle::reference_outputs;
use super::pool::parallel_map_with;
use super::progress::Progress;
use super::spawn::{run_child, signal_name, ChildCommand, ChildEnd};
use super::wire::{decode_outputs, ChildOutcome, Timings};
use crate::spec::{compare, discover_partial, KernelSpec, Outputs, Tolerance};

/// Settings of a run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub corpus: PathBuf,
    pub arch: Arch,
    pub backends: Vec<BackendKind>,
    /// `--kernel` selectors; all kernels when empty.
    pub kernels: Vec<String>,
    /// `--exclude` selectors: kernels not to run.
    pub exclude: Vec<String>,
    pub opts: Vec<String>,
    pub jobs: usize,
    pub child: ChildCommand,
    pub clang: Option<PathBuf>,
    /// The clang major version (for `min-clang`), if known.
    pub clang_version: Option<u32>,
    pub cpu: Option<String>,
    pub expected: Vec<ExpectedFailure>,
    /// Show progress on stderr (`progress::Progress`: a bar on a terminal,
    /// else a line per kernel run); false under `--quiet`.
    pub progress: bool,
}

/// A backend is named in reports (and saved outputs) by [`BackendKind::name`].
impl Serialize for BackendKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for BackendKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        BackendKind::ALL
            .into_iter()
            .find(|b| b.name() == name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown backend `{name}`")))
    }
}

/// What produced a result or is charged with a failure: a loader backend,
/// the Rust reference, the kernel file (`spec`), or the cross-arch
/// comparison (only `expected-failures.toml` names it). Reports and
/// `expected-failures.toml` name it by [`Party::name`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum Party {
    Backend(BackendKind),
    Reference,
    Spec,
    CrossArch,
}

impl Party {
    pub const JIT: Party = Party::Backend(BackendKind::Jit);
    pub const DLOPEN: Party = Party::Backend(BackendKind::Dlopen);

    pub fn name(self) -> &'static str {
        match self {
            Party::Backend(b) => b.name(),
            Party::Reference => "reference",
            Party::Spec => "spec",
            Party::CrossArch => "cross-arch",
        }
    }

    /// The party of a [`Party::name`] (a backend's canonical name only).
    pub fn from_name(name: &str) -> Option<Party> {
        match name {
            "reference" => Some(Party::Reference),
            "spec" => Some(Party::Spec),
            "cross-arch" => Some(Party::CrossArch),
            b => BackendKind::ALL
                .into_iter()
                .find(|k| k.name() == b)
                .map(Party::Backend),
        }
    }
}

impl std::fmt::Display for Party {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl From<Party> for &'static str {
    fn from(p: Party) -> &'static str {
        p.name()
    }
}

impl TryFrom<String> for Party {
    type Error = String;

    fn try_from(name: String) -> Result<Party, String> {
        Party::from_name(&name).ok_or_else(|| format!("unknown party `{name}`"))
    }
}

/// The verdict of a kernel at one optimisation level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    Fail,
    /// Failed as `expected-failures.toml` says.
    ExpectedFailure,
    /// Listed in `expected-failures.toml` but passed: counts as a failure
    /// until the entry is removed.
    UnexpectedlyPassing,
    /// `skip` directive for this arch.
    Skipped,
    /// The clang in use is older than the kernel needs.
    Unsupported,
    /// The kernel file is malformed.
    BadKernel,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "FAIL",
            Status::ExpectedFailure => "expected failure",
            Status::UnexpectedlyPassing => "UNEXPECTEDLY PASSING",
            Status::Skipped => "skipped",
            Status::Unsupported => "unsupported",
            Status::BadKernel => "BAD KERNEL",
        }
    }

    /// Whether this status makes the run fail.
    pub fn is_failure(self) -> bool {
        matches!(
            self,
            Status::Fail | Status::UnexpectedlyPassing | Status::BadKernel
        )
    }
}

/// How a backend's child process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BackendStatus {
    /// It sent outputs.
    Ok,
    /// It reported a failed stage (compile, load, call...).
    Error,
    /// Killed by a signal.
    Crash,
    /// Exited without a result.
    Exit,
    Timeout,
    /// The harness could not run it or read its result.
    Harness,
}

impl BackendStatus {
    pub fn name(self) -> &'static str {
        match self {
            BackendStatus::Ok => "ok",
            BackendStatus::Error => "error",
            BackendStatus::Crash => "crash",
            BackendStatus::Exit => "exit",
            BackendStatus::Timeout => "timeout",
            BackendStatus::Harness => "harness",
        }
    }
}

impl std::fmt::Display for BackendStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One backend's run of one kernel.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BackendReport {
    pub backend: BackendKind,
    pub status: BackendStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stderr_tail: Option<String>,
    /// Relocation types applied (jit only), with counts.
    pub relocations: BTreeMap<String, usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timings: Option<Timings>,
    /// Wall time of the child process.
    pub wall_ms: f64,
    /// Digest of the outputs (`outputs::digest`): equal digests across
    /// arches or runs mean bit-identical outputs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outputs_digest: Option<String>,
    #[serde(skip)]
    pub outputs: Option<Outputs>,
    /// Guard-zone clobbers the child reported.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub guards: Vec<String>,
}

impl BackendReport {
    pub fn ok(&self) -> bool {
        self.status == BackendStatus::Ok
    }

    /// One line describing a failed run.
    pub fn problem(&self) -> String {
        let mut s = match (self.status, &self.stage) {
            (BackendStatus::Error, Some(stage)) => format!("{stage} failed"),
            (st, Some(stage)) => format!("{st} during `{stage}`"),
            (st, None) => st.to_string(),
        };
        if let Some(m) = &self.message {
            s.push_str(": ");
            s.push_str(&first_line(m));
        }
        s
    }
}

/// The first line of a message, joined with the next non-empty one when it
/// only introduces it (`clang failed (...):` + the first diagnostic).
pub fn first_line(m: &str) -> String {
    let mut lines = m.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().unwrap_or("").to_string();
    match lines.next() {
        Some(next) if first.ends_with(':') => format!("{first} {next}"),
        _ => first,
    }
}

/// A comparison of a backend's outputs with an oracle.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Verdict {
    /// The dlopen backend or the reference.
    pub oracle: Party,
    /// The backend checked.
    pub subject: BackendKind,
    pub agree: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// A failure, charged to a backend (or to the reference, or the kernel file).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Failure {
    pub backend: Party,
    pub what: String,
}

/// One kernel at one optimisation level.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KernelReport {
    pub kernel: String,
    pub path: String,
    pub arch: String,
    pub opt: String,
    pub status: Status,
    pub backends: Vec<BackendReport>,
    pub verdicts: Vec<Verdict>,
    pub failures: Vec<Failure>,
    /// Skip reason, expected-failure reason(s), or why unexpectedly passing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Relocation types the in-memory loader applied, with counts.
    pub relocation_kinds: BTreeMap<String, usize>,
    pub wall_ms: f64,
}

/// Counts by status.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Counts {
    pub total: usize,
    pub pass: usize,
    pub fail: usize,
    pub expected_failure: usize,
    pub unexpectedly_passing: usize,
    pub skipped: usize,
    pub unsupported: usize,
    pub bad_kernel: usize,
}

/// The whole run: what `PATH.json` holds (`report::write_reports`,
/// `report::read`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub arch: String,
    pub opts: Vec<String>,
    pub backends: Vec<BackendKind>,
    pub corpus: String,
    pub clang: Option<String>,
    pub cpu: String,
    pub counts: Counts,
    pub kernels: Vec<KernelReport>,
    pub wall_ms: f64,
}

impl Report {
    /// Whether the run passes (no failure, no unexpected pass).
    pub fn success(&self) -> bool {
        self.kernels.iter().all(|k| !k.status.is_failure())
    }
}

fn count(kernels: &[KernelReport]) -> Counts {
    let mut c = Counts {
        total: kernels.len(),
        ..Counts::default()
    };
    for k in kernels {
        *match k.status {
            Status::Pass => &mut c.pass,
            Status::Fail => &mut c.fail,
            Status::ExpectedFailure => &mut c.expected_failure,
            Status::UnexpectedlyPassing => &mut c.unexpectedly_passing,
            Status::Skipped => &mut c.skipped,
            Status::Unsupported => &mut c.unsupported,
            Status::BadKernel => &mut c.bad_kernel,
        } += 1;
    }
    c
}

fn backend_report(backend: BackendKind, end: ChildEnd, wall_ms: f64) -> BackendReport {
    let mut r = BackendReport {
        backend,
        status: BackendStatus::Harness,
        stage: None,
        message: None,
        stderr_tail: None,
        relocations: BTreeMap::new(),
        timings: None,
        wall_ms,
        outputs_digest: None,
        outputs: None,
        guards: Vec::new(),
    };
    match end {
        ChildEnd::Result(res) => {
            let res = *res;
            r.relocations = res.relocations;
            r.timings = Some(res.timings);
            match res.outcome {
                ChildOutcome::Ok {
                    returns,
                    buffers,
                    externs,
                } => match decode_outputs(&returns, &buffers, &externs) {
                    Ok((o, guards)) => {
                        r.status = BackendStatus::Ok;
                        r.outputs_digest = Some(super::outputs::digest(&o));
                        r.outputs = Some(o);
                        r.guards = guards;
                    }
                    Err(e) => {
                        r.status = BackendStatus::Harness;
                        r.message = Some(format!("unreadable outputs: {e}"));
                    }
                },
                ChildOutcome::Error { stage, message } => {
                    r.status = BackendStatus::Error;
                    r.stage = Some(stage);
                    r.message = Some(message);
                }
            }
        }
        ChildEnd::Signal { signal, stderr } => {
            r.status = BackendStatus::Crash;
            r.message = Some(format!("killed by {}", signal_name(signal)));
            r.stage = last_stage(&stderr);
            r.stderr_tail = Some(stderr);
        }
        ChildEnd::Exit { code, stderr } => {
            r.status = BackendStatus::Exit;
            r.message = Some(format!("exited with status {code} without a result"));
            r.stage = last_stage(&stderr);
            r.stderr_tail = Some(stderr);
        }
        ChildEnd::Timeout { secs, stderr } => {
            r.status = BackendStatus::Timeout;
            r.message = Some(format!("no result after {secs} s (killed)"));
            r.stage = last_stage(&stderr);
            r.stderr_tail = Some(stderr);
        }
        ChildEnd::Harness { message, stderr } => {
            r.status = BackendStatus::Harness;
            r.message = Some(message);
            if !stderr.is_empty() {
                r.stderr_tail = Some(stderr);
            }
        }
    }
    r
}

/// The last `stage: ...` marker a child printed on stderr.
fn last_stage(stderr: &str) -> Option<String> {
    stderr
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("stage: "))
        .map(str::to_string)
}

fn check(
    oracle: Party,
    subject: &BackendReport,
    expected: &Outputs,
    tol: Tolerance,
    verdicts: &mut Vec<Verdict>,
    failures: &mut Vec<Failure>,
) {
    let Some(actual) = &subject.outputs else {
        return;
    };
    let r = compare(expected, actual, tol);
    if let Err(m) = &r {
        failures.push(Failure {
            backend: Party::Backend(subject.backend),
            what: format!("differs from {oracle}: {m}"),
        });
    }
    verdicts.push(Verdict {
        oracle,
        subject: subject.backend,
        agree: r.is_ok(),
        detail: r.err().map(|m| m.to_string()),
    });
}

fn run_kernel(spec: &KernelSpec, opt: &str, o: &RunOptions) -> KernelReport {
    let start = Instant::now();
    let mut k = KernelReport {
        kernel: spec.name.clone(),
        path: spec.path.display().to_string(),
        arch: o.arch.name().into(),
        opt: opt.into(),
        status: Status::Pass,
        backends: Vec::new(),
        verdicts: Vec::new(),
        failures: Vec::new(),
        note: None,
        relocation_kinds: BTreeMap::new(),
        wall_ms: 0.0,
    };
    if let Some(reason) = spec.skip_reason(o.arch) {
        k.status = Status::Skipped;
        k.note = Some(reason.to_string());
        return k;
    }
    if let (Some(need), Some(have)) = (spec.min_clang_version_for(o.arch), o.clang_version) {
        if have < need {
            k.status = Status::Unsupported;
            k.note = Some(format!("needs clang >= {need}, this is clang {have}"));
            return k;
        }
    }
    for &b in &o.backends {
        let req = ChildRequest {
            path: spec.path.clone(),
            name: spec.name.clone(),
            backend: b,
            arch: o.arch,
            opt: opt.into(),
            cpu: o.cpu.clone(),
            clang: o.clang.clone(),
        };
        let t = Instant::now();
        let end = run_child(&o.child, &req);
        k.backends
            .push(backend_report(b, end, t.elapsed().as_secs_f64() * 1000.0));
    }
    let backend = |kind: BackendKind| k.backends.iter().find(|b| b.backend == kind);
    if let Some(jit) = backend(BackendKind::Jit) {
        k.relocation_kinds = jit.relocations.clone();
    }
    for b in &k.backends {
        if !b.ok() {
            k.failures.push(Failure {
                backend: Party::Backend(b.backend),
                what: b.problem(),
            });
        }
        for g in &b.guards {
            k.failures.push(Failure {
                backend: Party::Backend(b.backend),
                what: g.clone(),
            });
        }
    }
    let tol = spec.tolerance;
    if let (Some(jit), Some(dl)) = (backend(BackendKind::Jit), backend(BackendKind::Dlopen)) {
        if let Some(expected) = &dl.outputs {
            check(
                Party::DLOPEN,
                jit,
                expected,
                tol,
                &mut k.verdicts,
                &mut k.failures,
            );
        }
    }
    match reference_outputs(spec) {
        None => {}
        Some(Err(e)) => k.failures.push(Failure {
            backend: Party::Reference,
            what: e,
        }),
        Some(Ok(expected)) => {
            for b in &k.backends {
                check(
                    Party::Reference,
                    b,
                    &expected,
                    tol,
                    &mut k.verdicts,
                    &mut k.failures,
                );
            }
        }
    }
    classify(&mut k, &o.expected, &o.backends);
    k.wall_ms = start.elapsed().as_secs_f64() * 1000.0;
    k
}

/// Applies `expected-failures.toml` to a kernel's failures.
fn classify(k: &mut KernelReport, expected: &[ExpectedFailure], backends: &[BackendKind]) {
    let entries: Vec<&ExpectedFailure> = expected
        .iter()
        .filter(|e| e.concerns(&k.kernel, &k.arch, &k.opt))
        .collect();
    if k.failures.is_empty() {
        // An entry the run exercised (its backend ran, or it names none).
        let exercised: Vec<&&ExpectedFailure> = entries
            .iter()
            .filter(|e| match e.backend {
                None => true,
                Some(Party::Reference) => k.verdicts.iter().any(|v| v.oracle == Party::Reference),
                Some(Party::Backend(b)) => backends.contains(&b),
                Some(Party::Spec | Party::CrossArch) => false,
            })
            .collect();
        if let Some(e) = exercised.first() {
            k.status = Status::UnexpectedlyPassing;
            k.note = Some(format!(
                "listed in expected-failures.toml (line {}: {}) but passed: remove the entry",
                e.line, e.reason
            ));
        }
        return;
    }
    let mut reasons: Vec<String> = Vec::new();
    for f in &k.failures {
        match entries
            .iter()
            .find(|e| e.covers(&k.kernel, &k.arch, &k.opt, f.backend))
        {
            Some(e) => {
                if !reasons.contains(&e.reason) {
                    reasons.push(e.reason.clone());
                }
            }
            None => {
                k.status = Status::Fail;
                return;
            }
        }
    }
    k.status = Status::ExpectedFailure;
    k.note = Some(reasons.join("; "));
}

/// Runs the corpus.
pub fn run(o: &RunOptions) -> Report {
    let start = Instant::now();
    let (specs, errors) = discover_partial(&o.corpus);
    let specs: Vec<KernelSpec> = specs
        .into_iter()
        .filter(|s| o.kernels.is_empty() || o.kernels.iter().any(|sel| selects(sel, &s.name)))
        .filter(|s| !o.exclude.iter().any(|sel| selects(sel, &s.name)))
        .collect();
    if o.kernels.is_empty() && o.exclude.is_empty() {
        for e in &o.expected {
            if !specs
                .iter()
                .any(|s| super::glob::glob_match(&e.kernel, &s.name))
            {
                eprintln!(
                    "warning: expected-failures entry at line {} (`{}`) matches no kernel",
                    e.line, e.kernel
                );
            }
        }
    }
    let work: Vec<(&KernelSpec, &str)> = o
        .opts
        .iter()
        .flat_map(|opt| specs.iter().map(move |s| (s, opt.as_str())))
        .collect();
    let progress = Progress::new(o.progress, work.len());
    let done = std::sync::atomic::AtomicUsize::new(0);
    let mut kernels = parallel_map_with(
        &work,
        o.jobs,
        |(spec, opt)| run_kernel(spec, opt, o),
        |_, k: &KernelReport| {
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress.done(n, k);
        },
    );
    progress.finish();
    for e in errors {
        // Bad kernel files are failures of the run, reported like kernels.
        let sel = e.file().display().to_string();
        kernels.push(KernelReport {
            kernel: sel.clone(),
            path: sel,
            arch: o.arch.name().into(),
            opt: String::new(),
            status: Status::BadKernel,
            backends: Vec::new(),
            verdicts: Vec::new(),
            failures: vec![Failure {
                backend: Party::Spec,
                what: e.to_string(),
            }],
            note: None,
            relocation_kinds: BTreeMap::new(),
            wall_ms: 0.0,
        });
    }
    Report {
        arch: o.arch.name().into(),
        opts: o.opts.clone(),
        backends: o.backends.clone(),
        corpus: o.corpus.display().to_string(),
        clang: o.clang_version.map(|v| format!("clang-{v}")),
        cpu: o.cpu.clone().unwrap_or_else(|| {
            std::env::var(loader::compile::CPU_ENV)
                .ok()
                .filter(|c| !c.trim().is_empty())
                .unwrap_or_else(|| "native".into())
        }),
        counts: count(&kernels),
        kernels,
        wall_ms: start.elapsed().as_secs_f64() * 1000.0,
    }
}
