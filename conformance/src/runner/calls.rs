//! Making the calls of a kernel's call plan on a loaded module: the one
//! implementation behind the harness child (`exec-one`) and `jitload run`.
//! Loading differs between the two (the child times compile and load
//! apart); what the module is given and how it is called does not.

use std::collections::HashMap;
use std::sync::Arc;

use loader::{Function, Module, ScalarType, SharedResolver, Signature, Type, Value};

use crate::spec::{ArgValue, Call, Entry, Inputs, KernelSpec, ParamKind, Scalar};

/// Why the calls of a kernel could not be made. Each keeps the loader's
/// message as it is.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// libffi rejected the signature of an entry point.
    #[error("{0}")]
    Signature(#[source] loader::Error),
    /// An entry point is not in the module.
    #[error("{0}")]
    Lookup(#[source] loader::Error),
    /// The call plan names an entry or a buffer the kernel does not have
    /// (a bug of the input generator, reported rather than panicking).
    #[error("call #{call}: {problem}")]
    Plan { call: usize, problem: String },
    /// The loader refused a call (arguments that do not fit the signature).
    #[error("{0}")]
    Call(#[source] loader::Error),
}

impl CallError {
    /// The stage of a harness run it belongs to (`load`: finding the entry
    /// points; `call`: the rest).
    pub fn stage(&self) -> &'static str {
        match self {
            CallError::Lookup(_) => "load",
            CallError::Signature(_) | CallError::Plan { .. } | CallError::Call(_) => "call",
        }
    }
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

/// The resolver a kernel is loaded with: its extern data symbols are the
/// buffers of `inputs` (owned by this process, so they must outlive the
/// module); missing compiler-rt helpers come from the harness.
pub fn extern_resolver(inputs: &mut Inputs) -> SharedResolver {
    let externs: HashMap<String, u64> = inputs
        .externs
        .iter_mut()
        .map(|b| (b.name().to_string(), b.as_mut_ptr() as u64))
        .collect();
    Arc::new(move |name: &str| {
        externs
            .get(name)
            .copied()
            .or_else(|| super::helpers::fallback(name))
    })
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

/// A kernel's entry points in a loaded module, in header order, with their
/// signatures prepared.
pub struct EntryPoints<'m> {
    entries: Vec<(Signature, Function<'m>, Option<ScalarType>)>,
}

impl<'m> EntryPoints<'m> {
    /// Finds every entry of `spec` in `module`.
    pub fn resolve(spec: &KernelSpec, module: &'m Module) -> Result<EntryPoints<'m>, CallError> {
        let mut entries = Vec::with_capacity(spec.entries.len());
        for e in &spec.entries {
            let sig = entry_signature(e).map_err(CallError::Signature)?;
            let f = module.function(&e.name).map_err(CallError::Lookup)?;
            entries.push((sig, f, e.ret));
        }
        Ok(EntryPoints { entries })
    }

    /// Makes the calls of `inputs` that `select` accepts, in plan order,
    /// on the buffers of `inputs`. `before` is told of each call just
    /// before it is made (a progress marker there says which call a crash
    /// happened in). Returns one value per call of the plan: the result,
    /// or `None` for a `void` entry or a call not made.
    pub fn make_calls(
        &self,
        inputs: &mut Inputs,
        mut select: impl FnMut(&Call) -> bool,
        mut before: impl FnMut(usize, &Call),
    ) -> Result<Vec<Option<Scalar>>, CallError> {
        let pointers: Vec<*mut u8> = inputs.buffers.iter_mut().map(|b| b.as_mut_ptr()).collect();
        let mut returns = Vec::with_capacity(inputs.calls.len());
        for (i, call) in inputs.calls.iter().enumerate() {
            if !select(call) {
                returns.push(None);
                continue;
            }
            let Some((sig, f, ret)) = self.entries.get(call.entry) else {
                return Err(CallError::Plan {
                    call: i,
                    problem: format!("no entry #{}", call.entry),
                });
            };
            let mut args = Vec::with_capacity(call.args.len());
            for a in &call.args {
                args.push(match a.value {
                    ArgValue::Scalar(s) => scalar_value(s),
                    ArgValue::Buffer(b) => match pointers.get(b) {
                        Some(&p) => Value::Ptr(p.cast()),
                        None => {
                            return Err(CallError::Plan {
                                call: i,
                                problem: format!("argument `{}` names no buffer", a.name),
                            })
                        }
                    },
                });
            }
            before(i, call);
            // SAFETY: the signature is built from the kernel's `fn`
            // directive (or the command line's), which the kernel author
            // keeps equal to the C/IR definition; every pointer argument is
            // a live buffer of this process, as long as the header declares
            // (plus a guard zone), and the module outlives the call. A
            // kernel that breaks this crashes this process: the harness runs
            // it in a child for that reason.
            let r = unsafe { f.call(sig, &args) }.map_err(CallError::Call)?;
            returns.push(ret.map(|t| Scalar::from_bits(t, r.bits())));
        }
        Ok(returns)
    }
}
