//! `expected-failures.toml`: known failures, each with a reason.
//!
//! ```toml
//! [[failure]]
//! kernel = "math/sin_cos_f64"   # a kernel name, or a glob (`math/*`)
//! arch = "ppc64le"              # optional: every arch when absent
//! backend = "jit"               # optional: jit, dlopen, reference or cross-arch
//! opt = "0"                     # optional: every level when absent
//! clang = "19"                  # optional: every clang major when absent
//! reason = "REL24 to libm needs the PLT-call stub (issue 12)"
//! ```
//!
//! Only this subset of TOML is read: `[[failure]]` tables of basic string
//! values, `#` comments and blank lines. Anything else is an error naming
//! the line.

use std::path::Path;

use super::glob::glob_match;
use super::run::Party;

/// One entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedFailure {
    pub kernel: String,
    pub arch: Option<String>,
    /// A backend, the reference, or [`Party::CrossArch`]: oracle 3
    /// (`conformance cross-arch`), a disagreement with the reference
    /// architecture that is understood. Only entries naming it explicitly
    /// cover such a disagreement, and they never cover a failure of
    /// `conformance run`.
    pub backend: Option<Party>,
    pub opt: Option<String>,
    /// The clang major version the failure belongs to (a miscompile of one
    /// release); every version when `None`.
    pub clang: Option<u32>,
    pub reason: String,
    /// Line of the `[[failure]]` header.
    pub line: usize,
}

impl ExpectedFailure {
    /// Whether this entry covers a failure of `kernel` on `arch` at `opt`
    /// charged to `backend`.
    pub fn covers(&self, kernel: &str, arch: &str, opt: &str, backend: Party) -> bool {
        glob_match(&self.kernel, kernel)
            && self.arch.as_deref().is_none_or(|a| a == arch)
            && self.opt.as_deref().is_none_or(|o| o == opt)
            && self.backend.is_none_or(|b| b == backend)
    }

    /// Whether this entry is about `kernel` on `arch` at `opt` at all.
    pub fn concerns(&self, kernel: &str, arch: &str, opt: &str) -> bool {
        glob_match(&self.kernel, kernel)
            && self.arch.as_deref().is_none_or(|a| a == arch)
            && self.opt.as_deref().is_none_or(|o| o == opt)
    }
}

fn parse_string(v: &str) -> Option<(String, &str)> {
    let rest = v.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = rest.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, &rest[i + 1..])),
            '\\' => match chars.next()?.1 {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                '"' => out.push('"'),
                '\\' => out.push('\\'),
                _ => return None,
            },
            c => out.push(c),
        }
    }
    None
}

/// Parses the file's text. Errors are `file:line: message`.
pub fn parse(path: &Path, text: &str) -> Result<Vec<ExpectedFailure>, String> {
    let err = |line: usize, msg: &str| format!("{}:{line}: {msg}", path.display());
    let mut out: Vec<ExpectedFailure> = Vec::new();
    let mut current: Option<ExpectedFailure> = None;
    let finish = |f: ExpectedFailure| -> Result<ExpectedFailure, String> {
        if f.kernel.is_empty() {
            return Err(err(f.line, "entry without `kernel`"));
        }
        if f.reason.trim().is_empty() {
            return Err(err(f.line, "entry without a `reason`"));
        }
        Ok(f)
    };
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with('[') {
            if line != "[[failure]]" {
                return Err(err(line_no, "expected `[[failure]]`"));
            }
            if let Some(f) = current.take() {
                out.push(finish(f)?);
            }
            current = Some(ExpectedFailure {
                kernel: String::new(),
                arch: None,
                backend: None,
                opt: None,
                clang: None,
                reason: String::new(),
                line: line_no,
            });
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err(err(line_no, "expected `key = \"value\"`"));
        };
        let Some(entry) = current.as_mut() else {
            return Err(err(line_no, "key outside a `[[failure]]` table"));
        };
        let Some((value, rest)) = parse_string(value.trim()) else {
            return Err(err(line_no, "the value must be a \"string\""));
        };
        let rest = rest.trim();
        if !(rest.is_empty() || rest.starts_with('#')) {
            return Err(err(line_no, "unexpected text after the value"));
        }
        match key.trim() {
            "kernel" => entry.kernel = value,
            "arch" => {
                if crate::spec::Arch::from_name(&value).is_none() {
                    return Err(err(line_no, &format!("unknown arch `{value}`")));
                }
                entry.arch = Some(value)
            }
            "backend" => match Party::from_name(&value) {
                Some(p) if p != Party::Spec => entry.backend = Some(p),
                _ => {
                    return Err(err(
                        line_no,
                        "backend must be `jit`, `dlopen`, `reference` or `cross-arch`",
                    ))
                }
            },
            "opt" => entry.opt = Some(value),
            "clang" => {
                let v = value.strip_prefix("clang-").unwrap_or(&value);
                match v.parse::<u32>() {
                    Ok(v) => entry.clang = Some(v),
                    Err(_) => {
                        return Err(err(line_no, "clang must be a major version, e.g. \"19\""))
                    }
                }
            }
            "reason" => entry.reason = value,
            k => return Err(err(line_no, &format!("unknown key `{k}`"))),
        }
    }
    if let Some(f) = current.take() {
        out.push(finish(f)?);
    }
    Ok(out)
}

/// The entries that apply to a run with clang major `version` (all of them
/// when the version is unknown).
pub fn for_clang(entries: Vec<ExpectedFailure>, version: Option<u32>) -> Vec<ExpectedFailure> {
    entries
        .into_iter()
        .filter(|e| match (e.clang, version) {
            (Some(want), Some(have)) => want == have,
            _ => true,
        })
        .collect()
}

/// Reads the file; a missing file is an empty list.
pub fn load(path: &Path) -> Result<Vec<ExpectedFailure>, String> {
    match std::fs::read_to_string(path) {
        Ok(t) => parse(path, &t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_entries_and_rejects_junk() {
        let t = "# x\n[[failure]]\nkernel = \"math/*\" # c\narch = \"ppc64le\"\nreason = \"r \\\"q\\\"\"\n\n[[failure]]\nkernel = \"a/b\"\nbackend = \"jit\"\nreason = \"y\"\n";
        let v = parse(Path::new("f.toml"), t).unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].reason, "r \"q\"");
        assert!(v[0].covers("math/sin", "ppc64le", "2", Party::JIT));
        assert!(!v[0].covers("math/sin", "x86_64", "2", Party::JIT));
        assert!(v[1].covers("a/b", "x86_64", "0", Party::JIT));
        assert!(!v[1].covers("a/b", "x86_64", "0", Party::DLOPEN));
        let t = "[[failure]]\nkernel = \"a/*\"\nclang = \"19\"\nreason = \"r\"\n[[failure]]\nkernel = \"b\"\nreason = \"r\"\n";
        let v = parse(Path::new("f.toml"), t).unwrap();
        assert_eq!(v[0].clang, Some(19));
        assert_eq!(for_clang(v.clone(), Some(19)).len(), 2);
        let other = for_clang(v.clone(), Some(16));
        assert_eq!(other.len(), 1);
        assert_eq!(other[0].kernel, "b");
        assert_eq!(for_clang(v, None).len(), 2);
        assert!(parse(
            Path::new("f.toml"),
            "[[failure]]\nkernel = \"x\"\nclang = \"new\"\nreason = \"r\""
        )
        .is_err());
        for bad in [
            "kernel = \"x\"",
            "[[failure]]\nkernel = x\nreason = \"r\"",
            "[[failure]]\nkernel = \"x\"",
            "[[failure]]\nkernel = \"x\"\nreason = \"r\"\nfoo = \"1\"",
            "[failure]",
            "[[failure]]\nkernel = \"x\"\nreason = \"r\"\narch = \"mips\"",
            "[[failure]]\nkernel = \"x\"\nreason = \"r\"\nbackend = \"spec\"",
            "[[failure]]\nkernel = \"x\"\nreason = \"r\"\nbackend = \"in-memory\"",
        ] {
            assert!(parse(Path::new("f.toml"), bad).is_err(), "{bad}");
        }
    }
}
