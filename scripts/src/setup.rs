//! `cargo xtask setup`: idempotent provisioning of this machine (as root on
//! Debian 12). Every piece prints `already present` or `installing ...`.

use crate::apt::{self, Apt};
use crate::arches::{self, Arch};
use crate::flags::{self, Flags};
use crate::{bail, loongarch, Result};
use xshell::{cmd, Shell};

/// Always installed: the clang the loader defaults to, its linker and
/// binutils-like tools (llvm-19's readelf/objdump know loongarch), libffi.
pub const NATIVE_PACKAGES: &[&str] = &[
    "clang-19",
    "lld-19",
    "llvm-19",
    "libffi-dev",
    "pkg-config",
    // loader/tests/debug_gdb.rs: gdb breaks in a JIT kernel by name.
    "gdb",
];
pub const DEFAULT_CLANG: u32 = 19;
/// The other clangs the tests check (relocation snapshot sets per clang
/// major, conformance/tests/snapshots.rs): `cargo xtask test` installs them.
pub const TEST_CLANGS: &[u32] = &[16, 15, 14];
/// qemu-user 8.1 is the first whose loongarch64 has LSX (la464).
const QEMU_MIN: (u32, u32) = (8, 1);
const BACKPORTS: &str = "bookworm-backports";

const HELP: &str = "\
cargo xtask setup [--arch LIST|all] [--clang LIST]

Provision this machine, as root on Debian 12. Idempotent: each piece prints
`already present` or `installing ...` (and its time). `apt-get update` runs at
most once, and only when something must be installed.

  --arch   arches from qemu/arches.toml, comma separated, or `all`
           (default: x86_64 = native pieces only)
  --clang  extra clang major versions, comma separated, e.g. 16,15,14
           (clang-19 is always installed)

Touches:
  always       apt: clang-19 lld-19 llvm-19 libffi-dev pkg-config gdb [clang-NN lld-NN]
  any foreign  /etc/apt/sources.list.d/xtask-bookworm-backports.sources (URI
               reused from the configured Debian source); apt: qemu-user (>= 8.1)
               from bookworm-backports; apt: gdb-multiarch (debug_gdb under qemu)
  aarch64, riscv64, ppc64le
               apt: gcc-<triple> and libc6-dev-*-cross (sysroots /usr/<triple>);
               rustup target add <rust target> (active toolchain)
  loongarch64  apt: make, python3-pip (if pip is missing);
               target/ziglang (pip install --target: the ziglang wheel);
               rustup: nightly toolchain + rust-src;
               target/loongarch64-compiler-rt/libcompiler_rt.a (zig build-lib);
               /etc/apt/sources.list.d/xtask-trixie-src.sources (deb-src),
               target/loongarch64-musl/ (apt-get source musl, build tree);
               target/loongarch64-sysroot/ (dynamic musl, rebuilt if missing)";

pub fn main(args: Vec<String>) -> Result {
    let Some(mut f) = Flags::new(args, HELP) else {
        return Ok(());
    };
    let arch_spec = f.value("--arch")?.unwrap_or_else(|| "x86_64".into());
    let clang_spec = f.value("--clang")?.unwrap_or_default();
    f.finish()?;
    let all = arches::load()?;
    let selected = arches::select(&all, &arch_spec)?;
    let clangs = parse_clangs(&clang_spec)?;
    run(&selected, &clangs)
}

pub fn parse_clangs(spec: &str) -> Result<Vec<u32>> {
    flags::list(spec)
        .iter()
        .map(|v| {
            let v = v.strip_prefix("clang-").unwrap_or(v);
            v.parse::<u32>()
                .map_err(|_| format!("--clang: `{v}` is not a clang major version").into())
        })
        .collect()
}

/// Provision the native pieces, `clangs`, and whatever `arches` need.
pub fn run(arches: &[Arch], clangs: &[u32]) -> Result {
    let sh = crate::shell()?;
    let mut apt = Apt::default();
    let foreign: Vec<&Arch> = arches.iter().filter(|a| !a.is_native()).collect();
    let loongarch = foreign.iter().find(|a| a.name == "loongarch64");
    if !foreign.is_empty() {
        apt_sources(loongarch.is_some())?;
    }
    native(&sh, &mut apt, clangs)?;
    if foreign.is_empty() {
        return Ok(());
    }
    qemu(&sh, &mut apt, &foreign)?;
    gdb_multiarch(&sh, &mut apt)?;
    let gnu: Vec<&Arch> = foreign.iter().copied().filter(|a| !a.build_std).collect();
    if !gnu.is_empty() {
        cross_gcc(&sh, &mut apt, &gnu)?;
        rustup_targets(&sh, &gnu)?;
    }
    if let Some(la) = loongarch {
        loongarch::setup(&sh, &mut apt, la)?;
    }
    Ok(())
}

/// Print the piece's state; run `install` (timed) when `todo` says what.
pub fn piece(name: &str, todo: Option<String>, install: impl FnOnce() -> Result) -> Result {
    match todo {
        None => {
            println!("setup: {name}: already present");
            Ok(())
        }
        Some(what) => {
            println!("setup: {name}: installing {what} ...");
            crate::timed(&format!("setup: {name}"), install)
        }
    }
}

/// The extra apt sources foreign arches need, written before anything is
/// installed so that one `apt-get update` covers them: bookworm-backports
/// (qemu-user >= 8.1) and, for loongarch64, trixie deb-src (musl 1.2.5).
/// Both reuse the URI of the configured Debian bookworm source.
fn apt_sources(loongarch: bool) -> Result {
    let mut wanted = vec![("xtask-bookworm-backports.sources", "deb", BACKPORTS)];
    if loongarch {
        wanted.push(("xtask-trixie-src.sources", "deb-src", "trixie"));
    }
    let src = apt::configured_source("bookworm")?;
    let stale: Vec<_> = wanted
        .iter()
        .filter(|(file, types, suite)| !apt::source_is_current(file, types, suite, &src))
        .collect();
    let todo = (!stale.is_empty()).then(|| {
        let names: Vec<_> = stale.iter().map(|(_, t, s)| format!("{t} {s}")).collect();
        format!("{} on {}", names.join(", "), src.uri)
    });
    let names: Vec<_> = wanted.iter().map(|(_, t, s)| format!("{t} {s}")).collect();
    piece(&format!("apt sources ({})", names.join(", ")), todo, || {
        for (file, types, suite) in &stale {
            apt::write_source(file, types, suite, &src)?;
        }
        Ok(())
    })
}

fn native(sh: &Shell, apt: &mut Apt, clangs: &[u32]) -> Result {
    let mut pkgs: Vec<String> = NATIVE_PACKAGES.iter().map(|s| s.to_string()).collect();
    for v in clangs {
        // lld-NN too: the dlopen oracle links with `clang-NN -fuse-ld=lld`,
        // which looks for ld.lld beside that clang (/usr/lib/llvm-NN/bin).
        for p in [format!("clang-{v}"), format!("lld-{v}")] {
            if !pkgs.contains(&p) {
                pkgs.push(p);
            }
        }
    }
    let missing = apt::missing(sh, &pkgs);
    let todo = (!missing.is_empty()).then(|| missing.join(" "));
    piece(
        &format!("native packages ({})", pkgs.join(" ")),
        todo,
        || apt.install(sh, &missing, None),
    )?;
    for v in clangs.iter().copied().chain([DEFAULT_CLANG]) {
        let clang = format!("clang-{v}");
        cmd!(sh, "{clang} --version")
            .quiet()
            .ignore_stdout()
            .run()
            .map_err(|e| format!("{clang} does not run after setup: {e}"))?;
    }
    Ok(())
}

/// `qemu-<arch> --version` -> (major, minor).
fn qemu_version(sh: &Shell, bin: &str) -> Option<(u32, u32)> {
    let out = cmd!(sh, "{bin} --version")
        .quiet()
        .ignore_stderr()
        .read()
        .ok()?;
    parse_qemu_version(&out)
}

fn parse_qemu_version(out: &str) -> Option<(u32, u32)> {
    let rest = out.split("version ").nth(1)?;
    let mut nums = rest.split(|c: char| !c.is_ascii_digit());
    Some((nums.next()?.parse().ok()?, nums.next()?.parse().ok()?))
}

/// gdb-multiarch: loader/tests/debug_gdb.rs attaches it to qemu's gdbstub
/// under `cargo xtask qemu-test`.
fn gdb_multiarch(sh: &Shell, apt: &mut Apt) -> Result {
    let missing = apt::missing(sh, &["gdb-multiarch".to_string()]);
    let todo = (!missing.is_empty()).then(|| missing.join(" "));
    piece("gdb-multiarch", todo, || apt.install(sh, &missing, None))
}

fn qemu(sh: &Shell, apt: &mut Apt, foreign: &[&Arch]) -> Result {
    let bins: Vec<&str> = foreign.iter().filter_map(|a| a.qemu()).collect();
    let stale: Vec<String> = bins
        .iter()
        .filter_map(|b| match qemu_version(sh, b) {
            Some(v) if v >= QEMU_MIN => None,
            Some((a, b2)) => Some(format!("{b} is {a}.{b2}")),
            None => Some(format!("{b} missing")),
        })
        .collect();
    let todo = (!stale.is_empty()).then(|| {
        format!(
            "qemu-user from {BACKPORTS} ({}; need >= {}.{})",
            stale.join(", "),
            QEMU_MIN.0,
            QEMU_MIN.1
        )
    });
    piece("qemu-user >= 8.1", todo, || {
        // The backports entry was written by `apt_sources`.
        apt.install(sh, &["qemu-user".to_string()], Some(BACKPORTS))?;
        for b in &bins {
            match qemu_version(sh, b) {
                Some(v) if v >= QEMU_MIN => println!("  {b} {}.{}", v.0, v.1),
                other => bail!("{b} after install: {other:?}, need >= {QEMU_MIN:?}"),
            }
        }
        Ok(())
    })
}

fn cross_gcc(sh: &Shell, apt: &mut Apt, gnu: &[&Arch]) -> Result {
    let pkgs: Vec<String> = gnu.iter().flat_map(|a| a.apt.iter().cloned()).collect();
    let missing = apt::missing(sh, &pkgs);
    let names: Vec<&str> = gnu.iter().map(|a| a.name.as_str()).collect();
    let todo = (!missing.is_empty()).then(|| missing.join(" "));
    piece(
        &format!("cross gcc + sysroots ({})", names.join(", ")),
        todo,
        || apt.install(sh, &missing, None),
    )?;
    for a in gnu {
        let libc = arches::sysroot_path(a).join("lib");
        if !libc.is_dir() {
            bail!("{}: sysroot {} has no lib/ after setup", a.name, a.sysroot);
        }
    }
    Ok(())
}

fn rustup_targets(sh: &Shell, gnu: &[&Arch]) -> Result {
    for a in gnu.iter().filter(|a| a.rustup_target) {
        let tc_args = a.rustup_toolchain_args();
        let tc = &tc_args;
        let installed = cmd!(sh, "rustup target list --installed {tc...}")
            .quiet()
            .read()?;
        let t = &a.rust_target;
        let todo =
            (!installed.lines().any(|l| l.trim() == t)).then(|| format!("rustup target {t}"));
        piece(&format!("rust std for {t}"), todo, || {
            cmd!(sh, "rustup target add {tc...} {t}").run()?;
            Ok(())
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qemu_versions() {
        let v = "qemu-aarch64 version 10.0.2 (Debian 1:10.0.2+ds-2+deb13u1~bpo12+1)\nCopyright";
        assert_eq!(parse_qemu_version(v), Some((10, 0)));
        assert_eq!(parse_qemu_version("qemu-x version 7.2.15"), Some((7, 2)));
        assert!(parse_qemu_version("nope").is_none());
        assert!((7, 2) < QEMU_MIN && (8, 1) >= QEMU_MIN && (10, 0) >= QEMU_MIN);
    }

    #[test]
    fn clang_lists() {
        assert_eq!(parse_clangs("19, clang-16,14").unwrap(), [19, 16, 14]);
        assert!(parse_clangs("latest").is_err());
        assert!(parse_clangs("").unwrap().is_empty());
    }
}
