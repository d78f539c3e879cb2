//! The kernel corpus format.
//!
//! A kernel is one C (`.c`) or LLVM IR (`.ll`) file whose leading comment
//! block holds directive lines (`//!` in C, `;!` in IR). The format is
//! documented in `conformance/README.md`; this module is its single
//! implementation:
//!
//! * [`KernelSpec::parse`] turns a file into a validated [`KernelSpec`]
//!   (errors name file, line and what is wrong; the parser never panics),
//!   [`KernelSpec::split_header`] splits it into directives and the rest;
//! * [`HeaderBuilder`] writes headers (every tool that writes directive
//!   lines goes through it);
//! * [`KernelSpec::inputs`] generates the buffers, externs and call plan,
//!   deterministically from the kernel name (identical on every host);
//! * [`compare`] checks the outputs of two executions against each other;
//! * [`discover`] walks a corpus directory.
//!
//! Nothing here depends on the loader crate but its [`Arch`] and
//! [`ScalarType`]: the runner turns [`Inputs`] into the loader's call
//! values.

mod compare;
mod discover;
mod generate;
mod header;
mod parse;
mod types;

use std::path::{Path, PathBuf};

pub use compare::{compare, values_match, Mismatch, Place, Side};
pub use discover::{discover, discover_partial, CorpusError};
pub(crate) use generate::fnv1a;
pub use generate::{
    edge_values, ArgValue, Buffer, Call, CallArg, Inputs, Outputs, ReturnValue, SplitMix64,
    GUARD_BYTE, POISON_BYTE,
};
pub use header::HeaderBuilder;
pub use types::{Element, Scalar, ScalarType};

/// Source language of a kernel, from its file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// `.c`, directives start with `//!`.
    C,
    /// `.ll` (textual LLVM IR), directives start with `;!`.
    Ir,
}

impl Lang {
    /// The language of a path, from its extension.
    pub fn from_path(path: &Path) -> Option<Lang> {
        let ext = path.extension()?.to_str()?;
        [Lang::C, Lang::Ir]
            .into_iter()
            .find(|l| l.extension() == ext)
    }

    /// The file extension (`c` or `ll`).
    pub fn extension(self) -> &'static str {
        match self {
            Lang::C => "c",
            Lang::Ir => "ll",
        }
    }

    /// The directive prefix (`//!` or `;!`).
    pub fn directive_prefix(self) -> &'static str {
        match self {
            Lang::C => "//!",
            Lang::Ir => ";!",
        }
    }

    /// The plain comment prefix (`//` or `;`).
    pub fn comment_prefix(self) -> &'static str {
        match self {
            Lang::C => "//",
            Lang::Ir => ";",
        }
    }

    /// The value of clang's `-x` option.
    pub fn clang_x(self) -> &'static str {
        match self {
            Lang::C => "c",
            Lang::Ir => "ir",
        }
    }
}

/// The five architectures of the matrix: the loader's own.
pub use loader::Arch;

/// Whether the kernel reads, writes or both reads and writes a buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    In,
    Out,
    InOut,
}

impl Direction {
    pub fn name(self) -> &'static str {
        match self {
            Direction::In => "in",
            Direction::Out => "out",
            Direction::InOut => "inout",
        }
    }
}

/// The type of one entry-point parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParamKind {
    /// Passed by value; its value comes from an `arg` directive.
    Scalar(ScalarType),
    /// A pointer to the buffer of the same name (a `buf` directive).
    Pointer(ScalarType),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    pub kind: ParamKind,
}

impl std::fmt::Display for Param {
    /// `p: i32`, `q: *f64`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.kind {
            ParamKind::Scalar(t) => write!(f, "{}: {t}", self.name),
            ParamKind::Pointer(t) => write!(f, "{}: *{t}", self.name),
        }
    }
}

/// One entry point (`fn` directive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The symbol name.
    pub name: String,
    pub params: Vec<Param>,
    /// `None` for `void`.
    pub ret: Option<ScalarType>,
    /// Header line of the directive.
    pub line: usize,
}

impl Entry {
    /// Parses a signature in the header's syntax (`NAME(p: T, q: *T) -> T`,
    /// the text of a `fn` directive); `line` of the result is 0. The error
    /// says what is wrong, the caller says where.
    pub fn parse_signature(text: &str) -> Result<Entry, String> {
        parse::signature(text)
    }
}

impl std::fmt::Display for Entry {
    /// The signature as a `fn` directive writes it: `NAME(p: T, q: *T) -> T`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}(", self.name)?;
        for (i, p) in self.params.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{p}")?;
        }
        f.write_str(")")?;
        match self.ret {
            Some(t) => write!(f, " -> {t}"),
            None => Ok(()),
        }
    }
}

/// One header directive as written, continuation lines joined (`arg n = 3`,
/// without the `//!` or `;!`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// Header line of its first line.
    pub line: usize,
    pub text: String,
}

impl Directive {
    /// The directive keyword (`arg`, `buf`, `fn`, ...).
    pub fn keyword(&self) -> &str {
        self.text.split_whitespace().next().unwrap_or("")
    }

    /// What the directive is about: its first name after the keyword (`n`
    /// of `arg n = 3`, `x` of `buf x: f32[n] in`).
    pub fn subject(&self) -> Option<&str> {
        let (_, rest) = self.text.split_once(char::is_whitespace)?;
        rest.trim_start()
            .split(|c: char| c == ':' || c == '=' || c == '(' || c.is_whitespace())
            .next()
            .filter(|s| !s.is_empty())
    }
}

/// A kernel file split into its header directives and everything else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitSource {
    pub directives: Vec<Directive>,
    /// Every line that is not a directive (code, plain comments, blank
    /// lines), each ending in a newline.
    pub body: String,
}

/// How the initial contents of a buffer, extern or argument are produced.
#[derive(Debug, Clone, PartialEq)]
pub enum GenKind {
    /// All bits zero.
    Zero,
    /// Every byte [`POISON_BYTE`]; the default of `out` buffers.
    Poison,
    /// Every element the same value.
    Const(Scalar),
    /// `start + i * step` (integers wrap; floats computed in f64).
    Iota { start: Scalar, step: Scalar },
    /// Uniform in `[lo, hi]` for integers, `[lo, hi)` for floats.
    Uniform { lo: Scalar, hi: Scalar },
    /// Uniformly random bit patterns (floats include NaN, inf, denormals).
    Bits,
    /// The listed values, repeated cyclically.
    List(Vec<Scalar>),
    /// The bytes of a string literal, then zeros (`i8`/`u8` only).
    Text(Vec<u8>),
}

/// A generator and its modifiers.
#[derive(Debug, Clone, PartialEq)]
pub struct Generator {
    pub kind: GenKind,
    /// `edges(P%)`: every edge value of the type appears once (when the
    /// buffer is long enough) and about P% of the other elements are
    /// replaced by random edge values.
    pub edges: Option<u32>,
}

/// A buffer passed by pointer, or an extern data symbol.
#[derive(Debug, Clone, PartialEq)]
pub struct BufferSpec {
    pub name: String,
    pub elem: ScalarType,
    /// Number of elements (resolved from `len_expr`).
    pub len: usize,
    /// The length as written in the header (`n`, `64`, `n*n+2`).
    pub len_expr: String,
    pub dir: Direction,
    pub gen: Generator,
    /// For externs: declared without `[len]`, i.e. a scalar variable.
    pub scalar: bool,
    pub line: usize,
}

/// The value of a scalar parameter (`arg` directive).
#[derive(Debug, Clone, PartialEq)]
pub struct ArgSpec {
    pub name: String,
    pub ty: ScalarType,
    pub gen: Generator,
    /// `per-call`: a new value from the generator for every round of calls
    /// (element `r` of the generated sequence in round `r`).
    pub per_call: bool,
    pub line: usize,
}

/// How floats may differ from the expected result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub enum Tolerance {
    /// Bit patterns must be equal (the default).
    #[default]
    Exact,
    /// At most N units in the last place apart; any NaN equals any NaN and
    /// +0 equals -0; infinities must match exactly. Integers stay exact.
    Ulp(u64),
}

/// A minimum clang version that applies to one architecture only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchMinClang {
    pub arch: Arch,
    pub version: u32,
    pub reason: String,
}

/// A wider float tolerance for the cross-architecture oracle on one
/// architecture (`cross-arch ulp N ARCH: reason`): how far its results may
/// be from x86_64's, and why (FMA contraction, another libm).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrossArchTolerance {
    pub arch: Arch,
    pub tolerance: Tolerance,
    pub reason: String,
}

/// An architecture on which the kernel is not run, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    pub arch: Arch,
    pub reason: String,
}

/// A parsed and validated kernel.
#[derive(Debug, Clone, PartialEq)]
pub struct KernelSpec {
    /// `<category>/<stem>`: seeds the input generator, names snapshots.
    pub name: String,
    pub path: PathBuf,
    pub lang: Lang,
    /// The complete file text (what goes to clang on stdin).
    pub source: String,
    pub about: Option<String>,
    pub entries: Vec<Entry>,
    pub buffers: Vec<BufferSpec>,
    pub args: Vec<ArgSpec>,
    pub externs: Vec<BufferSpec>,
    /// Rounds of calls; each round calls every entry in declaration order.
    pub calls: u32,
    pub tolerance: Tolerance,
    /// Extra clang flags, appended after the standard ones.
    pub flags: Vec<String>,
    /// Minimum clang major version as declared (see
    /// [`KernelSpec::min_clang_version`] for the effective one).
    pub min_clang: Option<u32>,
    /// Per-architecture minimum clang versions (`min-clang N ARCH: reason`),
    /// for clangs that cannot compile the kernel for one target only.
    pub min_clang_arch: Vec<ArchMinClang>,
    pub skips: Vec<Skip>,
    /// Per-architecture tolerances of the cross-architecture oracle.
    pub cross_arch: Vec<CrossArchTolerance>,
    /// Extra seed mixed into the name-derived seed (`seed` directive).
    pub seed: u64,
}

/// An error in a kernel file or corpus.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    /// Something wrong on one header line.
    #[error("{}:{line}: {msg}", file.display())]
    Line {
        file: PathBuf,
        line: usize,
        msg: String,
    },
    /// Something wrong with the file as a whole.
    #[error("{}: {msg}", file.display())]
    File { file: PathBuf, msg: String },
    /// A file or directory could not be read (or, for the generated
    /// corpus, written).
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl SpecError {
    /// The file the error is about.
    pub fn file(&self) -> &Path {
        match self {
            SpecError::Line { file, .. } | SpecError::File { file, .. } => file,
            SpecError::Io { path, .. } => path,
        }
    }

    /// The header line, when the error is about one.
    pub fn line(&self) -> Option<usize> {
        match self {
            SpecError::Line { line, .. } => Some(*line),
            _ => None,
        }
    }
}

/// The smallest clang that accepts opaque-pointer (`ptr`) IR.
pub const MIN_CLANG_FOR_IR: u32 = 15;

impl KernelSpec {
    /// Parses a kernel file. The kernel name is `<parent dir>/<stem>` of
    /// `path`; the language comes from the extension.
    pub fn parse(path: &Path, text: &str) -> Result<KernelSpec, SpecError> {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .ok_or_else(|| SpecError::File {
                file: path.to_path_buf(),
                msg: "file name is not valid UTF-8".into(),
            })?;
        let name = match path
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|s| s.to_str())
        {
            Some(dir) => format!("{dir}/{stem}"),
            None => stem.to_string(),
        };
        KernelSpec::parse_named(&name, path, text)
    }

    /// Parses a kernel file under an explicit name (as [`discover`] does
    /// with the path relative to the corpus root).
    pub fn parse_named(name: &str, path: &Path, text: &str) -> Result<KernelSpec, SpecError> {
        parse::parse(name, path, text)
    }

    /// Splits a kernel file into its header directives and the rest, by the
    /// rules of the parser (the language comes from the extension).
    pub fn split_header(path: &Path, text: &str) -> Result<SplitSource, SpecError> {
        let lang = Lang::from_path(path).ok_or_else(|| SpecError::File {
            file: path.to_path_buf(),
            msg: "unknown kernel extension (expected .c or .ll)".into(),
        })?;
        parse::split(path, lang, text)
    }

    /// Reads and parses a kernel file.
    pub fn load(path: &Path) -> Result<KernelSpec, SpecError> {
        let text = std::fs::read_to_string(path).map_err(|source| SpecError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        KernelSpec::parse(path, &text)
    }

    /// Generates the inputs: deterministic in the kernel name, the `seed`
    /// directive and the header, identical on every host.
    pub fn inputs(&self) -> Inputs {
        generate::inputs(self)
    }

    /// The effective minimum clang major version: the declared one, and at
    /// least [`MIN_CLANG_FOR_IR`] for IR kernels.
    pub fn min_clang_version(&self) -> Option<u32> {
        let implicit = match self.lang {
            Lang::Ir => Some(MIN_CLANG_FOR_IR),
            Lang::C => None,
        };
        match (self.min_clang, implicit) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
    }

    /// The effective minimum clang major version on `arch`: the larger of
    /// [`KernelSpec::min_clang_version`] and the per-arch `min-clang`.
    pub fn min_clang_version_for(&self, arch: Arch) -> Option<u32> {
        let per_arch = self
            .min_clang_arch
            .iter()
            .filter(|m| m.arch == arch)
            .map(|m| m.version)
            .max();
        match (self.min_clang_version(), per_arch) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
    }

    /// Why the kernel does not run on `arch`, if it does not.
    pub fn skip_reason(&self, arch: Arch) -> Option<&str> {
        self.skips
            .iter()
            .find(|s| s.arch == arch)
            .map(|s| s.reason.as_str())
    }

    /// The tolerance of the cross-architecture oracle for `arch`'s results
    /// against the reference architecture's: the declared `tolerance`,
    /// widened by a `cross-arch` directive for `arch` (whose reason is
    /// returned with it).
    pub fn cross_arch_tolerance(&self, arch: Arch) -> (Tolerance, Option<&str>) {
        match self.cross_arch.iter().find(|c| c.arch == arch) {
            Some(c) => (self.tolerance.max(c.tolerance), Some(c.reason.as_str())),
            None => (self.tolerance, None),
        }
    }

    /// The entry point of that name.
    pub fn entry(&self, name: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.name == name)
    }

    /// The category: the first component of the name (empty if none).
    pub fn category(&self) -> &str {
        self.name.split_once('/').map(|(c, _)| c).unwrap_or("")
    }

    /// C definitions of the extern symbols, for backends that cannot
    /// resolve data symbols through a resolver (the dlopen oracle links
    /// this translation unit into its shared object, then copies the
    /// generated initial contents in through `dlsym` before the first call).
    pub fn extern_definitions_c(&self) -> String {
        let mut out = String::new();
        for e in &self.externs {
            let ty = e.elem.c_name();
            if e.scalar {
                out.push_str(&format!("__attribute__((aligned(64))) {ty} {};\n", e.name));
            } else {
                out.push_str(&format!(
                    "__attribute__((aligned(64))) {ty} {}[{}];\n",
                    e.name, e.len
                ));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests;
