//! Supplying the addresses of symbols a kernel does not define: the
//! interface the link step asks, and resolvers that need no host.

use std::collections::HashMap;

/// Answers the address of an undefined symbol, or `None` if it does not
/// know it. The pure link step asks only the resolver it is given; the
/// in-memory loader chains the caller's resolver with the process's
/// symbols (`loader::resolve::ProcessSymbols`).
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

/// The caller's resolver, then another one.
#[allow(missing_debug_implementations)]
pub struct Chain<'a, 'b>(pub &'a dyn Resolver, pub &'b dyn Resolver);

impl Resolver for Chain<'_, '_> {
    fn resolve(&self, name: &str) -> Option<u64> {
        self.0.resolve(name).or_else(|| self.1.resolve(name))
    }
}
