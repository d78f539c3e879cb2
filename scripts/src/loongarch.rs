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
const RECIPE: &str =
    "xtask musl sysroot v2: clang-19 -march=la464, zig compiler-rt (-fPIC, libc names local)";
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
    sysroot(sh, apt, la)?;
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
///
/// zig's compiler-rt also defines libc/libm functions (memcpy, sin, trunc,
/// __stack_chk_fail, ...) as weak *hidden* symbols. Linked into libc.so
/// as is, they would make musl's own definitions hidden too (the linker keeps
/// the most constraining visibility) and libc.so would not export memcpy or
/// sin. So every such symbol is made local to the archive (llvm-objcopy):
/// only the `__`-prefixed helpers stay global.
fn compiler_rt_archive(sh: &Shell) -> Result {
    // -fPIC: the archive is linked into musl's libc.so.
    const FLAGS: [&str; 8] = [
        "build-lib",
        "-target",
        "loongarch64-linux-musl",
        "-mcpu=la464",
        "-O",
        "ReleaseFast",
        "-fPIC",
        "-fcompiler-rt",
    ];
    let out = compiler_rt();
    let stamp = out.with_extension("stamp");
    let recipe = format!("zig {ZIG_VERSION} {}; libc names local", FLAGS.join(" "));
    let current = out.is_file() && std::fs::read_to_string(&stamp).is_ok_and(|s| s == recipe);
    let todo = (!current).then(|| format!("{} (zig build-lib)", rel(&out)));
    piece("loongarch64 compiler-rt", todo, || {
        let dir = out.parent().expect("has a parent");
        sh.create_dir(dir)?;
        let src = dir.join("empty.zig");
        sh.write_file(&src, "// root file for `zig build-lib -fcompiler-rt`\n")?;
        let raw = compiler_rt_raw();
        let src = src.display().to_string();
        let emit = format!("-femit-bin={}", raw.display());
        let mut args = FLAGS.to_vec();
        args.extend([src.as_str(), emit.as_str()]);
        let _dir = sh.push_dir(dir);
        zig(sh, &args).run()?;
        let globals = defined_globals(sh, &raw)?;
        for want in ["__addtf3", "__divti3", "__multi3"] {
            if !globals.iter().any(|g| g == want) {
                bail!("zig compiler-rt archive lacks {want}");
            }
        }
        let local: Vec<&str> = globals
            .iter()
            .map(String::as_str)
            .filter(|n| !n.starts_with("__") || n.starts_with("__stack_chk"))
            .collect();
        let list = dir.join("localize.txt");
        sh.write_file(&list, local.join("\n") + "\n")?;
        let tmp = out.with_extension("a.tmp");
        let localize = format!("--localize-symbols={}", list.display());
        cmd!(sh, "llvm-objcopy-19 {localize} {raw} {tmp}").run()?;
        println!("  made {} libc/libm symbols local", local.len());
        std::fs::rename(&tmp, &out)?;
        sh.write_file(&stamp, &recipe)?;
        Ok(())
    })
}

/// zig's archive before `llvm-objcopy --localize-symbols`.
fn compiler_rt_raw() -> PathBuf {
    compiler_rt().with_file_name("libcompiler_rt.raw.a")
}

/// Names of the global symbols an object, archive or library defines.
fn defined_globals(sh: &Shell, file: &Path) -> Result<Vec<String>> {
    let nm = cmd!(
        sh,
        "llvm-nm-19 --defined-only --extern-only --format=just-symbols {file}"
    )
    .quiet()
    .read()?;
    let mut names: Vec<String> = nm
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.ends_with(':'))
        .map(str::to_string)
        .collect();
    names.sort();
    names.dedup();
    Ok(names)
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
        // The trixie deb-src entry was written by `setup::apt_sources`.
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
    let (v, compression) = name.strip_prefix("musl_")?.split_once(".orig.tar.")?;
    if !matches!(compression, "gz" | "xz" | "bz2") {
        return None;
    }
    let mut it = v.split('.').map(|n| n.parse::<u32>().ok());
    Some((it.next()??, it.next()??, it.next()??))
}

/// The musl sysroot; the source is fetched only when it must be (re)built.
fn sysroot(sh: &Shell, apt: &mut Apt, la: &Arch) -> Result {
    let root = PathBuf::from(&la.sysroot);
    let ldso = root.join("lib/ld-musl-loongarch64.so.1");
    let stamp = std::fs::read_to_string(root.join(STAMP)).unwrap_or_default();
    let ok = stamp.lines().next() == Some(RECIPE)
        && ldso.is_file()
        && root.join("lib/libc.so").is_file();
    let todo = (!ok).then(|| format!("musl from trixie built with clang-19 into {}", rel(&root)));
    piece("loongarch64 musl sysroot", todo, || {
        let tarball = musl_source(sh, apt)?;
        let v = musl_version(&tarball).expect("checked by musl_source");
        let version = format!("{}.{}.{}", v.0, v.1, v.2);
        println!("  building musl {version}");
        build_musl(sh, &tarball, &version, &root)
    })
}

fn build_musl(sh: &Shell, tarball: &Path, version: &str, root: &Path) -> Result {
    let build = musl_dir().join("build");
    for old in [&build, &musl_dir().join("build.log")] {
        if old.exists() {
            sh.remove_path(old)?;
        }
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
    let log = musl_dir().join("build.log");
    let configure = cmd!(
        sh,
        "./configure --target=loongarch64-linux-musl --disable-wrapper {prefix} {syslibdir}"
    )
    .env("CC", MUSL_CC)
    .env("LDFLAGS", "-fuse-ld=lld")
    .env("AR", "llvm-ar-19")
    .env("RANLIB", "llvm-ranlib-19")
    .env("LIBCC", compiler_rt());
    logged(configure, &log)?;
    logged(cmd!(sh, "make -j2"), &log)?;
    logged(cmd!(sh, "make install"), &log)?;
    // make install links ld-musl-*.so.1 to libc.so by absolute path; a
    // copy keeps the sysroot relocatable.
    let ldso = staging.join("lib/ld-musl-loongarch64.so.1");
    if ldso.symlink_metadata().is_ok() {
        std::fs::remove_file(&ldso)?;
    }
    std::fs::copy(staging.join("lib/libc.so"), &ldso)?;
    check_exports(sh, &staging.join("lib"))?;
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

/// libc.so must export every symbol musl defines that zig's compiler-rt also
/// defines (the visibility trap described at `compiler_rt_archive`), and
/// the basics the smoke test and the harness use.
fn check_exports(sh: &Shell, lib: &Path) -> Result {
    let so = lib.join("libc.so");
    let dynsym = cmd!(
        sh,
        "llvm-nm-19 --dynamic --defined-only --extern-only --format=just-symbols {so}"
    )
    .quiet()
    .read()?;
    let exported: std::collections::BTreeSet<&str> = dynsym.lines().map(str::trim).collect();
    let musl = defined_globals(sh, &lib.join("libc.a"))?;
    let crt = defined_globals(sh, &compiler_rt_raw())?;
    let mut must: Vec<&str> = musl
        .iter()
        .filter(|n| crt.binary_search(n).is_ok())
        .map(String::as_str)
        .collect();
    must.extend(["memcpy", "strlen", "sin", "dlopen", "dlsym"]);
    let hidden: Vec<&str> = must.into_iter().filter(|n| !exported.contains(n)).collect();
    if !hidden.is_empty() {
        bail!("libc.so does not export: {}", hidden.join(" "));
    }
    Ok(())
}

/// Run `c`, appending its output to `log`; on failure show the log's tail.
fn logged(c: xshell::Cmd<'_>, log: &Path) -> Result {
    use std::io::Write;
    println!("$ {c}  (output: {})", rel(log));
    let out = c.quiet().ignore_status().output()?;
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)?;
    f.write_all(&out.stdout)?;
    f.write_all(&out.stderr)?;
    if !out.status.success() {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        for l in &lines[lines.len().saturating_sub(30)..] {
            println!("  | {l}");
        }
        bail!(
            "command failed ({}); full output in {}",
            out.status,
            log.display()
        );
    }
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
        assert_eq!(v("musl_1.2.5.orig.tar.gz.asc"), None);
        assert!(v("musl_1.2.3.orig.tar.gz").unwrap() < MUSL_MIN);
    }
}
