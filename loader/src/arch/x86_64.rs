//! x86_64 (System V psABI): relocation kinds of small, medium and large
//! code model PIC objects.
//!
//! `GOTPCRELX`/`REX_GOTPCRELX` are given a real GOT slot and never relaxed:
//! the `mov foo@GOTPCREL(%rip), %reg` then loads the slot, which holds the
//! symbol's address, so extern data gets its address (treating the kind as
//! `PC32` would load the data's first bytes instead).

use super::{
    Arch, ArchDef, ArchTables, Formula, RelocKind, SpecialSymbol, StubFixup, StubTarget,
    StubTemplate, Target, REFUSED_DYNAMIC as DYN, REFUSED_TLS as TLS,
};
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
    (5, "R_X86_64_COPY", DYN),
    (6, "R_X86_64_GLOB_DAT", DYN),
    (7, "R_X86_64_JUMP_SLOT", DYN),
    (8, "R_X86_64_RELATIVE", DYN),
    (16, "R_X86_64_DTPMOD64", TLS),
    (17, "R_X86_64_DTPOFF64", TLS),
    (18, "R_X86_64_TPOFF64", TLS),
    (19, "R_X86_64_TLSGD", TLS),
    (20, "R_X86_64_TLSLD", TLS),
    (21, "R_X86_64_DTPOFF32", TLS),
    (22, "R_X86_64_GOTTPOFF", TLS),
    (23, "R_X86_64_TPOFF32", TLS),
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
    (34, "R_X86_64_GOTPC32_TLSDESC", TLS),
    (35, "R_X86_64_TLSDESC_CALL", TLS),
    (36, "R_X86_64_TLSDESC", TLS),
    (37, "R_X86_64_IRELATIVE", DYN),
];

static TABLES: ArchTables = ArchTables {
    arch: Arch::X86_64,
    machine: object::elf::EM_X86_64,
    kinds: TABLE,
    refused: REFUSED,
    stub: StubTemplate {
        // `jmp *slot(%rip)`, padded with `int3`.
        code: &[0xff, 0x25, 0, 0, 0, 0, 0xcc, 0xcc],
        align: 8,
        // The displacement counts from the end of the instruction.
        fixups: &[StubFixup {
            at: 2,
            target: StubTarget::GotSlot,
            formula: Pc,
            addend: -4,
            encoding: &D32S,
        }],
    },
};

impl ArchDef for X86_64 {
    fn tables(&self) -> &'static ArchTables {
        &TABLES
    }

    fn special_symbol(&self, name: &str) -> Option<SpecialSymbol> {
        (name == "_GLOBAL_OFFSET_TABLE_").then_some(SpecialSymbol::GotBase)
    }
}
