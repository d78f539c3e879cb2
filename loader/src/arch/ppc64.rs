//! ppc64le, ELFv2 ABI: relocation kinds of small, medium and large code
//! model objects, TOC-relative addressing and PLT-call stubs.
//!
//! * `.TOC.` is undefined in a relocatable object: the loader chooses it.
//!   The TOC base is the start of the GOT + 0x8000 ([`TOC_BIAS`]), and the
//!   object's `.toc` section is placed right after the GOT, so both lie
//!   within the signed 16-bit reach of `r2` (`TOC16`, `TOC16_DS`: the small
//!   code model).
//! * 16-bit instruction relocations (`ADDR16*`, `TOC16*`, `REL16*`) point
//!   at the immediate halfword itself: on little-endian that is the address
//!   of the instruction, so their fields are 2-byte words at offset 0.
//!   `@ha` parts are the `@hi` part of the value + 0x8000 (a bias), and the
//!   `_DS` forms keep the two low bits (the opcode extension) and require a
//!   value that is a multiple of 4; on a DQ-form instruction (`lxv`, `lq`)
//!   they keep four bits and require a multiple of 16, as in lld.
//! * Calls (`REL24`, `REL14*`): a call to a function of the object goes to
//!   its *local* entry point (`st_other` bits 5-7), skipping the `addis/addi`
//!   of `r2` its global entry does. A call to a function outside the object
//!   always goes through a stub, since the callee has its own TOC: the stub
//!   saves `r2` in the caller's TOC save slot (24(r1)) and enters the callee
//!   at its global entry with `r12` holding that address, and the `nop`
//!   after the `bl` becomes `ld r2,24(r1)` to restore the caller's TOC.
//!   `REL24_NOTOC` (Power10 PC-relative code, which keeps no TOC) uses the
//!   same stub but needs no restore and has no `nop`.
//! * Power10 prefixed instructions (`PCREL34`, `GOT_PCREL34`) split a signed
//!   34-bit value over the prefix word (bits 16-33) and the suffix word
//!   (bits 0-15). `PCREL_OPT` is an optimisation hint and is skipped.
//! * The hint relocations `REL14_BRTAKEN`/`BRNTAKEN` patch the target like
//!   `REL14` and leave the prediction bits as the assembler encoded them
//!   (they are hints: the branch behaves the same).
//!
//! Limits (none reachable from what clang emits for one object, whose
//! functions all follow one code model):
//! * No TOC/PC-relative interworking stubs: a `REL24` from TOC code to a
//!   local function that treats `r2` as volatile (`st_other` 1), or a
//!   `REL24_NOTOC` to a local function that needs a TOC, is linked as a
//!   plain local call.
//! * Small-model `TOC16`/`TOC16_DS` reach only the 64 KiB around the TOC
//!   base (GOT and `.toc`): clang reaches other data through `.toc`
//!   entries; a direct `sym@toc` to `.data` written by hand is an overflow
//!   error, as writable data lies a page further.
//! * `st_other` local-entry value 7 (reserved by the ABI) is taken as 0.

use super::{
    Arch, ArchDef, ArchTables, Formula, Place, RelocKind, SpecialSymbol, StubFixup, StubTarget,
    StubTemplate, Target, REFUSED_DYNAMIC as DYN, REFUSED_TLS as TLS,
};
use crate::bits::data::{EITHER16 as D16, EITHER32 as D32, SIGNED32 as D32_PC, WORD64 as D64};
use crate::bits::{le_words, piece, read_le, write_le, Check, Encoding, Field, Piece};

pub(crate) struct Ppc64;

/// The TOC base is this far past the start of the GOT, so that signed
/// 16-bit offsets from `r2` reach the first 64 KiB of the GOT area.
pub(crate) const TOC_BIAS: u64 = 0x8000;

// ---- data words -------------------------------------------------------

// ---- 16-bit immediates (the halfword the relocation points at) --------

const LOW16: &[Piece] = &[piece(0, 16, 0)];
const BITS16_31: &[Piece] = &[piece(16, 16, 0)];
const BITS32_47: &[Piece] = &[piece(32, 16, 0)];
const BITS48_63: &[Piece] = &[piece(48, 16, 0)];
/// DS form: value bits 2-15 into bits 2-15, bits 0-1 (extended opcode) kept.
const DS: &[Piece] = &[piece(2, 14, 2)];

const fn half(check: Check, align: u64, pieces: &'static [Piece]) -> Field {
    Field::insn(check, align, pieces).in_word(2)
}

/// `sym` (signed or unsigned 16 bits: `li` and `ori` both take it).
static H16: Encoding = Encoding {
    fields: &[half(Check::Either(16), 1, LOW16)],
};
/// A signed 16-bit displacement (`TOC16`, `GOT16`, `REL16`).
static H16_S: Encoding = Encoding {
    fields: &[half(Check::Signed(16), 1, LOW16)],
};
/// `@l`: no check.
static H16_LO: Encoding = Encoding {
    fields: &[half(Check::None, 1, LOW16)],
};
/// `@h` of ELFv2: checked to fit 32 bits.
static H16_HI: Encoding = Encoding {
    fields: &[half(Check::Signed(32), 1, BITS16_31)],
};
/// `@ha`: `(v + 0x8000) >> 16`, checked to fit 32 bits.
static H16_HA: Encoding = Encoding {
    fields: &[half(Check::Signed(32), 1, BITS16_31).biased(0x8000)],
};
/// `@high`: `@h` without the check.
static H16_HIGH: Encoding = Encoding {
    fields: &[half(Check::None, 1, BITS16_31)],
};
/// `@higha`: `@ha` without the check.
static H16_HIGHA: Encoding = Encoding {
    fields: &[half(Check::None, 1, BITS16_31).biased(0x8000)],
};
static H16_HIGHER: Encoding = Encoding {
    fields: &[half(Check::None, 1, BITS32_47)],
};
static H16_HIGHERA: Encoding = Encoding {
    fields: &[half(Check::None, 1, BITS32_47).biased(0x8000)],
};
static H16_HIGHEST: Encoding = Encoding {
    fields: &[half(Check::None, 1, BITS48_63)],
};
static H16_HIGHESTA: Encoding = Encoding {
    fields: &[half(Check::None, 1, BITS48_63).biased(0x8000)],
};
/// DS form, signed 16 bits (`ld r3, sym@toc(r2)`).
static H16_DS: Encoding = Encoding {
    fields: &[half(Check::Signed(16), 4, DS)],
};
/// DS form, `@l` (`ld r3, sym@toc@l(r3)`).
static H16_LO_DS: Encoding = Encoding {
    fields: &[half(Check::None, 4, DS)],
};
/// `ADDR16_DS`: as `ADDR16`, in a DS-form instruction.
static H16_ADDR_DS: Encoding = Encoding {
    fields: &[half(Check::Either(16), 4, DS)],
};

/// DQ form (`lxv`, `stxv`, `lq`, `lxvp`, `stxvp`): the same relocations as
/// the DS form, but the four low bits are the opcode extension and the
/// value must be a multiple of 16 (chosen by [`Ppc64::encoding_at`]).
const DQ: &[Piece] = &[piece(4, 12, 4)];
static H16_DQ: Encoding = Encoding {
    fields: &[half(Check::Signed(16), 16, DQ)],
};
static H16_LO_DQ: Encoding = Encoding {
    fields: &[half(Check::None, 16, DQ)],
};
static H16_ADDR_DQ: Encoding = Encoding {
    fields: &[half(Check::Either(16), 16, DQ)],
};

/// Whether `insn` is DQ form (as lld's `isDQFormInstruction`): primary
/// opcode 6 (`lxvp`/`stxvp`), 56 (`lq`), or 61 with extended opcode bits
/// `01` (`lxv`/`stxv`; the other opcode-61 instructions are DS form).
fn is_dq_form(insn: u32) -> bool {
    match insn >> 26 {
        6 | 56 => true,
        61 => insn & 3 == 1,
        _ => false,
    }
}

// ---- branches ---------------------------------------------------------

/// I form (`b`, `bl`): LI, a signed 26-bit byte offset, bits 2-25.
static B24: Encoding = Encoding {
    fields: &[Field::insn(Check::Signed(26), 4, &[piece(2, 24, 2)])],
};
/// B form (`bc`): BD, a signed 16-bit byte offset, bits 2-15.
static B14: Encoding = Encoding {
    fields: &[Field::insn(Check::Signed(16), 4, &[piece(2, 14, 2)])],
};

// ---- Power10 prefixed instructions ------------------------------------

/// `pld`/`paddi`: bits 16-33 in the prefix word, bits 0-15 in the suffix.
static P34: Encoding = Encoding {
    fields: &[
        Field::insn(Check::Signed(34), 1, &[piece(16, 18, 0)]),
        Field::insn(Check::Signed(34), 1, &[piece(0, 16, 0)]).at(4),
    ],
};

use Formula::{Absolute as Abs, PcRelative as Pc, TocRelative as Toc};
use Target::{Branch, GotSlot, Symbol as Sym, TocBase};

const fn k(r: u32, n: &'static str, t: Target, f: Formula, e: &'static Encoding) -> RelocKind {
    RelocKind::patch(r, n, t, f, e)
}

const R_PPC64_REL24: u32 = 10;
const R_PPC64_REL14: u32 = 11;
const R_PPC64_REL14_BRTAKEN: u32 = 12;
const R_PPC64_REL14_BRNTAKEN: u32 = 13;
const R_PPC64_REL24_NOTOC: u32 = 116;

static TABLE: &[RelocKind] = &[
    RelocKind::skip(0, "R_PPC64_NONE"),
    k(1, "R_PPC64_ADDR32", Sym, Abs, &D32),
    k(2, "R_PPC64_ADDR24", Sym, Abs, &B24),
    k(3, "R_PPC64_ADDR16", Sym, Abs, &H16),
    k(4, "R_PPC64_ADDR16_LO", Sym, Abs, &H16_LO),
    k(5, "R_PPC64_ADDR16_HI", Sym, Abs, &H16_HI),
    k(6, "R_PPC64_ADDR16_HA", Sym, Abs, &H16_HA),
    k(7, "R_PPC64_ADDR14", Sym, Abs, &B14),
    k(8, "R_PPC64_ADDR14_BRTAKEN", Sym, Abs, &B14),
    k(9, "R_PPC64_ADDR14_BRNTAKEN", Sym, Abs, &B14),
    k(R_PPC64_REL24, "R_PPC64_REL24", Branch, Pc, &B24),
    k(R_PPC64_REL14, "R_PPC64_REL14", Branch, Pc, &B14),
    k(
        R_PPC64_REL14_BRTAKEN,
        "R_PPC64_REL14_BRTAKEN",
        Branch,
        Pc,
        &B14,
    ),
    k(
        R_PPC64_REL14_BRNTAKEN,
        "R_PPC64_REL14_BRNTAKEN",
        Branch,
        Pc,
        &B14,
    ),
    // `G`: the offset of the symbol's GOT slot from the TOC base.
    k(14, "R_PPC64_GOT16", GotSlot, Toc, &H16_S),
    k(15, "R_PPC64_GOT16_LO", GotSlot, Toc, &H16_LO),
    k(16, "R_PPC64_GOT16_HI", GotSlot, Toc, &H16_HI),
    k(17, "R_PPC64_GOT16_HA", GotSlot, Toc, &H16_HA),
    k(24, "R_PPC64_UADDR32", Sym, Abs, &D32),
    k(25, "R_PPC64_UADDR16", Sym, Abs, &D16),
    k(26, "R_PPC64_REL32", Sym, Pc, &D32_PC),
    k(38, "R_PPC64_ADDR64", Sym, Abs, &D64),
    k(39, "R_PPC64_ADDR16_HIGHER", Sym, Abs, &H16_HIGHER),
    k(40, "R_PPC64_ADDR16_HIGHERA", Sym, Abs, &H16_HIGHERA),
    k(41, "R_PPC64_ADDR16_HIGHEST", Sym, Abs, &H16_HIGHEST),
    k(42, "R_PPC64_ADDR16_HIGHESTA", Sym, Abs, &H16_HIGHESTA),
    k(43, "R_PPC64_UADDR64", Sym, Abs, &D64),
    k(44, "R_PPC64_REL64", Sym, Pc, &D64),
    k(47, "R_PPC64_TOC16", Sym, Toc, &H16_S),
    k(48, "R_PPC64_TOC16_LO", Sym, Toc, &H16_LO),
    k(49, "R_PPC64_TOC16_HI", Sym, Toc, &H16_HI),
    k(50, "R_PPC64_TOC16_HA", Sym, Toc, &H16_HA),
    k(51, "R_PPC64_TOC", TocBase, Abs, &D64),
    k(56, "R_PPC64_ADDR16_DS", Sym, Abs, &H16_ADDR_DS),
    k(57, "R_PPC64_ADDR16_LO_DS", Sym, Abs, &H16_LO_DS),
    k(58, "R_PPC64_GOT16_DS", GotSlot, Toc, &H16_DS),
    k(59, "R_PPC64_GOT16_LO_DS", GotSlot, Toc, &H16_LO_DS),
    k(63, "R_PPC64_TOC16_DS", Sym, Toc, &H16_DS),
    k(64, "R_PPC64_TOC16_LO_DS", Sym, Toc, &H16_LO_DS),
    // A marker on the `std r2,24(r1)` of an inline PLT call sequence.
    RelocKind::skip(109, "R_PPC64_TOCSAVE"),
    k(110, "R_PPC64_ADDR16_HIGH", Sym, Abs, &H16_HIGH),
    k(111, "R_PPC64_ADDR16_HIGHA", Sym, Abs, &H16_HIGHA),
    k(R_PPC64_REL24_NOTOC, "R_PPC64_REL24_NOTOC", Branch, Pc, &B24),
    // Marks a `pld` of a GOT slot and the load that uses it, which a linker
    // may fuse; leaving both as they are is always correct.
    RelocKind::skip(123, "R_PPC64_PCREL_OPT"),
    k(132, "R_PPC64_PCREL34", Sym, Pc, &P34),
    k(133, "R_PPC64_GOT_PCREL34", GotSlot, Pc, &P34),
    k(249, "R_PPC64_REL16", Sym, Pc, &H16_S),
    k(250, "R_PPC64_REL16_LO", Sym, Pc, &H16_LO),
    k(251, "R_PPC64_REL16_HI", Sym, Pc, &H16_HI),
    k(252, "R_PPC64_REL16_HA", Sym, Pc, &H16_HA),
];

const PLT: &str = "PLT/section-relative kind not used by ELFv2 objects";

/// Kinds that exist but are refused, with the reason given in the error.
pub(crate) static REFUSED: &[(u32, &str, &str)] = &[
    (19, "R_PPC64_COPY", DYN),
    (20, "R_PPC64_GLOB_DAT", DYN),
    (21, "R_PPC64_JMP_SLOT", DYN),
    (22, "R_PPC64_RELATIVE", DYN),
    (27, "R_PPC64_PLT32", PLT),
    (28, "R_PPC64_PLTREL32", PLT),
    (29, "R_PPC64_PLT16_LO", PLT),
    (30, "R_PPC64_PLT16_HI", PLT),
    (31, "R_PPC64_PLT16_HA", PLT),
    (33, "R_PPC64_SECTOFF", PLT),
    (34, "R_PPC64_SECTOFF_LO", PLT),
    (35, "R_PPC64_SECTOFF_HI", PLT),
    (36, "R_PPC64_SECTOFF_HA", PLT),
    (37, "R_PPC64_ADDR30", PLT),
    (45, "R_PPC64_PLT64", PLT),
    (46, "R_PPC64_PLTREL64", PLT),
    (52, "R_PPC64_PLTGOT16", PLT),
    (53, "R_PPC64_PLTGOT16_LO", PLT),
    (54, "R_PPC64_PLTGOT16_HI", PLT),
    (55, "R_PPC64_PLTGOT16_HA", PLT),
    (60, "R_PPC64_PLT16_LO_DS", PLT),
    (61, "R_PPC64_SECTOFF_DS", PLT),
    (62, "R_PPC64_SECTOFF_LO_DS", PLT),
    (65, "R_PPC64_PLTGOT16_DS", PLT),
    (66, "R_PPC64_PLTGOT16_LO_DS", PLT),
    (67, "R_PPC64_TLS", TLS),
    (68, "R_PPC64_DTPMOD64", TLS),
    (69, "R_PPC64_TPREL16", TLS),
    (70, "R_PPC64_TPREL16_LO", TLS),
    (71, "R_PPC64_TPREL16_HI", TLS),
    (72, "R_PPC64_TPREL16_HA", TLS),
    (73, "R_PPC64_TPREL64", TLS),
    (74, "R_PPC64_DTPREL16", TLS),
    (75, "R_PPC64_DTPREL16_LO", TLS),
    (76, "R_PPC64_DTPREL16_HI", TLS),
    (77, "R_PPC64_DTPREL16_HA", TLS),
    (78, "R_PPC64_DTPREL64", TLS),
    (79, "R_PPC64_GOT_TLSGD16", TLS),
    (80, "R_PPC64_GOT_TLSGD16_LO", TLS),
    (81, "R_PPC64_GOT_TLSGD16_HI", TLS),
    (82, "R_PPC64_GOT_TLSGD16_HA", TLS),
    (83, "R_PPC64_GOT_TLSLD16", TLS),
    (84, "R_PPC64_GOT_TLSLD16_LO", TLS),
    (85, "R_PPC64_GOT_TLSLD16_HI", TLS),
    (86, "R_PPC64_GOT_TLSLD16_HA", TLS),
    (87, "R_PPC64_GOT_TPREL16_DS", TLS),
    (88, "R_PPC64_GOT_TPREL16_LO_DS", TLS),
    (89, "R_PPC64_GOT_TPREL16_HI", TLS),
    (90, "R_PPC64_GOT_TPREL16_HA", TLS),
    (91, "R_PPC64_GOT_DTPREL16_DS", TLS),
    (92, "R_PPC64_GOT_DTPREL16_LO_DS", TLS),
    (93, "R_PPC64_GOT_DTPREL16_HI", TLS),
    (94, "R_PPC64_GOT_DTPREL16_HA", TLS),
    (95, "R_PPC64_TPREL16_DS", TLS),
    (96, "R_PPC64_TPREL16_LO_DS", TLS),
    (97, "R_PPC64_TPREL16_HIGHER", TLS),
    (98, "R_PPC64_TPREL16_HIGHERA", TLS),
    (99, "R_PPC64_TPREL16_HIGHEST", TLS),
    (100, "R_PPC64_TPREL16_HIGHESTA", TLS),
    (101, "R_PPC64_DTPREL16_DS", TLS),
    (102, "R_PPC64_DTPREL16_LO_DS", TLS),
    (103, "R_PPC64_DTPREL16_HIGHER", TLS),
    (104, "R_PPC64_DTPREL16_HIGHERA", TLS),
    (105, "R_PPC64_DTPREL16_HIGHEST", TLS),
    (106, "R_PPC64_DTPREL16_HIGHESTA", TLS),
    (107, "R_PPC64_TLSGD", TLS),
    (108, "R_PPC64_TLSLD", TLS),
    (112, "R_PPC64_TPREL16_HIGH", TLS),
    (113, "R_PPC64_TPREL16_HIGHA", TLS),
    (114, "R_PPC64_DTPREL16_HIGH", TLS),
    (115, "R_PPC64_DTPREL16_HIGHA", TLS),
    (146, "R_PPC64_TPREL34", TLS),
    (147, "R_PPC64_DTPREL34", TLS),
    (148, "R_PPC64_GOT_TLSGD_PCREL34", TLS),
    (149, "R_PPC64_GOT_TLSLD_PCREL34", TLS),
    (150, "R_PPC64_GOT_TPREL_PCREL34", TLS),
    (247, "R_PPC64_JMP_IREL", DYN),
    (248, "R_PPC64_IRELATIVE", DYN),
];

/// `nop` (`ori r0,r0,0`).
pub(crate) const NOP: u32 = 0x6000_0000;
/// `ld r2,24(r1)`: reloads the caller's TOC pointer after a stub call.
pub(crate) const LD_R2_24_R1: u32 = 0xe841_0018;

/// The stub: saves `r2` in the caller's TOC save slot, builds the callee's
/// 64-bit global entry address in `r12` (which the ELFv2 global entry
/// expects to hold its own address) and jumps there. It reads no register
/// the caller set up (not `r2`, which a TOC-less caller may not hold), and
/// clobbers only `r12` and `ctr`, both volatile at a call.
///
/// ```text
/// std   r2,24(r1)
/// lis   r12,target@highest
/// ori   r12,r12,target@higher
/// sldi  r12,r12,32
/// oris  r12,r12,target@h
/// ori   r12,r12,target@l
/// mtctr r12
/// bctr
/// ```
static STUB_CODE: [u8; 32] = le_words![
    0xf841_0018, // std r2,24(r1)
    0x3d80_0000, // lis r12,target@highest
    0x618c_0000, // ori r12,r12,target@higher
    0x798c_07c6, // rldicr r12,r12,32,31 (sldi r12,r12,32)
    0x658c_0000, // oris r12,r12,target@h
    0x618c_0000, // ori r12,r12,target@l
    0x7d89_03a6, // mtctr r12
    0x4e80_0420, // bctr
];

/// A field of the stub holding one halfword of the target's address.
const fn stub_half(at: u8, encoding: &'static Encoding) -> StubFixup {
    StubFixup {
        at,
        target: StubTarget::Symbol,
        formula: Formula::Absolute,
        addend: 0,
        encoding,
    }
}

static TABLES: ArchTables = ArchTables {
    arch: Arch::Ppc64le,
    machine: object::elf::EM_PPC64,
    kinds: TABLE,
    refused: REFUSED,
    stub: StubTemplate {
        code: &STUB_CODE,
        align: 16,
        fixups: &[
            stub_half(4, &H16_HIGHEST),
            stub_half(8, &H16_HIGHER),
            stub_half(16, &H16_HIGH),
            stub_half(20, &H16_LO),
        ],
    },
};

impl ArchDef for Ppc64 {
    fn tables(&self) -> &'static ArchTables {
        &TABLES
    }

    fn encoding_from_code(&self) -> bool {
        true
    }

    /// `_DS` kinds on a DQ-form instruction keep four opcode bits.
    fn encoding_at(
        &self,
        r_type: u32,
        encoding: &'static Encoding,
        code: &[u8],
    ) -> &'static Encoding {
        // The halfword is the low half of the instruction (little-endian).
        let Some(word) = code.get(..4) else {
            return encoding;
        };
        if !is_dq_form(read_le(word) as u32) {
            return encoding;
        }
        match r_type {
            56 => &H16_ADDR_DQ,
            58 | 63 => &H16_DQ,
            57 | 59 | 64 => &H16_LO_DQ,
            _ => encoding,
        }
    }

    fn external_calls_need_stub(&self) -> bool {
        true
    }

    /// ELFv2 `st_other` bits 5-7: 0 and 1 mean one entry point (1: the
    /// function treats `r2` as volatile); 2 to 6 put the local entry point
    /// `1 << v` bytes past the global one. 7 is reserved: it is given no
    /// offset, so such a function is entered at its global entry point.
    fn local_entry_offset(&self, st_other: u8) -> u64 {
        match st_other >> 5 {
            v @ 2..=6 => 1 << v,
            _ => 0,
        }
    }

    /// A `bl` (or `bcl`) through a stub to a function with its own TOC must
    /// be followed by a `nop`, which becomes `ld r2,24(r1)`. A branch
    /// without link through a stub (a tail call) is refused: the callee
    /// would return to our caller with its own TOC in `r2`.
    fn after_stub_branch(&self, place: Place<'_>) -> Result<(), String> {
        let Place {
            image,
            offset,
            r_type,
        } = place;
        if r_type == R_PPC64_REL24_NOTOC {
            // PC-relative code keeps no TOC pointer: nothing to restore.
            return Ok(());
        }
        let insn = image
            .get(offset..offset + 4)
            .map(|b| read_le(b) as u32)
            .ok_or("branch lies outside the image")?;
        if insn & 1 == 0 {
            return Err(
                "branch without link (a tail call) to a function outside the object: \
                 the caller's TOC pointer could not be restored"
                    .into(),
            );
        }
        let next = image
            .get_mut(offset + 4..offset + 8)
            .ok_or("no instruction after the call to restore the TOC pointer")?;
        match read_le(next) as u32 {
            NOP => {
                write_le(next, u64::from(LD_R2_24_R1));
                Ok(())
            }
            LD_R2_24_R1 => Ok(()),
            other => Err(format!(
                "the call is followed by {other:#010x}, not a nop: the caller's TOC pointer \
                 could not be restored after the call"
            )),
        }
    }

    /// Only `.TOC.`: the ELFv2 ABI defines no `_GLOBAL_OFFSET_TABLE_`
    /// (ld.lld leaves it undefined on ppc64 too).
    fn special_symbol(&self, name: &str) -> Option<SpecialSymbol> {
        (name == ".TOC.").then_some(SpecialSymbol::TocBase)
    }

    fn got_adjacent_sections(&self) -> &'static [&'static str] {
        &[".toc"]
    }

    fn toc_bias(&self) -> Option<u64> {
        Some(TOC_BIAS)
    }
}
