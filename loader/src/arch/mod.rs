//! Per-architecture relocation tables.
//!
//! The generic linker ([`crate::link`]) knows no architecture: each module
//! here describes its relocation types as data, a [`RelocKind`] = what value
//! to compute (a [`Target`] and a [`Formula`]) and how to store it
//! ([`Encoding`]), plus the few truly special hooks (stub code, the ppc64
//! TOC `nop` rewrite) in its `ArchDef` implementation.
#![forbid(unsafe_code)]

use crate::bits::Encoding;
use std::fmt;
use std::sync::OnceLock;

mod aarch64;
mod loongarch64;
mod ppc64;
mod riscv64;
mod x86_64;

/// A target architecture of the loader. All five are 64-bit little-endian.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Arch {
    X86_64,
    Aarch64,
    Riscv64,
    Loongarch64,
    /// ppc64le, ELFv2 ABI only.
    Ppc64le,
}

impl Arch {
    /// Every architecture, in the order reports list them.
    pub const ALL: [Arch; 5] = [
        Arch::X86_64,
        Arch::Aarch64,
        Arch::Riscv64,
        Arch::Loongarch64,
        Arch::Ppc64le,
    ];

    /// The architecture this process runs on, if the loader supports it.
    pub fn host() -> Option<Arch> {
        if cfg!(target_arch = "x86_64") {
            Some(Arch::X86_64)
        } else if cfg!(target_arch = "aarch64") {
            Some(Arch::Aarch64)
        } else if cfg!(target_arch = "riscv64") {
            Some(Arch::Riscv64)
        } else if cfg!(target_arch = "loongarch64") {
            Some(Arch::Loongarch64)
        } else if cfg!(all(target_arch = "powerpc64", target_endian = "little")) {
            Some(Arch::Ppc64le)
        } else {
            None
        }
    }

    /// Short name used in reports, snapshots and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64",
            Arch::Aarch64 => "aarch64",
            Arch::Riscv64 => "riscv64",
            Arch::Loongarch64 => "loongarch64",
            Arch::Ppc64le => "ppc64le",
        }
    }

    /// The architecture of a canonical [`Arch::name`] (no aliases: see
    /// `FromStr` for those).
    pub fn from_name(name: &str) -> Option<Arch> {
        Arch::ALL.into_iter().find(|a| a.name() == name)
    }

    /// The architecture part of clang's `--target=<arch>-none-unknown-elf`.
    pub fn clang_arch(self) -> &'static str {
        match self {
            Arch::Ppc64le => "powerpc64le",
            other => other.name(),
        }
    }

    /// The ELF `e_machine` value of the architecture's objects.
    pub fn elf_machine(self) -> u16 {
        self.def().machine()
    }

    /// The architecture of an ELF `e_machine` value.
    pub fn from_elf_machine(machine: u16) -> Option<Arch> {
        Arch::ALL.into_iter().find(|a| a.elf_machine() == machine)
    }

    pub(crate) fn def(self) -> &'static dyn ArchDef {
        match self {
            Arch::X86_64 => &x86_64::X86_64,
            Arch::Aarch64 => &aarch64::Aarch64,
            Arch::Riscv64 => &riscv64::Riscv64,
            Arch::Loongarch64 => &loongarch64::Loongarch64,
            Arch::Ppc64le => &ppc64::Ppc64,
        }
    }

    /// The relocation kinds of this architecture indexed by type: a table
    /// lookup per relocation instead of a search (built on first use).
    pub(crate) fn kind_index(self) -> &'static [Option<&'static RelocKind>] {
        &self.indexes().kinds
    }

    /// The [`Target`] of each relocation type, indexed by type (`None`
    /// for skipped or unknown types): what GOT and stub planning reads,
    /// one byte a type.
    pub(crate) fn target_index(self) -> &'static [Option<Target>] {
        &self.indexes().targets
    }

    fn indexes(self) -> &'static KindIndexes {
        static INDEXES: [OnceLock<KindIndexes>; 5] = [const { OnceLock::new() }; 5];
        INDEXES[self as usize].get_or_init(|| {
            let def = self.def();
            let kinds = def.tables().kinds;
            let len = kinds
                .iter()
                .map(|k| k.r_type as usize + 1)
                .max()
                .unwrap_or(0);
            let mut index = vec![None; len];
            // The first entry of a type wins, as in a search.
            for k in kinds.iter().rev() {
                index[k.r_type as usize] = Some(k);
            }
            KindIndexes {
                targets: index
                    .iter()
                    .map(|k| k.and_then(RelocKind::target))
                    .collect(),
                kinds: index.into_boxed_slice(),
            }
        })
    }

    /// The name of relocation type `r_type` on this architecture
    /// (`R_X86_64_PC32`), or `None` if the loader does not know it.
    pub fn reloc_name(self, r_type: u32) -> Option<&'static str> {
        self.def().kind(r_type).map(|k| k.name)
    }
}

impl fmt::Display for Arch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Arch {
    type Err = String;
    fn from_str(s: &str) -> Result<Arch, String> {
        match s {
            "x86_64" | "x86-64" | "amd64" => Ok(Arch::X86_64),
            "aarch64" | "arm64" => Ok(Arch::Aarch64),
            "riscv64" | "riscv64gc" => Ok(Arch::Riscv64),
            "loongarch64" => Ok(Arch::Loongarch64),
            "ppc64le" | "powerpc64le" => Ok(Arch::Ppc64le),
            _ => Err(format!(
                "unknown architecture `{s}` (expected one of x86_64, aarch64, riscv64, loongarch64, ppc64le)"
            )),
        }
    }
}

/// Which address a relocation starts from: `S` in the ELF formulas, or a
/// linker-made stand-in for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The symbol's own address `S`.
    Symbol,
    /// The address of the symbol's GOT slot (the slot holds `S`).
    GotSlot,
    /// A branch: the symbol (at its local entry point where the ABI has
    /// one) if the encoding reaches it, else the symbol's stub.
    Branch,
    /// The GOT base (`_GLOBAL_OFFSET_TABLE_`), whatever the symbol.
    GotBase,
    /// The TOC base (ppc64 `.TOC.`: the GOT base + the arch's `toc_bias`),
    /// whatever the symbol (`R_PPC64_TOC`).
    TocBase,
    /// The value computed by the HI20-style relocation found at the
    /// symbol's address (RISC-V `PCREL_LO12_*`): the low part of a pair.
    PairedHigh,
}

/// What is computed from the target `T`, the addend `A` and the place `P`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Formula {
    /// `T + A`
    Absolute,
    /// `T + A - P`
    PcRelative,
    /// `page(T + A + bias) - page(P)`, pages of 4 KiB (AArch64 ADRP with
    /// bias 0; LoongArch `PCALA_HI20` with bias 0x800, correcting for the
    /// sign extension of the low part).
    PageDelta { bias: i64 },
    /// LoongArch `*64_PC_LO20`/`*64_PC_HI12`: the 64-bit page delta of a
    /// `pcalau12i; addi.d; lu32i.d; lu52i.d` sequence whose `pcalau12i` is
    /// at `P + from` (-8 or -12), nudged for the sign extensions of the
    /// lower parts: `r = page(T + A) - page(P + from)`, plus
    /// `0x1000 - 2^32` if bit 11 of `T + A` is set, plus `2^32` if then
    /// bit 31 of `r` is set (the psABI algorithm; lld's
    /// `getLoongArchPageDelta`). The fields take bits 32-51 and 52-63.
    PageDelta64 { from: i64 },
    /// `T + A - GOT base`
    GotRelative,
    /// `T + A - TOC base` (ppc64 `TOC16*`).
    TocRelative,
    /// `T + A`, unchanged by the linker at apply time: the value is that of
    /// the paired high relocation ([`Target::PairedHigh`]).
    Paired,
}

/// How the computed value is combined with what the field holds already.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accumulate {
    /// The field becomes the value.
    Store,
    /// The field becomes field + value (RISC-V/LoongArch `ADD*`).
    Add,
    /// The field becomes field - value (`SUB*`).
    Sub,
}

/// What a relocation type does.
#[derive(Clone, Copy, Debug)]
pub enum Action {
    /// Compute `formula` from `target`, then insert it with `encoding`.
    Patch {
        target: Target,
        formula: Formula,
        encoding: &'static Encoding,
        accumulate: Accumulate,
    },
    /// A marker with nothing to patch (`R_RISCV_RELAX`, `*_NONE`, and
    /// `R_RISCV_ALIGN`: see the riscv64 module for why skipping it is right).
    Skip,
}

/// One entry of an architecture's relocation table.
#[derive(Clone, Copy, Debug)]
pub struct RelocKind {
    pub r_type: u32,
    pub name: &'static str,
    pub action: Action,
    /// Sets the value that [`Target::PairedHigh`] relocations pointing at
    /// this place read back (RISC-V `PCREL_HI20`, `GOT_HI20`).
    pub is_pair_high: bool,
}

impl RelocKind {
    pub(crate) const fn patch(
        r_type: u32,
        name: &'static str,
        target: Target,
        formula: Formula,
        encoding: &'static Encoding,
    ) -> RelocKind {
        RelocKind {
            r_type,
            name,
            action: Action::Patch {
                target,
                formula,
                encoding,
                accumulate: Accumulate::Store,
            },
            is_pair_high: false,
        }
    }

    pub(crate) const fn skip(r_type: u32, name: &'static str) -> RelocKind {
        RelocKind {
            r_type,
            name,
            action: Action::Skip,
            is_pair_high: false,
        }
    }

    pub(crate) const fn accumulate(self, accumulate: Accumulate) -> RelocKind {
        let action = match self.action {
            Action::Patch {
                target,
                formula,
                encoding,
                ..
            } => Action::Patch {
                target,
                formula,
                encoding,
                accumulate,
            },
            Action::Skip => Action::Skip,
        };
        RelocKind { action, ..self }
    }

    pub(crate) const fn pair_high(self) -> RelocKind {
        RelocKind {
            is_pair_high: true,
            ..self
        }
    }

    /// The linker-made entries this kind needs for its symbol.
    pub(crate) fn target(&self) -> Option<Target> {
        match self.action {
            Action::Patch { target, .. } => Some(target),
            Action::Skip => None,
        }
    }
}

/// The lookup tables of an architecture's kinds by type.
struct KindIndexes {
    kinds: Box<[Option<&'static RelocKind>]>,
    targets: Box<[Option<Target>]>,
}

/// Where a relocation lands, handed to the arch hooks.
pub(crate) struct Place<'a> {
    /// The bytes of the image up to the end of the patched section.
    pub image: &'a mut [u8],
    /// Offset of the patched field in `image`.
    pub offset: usize,
    /// The relocation type applied there (ppc64: `REL24_NOTOC` calls need
    /// no TOC restore, `REL24` calls do).
    pub r_type: u32,
}

/// The data of an architecture: its relocation table, the kinds it
/// refuses with a reason, and its stub.
pub(crate) struct ArchTables {
    pub arch: Arch,
    /// ELF `e_machine`.
    pub machine: u16,
    pub kinds: &'static [RelocKind],
    /// Relocation types that exist but are refused: `(type, name, reason)`.
    pub refused: &'static [(u32, &'static str, &'static str)],
    pub stub: StubTemplate,
}

/// The far-call trampoline to a symbol defined outside the object, as
/// data: its code and the fields the linker patches in it, each computed
/// and encoded as a relocation is (JITLink: stub content plus edges).
pub(crate) struct StubTemplate {
    /// The instructions before patching (little-endian).
    pub code: &'static [u8],
    /// Alignment of stubs within the code segment.
    pub align: u64,
    pub fixups: &'static [StubFixup],
}

/// One patched field of a stub: `formula` of `target` (the symbol's GOT
/// slot or the symbol itself) plus `addend`, at `P` = stub + `at`, stored
/// with `encoding`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct StubFixup {
    pub at: u8,
    pub target: StubTarget,
    pub formula: Formula,
    pub addend: i64,
    pub encoding: &'static Encoding,
}

/// What a stub field addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StubTarget {
    /// The symbol's GOT slot, which holds its address.
    GotSlot,
    /// The symbol's address itself.
    Symbol,
}

/// An architecture: its tables, and the special cases data cannot say.
pub(crate) trait ArchDef: Sync {
    fn tables(&self) -> &'static ArchTables;

    fn arch(&self) -> Arch {
        self.tables().arch
    }

    fn machine(&self) -> u16 {
        self.tables().machine
    }

    /// The relocation table entry for `r_type` (tables are small: a linear
    /// scan over a few dozen entries is faster than a map).
    fn kind(&self, r_type: u32) -> Option<&'static RelocKind> {
        self.tables().kinds.iter().find(|k| k.r_type == r_type)
    }

    /// A relocation type that exists but is refused: `(name, reason)`.
    fn refused(&self, r_type: u32) -> Option<(&'static str, &'static str)> {
        self.tables()
            .refused
            .iter()
            .find(|(t, _, _)| *t == r_type)
            .map(|&(_, name, why)| (name, why))
    }

    fn stub(&self) -> &'static StubTemplate {
        &self.tables().stub
    }

    /// Whether a branch to a symbol defined outside the object always goes
    /// through its stub (ppc64: the callee has its own TOC), rather than only
    /// when out of range.
    fn external_calls_need_stub(&self) -> bool {
        false
    }

    /// Offset from a function symbol's address to the entry point a local
    /// branch must take (ppc64 ELFv2 local entry, from `st_other`).
    fn local_entry_offset(&self, _st_other: u8) -> u64 {
        0
    }

    /// The encoding to apply at a place whose instruction decides it
    /// (ppc64: a `_DS` relocation on a DQ-form instruction keeps four low
    /// bits, not two, and needs a multiple of 16). `code` holds the bytes of
    /// the section from the place on.
    /// Whether [`ArchDef::encoding_at`] ever answers other than the table.
    fn encoding_from_code(&self) -> bool {
        false
    }

    fn encoding_at(
        &self,
        _r_type: u32,
        encoding: &'static Encoding,
        _code: &[u8],
    ) -> &'static Encoding {
        encoding
    }

    /// Called after a branch was routed through a stub (ppc64 rewrites the
    /// `nop` after the `bl` to restore the TOC pointer).
    fn after_stub_branch(&self, _place: Place<'_>) -> Result<(), String> {
        Ok(())
    }

    /// The linker-defined symbols of the ABI and what they stand for.
    fn special_symbol(&self, _name: &str) -> Option<SpecialSymbol> {
        None
    }

    /// Sections placed right after the GOT (ppc64 `.toc`), so that the TOC
    /// base reaches both with 16-bit offsets.
    fn got_adjacent_sections(&self) -> &'static [&'static str] {
        &[]
    }

    /// The offset of the TOC base past the GOT start (ppc64: 0x8000).
    fn toc_bias(&self) -> Option<u64> {
        None
    }
}

/// Why thread-local kinds are refused.
pub(crate) const REFUSED_TLS: &str = "thread-local storage is not supported";
/// Why dynamic-linker kinds are refused.
pub(crate) const REFUSED_DYNAMIC: &str = "dynamic-linker relocation in a relocatable object";

/// Linker-defined symbols an object may reference while undefined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpecialSymbol {
    /// `_GLOBAL_OFFSET_TABLE_`
    GotBase,
    /// ppc64 `.TOC.`
    TocBase,
}
