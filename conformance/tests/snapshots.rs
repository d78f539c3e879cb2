//! Relocation snapshots: every kernel, for every architecture and every
//! clang major in [`CLANGS`], compiled by that clang (baseline CPU, -O2) and
//! linked by the pure link step at a fixed base with a deterministic
//! resolver (see `conformance::runner::fixed`). One line per relocation:
//! section+offset, type, symbol and addend, the symbolic target, the value
//! and the bytes before -> after; the header gives the code size. A kernel
//! that does not compile or link snapshots its error (`error: ...`), so a
//! snapshot changes — and is reviewed — when an engine improves.
//!
//! A kernel that needs a newer clang than the one checked (`min-clang`; IR
//! needs clang >= 15) is not compiled: its snapshot says `# skipped: ...`,
//! and the test counts it as skipped. An arch a clang cannot target at all
//! (`min_clang` in qemu/arches.toml: clang-14/15 have no loongarch64) has
//! no snapshot set for that clang.
//!
//! Snapshots live in `conformance/snapshots/clang-<major>/<arch>/<kernel>.snap`.
//! Every installed `clang-NN` of [`CLANGS`] is checked; a missing one is
//! reported on stderr as NOT checked (clang-19, which `cargo xtask setup`
//! always provisions, fails instead, as does any version listed in
//! `$CONFORMANCE_REQUIRE_CLANGS`, which `cargo xtask test` sets).
//! Review changes with `cargo insta review`, or accept all with
//! `INSTA_UPDATE=always cargo test -p conformance --test snapshots` (which
//! also deletes the snapshots of kernels that no longer exist).

use std::io::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use conformance::runner::fixed::{compile_and_link, FixedLink};
use conformance::snapshot::{self, skipped_text, snapshot_text, Snapshot};
use conformance::spec::{discover, KernelSpec, Lang, MIN_CLANG_FOR_IR};
use loader::compile::{clang_version, find_clang};
use loader::Arch;
use rstest::rstest;

/// The clang majors that have a snapshot set (README: "When clang changes").
const CLANGS: [u32; 4] = [14, 15, 16, 19];
/// The clang every test run has (`cargo xtask setup` installs it): its
/// absence is a failure, not a skip.
const PROVISIONED_CLANG: u32 = 19;
/// Comma list of clang majors whose absence fails the test (set by
/// `cargo xtask test`, which has just installed them).
const REQUIRE_ENV: &str = "CONFORMANCE_REQUIRE_CLANGS";

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn corpus() -> Vec<KernelSpec> {
    discover(&crate_dir().join("kernels")).unwrap_or_else(|e| panic!("{e}"))
}

fn updating() -> bool {
    matches!(
        std::env::var("INSTA_UPDATE").as_deref(),
        Ok("always" | "overwrite")
    )
}

/// A line on stderr that libtest does not capture: a skipped version must
/// be visible in a passing run.
fn notice(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Whether the absence of `clang-<version>` fails the test.
fn required(version: u32) -> bool {
    version == PROVISIONED_CLANG
        || std::env::var(REQUIRE_ENV)
            .unwrap_or_default()
            .split(',')
            .any(|v| v.trim().trim_start_matches("clang-") == version.to_string())
}

/// The clang of major `version`: `clang-<version>` on the `PATH`, else the
/// clang the loader would use (`$LOADER_CLANG`, `clang`) if it is that
/// version.
fn installed_clang(version: u32) -> Option<PathBuf> {
    let name = format!("clang-{version}");
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join(&name))
        .filter(|p| p.is_file())
        .chain(find_clang(None).ok())
        .find(|c| clang_version(c).ok() == Some(version))
}

/// Why `spec` is not compiled for `arch` by `clang-<version>`, if it is not.
fn too_old(spec: &KernelSpec, arch: Arch, version: u32) -> Option<String> {
    let need = spec.min_clang_version_for(arch)?;
    if version >= need {
        return None;
    }
    let why = spec
        .min_clang_arch
        .iter()
        .find(|m| m.arch == arch && m.version == need)
        .map(|m| m.reason.clone())
        .or_else(|| (spec.min_clang == Some(need)).then(|| format!("min-clang {need}")))
        .or_else(|| {
            (spec.lang == Lang::Ir && need == MIN_CLANG_FOR_IR)
                .then(|| "IR kernels use opaque pointers".to_string())
        })
        .unwrap_or_default();
    Some(format!(
        "needs clang >= {need} on {}, this is clang-{version}: {why}",
        arch.name()
    ))
}

/// What `cargo xtask clang-diff` reads from a snapshot is what was linked.
fn assert_reads_back(text: &str, linked: &FixedLink) {
    let s = Snapshot::parse(text);
    assert_eq!(s.code_bytes, linked.code_bytes, "{}", linked.kernel);
    assert_eq!(
        s.externals.len(),
        linked.externals.len(),
        "{}",
        linked.kernel
    );
    match &linked.outcome {
        Ok(log) => {
            assert_eq!(s.status, snapshot::Status::Linked, "{}", linked.kernel);
            assert_eq!(s.relocs.len(), log.len(), "{}", linked.kernel);
        }
        Err(_) => assert!(
            matches!(s.status, snapshot::Status::Error(_)),
            "{}",
            linked.kernel
        ),
    }
}

#[rstest]
fn relocations(
    #[values(14, 15, 16, 19)] version: u32,
    #[values("x86_64", "aarch64", "riscv64", "loongarch64", "ppc64le")] arch: &str,
) {
    let arch: Arch = arch.parse().unwrap();
    let root = snapshot::root()
        .join(format!("clang-{version}"))
        .join(arch.name());
    let min = snapshot::min_clang(arch).unwrap_or_else(|e| panic!("{e}"));
    if version < min {
        notice(&format!(
            "snapshots clang-{version} {arch}: none (clang-{version} cannot target {arch}; \
             qemu/arches.toml min_clang {min})"
        ));
        assert!(
            !root.exists(),
            "{}: a snapshot set for an arch clang-{version} cannot target",
            root.display()
        );
        return;
    }
    let Some(clang) = installed_clang(version) else {
        assert!(
            !required(version),
            "clang-{version} is not installed, and its snapshots must be checked \
             (`cargo xtask setup --clang {version}` installs it)"
        );
        notice(&format!(
            "snapshots clang-{version} {arch}: NOT CHECKED: clang-{version} is not installed \
             (`cargo xtask setup --clang {version}`)"
        ));
        return;
    };
    let specs = corpus();
    let mut failed = Vec::new();
    let mut skipped = Vec::new();
    for spec in &specs {
        let text = match too_old(spec, arch, version) {
            Some(why) => {
                skipped.push(spec.name.as_str());
                skipped_text(&spec.name, arch, &why)
            }
            None => {
                let linked = compile_and_link(spec, arch, &clang, "2");
                let text = snapshot_text(&linked);
                assert_reads_back(&text, &linked);
                text
            }
        };
        let (dir, stem) = match spec.name.rsplit_once('/') {
            Some((d, s)) => (root.join(d), s.to_string()),
            None => (root.clone(), spec.name.clone()),
        };
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(dir);
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        settings.set_description(format!("{} on {} (clang-{version}, -O2)", spec.name, arch));
        let r = catch_unwind(AssertUnwindSafe(|| {
            settings.bind(|| insta::assert_snapshot!(stem.as_str(), text));
        }));
        if r.is_err() {
            failed.push(spec.name.clone());
        }
    }
    // Snapshots of kernels that no longer exist.
    let mut stale = Vec::new();
    for (name, path) in snapshot::files(&root) {
        if specs.iter().all(|s| s.name != name) {
            if updating() {
                let _ = std::fs::remove_file(&path);
            } else {
                stale.push(path.display().to_string());
            }
        }
    }
    let shown: Vec<&str> = skipped.iter().take(4).copied().collect();
    notice(&format!(
        "snapshots clang-{version} {arch}: {} kernels checked, {} skipped (need a newer clang){}{}",
        specs.len() - skipped.len(),
        skipped.len(),
        if shown.is_empty() { "" } else { ": " },
        shown.join(", ")
            + if skipped.len() > shown.len() {
                ", ..."
            } else {
                ""
            }
    ));
    assert!(
        failed.is_empty() && stale.is_empty(),
        "clang-{version} {arch}: {} snapshot(s) differ: {}\n{} stale snapshot(s) (delete them or run with INSTA_UPDATE=always): {}",
        failed.len(),
        failed.join(", "),
        stale.len(),
        stale.join(", ")
    );
}

/// Every snapshot set on disk belongs to a clang of [`CLANGS`] (a set
/// nobody checks would rot), and every clang of [`CLANGS`] has one.
#[test]
fn snapshot_sets_are_the_checked_clangs() {
    let mut on_disk: Vec<u32> = std::fs::read_dir(snapshot::root())
        .expect("conformance/snapshots")
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_string();
            let v = name.strip_prefix("clang-")?.parse::<u32>();
            Some(v.unwrap_or_else(|_| panic!("snapshots/{name}: not clang-<major>")))
        })
        .collect();
    on_disk.sort_unstable();
    assert_eq!(
        on_disk, CLANGS,
        "conformance/snapshots/clang-* and the CLANGS checked by this test differ"
    );
}
