//! The pure link step (`loader/src/link`, `loader/src/arch`,
//! `loader/src/bits.rs`) links any arch on any host: it never maps memory,
//! runs processes, reads files or asks the host anything. Its sources
//! name none of the crate's host-facing modules and none of the host APIs.

use std::path::{Path, PathBuf};

/// Modules of the loader crate that reach the host.
const HOST_MODULES: &[&str] = &[
    "memory", "module", "batch", "cache", "compile", "dlopen", "debug", "resolve", "call",
];
/// Parts of `std` that reach the host.
const HOST_STD: &[&str] = &["fs", "process", "env", "net", "thread", "os", "io", "time"];
/// Crates that reach the host.
const HOST_CRATES: &[&str] = &["libc", "memmap2", "libffi", "tempfile", "tracing"];

fn sources(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            sources(&entry.unwrap().path(), out);
        }
    } else if path.extension().is_some_and(|e| e == "rs") {
        out.push(path.to_path_buf());
    }
}

/// The first path segments named after `root::` in `code`: `a` of
/// `root::a::b`, and each of `a`, `b` of `root::{a::x, b}`.
fn segments_after<'c>(code: &'c str, root: &str) -> Vec<&'c str> {
    let mut found = Vec::new();
    let prefix = format!("{root}::");
    let mut rest = code;
    while let Some(at) = rest.find(&prefix) {
        let preceded_by_ident = rest[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        rest = &rest[at + prefix.len()..];
        if preceded_by_ident {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            // Only the first segment of each item of the group.
            for item in group[..end].split(',') {
                let item = item.trim();
                let first = item.split("::").next().unwrap_or("");
                found.push(first.trim());
            }
        } else {
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            found.push(&rest[..end]);
        }
    }
    found
}

#[test]
fn the_link_step_reaches_nothing_of_the_host() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src.join("link"), &mut files);
    sources(&src.join("arch"), &mut files);
    files.push(src.join("bits.rs"));
    assert!(files.len() >= 15, "{files:?}");
    let mut problems = Vec::new();
    for file in &files {
        let code = std::fs::read_to_string(file).unwrap();
        let name = file.strip_prefix(&src).unwrap().display();
        for m in segments_after(&code, "crate") {
            if HOST_MODULES.contains(&m) {
                problems.push(format!("{name}: crate::{m}"));
            }
        }
        for m in segments_after(&code, "std") {
            if HOST_STD.contains(&m) {
                problems.push(format!("{name}: std::{m}"));
            }
        }
        for c in HOST_CRATES {
            for root in [format!("{c}::"), format!("use {c}")] {
                if code.contains(&root) {
                    problems.push(format!("{name}: {root}"));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "the pure link step reaches the host:\n{}",
        problems.join("\n")
    );
}
