//! `jitload run`: compile a kernel for the host, load it (in memory, or
//! through the dlopen backend), make the calls of its call plan and print
//! every return value and the buffers the kernel writes.

use std::fmt::Write as _;

use conformance::runner::calls::{extern_resolver, load_libm, EntryPoints};
use conformance::runner::fixed::language;
use conformance::spec::{ArgValue, Buffer, Call, Direction, KernelSpec, Scalar};
use loader::{Arch, Backend, Compiler, Jit, JitOptions};

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
    let mut jit_options = JitOptions::host()?;
    jit_options.compiler = options.compiler.clone();
    jit_options
        .compiler
        .extra_flags
        .extend(spec.flags.iter().cloned());
    jit_options.backend = options.backend;
    jit_options.resolver = Some(extern_resolver(&mut inputs));
    let jit = Jit::with_options(jit_options);
    let module = jit.load_source(&spec.source, language(spec.lang))?;

    let entries = EntryPoints::resolve(spec, &module)?;
    let selected = |call: &Call| options.entry.as_ref().is_none_or(|e| *e == call.name);
    let returns = entries.make_calls(&mut inputs, selected, |_, _| {})?;
    drop(entries);
    drop(module);

    let mut out = String::new();
    for (i, (call, ret)) in inputs.calls.iter().zip(&returns).enumerate() {
        if !selected(call) {
            continue;
        }
        let shown: Vec<String> = call
            .args
            .iter()
            .map(|a| match a.value {
                ArgValue::Scalar(s) => format!("{} = {}", a.name, short(s)),
                ArgValue::Buffer(b) => format!("{} = &{}", a.name, inputs.buffers[b].name()),
            })
            .collect();
        let _ = write!(out, "call #{i}: {}({})", call.name, shown.join(", "));
        match ret {
            Some(r) => {
                let _ = writeln!(out, " = {r}");
            }
            None => out.push('\n'),
        }
    }
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
