//! ppc64le (ELFv2) at a fixed base: every patched field is decoded here,
//! independently of the engine (own instruction decoders, own reading of
//! the object's relocations and symbols with the `object` crate), and
//! compared with the psABI formula; a differential check against ld.lld-19;
//! range, alignment and unknown-type errors on synthetic objects.

use loader::link::{link, LinkOptions, LinkedImage};
use loader::{Arch, Compiler, Error, Language};
use object::read::elf::{ElfFile64, Sym as _};
use object::{Object as _, ObjectSection as _, ObjectSymbol as _, RelocationTarget};
use rstest::rstest;
use std::collections::{BTreeSet, HashMap};
#[path = "support/synthetic.rs"]
mod synthetic;
use synthetic::{At, Synthetic};

const BASE: u64 = 0x4000_0000;
const TOC_BIAS: u64 = 0x8000;
const NOP: u32 = 0x6000_0000;
const LD_R2_24_R1: u32 = 0xe841_0018;

// ---- kernels ----------------------------------------------------------

const C_SRC: &str = r#"
extern double ext_scale;
extern int ext_arr[];
extern double cos(double);
static int counter;
static const char *names[] = {"a", "bb", "ccc"};
int table[5] = {1, 2, 3, 4, 5};
double k(double *x, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) s += __builtin_sin(x[i]) * ext_scale + cos(x[i]);
    counter++;
    return s + names[n & 1][0];
}
int sw(int x) {
    switch (x) { case 0: return 3; case 1: return 7; case 2: return 9; case 3: return 1;
                 case 4: return 44; case 5: return 8; default: return -1; }
}
static __attribute__((noinline)) int helper(int x) { return x * 3 + counter + ext_arr[x] + table[x]; }
int callh(int x) { return helper(x) + 1; }
double cst(double x) { return x * 3.14159 + 2.71828; }
const double *where(void) { return &ext_scale; }
"#;

const VEC_SRC: &str = r#"
typedef float v4f __attribute__((vector_size(16)));
static v4f gv = {1, 2, 3, 4};
v4f gw;
/* The call gives our GOT one slot (the stub's), as lld's GOT has one
   reserved entry: both put `.toc` at the same address (see `lld_link`). */
extern void ext_fn(void);
void f(v4f *o, v4f x) { gw = x + gv; *o = gv * x; ext_fn(); }
v4f g(v4f x) { return x * (v4f){1.5f, 2.5f, 3.5f, 4.5f}; }
"#;

/// Kinds clang's assembler emits only for hand-written operators. (A
/// 16-bit `.short sym - .` would give `REL16`, but crashes clang-19's ELF
/// writer; `REL16` is covered by the synthetic range tests.)
const ASM_SRC: &str = r#"
/* ld.lld-19 knows no ADDR16_HIGHA, ADDR14 or ADDR24: left out for it. */
#ifdef FOR_LLD
#define LLD_LACKS(x)
#else
#define LLD_LACKS(x) x
#endif
extern int ext_far, ext_mid, abs_lo;
static __attribute__((used)) int local_var = 5;
int glob = 7;
void target_fn(void) {}
__asm__(
".text\n"
".globl asm_kinds\n"
".p2align 4\n"
"asm_kinds:\n"
"  lis 3, ext_far@highest\n"
"  ori 3, 3, ext_far@higher\n"
"  lis 4, ext_far@highesta\n"
"  addi 4, 4, ext_far@highera\n"
"  oris 3, 3, ext_far@high\n"

LLD_LACKS("  addis 3, 3, ext_far@higha\n")

"  oris 3, 3, ext_mid@h\n"
"  addis 3, 3, ext_mid@ha\n"
"  ori 3, 3, ext_mid@l\n"
"  li 5, abs_lo\n"
"  addis 9, 2, vecdata@toc@ha\n"
"  lxv 34, vecdata@toc@l(9)\n"
"  stxv 35, vecdata@toc@l(9)\n"
"  lq 10, vecdata@l(9)\n"
"  lxsd 2, vecdata+8@toc@l(9)\n"
"  ld 6, glob@l(3)\n"
"  ld 6, abs_lo(3)\n"
"  ld 7, glob@got(2)\n"
"  addi 7, 2, glob@got\n"
"  addis 7, 2, glob@got@ha\n"
"  ld 7, glob@got@l(7)\n"
"  addis 7, 2, glob@got@h\n"
"  addi 7, 7, glob@got@l\n"
"  ld 8, tocent@toc(2)\n"
"  addi 8, 2, tocent@toc\n"
"  addis 8, 2, local_var@toc@h\n"
"  addis 8, 2, local_var@toc@ha\n"
"  addi 8, 8, local_var@toc@l\n"
"  beq 0, target_fn\n"

LLD_LACKS("  bca 12, 2, abs_lo\n")


LLD_LACKS("  ba abs_lo\n")

"  bl target_fn\n"
"  nop\n"
"  bl ext_fn\n" /* balances lld's reserved GOT entry, see lld_link */
"  nop\n"
"  blr\n"
"1: addis 3, 3, (.TOC.-1b)@ha\n"
"  addi 3, 3, (.TOC.-1b)@l\n"
"  addis 3, 3, (.TOC.-1b)@h\n"
"  .section .toc,\"aw\",@progbits\n"
"  .p2align 3\n"
"tocent:\n"
"  .quad local_var\n"
"  .data\n"
"  .p2align 3\n"
"  .p2align 4\n"
"vecdata:\n"
"  .space 32\n"
"asm_data:\n"
"  .quad ext_far\n"
"  .long ext_mid\n"
"  .short abs_lo\n"
"  .short 0\n"
"  .long target_fn - .\n"
"  .long 0\n"
"  .quad target_fn - .\n"
"  .quad .TOC.@tocbase\n"
"  .quad glob + 8\n"
".text\n"
);
"#;

const IR_SRC: &str = r#"
target datalayout = "e-m:e-Fn32-i64:64-n32:64-S128-v256:256:256-v512:512:512"
target triple = "powerpc64le-unknown-unknown-elf"

@ext = external global i32
@tab = global [2 x i32] [i32 1, i32 2]
@rel32 = global i32 trunc (i64 sub (i64 ptrtoint (ptr @ext to i64), i64 ptrtoint (ptr @rel32 to i64)) to i32)
@rel64 = global i64 sub (i64 ptrtoint (ptr @ext to i64), i64 ptrtoint (ptr @rel64 to i64))
@abs32 = global i32 trunc (i64 ptrtoint (ptr @tab to i64) to i32)

declare double @llvm.sin.f64(double)
declare double @llvm.pow.f64(double, double)

define double @kern(ptr %x, i32 %n) {
entry:
  %v = load double, ptr %x
  %s = call double @llvm.sin.f64(double %v)
  %p = call double @llvm.pow.f64(double %s, double %v)
  %i = load i32, ptr @ext
  %t = load i32, ptr @tab
  %a = add i32 %i, %t
  %f = sitofp i32 %a to double
  %r = fadd double %p, %f
  ret double %r
}
"#;

/// Absolute addresses of the resolver. `abs_lo` fits 16 bits and is a
/// multiple of 4 (absolute branches, `li`); `ext_mid` fits 32 bits with
/// bit 15 set (the `@ha` carry); `ext_far` needs all 64 bits.
fn resolver() -> HashMap<&'static str, u64> {
    [
        ("sin", 0x7fff_8000_1230),
        ("cos", BASE + 0x100_0000),
        ("pow", 0x7fff_9000_0000),
        ("ext_scale", 0x7000_1000),
        ("ext_arr", 0x7fff_a000_0040),
        ("ext", BASE + 0x200_0000),
        ("ext_far", 0x1234_5678_9abc_def0),
        ("ext_mid", 0x7654_9abc),
        ("abs_lo", 0x1234),
        ("ext_fn", 0x7fff_b000_0000),
    ]
    .into()
}

#[derive(Clone, Copy, Debug)]
enum Kernel {
    C,
    Vec,
    Asm,
    /// `Asm` without the kinds ld.lld-19 does not know.
    AsmForLld,
    Ir,
}

fn compile(kernel: Kernel, opt: &str, cpu: &str, model: Option<&str>) -> Vec<u8> {
    let mut c = Compiler::new(Arch::Ppc64le).unwrap();
    c.cpu = loader::Cpu::Named(cpu.into());
    c.opt_level = opt.into();
    if let Some(m) = model {
        c.extra_flags.push(format!("-mcmodel={m}"));
    }
    let (src, lang) = match kernel {
        Kernel::C => (C_SRC, Language::C),
        Kernel::Vec => (VEC_SRC, Language::C),
        Kernel::Asm => (ASM_SRC, Language::C),
        Kernel::AsmForLld => {
            c.extra_flags.push("-DFOR_LLD".into());
            (ASM_SRC, Language::C)
        }
        Kernel::Ir => (IR_SRC, Language::Ir),
    };
    c.compile(src, lang).unwrap()
}

fn link_at(obj: &[u8], res: &HashMap<&'static str, u64>) -> LinkedImage {
    link(obj, Arch::Ppc64le, BASE, res, &LinkOptions::default()).unwrap()
}

// ---- independent decoding ---------------------------------------------

fn u16_at(img: &LinkedImage, at: u64) -> u16 {
    u16::from_le_bytes(img.bytes_at(at, 2).unwrap().try_into().unwrap())
}
fn u32_at(img: &LinkedImage, at: u64) -> u32 {
    u32::from_le_bytes(img.bytes_at(at, 4).unwrap().try_into().unwrap())
}
fn u64_at(img: &LinkedImage, at: u64) -> u64 {
    u64::from_le_bytes(img.bytes_at(at, 8).unwrap().try_into().unwrap())
}
fn sext(v: u64, bits: u32) -> i64 {
    ((v << (64 - bits)) as i64) >> (64 - bits)
}

fn lo(v: i64) -> u16 {
    v as u16
}
fn hi(v: i64) -> u16 {
    (v >> 16) as u16
}
fn ha(v: i64) -> u16 {
    (v.wrapping_add(0x8000) >> 16) as u16
}
fn higher(v: i64) -> u16 {
    (v >> 32) as u16
}
fn highera(v: i64) -> u16 {
    (v.wrapping_add(0x8000) >> 32) as u16
}
fn highest(v: i64) -> u16 {
    (v >> 48) as u16
}
fn highesta(v: i64) -> u16 {
    (v.wrapping_add(0x8000) >> 48) as u16
}
fn fits_signed(v: i64, bits: u32) -> bool {
    (-(1i64 << (bits - 1))..(1i64 << (bits - 1))).contains(&v)
}

/// The address a stub jumps to, decoded from its eight instructions (and
/// the check that it is the expected sequence: save r2, build r12, bctr).
fn stub_target(img: &LinkedImage, at: u64) -> u64 {
    let w: Vec<u32> = (0..8).map(|i| u32_at(img, at + 4 * i)).collect();
    assert_eq!(w[0], 0xf841_0018, "std r2,24(r1)");
    assert_eq!(w[1] >> 16, 0x3d80, "lis r12");
    assert_eq!(w[2] >> 16, 0x618c, "ori r12,r12");
    assert_eq!(w[3], 0x798c_07c6, "sldi r12,r12,32");
    assert_eq!(w[4] >> 16, 0x658c, "oris r12,r12");
    assert_eq!(w[5] >> 16, 0x618c, "ori r12,r12");
    assert_eq!(w[6], 0x7d89_03a6, "mtctr r12");
    assert_eq!(w[7], 0x4e80_0420, "bctr");
    let h = |x: u32| u64::from(x & 0xffff);
    (h(w[1]) << 48) | (h(w[2]) << 32) | (h(w[4]) << 16) | h(w[5])
}

/// ELFv2 local entry offset, from `st_other` bits 5-7.
fn local_entry(st_other: u8) -> u64 {
    match st_other >> 5 {
        v @ 2..=6 => 1 << v,
        _ => 0,
    }
}

/// One relocation of the object, read with the `object` crate.
#[derive(Debug, Clone)]
struct Rel {
    section: String,
    offset: u64,
    r_type: u32,
    sym: String,
    /// Defined in a loaded section: (section name, st_value, st_other).
    def: Option<(String, u64, u8)>,
    /// An `SHN_ABS` symbol's value (0 for symbol index 0).
    abs: Option<u64>,
    addend: i64,
    /// Original bytes at the place (8 bytes, zero-padded).
    orig: [u8; 8],
}

fn read_relocs(obj: &[u8]) -> Vec<Rel> {
    let file = ElfFile64::<object::Endianness>::parse(obj).unwrap();
    let mut out = Vec::new();
    for sec in file.sections() {
        let data = sec.data().unwrap_or(&[]);
        for (offset, r) in sec.relocations() {
            let object::RelocationFlags::Elf { r_type } = r.flags() else {
                unreachable!()
            };
            let (name, def, abs) = match r.target() {
                RelocationTarget::Symbol(idx) => {
                    let sym = file.symbol_by_index(idx).unwrap();
                    let st_other = sym.elf_symbol().st_other();
                    let def = sym.section_index().map(|si| {
                        let s = file.section_by_index(si).unwrap();
                        (s.name().unwrap().to_string(), sym.address(), st_other)
                    });
                    let name = if sym.kind() == object::SymbolKind::Section {
                        def.as_ref().unwrap().0.clone()
                    } else {
                        sym.name().unwrap().to_string()
                    };
                    let abs =
                        (sym.section() == object::SymbolSection::Absolute).then(|| sym.address());
                    (name, def, abs)
                }
                // Symbol index 0 (`R_PPC64_TOC`, `PCREL_OPT`).
                _ => (String::new(), None, Some(0)),
            };
            let mut orig = [0u8; 8];
            let o = offset as usize;
            let n = data.len().saturating_sub(o).min(8);
            orig[..n].copy_from_slice(&data[o..o + n]);
            out.push(Rel {
                section: sec.name().unwrap().to_string(),
                offset,
                r_type,
                sym: name,
                def,
                abs,
                addend: r.addend(),
                orig,
            });
        }
    }
    out
}

fn section_addr(img: &LinkedImage, name: &str) -> Option<u64> {
    img.output
        .sections
        .iter()
        .find(|s| s.name == name)
        .map(|s| s.address)
}

/// Checks every relocation of `obj` in `img` against the psABI formulas.
/// Returns the relocation types seen.
fn check_image(obj: &[u8], img: &LinkedImage, res: &HashMap<&'static str, u64>) -> BTreeSet<u32> {
    let toc = img.output.got_base + TOC_BIAS;
    let mut seen = BTreeSet::new();
    for r in read_relocs(obj) {
        let Some(sec) = section_addr(img, &r.section) else {
            continue; // not loaded (debug info, addrsig)
        };
        seen.insert(r.r_type);
        let p = sec + r.offset;
        let what = format!("{r:?}");
        let rec = img
            .output
            .log
            .iter()
            .find(|l| l.section == r.section && l.offset == r.offset && l.r_type == r.r_type)
            .unwrap_or_else(|| panic!("no log record for {what}"));
        assert_eq!(rec.place, p, "{what}");
        let external = r.def.is_none();
        let s = match (&r.def, r.abs) {
            (Some((sec_name, value, _)), _) => section_addr(img, sec_name).unwrap() + value,
            (None, Some(v)) => v,
            (None, None) if r.sym == ".TOC." => toc,
            (None, None) => res[r.sym.as_str()],
        };
        let a = r.addend;
        let sa = s.wrapping_add(a as u64) as i64;
        let pc = sa.wrapping_sub(p as i64);
        let tocrel = sa.wrapping_sub(toc as i64);
        let orig16 = u16::from_le_bytes([r.orig[0], r.orig[1]]);
        let orig32 = u32::from_le_bytes(r.orig[..4].try_into().unwrap());
        let got_slot = || {
            let slot = img.output.got.iter().find(|(n, _)| n == &r.sym).unwrap().1;
            assert_eq!(
                u64_at(img, slot),
                s,
                "GOT slot of {} holds its address",
                r.sym
            );
            slot
        };
        let half = |expect: u16| assert_eq!(u16_at(img, p), expect, "{what}");
        // DS form keeps 2 low opcode bits; DQ form (lxv/stxv: primary
        // opcode 61 with low bits 01, lq: 56, lxvp/stxvp: 6) keeps 4.
        let dq = match orig32 >> 26 {
            6 | 56 => true,
            61 => orig32 & 3 == 1,
            _ => false,
        };
        let ds = |v: i64| {
            let keep: u16 = if dq { 0xf } else { 0x3 };
            assert_eq!(v & i64::from(keep), 0, "DS/DQ value alignment: {what}");
            let h = u16_at(img, p);
            assert_eq!(h & !keep, (v as u16) & !keep, "{what}");
            assert_eq!(h & keep, orig16 & keep, "DS/DQ opcode bits kept: {what}");
        };
        match r.r_type {
            // ADDR32, UADDR32
            1 | 24 => {
                assert_eq!(u32_at(img, p), sa as u32, "{what}");
                assert!(fits_signed(sa, 33) && sa >= -(1 << 31), "{what}");
            }
            // ADDR24 (absolute `ba`) and ADDR14 (absolute `bca`)
            2 => {
                let w = u32_at(img, p);
                assert_eq!(w & !0x03ff_fffc, orig32 & !0x03ff_fffc, "{what}");
                assert_eq!(sext(u64::from(w & 0x03ff_fffc), 26), sa, "{what}");
            }
            7..=9 => {
                let w = u32_at(img, p);
                assert_eq!(w & !0xfffc, orig32 & !0xfffc, "{what}");
                assert_eq!(sext(u64::from(w & 0xfffc), 16), sa, "{what}");
            }
            // ADDR16, UADDR16
            3 | 25 => {
                half(lo(sa));
                assert!((-0x8000..0x10000).contains(&sa), "{what}");
            }
            4 => half(lo(sa)),
            5 => {
                half(hi(sa));
                assert!(fits_signed(sa, 32), "{what}");
            }
            6 => {
                half(ha(sa));
                assert!(fits_signed(sa + 0x8000, 32), "{what}");
            }
            // REL24, REL14 (+ hints), REL24_NOTOC: calls and branches.
            10..=13 | 116 => {
                let w = u32_at(img, p);
                let (mask, bits) = if matches!(r.r_type, 10 | 116) {
                    (0x03ff_fffcu32, 26)
                } else {
                    (0xfffc, 16)
                };
                assert_eq!(w & !mask, orig32 & !mask, "opcode kept: {what}");
                let dest = p.wrapping_add(sext(u64::from(w & mask), bits) as u64);
                if external {
                    // Always through the stub, which enters the global entry.
                    let stub = img
                        .output
                        .stubs
                        .iter()
                        .find(|(n, _)| n == &r.sym)
                        .unwrap()
                        .1;
                    assert_eq!(dest, stub.wrapping_add(a as u64), "{what}");
                    assert_eq!(stub_target(img, stub), s, "{what}");
                    let next = u32_at(img, p + 4);
                    if r.r_type == 116 {
                        assert_eq!(
                            next,
                            u32_at_orig(obj, &r, 4),
                            "NOTOC: next insn kept: {what}"
                        );
                    } else {
                        assert_eq!(w & 1, 1, "a call: {what}");
                        assert_eq!(u32_at_orig(obj, &r, 4), NOP, "{what}");
                        assert_eq!(next, LD_R2_24_R1, "TOC restored: {what}");
                    }
                } else {
                    let st_other = r.def.as_ref().unwrap().2;
                    assert_eq!(
                        dest,
                        (sa as u64) + local_entry(st_other),
                        "local entry: {what}"
                    );
                }
            }
            // GOT16, GOT16_LO/HI/HA, GOT16_DS/LO_DS: G - .TOC.
            14..=17 | 58 | 59 => {
                let g = (got_slot() as i64).wrapping_add(a) - toc as i64;
                match r.r_type {
                    14 => {
                        half(lo(g));
                        assert!(fits_signed(g, 16), "{what}");
                    }
                    15 => half(lo(g)),
                    16 => half(hi(g)),
                    17 => half(ha(g)),
                    58 => {
                        ds(g);
                        assert!(fits_signed(g, 16), "{what}");
                    }
                    _ => ds(g),
                }
            }
            // REL32
            26 => {
                assert_eq!(u32_at(img, p), pc as u32, "{what}");
                assert!(fits_signed(pc, 32), "{what}");
            }
            // ADDR64, UADDR64
            38 | 43 => assert_eq!(u64_at(img, p), sa as u64, "{what}"),
            39 => half(higher(sa)),
            40 => half(highera(sa)),
            41 => half(highest(sa)),
            42 => half(highesta(sa)),
            // REL64
            44 => assert_eq!(u64_at(img, p), pc as u64, "{what}"),
            // TOC16, TOC16_LO/HI/HA
            47 => {
                half(lo(tocrel));
                assert!(fits_signed(tocrel, 16), "{what}");
            }
            48 => half(lo(tocrel)),
            49 => half(hi(tocrel)),
            50 => {
                half(ha(tocrel));
                assert!(fits_signed(tocrel + 0x8000, 32), "{what}");
            }
            // TOC: the TOC base itself.
            51 => assert_eq!(u64_at(img, p), toc.wrapping_add(a as u64), "{what}"),
            // ADDR16_DS, ADDR16_LO_DS
            56 => {
                ds(sa);
                assert!((-0x8000..0x10000).contains(&sa), "{what}");
            }
            57 => ds(sa),
            // TOC16_DS, TOC16_LO_DS
            63 => {
                ds(tocrel);
                assert!(fits_signed(tocrel, 16), "{what}");
            }
            64 => ds(tocrel),
            110 => half(hi(sa)),
            111 => half(ha(sa)),
            // PCREL34 / GOT_PCREL34 (prefixed: prefix holds bits 16-33)
            132 | 133 => {
                let pre = u32_at(img, p);
                let suf = u32_at(img, p + 4);
                assert_eq!(pre & !0x3ffff, orig32 & !0x3ffff, "{what}");
                assert_eq!(suf & !0xffff, u32_at_orig(obj, &r, 4) & !0xffff, "{what}");
                let imm = sext(
                    (u64::from(pre & 0x3ffff) << 16) | u64::from(suf & 0xffff),
                    34,
                );
                if r.r_type == 132 {
                    assert_eq!(imm, pc, "{what}");
                } else {
                    let slot = got_slot();
                    assert_eq!(imm, (slot as i64).wrapping_add(a) - p as i64, "{what}");
                }
            }
            // REL16, REL16_LO/HI/HA
            249 => {
                half(lo(pc));
                assert!(fits_signed(pc, 16), "{what}");
            }
            250 => half(lo(pc)),
            251 => half(hi(pc)),
            252 => {
                half(ha(pc));
                assert!(fits_signed(pc + 0x8000, 32), "{what}");
            }
            // Markers: nothing written.
            0 | 109 | 123 => assert_eq!(u32_at(img, p), orig32, "{what}"),
            other => panic!("test has no decoder for type {other}: {what}"),
        }
    }
    seen
}

/// The original 32-bit word at `r.offset + delta` in the object.
fn u32_at_orig(obj: &[u8], r: &Rel, delta: u64) -> u32 {
    let file = ElfFile64::<object::Endianness>::parse(obj).unwrap();
    let sec = file.section_by_name(&r.section).unwrap();
    let d = sec.data().unwrap();
    let o = (r.offset + delta) as usize;
    u32::from_le_bytes(d[o..o + 4].try_into().unwrap())
}

/// The kinds the loader claims: every type with a name in the table.
fn claimed() -> BTreeSet<u32> {
    (0..1024)
        .filter(|&t| Arch::Ppc64le.reloc_name(t).is_some())
        .collect()
}

// ---- 1. fixed-base field tests on clang output -------------------------

#[rstest]
#[case::c_o2(Kernel::C, "2", "pwr9", None)]
#[case::c_o0(Kernel::C, "0", "pwr9", None)]
#[case::c_small(Kernel::C, "2", "pwr9", Some("small"))]
#[case::c_large(Kernel::C, "2", "pwr9", Some("large"))]
#[case::c_large_o0(Kernel::C, "0", "pwr8", Some("large"))]
#[case::c_pwr10(Kernel::C, "2", "pwr10", None)]
#[case::vec_pwr9(Kernel::Vec, "2", "pwr9", None)]
#[case::vec_small(Kernel::Vec, "2", "pwr9", Some("small"))]
#[case::asm(Kernel::Asm, "2", "pwr9", None)]
#[case::ir(Kernel::Ir, "2", "pwr9", None)]
#[case::ir_pwr10(Kernel::Ir, "2", "pwr10", None)]
fn clang_output_fields(
    #[case] kernel: Kernel,
    #[case] opt: &str,
    #[case] cpu: &str,
    #[case] model: Option<&str>,
) {
    let obj = compile(kernel, opt, cpu, model);
    let res = resolver();
    let img = link_at(&obj, &res);
    for r in &img.output.log {
        println!("{r}");
    }
    let seen = check_image(&obj, &img, &res);
    assert!(!seen.is_empty());
    // `.toc` (and the GOT) lie within signed 16 bits of the TOC base.
    let toc = img.output.got_base + TOC_BIAS;
    if let Some(t) = img.output.sections.iter().find(|s| s.name == ".toc") {
        assert!(t.address >= toc - 0x8000 && t.address + t.size <= toc + 0x8000);
    }
}

// ---- 2. synthetic objects ----------------------------------------------

/// A synthetic relocatable ppc64le object.
struct Synth {
    text: Vec<u8>,
    data: Vec<u8>,
    /// (in data?, offset, r_type, symbol, addend)
    relocs: Vec<(bool, u64, u32, &'static str, i64)>,
    /// (name, in data?, offset, st_other) defined symbols; others undefined.
    defs: Vec<(&'static str, bool, u64, u8)>,
    /// (name, value) SHN_ABS symbols.
    abs: Vec<(&'static str, u64)>,
}

impl Synth {
    fn new(text: &[u32]) -> Synth {
        Synth {
            text: text.iter().flat_map(|w| w.to_le_bytes()).collect(),
            data: Vec::new(),
            relocs: Vec::new(),
            defs: Vec::new(),
            abs: Vec::new(),
        }
    }

    fn build(&self) -> Vec<u8> {
        use object::elf::{STB_GLOBAL, STT_FUNC, STT_OBJECT};
        use object::{SectionKind, SymbolFlags, SymbolKind, SymbolScope};
        let mut o = Synthetic::new(object::Architecture::PowerPc64);
        // ELFv2.
        o.object_mut().flags = object::FileFlags::Elf {
            os_abi: 0,
            abi_version: 0,
            e_flags: 2,
        };
        let text = o.section(".text", SectionKind::Text, &self.text, 16);
        let data_align = if self.data.is_empty() { 1 } else { 8 };
        let data = o.section(".data", SectionKind::Data, &self.data, data_align);
        for &(name, in_data, value, st_other) in &self.defs {
            let (section, kind, st_type) = if in_data {
                (data, SymbolKind::Data, STT_OBJECT)
            } else {
                (text, SymbolKind::Text, STT_FUNC)
            };
            let at = At::Section {
                section,
                value,
                size: 0,
            };
            let id = o.symbol(name, at, kind, SymbolScope::Linkage);
            o.object_mut().symbol_mut(id).flags = SymbolFlags::Elf {
                st_info: (STB_GLOBAL << 4) | st_type,
                st_other,
            };
        }
        for &(name, value) in &self.abs {
            o.symbol(
                name,
                At::Absolute(value),
                SymbolKind::Data,
                SymbolScope::Linkage,
            );
        }
        for &(in_data, offset, r_type, name, addend) in &self.relocs {
            let symbol = match o.symbol_named(name) {
                Some(id) => id,
                None => o.symbol(
                    name,
                    At::Undefined,
                    SymbolKind::Unknown,
                    SymbolScope::Linkage,
                ),
            };
            o.reloc(
                if in_data { data } else { text },
                offset,
                r_type,
                symbol,
                addend,
            );
        }
        o.finish()
    }
}

fn try_link(obj: &[u8], res: &HashMap<&'static str, u64>) -> loader::Result<LinkedImage> {
    link(obj, Arch::Ppc64le, BASE, res, &LinkOptions::default())
}

const BL: u32 = 0x4800_0001;
const B: u32 = 0x4800_0000;
const BEQ: u32 = 0x4182_0000; // bc 12,2,0
const ADDIS: u32 = 0x3c62_0000; // addis r3,r2,0
const LWA: u32 = 0xe862_0002; // lwa r3,0(r2): DS form, XO = 2
const PLD: [u32; 2] = [0x0410_0000, 0xe460_0000]; // pld r3,0(0),1

/// Kinds clang never emits, on a synthetic object, through the same
/// independent checker.
#[test]
fn synthetic_kinds_fields() {
    let mut s = Synth::new(&[
        BL,
        NOP, // 0: REL24 to ext_fn via stub
        BEQ | 1,
        NOP,         // 8: bcl to ext_fn (REL14_BRTAKEN) via stub
        BEQ,         // 16: REL14_BRNTAKEN to local
        BEQ,         // 20: ADDR14_BRTAKEN
        BEQ,         // 24: ADDR14_BRNTAKEN
        0xf841_0018, // 28: std r2,24(r1) with TOCSAVE
        LWA,         // 32: TOC16_LO_DS on a DS-form with XO bits set
        NOP,         // 36: NONE
        PLD[0],
        PLD[1],      // 40: PCREL34 to local
        ADDIS,       // 48: TOC16_HA of the data
        0x3863_0000, // 52: addi r3,r3,0 TOC16_LO
        0x4e80_0020, // 56: blr
        0,
        0,
        0,
        0,
    ]);
    s.data = vec![0; 48];
    s.defs = vec![("local_fn", false, 56, 3 << 5), ("dat", true, 8, 0)];
    s.relocs = vec![
        (false, 0, 10, "ext_fn", 0),
        (false, 8, 12, "ext_fn", 0),
        (false, 16, 13, "local_fn", 0),
        (false, 20, 8, "abs_lo", 0),
        (false, 24, 9, "abs_lo", 4),
        (false, 28, 109, "local_fn", 0),
        (false, 32, 64, "dat", 4),
        (false, 36, 0, "local_fn", 0),
        (false, 40, 132, "dat", 0),
        (false, 48, 50, "dat", 0),
        (false, 52, 48, "dat", 0),
        (true, 1, 24, "ext_mid", 0),
        (true, 5, 25, "abs_lo", 2),
        (true, 7, 43, "ext_far", 0),
        (true, 16, 26, "ext", 0),
        (true, 24, 51, "dat", 0x10), // the symbol is ignored
    ];
    let obj = s.build();
    let res = resolver();
    let img = try_link(&obj, &res).unwrap();
    for r in &img.output.log {
        println!("{r}");
    }
    let seen = check_image(&obj, &img, &res);
    for t in [
        0, 8, 9, 10, 12, 13, 24, 25, 26, 43, 48, 50, 51, 64, 109, 132,
    ] {
        assert!(seen.contains(&t), "type {t} exercised");
    }
}

/// Every kind the table claims is exercised by some object above.
#[test]
fn every_claimed_kind_is_exercised() {
    let res = resolver();
    let mut seen = BTreeSet::new();
    let cases: &[(Kernel, &str, &str, Option<&str>)] = &[
        (Kernel::C, "2", "pwr9", None),
        (Kernel::C, "0", "pwr9", None),
        (Kernel::C, "2", "pwr9", Some("small")),
        (Kernel::C, "2", "pwr9", Some("large")),
        (Kernel::C, "2", "pwr10", None),
        (Kernel::Asm, "2", "pwr9", None),
        (Kernel::Ir, "2", "pwr9", None),
    ];
    for &(k, o, c, m) in cases {
        let obj = compile(k, o, c, m);
        seen.extend(check_image(&obj, &link_at(&obj, &res), &res));
    }
    // The synthetic object's kinds (checked in `synthetic_kinds_fields`).
    seen.extend([0, 8, 9, 12, 13, 24, 25, 43, 109]);
    // The remaining synthetic-only kinds come from the range tests below.
    seen.extend(RANGE_KINDS.iter().map(|c| c.0));
    let missing: Vec<_> = claimed()
        .difference(&seen)
        .map(|&t| Arch::Ppc64le.reloc_name(t).unwrap())
        .collect();
    assert!(
        missing.is_empty(),
        "claimed but never exercised: {missing:?}"
    );
}

// ---- 3. range and alignment --------------------------------------------

#[derive(Clone, Copy, Debug)]
enum Base {
    Abs,
    Pc,
    Toc,
}

const ADDI: u32 = 0x3863_0000; // addi r3,r3,0
const LD3: u32 = 0xe863_0000; // ld r3,0(r3)
const BA: u32 = 0x4800_0002; // ba 0
const BCA: u32 = 0x4182_0002; // bca 12,2,0

/// (type, instruction, what the value is relative to, min, max, alignment)
/// for each range-checked kind reachable with an absolute symbol.
static RANGE_KINDS: &[(u32, u32, Base, i64, i64, i64)] = &[
    (1, 0, Base::Abs, -(1 << 31), (1 << 32) - 1, 1),
    (2, BA, Base::Abs, -(1 << 25), (1 << 25) - 4, 4),
    (3, ADDI, Base::Abs, -0x8000, 0xffff, 1),
    (5, ADDI, Base::Abs, -(1 << 31), (1 << 31) - 1, 1),
    (
        6,
        ADDI,
        Base::Abs,
        -(1 << 31) - 0x8000,
        (1 << 31) - 1 - 0x8000,
        1,
    ),
    (7, BCA, Base::Abs, -0x8000, 0x7ffc, 4),
    (26, 0, Base::Pc, -(1 << 31), (1 << 31) - 1, 1),
    (47, ADDI, Base::Toc, -0x8000, 0x7fff, 1),
    (49, ADDI, Base::Toc, -(1 << 31), (1 << 31) - 1, 1),
    (
        50,
        ADDI,
        Base::Toc,
        -(1 << 31) - 0x8000,
        (1 << 31) - 1 - 0x8000,
        1,
    ),
    (56, LD3, Base::Abs, -0x8000, 0xfffc, 4),
    (63, LD3, Base::Toc, -0x8000, 0x7ffc, 4),
    (132, 0, Base::Pc, -(1 << 33), (1 << 33) - 1, 1),
    (249, ADDI, Base::Pc, -0x8000, 0x7fff, 1),
    (251, ADDI, Base::Pc, -(1 << 31), (1 << 31) - 1, 1),
    (
        252,
        ADDI,
        Base::Pc,
        -(1 << 31) - 0x8000,
        (1 << 31) - 1 - 0x8000,
        1,
    ),
];

/// A one-relocation object against the absolute symbol `target` at `v`.
fn one_reloc(r_type: u32, insn: u32, v: u64) -> Vec<u8> {
    let words: &[u32] = if r_type == 132 { &PLD } else { &[insn, NOP] };
    let mut s = Synth::new(words);
    s.abs = vec![("target", v)];
    s.relocs = vec![(false, 0, r_type, "target", 0)];
    s.build()
}

fn expect_overflow(r: loader::Result<LinkedImage>, name: &str, why: &str) {
    match r {
        Err(Error::RelocationOverflow {
            type_name, problem, ..
        }) => {
            assert_eq!(type_name, name);
            assert!(problem.contains(why), "{problem}");
        }
        Err(e) => panic!("{name}: unexpected error {e}"),
        Ok(_) => panic!("{name}: linked although out of range"),
    }
}

#[rstest]
fn range_limits(
    #[values(1, 2, 3, 5, 6, 7, 26, 47, 49, 50, 56, 63, 132, 249, 251, 252)] r_type: u32,
) {
    let &(_, insn, base, min, max, align) = RANGE_KINDS.iter().find(|k| k.0 == r_type).unwrap();
    let name = Arch::Ppc64le.reloc_name(r_type).unwrap();
    let res = resolver();
    // Where P and the TOC base are: the layout does not depend on values.
    let probe = try_link(&one_reloc(0, insn, 0), &res).unwrap();
    let p = section_addr(&probe, ".text").unwrap();
    let origin = match base {
        Base::Abs => 0,
        Base::Pc => p,
        Base::Toc => probe.output.got_base + TOC_BIAS,
    };
    let sym = |v: i64| origin.wrapping_add(v as u64);
    for v in [min, max, 0, align] {
        let obj = one_reloc(r_type, insn, sym(v));
        let img = try_link(&obj, &res).unwrap_or_else(|e| panic!("{name} {v:#x}: {e}"));
        check_image(&obj, &img, &res);
    }
    for v in [min - align, max + align] {
        expect_overflow(
            try_link(&one_reloc(r_type, insn, sym(v)), &res),
            name,
            "does not fit",
        );
    }
    if align > 1 {
        let v = align / 2;
        expect_overflow(
            try_link(&one_reloc(r_type, insn, sym(v)), &res),
            name,
            "not a multiple",
        );
    }
}

/// `TOC16_LO_DS` checks only the alignment.
#[test]
fn toc16_lo_ds_alignment() {
    let res = resolver();
    let probe = try_link(&one_reloc(0, LD3, 0), &res).unwrap();
    let toc = probe.output.got_base + TOC_BIAS;
    let obj = one_reloc(64, LD3, toc + 0x1234_5678);
    check_image(&obj, &try_link(&obj, &res).unwrap(), &res);
    expect_overflow(
        try_link(&one_reloc(64, LD3, toc + 0x1234_5676), &res),
        "R_PPC64_TOC16_LO_DS",
        "not a multiple of 4",
    );
}

/// A branch of `len`-byte reach to a local symbol `dist` bytes away.
fn local_branch(r_type: u32, insn: u32, dist: i64) -> loader::Result<(Vec<u8>, LinkedImage)> {
    let size = dist.unsigned_abs() as usize + 8;
    let mut words = vec![NOP; size / 4];
    let (at, to) = if dist >= 0 {
        (0, dist as u64)
    } else {
        (dist.unsigned_abs(), 0)
    };
    words[at as usize / 4] = insn;
    let mut s = Synth::new(&words);
    s.defs = vec![("there", false, to, 0)];
    s.relocs = vec![(false, at, r_type, "there", 0)];
    let obj = s.build();
    let img = try_link(&obj, &resolver())?;
    Ok((obj, img))
}

#[rstest]
#[case::rel24(10, BL, 1 << 25)]
#[case::rel24_notoc(116, BL, 1 << 25)]
#[case::rel14(11, BEQ, 1 << 15)]
#[case::rel14_brtaken(12, BEQ, 1 << 15)]
fn local_branch_limits(#[case] r_type: u32, #[case] insn: u32, #[case] reach: i64) {
    let name = Arch::Ppc64le.reloc_name(r_type).unwrap();
    let res = resolver();
    for d in [reach - 4, -reach, 4, -4] {
        let (obj, img) = local_branch(r_type, insn, d).unwrap_or_else(|e| panic!("{d:#x}: {e}"));
        check_image(&obj, &img, &res);
    }
    for d in [reach, -reach - 4] {
        expect_overflow(
            local_branch(r_type, insn, d).map(|x| x.1),
            name,
            "does not fit",
        );
    }
    expect_overflow(
        local_branch(r_type, insn, 6).map(|x| x.1),
        name,
        "not a multiple of 4",
    );
}

/// An external call always goes through the stub; a stub out of the
/// `bl`'s reach is an overflow error, never a truncated offset.
#[rstest]
#[case::inside(0x1ff_fff0, true)]
#[case::outside(0x200_0000, false)]
fn stub_reach(#[case] code_size: usize, #[case] fits: bool) {
    let mut words = vec![NOP; code_size / 4];
    words[0] = BL;
    let mut s = Synth::new(&words);
    s.relocs = vec![(false, 0, 10, "ext_fn", 0)];
    let obj = s.build();
    let res = resolver();
    let r = try_link(&obj, &res);
    if fits {
        let img = r.unwrap();
        assert_eq!(img.output.stubs[0].1, BASE + code_size as u64);
        check_image(&obj, &img, &res);
    } else {
        expect_overflow(r, "R_PPC64_REL24", "does not fit in signed 26 bits");
    }
}

// ---- 4. errors ---------------------------------------------------------

fn bad_relocation(r: loader::Result<LinkedImage>, why: &str) {
    match r {
        Err(Error::BadRelocation { problem, .. }) => assert!(problem.contains(why), "{problem}"),
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("linked"),
    }
}

#[test]
fn call_through_stub_needs_a_nop() {
    let res = resolver();
    let mut s = Synth::new(&[BL, 0x3860_0000, 0x4e80_0020]);
    s.relocs = vec![(false, 0, 10, "ext_fn", 0)];
    bad_relocation(try_link(&s.build(), &res), "not a nop");
    // A tail call to another TOC cannot restore ours.
    let mut s = Synth::new(&[B, NOP]);
    s.relocs = vec![(false, 0, 10, "ext_fn", 0)];
    bad_relocation(try_link(&s.build(), &res), "tail call");
    // The last word of the section: nothing after the call.
    let mut s = Synth::new(&[BL]);
    s.relocs = vec![(false, 0, 10, "ext_fn", 0)];
    assert!(matches!(
        try_link(&s.build(), &res),
        Err(Error::BadRelocation { .. })
    ));
    // REL24_NOTOC needs no nop (PC-relative code keeps no TOC).
    let mut s = Synth::new(&[BL, 0x3860_0000]);
    s.relocs = vec![(false, 0, 116, "ext_fn", 0)];
    let obj = s.build();
    check_image(&obj, &try_link(&obj, &res).unwrap(), &res);
}

#[rstest]
#[case::unknown(200, "unknown type")]
#[case::tls(79, "R_PPC64_GOT_TLSGD16 (thread-local storage is not supported)")]
#[case::tls_marker(67, "R_PPC64_TLS")]
#[case::plt(29, "R_PPC64_PLT16_LO")]
fn unsupported_types_are_named(#[case] r_type: u32, #[case] text: &str) {
    let mut s = Synth::new(&[ADDI, NOP]);
    s.relocs = vec![(false, 0, r_type, "ext_mid", 0)];
    match try_link(&s.build(), &resolver()) {
        Err(e @ Error::UnsupportedRelocation { .. }) => {
            let Error::UnsupportedRelocation {
                r_type: t,
                ref type_name,
                ..
            } = e
            else {
                unreachable!()
            };
            assert_eq!(t, r_type);
            assert!(type_name.contains(text), "{type_name}");
            assert!(e.to_string().contains("ppc64le"), "{e}");
        }
        other => panic!("expected UnsupportedRelocation, got {other:?}"),
    }
}

#[test]
fn clang_tls_is_refused_with_reason() {
    let mut c = Compiler::new(Arch::Ppc64le).unwrap();
    c.cpu = loader::Cpu::Named("pwr9".into());
    let obj = c
        .compile(
            "extern __thread int t; int f(void) { return t; }",
            Language::C,
        )
        .unwrap();
    let mut res = resolver();
    res.insert("t", 0x7000_0000);
    res.insert("__tls_get_addr", 0x7000_1000);
    match try_link(&obj, &res) {
        Err(Error::UnsupportedRelocation { type_name, .. }) => {
            assert!(type_name.contains("thread-local"), "{type_name}")
        }
        Err(Error::Unsupported { what, .. }) => assert!(what.contains("thread")),
        other => panic!("expected a TLS refusal, got {other:?}"),
    }
}

// ---- 5. differential check against ld.lld-19 ---------------------------

/// Links `obj` with ld.lld-19, every section at the address our layout gave
/// it (a linker script), lld's `.got` at our GOT base (so both TOC bases are
/// the same) and the externals as absolute symbols. Returns the output file.
fn lld_link(obj: &[u8], img: &LinkedImage, res: &HashMap<&'static str, u64>, tag: &str) -> Vec<u8> {
    let dir = std::env::temp_dir().join(format!("loader-ppc64le-lld-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let o = dir.join("k.o");
    std::fs::write(&o, obj).unwrap();
    let mut places: Vec<(u64, String)> = img
        .output
        .sections
        .iter()
        .map(|s| (s.address, s.name.clone()))
        .collect();
    places.push((img.output.got_base, ".got".into()));
    places.sort();
    let mut script = String::from("SECTIONS {\n");
    for (addr, name) in places {
        script += &format!("  {name} {addr:#x} : {{ *({name}) }}\n");
    }
    script += "  /DISCARD/ : { *(.comment) }\n}\n";
    let ld = dir.join("k.ld");
    std::fs::write(&ld, script).unwrap();
    let out = dir.join("k.elf");
    let mut cmd = std::process::Command::new("ld.lld-19");
    cmd.arg("-o")
        .arg(&out)
        .arg("-T")
        .arg(&ld)
        .args([
            "--no-toc-optimize",
            "--no-pcrel-optimize",
            "-O0",
            "-e",
            "0",
            "-static",
            "-z",
            "norelro",
        ])
        .arg(&o);
    let undefined: BTreeSet<String> = read_relocs(obj)
        .into_iter()
        .filter(|r| r.def.is_none() && r.abs.is_none() && r.sym != ".TOC.")
        .map(|r| r.sym)
        .collect();
    for name in undefined {
        cmd.arg(format!("--defsym={name}={:#x}", res[name.as_str()]));
    }
    let status = cmd.output().expect("ld.lld-19 runs");
    assert!(
        status.status.success(),
        "ld.lld-19 failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    let bytes = std::fs::read(&out).unwrap();
    if std::env::var_os("KEEP_LLD").is_none() {
        std::fs::remove_dir_all(&dir).ok();
    }
    bytes
}

/// `len` bytes at address `at` of a linked executable.
fn exe_bytes(exe: &[u8], at: u64, len: usize) -> Vec<u8> {
    let file = object::File::parse(exe).unwrap();
    for s in file.sections() {
        if at >= s.address() && at + len as u64 <= s.address() + s.size() {
            let d = s.data().unwrap();
            let o = (at - s.address()) as usize;
            return d[o..o + len].to_vec();
        }
    }
    panic!("no section of the lld output holds {at:#x}");
}

/// Bytes a relocation type patches.
fn patched_len(r_type: u32) -> usize {
    match r_type {
        1 | 2 | 7..=13 | 24 | 26 | 116 => 4,
        38 | 43 | 44 | 51 | 132 | 133 => 8,
        0 | 109 | 123 => 0,
        _ => 2,
    }
}

/// A local view of the bytes of both images for the comparisons.
struct Both<'a> {
    ours: &'a LinkedImage,
    lld: &'a [u8],
}

impl Both<'_> {
    fn ours(&self, at: u64, len: usize) -> Vec<u8> {
        self.ours.bytes_at(at, len).unwrap().to_vec()
    }
    fn lld(&self, at: u64, len: usize) -> Vec<u8> {
        exe_bytes(self.lld, at, len)
    }
    fn lld_u32(&self, at: u64) -> u32 {
        u32::from_le_bytes(self.lld(at, 4).try_into().unwrap())
    }
    fn lld_u64(&self, at: u64) -> u64 {
        u64::from_le_bytes(self.lld(at, 8).try_into().unwrap())
    }
}

#[rstest]
#[case::c_o2(Kernel::C, "2", "pwr9", None)]
#[case::c_o0(Kernel::C, "0", "pwr9", None)]
#[case::c_small(Kernel::C, "2", "pwr9", Some("small"))]
#[case::c_large(Kernel::C, "2", "pwr9", Some("large"))]
#[case::c_pwr10(Kernel::C, "2", "pwr10", None)]
#[case::vec(Kernel::Vec, "2", "pwr9", None)]
#[case::asm(Kernel::AsmForLld, "2", "pwr9", None)]
#[case::ir(Kernel::Ir, "2", "pwr9", None)]
fn same_bytes_as_lld(
    #[case] kernel: Kernel,
    #[case] opt: &str,
    #[case] cpu: &str,
    #[case] model: Option<&str>,
) {
    // Externals within `bl` reach of the code, so that lld calls them
    // directly (no range-extension thunk) and the targets compare.
    let mut res = resolver();
    for (i, name) in ["sin", "cos", "pow", "ext_fn"].into_iter().enumerate() {
        res.insert(name, BASE + 0x100_0000 + 0x100 * i as u64);
    }
    let obj = compile(kernel, opt, cpu, model);
    let img = link_at(&obj, &res);
    check_image(&obj, &img, &res);
    let tag = format!("{kernel:?}-{opt}-{cpu}-{}", model.unwrap_or("default"));
    let exe = lld_link(&obj, &img, &res, &tag);
    let both = Both {
        ours: &img,
        lld: &exe,
    };
    let toc = img.output.got_base + TOC_BIAS;
    let mut compared = BTreeSet::new();
    for r in read_relocs(&obj) {
        let Some(sec) = section_addr(&img, &r.section) else {
            continue;
        };
        let p = sec + r.offset;
        let len = patched_len(r.r_type);
        let what = format!("{r:?}");
        let external = r.def.is_none() && r.abs.is_none() && r.sym != ".TOC.";
        match r.r_type {
            // Exception 1: calls to externals. Ours go through our stub
            // (the callee has its own TOC) and the `nop` after them becomes
            // `ld r2,24(r1)`; lld sees an absolute `--defsym` symbol, which
            // it takes for a local function sharing our TOC, so it calls it
            // directly and leaves the `nop`. Compared: the final target.
            10..=13 | 116 if external => {
                let s = res[r.sym.as_str()];
                let w = both.lld_u32(p);
                let (mask, bits) = if matches!(r.r_type, 10 | 116) {
                    (0x03ff_fffcu32, 26)
                } else {
                    (0xfffc, 16)
                };
                let lld_dest = p.wrapping_add(sext(u64::from(w & mask), bits) as u64);
                assert_eq!(lld_dest, s, "lld calls directly: {what}");
                let ours = u32_at(&img, p);
                let our_dest = p.wrapping_add(sext(u64::from(ours & mask), bits) as u64);
                assert_eq!(stub_target(&img, our_dest), s, "{what}");
                assert_eq!(ours & !mask, w & !mask, "{what}");
            }
            // Exception 2: GOT-relative kinds. lld's GOT starts with a
            // reserved entry (the TOC base), so its slots sit 8 bytes
            // further. Compared: what the full-width kinds load. The
            // split HA/HI/LO halves of a GOT offset are checked against the
            // psABI only (`check_image`).
            14 | 58 => {
                let lld_half = u16::from_le_bytes(both.lld(p, 2).try_into().unwrap());
                let off = i64::from(lld_half as i16) & !3;
                let slot = toc.wrapping_add(off as u64);
                assert_eq!(both.lld_u64(slot), img_symbol(&img, &r, &res), "{what}");
            }
            133 => {
                let pre = both.lld_u32(p);
                let suf = both.lld_u32(p + 4);
                let imm = sext(
                    (u64::from(pre & 0x3ffff) << 16) | u64::from(suf & 0xffff),
                    34,
                );
                let slot = p.wrapping_add(imm as u64);
                // lld may relax a GOT load of a local symbol to `paddi`
                // (the symbol's own address): either is the same address.
                let is_pld = (suf >> 26) == 57;
                let s = img_symbol(&img, &r, &res);
                if is_pld {
                    assert_eq!(both.lld_u64(slot), s, "{what}");
                } else {
                    assert_eq!(slot, s, "{what}");
                }
            }
            15..=17 | 59 => continue,
            _ => {
                assert_eq!(both.ours(p, len), both.lld(p, len), "{what}");
                // After a local call, both leave the `nop`.
                if matches!(r.r_type, 10..=13) {
                    assert_eq!(both.ours(p + 4, 4), both.lld(p + 4, 4), "{what}");
                }
            }
        }
        compared.insert(r.r_type);
    }
    println!("compared with lld: {compared:?}");
    assert!(!compared.is_empty());
}

/// The address a relocation's symbol has in our image.
fn img_symbol(img: &LinkedImage, r: &Rel, res: &HashMap<&'static str, u64>) -> u64 {
    match (&r.def, r.abs) {
        (Some((sec, value, _)), _) => section_addr(img, sec).unwrap() + value,
        (None, Some(v)) => v,
        (None, None) => res[r.sym.as_str()],
    }
}

/// A `_DS` relocation on a DQ-form instruction (`lxv`) keeps four opcode
/// bits and needs a multiple of 16; the same value on a DS form (`ld`)
/// needs a multiple of 4.
#[rstest]
#[case::lxv_16(0xf440_0009, 16, true)] // lxv vs34,0(0): TX=1, XO=1
#[case::lxv_8(0xf440_0009, 8, false)]
#[case::stxv_32(0xf440_000d, 32, true)] // stxv vs34: XO=5
#[case::ld_8(LD3, 8, true)]
#[case::ld_2(LD3, 2, false)]
fn dq_form_alignment(#[case] insn: u32, #[case] v: u64, #[case] ok: bool) {
    let res = resolver();
    let obj = one_reloc(57, insn, v); // ADDR16_LO_DS against an absolute
    match try_link(&obj, &res) {
        Ok(img) if ok => {
            check_image(&obj, &img, &res);
        }
        r if !ok => expect_overflow(r, "R_PPC64_ADDR16_LO_DS", "not a multiple of"),
        Ok(_) => unreachable!(),
        Err(e) => panic!("{e}"),
    }
}
