//! Running `clang -c` on stdin, reading the object from stdout: no temp file.

use crate::arch::Arch;
use crate::error::{Error, Result};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The environment variable naming the clang binary to use.
pub const CLANG_ENV: &str = "LOADER_CLANG";

/// The environment variable giving the default CPU: `native`, `baseline`
/// or a CPU name. Set it when running under qemu-user, where the host's
/// clang cannot describe the emulated CPU as `native`.
pub const CPU_ENV: &str = "LOADER_CPU";

/// The source language handed to clang.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Language {
    /// C (`-x c`), freestanding: math through `__builtin_*`, no headers.
    C,
    /// LLVM IR text (`-x ir`).
    Ir,
}

impl Language {
    /// The language of a file, by extension (`.c`, `.ll`).
    pub fn from_path(path: &Path) -> Option<Language> {
        match path.extension()?.to_str()? {
            "c" => Some(Language::C),
            "ll" => Some(Language::Ir),
            _ => None,
        }
    }
}

/// Which CPU clang generates code for.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub enum Cpu {
    /// The host CPU (`-march=native`/`-mcpu=native`) when compiling for the
    /// host architecture, the architecture's baseline otherwise. Never use
    /// native under qemu-user: clang runs on the x86_64 host and would
    /// describe the wrong CPU.
    #[default]
    Native,
    /// The architecture's baseline: no CPU flag (riscv64: `-march=rv64gc`).
    Baseline,
    /// An explicit CPU name: `-march=` on x86_64 and loongarch64, `-mcpu=`
    /// elsewhere (riscv64 keeps `-march=rv64gc` beside it).
    Named(String),
}

/// How to compile kernels: the clang binary and the flags.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Compiler {
    /// The clang binary (see [`find_clang`]).
    pub clang: PathBuf,
    pub arch: Arch,
    pub cpu: Cpu,
    /// `0`, `1`, `2`, `3`, `s` or `z`.
    pub opt_level: String,
    /// Appended after the built-in flags.
    pub extra_flags: Vec<String>,
}

impl Cpu {
    /// `native`, `baseline` or a CPU name, as `$LOADER_CPU` and command
    /// lines spell it.
    pub fn parse(text: &str) -> Cpu {
        match text.trim() {
            "" | "native" => Cpu::Native,
            "baseline" => Cpu::Baseline,
            name => Cpu::Named(name.to_string()),
        }
    }

    /// The default CPU: `$LOADER_CPU` if set, else [`Cpu::Native`].
    pub fn from_env() -> Cpu {
        Cpu::parse(&std::env::var(CPU_ENV).unwrap_or_default())
    }
}

impl Compiler {
    /// A compiler for `arch` with the clang found by [`find_clang`], `-O2`
    /// and the CPU of [`Cpu::from_env`] (native unless `$LOADER_CPU` says
    /// otherwise).
    pub fn new(arch: Arch) -> Result<Compiler> {
        Ok(Compiler::with_clang(find_clang(None)?, arch))
    }

    /// A compiler for `arch` using `clang`.
    pub fn with_clang(clang: impl Into<PathBuf>, arch: Arch) -> Compiler {
        Compiler {
            clang: clang.into(),
            arch,
            // $LOADER_CPU describes the machine this process runs on.
            cpu: if Arch::host() == Some(arch) {
                Cpu::from_env()
            } else {
                Cpu::Native
            },
            opt_level: "2".into(),
            extra_flags: Vec::new(),
        }
    }

    /// The command-line flags for `language` (without the input `-`).
    pub fn flags(&self, language: Language) -> Vec<String> {
        let mut f: Vec<String> = ["-c", "-fPIC", "-fno-math-errno", "-fno-stack-protector"]
            .map(String::from)
            .to_vec();
        f.push(format!("-O{}", self.opt_level));
        f.push(format!(
            "--target={}-none-unknown-elf",
            self.arch.clang_arch()
        ));
        f.extend(self.cpu_flags());
        // AArch64 hosts whose ABI reserves x18 (macOS, Windows) must not let
        // kernels allocate it.
        if self.arch == Arch::Aarch64 && cfg!(any(target_os = "macos", target_os = "windows")) {
            f.push("-ffixed-x18".into());
        }
        match language {
            Language::C => {
                f.extend(["-x", "c", "-ffreestanding", "-nostdlib", "-fno-ident"].map(String::from))
            }
            Language::Ir => f.extend(
                [
                    "-x",
                    "ir",
                    "-funroll-loops",
                    "-fvectorize",
                    "-fslp-vectorize",
                ]
                .map(String::from),
            ),
        }
        f.extend(self.extra_flags.iter().cloned());
        f
    }

    fn cpu_flags(&self) -> Vec<String> {
        let native_here = Arch::host() == Some(self.arch);
        let name = match &self.cpu {
            Cpu::Native if native_here => Some("native".to_string()),
            Cpu::Native | Cpu::Baseline => None,
            Cpu::Named(n) => Some(n.clone()),
        };
        match (self.arch, name) {
            // x86_64 and LoongArch name CPUs with -march (clang rejects
            // -mcpu for loongarch64).
            (Arch::X86_64 | Arch::Loongarch64, Some(n)) => vec![format!("-march={n}")],
            (Arch::Riscv64, None) => vec!["-march=rv64gc".into()],
            (Arch::Riscv64, Some(n)) if n != "native" => {
                vec!["-march=rv64gc".into(), format!("-mcpu={n}")]
            }
            (Arch::Riscv64, Some(_)) => vec!["-march=rv64gc".into()],
            (_, Some(n)) => vec![format!("-mcpu={n}")],
            (_, None) => vec![],
        }
    }

    /// Compiles `source` to a relocatable object, in memory.
    pub fn compile(&self, source: &str, language: Language) -> Result<Vec<u8>> {
        let span =
            tracing::debug_span!("compile", arch = %self.arch, ?language, bytes = source.len());
        let _enter = span.enter();
        // Checked up front: under qemu-user a failed exec shows up as exit
        // status 127 of the child rather than as a spawn error.
        if self.clang.components().count() > 1 && !self.clang.is_file() {
            return Err(Error::ClangNotFound(format!(
                "{} does not exist",
                self.clang.display()
            )));
        }
        let mut child = Command::new(&self.clang)
            .args(self.flags(language))
            .args(["-", "-o", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|source| Error::ClangSpawn {
                clang: self.clang.clone(),
                source,
            })?;
        // Feed stdin from a thread: clang may fill its stdout pipe before
        // it has read all of a large input.
        let mut stdin = child.stdin.take().expect("stdin was piped");
        let input = source.as_bytes().to_vec();
        let writer = std::thread::spawn(move || stdin.write_all(&input));
        let mut stderr_pipe = child.stderr.take().expect("stderr was piped");
        let err_reader = std::thread::spawn(move || {
            let mut s = Vec::new();
            stderr_pipe.read_to_end(&mut s).map(|_| s)
        });
        let mut object = Vec::new();
        let read = child
            .stdout
            .take()
            .expect("stdout was piped")
            .read_to_end(&mut object);
        let status = child.wait().map_err(|source| Error::ClangSpawn {
            clang: self.clang.clone(),
            source,
        })?;
        let stderr = err_reader
            .join()
            .ok()
            .and_then(|r| r.ok())
            .unwrap_or_default();
        let wrote = writer.join();
        if !status.success() {
            return Err(Error::ClangFailed {
                clang: self.clang.clone(),
                status: describe_status(status),
                stderr: String::from_utf8_lossy(&stderr).into_owned(),
            });
        }
        let io_err = |source| Error::ClangSpawn {
            clang: self.clang.clone(),
            source,
        };
        read.map_err(io_err)?;
        match wrote {
            Ok(r) => r.map_err(io_err)?,
            Err(_) => return Err(io_err(std::io::Error::other("stdin writer panicked"))),
        }
        tracing::debug!(object_bytes = object.len(), "compiled");
        Ok(object)
    }

    /// The clang major version (`19` for clang 19.1.7), from `--version`.
    pub fn clang_version(&self) -> Result<u32> {
        clang_version(&self.clang)
    }
}

fn describe_status(status: std::process::ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return format!("killed by signal {sig}");
        }
    }
    match status.code() {
        Some(c) => format!("exit status {c}"),
        None => "unknown status".into(),
    }
}

/// What `clang --version` prints on stdout.
pub(crate) fn version_output(clang: &Path) -> Result<String> {
    let out = Command::new(clang)
        .arg("--version")
        .output()
        .map_err(|source| Error::ClangSpawn {
            clang: clang.to_path_buf(),
            source,
        })?;
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The major version of a clang binary.
pub fn clang_version(clang: &Path) -> Result<u32> {
    let text = version_output(clang)?;
    text.split_once("clang version ")
        .and_then(|(_, rest)| rest.split('.').next())
        .and_then(|major| major.trim().parse().ok())
        .ok_or_else(|| Error::ClangFailed {
            clang: clang.to_path_buf(),
            status: "unrecognised --version output".into(),
            stderr: text,
        })
}

/// Finds clang: `explicit`, then `$LOADER_CLANG`, then `clang` on the
/// `PATH`, then the newest `clang-NN` on the `PATH`.
pub fn find_clang(explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(p) = explicit {
        return Ok(p.to_path_buf());
    }
    if let Some(p) = std::env::var_os(CLANG_ENV).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    for d in &dirs {
        let c = d.join("clang");
        if c.is_file() {
            return Ok(c);
        }
    }
    let mut best: Option<(u32, PathBuf)> = None;
    for d in &dirs {
        let Ok(entries) = std::fs::read_dir(d) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name();
            let Some(v) = name
                .to_str()
                .and_then(|n| n.strip_prefix("clang-"))
                .and_then(|v| v.parse::<u32>().ok())
            else {
                continue;
            };
            if best.as_ref().is_none_or(|(b, _)| v > *b) {
                best = Some((v, e.path()));
            }
        }
    }
    best.map(|(_, p)| p).ok_or_else(|| {
        Error::ClangNotFound(format!(
            "no `clang` or `clang-NN` on PATH and {CLANG_ENV} is not set"
        ))
    })
}
