//! AArch64 (ELF for the Arm 64-bit Architecture, "aaelf64"): the relocation
//! kinds of small, tiny and large code model objects, LP64 only.
//!
//! Every kind is a row of data: the value formula of aaelf64 (static
//! relocations) and the instruction field it goes to. The few points worth knowing:
//!
//! - `CALL26`/`JUMP26` are [`Target::Branch`]: beyond +-128 MiB the branch
//!   goes to a veneer (stub) instead, one per external symbol, which loads
//!   the symbol's GOT slot into `x16` and branches to it. `x16`/`x17` are the
//!   intra-procedure-call scratch registers the procedure call standard lets
//!   a veneer clobber, so the stub is valid at any `bl` or tail `b`.
//! - `LDST{16,32,64,128}_ABS_LO12_NC` store bits `[11:n]` of the address in a
//!   scaled immediate: the address must be a multiple of the access size, and
//!   a misaligned one is an error (the field's alignment check), never a
//!   silent shift that would load the neighbouring bytes.
//! - `ADR_GOT_PAGE` + `LD64_GOT_LO12_NC` (small model) and `GOT_LD_PREL19`
//!   (tiny model) get a real GOT slot holding the symbol's address.
//! - `MOVW_UABS_G*` (large model, `-mcmodel=large -fno-pic`) write the 16-bit
//!   group of a `movz`/`movk`; the unchecked `_NC` forms and `G3` take any
//!   value, the checked ones require the rest of the value to fit.
//! - `PLT32` (a 32-bit place-relative function address) is a
//!   [`Target::Branch`] too: a far function is reached through its veneer.
//! - Thread-local kinds, dynamic-linker kinds, ILP32 kinds, and kinds clang
//!   never emits for C or IR are refused with a reason rather than
//!   half-implemented: `MOVW_SABS_*`/`MOVW_PREL_*`/`MOVW_GOTOFF_*` (they
//!   pick `movn` or `movz` by the sign of the value, an opcode rewrite),
//!   `GOTREL*`, `LD64_GOTOFF_LO15` and `LD64_GOTPAGE_LO15` (relative to the
//!   GOT's page, GCC's `-fpic` form).

use super::{
    Arch, ArchDef, ArchTables, Formula, RelocKind, SpecialSymbol, StubFixup, StubTarget,
    StubTemplate, Target, REFUSED_DYNAMIC as DYN, REFUSED_TLS as TLS,
};
use crate::bits::data::{EITHER16 as D16, EITHER32 as D32, SIGNED32 as D32S, WORD64 as D64};
use crate::bits::{le_words, piece, Check, Encoding, Field};

pub(crate) struct Aarch64;

// ---- Instruction fields -------------------------------------------------

/// `b`/`bl`: imm26 at [25:0], in words.
static B26: Encoding = Encoding {
    fields: &[Field::insn(Check::Signed(28), 4, &[piece(2, 26, 0)])],
};
/// `b.cond`, `cbz`/`cbnz`, `ldr` (literal): imm19 at [23:5], in words.
static IMM19: Encoding = Encoding {
    fields: &[Field::insn(Check::Signed(21), 4, &[piece(2, 19, 5)])],
};
/// `tbz`/`tbnz`: imm14 at [18:5], in words.
static IMM14: Encoding = Encoding {
    fields: &[Field::insn(Check::Signed(16), 4, &[piece(2, 14, 5)])],
};
/// `adr`: immlo at [30:29], immhi at [23:5], in bytes.
static ADR: Encoding = Encoding {
    fields: &[Field::insn(
        Check::Signed(21),
        1,
        &[piece(0, 2, 29), piece(2, 19, 5)],
    )],
};
/// `adrp`: the same fields holding a page delta (bits [32:12]), +-4 GiB.
static ADRP: Encoding = Encoding {
    fields: &[Field::insn(
        Check::Signed(33),
        1,
        &[piece(12, 2, 29), piece(14, 19, 5)],
    )],
};
/// `adrp` without the overflow check (`ADR_PREL_PG_HI21_NC`).
static ADRP_NC: Encoding = Encoding {
    fields: &[Field::insn(
        Check::None,
        1,
        &[piece(12, 2, 29), piece(14, 19, 5)],
    )],
};
/// `add` (immediate) / `ldrb`/`strb`: bits [11:0] of the address in imm12
/// at [21:10].
static LO12: Encoding = Encoding {
    fields: &[Field::insn(Check::None, 1, &[piece(0, 12, 10)])],
};
/// 16-bit loads and stores: bits [11:1], the address 2-aligned.
static LDST16: Encoding = Encoding {
    fields: &[Field::insn(Check::None, 2, &[piece(1, 11, 10)])],
};
/// 32-bit loads and stores: bits [11:2], the address 4-aligned.
static LDST32: Encoding = Encoding {
    fields: &[Field::insn(Check::None, 4, &[piece(2, 10, 10)])],
};
/// 64-bit loads and stores: bits [11:3], the address 8-aligned.
static LDST64: Encoding = Encoding {
    fields: &[Field::insn(Check::None, 8, &[piece(3, 9, 10)])],
};
/// 128-bit (`q` register) loads and stores: bits [11:4], 16-aligned.
static LDST128: Encoding = Encoding {
    fields: &[Field::insn(Check::None, 16, &[piece(4, 8, 10)])],
};

/// `movz`/`movk` imm16 at [20:5] holding bits [16g+15:16g] of the value;
/// the checked forms require the whole value to fit in 16(g+1) bits.
macro_rules! movw {
    ($name:ident, $group:expr, $check:expr) => {
        static $name: Encoding = Encoding {
            fields: &[Field::insn($check, 1, &[piece(16 * $group, 16, 5)])],
        };
    };
}
movw!(MOVW_G0, 0, Check::Unsigned(16));
movw!(MOVW_G0_NC, 0, Check::None);
movw!(MOVW_G1, 1, Check::Unsigned(32));
movw!(MOVW_G1_NC, 1, Check::None);
movw!(MOVW_G2, 2, Check::Unsigned(48));
movw!(MOVW_G2_NC, 2, Check::None);
movw!(MOVW_G3, 3, Check::None);

// Data words (shared encodings, `crate::bits::data`): aaelf64 checks 16-
// and 32-bit data in either reading, -2^(n-1) <= X < 2^n, for the absolute
// and the place-relative forms alike.

use Formula::{Absolute as Abs, PcRelative as Pc};
use Target::{Branch, GotSlot, Symbol as Sym};

/// `Page(T + A) - Page(P)`, the `adrp` formula.
const PAGE: Formula = Formula::PageDelta { bias: 0 };

const fn k(r: u32, n: &'static str, t: Target, f: Formula, e: &'static Encoding) -> RelocKind {
    RelocKind::patch(r, n, t, f, e)
}

static TABLE: &[RelocKind] = &[
    RelocKind::skip(0, "R_AARCH64_NONE"),
    // aaelf64 gives 256 as the other (withdrawn) number of R_AARCH64_NONE.
    RelocKind::skip(256, "R_AARCH64_NONE"),
    // Data.
    k(257, "R_AARCH64_ABS64", Sym, Abs, &D64),
    k(258, "R_AARCH64_ABS32", Sym, Abs, &D32),
    k(259, "R_AARCH64_ABS16", Sym, Abs, &D16),
    k(260, "R_AARCH64_PREL64", Sym, Pc, &D64),
    k(261, "R_AARCH64_PREL32", Sym, Pc, &D32),
    k(262, "R_AARCH64_PREL16", Sym, Pc, &D16),
    // Large model: absolute address in four 16-bit groups.
    k(263, "R_AARCH64_MOVW_UABS_G0", Sym, Abs, &MOVW_G0),
    k(264, "R_AARCH64_MOVW_UABS_G0_NC", Sym, Abs, &MOVW_G0_NC),
    k(265, "R_AARCH64_MOVW_UABS_G1", Sym, Abs, &MOVW_G1),
    k(266, "R_AARCH64_MOVW_UABS_G1_NC", Sym, Abs, &MOVW_G1_NC),
    k(267, "R_AARCH64_MOVW_UABS_G2", Sym, Abs, &MOVW_G2),
    k(268, "R_AARCH64_MOVW_UABS_G2_NC", Sym, Abs, &MOVW_G2_NC),
    k(269, "R_AARCH64_MOVW_UABS_G3", Sym, Abs, &MOVW_G3),
    // PC-relative addresses and loads.
    k(273, "R_AARCH64_LD_PREL_LO19", Sym, Pc, &IMM19),
    k(274, "R_AARCH64_ADR_PREL_LO21", Sym, Pc, &ADR),
    k(275, "R_AARCH64_ADR_PREL_PG_HI21", Sym, PAGE, &ADRP),
    k(276, "R_AARCH64_ADR_PREL_PG_HI21_NC", Sym, PAGE, &ADRP_NC),
    k(277, "R_AARCH64_ADD_ABS_LO12_NC", Sym, Abs, &LO12),
    k(278, "R_AARCH64_LDST8_ABS_LO12_NC", Sym, Abs, &LO12),
    k(284, "R_AARCH64_LDST16_ABS_LO12_NC", Sym, Abs, &LDST16),
    k(285, "R_AARCH64_LDST32_ABS_LO12_NC", Sym, Abs, &LDST32),
    k(286, "R_AARCH64_LDST64_ABS_LO12_NC", Sym, Abs, &LDST64),
    k(299, "R_AARCH64_LDST128_ABS_LO12_NC", Sym, Abs, &LDST128),
    // Branches. Conditional and test branches reach +-1 MiB / +-32 KiB and
    // have no veneer form (the psABI lets only CALL26/JUMP26 use one): out
    // of range is an overflow error.
    k(279, "R_AARCH64_TSTBR14", Sym, Pc, &IMM14),
    k(280, "R_AARCH64_CONDBR19", Sym, Pc, &IMM19),
    k(282, "R_AARCH64_JUMP26", Branch, Pc, &B26),
    k(283, "R_AARCH64_CALL26", Branch, Pc, &B26),
    // GOT: the slot holds the symbol's address.
    k(309, "R_AARCH64_GOT_LD_PREL19", GotSlot, Pc, &IMM19),
    k(311, "R_AARCH64_ADR_GOT_PAGE", GotSlot, PAGE, &ADRP),
    k(312, "R_AARCH64_LD64_GOT_LO12_NC", GotSlot, Abs, &LDST64),
    // 32-bit place-relative words to a function (through its veneer when
    // out of reach, as lld would through a PLT entry) and to a GOT slot;
    // clang emits them for IR's `dso_local_equivalent` and GOT-equivalent
    // constants (relative lookup tables and vtables).
    k(314, "R_AARCH64_PLT32", Branch, Pc, &D32S),
    k(315, "R_AARCH64_GOTPCREL32", GotSlot, Pc, &D32S),
];

const ILP32: &str = "ILP32 relocation: only LP64 objects are loaded";
const MOVW_SIGNED: &str =
    "not emitted by clang for C or IR; needs a movn/movz rewrite by the sign of the value";
const GOTOFF: &str = "GOT-relative kind not emitted by clang for C or IR";

/// Kinds that exist but are refused, with the reason given in the error.
pub(crate) static REFUSED: &[(u32, &str, &str)] = &[
    (1, "R_AARCH64_P32_ABS32", ILP32),
    (180, "R_AARCH64_P32_COPY", ILP32),
    (181, "R_AARCH64_P32_GLOB_DAT", ILP32),
    (182, "R_AARCH64_P32_JUMP_SLOT", ILP32),
    (183, "R_AARCH64_P32_RELATIVE", ILP32),
    (184, "R_AARCH64_P32_TLS_DTPMOD", ILP32),
    (185, "R_AARCH64_P32_TLS_DTPREL", ILP32),
    (186, "R_AARCH64_P32_TLS_TPREL", ILP32),
    (187, "R_AARCH64_P32_TLSDESC", ILP32),
    (188, "R_AARCH64_P32_IRELATIVE", ILP32),
    (270, "R_AARCH64_MOVW_SABS_G0", MOVW_SIGNED),
    (271, "R_AARCH64_MOVW_SABS_G1", MOVW_SIGNED),
    (272, "R_AARCH64_MOVW_SABS_G2", MOVW_SIGNED),
    (287, "R_AARCH64_MOVW_PREL_G0", MOVW_SIGNED),
    (288, "R_AARCH64_MOVW_PREL_G0_NC", MOVW_SIGNED),
    (289, "R_AARCH64_MOVW_PREL_G1", MOVW_SIGNED),
    (290, "R_AARCH64_MOVW_PREL_G1_NC", MOVW_SIGNED),
    (291, "R_AARCH64_MOVW_PREL_G2", MOVW_SIGNED),
    (292, "R_AARCH64_MOVW_PREL_G2_NC", MOVW_SIGNED),
    (293, "R_AARCH64_MOVW_PREL_G3", MOVW_SIGNED),
    (300, "R_AARCH64_MOVW_GOTOFF_G0", MOVW_SIGNED),
    (301, "R_AARCH64_MOVW_GOTOFF_G0_NC", MOVW_SIGNED),
    (302, "R_AARCH64_MOVW_GOTOFF_G1", MOVW_SIGNED),
    (303, "R_AARCH64_MOVW_GOTOFF_G1_NC", MOVW_SIGNED),
    (304, "R_AARCH64_MOVW_GOTOFF_G2", MOVW_SIGNED),
    (305, "R_AARCH64_MOVW_GOTOFF_G2_NC", MOVW_SIGNED),
    (306, "R_AARCH64_MOVW_GOTOFF_G3", MOVW_SIGNED),
    (307, "R_AARCH64_GOTREL64", GOTOFF),
    (308, "R_AARCH64_GOTREL32", GOTOFF),
    (310, "R_AARCH64_LD64_GOTOFF_LO15", GOTOFF),
    (
        313,
        "R_AARCH64_LD64_GOTPAGE_LO15",
        "not emitted by clang for C or IR (GCC's -fpic small-GOT form)",
    ),
    (512, "R_AARCH64_TLSGD_ADR_PREL21", TLS),
    (513, "R_AARCH64_TLSGD_ADR_PAGE21", TLS),
    (514, "R_AARCH64_TLSGD_ADD_LO12_NC", TLS),
    (515, "R_AARCH64_TLSGD_MOVW_G1", TLS),
    (516, "R_AARCH64_TLSGD_MOVW_G0_NC", TLS),
    (517, "R_AARCH64_TLSLD_ADR_PREL21", TLS),
    (518, "R_AARCH64_TLSLD_ADR_PAGE21", TLS),
    (519, "R_AARCH64_TLSLD_ADD_LO12_NC", TLS),
    (520, "R_AARCH64_TLSLD_MOVW_G1", TLS),
    (521, "R_AARCH64_TLSLD_MOVW_G0_NC", TLS),
    (522, "R_AARCH64_TLSLD_LD_PREL19", TLS),
    (523, "R_AARCH64_TLSLD_MOVW_DTPREL_G2", TLS),
    (524, "R_AARCH64_TLSLD_MOVW_DTPREL_G1", TLS),
    (525, "R_AARCH64_TLSLD_MOVW_DTPREL_G1_NC", TLS),
    (526, "R_AARCH64_TLSLD_MOVW_DTPREL_G0", TLS),
    (527, "R_AARCH64_TLSLD_MOVW_DTPREL_G0_NC", TLS),
    (528, "R_AARCH64_TLSLD_ADD_DTPREL_HI12", TLS),
    (529, "R_AARCH64_TLSLD_ADD_DTPREL_LO12", TLS),
    (530, "R_AARCH64_TLSLD_ADD_DTPREL_LO12_NC", TLS),
    (531, "R_AARCH64_TLSLD_LDST8_DTPREL_LO12", TLS),
    (532, "R_AARCH64_TLSLD_LDST8_DTPREL_LO12_NC", TLS),
    (533, "R_AARCH64_TLSLD_LDST16_DTPREL_LO12", TLS),
    (534, "R_AARCH64_TLSLD_LDST16_DTPREL_LO12_NC", TLS),
    (535, "R_AARCH64_TLSLD_LDST32_DTPREL_LO12", TLS),
    (536, "R_AARCH64_TLSLD_LDST32_DTPREL_LO12_NC", TLS),
    (537, "R_AARCH64_TLSLD_LDST64_DTPREL_LO12", TLS),
    (538, "R_AARCH64_TLSLD_LDST64_DTPREL_LO12_NC", TLS),
    (539, "R_AARCH64_TLSIE_MOVW_GOTTPREL_G1", TLS),
    (540, "R_AARCH64_TLSIE_MOVW_GOTTPREL_G0_NC", TLS),
    (541, "R_AARCH64_TLSIE_ADR_GOTTPREL_PAGE21", TLS),
    (542, "R_AARCH64_TLSIE_LD64_GOTTPREL_LO12_NC", TLS),
    (543, "R_AARCH64_TLSIE_LD_GOTTPREL_PREL19", TLS),
    (544, "R_AARCH64_TLSLE_MOVW_TPREL_G2", TLS),
    (545, "R_AARCH64_TLSLE_MOVW_TPREL_G1", TLS),
    (546, "R_AARCH64_TLSLE_MOVW_TPREL_G1_NC", TLS),
    (547, "R_AARCH64_TLSLE_MOVW_TPREL_G0", TLS),
    (548, "R_AARCH64_TLSLE_MOVW_TPREL_G0_NC", TLS),
    (549, "R_AARCH64_TLSLE_ADD_TPREL_HI12", TLS),
    (550, "R_AARCH64_TLSLE_ADD_TPREL_LO12", TLS),
    (551, "R_AARCH64_TLSLE_ADD_TPREL_LO12_NC", TLS),
    (552, "R_AARCH64_TLSLE_LDST8_TPREL_LO12", TLS),
    (553, "R_AARCH64_TLSLE_LDST8_TPREL_LO12_NC", TLS),
    (554, "R_AARCH64_TLSLE_LDST16_TPREL_LO12", TLS),
    (555, "R_AARCH64_TLSLE_LDST16_TPREL_LO12_NC", TLS),
    (556, "R_AARCH64_TLSLE_LDST32_TPREL_LO12", TLS),
    (557, "R_AARCH64_TLSLE_LDST32_TPREL_LO12_NC", TLS),
    (558, "R_AARCH64_TLSLE_LDST64_TPREL_LO12", TLS),
    (559, "R_AARCH64_TLSLE_LDST64_TPREL_LO12_NC", TLS),
    (560, "R_AARCH64_TLSDESC_LD_PREL19", TLS),
    (561, "R_AARCH64_TLSDESC_ADR_PREL21", TLS),
    (562, "R_AARCH64_TLSDESC_ADR_PAGE21", TLS),
    (563, "R_AARCH64_TLSDESC_LD64_LO12", TLS),
    (564, "R_AARCH64_TLSDESC_ADD_LO12", TLS),
    (565, "R_AARCH64_TLSDESC_OFF_G1", TLS),
    (566, "R_AARCH64_TLSDESC_OFF_G0_NC", TLS),
    (567, "R_AARCH64_TLSDESC_LDR", TLS),
    (568, "R_AARCH64_TLSDESC_ADD", TLS),
    (569, "R_AARCH64_TLSDESC_CALL", TLS),
    (570, "R_AARCH64_TLSLE_LDST128_TPREL_LO12", TLS),
    (571, "R_AARCH64_TLSLE_LDST128_TPREL_LO12_NC", TLS),
    (572, "R_AARCH64_TLSLD_LDST128_DTPREL_LO12", TLS),
    (573, "R_AARCH64_TLSLD_LDST128_DTPREL_LO12_NC", TLS),
    (1024, "R_AARCH64_COPY", DYN),
    (1025, "R_AARCH64_GLOB_DAT", DYN),
    (1026, "R_AARCH64_JUMP_SLOT", DYN),
    (1027, "R_AARCH64_RELATIVE", DYN),
    (1028, "R_AARCH64_TLS_DTPMOD", DYN),
    (1029, "R_AARCH64_TLS_DTPREL", DYN),
    (1030, "R_AARCH64_TLS_TPREL", DYN),
    (1031, "R_AARCH64_TLSDESC", DYN),
    (1032, "R_AARCH64_IRELATIVE", DYN),
];

/// The veneer, four words (the GOT slot is filled at link time with the
/// symbol's address, so the stub needs no literal of its own):
///
/// ```text
/// adrp x16, slot          // page of the symbol's GOT slot
/// ldr  x16, [x16, :lo12:slot]
/// br   x16
/// brk  #0                 // padding: never reached
/// ```
static STUB_CODE: [u8; 16] = le_words![0x9000_0010, 0xf940_0210, 0xd61f_0200, 0xd420_0000];

static TABLES: ArchTables = ArchTables {
    arch: Arch::Aarch64,
    machine: object::elf::EM_AARCH64,
    kinds: TABLE,
    refused: REFUSED,
    stub: StubTemplate {
        code: &STUB_CODE,
        align: 16,
        fixups: &[
            StubFixup {
                at: 0,
                target: StubTarget::GotSlot,
                formula: PAGE,
                addend: 0,
                encoding: &ADRP,
            },
            StubFixup {
                at: 4,
                target: StubTarget::GotSlot,
                formula: Formula::Absolute,
                addend: 0,
                encoding: &LDST64,
            },
        ],
    },
};

impl ArchDef for Aarch64 {
    fn tables(&self) -> &'static ArchTables {
        &TABLES
    }

    fn special_symbol(&self, name: &str) -> Option<SpecialSymbol> {
        (name == "_GLOBAL_OFFSET_TABLE_").then_some(SpecialSymbol::GotBase)
    }
}
