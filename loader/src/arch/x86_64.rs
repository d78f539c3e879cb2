//! x86_64 (System V psABI): relocation kinds of small, medium and large
//! code model PIC objects.
//!
//! `GOTPCRELX`/`REX_GOTPCRELX` are given a real GOT slot and never relaxed:
//! the `mov foo@GOTPCREL(%rip), %reg` then loads the slot, which holds the
//! symbol's address, so extern data gets its address (treating the kind as
//! `PC32` would load the data's first bytes instead).

use super::{Arch, ArchDef, ArchTables, Formula, RelocKind, SpecialSymbol, Target};
use crate::bits::data::{
    EITHER16 as D16, EITHER8 as D8, SIGNED16 as D16_PC, SIGNED32 as D32S, SIGNED8 as D8_PC,
    UNSIGNED32 as D32U, WORD64 as D64,
};
use crate::bits::Encoding;

pub(crate) struct X86_64;

use Formula::{Absolute as Abs, GotRelative as GotRel, PcRelative as Pc};
use Target::{Branch, GotBase, GotSlot, Symbol as Sym};

const fn k(r: u32, n: &'static str, t: Target, f: Formula, e: &'static Encoding) -> RelocKind {
    RelocKind::patch(r, n, t, f, e)
}

static TABLE: &[RelocKind] = &[
    RelocKind::skip(0, "R_X86_64_NONE"),
    k(1, "R_X86_64_64", Sym, Abs, &D64),
    k(2, "R_X86_64_PC32", Sym, Pc, &D32S),
    k(3, "R_X86_64_GOT32", GotSlot, GotRel, &D32S),
    k(4, "R_X86_64_PLT32", Branch, Pc, &D32S),
    k(9, "R_X86_64_GOTPCREL", GotSlot, Pc, &D32S),
    k(10, "R_X86_64_32", Sym, Abs, &D32U),
    k(11, "R_X86_64_32S", Sym, Abs, &D32S),
    k(12, "R_X86_64_16", Sym, Abs, &D16),
    k(13, "R_X86_64_PC16", Sym, Pc, &D16_PC),
    k(14, "R_X86_64_8", Sym, Abs, &D8),
    k(15, "R_X86_64_PC8", Sym, Pc, &D8_PC),
    k(24, "R_X86_64_PC64", Sym, Pc, &D64),
    k(25, "R_X86_64_GOTOFF64", Sym, GotRel, &D64),
    k(26, "R_X86_64_GOTPC32", GotBase, Pc, &D32S),
    k(27, "R_X86_64_GOT64", GotSlot, GotRel, &D64),
    k(28, "R_X86_64_GOTPCREL64", GotSlot, Pc, &D64),
    k(29, "R_X86_64_GOTPC64", GotBase, Pc, &D64),
    // Large model: `L + A - GOT`, the function's address relative to the GOT.
    k(31, "R_X86_64_PLTOFF64", Branch, GotRel, &D64),
    k(41, "R_X86_64_GOTPCRELX", GotSlot, Pc, &D32S),
    k(42, "R_X86_64_REX_GOTPCRELX", GotSlot, Pc, &D32S),
];

/// Kinds that exist but are refused, with the reason given in the error.
pub(crate) static REFUSED: &[(u32, &str, &str)] = &[
    (
        5,
        "R_X86_64_COPY",
        "dynamic-linker relocation in a relocatable object",
    ),
    (
        6,
        "R_X86_64_GLOB_DAT",
        "dynamic-linker relocation in a relocatable object",
    ),
    (
        7,
        "R_X86_64_JUMP_SLOT",
        "dynamic-linker relocation in a relocatable object",
    ),
    (
        8,
        "R_X86_64_RELATIVE",
        "dynamic-linker relocation in a relocatable object",
    ),
    (
        16,
        "R_X86_64_DTPMOD64",
        "thread-local storage is not supported",
    ),
    (
        17,
        "R_X86_64_DTPOFF64",
        "thread-local storage is not supported",
    ),
    (
        18,
        "R_X86_64_TPOFF64",
        "thread-local storage is not supported",
    ),
    (
        19,
        "R_X86_64_TLSGD",
        "thread-local storage is not supported",
    ),
    (
        20,
        "R_X86_64_TLSLD",
        "thread-local storage is not supported",
    ),
    (
        21,
        "R_X86_64_DTPOFF32",
        "thread-local storage is not supported",
    ),
    (
        22,
        "R_X86_64_GOTTPOFF",
        "thread-local storage is not supported",
    ),
    (
        23,
        "R_X86_64_TPOFF32",
        "thread-local storage is not supported",
    ),
    (30, "R_X86_64_GOTPLT64", "obsolete large-model kind"),
    (
        32,
        "R_X86_64_SIZE32",
        "symbol-size relocations are not supported",
    ),
    (
        33,
        "R_X86_64_SIZE64",
        "symbol-size relocations are not supported",
    ),
    (
        34,
        "R_X86_64_GOTPC32_TLSDESC",
        "thread-local storage is not supported",
    ),
    (
        35,
        "R_X86_64_TLSDESC_CALL",
        "thread-local storage is not supported",
    ),
    (
        36,
        "R_X86_64_TLSDESC",
        "thread-local storage is not supported",
    ),
    (
        37,
        "R_X86_64_IRELATIVE",
        "dynamic-linker relocation in a relocatable object",
    ),
];

static TABLES: ArchTables = ArchTables {
    arch: Arch::X86_64,
    machine: object::elf::EM_X86_64,
    kinds: TABLE,
    refused: REFUSED,
    stub_size: 8,
};

impl ArchDef for X86_64 {
    fn tables(&self) -> &'static ArchTables {
        &TABLES
    }

    fn stub_align(&self) -> u64 {
        8
    }

    /// `jmp *slot(%rip)`, padded with `int3`.
    fn write_stub(&self, code: &mut [u8], stub_addr: u64, got_slot_addr: u64, _target: u64) {
        let disp = got_slot_addr.wrapping_sub(stub_addr + 6) as i64;
        // The image is capped far below 2 GiB, so GOT and stubs are in reach.
        code[..2].copy_from_slice(&[0xff, 0x25]);
        code[2..6].copy_from_slice(&(disp as i32).to_le_bytes());
        code[6..8].copy_from_slice(&[0xcc, 0xcc]);
    }

    fn special_symbol(&self, name: &str) -> Option<SpecialSymbol> {
        (name == "_GLOBAL_OFFSET_TABLE_").then_some(SpecialSymbol::GotBase)
    }
}
