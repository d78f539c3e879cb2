//! `conformance census`: every kernel compiled for every architecture and
//! linked at a fixed base; per architecture, every relocation type seen,
//! how often, and whether the kernels using it linked.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use loader::Arch;

use super::fixed::{compile_and_link, FixedError, FixedLink};
use super::pool::parallel_map;
use crate::spec::KernelSpec;

/// One relocation type on one architecture.
#[derive(Debug, Clone, Default)]
pub struct TypeCensus {
    /// Occurrences over the corpus.
    pub count: usize,
    /// Kernels that use it.
    pub kernels: usize,
    /// Of those, kernels that linked.
    pub linked: usize,
    /// Whether the loader has a rule for it.
    pub known: bool,
}

/// The census of one architecture.
#[derive(Debug, Clone)]
pub struct ArchCensus {
    pub arch: Arch,
    pub types: BTreeMap<String, TypeCensus>,
    pub linked: usize,
    pub total: usize,
    /// Kernel name and error message of every kernel that did not link.
    pub errors: Vec<(String, String)>,
    /// Kernels that did not compile.
    pub compile_errors: Vec<(String, String)>,
}

fn known_to_loader(arch: Arch, name: &str) -> bool {
    // The loader's names are the psABI names; look the number up through
    // the loader's own table.
    (0..2048u32).any(|t| arch.reloc_name(t) == Some(name))
}

/// Builds the census of one architecture from its fixed-base links.
pub fn summarise(arch: Arch, links: &[FixedLink]) -> ArchCensus {
    let mut c = ArchCensus {
        arch,
        types: BTreeMap::new(),
        linked: 0,
        total: links.len(),
        errors: Vec::new(),
        compile_errors: Vec::new(),
    };
    for l in links {
        match &l.outcome {
            Ok(_) => c.linked += 1,
            Err(FixedError::Compile(m)) => {
                let m = match &l.skip {
                    Some(r) => format!("(skipped on this arch: {r}) {m}"),
                    None => m.clone(),
                };
                c.compile_errors.push((l.kernel.clone(), m))
            }
            Err(e @ FixedError::Link(_)) => c.errors.push((l.kernel.clone(), e.to_string())),
        }
        for (name, n) in &l.object_relocs {
            let t = c.types.entry(name.clone()).or_default();
            t.count += n;
            t.kernels += 1;
            if l.linked() {
                t.linked += 1;
            }
        }
    }
    for (name, t) in c.types.iter_mut() {
        t.known = known_to_loader(arch, name);
    }
    c
}

/// Compiles and links every kernel for `arch` (on `jobs` threads).
pub fn census_arch(
    specs: &[KernelSpec],
    arch: Arch,
    clang: &Path,
    opt: &str,
    jobs: usize,
) -> ArchCensus {
    let links = parallel_map(specs, jobs, |s| compile_and_link(s, arch, clang, opt));
    summarise(arch, &links)
}

/// The human-readable census of one architecture.
pub fn render(c: &ArchCensus) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "== {}: {}/{} kernels linked ==",
        c.arch.name(),
        c.linked,
        c.total
    );
    let width = c.types.keys().map(|k| k.len()).max().unwrap_or(4).max(4);
    let _ = writeln!(
        s,
        "  {:width$}  {:>6}  {:>7}  {:>6}  loader",
        "type", "count", "kernels", "linked"
    );
    for (name, t) in &c.types {
        let _ = writeln!(
            s,
            "  {name:width$}  {:>6}  {:>7}  {:>6}  {}",
            t.count,
            t.kernels,
            t.linked,
            if t.known { "known" } else { "MISSING" }
        );
    }
    if !c.errors.is_empty() {
        let _ = writeln!(s, "  link errors:");
        for (k, e) in &c.errors {
            let first = e.lines().next().unwrap_or("");
            let _ = writeln!(s, "    {k}: {first}");
        }
    }
    if !c.compile_errors.is_empty() {
        let _ = writeln!(s, "  compile errors:");
        for (k, e) in &c.compile_errors {
            let first = e.lines().take(3).collect::<Vec<_>>().join(" | ");
            let _ = writeln!(s, "    {k}: {first}");
        }
    }
    s
}
