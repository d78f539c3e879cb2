//! `qemu/arches.toml`: per-architecture data (rust target, linker, runner,
//! clang target and CPU flags, expected page size), and `cargo xtask arches`.

use crate::flags::Flags;
use crate::minitoml::{self, Value};
use crate::{bail, Result};
use std::path::PathBuf;

pub const FILE: &str = "qemu/arches.toml";

#[derive(Debug, Clone)]
pub struct Arch {
    pub name: String,
    pub rust_target: String,
    /// rustup toolchain used to build for this arch: `default` (the active
    /// one) or a name such as `nightly`.
    pub rust_toolchain: String,
    /// Whether `rustup target add <rust_target>` provides its std.
    pub rustup_target: bool,
    /// Whether std must be built from source (`-Zbuild-std`).
    pub build_std: bool,
    pub rustflags: Vec<String>,
    /// Linker / C compiler / archiver for the target; empty = host default.
    pub linker: String,
    pub cc: String,
    pub ar: String,
    /// Debian packages providing the cross toolchain and sysroot.
    pub apt: Vec<String>,
    /// Directory given to qemu as `-L`; empty for the native arch.
    pub sysroot: String,
    /// Command prefix that runs a target binary; empty = run natively.
    pub runner: Vec<String>,
    /// What `uname -m` answers on (or under qemu for) this arch.
    pub uname: String,
    pub clang_target: String,
    /// The CPU kernels are compiled for, in the loader's `LOADER_CPU`
    /// terms: a CPU name or `baseline` (never `native` under emulation).
    pub clang_cpu: String,
    /// Oldest clang major version able to target this arch.
    pub min_clang: u32,
    pub page_size: u64,
    /// Extra inputs of the loader's dlopen backend link
    /// (`LOADER_DLOPEN_LINK_ARGS`).
    pub dlopen_link_args: Vec<String>,
}

impl Arch {
    pub fn is_native(&self) -> bool {
        self.runner.is_empty()
    }

    /// The qemu binary (`qemu-aarch64`), for foreign arches.
    pub fn qemu(&self) -> Option<&str> {
        self.runner.first().map(String::as_str)
    }

    /// `CARGO_TARGET_<TRIPLE>_` prefix for cargo's per-target env vars.
    pub fn cargo_env_prefix(&self) -> String {
        format!(
            "CARGO_TARGET_{}_",
            self.rust_target.to_uppercase().replace(['-', '.'], "_")
        )
    }

    /// Environment for cargo and the `cc` crate to build and run for this
    /// arch: linker, runner, rustflags, CC_/AR_ for C dependencies.
    pub fn cargo_env(&self) -> Vec<(String, String)> {
        let p = self.cargo_env_prefix();
        let t = self.rust_target.replace('-', "_");
        let mut env = Vec::new();
        if !self.linker.is_empty() {
            env.push((format!("{p}LINKER"), self.linker.clone()));
        }
        if !self.runner.is_empty() {
            env.push((format!("{p}RUNNER"), self.runner.join(" ")));
        }
        if !self.rustflags.is_empty() {
            env.push((format!("{p}RUSTFLAGS"), self.rustflags.join(" ")));
        }
        if !self.cc.is_empty() {
            env.push((format!("CC_{t}"), self.cc.clone()));
        }
        if !self.ar.is_empty() {
            env.push((format!("AR_{t}"), self.ar.clone()));
        }
        if !self.is_native() {
            // The loader's own settings under emulation: the CPU to compile
            // kernels for (clang cannot see the emulated CPU as `native`),
            // and how tests re-run their own binary.
            env.push(("LOADER_CPU".into(), self.clang_cpu.clone()));
            env.push(("LOADER_RUNNER".into(), self.runner.join(" ")));
            if !self.dlopen_link_args.is_empty() {
                env.push((
                    "LOADER_DLOPEN_LINK_ARGS".into(),
                    self.dlopen_link_args.join(" "),
                ));
            }
        }
        env
    }

    /// The `+toolchain` argument for cargo, unless the active one is used.
    pub fn cargo_toolchain_arg(&self) -> Option<String> {
        (self.rust_toolchain != "default").then(|| format!("+{}", self.rust_toolchain))
    }

    /// `--toolchain NAME` for rustup, unless the active one is used.
    pub fn rustup_toolchain_args(&self) -> Vec<String> {
        match self.rust_toolchain.as_str() {
            "default" => Vec::new(),
            t => vec!["--toolchain".into(), t.into()],
        }
    }

    pub fn build_std_args(&self) -> Vec<String> {
        if self.build_std {
            vec!["-Zbuild-std=std,panic_abort".into()]
        } else {
            Vec::new()
        }
    }
}

/// Read and validate `qemu/arches.toml`.
pub fn load() -> Result<Vec<Arch>> {
    let path = crate::root().join(FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse(&text, &crate::root()).map_err(|e| format!("{FILE}: {e}").into())
}

pub fn parse(text: &str, root: &std::path::Path) -> Result<Vec<Arch>> {
    let root = root.display().to_string();
    let mut arches = Vec::new();
    for table in minitoml::parse(text)? {
        let mut t = Fields {
            table: &table.name,
            entries: table.entries.clone(),
        };
        let sysroot = t.string("sysroot")?.replace("{root}", &root);
        let expand = |s: String| s.replace("{root}", &root).replace("{sysroot}", &sysroot);
        let arch = Arch {
            name: table.name.clone(),
            rust_target: t.string("rust_target")?,
            rust_toolchain: t.string("rust_toolchain")?,
            rustup_target: t.bool("rustup_target")?,
            build_std: t.bool("build_std")?,
            rustflags: t.array("rustflags")?.into_iter().map(expand).collect(),
            linker: expand(t.string("linker")?),
            cc: expand(t.string("cc")?),
            ar: expand(t.string("ar")?),
            apt: t.array("apt")?,
            runner: t.array("runner")?.into_iter().map(expand).collect(),
            uname: t.string("uname")?,
            clang_target: t.string("clang_target")?,
            clang_cpu: t.string("clang_cpu")?,
            min_clang: u32::try_from(t.int("min_clang")?)?,
            page_size: u64::try_from(t.int("page_size")?)?,
            dlopen_link_args: t
                .array("dlopen_link_args")?
                .into_iter()
                .map(expand)
                .collect(),
            sysroot,
        };
        t.finish()?;
        check(&arch)?;
        arches.push(arch);
    }
    if arches.iter().filter(|a| a.is_native()).count() != 1 {
        bail!("exactly one arch must be native (empty runner)");
    }
    Ok(arches)
}

/// Consistency rules the data must follow.
fn check(a: &Arch) -> Result {
    let n = &a.name;
    if a.clang_cpu.is_empty() || a.clang_cpu == "native" {
        bail!("[{n}] clang_cpu must name an explicit CPU (or `baseline`), not native");
    }
    if !a.page_size.is_power_of_two() {
        bail!("[{n}] page_size must be a power of two");
    }
    if a.is_native() {
        return Ok(());
    }
    let qemu = a.qemu().unwrap_or_default();
    if !qemu.starts_with("qemu-") {
        bail!("[{n}] runner must start with a qemu-<arch> binary");
    }
    let arg = |flag: &str| {
        a.runner
            .iter()
            .position(|x| x == flag)
            .and_then(|i| a.runner.get(i + 1))
    };
    if arg("-L") != Some(&a.sysroot) || a.sysroot.is_empty() {
        bail!("[{n}] runner must pass `-L {{sysroot}}` and sysroot must be set");
    }
    if arg("-cpu").is_none() {
        bail!("[{n}] runner must pass an explicit `-cpu` matching clang_cpu");
    }
    if a.linker.is_empty() {
        bail!("[{n}] a foreign arch needs a linker");
    }
    Ok(())
}

struct Fields<'a> {
    table: &'a str,
    entries: Vec<(String, Value)>,
}

impl Fields<'_> {
    fn take(&mut self, key: &str) -> Result<Value> {
        match self.entries.iter().position(|(k, _)| k == key) {
            Some(i) => Ok(self.entries.remove(i).1),
            None => bail!("[{}] missing key `{key}`", self.table),
        }
    }
    fn string(&mut self, key: &str) -> Result<String> {
        match self.take(key)? {
            Value::Str(s) => Ok(s),
            v => bail!("[{}] `{key}` must be a string, not {v:?}", self.table),
        }
    }
    fn bool(&mut self, key: &str) -> Result<bool> {
        match self.take(key)? {
            Value::Bool(b) => Ok(b),
            v => bail!("[{}] `{key}` must be a boolean, not {v:?}", self.table),
        }
    }
    fn int(&mut self, key: &str) -> Result<i64> {
        match self.take(key)? {
            Value::Int(i) => Ok(i),
            v => bail!("[{}] `{key}` must be an integer, not {v:?}", self.table),
        }
    }
    fn array(&mut self, key: &str) -> Result<Vec<String>> {
        match self.take(key)? {
            Value::Array(a) => Ok(a),
            v => bail!(
                "[{}] `{key}` must be an array of strings, not {v:?}",
                self.table
            ),
        }
    }
    fn finish(self) -> Result {
        if let Some((k, _)) = self.entries.first() {
            bail!("[{}] unknown key `{k}`", self.table);
        }
        Ok(())
    }
}

/// Resolve `--arch` values: a comma list of names, or `all`.
pub fn select(all: &[Arch], spec: &str) -> Result<Vec<Arch>> {
    let names = crate::flags::list(spec);
    if names.iter().any(|n| n == "all") {
        return Ok(all.to_vec());
    }
    let mut out = Vec::new();
    for n in names {
        match all.iter().find(|a| a.name == n) {
            Some(a) if !out.iter().any(|o: &Arch| o.name == n) => out.push(a.clone()),
            Some(_) => {}
            None => {
                let known: Vec<_> = all.iter().map(|a| a.name.as_str()).collect();
                bail!("unknown arch `{n}` (known: {}, all)", known.join(", "));
            }
        }
    }
    Ok(out)
}

pub fn sysroot_path(a: &Arch) -> PathBuf {
    PathBuf::from(&a.sysroot)
}

const HELP: &str = "\
cargo xtask arches [--env ARCH]

Print the per-arch table read from qemu/arches.toml (validated), or with
--env ARCH the shell `export` lines (CARGO_TARGET_<T>_LINKER/RUNNER/RUSTFLAGS,
CC_<t>, AR_<t>) that build and run code for ARCH.
Touches nothing: read-only.";

pub fn main(args: Vec<String>) -> Result {
    let Some(mut f) = Flags::new(args, HELP) else {
        return Ok(());
    };
    let env = f.value("--env")?;
    f.finish()?;
    let arches = load()?;
    if let Some(spec) = env {
        for a in select(&arches, &spec)? {
            let mut build = vec!["cargo".to_string()];
            build.extend(a.cargo_toolchain_arg());
            build.extend(["build".into(), "--target".into(), a.rust_target.clone()]);
            build.extend(a.build_std_args());
            println!("# {}: {}", a.name, build.join(" "));
            for (k, v) in a.cargo_env() {
                println!("export {k}='{v}'");
            }
        }
        return Ok(());
    }
    for a in &arches {
        println!("{}:", a.name);
        println!(
            "  rust target   {} (toolchain {}{})",
            a.rust_target,
            a.rust_toolchain,
            if a.build_std { ", -Zbuild-std" } else { "" }
        );
        println!("  linker        {}", or_default(&a.linker));
        println!(
            "  runner        {}",
            if a.is_native() {
                "native".into()
            } else {
                a.runner.join(" ")
            }
        );
        println!(
            "  clang         --target={} (CPU {})",
            a.clang_target, a.clang_cpu
        );
        println!("  min clang     {}", a.min_clang);
        println!("  page size     {}", a.page_size);
    }
    Ok(())
}

fn or_default(s: &str) -> &str {
    if s.is_empty() {
        "(host default)"
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_repo_file_is_valid() {
        let arches = load().unwrap();
        let names: Vec<_> = arches.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(
            names,
            ["x86_64", "aarch64", "riscv64", "loongarch64", "ppc64le"]
        );
        let la = &arches[3];
        assert_eq!(la.runner[2], la.sysroot);
        assert!(la.sysroot.ends_with("target/loongarch64-sysroot"));
        assert!(la.linker.ends_with("qemu/loongarch64-zig-cc.sh"));
        assert_eq!(
            la.cargo_env_prefix(),
            "CARGO_TARGET_LOONGARCH64_UNKNOWN_LINUX_MUSL_"
        );
    }

    #[test]
    fn select_all_and_unknown() {
        let arches = load().unwrap();
        assert_eq!(select(&arches, "all").unwrap().len(), arches.len());
        assert_eq!(select(&arches, "ppc64le,ppc64le").unwrap().len(), 1);
        assert!(select(&arches, "mips").is_err());
    }

    #[test]
    fn rules_are_enforced() {
        let good = std::fs::read_to_string(crate::root().join(FILE)).unwrap();
        let root = std::path::Path::new("/r");
        for (from, to) in [
            ("clang_cpu = \"pwr9\"", "clang_cpu = \"native\""),
            ("\"-cpu\", \"power9\"", "\"-x\", \"power9\""),
            (
                "page_size = 4096\n\n[ppc64le]",
                "page_size = 4000\n\n[ppc64le]",
            ),
            ("uname = \"ppc64le\"", "uname = \"ppc64le\"\nbogus = 1"),
        ] {
            assert!(good.contains(from), "{from}");
            let bad = good.replacen(from, to, 1);
            assert!(parse(&bad, root).is_err(), "accepted {to}");
        }
    }
}
