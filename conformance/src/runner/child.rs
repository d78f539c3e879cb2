//! The child side of a run (`conformance exec-one`): compile one kernel,
//! load it through one backend, make the calls of its call plan through
//! libffi, and print the outputs. Runs in its own process so that a crash
//! or a hang of the kernel (or of the loader) costs only this run.

use std::collections::{BTreeMap, HashMap};
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use loader::{compile::find_clang, Arch, Backend, Cpu, Jit, JitOptions, Signature, Type, Value};

use super::fixed::language;
use super::wire::{encode_outputs, ChildOutcome, ChildResult, Timings, RESULT_PREFIX};
use crate::spec::{ArgValue, Entry, KernelSpec, ParamKind, Scalar};

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

/// The loader's call value of a kernel-format scalar.
pub fn scalar_value(s: Scalar) -> Value {
    Value::from_bits(s.ty(), s.bits())
}

/// The libffi signature of a kernel entry point.
pub fn entry_signature(e: &Entry) -> loader::Result<Signature> {
    let params: Vec<Type> = e
        .params
        .iter()
        .map(|p| match p.kind {
            ParamKind::Scalar(t) => Type::Scalar(t),
            ParamKind::Pointer(_) => Type::Ptr,
        })
        .collect();
    Signature::new(&params, e.ret.map_or(Type::Void, Type::Scalar))
}

/// Makes the process's libm global, so that `dlsym(RTLD_DEFAULT, "sin")`
/// (the in-memory backend) and the dynamic loader (the dlopen backend)
/// find it even when the harness itself does not link it.
pub fn load_libm() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: a static NUL-terminated name; libm has no constructors
        // that could observe a partially initialised process.
        unsafe { libc::dlopen(c"libm.so.6".as_ptr(), libc::RTLD_NOW | libc::RTLD_GLOBAL) };
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

    // Extern data symbols live in buffers owned by this process; missing
    // compiler-rt helpers come from the harness.
    let externs: HashMap<String, u64> = inputs
        .externs
        .iter_mut()
        .map(|b| (b.name().to_string(), b.as_mut_ptr() as u64))
        .collect();
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
        resolver: Some(Arc::new(move |name: &str| {
            externs
                .get(name)
                .copied()
                .or_else(|| super::helpers::fallback(name))
        })),
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

    // One signature per entry.
    let mut sigs = Vec::with_capacity(spec.entries.len());
    for e in &spec.entries {
        let sig = entry_signature(e).map_err(|e| ("call", e.to_string()))?;
        let f = module
            .function(&e.name)
            .map_err(|err| ("load", err.to_string()))?;
        sigs.push((sig, f, e.ret));
    }

    stage("call");
    let t = Instant::now();
    let pointers: Vec<*mut u8> = inputs.buffers.iter_mut().map(|b| b.as_mut_ptr()).collect();
    let mut returns = Vec::with_capacity(inputs.calls.len());
    for (i, call) in inputs.calls.iter().enumerate() {
        let Some((sig, f, ret)) = sigs.get(call.entry) else {
            return Err(("call", format!("call #{i}: no entry #{}", call.entry)));
        };
        let mut args = Vec::with_capacity(call.args.len());
        for a in &call.args {
            args.push(match a.value {
                ArgValue::Scalar(s) => scalar_value(s),
                ArgValue::Buffer(b) => match pointers.get(b) {
                    Some(&p) => Value::Ptr(p.cast()),
                    None => {
                        return Err((
                            "call",
                            format!("call #{i}: argument `{}` names no buffer", a.name),
                        ))
                    }
                },
            });
        }
        if i < 4 || i + 1 == inputs.calls.len() {
            stage(&format!("call #{i} {}", call.name));
        }
        // SAFETY: the signature is built from the kernel's `fn` directive,
        // which the kernel author keeps equal to the C/IR definition; every
        // pointer argument is a live buffer of this process, as long as the
        // header declares (plus a guard zone), and the module outlives the
        // call. A kernel that breaks this crashes this child process only.
        let r = unsafe { f.call(sig, &args) }.map_err(|e| ("call", e.to_string()))?;
        returns.push(ret.map(|t| Scalar::from_bits(t, r.bits())));
    }
    result.timings.call_ms = ms(t);
    drop(sigs);
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
