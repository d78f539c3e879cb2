//! Conformance corpus and harness.
//!
//! [`spec`] is the kernel corpus format: the header parser, the deterministic
//! input generator and the output comparison. [`reference`] holds Rust
//! reference implementations for part of the corpus, so that a bug shared by
//! both loader backends (or by clang) is still caught. [`runner`] is the
//! harness: child-process execution, comparison, census and reports.
//! [`snapshot`] is the relocation snapshot format, written by the snapshot
//! test and read by [`clang_diff`] (`conformance clang-diff`).
//! [`gen_kernels`] writes the generated part of the corpus.

pub mod clang_diff;
pub mod gen_kernels;
pub mod reference;
pub mod reference_generated;
pub mod runner;
pub mod snapshot;
pub mod spec;
