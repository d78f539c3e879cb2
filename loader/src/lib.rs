//! In-memory JIT loader for clang-compiled kernels.
//!
//! C source or LLVM IR goes to `clang -c` on stdin; the relocatable ELF
//! object comes back on stdout; this crate parses it, lays its sections out
//! in one anonymous mapping, applies the relocations itself (x86_64,
//! aarch64, riscv64, loongarch64, ppc64le), flips the protections (code and
//! constants read+execute, or constants read-only with
//! `JitOptions::separate_read_only`; data read+write: never writable and
//! executable at once), flushes the instruction cache, and calls the code
//! through libffi or a typed function pointer. No temp file, no `dlopen`, no
//! LLVM library: only a `clang` binary.
//!
//! The layers, each usable alone:
//! - [`compile`]: the clang driver ([`Compiler`]).
//! - [`link`]: the pure, host-independent link step: object bytes +
//!   architecture + base address + [`Resolver`] -> relocated image, symbols
//!   and a relocation log. Every architecture links on every host.
//! - [`Module`]: mapping, protection and lookup on the host.
//! - [`Jit`]: all of the above behind one call, with the dlopen fallback
//!   ([`Backend::Dlopen`]) as a second backend.
//!
//! ```
//! use loader::{Jit, Language, Signature, Type, Value};
//! let jit = Jit::new()?;
//! let module = jit.load_source(
//!     "double scale(double x, int n) { return x * n; }",
//!     Language::C,
//! )?;
//! let sig = Signature::new(&[Type::F64, Type::I32], Type::F64)?;
//! let scale = module.function("scale")?;
//! // SAFETY: `sig` is the C signature of `scale`.
//! let r = unsafe { scale.call(&sig, &[Value::F64(1.5), Value::I32(4)])? };
//! assert_eq!(r, Value::F64(6.0));
//! # Ok::<(), loader::Error>(())
//! ```
#![warn(missing_debug_implementations)]

pub mod arch;
mod batch;
pub mod bits;
pub mod cache;
pub mod call;
pub mod compile;
pub mod debug;
#[cfg(feature = "dlopen-fallback")]
mod dlopen;
mod error;
pub mod link;
mod memory;
mod module;
pub mod resolve;

pub use arch::Arch;
pub use call::{FnPtr, ScalarType, Signature, Type, Value};
pub use compile::{Compiler, Cpu, Language, CLANG_ENV, CPU_ENV};
pub use debug::DebugOptions;
pub use error::{Error, Result};
pub use memory::page_size;
pub use module::{
    Backend, Function, Jit, JitOptions, Module, SharedResolver, TypedFunction, DLOPEN_LINK_ARGS_ENV,
};
pub use resolve::Resolver;
