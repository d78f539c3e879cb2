//! The run's outputs: the summary on stdout, and the JSON and Markdown
//! reports.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::child::BackendKind;
use super::run::{KernelReport, Report, Status};

/// `PATH.json` and `PATH.md` for a `--report PATH` (an extension `.json`
/// or `.md` on PATH is dropped).
pub fn report_paths(path: &Path) -> (PathBuf, PathBuf) {
    let stem = match path.extension().and_then(|e| e.to_str()) {
        Some("json" | "md") => path.with_extension(""),
        _ => path.to_path_buf(),
    };
    let with = |ext: &str| {
        let mut s = stem.clone().into_os_string();
        s.push(ext);
        PathBuf::from(s)
    };
    (with(".json"), with(".md"))
}

fn backend_names(backends: &[BackendKind]) -> Vec<&'static str> {
    backends.iter().map(|b| b.name()).collect()
}

fn failure_lines(k: &KernelReport) -> Vec<String> {
    let head = if k.opt.is_empty() {
        k.kernel.clone()
    } else {
        format!("{} {} -O{}", k.kernel, k.arch, k.opt)
    };
    let mut out = Vec::new();
    match k.status {
        Status::Fail | Status::BadKernel | Status::ExpectedFailure => {
            for f in &k.failures {
                let first = super::run::first_line(&f.what);
                out.push(format!(
                    "{}: {head} [{}] {first}",
                    k.status.name(),
                    f.backend
                ));
            }
            if k.status == Status::ExpectedFailure {
                if let Some(n) = &k.note {
                    out.push(format!("    reason: {n}"));
                }
            }
        }
        Status::UnexpectedlyPassing => out.push(format!(
            "{}: {head} {}",
            k.status.name(),
            k.note.as_deref().unwrap_or("")
        )),
        _ => {}
    }
    out
}

/// The summary printed on stdout.
pub fn summary(r: &Report) -> String {
    let mut s = String::new();
    let c = &r.counts;
    let _ = writeln!(
        s,
        "conformance: arch {}, -O{}, backends {}, {}, cpu {}",
        r.arch,
        r.opts.join(",-O"),
        backend_names(&r.backends).join("+"),
        r.clang.as_deref().unwrap_or("clang ?"),
        r.cpu
    );
    let _ = writeln!(s, "  {:<22} {:>5}", "kernel runs", c.total);
    for (name, n) in [
        ("passed", c.pass),
        ("FAILED", c.fail),
        ("expected failures", c.expected_failure),
        ("UNEXPECTEDLY PASSING", c.unexpectedly_passing),
        ("skipped", c.skipped),
        ("unsupported by clang", c.unsupported),
        ("BAD KERNEL FILES", c.bad_kernel),
    ] {
        if n > 0 || name == "passed" || name == "FAILED" {
            let _ = writeln!(s, "  {name:<22} {n:>5}");
        }
    }
    let lines: Vec<String> = r.kernels.iter().flat_map(failure_lines).collect();
    if !lines.is_empty() {
        s.push('\n');
        for l in lines {
            let _ = writeln!(s, "{l}");
        }
    }
    let _ = writeln!(
        s,
        "\n{} in {:.1} s",
        if r.success() { "OK" } else { "FAILED" },
        r.wall_ms / 1000.0
    );
    s
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The Markdown report.
pub fn markdown(r: &Report) -> String {
    let mut s = String::new();
    let c = &r.counts;
    let _ = writeln!(s, "# Conformance report: {}\n", r.arch);
    let _ = writeln!(
        s,
        "-O{} · backends {} · {} · cpu {} · corpus `{}` · {:.1} s\n",
        r.opts.join(", -O"),
        backend_names(&r.backends).join(" + "),
        r.clang.as_deref().unwrap_or("clang ?"),
        r.cpu,
        r.corpus,
        r.wall_ms / 1000.0
    );
    let _ = writeln!(s, "| runs | pass | fail | expected failures | unexpectedly passing | skipped | unsupported | bad kernels |");
    let _ = writeln!(s, "|---:|---:|---:|---:|---:|---:|---:|---:|");
    let _ = writeln!(
        s,
        "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
        c.total,
        c.pass,
        c.fail,
        c.expected_failure,
        c.unexpectedly_passing,
        c.skipped,
        c.unsupported,
        c.bad_kernel
    );
    let problems: Vec<&KernelReport> = r
        .kernels
        .iter()
        .filter(|k| {
            !matches!(
                k.status,
                Status::Pass | Status::Skipped | Status::Unsupported
            )
        })
        .collect();
    if !problems.is_empty() {
        let _ = writeln!(s, "## Failures and expected failures\n");
        for k in problems {
            let _ = writeln!(s, "### `{}` -O{} — {}\n", k.kernel, k.opt, k.status.name());
            if let Some(n) = &k.note {
                let _ = writeln!(s, "{}\n", md_escape(n));
            }
            for f in &k.failures {
                let _ = writeln!(s, "- **{}**: {}", f.backend, md_escape(&f.what));
            }
            for b in &k.backends {
                if let Some(t) = &b.stderr_tail {
                    let _ = writeln!(
                        s,
                        "\n{} stderr (tail):\n\n```\n{}\n```",
                        b.backend.name(),
                        t
                    );
                }
            }
            s.push('\n');
        }
    }
    let _ = writeln!(s, "## Kernels\n");
    let _ = writeln!(
        s,
        "| kernel | -O | status | backends | oracles | relocations (jit) | ms |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|---:|");
    for k in &r.kernels {
        let backends: Vec<String> = k
            .backends
            .iter()
            .map(|b| format!("{} {}", b.backend.name(), b.status))
            .collect();
        let verdicts: Vec<String> = k
            .verdicts
            .iter()
            .map(|v| {
                format!(
                    "{} vs {}: {}",
                    v.subject.name(),
                    v.oracle,
                    if v.agree { "agree" } else { "DIFFER" }
                )
            })
            .collect();
        let relocs: Vec<String> = k
            .relocation_kinds
            .iter()
            .map(|(t, n)| format!("{t}×{n}"))
            .collect();
        let status = match (&k.status, &k.note) {
            (Status::Skipped | Status::Unsupported, Some(n)) => {
                format!("{} ({})", k.status.name(), md_escape(n))
            }
            _ => k.status.name().to_string(),
        };
        let _ = writeln!(
            s,
            "| `{}` | {} | {} | {} | {} | {} | {:.0} |",
            k.kernel,
            k.opt,
            status,
            backends.join(", "),
            verdicts.join(", "),
            relocs.join(" "),
            k.wall_ms
        );
    }
    let mut all: BTreeMap<&str, usize> = BTreeMap::new();
    for k in &r.kernels {
        for (t, n) in &k.relocation_kinds {
            *all.entry(t.as_str()).or_insert(0) += n;
        }
    }
    if !all.is_empty() {
        let _ = writeln!(s, "\n## Relocation types applied by the in-memory loader\n");
        let _ = writeln!(s, "| type | count |\n|---|---:|");
        for (t, n) in all {
            let _ = writeln!(s, "| {t} | {n} |");
        }
    }
    s
}

/// Writes `PATH.json` and `PATH.md`.
pub fn write_reports(r: &Report, path: &Path) -> Result<(PathBuf, PathBuf), String> {
    let (json, md) = report_paths(path);
    if let Some(dir) = json.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let text = serde_json::to_string_pretty(r).map_err(|e| e.to_string())?;
    std::fs::write(&json, text + "\n").map_err(|e| format!("{}: {e}", json.display()))?;
    std::fs::write(&md, markdown(r)).map_err(|e| format!("{}: {e}", md.display()))?;
    Ok((json, md))
}

/// Reads a `PATH.json` that [`write_reports`] wrote.
pub fn read(path: &Path) -> Result<Report, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::run::{
        BackendReport, BackendStatus, Counts, Failure, KernelReport, Party, Verdict,
    };

    fn backend(kind: BackendKind, status: BackendStatus) -> BackendReport {
        BackendReport {
            backend: kind,
            status,
            stage: (status != BackendStatus::Ok).then(|| "call #0 f".to_string()),
            message: None,
            stderr_tail: None,
            relocations: BTreeMap::from([("R_X86_64_PLT32".to_string(), 2)]),
            timings: None,
            wall_ms: 1.5,
            outputs_digest: Some("00ff".into()),
            outputs: None,
            guards: Vec::new(),
        }
    }

    #[test]
    fn a_written_report_reads_back_the_same() {
        let report = Report {
            arch: "x86_64".into(),
            opts: vec!["2".into()],
            backends: BackendKind::ALL.to_vec(),
            corpus: "kernels".into(),
            clang: Some("clang-19".into()),
            cpu: "native".into(),
            counts: Counts {
                total: 1,
                fail: 1,
                ..Counts::default()
            },
            kernels: vec![KernelReport {
                kernel: "t/k".into(),
                path: "t/k.c".into(),
                arch: "x86_64".into(),
                opt: "2".into(),
                status: Status::Fail,
                backends: vec![
                    backend(BackendKind::Jit, BackendStatus::Crash),
                    backend(BackendKind::Dlopen, BackendStatus::Ok),
                ],
                verdicts: vec![Verdict {
                    oracle: Party::Reference,
                    subject: BackendKind::Dlopen,
                    agree: true,
                    detail: None,
                }],
                failures: vec![Failure {
                    backend: Party::JIT,
                    what: "crash during `call #0 f`".into(),
                }],
                note: None,
                relocation_kinds: BTreeMap::new(),
                wall_ms: 3.0,
            }],
            wall_ms: 1234.5,
        };
        let dir = std::env::temp_dir().join(format!("conformance-report-{}", std::process::id()));
        let (json, _) = write_reports(&report, &dir.join("r")).unwrap();
        let text = std::fs::read_to_string(&json).unwrap();
        assert!(text.contains("\"backend\": \"jit\"") && text.contains("\"status\": \"crash\""));
        let back = read(&json).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(serde_json::to_string_pretty(&back).unwrap() + "\n", text);
        assert_eq!(back.wall_ms, 1234.5);
        assert_eq!(back.kernels[0].failures[0].backend, Party::JIT);
    }
}
