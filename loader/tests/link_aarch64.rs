//! AArch64 relocations, proven without executing anything:
//!
//! 1. clang-compiled kernels linked at a fixed base: every patched field is
//!    decoded by the small instruction decoder below (independent of the
//!    engine's `Field` tables) and compared with the aaelf64 formula.
//! 2. The same objects linked by `ld.lld-19 --no-relax` at our section
//!    addresses: same bytes, or the same final target where lld uses its
//!    own GOT and thunks.
//! 3. Synthetic objects (`object::write`) at the edges of every checked
//!    range and alignment.
//! 4. Unknown and refused relocation types.

use loader::link::{link, LinkOptions, LinkedImage, RelocRecord, TargetDesc};
use loader::{Arch, Compiler, Cpu, Error, Language};
use object::{Object as _, ObjectSection as _, ObjectSymbol as _};
use rstest::rstest;
use std::collections::{BTreeMap, BTreeSet, HashMap};
#[path = "support/synthetic.rs"]
mod synthetic;
use synthetic::{At, Synthetic};

const BASE: u64 = 0x4000_0000;

/// A function within `bl` reach of the image (direct call).
const NEAR_FN: u64 = BASE + 0x0100_0000;
/// Data close enough for 32-bit absolute and place-relative words.
const NEAR_DATA: u64 = BASE + 0x0200_0000;

/// Externals the kernels use: `ext_fn` near, libm and `memcpy` far away
/// (calls through a veneer), data near and far (always through the GOT).
fn resolver() -> HashMap<&'static str, u64> {
    [
        ("ext_fn", NEAR_FN),
        ("ext_data", NEAR_DATA),
        ("ext_arr", NEAR_DATA + 0x1000),
        ("ext_scale", 0x7fff_2000_0008),
        ("sin", 0x7fff_0000_1000),
        ("cos", 0x7fff_0000_2000),
        ("memcpy", 0x7ffe_1234_5670),
        ("memset", BASE - 0x0100_0000),
        ("small16", 0x1234),
        ("small32", 0x1234_5678),
        ("small48", 0x1234_5678_9abc),
        ("gd", NEAR_DATA + 0x2010),
    ]
    .into()
}

// ---- Kernels -------------------------------------------------------------

/// Calls (near, far, tail), extern data through the GOT, a jump table, a
/// relative string table, statics of every access width, constant pools.
const K_MAIN: &str = r#"
extern double ext_scale;
extern int ext_arr[];
extern void ext_fn(int);
static int counter;
static char c8; static short s16; static long l64; static __int128 q128;
typedef float v4 __attribute__((vector_size(16)));
static v4 vsum;
static const char *names[] = {"a", "bb", "ccc"};
double k(double *x, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) s += __builtin_sin(x[i]) * ext_scale;
    counter++;
    return s + names[n & 1][0] + __builtin_cos(s);
}
int sw(int x) {
    switch (x) { case 0: return 3; case 1: return 7; case 2: return 9; case 3: return 1;
                 case 4: return 44; case 5: return 8; default: return -1; }
}
int ld(int i) { return c8 + s16 + (int)l64 + (int)q128 + ext_arr[i] + counter; }
void st(int v) { c8 = v; s16 = v; l64 = v; q128 = v; }
double cst(double x) { return x * 1.2345 + 6.789; }
v4 vc(v4 x) { v4 k = {1.5f, 2.5f, 3.5f, 4.5f}; vsum += x; return x * k + vsum; }
void cp(char *d, const char *s, long n) { __builtin_memcpy(d, s, n); __builtin_memset(d, 0, 3); ext_fn(3); }
void tail(int x) { ext_fn(x + 1); }
double tail_far(double x) { return __builtin_sin(x); }
"#;

/// Kinds clang emits only for hand-written assembly: checked `movz` groups,
/// `adr`, literal loads, test/conditional branches to a symbol, and data
/// words of every width.
const K_ASM: &str = r#"
int helper(int x);
int br(int x) {
    int r = x;
    __asm__ volatile(
        "tbz %w0, #2, helper\n\t"
        "cbz %w0, helper\n\t"
        "b.eq helper\n\t"
        "movz x9, #:abs_g0:small16\n\t"
        "movz x9, #:abs_g1:small32\n\t"
        "movz x9, #:abs_g2:small48\n\t"
        "adr x9, helper\n\t"
        "ldr x9, helper\n\t"
        "adrp x9, :pg_hi21_nc:helper\n\t"
        "add x9, x9, :lo12:helper\n\t"
        : "+r"(r) :: "x9", "cc");
    return r;
}
int helper(int x) { return x * 3; }
__asm__(".section .text.words,\"ax\",@progbits\n"
        ".globl words\nwords:\n"
        " .hword helper - .\n .hword small16\n .p2align 2\n"
        ".data\n.globl dat\ndat:\n"
        " .word ext_data\n .word ext_data - .\n .xword ext_data - .\n .xword ext_data + 8\n"
        ".text\n");
"#;

/// LLVM IR: a pointer table (ABS64), truncated and place-relative constant
/// expressions (ABS32, PREL64), a relative function pointer (PLT32) and a
/// relative GOT-equivalent (GOTPCREL32), extern data, a near call and a far
/// tail call;
/// no `nounwind`, so `.eh_frame` comes with its PREL32s.
const K_IR: &str = r#"
@gd = external global i32
@tab = global [3 x ptr] [ptr @gd, ptr @f, ptr null]
@a32 = global i32 ptrtoint (ptr @gd to i32)
@r64 = global i64 sub (i64 ptrtoint (ptr @ext_data to i64), i64 ptrtoint (ptr @r64 to i64))
@ext_data = external global i32
@rel_fn = constant i32 trunc (i64 sub (i64 ptrtoint (ptr dso_local_equivalent @ext_fn to i64), i64 ptrtoint (ptr @rel_fn to i64)) to i32)
@ext_data.got = private unnamed_addr constant ptr @ext_data
@rel_got = constant i32 trunc (i64 sub (i64 ptrtoint (ptr @ext_data.got to i64), i64 ptrtoint (ptr @rel_got to i64)) to i32)
declare double @cos(double)
declare void @ext_fn(i32)
define double @f(ptr %p, i32 %n) {
entry:
  %v = load i32, ptr @gd
  call void @ext_fn(i32 %v)
  %x = load double, ptr %p
  %c = call double @cos(double %x)
  ret double %c
}
define void @vadd(ptr noalias %a, ptr noalias %b, i64 %n) {
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %pa = getelementptr float, ptr %a, i64 %i
  %pb = getelementptr float, ptr %b, i64 %i
  %va = load float, ptr %pa
  %vb = load float, ptr %pb
  %s = fadd float %va, %vb
  store float %s, ptr %pa
  %i1 = add i64 %i, 1
  %done = icmp eq i64 %i1, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}
"#;

fn compile(src: &str, lang: Language, opt: &str, extra: &[&str]) -> Vec<u8> {
    let mut c = Compiler::new(Arch::Aarch64).expect("clang");
    c.cpu = Cpu::Baseline;
    c.opt_level = opt.into();
    for flag in extra {
        // A CPU goes through the compiler's own setting.
        match flag.strip_prefix("-mcpu=") {
            Some(cpu) => c.cpu = Cpu::Named(cpu.into()),
            None => c.extra_flags.push(flag.to_string()),
        }
    }
    c.compile(src, lang)
        .unwrap_or_else(|e| panic!("clang failed: {e}"))
}

fn link_at_base(obj: &[u8]) -> LinkedImage {
    link(
        obj,
        Arch::Aarch64,
        BASE,
        &resolver(),
        &LinkOptions::default(),
    )
    .unwrap_or_else(|e| panic!("link failed: {e}"))
}

// ---- An independent AArch64 decoder --------------------------------------

fn sext(v: u64, bits: u32) -> i64 {
    let s = 64 - bits;
    ((v << s) as i64) >> s
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Insn {
    /// `b` / `bl`: byte offset.
    B {
        link: bool,
        off: i64,
    },
    /// `b.cond`, `cbz`, `cbnz`.
    CondBr {
        off: i64,
    },
    /// `tbz`, `tbnz`.
    TestBr {
        off: i64,
    },
    /// `ldr` (literal): byte offset, and whether it is `ldr Xt`.
    LdrLit {
        off: i64,
        rt: u32,
        x: bool,
    },
    Adr {
        off: i64,
    },
    /// `adrp`: the page delta in bytes.
    Adrp {
        delta: i64,
        rd: u32,
    },
    AddImm {
        imm: u64,
        shifted: bool,
        rn: u32,
        rd: u32,
    },
    /// Load/store with a scaled unsigned 12-bit offset: log2 of the access
    /// size, from the size/opc bits.
    LdSt {
        imm12: u64,
        scale: u32,
        rn: u32,
        rt: u32,
    },
    /// `movn`/`movz`/`movk`.
    Mov {
        opc: u32,
        hw: u32,
        imm16: u64,
    },
    Br {
        rn: u32,
    },
    Other,
}

fn decode(w: u32) -> Insn {
    let bits = |hi: u32, lo: u32| u64::from((w >> lo) & ((1u32 << (hi - lo + 1)) - 1));
    if w & 0x7c00_0000 == 0x1400_0000 {
        Insn::B {
            link: w >> 31 == 1,
            off: sext(bits(25, 0), 26) * 4,
        }
    } else if w & 0xff00_0010 == 0x5400_0000 || w & 0x7e00_0000 == 0x3400_0000 {
        Insn::CondBr {
            off: sext(bits(23, 5), 19) * 4,
        }
    } else if w & 0x7e00_0000 == 0x3600_0000 {
        Insn::TestBr {
            off: sext(bits(18, 5), 14) * 4,
        }
    } else if w & 0x3b00_0000 == 0x1800_0000 {
        Insn::LdrLit {
            off: sext(bits(23, 5), 19) * 4,
            rt: bits(4, 0) as u32,
            x: w & 0xff00_0000 == 0x5800_0000,
        }
    } else if w & 0x1f00_0000 == 0x1000_0000 {
        let imm = sext((bits(23, 5) << 2) | bits(30, 29), 21);
        if w >> 31 == 0 {
            Insn::Adr { off: imm }
        } else {
            Insn::Adrp {
                delta: imm * 4096,
                rd: bits(4, 0) as u32,
            }
        }
    } else if w & 0x7f80_0000 == 0x1100_0000 {
        Insn::AddImm {
            imm: bits(21, 10),
            shifted: bits(22, 22) == 1,
            rn: bits(9, 5) as u32,
            rd: bits(4, 0) as u32,
        }
    } else if w & 0x3b00_0000 == 0x3900_0000 {
        let size = bits(31, 30) as u32;
        let simd = bits(26, 26) == 1;
        let opc_hi = bits(23, 23) == 1;
        Insn::LdSt {
            imm12: bits(21, 10),
            scale: if simd && opc_hi && size == 0 { 4 } else { size },
            rn: bits(9, 5) as u32,
            rt: bits(4, 0) as u32,
        }
    } else if w & 0x1f80_0000 == 0x1280_0000 {
        Insn::Mov {
            opc: bits(30, 29) as u32,
            hw: bits(22, 21) as u32,
            imm16: bits(20, 5),
        }
    } else if w & 0xffff_fc1f == 0xd61f_0000 {
        Insn::Br {
            rn: bits(9, 5) as u32,
        }
    } else {
        Insn::Other
    }
}

#[test]
fn decoder_knows_the_encodings() {
    // Hand-assembled (llvm-mc) words.
    assert_eq!(decode(0x9400_0001), Insn::B { link: true, off: 4 });
    assert_eq!(
        decode(0x17ff_ffff),
        Insn::B {
            link: false,
            off: -4
        }
    );
    assert_eq!(decode(0x5400_0040), Insn::CondBr { off: 8 }); // b.eq .+8
    assert_eq!(decode(0x3400_0040), Insn::CondBr { off: 8 }); // cbz w0, .+8
    assert_eq!(decode(0x3610_0040), Insn::TestBr { off: 8 }); // tbz w0, #2, .+8
    assert_eq!(
        decode(0xb000_0008),
        Insn::Adrp {
            delta: 0x1000,
            rd: 8
        }
    ); // adrp x8, .+4096
    assert_eq!(decode(0x3000_0008), Insn::Adr { off: 1 }); // adr x8, .+1
    assert_eq!(
        decode(0x5800_0050),
        Insn::LdrLit {
            off: 8,
            rt: 16,
            x: true
        }
    ); // ldr x16, .+8
    assert_eq!(
        decode(0x3dc0_0101),
        Insn::LdSt {
            imm12: 0,
            scale: 4,
            rn: 8,
            rt: 1
        }
    ); // ldr q1, [x8]
    assert_eq!(
        decode(0xfd40_0522),
        Insn::LdSt {
            imm12: 1,
            scale: 3,
            rn: 9,
            rt: 2
        }
    ); // ldr d2, [x9, #8]
    assert_eq!(
        decode(0x79c0_0129),
        Insn::LdSt {
            imm12: 0,
            scale: 1,
            rn: 9,
            rt: 9
        }
    ); // ldrsh w9, [x9]
    assert_eq!(
        decode(0xd2a2_4689),
        Insn::Mov {
            opc: 2,
            hw: 1,
            imm16: 0x1234
        }
    ); // movz x9, #0x1234, lsl #16
    assert_eq!(decode(0xd61f_0200), Insn::Br { rn: 16 });
    assert_eq!(
        decode(0x9100_414a),
        Insn::AddImm {
            imm: 16,
            shifted: false,
            rn: 10,
            rd: 10
        }
    ); // add x10, x10, #16
}

// ---- Memory views -----------------------------------------------------------

/// Reading a linked image (ours or lld's) by address.
trait Mem {
    fn read(&self, addr: u64, len: usize) -> Option<&[u8]>;
    fn u32(&self, addr: u64) -> u32 {
        u32::from_le_bytes(
            self.read(addr, 4)
                .expect("address in image")
                .try_into()
                .unwrap(),
        )
    }
    fn u64(&self, addr: u64) -> u64 {
        u64::from_le_bytes(
            self.read(addr, 8)
                .expect("address in image")
                .try_into()
                .unwrap(),
        )
    }
}

impl Mem for LinkedImage {
    fn read(&self, addr: u64, len: usize) -> Option<&[u8]> {
        self.bytes_at(addr, len)
    }
}

/// lld's output: its allocated sections by address.
struct Sections(Vec<(u64, Vec<u8>)>);

impl Mem for Sections {
    fn read(&self, addr: u64, len: usize) -> Option<&[u8]> {
        self.0.iter().find_map(|(start, data)| {
            let off = usize::try_from(addr.checked_sub(*start)?).ok()?;
            data.get(off..off.checked_add(len)?)
        })
    }
}

/// The final destination of a branch landing at `at`: `at` itself, or the
/// target of the veneer found there. Knows our stub (adrp/ldr/br through
/// the GOT) and lld's thunks (ldr literal/br, adrp/add/br).
fn follow(mem: &dyn Mem, at: u64) -> u64 {
    let w = |i: u64| decode(mem.u32(at + 4 * i));
    match (w(0), w(1), w(2)) {
        (
            Insn::Adrp { delta, rd: 16 },
            Insn::LdSt {
                imm12,
                scale: 3,
                rn: 16,
                rt: 16,
            },
            Insn::Br { rn: 16 },
        ) => mem.u64(((at & !0xfff) as i64 + delta) as u64 + (imm12 << 3)),
        (
            Insn::Adrp { delta, rd: 16 },
            Insn::AddImm {
                imm,
                shifted: false,
                rn: 16,
                rd: 16,
            },
            Insn::Br { rn: 16 },
        ) => ((at & !0xfff) as i64 + delta) as u64 + imm,
        (
            Insn::LdrLit {
                off,
                rt: 16,
                x: true,
            },
            Insn::Br { rn: 16 },
            _,
        ) => mem.u64((at as i64 + off) as u64),
        _ => at,
    }
}

// ---- Symbol and section addresses, found without the engine's layout ------

/// Addresses of the object's symbols and sections in a linked image.
struct Addresses {
    symbols: HashMap<String, u64>,
    sections: HashMap<String, u64>,
}

impl Addresses {
    /// Each section's address from, in turn: a symbol defined in it (the
    /// image's symbol list), a relocation patching it (`place - offset`),
    /// or the one place in the image holding its exact contents.
    fn find(obj: &[u8], img: &LinkedImage) -> Addresses {
        let file = object::File::parse(obj).unwrap();
        let mut by_name: HashMap<&str, Vec<u64>> = HashMap::new();
        for s in &img.output.symbols {
            by_name.entry(&s.name).or_default().push(s.address);
        }
        let mut sections = HashMap::new();
        for sym in file.symbols() {
            let (Some(idx), Ok(name)) = (sym.section_index(), sym.name()) else {
                continue;
            };
            if sym.kind() == object::SymbolKind::Section || name.is_empty() {
                continue;
            }
            if let Some([addr]) = by_name.get(name).map(Vec::as_slice) {
                let sec = file.section_by_index(idx).unwrap();
                sections.insert(sec.name().unwrap().to_string(), addr - sym.address());
            }
        }
        for r in &img.output.log {
            sections
                .entry(r.section.clone())
                .or_insert(r.place - r.offset);
        }
        for sec in file.sections() {
            let name = sec.name().unwrap();
            let alloc = matches!(sec.flags(), object::SectionFlags::Elf { sh_flags }
                if sh_flags & u64::from(object::elf::SHF_ALLOC) != 0);
            if !alloc || sec.size() == 0 || sections.contains_key(name) {
                continue;
            }
            let data = sec.data().unwrap();
            if data.len() < 8 {
                continue;
            }
            let align = sec.align().max(1) as usize;
            let hits: Vec<usize> = (0..img.bytes.len().saturating_sub(data.len()))
                .step_by(align)
                .filter(|&o| &img.bytes[o..o + data.len()] == data)
                .collect();
            if let [o] = hits[..] {
                sections.insert(name.to_string(), img.base + o as u64);
            }
        }
        let mut symbols: HashMap<String, u64> = resolver()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        for (name, addrs) in by_name {
            if let [a] = addrs[..] {
                symbols.insert(name.to_string(), a);
            }
        }
        Addresses { symbols, sections }
    }

    /// `S` of a relocation: its symbol, or its section for section symbols.
    fn of(&self, name: &str) -> u64 {
        self.symbols
            .get(name)
            .or_else(|| self.sections.get(name))
            .copied()
            .unwrap_or_else(|| panic!("no address found for `{name}`"))
    }
}

// ---- The psABI formulas, checked on decoded fields -------------------------

const fn page(a: u64) -> u64 {
    a & !0xfff
}

/// GOT slot evidence per symbol: the page from `adrp`, the low bits from the
/// `ldr`, and whole addresses from literal loads.
#[derive(Default)]
struct GotUses {
    pages: BTreeMap<String, BTreeSet<u64>>,
    lo12: BTreeMap<String, BTreeSet<u64>>,
    whole: BTreeMap<String, BTreeSet<u64>>,
}

impl GotUses {
    /// The slot of each symbol, one per symbol whatever instruction reaches it.
    fn slots(&self) -> BTreeMap<String, u64> {
        let mut out = BTreeMap::new();
        let names: BTreeSet<&String> = self
            .pages
            .keys()
            .chain(self.lo12.keys())
            .chain(self.whole.keys())
            .collect();
        for name in names {
            let mut candidates = BTreeSet::new();
            if let (Some(p), Some(l)) = (self.pages.get(name), self.lo12.get(name)) {
                assert_eq!(
                    (p.len(), l.len()),
                    (1, 1),
                    "{name}: one GOT slot per symbol"
                );
                candidates.insert(p.first().unwrap() | l.first().unwrap());
            } else {
                assert!(
                    !self.pages.contains_key(name) && !self.lo12.contains_key(name),
                    "{name}: adrp and ldr of a GOT access come together"
                );
            }
            candidates.extend(self.whole.get(name).into_iter().flatten());
            assert_eq!(candidates.len(), 1, "{name}: one GOT slot per symbol");
            out.insert(name.clone(), *candidates.first().unwrap());
        }
        out
    }
}

fn scale_of(type_name: &str) -> Option<u32> {
    Some(match type_name {
        "R_AARCH64_LDST8_ABS_LO12_NC" => 0,
        "R_AARCH64_LDST16_ABS_LO12_NC" => 1,
        "R_AARCH64_LDST32_ABS_LO12_NC" => 2,
        "R_AARCH64_LDST64_ABS_LO12_NC" | "R_AARCH64_LD64_GOT_LO12_NC" => 3,
        "R_AARCH64_LDST128_ABS_LO12_NC" => 4,
        _ => return None,
    })
}

fn movw_group(type_name: &str) -> Option<u32> {
    let g = type_name.strip_prefix("R_AARCH64_MOVW_UABS_G")?;
    g[..1].parse().ok()
}

/// Checks one relocation of `mem` against the psABI formula with `S`
/// from `addrs`. GOT kinds only record what they reach (see [`GotUses`]).
fn check_record(r: &RelocRecord, mem: &dyn Mem, addrs: &Addresses, got: &mut GotUses) {
    let t = r.type_name;
    if t == "R_AARCH64_NONE" {
        return;
    }
    let s = addrs.of(&r.symbol);
    let sa = s.wrapping_add(r.addend as u64);
    let p = r.place;
    let pc_rel = sa.wrapping_sub(p) as i64;
    let at = format!("{r}");
    let data = |n: usize| {
        let b = mem.read(p, n).unwrap();
        let mut v = [0u8; 8];
        v[..n].copy_from_slice(b);
        u64::from_le_bytes(v)
    };
    let mask = |n: u32| if n == 64 { u64::MAX } else { (1u64 << n) - 1 };
    // Data words may end a section: decode only what is there.
    let insn = mem.read(p, 4).map_or(Insn::Other, |b| {
        decode(u32::from_le_bytes(b.try_into().unwrap()))
    });
    match t {
        "R_AARCH64_CALL26" | "R_AARCH64_JUMP26" => {
            let Insn::B { link, off } = insn else {
                panic!("{at}: not a branch: {insn:?}")
            };
            assert_eq!(
                link,
                t == "R_AARCH64_CALL26",
                "{at}: bl for CALL26, b for JUMP26"
            );
            let dest = (p as i64 + off) as u64;
            if dest != sa {
                // Through a veneer: only when the symbol is out of reach.
                assert!(
                    !(-(1 << 27)..1 << 27).contains(&pc_rel),
                    "{at}: veneer used for a target in reach"
                );
                assert!(matches!(r.target, TargetDesc::Stub(_)), "{at}");
                assert_eq!(follow(mem, dest), sa, "{at}: veneer reaches the symbol");
            }
        }
        "R_AARCH64_CONDBR19" => {
            let Insn::CondBr { off } = insn else {
                panic!("{at}: {insn:?}")
            };
            assert_eq!(off, pc_rel, "{at}");
        }
        "R_AARCH64_TSTBR14" => {
            let Insn::TestBr { off } = insn else {
                panic!("{at}: {insn:?}")
            };
            assert_eq!(off, pc_rel, "{at}");
        }
        "R_AARCH64_LD_PREL_LO19" => {
            let Insn::LdrLit { off, .. } = insn else {
                panic!("{at}: {insn:?}")
            };
            assert_eq!(off, pc_rel, "{at}");
        }
        "R_AARCH64_ADR_PREL_LO21" => {
            let Insn::Adr { off } = insn else {
                panic!("{at}: {insn:?}")
            };
            assert_eq!(off, pc_rel, "{at}");
        }
        "R_AARCH64_ADR_PREL_PG_HI21" | "R_AARCH64_ADR_PREL_PG_HI21_NC" => {
            let Insn::Adrp { delta, .. } = insn else {
                panic!("{at}: {insn:?}")
            };
            assert_eq!(delta, page(sa).wrapping_sub(page(p)) as i64, "{at}");
        }
        "R_AARCH64_ADD_ABS_LO12_NC" => {
            let Insn::AddImm {
                imm,
                shifted: false,
                ..
            } = insn
            else {
                panic!("{at}: {insn:?}")
            };
            assert_eq!(imm, sa & 0xfff, "{at}");
        }
        "R_AARCH64_ADR_GOT_PAGE" => {
            let Insn::Adrp { delta, .. } = insn else {
                panic!("{at}: {insn:?}")
            };
            assert_eq!(r.addend, 0, "{at}");
            got.pages
                .entry(r.symbol.clone())
                .or_default()
                .insert((page(p) as i64 + delta) as u64);
        }
        "R_AARCH64_PLT32" => {
            let dest = p.wrapping_add(sext(data(4), 32) as u64);
            if dest != sa {
                assert!(
                    i32::try_from(pc_rel).is_err(),
                    "{at}: veneer used for a target in reach"
                );
                assert!(matches!(r.target, TargetDesc::Stub(_)), "{at}");
                assert_eq!(follow(mem, dest), sa, "{at}: veneer reaches the symbol");
            }
        }
        "R_AARCH64_GOTPCREL32" => {
            got.whole.entry(r.symbol.clone()).or_default().insert(
                p.wrapping_add(sext(data(4), 32) as u64)
                    .wrapping_sub(r.addend as u64),
            );
        }
        "R_AARCH64_GOT_LD_PREL19" => {
            let Insn::LdrLit { off, x: true, .. } = insn else {
                panic!("{at}: {insn:?}")
            };
            assert_eq!(r.addend, 0, "{at}");
            got.whole
                .entry(r.symbol.clone())
                .or_default()
                .insert((p as i64 + off) as u64);
        }
        _ if scale_of(t).is_some() => {
            let Insn::LdSt { imm12, scale, .. } = insn else {
                panic!("{at}: {insn:?}")
            };
            assert_eq!(
                Some(scale),
                scale_of(t),
                "{at}: access size of the instruction"
            );
            if t == "R_AARCH64_LD64_GOT_LO12_NC" {
                got.lo12
                    .entry(r.symbol.clone())
                    .or_default()
                    .insert(imm12 << 3);
            } else {
                assert_eq!(imm12 << scale, sa & 0xfff, "{at}");
            }
        }
        _ if movw_group(t).is_some() => {
            let Insn::Mov { hw, imm16, .. } = insn else {
                panic!("{at}: {insn:?}")
            };
            let g = movw_group(t).unwrap();
            assert_eq!(hw, g, "{at}: the instruction's shift matches the group");
            assert_eq!(imm16, (sa >> (16 * g)) & 0xffff, "{at}");
        }
        "R_AARCH64_ABS64" => assert_eq!(data(8), sa, "{at}"),
        "R_AARCH64_ABS32" => assert_eq!(data(4), sa & mask(32), "{at}"),
        "R_AARCH64_ABS16" => assert_eq!(data(2), sa & mask(16), "{at}"),
        "R_AARCH64_PREL64" => assert_eq!(data(8), pc_rel as u64, "{at}"),
        "R_AARCH64_PREL32" => assert_eq!(data(4), pc_rel as u64 & mask(32), "{at}"),
        "R_AARCH64_PREL16" => assert_eq!(data(2), pc_rel as u64 & mask(16), "{at}"),
        _ => panic!("{at}: the test has no formula for {t}"),
    }
}

/// Checks every record of the image; returns the kinds seen.
fn check_image(obj: &[u8], img: &LinkedImage) -> BTreeSet<&'static str> {
    let addrs = Addresses::find(obj, img);
    let mut got = GotUses::default();
    for r in &img.output.log {
        check_record(r, img, &addrs, &mut got);
    }
    for (name, slot) in got.slots() {
        assert_eq!(slot % 8, 0, "{name}: GOT slot aligned");
        assert_eq!(
            img.u64(slot),
            addrs.of(&name),
            "GOT slot of {name} holds its address"
        );
        let seg = img
            .output
            .segments
            .iter()
            .find(|s| (s.offset..s.offset + s.len).contains(&(slot - img.base)))
            .expect("GOT slot in a segment");
        assert_eq!(seg.protection, loader::link::Protection::ReadOnly, "{name}");
    }
    // Veneers are shared: one per symbol, whichever call reaches it.
    let mut stubs: BTreeMap<&str, BTreeSet<u64>> = BTreeMap::new();
    for r in &img.output.log {
        if let TargetDesc::Stub(name) = &r.target {
            let off = match (r.type_name, decode(img.u32(r.place))) {
                ("R_AARCH64_PLT32", _) => i64::from(img.u32(r.place) as i32),
                (_, Insn::B { off, .. }) => off,
                (_, other) => panic!("{r}: {other:?}"),
            };
            stubs
                .entry(name)
                .or_default()
                .insert((r.place as i64 + off) as u64);
        }
    }
    for (name, at) in &stubs {
        assert_eq!(at.len(), 1, "{name}: one veneer per symbol, got {at:x?}");
    }
    img.output.log.iter().map(|r| r.type_name).collect()
}

// ---- 1. Fixed-base bit-field tests -----------------------------------------

/// Kernel, language, optimisation level, extra flags.
type Case = (
    &'static str,
    Language,
    &'static str,
    &'static [&'static str],
);

const LARGE: &[&str] = &["-mcmodel=large", "-fno-pic"];
const TINY: &[&str] = &["-mcmodel=tiny"];

fn cases() -> Vec<Case> {
    let mut v = Vec::new();
    for opt in ["0", "1", "2", "3", "s"] {
        v.push((K_MAIN, Language::C, opt, &[][..]));
    }
    for opt in ["0", "2"] {
        v.push((K_MAIN, Language::C, opt, TINY));
        v.push((K_MAIN, Language::C, opt, LARGE));
        v.push((K_IR, Language::Ir, opt, &[][..]));
    }
    v.push((K_IR, Language::Ir, "2", TINY));
    v.push((K_IR, Language::Ir, "2", LARGE));
    v.push((K_ASM, Language::C, "2", &[][..]));
    v.push((K_ASM, Language::C, "0", &[][..]));
    v.push((K_MAIN, Language::C, "3", &["-mcpu=cortex-a72"][..]));
    v
}

#[rstest]
#[case::main_o0(0)]
#[case::main_o1(1)]
#[case::main_o2(2)]
#[case::main_o3(3)]
#[case::main_os(4)]
#[case::main_tiny_o0(5)]
#[case::main_large_o0(6)]
#[case::ir_o0(7)]
#[case::main_tiny_o2(8)]
#[case::main_large_o2(9)]
#[case::ir_o2(10)]
#[case::ir_tiny(11)]
#[case::ir_large(12)]
#[case::asm_o2(13)]
#[case::asm_o0(14)]
#[case::main_cortex_a72(15)]
fn fields_match_the_psabi_formulas(#[case] index: usize) {
    let (src, lang, opt, extra) = cases()[index];
    let obj = compile(src, lang, opt, extra);
    let img = link_at_base(&obj);
    for r in &img.output.log {
        println!("{r}");
    }
    let kinds = check_image(&obj, &img);
    assert!(!kinds.is_empty());
    // Calls to the far libm/memcpy symbols go through veneers, calls to the
    // near one do not.
    for r in &img.output.log {
        if matches!(r.type_name, "R_AARCH64_CALL26" | "R_AARCH64_JUMP26") {
            let far = matches!(r.symbol.as_str(), "sin" | "cos" | "memcpy");
            assert_eq!(matches!(r.target, TargetDesc::Stub(_)), far, "{r}");
        }
    }
}

#[test]
fn every_claimed_kind_is_exercised_by_a_clang_kernel() {
    let claimed: BTreeSet<&str> = (0..2048)
        .filter_map(|t| Arch::Aarch64.reloc_name(t))
        .filter(|&n| n != "R_AARCH64_NONE")
        .collect();
    let mut seen = BTreeSet::new();
    for (src, lang, opt, extra) in cases() {
        let obj = compile(src, lang, opt, extra);
        seen.extend(check_image(&obj, &link_at_base(&obj)));
    }
    let missing: Vec<_> = claimed.difference(&seen).collect();
    assert!(missing.is_empty(), "never exercised: {missing:?}");
    let unclaimed: Vec<_> = seen.difference(&claimed).collect();
    assert!(
        unclaimed.is_empty(),
        "seen but not in the table: {unclaimed:?}"
    );
}

#[test]
fn veneer_is_adrp_ldr_br_through_the_got_slot() {
    let obj = compile(K_MAIN, Language::C, "2", &[]);
    let img = link_at_base(&obj);
    let r = img
        .output
        .log
        .iter()
        .find(|r| r.target == TargetDesc::Stub("sin".into()))
        .expect("a call to sin through its veneer");
    let Insn::B { off, .. } = decode(img.u32(r.place)) else {
        panic!()
    };
    let stub = (r.place as i64 + off) as u64;
    assert_eq!(stub % 16, 0);
    let words: Vec<u32> = (0..4).map(|i| img.u32(stub + 4 * i)).collect();
    let Insn::Adrp { delta, rd: 16 } = decode(words[0]) else {
        panic!("{words:x?}")
    };
    let Insn::LdSt {
        imm12,
        scale: 3,
        rn: 16,
        rt: 16,
    } = decode(words[1])
    else {
        panic!("{words:x?}")
    };
    assert_eq!(words[2], 0xd61f_0200, "br x16");
    assert_eq!(words[3], 0xd420_0000, "brk #0 padding");
    let slot = (page(stub) as i64 + delta) as u64 + (imm12 << 3);
    assert!(slot > stub, "the GOT follows the code");
    assert_eq!(img.u64(slot), resolver()["sin"]);
}

// ---- 2. Differential check against ld.lld-19 ---------------------------------

fn lld_link(obj: &[u8], img: &LinkedImage, tag: &str) -> Sections {
    let file = object::File::parse(obj).unwrap();
    let addrs = Addresses::find(obj, img);
    let dir = std::env::temp_dir().join(format!("loader-a64-lld-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let obj_path = dir.join("k.o");
    std::fs::write(&obj_path, obj).unwrap();
    // One output section per input section, at the address we gave it; lld's
    // own .got after our image (it never overlaps ours).
    let mut script = String::from("SECTIONS {\n");
    for sec in file.sections() {
        let name = sec.name().unwrap();
        let alloc = matches!(sec.flags(), object::SectionFlags::Elf { sh_flags }
            if sh_flags & u64::from(object::elf::SHF_ALLOC) != 0);
        if !alloc || sec.size() == 0 {
            continue;
        }
        let addr = addrs
            .sections
            .get(name)
            .unwrap_or_else(|| panic!("{tag}: address of section {name} not found"));
        script += &format!("  {name} {addr:#x} : {{ *({name}) }}\n");
    }
    let got = img.base + img.bytes.len() as u64 + 0x10000;
    script += &format!("  .got {got:#x} : {{ *(.got) }}\n  .got.plt : {{ *(.got.plt) }}\n}}\n");
    let script_path = dir.join("link.ld");
    std::fs::write(&script_path, &script).unwrap();
    let out_path = dir.join("k.elf");
    let mut cmd = std::process::Command::new("ld.lld-19");
    // -O0: lld would otherwise merge SHF_MERGE sections (.rodata.cst8, ...)
    // and lay their pieces out in hash order; unmerged, each keeps its offsets.
    cmd.args([
        "-O0",
        "--no-relax",
        // Our read-only data and lld's .got are not one relro run.
        "-z",
        "norelro",
        "-static",
        "--no-dynamic-linker",
        "-e",
        "0",
        "-T",
    ])
    .arg(&script_path)
    .arg("-o")
    .arg(&out_path)
    .arg(&obj_path);
    for (name, addr) in resolver() {
        cmd.arg(format!("--defsym={name}={addr:#x}"));
    }
    let out = cmd.output().expect("ld.lld-19 runs");
    assert!(
        out.status.success(),
        "{tag}: ld.lld-19 failed:\n{}\n{script}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&out_path).unwrap();
    let exe = object::File::parse(&*bytes).unwrap();
    // Layouts agree: every symbol of ours is where lld put it.
    for sym in exe.symbols() {
        let name = sym.name().unwrap();
        if sym.is_definition() && !name.is_empty() && sym.kind() != object::SymbolKind::Section {
            if let Some(ours) = img.output.symbols.iter().find(|s| s.name == name) {
                assert_eq!(ours.address, sym.address(), "{tag}: address of {name}");
            }
        }
    }
    let sections = exe
        .sections()
        .filter(|s| s.address() != 0)
        .map(|s| {
            let data = match s.data() {
                Ok(d) if !d.is_empty() => d.to_vec(),
                _ => vec![0; s.size() as usize], // .bss
            };
            (s.address(), data)
        })
        .collect();
    if std::env::var_os("A64_KEEP_LLD").is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Sections(sections)
}

/// Every kernel case of the fixed-base test.
#[rstest]
fn same_result_as_lld(
    #[values(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)] index: usize,
) {
    let (src, lang, opt, extra) = cases()[index];
    let obj = compile(src, lang, opt, extra);
    let img = link_at_base(&obj);
    let lld = lld_link(&obj, &img, &format!("case{index}"));
    let addrs = Addresses::find(&obj, &img);
    let mut got_ours = GotUses::default();
    let mut got_lld = GotUses::default();
    let mut compared = 0;
    for r in &img.output.log {
        // lld's result must satisfy the same formulas...
        check_record(r, &lld, &addrs, &mut got_lld);
        check_record(r, &img, &addrs, &mut got_ours);
        // ...and be the same bytes, except where lld legitimately differs:
        // - GOT kinds: lld's .got is elsewhere (we compare slot contents
        //   below);
        // - branches through a veneer: lld's thunk is its own (same final
        //   target, checked by `follow` in check_record);
        let theirs = lld
            .read(r.place, r.after.len())
            .expect("place in lld output");
        let got_kind = matches!(
            r.type_name,
            "R_AARCH64_ADR_GOT_PAGE"
                | "R_AARCH64_LD64_GOT_LO12_NC"
                | "R_AARCH64_GOT_LD_PREL19"
                | "R_AARCH64_GOTPCREL32"
        );
        let veneer = matches!(r.target, TargetDesc::Stub(_));
        if got_kind || veneer {
            if veneer {
                let dest = |m: &dyn Mem| {
                    let Insn::B { off, .. } = decode(m.u32(r.place)) else {
                        panic!("{r}")
                    };
                    follow(m, (r.place as i64 + off) as u64)
                };
                assert_eq!(dest(&img), dest(&lld), "{r}: same final target");
            }
            continue;
        }
        assert_eq!(r.after, theirs, "{r}: lld wrote other bytes");
        compared += 1;
    }
    assert!(compared > 0);
    println!(
        "{compared} of {} relocations byte-identical to lld, the rest same target",
        img.output.log.len()
    );
    let (ours, theirs) = (got_ours.slots(), got_lld.slots());
    assert_eq!(
        ours.keys().collect::<Vec<_>>(),
        theirs.keys().collect::<Vec<_>>()
    );
    for (name, slot) in &theirs {
        assert_eq!(lld.u64(*slot), img.u64(ours[name]), "GOT slot of {name}");
    }
}

// ---- 3. Range and alignment edges with synthetic objects ----------------------

/// `insn` at `.text+0` (plus a padding word), relocated by `r_type` against
/// the undefined symbol `ext`, or against a local `odd` at `.text+2`.
fn synthetic(insn: u32, r_type: u32, addend: i64, local_odd: bool) -> Vec<u8> {
    synthetic_padded(insn, r_type, addend, local_odd, 8)
}

/// [`synthetic`] with `pad` zero bytes after the instruction and a `nop`.
fn synthetic_padded(insn: u32, r_type: u32, addend: i64, local_odd: bool, pad: usize) -> Vec<u8> {
    use object::{SymbolKind, SymbolScope};
    let mut o = Synthetic::new(object::Architecture::Aarch64);
    let mut code = insn.to_le_bytes().to_vec();
    code.extend_from_slice(&0xd503_201fu32.to_le_bytes()); // nop
    code.resize(code.len() + pad, 0);
    let text = o.section(".text", object::SectionKind::Text, &code, 16);
    let symbol = if local_odd {
        let odd = At::Section {
            section: text,
            value: 2,
            size: 0,
        };
        o.symbol("odd", odd, SymbolKind::Text, SymbolScope::Compilation)
    } else {
        o.symbol("ext", At::Undefined, SymbolKind::Text, SymbolScope::Unknown)
    };
    o.reloc(text, 0, r_type, symbol, addend);
    o.finish()
}

fn link_ext(obj: &[u8], ext: u64) -> loader::Result<LinkedImage> {
    let res: HashMap<&str, u64> = [("ext", ext)].into();
    link(obj, Arch::Aarch64, BASE, &res, &LinkOptions::default())
}

/// The place of the relocation, from a link that succeeds.
fn place_of(obj: &[u8]) -> u64 {
    link_ext(obj, BASE).unwrap().output.log[0].place
}

fn assert_overflow(result: loader::Result<LinkedImage>, what: &str) {
    match result {
        Err(Error::RelocationOverflow { .. }) => {}
        Err(e) => panic!("{what}: wrong error {e}"),
        Ok(img) => panic!("{what}: linked, wrote {}", img.output.log[0]),
    }
}

const BL: u32 = 0x9400_0000;
const B: u32 = 0x1400_0000;
const BEQ: u32 = 0x5400_0000;
const CBZ: u32 = 0x3400_0000;
const TBZ: u32 = 0x3610_0000;
const LDR_LIT: u32 = 0x5800_0000;
const ADR_X0: u32 = 0x1000_0000;
const ADRP_X0: u32 = 0x9000_0000;
const MOVZ_G0: u32 = 0xd280_0000;
const MOVZ_G1: u32 = 0xd2a0_0000;
const MOVZ_G2: u32 = 0xd2c0_0000;

/// PC-relative kinds: `(r_type, instruction, lowest, highest)` offset in
/// reach (`S - P`); one step beyond either end fails.
#[rstest]
#[case::condbr19(280, BEQ, -(1 << 20), (1 << 20) - 4, 4)]
#[case::cbz(280, CBZ, -(1 << 20), (1 << 20) - 4, 4)]
#[case::tstbr14(279, TBZ, -(1 << 15), (1 << 15) - 4, 4)]
#[case::ld_prel_lo19(273, LDR_LIT, -(1 << 20), (1 << 20) - 4, 4)]
#[case::adr_prel_lo21(274, ADR_X0, -(1 << 20), (1 << 20) - 1, 1)]
#[case::prel32(261, 0, -(1 << 31), (1 << 32) - 1, 1)]
#[case::prel16(262, 0, -(1 << 15), (1 << 16) - 1, 1)]
fn pc_relative_range_edges(
    #[case] r_type: u32,
    #[case] insn: u32,
    #[case] lo: i64,
    #[case] hi: i64,
    #[case] step: i64,
) {
    let obj = synthetic(insn, r_type, 0, false);
    let p = place_of(&obj);
    let name = Arch::Aarch64.reloc_name(r_type).unwrap();
    for off in [lo, hi, 0, step] {
        let img = link_ext(&obj, p.wrapping_add(off as u64))
            .unwrap_or_else(|e| panic!("{name} at {off:#x}: {e}"));
        let r = &img.output.log[0];
        assert_eq!(r.value, off, "{r}");
        if insn != 0 {
            let got = match decode(img.u32(p)) {
                Insn::CondBr { off } | Insn::TestBr { off } | Insn::Adr { off } => off,
                Insn::LdrLit { off, .. } => off,
                other => panic!("{other:?}"),
            };
            assert_eq!(got, off, "{r}");
        }
    }
    for off in [lo - step, hi + step] {
        assert_overflow(
            link_ext(&obj, p.wrapping_add(off as u64)),
            &format!("{name} {off:#x}"),
        );
    }
    if step > 1 {
        assert_overflow(link_ext(&obj, p + 2), &format!("{name} misaligned"));
    }
}

/// `bl`/`b` to an external symbol: in reach it is direct, one word beyond
/// it goes through the veneer; never a truncated offset.
#[rstest]
#[case::call26(283, BL)]
#[case::jump26(282, B)]
fn branch26_edges_use_the_veneer(#[case] r_type: u32, #[case] insn: u32) {
    let obj = synthetic(insn, r_type, 0, false);
    let p = place_of(&obj);
    for (off, direct) in [
        ((1i64 << 27) - 4, true),
        (-(1i64 << 27), true),
        (1 << 27, false),
        (-(1i64 << 27) - 4, false),
        (0x7000_0000_0000, false),
    ] {
        let target = p.wrapping_add(off as u64);
        let img = link_ext(&obj, target).unwrap();
        let r = &img.output.log[0];
        let Insn::B { off: got, link } = decode(img.u32(p)) else {
            panic!("{r}")
        };
        assert_eq!(link, r_type == 283);
        let dest = (p as i64 + got) as u64;
        if direct {
            assert_eq!(dest, target, "{r}");
            assert!(matches!(r.target, TargetDesc::External(_)), "{r}");
        } else {
            assert!(matches!(r.target, TargetDesc::Stub(_)), "{r}");
            assert_ne!(dest, target);
            assert_eq!(follow(&img, dest), target, "{r}: veneer reaches the target");
        }
    }
}

#[rstest]
#[case::call26(283, BL)]
#[case::jump26(282, B)]
#[case::condbr19(280, BEQ)]
#[case::tstbr14(279, TBZ)]
#[case::ld_prel_lo19(273, LDR_LIT)]
fn misaligned_local_branch_target_is_an_error(#[case] r_type: u32, #[case] insn: u32) {
    let obj = synthetic(insn, r_type, 0, true);
    let err = link(
        &obj,
        Arch::Aarch64,
        BASE,
        &loader::resolve::NoSymbols,
        &LinkOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(&err, Error::RelocationOverflow { problem, .. } if problem.contains("multiple of 4")),
        "{err}"
    );
}

#[test]
fn adrp_page_delta_edges() {
    let obj = synthetic(ADRP_X0, 275, 0, false);
    let p = place_of(&obj);
    let pp = page(p) as i64;
    let four_gib = 1i64 << 32;
    for t in [
        pp + four_gib - 4096,
        pp + four_gib - 1,
        pp - four_gib,
        pp + 0x123,
    ] {
        let img = link_ext(&obj, t as u64).unwrap();
        let Insn::Adrp { delta, .. } = decode(img.u32(p)) else {
            panic!()
        };
        assert_eq!(delta, page(t as u64) as i64 - pp);
    }
    for t in [pp + four_gib, pp - four_gib - 1] {
        assert_overflow(link_ext(&obj, t as u64), &format!("adrp to {t:#x}"));
    }
    // The _NC form takes any page delta, by definition.
    let nc = synthetic(ADRP_X0, 276, 0, false);
    assert!(link_ext(&nc, (pp + four_gib) as u64).is_ok());
}

/// Absolute kinds: `(r_type, instruction, highest)` value; the lowest is 0
/// for the unsigned `movz` groups and `-2^(n-1)` for the data words.
#[rstest]
#[case::uabs_g0(263, MOVZ_G0, 0xffff, 0)]
#[case::uabs_g1(265, MOVZ_G1, 0xffff_ffff, 0)]
#[case::uabs_g2(267, MOVZ_G2, 0xffff_ffff_ffff, 0)]
#[case::abs32(258, 0, 0xffff_ffff, -(1 << 31))]
#[case::abs16(259, 0, 0xffff, -(1 << 15))]
fn absolute_range_edges(#[case] r_type: u32, #[case] insn: u32, #[case] hi: i64, #[case] lo: i64) {
    let name = Arch::Aarch64.reloc_name(r_type).unwrap();
    // S = 0 and the value in the addend, so negative values are expressible.
    for v in [lo, hi, 0x1234] {
        let obj = synthetic(insn, r_type, v, false);
        let img = link_ext(&obj, 0).unwrap_or_else(|e| panic!("{name} {v:#x}: {e}"));
        let p = img.output.log[0].place;
        if let Insn::Mov { hw, imm16, .. } = decode(img.u32(p)) {
            assert_eq!(u64::from(hw), (insn as u64 >> 21) & 3, "group kept");
            assert_eq!(imm16, (v as u64 >> (16 * hw)) & 0xffff);
        } else {
            let n = if r_type == 258 { 4 } else { 2 };
            let mut b = [0u8; 8];
            b[..n].copy_from_slice(img.read(p, n).unwrap());
            assert_eq!(u64::from_le_bytes(b), v as u64 & ((1u64 << (8 * n)) - 1));
        }
    }
    for v in [lo - 1, hi + 1] {
        let obj = synthetic(insn, r_type, v, false);
        assert_overflow(link_ext(&obj, 0), &format!("{name} {v:#x}"));
    }
}

/// Scaled load/store offsets: a misaligned address is an error, not a
/// silent shift to the neighbouring bytes.
#[rstest]
#[case::ldst16(284, 0x7940_0000, 2)] // ldrh w0, [x0]
#[case::ldst32(285, 0xb940_0000, 4)] // ldr w0, [x0]
#[case::ldst64(286, 0xf940_0000, 8)] // ldr x0, [x0]
#[case::ldst128(299, 0x3dc0_0000, 16)] // ldr q0, [x0]
#[case::got_lo12_data_path(312, 0xf940_0000, 8)]
fn scaled_lo12_alignment(#[case] r_type: u32, #[case] insn: u32, #[case] size: u64) {
    let obj = synthetic(insn, r_type, 0, false);
    let name = Arch::Aarch64.reloc_name(r_type).unwrap();
    if r_type == 312 {
        // Through the GOT: the slot is always 8-aligned, whatever the symbol.
        let img = link_ext(&obj, 0x1234_5677).unwrap();
        let Insn::LdSt { imm12, .. } = decode(img.u32(img.output.log[0].place)) else {
            panic!()
        };
        let slot = img.output.got_base; // the only slot
        assert_eq!(imm12 << 3, slot & 0xfff);
        assert_eq!(img.u64(slot), 0x1234_5677);
        return;
    }
    let base = 0x5555_0000_0ff0u64 & !(size - 1);
    let img = link_ext(&obj, base).unwrap();
    let Insn::LdSt { imm12, .. } = decode(img.u32(img.output.log[0].place)) else {
        panic!()
    };
    assert_eq!(imm12 * size, base & 0xfff, "{name}");
    // Off by one byte, and aligned to half the access size only (an
    // 8-aligned `ldr q0` must not be silently encoded either).
    for bad in [1, size / 2] {
        let err = link_ext(&obj, base + bad).unwrap_err();
        assert!(
            matches!(&err, Error::RelocationOverflow { problem, .. } if problem.contains("multiple")),
            "{name}: {err}"
        );
    }
}

// ---- 4. Unknown and refused types --------------------------------------------------

#[test]
fn unknown_type_is_named_in_the_error() {
    let obj = synthetic(0xd503_201f, 0x7abc, 0, false);
    let err = link_ext(&obj, 0).unwrap_err();
    match &err {
        Error::UnsupportedRelocation {
            r_type, type_name, ..
        } => {
            assert_eq!(*r_type, 0x7abc);
            assert!(type_name.contains("unknown"), "{err}");
        }
        _ => panic!("{err}"),
    }
    assert!(err.to_string().contains("31420"), "{err}");
}

#[rstest]
#[case::tlsdesc(562, "R_AARCH64_TLSDESC_ADR_PAGE21")]
#[case::tlsle(549, "R_AARCH64_TLSLE_ADD_TPREL_HI12")]
#[case::gotpage_lo15(313, "R_AARCH64_LD64_GOTPAGE_LO15")]
#[case::movw_prel(288, "R_AARCH64_MOVW_PREL_G0_NC")]
fn refused_types_say_why(#[case] r_type: u32, #[case] name: &str) {
    let obj = synthetic(0xd503_201f, r_type, 0, false);
    let err = link_ext(&obj, 0).unwrap_err();
    let Error::UnsupportedRelocation { type_name, .. } = &err else {
        panic!("{err}")
    };
    assert!(
        type_name.starts_with(name) && type_name.contains('('),
        "{err}"
    );
}

#[test]
fn thread_locals_from_clang_are_refused_with_the_reason() {
    let obj = compile(
        "extern _Thread_local int t; int f(void) { return t; }",
        Language::C,
        "2",
        &[],
    );
    let any = |_: &str| Some(0x1000u64);
    let err = link(&obj, Arch::Aarch64, BASE, &any, &LinkOptions::default()).unwrap_err();
    assert!(
        matches!(&err, Error::UnsupportedRelocation { type_name, .. }
            if type_name.contains("TLS") && type_name.contains("thread-local")),
        "{err}"
    );
}

/// The tiny model's GOT load reaches +-1 MiB: a GOT beyond that (a code
/// section of a megabyte) is an overflow error, just below it links. With
/// 4 KiB pages the GOT starts on the page after the code.
#[test]
fn tiny_model_got_load_edges() {
    let opts = LinkOptions {
        page_size: 0x1000,
        ..LinkOptions::default()
    };
    let res: HashMap<&str, u64> = [("ext", 0x1234_5678_9abc)].into();
    let near = synthetic_padded(LDR_LIT, 309, 0, false, (1 << 20) - 0x2000);
    let img = link(&near, Arch::Aarch64, BASE, &res, &opts).unwrap();
    let p = img.output.log[0].place;
    let Insn::LdrLit {
        off,
        rt: 0,
        x: true,
    } = decode(img.u32(p))
    else {
        panic!()
    };
    assert!(off < 1 << 20 && off > (1 << 20) - 0x2000, "{off:#x}");
    assert_eq!(img.u64((p as i64 + off) as u64), 0x1234_5678_9abc);
    let far = synthetic_padded(LDR_LIT, 309, 0, false, 1 << 20);
    assert_overflow(
        link(&far, Arch::Aarch64, BASE, &res, &opts),
        "GOT past 1 MiB",
    );
}

/// Another base (high, not 4 GiB aligned) and 4 KiB pages: every formula
/// still holds, including page deltas across a different page split.
#[rstest]
#[case::main(2, 0x7f12_3456_0000)]
#[case::tiny(8, 0x0000_5555_0000_1000)]
#[case::ir(10, 0x7fff_ff00_0000)]
fn other_base_and_small_pages(#[case] index: usize, #[case] base: u64) {
    let (src, lang, opt, extra) = cases()[index];
    let obj = compile(src, lang, opt, extra);
    let opts = LinkOptions {
        page_size: 0x1000,
        ..LinkOptions::default()
    };
    let img = link(&obj, Arch::Aarch64, base, &resolver(), &opts).unwrap();
    check_image(&obj, &img);
}

/// `PLT32` to an external function: in +-2 GiB it is the function, beyond
/// it the function's veneer (which is in reach: it is in the image).
#[test]
fn plt32_edges_use_the_veneer() {
    let obj = synthetic(0, 314, 0, false);
    let p = place_of(&obj);
    for (off, direct) in [
        (i64::from(i32::MAX), true),
        (i64::from(i32::MIN), true),
        (1 << 31, false),
        (i64::from(i32::MIN) - 1, false),
    ] {
        let target = p.wrapping_add(off as u64);
        let img = link_ext(&obj, target).unwrap();
        let r = &img.output.log[0];
        let word = i32::from_le_bytes(img.read(p, 4).unwrap().try_into().unwrap());
        let dest = p.wrapping_add(i64::from(word) as u64);
        if direct {
            assert_eq!(dest, target, "{r}");
        } else {
            assert!(matches!(r.target, TargetDesc::Stub(_)), "{r}");
            assert_eq!(follow(&img, dest), target, "{r}: veneer reaches the target");
        }
    }
}
