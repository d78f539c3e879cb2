//! In-memory JIT loader for clang-compiled kernels.
#![warn(missing_debug_implementations)]

pub mod arch;
pub mod bits;
mod error;
pub mod link;
pub mod resolve;

pub use arch::Arch;
pub use error::{Error, Result};
pub use resolve::Resolver;
pub mod compile;

pub use compile::{Compiler, Cpu, Language};
