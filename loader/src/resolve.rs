//! Supplying the addresses of symbols a kernel does not define: the
//! [`Resolver`] interface of the link step, and the resolver of this
//! process's own symbols, which only a load into this process may ask.

pub use crate::link::resolve::{Chain, NoSymbols, Resolver};

/// The process's global symbols, through `dlsym(RTLD_DEFAULT, name)`.
#[derive(Debug, Clone, Copy)]
pub struct ProcessSymbols;

impl Resolver for ProcessSymbols {
    fn resolve(&self, name: &str) -> Option<u64> {
        let name = std::ffi::CString::new(name).ok()?;
        // SAFETY: `name` is a valid NUL-terminated string that outlives the
        // call; RTLD_DEFAULT is a pseudo-handle dlsym accepts.
        let addr = unsafe { libc::dlsym(libc::RTLD_DEFAULT, name.as_ptr()) };
        (!addr.is_null()).then_some(addr as u64)
    }
}
