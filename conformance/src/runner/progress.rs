//! Progress of `conformance run` on stderr: an `indicatif` bar when stderr
//! is a terminal (and `CI` is not set), else one line per finished kernel
//! run, or nothing with `--quiet`.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

use super::run::KernelReport;

/// How progress is shown.
pub enum Progress {
    Bar(ProgressBar),
    Lines { total: usize },
    Quiet,
}

/// Whether the environment says this is a CI job (`CI` set and non-empty).
fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty())
}

impl Progress {
    /// The reporter for `total` kernel runs; `enabled` is false under
    /// `--quiet`.
    pub fn new(enabled: bool, total: usize) -> Progress {
        if !enabled {
            return Progress::Quiet;
        }
        if !std::io::stderr().is_terminal() || in_ci() {
            return Progress::Lines { total };
        }
        let bar = ProgressBar::new(total as u64);
        if let Ok(style) = ProgressStyle::with_template(
            "{elapsed_precise} [{bar:40}] {pos}/{len} eta {eta} {wide_msg}",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        Progress::Bar(bar)
    }

    /// Reports the `n`-th finished kernel run.
    pub fn done(&self, n: usize, k: &KernelReport) {
        let line = || format!("{} -O{} {}: {}", k.kernel, k.opt, k.arch, k.status.name());
        match self {
            Progress::Quiet => {}
            Progress::Lines { total } => eprintln!("[{n}/{total}] {}", line()),
            Progress::Bar(bar) => {
                if k.status.is_failure() {
                    // Failures stay on screen above the bar.
                    bar.println(line());
                }
                bar.set_message(k.kernel.clone());
                bar.inc(1);
            }
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Progress::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}
