//! The Rust reference oracle: for the kernels `crate::reference` covers,
//! the expected outputs computed in Rust from the same generated inputs.

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::reference::reference;
use crate::spec::{KernelSpec, Outputs};

/// The reference outputs of `spec`, if it has a reference; a panic in the
/// reference (a stale reference for a changed header) is an error, not a
/// harness crash.
pub fn reference_outputs(spec: &KernelSpec) -> Option<Result<Outputs, String>> {
    let f = reference(&spec.name)?;
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut inputs = spec.inputs();
        let returns = f(&mut inputs);
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
