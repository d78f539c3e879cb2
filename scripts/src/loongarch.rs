//! loongarch64 provisioning: rustup has no loongarch64 target, so std is
//! built from source with nightly, linked by `zig cc` (PyPI `ziglang`)
//! against a dynamic musl 1.2.5 built here with clang-19 (see SPEC.md,
//! "loongarch64 route").
//!
//! Everything lands under `target/`: `ziglang/` (the wheel's contents),
//! `loongarch64-compiler-rt/`, `loongarch64-musl/` (source + build tree)
//! and `loongarch64-sysroot/` (what `qemu-loongarch64 -L` gets).

use crate::apt::{self, Apt};
use crate::arches::Arch;
use crate::setup::piece;
use crate::{bail, Result};
use std::path::{Path, PathBuf};
use xshell::{cmd, Shell};

/// The ziglang wheel version (zig's own version); pinned so the compiler-rt
/// archive and the linker wrapper behave the same on every machine.
pub const ZIG_VERSION: &str = "0.15.2";
/// musl's loongarch64 port landed in 1.2.5.
const MUSL_MIN: (u32, u32, u32) = (1, 2, 5);
const MUSL_CC: &str = "clang-19 --target=loongarch64-linux-musl -march=la464";
/// Bump when the sysroot recipe changes: a sysroot with another stamp is rebuilt.
const RECIPE: &str = "xtask musl sysroot v1: clang-19 -march=la464, zig compiler-rt";
const STAMP: &str = ".xtask-stamp";

fn target_dir() -> PathBuf {
    crate::root().join("target")
}

/// Where the ziglang wheel is installed (`PYTHONPATH` for `python3 -m ziglang`).
pub fn ziglang_dir() -> PathBuf {
    target_dir().join("ziglang")
}

pub fn compiler_rt() -> PathBuf {
    target_dir().join("loongarch64-compiler-rt/libcompiler_rt.a")
}

fn musl_dir() -> PathBuf {
    target_dir().join("loongarch64-musl")
}

/// `python3 -m ziglang ...` with the wheel from `target/ziglang`.
pub fn zig<'a>(sh: &'a Shell, args: &[&str]) -> xshell::Cmd<'a> {
    cmd!(sh, "python3 -m ziglang {args...}").env("PYTHONPATH", ziglang_dir())
}

pub fn setup(sh: &Shell, apt: &mut Apt, la: &Arch) -> Result {
    build_tools(sh, apt)?;
    ziglang(sh)?;
    nightly(sh, la)?;
    compiler_rt_archive(sh)?;
    let tarball = musl_source(sh, apt)?;
    sysroot(sh, la, tarball)?;
    let wrapper = Path::new(&la.linker);
    if !is_executable(wrapper) {
        bail!(
            "linker wrapper {} is missing or not executable",
            wrapper.display()
        );
    }
    Ok(())
}

fn build_tools(sh: &Shell, apt: &mut Apt) -> Result {
    let mut need = apt::missing(sh, &["make".to_string()]);
    let has_pip = cmd!(sh, "python3 -m pip --version")
        .quiet()
        .ignore_stdout()
        .ignore_stderr()
        .run()
        .is_ok();
    if !has_pip {
        need.extend(["python3".to_string(), "python3-pip".to_string()]);
    }
    let todo = (!need.is_empty()).then(|| need.join(" "));
    piece(
        "loongarch64 build tools (make, python3 -m pip)",
        todo,
        || apt.install(sh, &need, None),
    )
}

fn ziglang(sh: &Shell) -> Result {
    let have = zig(sh, &["version"]).quiet().ignore_stderr().read().ok();
    let todo = (have.as_deref().map(str::trim) != Some(ZIG_VERSION)).then(|| {
        format!(
            "ziglang=={ZIG_VERSION} into target/ziglang (found: {})",
            have.as_deref().map(str::trim).unwrap_or("none")
        )
    });
    piece("zig (PyPI ziglang)", todo, || {
        let dir = ziglang_dir();
        if dir.exists() {
            sh.remove_path(&dir)?;
        }
        let spec = format!("ziglang=={ZIG_VERSION}");
        cmd!(
            sh,
            "python3 -m pip install --quiet --disable-pip-version-check --target {dir} {spec}"
        )
        .run()?;
        let v = zig(sh, &["version"]).read()?;
        if v.trim() != ZIG_VERSION {
            bail!("zig reports {v} after installing {spec}");
        }
        Ok(())
    })
}

fn nightly(sh: &Shell, la: &Arch) -> Result {
    let tc = la.rust_toolchain.as_str();
    let toolchains = cmd!(sh, "rustup toolchain list").quiet().read()?;
    let has_tc = toolchains.lines().any(|l| {
        l.split_whitespace()
            .next()
            .is_some_and(|n| n == tc || n.starts_with(&format!("{tc}-")))
    });
    let has_src = has_tc
        && cmd!(sh, "rustup component list --installed --toolchain {tc}")
            .quiet()
            .read()?
            .lines()
            .any(|l| l.trim() == "rust-src");
    let todo = match (has_tc, has_src) {
        (false, _) => Some(format!("rustup toolchain {tc} (minimal + rust-src)")),
        (true, false) => Some(format!("rust-src for {tc}")),
        (true, true) => None,
    };
    piece(
        &format!("rust {tc} + rust-src (for -Zbuild-std)"),
        todo,
        || {
            if has_tc {
                cmd!(sh, "rustup component add rust-src --toolchain {tc}").run()?;
            } else {
                cmd!(
                    sh,
                    "rustup toolchain install {tc} --profile minimal -c rust-src"
                )
                .run()?;
            }
            Ok(())
        },
    )
}

/// zig's compiler-rt for loongarch64 (musl's LIBCC: without it libc.so keeps
/// `__addtf3`-style undefined symbols). `-fcompiler-rt` bundles it into the
/// static library built from an empty root file.
fn compiler_rt_archive(sh: &Shell) -> Result {
    let out = compiler_rt();
    let todo = (!out.is_file()).then(|| format!("{} (zig build-lib)", rel(&out)));
    piece("loongarch64 compiler-rt", todo, || {
        let dir = out.parent().expect("has a parent");
        sh.create_dir(dir)?;
        let src = dir.join("empty.zig");
        sh.write_file(&src, "// root file for `zig build-lib -fcompiler-rt`\n")?;
        let tmp = dir.join("libcompiler_rt.a.tmp");
        let (src, emit) = (
            src.display().to_string(),
            format!("-femit-bin={}", tmp.display()),
        );
        let args = [
            "build-lib",
            "-target",
            "loongarch64-linux-musl",
            "-mcpu=la464",
            "-O",
            "ReleaseFast",
            "-fcompiler-rt",
            &src,
            &emit,
        ];
        let _dir = sh.push_dir(dir);
        zig(sh, &args).run()?;
        let syms = cmd!(sh, "llvm-nm-19 {tmp}").quiet().read()?;
        for want in ["__addtf3", "__divti3", "__multi3"] {
            if !syms.lines().any(|l| l.ends_with(&format!(" {want}"))) {
                bail!("zig compiler-rt archive lacks {want}");
            }
        }
        std::fs::rename(&tmp, &out)?;
        Ok(())
    })
}

/// Download musl's source from Debian trixie (bookworm's 1.2.3 has no
/// loongarch64 port); returns the orig tarball.
fn musl_source(sh: &Shell, apt: &mut Apt) -> Result<PathBuf> {
    let dir = musl_dir();
    let todo = find_orig(&dir).is_none().then(|| {
        format!(
            "musl source from trixie (apt-get source) into {}",
            rel(&dir)
        )
    });
    piece("musl >= 1.2.5 source", todo, || {
        let src = apt::configured_source("bookworm")?;
        if apt::ensure_source("xtask-trixie-src.sources", "deb-src", "trixie", &src)? {
            apt.sources_changed();
        }
        apt.update(sh)?;
        sh.create_dir(&dir)?;
        let _d = sh.push_dir(&dir);
        cmd!(sh, "apt-get source -q --download-only musl/trixie").run()?;
        Ok(())
    })?;
    let tarball = find_orig(&dir).ok_or("no musl_*.orig.tar.* after apt-get source")?;
    let v = musl_version(&tarball).ok_or("cannot read musl version")?;
    if v < MUSL_MIN {
        bail!("musl {v:?} from trixie is older than {MUSL_MIN:?}");
    }
    Ok(tarball)
}

fn find_orig(dir: &Path) -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| musl_version(p).is_some())
        .collect();
    found.sort_by_key(|p| musl_version(p));
    found.pop()
}

/// `musl_1.2.5.orig.tar.gz` -> (1, 2, 5).
fn musl_version(p: &Path) -> Option<(u32, u32, u32)> {
    let name = p.file_name()?.to_str()?;
    let v = name.strip_prefix("musl_")?.split(".orig.tar.").next()?;
    if !name.contains(".orig.tar.") {
        return None;
    }
    let mut it = v.split('.').map(|n| n.parse::<u32>().ok());
    Some((it.next()??, it.next()??, it.next()??))
}

fn sysroot(sh: &Shell, la: &Arch, tarball: PathBuf) -> Result {
    let root = PathBuf::from(&la.sysroot);
    let ldso = root.join("lib/ld-musl-loongarch64.so.1");
    let stamp = std::fs::read_to_string(root.join(STAMP)).unwrap_or_default();
    let ok = stamp.lines().next() == Some(RECIPE)
        && ldso.is_file()
        && root.join("lib/libc.so").is_file();
    let v = musl_version(&tarball).expect("checked by musl_source");
    let version = format!("{}.{}.{}", v.0, v.1, v.2);
    let todo = (!ok).then(|| format!("musl {version} built with clang-19 into {}", rel(&root)));
    piece("loongarch64 musl sysroot", todo, || {
        build_musl(sh, &tarball, &version, &root)
    })
}

fn build_musl(sh: &Shell, tarball: &Path, version: &str, root: &Path) -> Result {
    let build = musl_dir().join("build");
    if build.exists() {
        sh.remove_path(&build)?;
    }
    sh.create_dir(&build)?;
    cmd!(sh, "tar -xf {tarball} -C {build} --strip-components=1").run()?;
    let staging = root.with_extension("tmp");
    if staging.exists() {
        sh.remove_path(&staging)?;
    }
    let _d = sh.push_dir(&build);
    let prefix = format!("--prefix={}", staging.display());
    let syslibdir = format!("--syslibdir={}", staging.join("lib").display());
    cmd!(
        sh,
        "./configure --target=loongarch64-linux-musl --disable-wrapper {prefix} {syslibdir}"
    )
    .env("CC", MUSL_CC)
    .env("LDFLAGS", "-fuse-ld=lld")
    .env("AR", "llvm-ar-19")
    .env("RANLIB", "llvm-ranlib-19")
    .env("LIBCC", compiler_rt())
    .run()?;
    cmd!(sh, "make -j2").run()?;
    cmd!(sh, "make install").quiet().run()?;
    // make install links ld-musl-*.so.1 to libc.so by absolute path; a
    // copy keeps the sysroot relocatable.
    let ldso = staging.join("lib/ld-musl-loongarch64.so.1");
    if ldso.symlink_metadata().is_ok() {
        std::fs::remove_file(&ldso)?;
    }
    std::fs::copy(staging.join("lib/libc.so"), &ldso)?;
    let nm = cmd!(sh, "llvm-nm-19 --undefined-only {ldso}")
        .quiet()
        .read()?;
    let undefined: Vec<&str> = nm
        .lines()
        .filter(|l| l.trim_start().starts_with("U "))
        .collect();
    if !undefined.is_empty() {
        let undefined = undefined.join("\n");
        bail!("musl libc.so has undefined symbols:\n{undefined}");
    }
    sh.write_file(
        staging.join(STAMP),
        format!("{RECIPE}\nmusl {version}, zig {ZIG_VERSION}\n"),
    )?;
    if root.exists() {
        sh.remove_path(root)?;
    }
    std::fs::rename(&staging, root)?;
    Ok(())
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// A path relative to the workspace root, for messages.
fn rel(p: &Path) -> String {
    p.strip_prefix(crate::root())
        .unwrap_or(p)
        .display()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn musl_versions_from_file_names() {
        let v = |s: &str| musl_version(Path::new(s));
        assert_eq!(v("/x/musl_1.2.5.orig.tar.gz"), Some((1, 2, 5)));
        assert_eq!(v("musl_1.2.10.orig.tar.xz"), Some((1, 2, 10)));
        assert_eq!(v("musl_1.2.5-3.debian.tar.xz"), None);
        assert_eq!(v("musl_1.2.5-3.dsc"), None);
        assert!(v("musl_1.2.3.orig.tar.gz").unwrap() < MUSL_MIN);
    }
}
