//! The one error type of the crate.

use crate::arch::Arch;
use std::path::PathBuf;

/// Everything that can go wrong between source text and a call.
///
/// Messages name the architecture, the relocation type, the symbol, the
/// section and the offset wherever those exist, so a failure in a matrix run
/// can be understood from its message alone.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No usable `clang` binary was found.
    #[error("clang not found: {0} (install clang, or set LOADER_CLANG or JitOptions::clang to its path)")]
    ClangNotFound(String),

    /// `clang` could not be started or its pipes failed.
    #[error("could not run {clang}: {source}")]
    ClangSpawn {
        clang: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// `clang` ran and failed; `stderr` is its diagnostic output.
    #[error("{clang} failed ({status}):\n{stderr}")]
    ClangFailed {
        clang: PathBuf,
        status: String,
        stderr: String,
    },

    /// The bytes are not an ELF relocatable object we can read.
    #[error("malformed ELF object: {0}")]
    MalformedElf(String),

    /// The object is for another machine than the one requested.
    #[error("ELF object is for machine {found} ({found_name}), expected {expected}")]
    WrongMachine {
        expected: Arch,
        found: u16,
        found_name: &'static str,
    },

    /// A feature of the object that the loader deliberately refuses
    /// (thread-locals, COMMON symbols, constructors, `SHT_REL` sections).
    #[error("{arch}: unsupported {what}: {detail}")]
    Unsupported {
        arch: Arch,
        what: &'static str,
        detail: String,
    },

    /// An image buffer handed to the link step of another size than the
    /// layout needs (a caller bug).
    #[error("{arch}: unsupported image buffer: {given} bytes given, {needed} needed")]
    ImageBufferSize {
        arch: Arch,
        given: usize,
        needed: usize,
    },

    /// A base address the image cannot be placed at (past the end of the
    /// address space, or misaligned).
    #[error("{arch}: unsupported base address: {detail}")]
    BadBaseAddress { arch: Arch, detail: String },

    /// A page size that is not a power of two (a caller bug).
    #[error("{arch}: unsupported page size: {page_size} is not a power of two")]
    BadPageSize { arch: Arch, page_size: u64 },

    /// An image larger than [`crate::link::MAX_IMAGE_SIZE`].
    #[error("{arch}: unsupported image size: {detail}")]
    ImageTooLarge { arch: Arch, detail: String },

    /// More symbols than a module lists ([`crate::link::SymbolList::MAX_LEN`]).
    #[error("{arch}: unsupported symbol count: {detail}")]
    TooManySymbols { arch: Arch, detail: String },

    /// A relocation type the loader has no rule for.
    #[error("{arch}: unsupported relocation {type_name} (type {r_type}) against `{symbol}` at {section}+{offset:#x}")]
    UnsupportedRelocation {
        arch: Arch,
        r_type: u32,
        type_name: String,
        symbol: String,
        section: String,
        offset: u64,
    },

    /// A computed value does not fit the field it must be written to.
    #[error("{arch}: relocation {type_name} against `{symbol}` at {section}+{offset:#x}: value {value:#x} {problem}")]
    RelocationOverflow {
        arch: Arch,
        type_name: &'static str,
        symbol: String,
        section: String,
        offset: u64,
        value: i64,
        problem: String,
    },

    /// A relocation that is malformed in itself (offset outside its section,
    /// a missing pair, a misplaced instruction rewrite).
    #[error(
        "{arch}: relocation {type_name} against `{symbol}` at {section}+{offset:#x}: {problem}"
    )]
    BadRelocation {
        arch: Arch,
        type_name: String,
        symbol: String,
        section: String,
        offset: u64,
        problem: String,
    },

    /// A stub whose fields cannot hold what they must (its GOT slot or
    /// target out of the stub's reach): never the case within the image
    /// size cap, refused rather than built wrong.
    #[error("{arch}: the stub to `{symbol}` cannot be built: value {value:#x} {problem}")]
    StubOutOfReach {
        arch: Arch,
        symbol: String,
        value: i64,
        problem: String,
    },

    /// An undefined symbol that neither the resolver nor `dlsym` knows.
    #[error("{arch}: undefined symbol `{symbol}` (referenced from {section}+{offset:#x}); supply it through the resolver")]
    UndefinedSymbol {
        arch: Arch,
        symbol: String,
        section: String,
        offset: u64,
    },

    /// A symbol that the caller asked for is not exported by the module.
    #[error("no function or data symbol `{0}` in the loaded module")]
    SymbolNotFound(String),

    /// A call's arguments do not match the declared signature.
    #[error("bad signature for `{function}`: {problem}")]
    BadSignature { function: String, problem: String },

    /// The process runs on an architecture the loader has no tables for:
    /// nothing can be mapped or run here (linking for a named arch works).
    #[error("unsupported host architecture: {host} (the loader runs on x86_64, aarch64, riscv64, loongarch64 and ppc64le)")]
    UnsupportedHost {
        /// `std::env::consts::ARCH` of this build.
        host: &'static str,
    },

    /// A caller's page size that protections cannot be applied at.
    #[error("{arch}: unsupported page size: {page_size} is not a multiple of the host's {host_page_size}-byte pages")]
    PageSizeNotHostMultiple {
        arch: Arch,
        page_size: u64,
        host_page_size: u64,
    },

    /// A batch was asked of a JIT whose backend is not the in-memory one.
    #[error("{arch}: unsupported backend: a batch is linked by the in-memory backend only")]
    BatchNeedsInMemoryBackend { arch: Arch },

    /// A batch of no objects was asked for.
    #[error("{arch}: empty batch: a batch links at least one object")]
    EmptyBatch { arch: Arch },

    /// The object's architecture cannot execute on this host.
    #[error(
        "cannot execute {arch} code on a {host} host (linking for it works; mapping does not)"
    )]
    ForeignArch { arch: Arch, host: Arch },

    /// mmap/mprotect/dlopen and friends.
    #[error("{op} failed: {source}")]
    Os {
        op: &'static str,
        #[source]
        source: std::io::Error,
    },

    /// Two objects of one batch define the same global symbol.
    #[error("symbol `{symbol}` is defined by both `{first}` and `{second}` in one batch")]
    DuplicateSymbol {
        symbol: String,
        first: String,
        second: String,
    },

    /// The dlopen backend's dynamic loader refused the library.
    #[error("dlopen backend: {0}")]
    Dlopen(String),
}

// Without the dlopen oracle, link/elf.rs builds these errors itself.
impl Error {
    /// The object is not relocatable (ELF type `e_type`).
    pub(crate) fn not_relocatable(e_type: u16) -> Error {
        Error::MalformedElf(format!(
            "e_type {e_type} is not ET_REL: only relocatable objects (clang -c) are loaded"
        ))
    }

    /// The object is for ELF machine `found`, not for `expected`.
    pub(crate) fn wrong_machine(expected: Arch, found: u16) -> Error {
        Error::WrongMachine {
            expected,
            found,
            found_name: Arch::from_elf_machine(found).map_or("unknown", Arch::name),
        }
    }
}

/// Shorthand used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
