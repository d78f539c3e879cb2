//! RISC-V 64 (psABI, LP64D, `rv64gc`): the relocation kinds clang emits for
//! PIC and non-PIC objects in the medlow and medany code models, `.eh_frame`
//! and jump tables included.
//!
//! # Pairs
//!
//! `PCREL_LO12_I`/`PCREL_LO12_S` do not name the data they address: their
//! symbol is the label of the `auipc` that holds the matching
//! `PCREL_HI20`/`GOT_HI20`, and the low 12 bits they store are those of
//! *that* relocation's value (`S + A - P` with `P` the `auipc`'s address).
//! The pairing is by address, not by order (a `ld` may be scheduled far
//! from its `auipc`, and one `auipc` may serve several loads), which the
//! engine does with [`RelocKind::pair_high`] on the high kinds and
//! [`Target::PairedHigh`] on the low ones. `HI20` with `LO12_I/S` are the
//! absolute (`lui`) forms and are not paired: each names the symbol.
//!
//! # Calls and stubs
//!
//! `CALL`/`CALL_PLT` patch an `auipc ra|t1` + `jalr` pair: one
//! [`Encoding`] with two [`Field`]s, the high 20 bits (rounded by
//! `+0x800`, since `jalr` sign-extends its 12-bit offset) at offset 0 and
//! the low 12 at offset 4, so the reach is `+-2 GiB`. A call to a symbol
//! outside the object that does not reach goes through a stub, 16 bytes:
//!
//! ```text
//! auipc t1, %pcrel_hi(slot)      # slot: the symbol's GOT entry
//! ld    t1, %pcrel_lo(slot)(t1)
//! jr    t1
//! nop
//! ```
//!
//! `t1` (`x6`) is free at a call: a `tail` call already uses it for its own
//! `auipc`, and the PLT entries of GNU ld and lld clobber it (and `t3`), so
//! no caller can expect it preserved across a call. The GOT lies in
//! the image (at most 1 GiB), so the stub always reaches its slot. `JAL`,
//! `BRANCH` and the compressed `RVC_JUMP`/`RVC_BRANCH` are also branches:
//! against a symbol outside the object (hand-written assembly only) they
//! take the stub when out of reach rather than failing outright.
//!
//! # `R_RISCV_ALIGN` is skipped, on purpose
//!
//! With linker relaxation on (clang's default), an alignment directive in
//! code is emitted as the *worst case* of padding (`2^n - 2` bytes of
//! `nop`/`c.nop`) plus an `R_RISCV_ALIGN` whose addend is that size, asking a
//! relaxing linker to delete the excess once the final addresses are known.
//! This loader never deletes bytes (it does no relaxation at all), and then
//! skipping `ALIGN` is correct:
//!
//! - every byte stays where the assembler put it, so everything the
//!   assembler resolved itself is still right, and everything it could not
//!   (any distance spanning relaxable code: branches, jump-table entries as
//!   `ADD32`/`SUB32` pairs, `.eh_frame` advances as `SET6`/`SUB6`..., FDE
//!   lengths) is a relocation computed from these same final addresses;
//! - the padding is a valid run of `nop`s, harmless when executed;
//! - what is lost is the alignment of what follows (a loop head or function
//!   may sit up to `2^n - 2` bytes past its boundary): a matter of speed,
//!   not of correctness. clang puts no data in code on RISC-V (jump tables
//!   and constants go to `.rodata`), so nothing relies on that alignment.
//!
//! `R_RISCV_RELAX` is a pure marker ("this may be relaxed") and is skipped
//! too. Compiling with `-mno-relax` makes neither appear.
//!
//! # Data
//!
//! `ADD*`/`SUB*` update the field in place (label differences the assembler
//! could not fold): they wrap, as in every linker, since only the sum of the
//! pair is meaningful. `SET*` store. `SET6`/`SUB6` touch only the low 6 bits
//! of their byte (the operand of `DW_CFA_advance_loc`, whose top 2 bits are
//! the opcode).
//!
//! `R_RISCV_32` is range-checked (signed or unsigned 32 bits) where lld
//! silently truncates: a truncated address is never what the code wants.
//!
//! Refused with a reason: thread-local kinds, dynamic-linker kinds, and
//! `SET_ULEB128`/`SUB_ULEB128` (a variable-length field that clang emits for
//! C++ exception tables, never for these C and IR kernels).

use super::{
    Accumulate, Arch, ArchDef, ArchTables, Formula, RelocKind, StubFixup, StubTarget, StubTemplate,
    Target, REFUSED_DYNAMIC as DYNAMIC, REFUSED_TLS as TLS,
};
use crate::bits::data::{
    EITHER32 as D32, SIGNED32 as D32_PC, WORD64 as D64, WORD64 as W64, WRAP16 as W16,
    WRAP32 as W32, WRAP6 as W6, WRAP8 as W8,
};
use crate::bits::{le_words, piece, Check, Encoding, Field, Piece};

pub(crate) struct Riscv64;

// Instruction immediates, as value bit -> instruction bit pieces.

/// U-type (`lui`, `auipc`): imm[31:12] at 31:12.
static U_PIECES: [Piece; 1] = [piece(12, 20, 12)];
/// I-type (`addi`, loads, `jalr`): imm[11:0] at 31:20.
static I_PIECES: [Piece; 1] = [piece(0, 12, 20)];
/// S-type (stores): imm[11:5] at 31:25, imm[4:0] at 11:7.
static S_PIECES: [Piece; 2] = [piece(0, 5, 7), piece(5, 7, 25)];
/// B-type: imm[12|10:5] at 31|30:25, imm[4:1|11] at 11:8|7.
static B_PIECES: [Piece; 4] = [
    piece(1, 4, 8),
    piece(5, 6, 25),
    piece(11, 1, 7),
    piece(12, 1, 31),
];
/// J-type: imm[20|10:1|11|19:12] at 31|30:21|20|19:12.
static J_PIECES: [Piece; 4] = [
    piece(1, 10, 21),
    piece(11, 1, 20),
    piece(12, 8, 12),
    piece(20, 1, 31),
];
/// CB format (`c.beqz`/`c.bnez`): offset[8|4:3] at 12|11:10,
/// offset[7:6|2:1|5] at 6:5|4:3|2.
static CB_PIECES: [Piece; 5] = [
    piece(1, 2, 3),
    piece(3, 2, 10),
    piece(5, 1, 2),
    piece(6, 2, 5),
    piece(8, 1, 12),
];
/// CJ format (`c.j`/`c.jal`): offset[11|4|9:8|10|6|7|3:1|5] at 12..2.
static CJ_PIECES: [Piece; 8] = [
    piece(1, 3, 3),
    piece(4, 1, 11),
    piece(5, 1, 2),
    piece(6, 1, 7),
    piece(7, 1, 6),
    piece(8, 2, 9),
    piece(10, 1, 8),
    piece(11, 1, 12),
];

/// The high part of a `%hi`/`%pcrel_hi` value: bits 31:12 after rounding by
/// 0x800, the value reaching `+-2 GiB` (what lld checks too).
const HI20_FIELD: Field = Field::insn(Check::Signed(32), 1, &U_PIECES).biased(0x800);

static HI20: Encoding = Encoding {
    fields: &[HI20_FIELD],
};
static LO12_I: Encoding = Encoding {
    fields: &[Field::insn(Check::None, 1, &I_PIECES)],
};
static LO12_S: Encoding = Encoding {
    fields: &[Field::insn(Check::None, 1, &S_PIECES)],
};
/// `auipc` + `jalr` of a `call`/`tail`: both words from one value.
static CALL: Encoding = Encoding {
    fields: &[HI20_FIELD, Field::insn(Check::None, 1, &I_PIECES).at(4)],
};
static BRANCH: Encoding = Encoding {
    fields: &[Field::insn(Check::Signed(13), 2, &B_PIECES)],
};
static JAL: Encoding = Encoding {
    fields: &[Field::insn(Check::Signed(21), 2, &J_PIECES)],
};
static RVC_BRANCH: Encoding = Encoding {
    fields: &[Field::insn(Check::Signed(9), 2, &CB_PIECES).in_word(2)],
};
static RVC_JUMP: Encoding = Encoding {
    fields: &[Field::insn(Check::Signed(12), 2, &CJ_PIECES).in_word(2)],
};

// Wrapping words for ADD/SUB/SET.

use Accumulate::{Add, Sub};
use Formula::{Absolute as Abs, Paired, PcRelative as Pc};
use Target::{Branch, GotSlot, PairedHigh, Symbol as Sym};

const fn k(r: u32, n: &'static str, t: Target, f: Formula, e: &'static Encoding) -> RelocKind {
    RelocKind::patch(r, n, t, f, e)
}

static TABLE: &[RelocKind] = &[
    RelocKind::skip(0, "R_RISCV_NONE"),
    k(1, "R_RISCV_32", Sym, Abs, &D32),
    k(2, "R_RISCV_64", Sym, Abs, &D64),
    k(16, "R_RISCV_BRANCH", Branch, Pc, &BRANCH),
    k(17, "R_RISCV_JAL", Branch, Pc, &JAL),
    k(18, "R_RISCV_CALL", Branch, Pc, &CALL),
    k(19, "R_RISCV_CALL_PLT", Branch, Pc, &CALL),
    k(20, "R_RISCV_GOT_HI20", GotSlot, Pc, &HI20).pair_high(),
    k(23, "R_RISCV_PCREL_HI20", Sym, Pc, &HI20).pair_high(),
    k(24, "R_RISCV_PCREL_LO12_I", PairedHigh, Paired, &LO12_I),
    k(25, "R_RISCV_PCREL_LO12_S", PairedHigh, Paired, &LO12_S),
    k(26, "R_RISCV_HI20", Sym, Abs, &HI20),
    k(27, "R_RISCV_LO12_I", Sym, Abs, &LO12_I),
    k(28, "R_RISCV_LO12_S", Sym, Abs, &LO12_S),
    k(33, "R_RISCV_ADD8", Sym, Abs, &W8).accumulate(Add),
    k(34, "R_RISCV_ADD16", Sym, Abs, &W16).accumulate(Add),
    k(35, "R_RISCV_ADD32", Sym, Abs, &W32).accumulate(Add),
    k(36, "R_RISCV_ADD64", Sym, Abs, &W64).accumulate(Add),
    k(37, "R_RISCV_SUB8", Sym, Abs, &W8).accumulate(Sub),
    k(38, "R_RISCV_SUB16", Sym, Abs, &W16).accumulate(Sub),
    k(39, "R_RISCV_SUB32", Sym, Abs, &W32).accumulate(Sub),
    k(40, "R_RISCV_SUB64", Sym, Abs, &W64).accumulate(Sub),
    // `.word sym@GOTPCREL`: `G + GOT + A - P`.
    k(41, "R_RISCV_GOT32_PCREL", GotSlot, Pc, &D32_PC),
    // Skipped: see the module documentation.
    RelocKind::skip(43, "R_RISCV_ALIGN"),
    k(44, "R_RISCV_RVC_BRANCH", Branch, Pc, &RVC_BRANCH),
    k(45, "R_RISCV_RVC_JUMP", Branch, Pc, &RVC_JUMP),
    RelocKind::skip(51, "R_RISCV_RELAX"),
    k(52, "R_RISCV_SUB6", Sym, Abs, &W6).accumulate(Sub),
    k(53, "R_RISCV_SET6", Sym, Abs, &W6),
    k(54, "R_RISCV_SET8", Sym, Abs, &W8),
    k(55, "R_RISCV_SET16", Sym, Abs, &W16),
    k(56, "R_RISCV_SET32", Sym, Abs, &W32),
    k(57, "R_RISCV_32_PCREL", Sym, Pc, &D32_PC),
    // `.word sym@plt - .`: `L + A - P`, through the stub if out of reach.
    k(59, "R_RISCV_PLT32", Branch, Pc, &D32_PC),
];

/// Kinds that exist but are refused, with the reason given in the error.
pub(crate) static REFUSED: &[(u32, &str, &str)] = &[
    (3, "R_RISCV_RELATIVE", DYNAMIC),
    (4, "R_RISCV_COPY", DYNAMIC),
    (5, "R_RISCV_JUMP_SLOT", DYNAMIC),
    (6, "R_RISCV_TLS_DTPMOD32", TLS),
    (7, "R_RISCV_TLS_DTPMOD64", TLS),
    (8, "R_RISCV_TLS_DTPREL32", TLS),
    (9, "R_RISCV_TLS_DTPREL64", TLS),
    (10, "R_RISCV_TLS_TPREL32", TLS),
    (11, "R_RISCV_TLS_TPREL64", TLS),
    (12, "R_RISCV_TLSDESC", TLS),
    (21, "R_RISCV_TLS_GOT_HI20", TLS),
    (22, "R_RISCV_TLS_GD_HI20", TLS),
    (29, "R_RISCV_TPREL_HI20", TLS),
    (30, "R_RISCV_TPREL_LO12_I", TLS),
    (31, "R_RISCV_TPREL_LO12_S", TLS),
    (32, "R_RISCV_TPREL_ADD", TLS),
    (
        42,
        "R_RISCV_GNU_VTENTRY",
        "obsolete C++ virtual-table garbage-collection marker",
    ),
    (
        46,
        "R_RISCV_RVC_LUI",
        "obsolete (removed from the psABI; clang never emits it)",
    ),
    (47, "R_RISCV_GPREL_I", "obsolete (removed from the psABI)"),
    (48, "R_RISCV_GPREL_S", "obsolete (removed from the psABI)"),
    (49, "R_RISCV_TPREL_I", "obsolete (removed from the psABI)"),
    (50, "R_RISCV_TPREL_S", "obsolete (removed from the psABI)"),
    (58, "R_RISCV_IRELATIVE", DYNAMIC),
    (
        60,
        "R_RISCV_SET_ULEB128",
        "variable-length ULEB128 fields (C++ exception tables) are not supported",
    ),
    (
        61,
        "R_RISCV_SUB_ULEB128",
        "variable-length ULEB128 fields (C++ exception tables) are not supported",
    ),
    (62, "R_RISCV_TLSDESC_HI20", TLS),
    (63, "R_RISCV_TLSDESC_LOAD_LO12", TLS),
    (64, "R_RISCV_TLSDESC_ADD_LO12", TLS),
    (65, "R_RISCV_TLSDESC_CALL", TLS),
    (
        191,
        "R_RISCV_VENDOR",
        "vendor-specific relocations are not supported",
    ),
];

/// The stub before patching: `auipc t1, 0`, `ld t1, 0(t1)`, `jr t1`
/// (`jalr x0, 0(t1)`), `nop`; `auipc` + `ld` address the GOT slot as
/// `auipc` + `jalr` of a `call` do their target.
static STUB_CODE: [u8; 16] = le_words![0x0000_0317, 0x0003_3303, 0x0003_0067, 0x0000_0013];

static TABLES: ArchTables = ArchTables {
    arch: Arch::Riscv64,
    machine: object::elf::EM_RISCV,
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
            encoding: &CALL,
        }],
    },
};

impl ArchDef for Riscv64 {
    fn tables(&self) -> &'static ArchTables {
        &TABLES
    }
}
