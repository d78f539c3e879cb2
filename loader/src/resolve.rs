//! Supplying the addresses of symbols a kernel does not define.

use std::collections::HashMap;

/// Answers the address of an undefined symbol, or `None` if it does not
/// know it. The in-memory loader asks the caller's resolver first, then
/// `dlsym(RTLD_DEFAULT, name)`; the pure link step asks only the resolver.
pub trait Resolver {
    fn resolve(&self, name: &str) -> Option<u64>;
}

impl<F: Fn(&str) -> Option<u64>> Resolver for F {
    fn resolve(&self, name: &str) -> Option<u64> {
        self(name)
    }
}

impl Resolver for HashMap<String, u64> {
    fn resolve(&self, name: &str) -> Option<u64> {
        self.get(name).copied()
    }
}

impl Resolver for HashMap<&str, u64> {
    fn resolve(&self, name: &str) -> Option<u64> {
        self.get(name).copied()
    }
}

/// Resolves nothing.
#[derive(Debug, Clone, Copy)]
pub struct NoSymbols;

impl Resolver for NoSymbols {
    fn resolve(&self, _: &str) -> Option<u64> {
        None
    }
}

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

/// The caller's resolver, then another one.
#[allow(missing_debug_implementations)]
pub struct Chain<'a, 'b>(pub &'a dyn Resolver, pub &'b dyn Resolver);

impl Resolver for Chain<'_, '_> {
    fn resolve(&self, name: &str) -> Option<u64> {
        self.0.resolve(name).or_else(|| self.1.resolve(name))
    }
}
