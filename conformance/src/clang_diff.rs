//! `conformance clang-diff A B`: what changed between two clang versions
//! over the whole corpus, read from their committed relocation snapshot
//! sets (`snapshots/clang-A` and `snapshots/clang-B`; see [`crate::snapshot`]).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use loader::Arch;

use crate::snapshot::{self, reloc_shape, Snapshot, Status};

pub const HELP: &str = "\
conformance clang-diff A B [--arch LIST|all] [--top N] [--all]

What changed between clang-A and clang-B (majors, e.g. `14 19`), per arch,
over the whole corpus:
  * kernels whose status changed (linked / link or compile error / skipped
    because the kernel needs a newer clang);
  * relocation kinds that appeared or disappeared (with the kernels using them);
  * kernels whose relocation log changed: a relocation of another type,
    symbol or target kind (positions, values and label numbers ignored);
    kernels whose relocations only moved are counted apart;
  * kernels whose external symbols changed (new libcalls, helpers);
  * code size (executable bytes of the object): per-arch total over the
    kernels both compiled, and the --top N (default 10) biggest per-kernel
    changes. --all lists every changed kernel (default: the first 20).

Reads the committed snapshot sets conformance/snapshots/clang-A/<arch>/ and
clang-B/<arch>/ (what `cargo test -p conformance --test snapshots` checks:
baseline CPU, -O2, fixed-base link); compiles nothing. Refresh a set with
`INSTA_UPDATE=always cargo test -p conformance --test snapshots` (README:
\"When clang changes\"). Touches nothing.
";

/// What to compare: `clang-<a>` with `clang-<b>` on `arches`.
#[derive(Debug, Clone)]
pub struct Options {
    pub a: u32,
    pub b: u32,
    pub arches: Vec<Arch>,
    /// Per-kernel code size changes listed per arch.
    pub top: usize,
    /// List every changed kernel, not the first 20.
    pub all: bool,
}

/// A clang major from the command line: `14` or `clang-14`.
pub fn major(v: &str) -> Result<u32, String> {
    let v = v.strip_prefix("clang-").unwrap_or(v);
    v.parse()
        .map_err(|_| format!("`{v}` is not a clang major version (e.g. 14 or clang-14)"))
}

fn shapes(s: &Snapshot) -> Vec<String> {
    let mut v: Vec<String> = s.relocs.iter().map(|l| reloc_shape(l)).collect();
    v.sort_unstable();
    v
}

/// The differences on one arch.
#[derive(Debug, Default, PartialEq)]
pub struct ArchDiff {
    /// Kernels in both sets.
    pub common: usize,
    pub only_a: Vec<String>,
    pub only_b: Vec<String>,
    /// Kernel, status in A, status in B.
    pub status_changed: Vec<(String, Status, Status)>,
    /// Type -> kernels using it, for types only one side has (over the
    /// kernels both clangs compiled: a kernel the older one skips does not
    /// make its relocations "appear").
    pub appeared: BTreeMap<String, Vec<String>>,
    pub disappeared: BTreeMap<String, Vec<String>>,
    /// Linked on both sides; the relocations differ in type, symbol or target.
    pub log_changed: Vec<String>,
    /// Linked on both sides; the same relocations at other places/values.
    pub log_moved: Vec<String>,
    /// Linked on both sides: kernel, externals only in A, only in B.
    pub externals_changed: Vec<(String, Vec<String>, Vec<String>)>,
    /// Code bytes in A and B, summed over kernels both compiled.
    pub code_a: u64,
    pub code_b: u64,
    /// Kernel, bytes in A, bytes in B (those that differ).
    pub code_changes: Vec<(String, u64, u64)>,
}

/// Relocation type -> kernels using it, over the kernels of `set` that
/// `compiled` says both clangs compiled.
fn type_users<'a>(
    set: &'a BTreeMap<String, Snapshot>,
    compiled: &BTreeSet<&str>,
) -> BTreeMap<&'a str, Vec<String>> {
    let mut m: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (k, s) in set.iter().filter(|(k, _)| compiled.contains(k.as_str())) {
        for t in s.types.keys() {
            m.entry(t.as_str()).or_default().push(k.clone());
        }
    }
    m
}

/// Compares two snapshot sets of one arch (kernel name -> snapshot).
pub fn diff_arch(a: &BTreeMap<String, Snapshot>, b: &BTreeMap<String, Snapshot>) -> ArchDiff {
    let mut d = ArchDiff {
        only_a: a.keys().filter(|k| !b.contains_key(*k)).cloned().collect(),
        only_b: b.keys().filter(|k| !a.contains_key(*k)).cloned().collect(),
        ..ArchDiff::default()
    };
    let compiled: BTreeSet<&str> = a
        .iter()
        .filter(|(k, sa)| {
            sa.status != Status::Skipped && b.get(*k).is_some_and(|sb| sb.status != Status::Skipped)
        })
        .map(|(k, _)| k.as_str())
        .collect();
    let (users_a, users_b) = (type_users(a, &compiled), type_users(b, &compiled));
    for (t, ks) in &users_b {
        if !users_a.contains_key(t) {
            d.appeared.insert(t.to_string(), ks.clone());
        }
    }
    for (t, ks) in &users_a {
        if !users_b.contains_key(t) {
            d.disappeared.insert(t.to_string(), ks.clone());
        }
    }
    for (k, sa) in a {
        let Some(sb) = b.get(k) else { continue };
        d.common += 1;
        let same_status = matches!(
            (&sa.status, &sb.status),
            (Status::Linked, Status::Linked)
                | (Status::Error(_), Status::Error(_))
                | (Status::Skipped, Status::Skipped)
        );
        if !same_status {
            d.status_changed
                .push((k.clone(), sa.status.clone(), sb.status.clone()));
        }
        if sa.status == Status::Linked && sb.status == Status::Linked && sa.relocs != sb.relocs {
            if shapes(sa) != shapes(sb) {
                d.log_changed.push(k.clone());
            } else {
                d.log_moved.push(k.clone());
            }
        }
        if sa.status == Status::Linked && sb.status == Status::Linked {
            let gone: Vec<String> = sa.externals.difference(&sb.externals).cloned().collect();
            let new: Vec<String> = sb.externals.difference(&sa.externals).cloned().collect();
            if !gone.is_empty() || !new.is_empty() {
                d.externals_changed.push((k.clone(), gone, new));
            }
        }
        if let (Some(ca), Some(cb)) = (sa.code_bytes, sb.code_bytes) {
            d.code_a += ca;
            d.code_b += cb;
            if ca != cb {
                d.code_changes.push((k.clone(), ca, cb));
            }
        }
    }
    // Biggest changes first (by bytes, then by name for a stable order).
    d.code_changes.sort_by(|x, y| {
        let dx = x.2.abs_diff(x.1);
        let dy = y.2.abs_diff(y.1);
        dy.cmp(&dx).then_with(|| x.0.cmp(&y.0))
    });
    d
}

fn percent(a: u64, b: u64) -> String {
    if a == 0 {
        return "n/a".into();
    }
    format!("{:+.1}%", (b as f64 - a as f64) * 100.0 / a as f64)
}

fn names(list: &[String], limit: usize) -> String {
    let shown = list
        .iter()
        .take(limit)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if list.len() > limit {
        format!(
            "{shown}, ... ({} more; --all lists them)",
            list.len() - limit
        )
    } else {
        shown
    }
}

/// The report of one arch.
pub fn render_arch(arch: &str, a: &str, b: &str, d: &ArchDiff, top: usize, all: bool) -> String {
    let limit = if all { usize::MAX } else { 20 };
    let mut s = String::new();
    let _ = writeln!(s, "== {arch}: {a} -> {b} ({} kernels in both) ==", d.common);
    if !d.only_a.is_empty() || !d.only_b.is_empty() {
        let _ = writeln!(
            s,
            "  only in {a}: {}; only in {b}: {} (regenerate the older set?)",
            d.only_a.len(),
            d.only_b.len()
        );
    }
    // A kernel one clang is too old for is expected: counted; any other
    // change of status (linked <-> error) is listed.
    let (skips, others): (Vec<_>, Vec<_>) = d
        .status_changed
        .iter()
        .partition(|(_, sa, sb)| *sa == Status::Skipped || *sb == Status::Skipped);
    let _ = writeln!(
        s,
        "  status changed: {} (plus {} skipped by one clang only: min-clang, IR)",
        others.len(),
        skips.len()
    );
    for (k, sa, sb) in others.iter().take(limit) {
        let why = match sb {
            Status::Error(e) => format!(": {e}"),
            _ => String::new(),
        };
        let _ = writeln!(s, "    {k}: {} -> {}{why}", sa.label(), sb.label());
    }
    for (label, m) in [("appeared", &d.appeared), ("disappeared", &d.disappeared)] {
        if m.is_empty() {
            let _ = writeln!(s, "  relocation kinds {label}: none");
            continue;
        }
        let _ = writeln!(s, "  relocation kinds {label}: {}", m.len());
        for (t, ks) in m {
            let _ = writeln!(s, "    {t} ({} kernels: {})", ks.len(), names(ks, 3));
        }
    }
    let _ = writeln!(
        s,
        "  relocation logs changed: {} (other types, symbols or targets); moved only: {}",
        d.log_changed.len(),
        d.log_moved.len()
    );
    if !d.log_changed.is_empty() {
        let _ = writeln!(s, "    {}", names(&d.log_changed, limit));
    }
    let _ = writeln!(s, "  externals changed: {}", d.externals_changed.len());
    for (k, gone, new) in d.externals_changed.iter().take(limit) {
        let mut change: Vec<String> = gone.iter().map(|n| format!("-{n}")).collect();
        change.extend(new.iter().map(|n| format!("+{n}")));
        let _ = writeln!(s, "    {k}: {}", change.join(" "));
    }
    if d.externals_changed.len() > limit {
        let _ = writeln!(s, "    ... ({} more)", d.externals_changed.len() - limit);
    }
    let _ = writeln!(
        s,
        "  code bytes (kernels both compiled): {} -> {} ({}); {} kernels changed size",
        d.code_a,
        d.code_b,
        percent(d.code_a, d.code_b),
        d.code_changes.len()
    );
    for (k, ca, cb) in d.code_changes.iter().take(top) {
        let _ = writeln!(s, "    {k}: {ca} -> {cb} ({})", percent(*ca, *cb));
    }
    s
}

/// The whole report: a header line, then each arch's.
pub fn report(o: &Options) -> Result<String, String> {
    let root = snapshot::root();
    let (na, nb) = (format!("clang-{}", o.a), format!("clang-{}", o.b));
    for n in [&na, &nb] {
        if !root.join(n).is_dir() {
            return Err(format!(
                "no snapshot set conformance/snapshots/{n}: add {n} to the snapshot test's \
                 clangs and generate it (README: \"When clang changes\")"
            ));
        }
    }
    let mut s = format!(
        "clang-diff {na} -> {nb}: relocation snapshots (baseline CPU, -O2, fixed-base link)\n"
    );
    for &arch in &o.arches {
        let (da, db) = (
            root.join(&na).join(arch.name()),
            root.join(&nb).join(arch.name()),
        );
        let missing: Vec<&str> = [(&na, &da), (&nb, &db)]
            .iter()
            .filter(|(_, d)| !d.is_dir())
            .map(|(n, _)| n.as_str())
            .collect();
        if !missing.is_empty() {
            let _ = writeln!(
                s,
                "== {}: no snapshot set for {} (clang >= {} targets it) ==",
                arch.name(),
                missing.join(", "),
                snapshot::min_clang(arch)?
            );
            continue;
        }
        let d = diff_arch(&snapshot::load_set(&da)?, &snapshot::load_set(&db)?);
        s.push_str(&render_arch(arch.name(), &na, &nb, &d, o.top, o.all));
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::snapshot::tests::LINKED as LINKED_A;

    fn set(items: &[(&str, &str)]) -> BTreeMap<String, Snapshot> {
        items
            .iter()
            .map(|(k, t)| (k.to_string(), Snapshot::parse(t)))
            .collect()
    }

    #[test]
    fn diff_reports_kinds_logs_externals_sizes_and_status() {
        let moved = LINKED_A
            .replace("+0x5 ", "+0x9 ")
            .replace("code bytes: 100", "code bytes: 104");
        let changed = LINKED_A
            .replace(
                "R_X86_64_PLT32 sin-0x4 -> stub[sin]",
                "R_X86_64_GOTPCRELX sin-0x4 -> got[sin]",
            )
            .replace("code bytes: 100", "code bytes: 90");
        let libcall = LINKED_A.replace(
            "sin = 0x7f0012345670 (function, far)",
            "sin = 0x7f0012345670 (function, far)\n__udivti3 = 0x7f0000000010 (function, far)",
        );
        let skipped = "# s for x86_64 at base 0x40000000\n# skipped: needs clang >= 15\n";
        // Only the kernel clang-A skips uses this type: it did not "appear".
        let ir_b = LINKED_A.replace("R_X86_64_PC32", "R_X86_64_GOTPC64");
        let broken = "# k for x86_64 at base 0x40000000\n# code bytes: 100\nerror: unknown relocation type 99\n";
        let a = set(&[
            ("k/moved", LINKED_A),
            ("k/changed", LINKED_A),
            ("k/libcall", LINKED_A),
            ("k/same", LINKED_A),
            ("k/ir", skipped),
            ("k/broken", LINKED_A),
            ("k/gone", LINKED_A),
        ]);
        let b = set(&[
            ("k/moved", &moved),
            ("k/changed", &changed),
            ("k/libcall", &libcall),
            ("k/same", LINKED_A),
            ("k/ir", &ir_b),
            ("k/broken", broken),
            ("k/new", LINKED_A),
        ]);
        let d = diff_arch(&a, &b);
        assert_eq!(d.common, 6);
        assert_eq!(d.only_a, ["k/gone"]);
        assert_eq!(d.only_b, ["k/new"]);
        let error = Status::Error("unknown relocation type 99".into());
        assert_eq!(
            d.status_changed,
            [
                ("k/broken".to_string(), Status::Linked, error),
                ("k/ir".to_string(), Status::Skipped, Status::Linked)
            ]
        );
        assert_eq!(d.log_changed, ["k/changed"]);
        assert_eq!(d.log_moved, ["k/moved"]);
        assert_eq!(
            d.appeared.keys().collect::<Vec<_>>(),
            ["R_X86_64_GOTPCRELX"]
        );
        assert!(d.disappeared.is_empty(), "PLT32 is still used by others");
        assert_eq!(
            d.externals_changed,
            [(
                "k/libcall".to_string(),
                vec![],
                vec!["__udivti3".to_string()]
            )]
        );
        // k/ir is skipped in A: not in the size totals.
        assert_eq!((d.code_a, d.code_b), (500, 494));
        assert_eq!(
            d.code_changes,
            [
                ("k/changed".to_string(), 100, 90),
                ("k/moved".to_string(), 100, 104)
            ]
        );
        let text = render_arch("x86_64", "clang-14", "clang-19", &d, 1, false);
        assert!(text.contains("relocation kinds appeared: 1"), "{text}");
        assert!(
            text.contains("status changed: 1 (plus 1 skipped")
                && text.contains("k/broken: linked -> error: unknown relocation type 99"),
            "{text}"
        );
        assert!(text.contains("k/changed: 100 -> 90 (-10.0%)"), "{text}");
        assert!(!text.contains("k/moved: 100 -> 104"), "--top 1: {text}");
    }
}
