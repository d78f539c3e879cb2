//! Linking a kernel for any architecture at a fixed base address, without
//! executing it: what the relocation snapshots and the census are made of.
//!
//! * Base address: [`FIXED_BASE`] (`0x4000_0000`): page aligned for every
//!   page size the loader uses, and below 2 GiB so that 32-bit absolute
//!   relocations (x86_64 `R_X86_64_32`/`32S`, `ABS32`, `ADDR32`) can hold
//!   the address of anything in the image.
//! * External symbols ([`FakeResolver`]): every name gets a fixed address
//!   derived from an FNV-1a hash of the name, so snapshots are identical on
//!   every host.
//!   - the kernel's `extern` data symbols are *near*: in
//!     `0x5000_0000..0x5100_0000`, 64-byte aligned, within +-2 GiB of the
//!     image and below 4 GiB (what a small code model may assume);
//!   - every other name (libm, compiler-rt helpers, `memcpy`) is a function
//!     and *far*: in `0x7f00_0000_0000..0x7f01_0000_0000`, 16-byte aligned,
//!     like a shared library mapped high in a real process, so that calls
//!     to it go through stubs/GOT slots wherever the architecture's branch
//!     range (or the loader's policy) requires one.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use loader::link::{link, LinkOptions, RelocRecord};
use loader::{Arch, Compiler, Cpu, Language, Resolver};
use object::elf;
use object::read::elf::{FileHeader, SectionHeader};
use object::Endianness;

use super::relocnames::describe_reloc_type;
use crate::spec::{KernelSpec, Lang};

/// The address the image is linked at.
pub const FIXED_BASE: u64 = 0x4000_0000;
/// Start of the window of near (data) externals.
pub const NEAR_EXTERNALS: u64 = 0x5000_0000;
/// Start of the window of far (function) externals.
pub const FAR_EXTERNALS: u64 = 0x7f00_0000_0000;

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The fixed address of an external symbol (see the module docs).
pub fn fake_address(name: &str, data: bool) -> u64 {
    let h = fnv1a(name.as_bytes());
    if data {
        NEAR_EXTERNALS + ((h % 0x100_0000) & !0x3f)
    } else {
        FAR_EXTERNALS + ((h % 0x1_0000_0000) & !0xf)
    }
}

/// The deterministic resolver of fixed-base links: the spec's `extern`
/// symbols near, everything else far.
#[derive(Debug, Clone, Default)]
pub struct FakeResolver {
    data: HashSet<String>,
}

impl FakeResolver {
    pub fn for_spec(spec: &KernelSpec) -> FakeResolver {
        FakeResolver {
            data: spec.externs.iter().map(|e| e.name.clone()).collect(),
        }
    }

    pub fn is_data(&self, name: &str) -> bool {
        self.data.contains(name)
    }
}

impl Resolver for FakeResolver {
    fn resolve(&self, name: &str) -> Option<u64> {
        Some(fake_address(name, self.is_data(name)))
    }
}

/// The loader's language for a kernel's.
pub fn language(lang: Lang) -> Language {
    match lang {
        Lang::C => Language::C,
        Lang::Ir => Language::Ir,
    }
}

/// The compiler of fixed-base links: `clang` for `arch`, baseline CPU,
/// optimisation `opt`, the kernel's extra flags.
pub fn compiler_for(spec: &KernelSpec, arch: Arch, clang: &Path, opt: &str) -> Compiler {
    let mut c = Compiler::with_clang(clang, arch);
    c.cpu = Cpu::Baseline;
    c.opt_level = opt.to_string();
    c.extra_flags = spec.flags.clone();
    c
}

/// Relocation types in an ELF object, by name, with their counts. Read
/// independently of the loader so that an object the loader rejects is
/// still described.
pub fn object_reloc_types(arch: Arch, object: &[u8]) -> Result<BTreeMap<String, usize>, String> {
    let header = elf::FileHeader64::<Endianness>::parse(object).map_err(|e| e.to_string())?;
    let endian = header.endian().map_err(|e| e.to_string())?;
    let sections = header.sections(endian, object).map_err(|e| e.to_string())?;
    let mut out = BTreeMap::new();
    for s in sections.iter() {
        if s.sh_type(endian) != elf::SHT_RELA {
            continue;
        }
        let relas: &[elf::Rela64<Endianness>] =
            s.data_as_array(endian, object).map_err(|e| e.to_string())?;
        for r in relas {
            let name = describe_reloc_type(arch, r.r_type(endian, false));
            *out.entry(name).or_insert(0) += 1;
        }
    }
    Ok(out)
}

/// Bytes of the allocated executable sections of an ELF object.
pub fn object_code_bytes(object: &[u8]) -> Result<u64, String> {
    let header = elf::FileHeader64::<Endianness>::parse(object).map_err(|e| e.to_string())?;
    let endian = header.endian().map_err(|e| e.to_string())?;
    let sections = header.sections(endian, object).map_err(|e| e.to_string())?;
    let code = u64::from(elf::SHF_ALLOC | elf::SHF_EXECINSTR);
    Ok(sections
        .iter()
        .filter(|s| s.sh_flags(endian) & code == code)
        .map(|s| s.sh_size(endian))
        .sum())
}

/// Why a fixed-base link produced no log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FixedError {
    Compile(String),
    Link(String),
}

impl std::fmt::Display for FixedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FixedError::Compile(m) => write!(f, "compile: {m}"),
            FixedError::Link(m) => write!(f, "{m}"),
        }
    }
}

/// The result of compiling and linking one kernel for one architecture.
#[derive(Debug, Clone)]
pub struct FixedLink {
    pub kernel: String,
    pub arch: Arch,
    /// Relocation types in the object (empty if it did not compile).
    pub object_relocs: BTreeMap<String, usize>,
    /// Bytes of executable sections in the object (None if it did not
    /// compile): what `cargo xtask clang-diff` compares as code size.
    pub code_bytes: Option<u64>,
    /// The undefined symbols and the addresses the fake resolver gave them.
    pub externals: Vec<(String, u64, bool)>,
    pub outcome: Result<Vec<RelocRecord>, FixedError>,
    /// The kernel's `skip` reason for this arch (it is still compiled and
    /// linked; only execution is skipped).
    pub skip: Option<String>,
}

impl FixedLink {
    pub fn linked(&self) -> bool {
        self.outcome.is_ok()
    }
}

/// Replaces the clang path in a message by `clang`, so that snapshots do
/// not depend on where clang is installed.
fn scrub(message: &str, clang: &Path) -> String {
    let p = clang.display().to_string();
    if p.is_empty() {
        message.to_string()
    } else {
        message.replace(&p, "clang")
    }
}

/// Compiles `spec` for `arch` (baseline CPU, `-O<opt>`) and links it at
/// [`FIXED_BASE`] with the [`FakeResolver`].
pub fn compile_and_link(spec: &KernelSpec, arch: Arch, clang: &Path, opt: &str) -> FixedLink {
    let compiler = compiler_for(spec, arch, clang, opt);
    let mut out = FixedLink {
        kernel: spec.name.clone(),
        arch,
        object_relocs: BTreeMap::new(),
        code_bytes: None,
        externals: Vec::new(),
        outcome: Ok(Vec::new()),
        skip: spec.skip_reason(arch).map(str::to_string),
    };
    let object = match compiler.compile(&spec.source, language(spec.lang)) {
        Ok(o) => o,
        Err(e) => {
            out.outcome = Err(FixedError::Compile(scrub(&e.to_string(), clang)));
            return out;
        }
    };
    link_object(spec, arch, &object, out)
}

fn link_object(spec: &KernelSpec, arch: Arch, object: &[u8], mut out: FixedLink) -> FixedLink {
    match object_reloc_types(arch, object).and_then(|m| Ok((m, object_code_bytes(object)?))) {
        Ok((m, code)) => {
            out.object_relocs = m;
            out.code_bytes = Some(code);
        }
        Err(e) => {
            out.outcome = Err(FixedError::Link(format!("malformed ELF object: {e}")));
            return out;
        }
    }
    let resolver = FakeResolver::for_spec(spec);
    let prepared = std::panic::catch_unwind(|| {
        loader::link::Prepared::new(object, arch, &LinkOptions::default())
            .map(|p| {
                p.undefined_symbols()
                    .into_iter()
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .ok()
    });
    if let Ok(Some(mut names)) = prepared {
        names.sort_unstable();
        names.dedup();
        out.externals = names
            .into_iter()
            .map(|n| {
                let data = resolver.is_data(&n);
                let addr = fake_address(&n, data);
                (n, addr, data)
            })
            .collect();
    }
    // The engines are under development: a panic in the link step is
    // reported like an error instead of ending the census or the test.
    let linked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        link(object, arch, FIXED_BASE, &resolver, &LinkOptions::default())
    }));
    out.outcome = match linked {
        Ok(r) => r
            .map(|img| img.output.log)
            .map_err(|e| FixedError::Link(e.to_string())),
        Err(p) => {
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "panic".into());
            Err(FixedError::Link(format!("the loader panicked: {msg}")))
        }
    };
    out
}
