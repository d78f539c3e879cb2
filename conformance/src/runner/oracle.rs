//! The Rust reference oracle: for the kernels `crate::reference` covers,
//! the expected outputs computed in Rust from the same generated inputs.

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::spec::{Inputs, KernelSpec, Outputs, Scalar};

/// A reference implementation: updates the buffers and externs of
/// `inputs` as the kernel would, and returns the return value of every
/// call of `inputs.calls` (`None` for void entries), in order.
pub type ReferenceFn = fn(&KernelSpec, &mut Inputs) -> Vec<Option<Scalar>>;

/// The reference of a kernel, by name.
///
/// `crate::reference` has no implementations yet; once it exports a
/// lookup of this shape, it is wired in here, and every harness report
/// gains a `reference` verdict for those kernels.
pub fn find(name: &str) -> Option<ReferenceFn> {
    let _ = name;
    None
}

/// The reference outputs of `spec`, if it has a reference; a panic in the
/// reference (a stale reference for a changed header) is an error, not a
/// harness crash.
pub fn reference_outputs(spec: &KernelSpec) -> Option<Result<Outputs, String>> {
    let f = find(&spec.name)?;
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut inputs = spec.inputs();
        let returns = f(spec, &mut inputs);
        inputs.into_outputs(returns)
    }));
    Some(result.map_err(|p| {
        let msg = p
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "panic".into());
        format!("the reference panicked: {msg}")
    }))
}
