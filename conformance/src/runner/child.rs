//! The child side of a run (`conformance exec-one`): compile one kernel,
//! load it through one backend, make the calls of its call plan through
//! libffi, and print the outputs. Runs in its own process so that a crash
//! or a hang of the kernel (or of the loader) costs only this run.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use loader::{compile::find_clang, Arch, Backend, Cpu, Jit, JitOptions};

use super::calls::{extern_resolver, load_libm, EntryPoints};
use super::fixed::language;
use super::wire::{encode_outputs, ChildOutcome, ChildResult, Timings, RESULT_PREFIX};
use crate::spec::KernelSpec;

/// Which backend a child runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BackendKind {
    Jit,
    Dlopen,
}

impl BackendKind {
    pub const ALL: [BackendKind; 2] = [BackendKind::Jit, BackendKind::Dlopen];

    pub fn name(self) -> &'static str {
        match self {
            BackendKind::Jit => "jit",
            BackendKind::Dlopen => "dlopen",
        }
    }

    pub fn from_name(s: &str) -> Option<BackendKind> {
        match s {
            "jit" | "in-memory" => Some(BackendKind::Jit),
            "dlopen" => Some(BackendKind::Dlopen),
            _ => None,
        }
    }

    fn loader_backend(self) -> Backend {
        match self {
            BackendKind::Jit => Backend::InMemory,
            BackendKind::Dlopen => Backend::Dlopen,
        }
    }
}

/// What the parent asks a child to do.
#[derive(Debug, Clone)]
pub struct ChildRequest {
    /// The kernel file.
    pub path: PathBuf,
    /// The kernel name (as discovery named it: it seeds the inputs).
    pub name: String,
    pub backend: BackendKind,
    pub arch: Arch,
    pub opt: String,
    /// Explicit CPU; `$LOADER_CPU` or native when `None`.
    pub cpu: Option<String>,
    pub clang: Option<PathBuf>,
}

impl ChildRequest {
    /// The command-line arguments of `exec-one` that reproduce this request.
    pub fn to_args(&self) -> Vec<String> {
        let mut a = vec![
            "exec-one".to_string(),
            "--kernel".into(),
            self.path.display().to_string(),
            "--name".into(),
            self.name.clone(),
            "--backend".into(),
            self.backend.name().into(),
            "--arch".into(),
            self.arch.name().into(),
            "--opt".into(),
            self.opt.clone(),
        ];
        if let Some(c) = &self.cpu {
            a.extend(["--cpu".into(), c.clone()]);
        }
        if let Some(c) = &self.clang {
            a.extend(["--clang".into(), c.display().to_string()]);
        }
        a
    }
}

fn stage(name: &str) {
    // Progress markers on stderr: the tail tells where a crash happened.
    eprintln!("stage: {name}");
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

/// Runs one request in this process and returns its result. Crashes in
/// the kernel take the process down: that is why this runs in a child.
pub fn execute(req: &ChildRequest) -> ChildResult {
    let mut result = ChildResult {
        kernel: req.name.clone(),
        backend: req.backend.name().into(),
        arch: req.arch.name().into(),
        opt: req.opt.clone(),
        outcome: ChildOutcome::Error {
            stage: "start".into(),
            message: String::new(),
        },
        relocations: BTreeMap::new(),
        timings: Timings::default(),
    };
    result.outcome = match run(req, &mut result) {
        Ok(o) => o,
        Err((stage, message)) => ChildOutcome::Error {
            stage: stage.into(),
            message,
        },
    };
    result
}

type StageError = (&'static str, String);

fn run(req: &ChildRequest, result: &mut ChildResult) -> Result<ChildOutcome, StageError> {
    stage("spec");
    let text = std::fs::read_to_string(&req.path)
        .map_err(|e| ("spec", format!("{}: {e}", req.path.display())))?;
    let spec = KernelSpec::parse_named(&req.name, &req.path, &text)
        .map_err(|e| ("spec", e.to_string()))?;
    if Arch::host() != Some(req.arch) {
        return Err((
            "start",
            format!(
                "this harness binary runs on {}, it cannot execute {} code (run a harness built for {} under qemu-user)",
                Arch::host().map_or("an unsupported host", |a| a.name()),
                req.arch,
                req.arch
            ),
        ));
    }
    load_libm();
    let mut inputs = spec.inputs();
    let resolver = extern_resolver(&mut inputs);
    let clang = find_clang(req.clang.as_deref()).map_err(|e| ("compile", e.to_string()))?;
    let mut compiler = loader::Compiler::with_clang(clang, req.arch);
    compiler.opt_level = req.opt.clone();
    // Without --cpu, `with_clang` chose `$LOADER_CPU` or native.
    if let Some(c) = &req.cpu {
        compiler.cpu = Cpu::parse(c);
    }
    compiler.extra_flags = spec.flags.clone();
    let jit = Jit::with_options(JitOptions {
        compiler,
        backend: req.backend.loader_backend(),
        resolver: Some(resolver),
        process_symbols: true,
        record_log: req.backend == BackendKind::Jit,
        // The default layout, the one users run (read-only data apart is
        // checked by the loader's own tests).
        separate_read_only: false,
        dlopen_link_args: JitOptions::dlopen_link_args_from_env(),
        // Every request is compiled: compile timings stay real.
        cache: None,
        debug: loader::DebugOptions::from_env(),
    });

    stage("compile");
    let t = Instant::now();
    let object = jit
        .compile(&spec.source, language(spec.lang))
        .map_err(|e| ("compile", e.to_string()))?;
    result.timings.compile_ms = ms(t);

    stage("load");
    let t = Instant::now();
    let module = jit
        .load_object(&object)
        .map_err(|e| ("load", e.to_string()))?;
    result.timings.load_ms = ms(t);
    for r in module.relocation_log() {
        *result
            .relocations
            .entry(r.type_name.to_string())
            .or_insert(0) += 1;
    }

    let entries = EntryPoints::resolve(&spec, &module).map_err(|e| (e.stage(), e.to_string()))?;

    stage("call");
    let t = Instant::now();
    let last = inputs.calls.len().saturating_sub(1);
    let returns = entries
        .make_calls(
            &mut inputs,
            |_| true,
            |i, call| {
                if i < 4 || i == last {
                    stage(&format!("call #{i} {}", call.name));
                }
            },
        )
        .map_err(|e| (e.stage(), e.to_string()))?;
    result.timings.call_ms = ms(t);
    drop(entries);
    drop(module);
    stage("done");
    Ok(encode_outputs(&inputs.into_outputs(returns)))
}

/// Runs the request and prints the result line; the exit status is 0 even
/// when a stage failed (the result says so), non-zero only if printing
/// failed.
pub fn main(req: &ChildRequest) -> i32 {
    let result = execute(req);
    let line = match serde_json::to_string(&result) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("cannot encode the result: {e}");
            return 3;
        }
    };
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{RESULT_PREFIX}{line}")
        .and_then(|_| out.flush())
        .is_err()
    {
        return 3;
    }
    0
}
