//! `jitload run`: compile a kernel for the host, load it (in memory, or
//! through the dlopen backend), make the calls of its call plan and print
//! every return value and the buffers the kernel writes.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

use conformance::runner::child::{entry_signature, load_libm, scalar_value};
use conformance::runner::fixed::language;
use conformance::runner::helpers::fallback;
use conformance::spec::{ArgValue, Buffer, Direction, KernelSpec, Scalar};
use loader::{Arch, Backend, Compiler, Jit, JitOptions, Value};

use crate::error::{Error, Result};

/// How to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub compiler: Compiler,
    pub backend: Backend,
    /// Only the calls of this entry (all entries when `None`).
    pub entry: Option<String>,
    /// Buffer elements printed (the rest is counted).
    pub show: usize,
}

fn show_buffer(out: &mut String, what: &str, b: &Buffer, show: usize) {
    let n = b.len().min(show);
    let values: Vec<String> = (0..n).map(|i| short(b.get(i))).collect();
    let _ = write!(
        out,
        "{what} {}: {}[{}] {} = [{}",
        b.name(),
        b.elem(),
        b.len(),
        b.dir().name(),
        values.join(", ")
    );
    if b.len() > n {
        let _ = write!(out, ", ... ({} more)", b.len() - n);
    }
    out.push_str("]\n");
    if let Some(at) = b.guard_clobbered() {
        let _ = writeln!(
            out,
            "  WARNING: the kernel wrote past the end of `{}` (guard byte {at})",
            b.name()
        );
    }
}

/// A value without its bit pattern (buffers are long).
fn short(s: Scalar) -> String {
    let full = s.to_string();
    full.split(" (").next().unwrap_or(&full).to_string()
}

/// Runs `spec` and returns the report.
pub fn run(spec: &KernelSpec, options: &RunOptions) -> Result<String> {
    let arch = options.compiler.arch;
    if Arch::host() != Some(arch) {
        return Err(Error::Run(format!(
            "cannot execute {arch} code on this host; use `jitload relocs`/`dump`/`disasm` for other architectures, or run a {arch} build of jitload under qemu-{arch}"
        )));
    }
    if let Some(e) = &options.entry {
        if spec.entry(e).is_none() {
            return Err(Error::Run(format!(
                "no entry `{e}` in {} (entries: {})",
                spec.path.display(),
                spec.entries
                    .iter()
                    .map(|e| e.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    load_libm();
    let mut inputs = spec.inputs();
    let externs: HashMap<String, u64> = inputs
        .externs
        .iter_mut()
        .map(|b| (b.name().to_string(), b.as_mut_ptr() as u64))
        .collect();
    let mut jit_options = JitOptions::host()?;
    jit_options.compiler = options.compiler.clone();
    jit_options
        .compiler
        .extra_flags
        .extend(spec.flags.iter().cloned());
    jit_options.backend = options.backend;
    jit_options.resolver = Some(Arc::new(move |name: &str| {
        externs.get(name).copied().or_else(|| fallback(name))
    }));
    let jit = Jit::with_options(jit_options);
    let module = jit.load_source(&spec.source, language(spec.lang))?;

    let mut out = String::new();
    let mut functions = Vec::with_capacity(spec.entries.len());
    for e in &spec.entries {
        let sig = entry_signature(e)?;
        functions.push((sig, module.function(&e.name)?, e.ret));
    }
    let pointers: Vec<*mut u8> = inputs.buffers.iter_mut().map(|b| b.as_mut_ptr()).collect();
    for (i, call) in inputs.calls.iter().enumerate() {
        if options.entry.as_ref().is_some_and(|e| *e != call.name) {
            continue;
        }
        let (sig, f, ret) = &functions[call.entry];
        let mut args = Vec::with_capacity(call.args.len());
        let mut shown = Vec::with_capacity(call.args.len());
        for a in &call.args {
            match a.value {
                ArgValue::Scalar(s) => {
                    args.push(scalar_value(s));
                    shown.push(format!("{} = {}", a.name, short(s)));
                }
                ArgValue::Buffer(b) => {
                    args.push(Value::Ptr(pointers[b].cast()));
                    shown.push(format!("{} = &{}", a.name, inputs.buffers[b].name()));
                }
            }
        }
        // SAFETY: the signature is the kernel header's `fn` directive (or
        // the command line's), which must match the definition: that is
        // the contract of `run`, as of the harness. Pointer arguments are
        // live buffers of this process sized by the header, with a guard
        // zone after each.
        let r = unsafe { f.call(sig, &args) }?;
        let _ = write!(out, "call #{i}: {}({})", call.name, shown.join(", "));
        match ret {
            Some(t) => {
                let _ = writeln!(out, " = {}", Scalar::from_bits(*t, r.bits()));
            }
            None => out.push('\n'),
        }
    }
    drop(functions);
    drop(module);
    for b in &inputs.buffers {
        if b.dir() != Direction::In {
            show_buffer(&mut out, "buffer", b, options.show);
        }
    }
    for b in &inputs.externs {
        if b.dir() != Direction::In {
            show_buffer(&mut out, "extern", b, options.show);
        }
    }
    Ok(out)
}
