//! LoongArch64 (psABI v2, LP64D): the relocation kinds of normal, medium
//! and extreme code model objects, with and without linker relaxation.
//!
//! Instruction fields (all little-endian 32-bit words):
//!
//! | form | field | instructions |
//! |---|---|---|
//! | `1RI20` | si20 at 24:5 | `pcalau12i`, `pcaddu12i`, `pcaddu18i`, `pcaddi`, `lu12i.w`, `lu32i.d` |
//! | `2RI12` | si12/ui12 at 21:10 | `addi.d`, `ld.*`, `st.*`, `fld.*`, `ori`, `lu52i.d` |
//! | `2RI16` | offs[17:2] at 25:10 | `beq`..`bgeu`, `jirl` |
//! | `1RI21` | offs[17:2] at 25:10, offs[22:18] at 4:0 | `beqz`, `bnez`, `bceqz`, `bcnez` |
//! | `I26` | offs[17:2] at 25:10, offs[27:18] at 9:0 | `b`, `bl` |
//!
//! Special cases, all expressed as data:
//!
//! - `PCALA_HI20`/`GOT_PC_HI20` (`pcalau12i`) take the page delta of
//!   `T + A + 0x800`: the paired `LO12` is sign-extended by the
//!   `addi.d`/`ld.d` that consumes it, so the page is one higher when bit 11
//!   is set. The `LO12` is simply the low 12 bits of `T + A` (it does not
//!   depend on `P`, so no pairing between the two relocations is needed).
//! - `*64_PC_LO20`/`*64_PC_HI12` (extreme code model) finish a 64-bit page
//!   delta from the `pcalau12i` 8/12 bytes before them
//!   ([`Formula::PageDelta64`]).
//! - `CALL36` patches a `pcaddu18i` + `jirl` pair: one value, two fields,
//!   the high part rounded by `0x20000` because `jirl` sign-extends.
//! - `B16`/`B21`/`B26`/`CALL36` are branches ([`Target::Branch`], lld's
//!   `R_PLT_PC`): to a symbol outside the object they go through a stub when
//!   out of reach. Conditional branches to an external symbol are tail calls,
//!   so the stub's scratch register is as free for them as for `bl`.
//! - `ADD*`/`SUB*` update the value the assembler left (label differences
//!   that relaxation could change); they wrap, as in lld.
//! - `ADD_ULEB128`/`SUB_ULEB128` are refused with a reason: their field is
//!   a ULEB128 whose length the assembler chose, which a fixed bit-field
//!   encoding cannot describe. clang emits them only in debug sections
//!   (not loaded) and in `.gcc_except_table` of `-fexceptions` code built
//!   with relaxation (off by default for this target).
//! - `RELAX` is a marker (clang-19 emits none; newer toolchains do).
//!   `ALIGN` (emitted only when relaxation is on: target feature `+relax`;
//!   clang-19 ignores `-mrelax` for the bare-metal target, whose default is
//!   no relaxation) marks `nop` padding that a relaxing
//!   linker may shorten so the next label lands aligned. The loader does not
//!   relax: it keeps the padding, every byte stays at the offset the
//!   assembler gave it, and every relocation (the `ADD`/`SUB` pairs
//!   included) is computed on those offsets, so the code is exactly what the
//!   assembler laid out. Only the performance alignment of the label after
//!   the padding is lost. (lld deletes the surplus `nop`s even with
//!   `--no-relax`, so its layout of such objects differs from ours.)
//! - `ABS_HI20`/`GOT_HI20` are not range-checked: whether a 32-bit result
//!   must fit (`lu12i.w; ori` alone) or is completed by `lu32i.d; lu52i.d`
//!   is not said by the relocation (lld does not check them either).
//!   `PCALA_HI20`/`GOT_PC_HI20` are checked against +-2 GiB, right for the
//!   normal and medium models; in the extreme model that check could only
//!   refuse a PC-relative access to a symbol more than 2 GiB away, never
//!   truncate one.
//!
//! Stub (16 bytes), the psABI PLT entry's register choice (`$t3` = `$r15`
//! holds the target, as in lld's and binutils' PLT entries):
//!
//! ```text
//! pcaddu12i $t3, %pc_hi20(slot)      # $t3 = stub + ((slot - stub + 0x800) & ~0xfff)
//! ld.d      $t3, $t3, %pc_lo12(slot) # the GOT slot holding the target
//! jr        $t3                      # jirl $zero, $t3, 0
//! break     0                        # never reached
//! ```

use super::{
    Accumulate, Arch, ArchDef, ArchTables, Formula, RelocKind, StubFixup, StubTarget, StubTemplate,
    Target, REFUSED_DYNAMIC as DYNAMIC, REFUSED_TLS as TLS,
};
use crate::bits::data::{
    EITHER32 as D32, SIGNED32 as D32_PC, WORD64 as D64, WRAP16 as W16, WRAP32 as W32, WRAP6 as W6,
    WRAP8 as W8,
};
use crate::bits::{le_words, piece, Check, Encoding, Field};

pub(crate) struct Loongarch64;

// Branches: offsets in units of 4 bytes.
static B16: Encoding = Encoding {
    fields: &[Field::insn(Check::Signed(18), 4, &[piece(2, 16, 10)])],
};
static B21: Encoding = Encoding {
    fields: &[Field::insn(
        Check::Signed(23),
        4,
        &[piece(2, 16, 10), piece(18, 5, 0)],
    )],
};
static B26: Encoding = Encoding {
    fields: &[Field::insn(
        Check::Signed(28),
        4,
        &[piece(2, 16, 10), piece(18, 10, 0)],
    )],
};
/// `pcaddu18i` gets `(v + 0x20000)[37:18]`, the `jirl` 4 bytes on gets
/// `v[17:2]`; the range is that of `v + 0x20000` (lld: "[-128G - 0x20000,
/// +128G - 0x20000)").
static CALL36: Encoding = Encoding {
    fields: &[
        Field::insn(Check::Signed(38), 1, &[piece(18, 20, 5)]).biased(0x20000),
        Field::insn(Check::None, 4, &[piece(2, 16, 10)]).at(4),
    ],
};
/// `pcaddi`: `v[21:2]` in si20.
static PCREL20_S2: Encoding = Encoding {
    fields: &[Field::insn(Check::Signed(22), 4, &[piece(2, 20, 5)])],
};
/// Bits 31:12 of a page delta into si20 (`pcalau12i`), range-checked.
static PC_HI20: Encoding = Encoding {
    fields: &[Field::insn(Check::Signed(32), 1, &[piece(12, 20, 5)])],
};
/// Bits 31:12 of an absolute value into si20 (`lu12i.w`), unchecked (see
/// the module notes).
static HI20: Encoding = Encoding {
    fields: &[Field::insn(Check::None, 1, &[piece(12, 20, 5)])],
};
/// Bits 11:0 into si12/ui12 (`addi.d`, `ld.d`, `ori`, ...).
static LO12: Encoding = Encoding {
    fields: &[Field::insn(Check::None, 1, &[piece(0, 12, 10)])],
};
/// Bits 51:32 into si20 (`lu32i.d`).
static LO20_64: Encoding = Encoding {
    fields: &[Field::insn(Check::None, 1, &[piece(32, 20, 5)])],
};
/// Bits 63:52 into si12 (`lu52i.d`).
static HI12_64: Encoding = Encoding {
    fields: &[Field::insn(Check::None, 1, &[piece(52, 12, 10)])],
};

use Accumulate::{Add, Sub};
use Formula::{Absolute as Abs, PcRelative as Pc};
use Target::{Branch, GotSlot, Symbol as Sym};

const fn k(r: u32, n: &'static str, t: Target, f: Formula, e: &'static Encoding) -> RelocKind {
    RelocKind::patch(r, n, t, f, e)
}

/// `page(T + A + 0x800) - page(P)`.
const PAGE: Formula = Formula::PageDelta { bias: 0x800 };
/// The 64-bit page delta from the `pcalau12i` two instructions back
/// (`lu32i.d`) or three (`lu52i.d`).
const PAGE64_LO: Formula = Formula::PageDelta64 { from: -8 };
const PAGE64_HI: Formula = Formula::PageDelta64 { from: -12 };

static TABLE: &[RelocKind] = &[
    RelocKind::skip(0, "R_LARCH_NONE"),
    k(1, "R_LARCH_32", Sym, Abs, &D32),
    k(2, "R_LARCH_64", Sym, Abs, &D64),
    k(47, "R_LARCH_ADD8", Sym, Abs, &W8).accumulate(Add),
    k(48, "R_LARCH_ADD16", Sym, Abs, &W16).accumulate(Add),
    k(50, "R_LARCH_ADD32", Sym, Abs, &W32).accumulate(Add),
    k(51, "R_LARCH_ADD64", Sym, Abs, &D64).accumulate(Add),
    k(52, "R_LARCH_SUB8", Sym, Abs, &W8).accumulate(Sub),
    k(53, "R_LARCH_SUB16", Sym, Abs, &W16).accumulate(Sub),
    k(55, "R_LARCH_SUB32", Sym, Abs, &W32).accumulate(Sub),
    k(56, "R_LARCH_SUB64", Sym, Abs, &D64).accumulate(Sub),
    // C++ virtual-table garbage-collection markers: nothing to patch.
    RelocKind::skip(57, "R_LARCH_GNU_VTINHERIT"),
    RelocKind::skip(58, "R_LARCH_GNU_VTENTRY"),
    k(64, "R_LARCH_B16", Branch, Pc, &B16),
    k(65, "R_LARCH_B21", Branch, Pc, &B21),
    k(66, "R_LARCH_B26", Branch, Pc, &B26),
    k(67, "R_LARCH_ABS_HI20", Sym, Abs, &HI20),
    k(68, "R_LARCH_ABS_LO12", Sym, Abs, &LO12),
    k(69, "R_LARCH_ABS64_LO20", Sym, Abs, &LO20_64),
    k(70, "R_LARCH_ABS64_HI12", Sym, Abs, &HI12_64),
    k(71, "R_LARCH_PCALA_HI20", Sym, PAGE, &PC_HI20),
    k(72, "R_LARCH_PCALA_LO12", Sym, Abs, &LO12),
    k(73, "R_LARCH_PCALA64_LO20", Sym, PAGE64_LO, &LO20_64),
    k(74, "R_LARCH_PCALA64_HI12", Sym, PAGE64_HI, &HI12_64),
    k(75, "R_LARCH_GOT_PC_HI20", GotSlot, PAGE, &PC_HI20),
    k(76, "R_LARCH_GOT_PC_LO12", GotSlot, Abs, &LO12),
    k(77, "R_LARCH_GOT64_PC_LO20", GotSlot, PAGE64_LO, &LO20_64),
    k(78, "R_LARCH_GOT64_PC_HI12", GotSlot, PAGE64_HI, &HI12_64),
    k(79, "R_LARCH_GOT_HI20", GotSlot, Abs, &HI20),
    k(80, "R_LARCH_GOT_LO12", GotSlot, Abs, &LO12),
    k(81, "R_LARCH_GOT64_LO20", GotSlot, Abs, &LO20_64),
    k(82, "R_LARCH_GOT64_HI12", GotSlot, Abs, &HI12_64),
    k(99, "R_LARCH_32_PCREL", Sym, Pc, &D32_PC),
    RelocKind::skip(100, "R_LARCH_RELAX"),
    // See the module notes: the padding stays, nothing moves.
    RelocKind::skip(102, "R_LARCH_ALIGN"),
    k(103, "R_LARCH_PCREL20_S2", Sym, Pc, &PCREL20_S2),
    k(105, "R_LARCH_ADD6", Sym, Abs, &W6).accumulate(Add),
    k(106, "R_LARCH_SUB6", Sym, Abs, &W6).accumulate(Sub),
    k(109, "R_LARCH_64_PCREL", Sym, Pc, &D64),
    k(110, "R_LARCH_CALL36", Branch, Pc, &CALL36),
];

/// clang emits them in `.gcc_except_table` of `-fexceptions` code built
/// with relaxation (and in debug sections, which are not loaded).
const ULEB: &str =
    "variable-length ULEB128 fields (exception tables built with relaxation) are not supported";
const STACK: &str = "stack-machine relocation of the pre-v2 psABI (binutils < 2.40); rebuild with a current toolchain";

/// Kinds that exist but are refused, with the reason given in the error.
pub(crate) static REFUSED: &[(u32, &str, &str)] = &[
    (3, "R_LARCH_RELATIVE", DYNAMIC),
    (4, "R_LARCH_COPY", DYNAMIC),
    (5, "R_LARCH_JUMP_SLOT", DYNAMIC),
    (6, "R_LARCH_TLS_DTPMOD32", TLS),
    (7, "R_LARCH_TLS_DTPMOD64", TLS),
    (8, "R_LARCH_TLS_DTPREL32", TLS),
    (9, "R_LARCH_TLS_DTPREL64", TLS),
    (10, "R_LARCH_TLS_TPREL32", TLS),
    (11, "R_LARCH_TLS_TPREL64", TLS),
    (12, "R_LARCH_IRELATIVE", DYNAMIC),
    (13, "R_LARCH_TLS_DESC32", TLS),
    (14, "R_LARCH_TLS_DESC64", TLS),
    (20, "R_LARCH_MARK_LA", STACK),
    (21, "R_LARCH_MARK_PCREL", STACK),
    (22, "R_LARCH_SOP_PUSH_PCREL", STACK),
    (23, "R_LARCH_SOP_PUSH_ABSOLUTE", STACK),
    (24, "R_LARCH_SOP_PUSH_DUP", STACK),
    (25, "R_LARCH_SOP_PUSH_GPREL", STACK),
    (26, "R_LARCH_SOP_PUSH_TLS_TPREL", STACK),
    (27, "R_LARCH_SOP_PUSH_TLS_GOT", STACK),
    (28, "R_LARCH_SOP_PUSH_TLS_GD", STACK),
    (29, "R_LARCH_SOP_PUSH_PLT_PCREL", STACK),
    (30, "R_LARCH_SOP_ASSERT", STACK),
    (31, "R_LARCH_SOP_NOT", STACK),
    (32, "R_LARCH_SOP_SUB", STACK),
    (33, "R_LARCH_SOP_SL", STACK),
    (34, "R_LARCH_SOP_SR", STACK),
    (35, "R_LARCH_SOP_ADD", STACK),
    (36, "R_LARCH_SOP_AND", STACK),
    (37, "R_LARCH_SOP_IF_ELSE", STACK),
    (38, "R_LARCH_SOP_POP_32_S_10_5", STACK),
    (39, "R_LARCH_SOP_POP_32_U_10_12", STACK),
    (40, "R_LARCH_SOP_POP_32_S_10_12", STACK),
    (41, "R_LARCH_SOP_POP_32_S_10_16", STACK),
    (42, "R_LARCH_SOP_POP_32_S_10_16_S2", STACK),
    (43, "R_LARCH_SOP_POP_32_S_5_20", STACK),
    (44, "R_LARCH_SOP_POP_32_S_0_5_10_16_S2", STACK),
    (45, "R_LARCH_SOP_POP_32_S_0_10_10_16_S2", STACK),
    (46, "R_LARCH_SOP_POP_32_U", STACK),
    (
        49,
        "R_LARCH_ADD24",
        "deprecated by psABI v2 and never emitted",
    ),
    (
        54,
        "R_LARCH_SUB24",
        "deprecated by psABI v2 and never emitted",
    ),
    (83, "R_LARCH_TLS_LE_HI20", TLS),
    (84, "R_LARCH_TLS_LE_LO12", TLS),
    (85, "R_LARCH_TLS_LE64_LO20", TLS),
    (86, "R_LARCH_TLS_LE64_HI12", TLS),
    (87, "R_LARCH_TLS_IE_PC_HI20", TLS),
    (88, "R_LARCH_TLS_IE_PC_LO12", TLS),
    (89, "R_LARCH_TLS_IE64_PC_LO20", TLS),
    (90, "R_LARCH_TLS_IE64_PC_HI12", TLS),
    (91, "R_LARCH_TLS_IE_HI20", TLS),
    (92, "R_LARCH_TLS_IE_LO12", TLS),
    (93, "R_LARCH_TLS_IE64_LO20", TLS),
    (94, "R_LARCH_TLS_IE64_HI12", TLS),
    (95, "R_LARCH_TLS_LD_PC_HI20", TLS),
    (96, "R_LARCH_TLS_LD_HI20", TLS),
    (97, "R_LARCH_TLS_GD_PC_HI20", TLS),
    (98, "R_LARCH_TLS_GD_HI20", TLS),
    (
        101,
        "R_LARCH_DELETE",
        "linker-internal kind removed from the psABI",
    ),
    (
        104,
        "R_LARCH_CFA",
        "linker-internal kind removed from the psABI",
    ),
    (107, "R_LARCH_ADD_ULEB128", ULEB),
    (108, "R_LARCH_SUB_ULEB128", ULEB),
    (111, "R_LARCH_TLS_DESC_PC_HI20", TLS),
    (112, "R_LARCH_TLS_DESC_PC_LO12", TLS),
    (113, "R_LARCH_TLS_DESC64_PC_LO20", TLS),
    (114, "R_LARCH_TLS_DESC64_PC_HI12", TLS),
    (115, "R_LARCH_TLS_DESC_HI20", TLS),
    (116, "R_LARCH_TLS_DESC_LO12", TLS),
    (117, "R_LARCH_TLS_DESC64_LO20", TLS),
    (118, "R_LARCH_TLS_DESC64_HI12", TLS),
    (119, "R_LARCH_TLS_DESC_LD", TLS),
    (120, "R_LARCH_TLS_DESC_CALL", TLS),
    (121, "R_LARCH_TLS_LE_HI20_R", TLS),
    (122, "R_LARCH_TLS_LE_ADD_R", TLS),
    (123, "R_LARCH_TLS_LE_LO12_R", TLS),
    (124, "R_LARCH_TLS_LD_PCREL20_S2", TLS),
    (125, "R_LARCH_TLS_GD_PCREL20_S2", TLS),
    (126, "R_LARCH_TLS_DESC_PCREL20_S2", TLS),
];

/// The stub's instructions before patching: `pcaddu12i $t3, 0`,
/// `ld.d $t3, $t3, 0`, `jirl $zero, $t3, 0`, `break 0`.
const T3: u32 = 15;
static STUB_CODE: [u8; 16] = le_words![
    0x1c00_0000 | T3,
    0x28c0_0000 | (T3 << 5) | T3,
    0x4c00_0000 | (T3 << 5),
    0x002a_0000,
];

/// `pcaddu12i` + `ld.d` addressing of the stub's GOT slot: the exact
/// PC-relative offset (no paging, unlike `pcalau12i`), high part rounded
/// for the sign-extended `si12`.
static STUB_SLOT: Encoding = Encoding {
    fields: &[
        Field::insn(Check::Signed(32), 1, &[piece(12, 20, 5)]).biased(0x800),
        Field::insn(Check::None, 1, &[piece(0, 12, 10)]).at(4),
    ],
};

static TABLES: ArchTables = ArchTables {
    arch: Arch::Loongarch64,
    machine: object::elf::EM_LOONGARCH,
    kinds: TABLE,
    refused: REFUSED,
    stub: StubTemplate {
        code: &STUB_CODE,
        align: 16,
        fixups: &[StubFixup {
            at: 0,
            target: StubTarget::GotSlot,
            formula: Formula::PcRelative,
            addend: 0,
            encoding: &STUB_SLOT,
        }],
    },
};

impl ArchDef for Loongarch64 {
    fn tables(&self) -> &'static ArchTables {
        &TABLES
    }
}
