//! The relocation snapshot format: the text of one kernel's fixed-base link
//! for one arch and clang (written by `tests/snapshots.rs` and `conformance
//! link`, stored in `snapshots/clang-<major>/<arch>/<kernel>.snap`) and its
//! parsed form, which `conformance clang-diff` compares.
//!
//! ```text
//! # <kernel> for <arch> at base 0x40000000
//! # not executed on this arch: <reason>          (the kernel's `skip`)
//! # code bytes: <n>                              (if it compiled)
//! # externals
//! <name> = <address> (function, far | data, near)
//! # relocations (<n>)                            (if it linked)
//! <section>+<offset> <type> <symbol+addend> -> <target> = <value> [<before> -> <after>]
//! error: <first line of the error>               (if it did not)
//!   <further lines>
//! # relocation types in the object
//! <type> x<count>
//! ```
//!
//! A kernel the clang is too old for has only the first line and
//! `# skipped: <why>`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use loader::Arch;

use crate::runner::fixed::{FixedLink, FIXED_BASE};

/// `conformance/snapshots`: one directory per clang (`clang-<major>`), one
/// per arch below it.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("snapshots")
}

/// The text of a relocation snapshot: the external symbols with their
/// fixed addresses, then one line per relocation (or the error, and the
/// relocation types the object holds).
pub fn snapshot_text(l: &FixedLink) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# {} for {} at base {FIXED_BASE:#x}",
        l.kernel,
        l.arch.name()
    );
    if let Some(reason) = &l.skip {
        let _ = writeln!(s, "# not executed on this arch: {reason}");
    }
    if let Some(n) = l.code_bytes {
        let _ = writeln!(s, "# code bytes: {n}");
    }
    if !l.externals.is_empty() {
        s.push_str("# externals\n");
        for (name, addr, data) in &l.externals {
            let kind = if *data { "data, near" } else { "function, far" };
            let _ = writeln!(s, "{name} = {addr:#x} ({kind})");
        }
    }
    match &l.outcome {
        Ok(log) => {
            let _ = writeln!(s, "# relocations ({})", log.len());
            for r in log {
                let _ = writeln!(s, "{r}");
            }
        }
        Err(e) => {
            for (i, line) in e.to_string().lines().enumerate() {
                if i == 0 {
                    let _ = writeln!(s, "error: {line}");
                } else {
                    let _ = writeln!(s, "  {line}");
                }
            }
            if !l.object_relocs.is_empty() {
                s.push_str("# relocation types in the object\n");
                for (name, n) in &l.object_relocs {
                    let _ = writeln!(s, "{name} x{n}");
                }
            }
        }
    }
    s
}

/// The snapshot of a kernel that was not compiled because the clang is
/// too old for it (`why`).
pub fn skipped_text(kernel: &str, arch: Arch, why: &str) -> String {
    format!(
        "# {kernel} for {} at base {FIXED_BASE:#x}\n# skipped: {why}\n",
        arch.name()
    )
}

/// A kernel's relocation snapshot, parsed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    pub status: Status,
    pub code_bytes: Option<u64>,
    pub externals: BTreeSet<String>,
    /// Relocation lines as logged.
    pub relocs: Vec<String>,
    /// Relocation types and their counts (from the log, or from the
    /// object's list when the link failed).
    pub types: BTreeMap<String, usize>,
}

/// What became of the kernel.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Status {
    #[default]
    Linked,
    /// Did not compile or link: the first line of the error.
    Error(String),
    /// Not compiled: the kernel needs a newer clang.
    Skipped,
}

impl Status {
    pub fn label(&self) -> &'static str {
        match self {
            Status::Linked => "linked",
            Status::Error(_) => "error",
            Status::Skipped => "skipped (needs newer clang)",
        }
    }
}

impl Snapshot {
    /// Parses the text of a `.snap` file (insta header included or not).
    pub fn parse(text: &str) -> Snapshot {
        // insta's header is `---`, metadata, `---`; the body follows.
        let body = match text.strip_prefix("---\n") {
            Some(rest) => rest.split_once("\n---\n").map_or(rest, |(_, b)| b),
            None => text,
        };
        let mut s = Snapshot::default();
        enum Part {
            Head,
            Externals,
            Relocs,
            ObjectTypes,
        }
        let mut part = Part::Head;
        for line in body.lines() {
            if let Some(n) = line.strip_prefix("# code bytes: ") {
                s.code_bytes = n.trim().parse().ok();
            } else if line.starts_with("# skipped: ") {
                s.status = Status::Skipped;
            } else if line == "# externals" {
                part = Part::Externals;
            } else if line.starts_with("# relocations (") {
                part = Part::Relocs;
            } else if line == "# relocation types in the object" {
                part = Part::ObjectTypes;
            } else if let Some(e) = line.strip_prefix("error: ") {
                s.status = Status::Error(e.to_string());
                part = Part::Head;
            } else if line.starts_with('#') || line.starts_with(' ') || line.is_empty() {
                continue;
            } else {
                match part {
                    Part::Head => {}
                    Part::Externals => {
                        let name = line.split(" = ").next().unwrap_or(line);
                        s.externals.insert(name.to_string());
                    }
                    Part::Relocs => {
                        if let Some(t) = line.split_whitespace().nth(1) {
                            *s.types.entry(t.to_string()).or_default() += 1;
                        }
                        s.relocs.push(line.to_string());
                    }
                    Part::ObjectTypes => {
                        if let Some((t, n)) = line.rsplit_once(" x") {
                            *s.types.entry(t.to_string()).or_default() += n.parse().unwrap_or(0);
                        }
                    }
                }
            }
        }
        s
    }
}

/// A relocation line without what moves when code moves: the value and
/// bytes patched, every hex number, and the numbers in `.L` labels.
pub fn reloc_shape(line: &str) -> String {
    let line = line.split_once(" = ").map_or(line, |(l, _)| l);
    let b = line.as_bytes();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    let mut in_label = false;
    while i < b.len() {
        let c = b[i];
        let word_start = i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
        if c == b'0' && b.get(i + 1) == Some(&b'x') && word_start {
            out.push_str("0x_");
            i += 2;
            while i < b.len() && b[i].is_ascii_hexdigit() {
                i += 1;
            }
            continue;
        }
        if c == b'.' && b.get(i + 1) == Some(&b'L') && word_start {
            in_label = true;
        } else if !(c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || c == b'$') {
            in_label = false;
        }
        if in_label && c.is_ascii_digit() {
            out.push('#');
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            continue;
        }
        out.push(c as char);
        i += 1;
    }
    out
}

/// The `.snap` files below `dir` (recursively), by kernel name
/// (`category/stem`); none if `dir` does not exist.
pub fn files(dir: &Path) -> Vec<(String, PathBuf)> {
    fn walk(dir: &Path, prefix: &str, out: &mut Vec<(String, PathBuf)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            let Some(name) = p.file_name().and_then(|n| n.to_str()).map(String::from) else {
                continue;
            };
            if p.is_dir() {
                walk(&p, &format!("{prefix}{name}/"), out);
            } else if let Some(stem) = name.strip_suffix(".snap") {
                out.push((format!("{prefix}{stem}"), p));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, "", &mut out);
    out
}

/// The snapshots of one set and arch (`dir`), parsed, by kernel name.
pub fn load_set(dir: &Path) -> Result<BTreeMap<String, Snapshot>, String> {
    files(dir)
        .into_iter()
        .map(|(name, path)| {
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            Ok((name, Snapshot::parse(&text)))
        })
        .collect()
}

/// The oldest clang major that can target `arch`: `min_clang` in
/// `qemu/arches.toml` (which `cargo xtask` reads too). An arch a clang
/// cannot target has no snapshot set for it.
pub fn min_clang(arch: Arch) -> Result<u32, String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../qemu/arches.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut section = "";
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.trim();
        } else if section == arch.name() {
            if let Some((key, value)) = line.split_once('=') {
                if key.trim() == "min_clang" {
                    return value.trim().parse().map_err(|_| {
                        format!(
                            "{}: [{section}] min_clang `{}`",
                            path.display(),
                            value.trim()
                        )
                    });
                }
            }
        }
    }
    Err(format!(
        "{}: no min_clang for [{}]",
        path.display(),
        arch.name()
    ))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const LINKED: &str = "---
source: conformance/tests/snapshots.rs
description: \"k on x86_64 (clang-14, -O2)\"
---
# cat/k for x86_64 at base 0x40000000
# code bytes: 100
# externals
sin = 0x7f0012345670 (function, far)
# relocations (2)
.text+0x5 R_X86_64_PLT32 sin-0x4 -> stub[sin] = +0x1000 [00000000 -> fb0f0000]
.text+0x10 R_X86_64_PC32 .LCPI0_1-0x4 -> .LCPI0_1@.rodata.cst8+0x8 = +0x20 [00000000 -> 20000000]
";

    #[test]
    fn parses_a_linked_snapshot() {
        let s = Snapshot::parse(LINKED);
        assert_eq!(s.status, Status::Linked);
        assert_eq!(s.code_bytes, Some(100));
        assert_eq!(s.externals.iter().collect::<Vec<_>>(), ["sin"]);
        assert_eq!(s.relocs.len(), 2);
        assert_eq!(s.types.get("R_X86_64_PLT32"), Some(&1));
        assert_eq!(s.types.get("R_X86_64_PC32"), Some(&1));
    }

    #[test]
    fn parses_error_and_skipped_snapshots() {
        let e = Snapshot::parse(
            "# k for riscv64 at base 0x40000000\n# code bytes: 8\nerror: unsupported relocation\n  detail\n# relocation types in the object\nR_RISCV_TPREL_HI20 x2\n",
        );
        assert_eq!(e.status, Status::Error("unsupported relocation".into()));
        assert_eq!(e.types.get("R_RISCV_TPREL_HI20"), Some(&2));
        let text = skipped_text("k", Arch::X86_64, "needs clang >= 15");
        assert_eq!(
            text,
            "# k for x86_64 at base 0x40000000\n# skipped: needs clang >= 15\n"
        );
        let s = Snapshot::parse(&text);
        assert_eq!(s.status, Status::Skipped);
        assert_eq!(s.code_bytes, None);
    }

    #[test]
    fn shape_ignores_positions_values_and_label_numbers() {
        let a =
            ".text+0x10 R_X86_64_PC32 .LCPI0_1-0x4 -> .LCPI0_1@.rodata.cst8+0x8 = +0x20 [00 -> 20]";
        let b =
            ".text+0x2c R_X86_64_PC32 .LCPI3_0-0x4 -> .LCPI3_0@.rodata.cst8+0x0 = -0x4 [00 -> fc]";
        assert_eq!(reloc_shape(a), reloc_shape(b));
        // The type and the symbol still count (digits in the type stay).
        let c = ".text+0x10 R_X86_64_PLT32 sin-0x4 -> stub[sin] = +0x1000 [00 -> 10]";
        let d = ".text+0x10 R_X86_64_PLT32 cos-0x4 -> stub[cos] = +0x1000 [00 -> 10]";
        assert_ne!(reloc_shape(c), reloc_shape(d));
        assert!(reloc_shape(c).contains("R_X86_64_PLT32"));
    }

    #[test]
    fn every_arch_has_a_min_clang() {
        for arch in Arch::ALL {
            let v = min_clang(arch).unwrap();
            assert!((14..100).contains(&v), "{arch}: {v}");
        }
    }
}
