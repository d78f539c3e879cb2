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
    /// Kernels not compiled for this arch with this clang (`min-clang`),
    /// or that did not compile where a `skip` directive says why: kernel
    /// and reason. Neither counts as an error.
    pub skipped: Vec<(String, String)>,
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
        skipped: Vec::new(),
    };
    for l in links {
        match &l.outcome {
            Ok(_) => c.linked += 1,
            Err(FixedError::Compile(m)) => match &l.skip {
                Some(r) => c.skipped.push((l.kernel.clone(), r.clone())),
                None => c.compile_errors.push((l.kernel.clone(), m.clone())),
            },
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

/// Compiles and links every kernel for `arch` (on `jobs` threads), except
/// the kernels that need a newer clang than `clang_version` on `arch`.
pub fn census_arch(
    specs: &[KernelSpec],
    arch: Arch,
    clang: &Path,
    clang_version: Option<u32>,
    opt: &str,
    jobs: usize,
) -> ArchCensus {
    let too_new = |s: &KernelSpec| match (s.min_clang_version_for(arch), clang_version) {
        (Some(need), Some(have)) if have < need => Some(need),
        _ => None,
    };
    let (runnable, unsupported): (Vec<&KernelSpec>, Vec<&KernelSpec>) =
        specs.iter().partition(|s| too_new(s).is_none());
    let links = parallel_map(&runnable, jobs, |s| compile_and_link(s, arch, clang, opt));
    let mut c = summarise(arch, &links);
    c.total += unsupported.len();
    for s in unsupported {
        let need = too_new(s).unwrap_or_default();
        c.skipped.push((
            s.name.clone(),
            format!("needs clang >= {need} on this arch"),
        ));
    }
    c.skipped.sort();
    c
}

/// The human-readable census of one architecture.
pub fn render(c: &ArchCensus) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "== {}: {}/{} kernels linked ({} skipped) ==",
        c.arch.name(),
        c.linked,
        c.total,
        c.skipped.len()
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
    if !c.skipped.is_empty() {
        let _ = writeln!(s, "  skipped ({}):", c.skipped.len());
        for (k, r) in &c.skipped {
            let _ = writeln!(s, "    {k}: {r}");
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

/// Whether a kernel comes from `cargo xtask gen-kernels` (the `generated`
/// and `generated-ir` categories) rather than being written by hand.
pub fn is_generated(spec: &KernelSpec) -> bool {
    spec.category().starts_with("generated")
}

/// The counts a status report needs, after the per-arch censuses: kernels
/// by language and origin, Rust references, relocation snapshots per clang
/// version and arch (below `snapshots`), relocation types per arch.
pub fn counts(specs: &[KernelSpec], censuses: &[ArchCensus], snapshots: &Path) -> String {
    use crate::spec::Lang;
    let mut s = String::from("== counts ==\n");
    let n = |generated: bool, lang: Lang| {
        specs
            .iter()
            .filter(|k| is_generated(k) == generated && k.lang == lang)
            .count()
    };
    let (hc, hi, gc, gi) = (
        n(false, Lang::C),
        n(false, Lang::Ir),
        n(true, Lang::C),
        n(true, Lang::Ir),
    );
    let _ = writeln!(
        s,
        "  kernels: {} ({} C, {} IR); hand-written {} ({hc} C, {hi} IR); generated {} ({gc} C, {gi} IR)",
        specs.len(),
        hc + gc,
        hi + gi,
        hc + hi,
        gc + gi
    );
    let refs = specs
        .iter()
        .filter(|k| crate::reference::reference(&k.name).is_some())
        .count();
    let _ = writeln!(s, "  kernels with a Rust reference: {refs}");
    let mut versions: Vec<_> = std::fs::read_dir(snapshots)
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    versions.sort();
    for v in versions {
        let per_arch: Vec<String> = Arch::ALL
            .iter()
            .map(|a| {
                format!(
                    "{} {}",
                    a.name(),
                    crate::snapshot::files(&v.join(a.name())).len()
                )
            })
            .collect();
        let _ = writeln!(
            s,
            "  snapshots {}: {}",
            v.file_name().unwrap_or_default().to_string_lossy(),
            per_arch.join(", ")
        );
    }
    for c in censuses {
        let applied = c.types.values().filter(|t| t.linked > 0).count();
        let missing = c.types.values().filter(|t| !t.known).count();
        let _ = writeln!(
            s,
            "  relocation types {}: {} in the objects, {applied} applied by a successful link, {missing} unknown to the loader; {}/{} kernels linked, {} skipped",
            c.arch.name(),
            c.types.len(),
            c.linked,
            c.total - c.skipped.len(),
            c.skipped.len()
        );
    }
    s
}
