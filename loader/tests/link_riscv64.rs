//! riscv64 relocations, proven without executing anything:
//!
//! 1. kernels compiled by clang are linked at a fixed base, and every
//!    patched field is decoded by the small RISC-V decoders below (written
//!    from the ISA manual, independent of the engine's bit tables) and
//!    compared with what the psABI formula says the instruction must reach;
//! 2. the same objects are linked by `ld.lld-19 --no-relax` at our section
//!    addresses and every patched location is compared;
//! 3. synthetic objects probe each range-limited kind just inside and just
//!    outside its range;
//! 4. unknown and refused types are errors that name them.

use loader::link::{link, LinkOptions, LinkedImage, RelocRecord, TargetDesc};
use loader::{Arch, Compiler, Cpu, Language};
use object::{Object as _, ObjectSection as _, ObjectSymbol as _};
use rstest::rstest;
use std::collections::{BTreeSet, HashMap};

const BASE: u64 = 0x4000_0000;

/// Far: out of `auipc`+`jalr` reach from the image, so calls take a stub.
const SIN: u64 = 0x7fff_0000_0000;
const H: u64 = 0x7fff_1234_5670;

/// The resolver of every test: some symbols near the image, some far.
fn externs() -> HashMap<&'static str, u64> {
    [
        ("sin", SIN),
        ("h", H),
        ("g", 0x6000_0000),
        ("cl", 0x6000_1000),
        ("memcpy", 0x4800_0000),
        ("memset", 0x4800_0100),
        ("ext_scale", 0x7000_1000),
        ("ext_arr", 0x5000_2000),
        ("ext_d", 0x5000_3000),
    ]
    .into()
}

// ---------------------------------------------------------------------------
// Kernels

/// Globals, externs, a jump table, calls near and far, a tail call, loads and
/// stores of statics, `memcpy`, a loop with compressed branches.
const MAIN_C: &str = r#"
extern double ext_scale;
extern int ext_arr[];
extern void g(int);
extern int h(int);
static int counter;
static const char *names[] = {"alpha", "beta", "gamma"};
static double table[4] = {1.0, 2.0, 3.0, 4.0};
double k(double *x, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += __builtin_sin(x[i]) * ext_scale;
  counter++;
  return s + names[n & 1][0] + table[n & 3];
}
int sw(int x) {
  switch (x) {
  case 0: g(1); return 3;
  case 1: g(4); return 7;
  case 2: return h(x) + 9;
  case 3: g(x); return 1;
  case 4: return 44;
  case 5: g(7); return 8;
  case 6: return h(2);
  default: return -1;
  }
}
int loop(int *a, int n) {
  int s = 0;
  for (int i = 0; i < n; i++) { if (a[i] > 3) s += a[i]; else s -= 1; }
  return s + ext_arr[3];
}
void cp(char *d, const char *s, long n) { __builtin_memcpy(d, s, n); }
int cnt(int *a, int n) { int c = 0; while (n--) { if (*a++) c++; } return c; }
void st(int v) { counter = v; table[v & 3] = v; }
long tailc(long x) { return h((int)x); }
"#;

/// At -O0: a loop too long for `c.j` gives `JAL`.
const BIG_C: &str = r#"
extern void g(int);
int big(int x, volatile int *p) {
  g(x);
  for (int i = 0; i < x; i++) {
#define S4(k) p[k]=i; p[k+1]=i*3; p[k+2]=i^7; p[k+3]=i+9;
#define S16(k) S4(k) S4(k+4) S4(k+8) S4(k+12)
#define S64(k) S16(k) S16(k+16) S16(k+32) S16(k+48)
    S64(0) S64(64) S64(128) S64(192) S64(256) S64(320) S64(384)
  }
  g(x + 1);
  return x;
}
"#;

/// Shrink-wrapped prologues after aligned (relaxable) runs of code of
/// growing length: `.eh_frame` advances become `SET6/SUB6`, `SET8/SUB8`,
/// `SET16/SUB16` and `SET32/SUB32` pairs, the padding `R_RISCV_ALIGN`.
const CFI_C: &str = r#"
extern void g(int);
#define F(name, reps) \
int name(int n) { \
  if (__builtin_expect(n > 100, 0)) { g(n); g(n + 1); return n; } \
  __asm__ volatile(".p2align 3\n.rept " #reps "\nc.nop\n.endr"); \
  return n; \
}
F(sw6, 4)
F(sw8, 40)
F(sw16, 200)
F(sw32, 34000)
"#;

/// Aligned functions and loops: `R_RISCV_ALIGN` padding between code whose
/// distances are relocations (`RVC_BRANCH` in the loops).
const ALIGN_C: &str = r#"
extern void g(int);
extern int h(int);
int f(int x) { if (x > 0) { g(x); g(x + 1); return h(x) + 1; } return 0; }
int cnt(int *a, int n) { int c = 0; while (n--) { if (*a++) c++; } return c; }
int z(int *p) { int i = 0; while (p[i] != 0) i++; return i; }
int sw(int x) {
  switch (x) {
  case 0: g(1); return 3;
  case 1: g(4); return 7;
  case 2: return h(x) + 9;
  case 3: g(x); return 1;
  case 4: g(9); return 44;
  default: return -1;
  }
}
"#;

/// Label differences of every width spanning a relaxable call, `%plt` and
/// `@GOTPCREL` data words, and the kinds clang-19 no longer emits on its own
/// (`R_RISCV_CALL`, `R_RISCV_NONE`) through `.reloc`.
const ASM_C: &str = r#"
extern void g(int);
extern int h(int);
int f0(int x) { return x + 1; }
int f1(int x) { g(x); return f0(x) * 3; }
int f2(int x) { return x - 1; }
__asm__(
".section .rodata.diffs,\"a\",@progbits\n"
".byte f2 - f1\n.half f2 - f1\n.word f2 - f1\n.dword f2 - f1\n"
".word h@plt - .\n"
".word g@GOTPCREL\n"
".word sin@plt - .\n"
".word ext_arr\n"
".text\n"
".globl callers\n"
"callers:\n"
".option push\n.option norvc\n"
".reloc ., R_RISCV_CALL, g\n"
"auipc ra, 0\n jalr ra, 0(ra)\n"
".reloc ., R_RISCV_CALL, sin\n"
"auipc ra, 0\n jalr ra, 0(ra)\n"
".reloc ., R_RISCV_NONE, g\n"
"nop\n"
".option pop\n"
"ret\n");
"#;

/// LLVM IR: a vectorisable loop calling `llvm.sin`, a jump table, a global.
const IR: &str = r#"
@acc = internal global [16 x double] zeroinitializer, align 8
@ext_d = external global double

declare double @llvm.sin.f64(double)
declare void @g(i32)

define double @ir_k(ptr %x, i32 %n) {
entry:
  %c = icmp sgt i32 %n, 0
  br i1 %c, label %loop, label %exit
loop:
  %i = phi i32 [ 0, %entry ], [ %i1, %loop ]
  %s = phi double [ 0.0, %entry ], [ %s1, %loop ]
  %p = getelementptr double, ptr %x, i32 %i
  %v = load double, ptr %p
  %sv = call double @llvm.sin.f64(double %v)
  %e = load double, ptr @ext_d
  %m = fmul double %sv, %e
  %s1 = fadd double %s, %m
  %ai = and i32 %i, 15
  %ap = getelementptr [16 x double], ptr @acc, i32 0, i32 %ai
  store double %s1, ptr %ap
  %i1 = add i32 %i, 1
  %d = icmp eq i32 %i1, %n
  br i1 %d, label %exit, label %loop
exit:
  %r = phi double [ 0.0, %entry ], [ %s1, %loop ]
  ret double %r
}

define i32 @ir_sw(i32 %x) {
entry:
  switch i32 %x, label %def [
    i32 0, label %a
    i32 1, label %b
    i32 2, label %c
    i32 3, label %d
    i32 4, label %e
  ]
a:
  call void @g(i32 1)
  ret i32 3
b:
  call void @g(i32 5)
  ret i32 7
c:
  call void @g(i32 9)
  ret i32 11
d:
  call void @g(i32 2)
  ret i32 13
e:
  call void @g(i32 6)
  ret i32 17
def:
  ret i32 -1
}
"#;

struct Case {
    name: &'static str,
    language: Language,
    source: &'static str,
    opt: &'static str,
    flags: &'static [&'static str],
    /// lld deletes `R_RISCV_ALIGN` padding even with `--no-relax`, so
    /// objects with `ALIGN` cannot be compared with it byte for byte.
    lld_comparable: bool,
}

const CASES: &[Case] = &[
    Case {
        name: "main_o2",
        language: Language::C,
        source: MAIN_C,
        opt: "2",
        flags: &[],
        lld_comparable: true,
    },
    Case {
        name: "main_o0_unwind",
        language: Language::C,
        source: MAIN_C,
        opt: "0",
        flags: &["-funwind-tables"],
        lld_comparable: true,
    },
    Case {
        name: "main_o2_async_unwind",
        language: Language::C,
        source: MAIN_C,
        opt: "2",
        flags: &["-fasynchronous-unwind-tables"],
        lld_comparable: true,
    },
    Case {
        name: "main_medlow_nopic",
        language: Language::C,
        source: MAIN_C,
        opt: "2",
        flags: &["-fno-pic", "-mcmodel=medlow"],
        lld_comparable: true,
    },
    Case {
        name: "main_medany_nopic",
        language: Language::C,
        source: MAIN_C,
        opt: "s",
        flags: &["-fno-pic", "-mcmodel=medany"],
        lld_comparable: true,
    },
    Case {
        name: "main_no_relax",
        language: Language::C,
        source: MAIN_C,
        opt: "2",
        flags: &["-mno-relax"],
        lld_comparable: true,
    },
    Case {
        name: "big_o0",
        language: Language::C,
        source: BIG_C,
        opt: "0",
        flags: &[],
        lld_comparable: true,
    },
    Case {
        name: "cfi_set",
        language: Language::C,
        source: CFI_C,
        opt: "2",
        flags: &["-fasynchronous-unwind-tables"],
        lld_comparable: false,
    },
    Case {
        name: "align",
        language: Language::C,
        source: ALIGN_C,
        opt: "2",
        flags: &[
            "-falign-functions=16",
            "-falign-loops=32",
            "-fasynchronous-unwind-tables",
        ],
        lld_comparable: false,
    },
    Case {
        name: "asm_data",
        language: Language::C,
        source: ASM_C,
        opt: "2",
        flags: &[],
        lld_comparable: true,
    },
    Case {
        name: "ir_o2",
        language: Language::Ir,
        source: IR,
        opt: "2",
        flags: &[],
        lld_comparable: true,
    },
    Case {
        name: "ir_o0",
        language: Language::Ir,
        source: IR,
        opt: "0",
        flags: &[],
        lld_comparable: true,
    },
];

fn case(name: &str) -> &'static Case {
    CASES.iter().find(|c| c.name == name).expect("known case")
}

fn compile(source: &str, language: Language, opt: &str, flags: &[&str]) -> Vec<u8> {
    let mut c = Compiler::new(Arch::Riscv64).expect("clang");
    c.cpu = Cpu::Baseline;
    c.opt_level = opt.into();
    c.extra_flags = flags.iter().map(|s| s.to_string()).collect();
    c.compile(source, language)
        .expect("clang compiles the kernel")
}

fn compile_case(c: &Case) -> Vec<u8> {
    compile(c.source, c.language, c.opt, c.flags)
}

fn link_obj(obj: &[u8]) -> LinkedImage {
    link(
        obj,
        Arch::Riscv64,
        BASE,
        &externs(),
        &LinkOptions::default(),
    )
    .expect("links")
}

// ---------------------------------------------------------------------------
// Independent RISC-V decoders (RISC-V ISA manual, vol. I, "Base instruction
// formats" and "Compressed instruction formats").

fn sext(v: u64, bits: u32) -> i64 {
    ((v << (64 - bits)) as i64) >> (64 - bits)
}

/// U-type: the immediate as the instruction adds it (`imm << 12`).
fn imm_u(w: u32) -> i64 {
    (w & 0xffff_f000) as i32 as i64
}

fn imm_i(w: u32) -> i64 {
    (w as i32 >> 20) as i64
}

fn imm_s(w: u32) -> i64 {
    let hi = (w >> 25) as u64;
    let lo = ((w >> 7) & 0x1f) as u64;
    sext(hi << 5 | lo, 12)
}

fn imm_b(w: u32) -> i64 {
    let w = w as u64;
    let v = ((w >> 31) & 1) << 12
        | ((w >> 7) & 1) << 11
        | ((w >> 25) & 0x3f) << 5
        | ((w >> 8) & 0xf) << 1;
    sext(v, 13)
}

fn imm_j(w: u32) -> i64 {
    let w = w as u64;
    let v = ((w >> 31) & 1) << 20
        | ((w >> 12) & 0xff) << 12
        | ((w >> 20) & 1) << 11
        | ((w >> 21) & 0x3ff) << 1;
    sext(v, 21)
}

/// `c.beqz`/`c.bnez`: offset[8|4:3] in 12|11:10, offset[7:6|2:1|5] in 6:5|4:3|2.
fn imm_cb(h: u16) -> i64 {
    let h = h as u64;
    let v = ((h >> 12) & 1) << 8
        | ((h >> 10) & 3) << 3
        | ((h >> 5) & 3) << 6
        | ((h >> 3) & 3) << 1
        | ((h >> 2) & 1) << 5;
    sext(v, 9)
}

/// `c.j`: offset[11|4|9:8|10|6|7|3:1|5] in 12..2.
fn imm_cj(h: u16) -> i64 {
    let h = h as u64;
    let v = ((h >> 12) & 1) << 11
        | ((h >> 11) & 1) << 4
        | ((h >> 9) & 3) << 8
        | ((h >> 8) & 1) << 10
        | ((h >> 7) & 1) << 6
        | ((h >> 6) & 1) << 7
        | ((h >> 3) & 7) << 1
        | ((h >> 2) & 1) << 5;
    sext(v, 12)
}

fn rd(w: u32) -> u32 {
    (w >> 7) & 0x1f
}

fn rs1(w: u32) -> u32 {
    (w >> 15) & 0x1f
}

/// Bits of the instruction that are not the immediate, per format (they
/// must come out of the link as clang wrote them).
fn non_imm_mask(type_name: &str) -> u32 {
    match type_name {
        "R_RISCV_HI20" | "R_RISCV_PCREL_HI20" | "R_RISCV_GOT_HI20" | "R_RISCV_JAL" => 0xfff,
        "R_RISCV_LO12_I" | "R_RISCV_PCREL_LO12_I" => 0x000f_ffff,
        "R_RISCV_LO12_S" | "R_RISCV_PCREL_LO12_S" | "R_RISCV_BRANCH" => 0x01ff_f07f,
        "R_RISCV_RVC_BRANCH" => 0xe383,
        "R_RISCV_RVC_JUMP" => 0xe003,
        _ => 0,
    }
}

/// Whether a direct branch of this kind reaches `d = T - P` (so that it
/// must not have taken a stub), per the psABI field widths.
fn direct_reaches(type_name: &str, d: i64) -> bool {
    let within = |bits: u32| -(1i64 << (bits - 1)) <= d && d < (1i64 << (bits - 1));
    match type_name {
        "R_RISCV_CALL" | "R_RISCV_CALL_PLT" => {
            let d = d.wrapping_add(0x800);
            (-(1i64 << 31)..(1i64 << 31)).contains(&d)
        }
        "R_RISCV_PLT32" => within(32),
        "R_RISCV_JAL" => within(21) && d % 2 == 0,
        "R_RISCV_BRANCH" => within(13) && d % 2 == 0,
        "R_RISCV_RVC_JUMP" => within(12) && d % 2 == 0,
        "R_RISCV_RVC_BRANCH" => within(9) && d % 2 == 0,
        other => panic!("{other} is not a branch"),
    }
}

// ---------------------------------------------------------------------------
// The object as clang wrote it, read with the `object` crate.

struct Original<'a> {
    file: object::File<'a>,
}

impl<'a> Original<'a> {
    fn new(obj: &'a [u8]) -> Self {
        Original {
            file: object::File::parse(obj).expect("parse"),
        }
    }

    fn bytes(&self, section: &str, offset: u64, len: usize) -> Vec<u8> {
        let s = self.file.section_by_name(section).expect("section");
        let d = s.data().expect("data");
        d[offset as usize..offset as usize + len].to_vec()
    }

    /// Loaded sections: (name, size, is NOBITS).
    fn loaded_sections(&self) -> Vec<(String, u64, Option<Vec<u8>>)> {
        use object::SectionFlags;
        self.file
            .sections()
            .filter(|s| match s.flags() {
                SectionFlags::Elf { sh_flags } => sh_flags & u64::from(object::elf::SHF_ALLOC) != 0,
                _ => false,
            })
            .filter(|s| s.size() > 0)
            .map(|s| {
                let nobits = s.kind() == object::SectionKind::UninitializedData;
                (
                    s.name().unwrap().to_string(),
                    s.size(),
                    (!nobits).then(|| s.data().unwrap().to_vec()),
                )
            })
            .collect()
    }

    /// Named symbols defined in a section: (name, section, value), for the
    /// names that occur once.
    fn unique_symbols(&self) -> Vec<(String, String, u64)> {
        let mut count: HashMap<String, usize> = HashMap::new();
        let mut out = Vec::new();
        for s in self.file.symbols() {
            let Ok(name) = s.name() else { continue };
            if name.is_empty() || s.kind() == object::SymbolKind::Section {
                continue;
            }
            *count.entry(name.to_string()).or_default() += 1;
            if let Some(idx) = s.section_index() {
                let sec = self.file.section_by_index(idx).unwrap();
                out.push((
                    name.to_string(),
                    sec.name().unwrap().to_string(),
                    s.address(),
                ));
            }
        }
        out.retain(|(n, _, _)| count[n] == 1);
        out
    }
}

/// The address of every loaded section, found three independent ways that
/// must agree: from the relocation records (`place - offset`), from the
/// linked symbols (`address - st_value`), and for the rest by finding the
/// section's untouched bytes in the image.
fn section_addresses(orig: &Original<'_>, img: &LinkedImage) -> HashMap<String, u64> {
    let mut map: HashMap<String, u64> = HashMap::new();
    let put = |map: &mut HashMap<String, u64>, name: &str, addr: u64, how: &str| {
        if let Some(&old) = map.get(name) {
            assert_eq!(old, addr, "section {name}: two addresses ({how})");
        } else {
            map.insert(name.to_string(), addr);
        }
    };
    for r in &img.output.log {
        put(&mut map, &r.section, r.place - r.offset, "relocation");
    }
    for (name, section, value) in orig.unique_symbols() {
        let found: Vec<_> = img
            .output
            .symbols
            .iter()
            .filter(|s| s.name == name)
            .collect();
        if let [s] = found[..] {
            put(&mut map, &section, s.address - value, "symbol");
        }
    }
    for (name, size, data) in orig.loaded_sections() {
        if map.contains_key(&name) {
            continue;
        }
        let Some(data) = data else { continue };
        if size < 4 {
            continue;
        }
        let hits: Vec<usize> = img
            .bytes
            .windows(data.len())
            .enumerate()
            .filter(|(_, w)| *w == &data[..])
            .map(|(i, _)| i)
            .collect();
        if let [at] = hits[..] {
            put(&mut map, &name, BASE + at as u64, "contents");
        }
    }
    map
}

// ---------------------------------------------------------------------------
// Checking every record.

struct Checker<'a> {
    img: &'a LinkedImage,
    orig: &'a Original<'a>,
    sections: HashMap<String, u64>,
    externs: HashMap<String, u64>,
    /// Symbol name -> address, for the object's uniquely named symbols.
    symbols: HashMap<String, u64>,
}

impl<'a> Checker<'a> {
    fn new(img: &'a LinkedImage, orig: &'a Original<'a>) -> Self {
        let ext = externs()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        Checker::with_externs(img, orig, ext)
    }

    fn with_externs(
        img: &'a LinkedImage,
        orig: &'a Original<'a>,
        externs: HashMap<String, u64>,
    ) -> Self {
        let sections = section_addresses(orig, img);
        let symbols = orig
            .unique_symbols()
            .into_iter()
            .filter_map(|(n, s, v)| sections.get(&s).map(|a| (n, a + v)))
            .collect();
        Checker {
            img,
            orig,
            sections,
            externs,
            symbols,
        }
    }

    fn u16_at(&self, a: u64) -> u16 {
        u16::from_le_bytes(
            self.img
                .bytes_at(a, 2)
                .expect("in image")
                .try_into()
                .unwrap(),
        )
    }
    fn u32_at(&self, a: u64) -> u32 {
        u32::from_le_bytes(
            self.img
                .bytes_at(a, 4)
                .expect("in image")
                .try_into()
                .unwrap(),
        )
    }
    fn u64_at(&self, a: u64) -> u64 {
        u64::from_le_bytes(
            self.img
                .bytes_at(a, 8)
                .expect("in image")
                .try_into()
                .unwrap(),
        )
    }

    /// The address of a symbol by name (extern or defined in the object).
    fn named(&self, name: &str) -> u64 {
        if let Some(&a) = self.externs.get(name) {
            return a;
        }
        *self
            .symbols
            .get(name)
            .unwrap_or_else(|| panic!("no address for `{name}`"))
    }

    /// `S` of a record's target (not through GOT or stub).
    fn s_of(&self, t: &TargetDesc) -> u64 {
        match t {
            TargetDesc::Defined {
                section, offset, ..
            } => {
                self.sections
                    .get(section)
                    .unwrap_or_else(|| panic!("no address found for section {section}"))
                    + offset
            }
            TargetDesc::External(n) | TargetDesc::GotSlot(n) | TargetDesc::Stub(n) => self.named(n),
            TargetDesc::Absolute(v) => *v,
            other => panic!("unexpected target {other}"),
        }
    }

    /// A stub at `at`: `auipc t1; ld t1; jr t1` through a slot holding `want`.
    fn check_stub(&self, at: u64, want: u64) {
        let (w0, w1, w2) = (self.u32_at(at), self.u32_at(at + 4), self.u32_at(at + 8));
        assert_eq!(w0 & 0xfff, 0x317, "stub starts with auipc t1: {w0:#010x}");
        assert_eq!(w1 & 0xfffff, 0x3_3303, "then ld t1, lo(t1): {w1:#010x}");
        assert_eq!(w2, 0x0003_0067, "then jr t1");
        let slot = at
            .wrapping_add(imm_u(w0) as u64)
            .wrapping_add(imm_i(w1) as u64);
        assert_eq!(slot % 8, 0);
        assert_eq!(self.u64_at(slot), want, "the stub's slot holds the target");
    }

    /// A branch-like record reached `reached`: the symbol, or its stub
    /// only when the symbol is out of direct reach.
    fn check_reach(&self, r: &RelocRecord, reached: u64) {
        match &r.target {
            TargetDesc::Stub(n) => {
                let s = self.named(n).wrapping_add(r.addend as u64);
                assert!(
                    !direct_reaches(r.type_name, s.wrapping_sub(r.place) as i64),
                    "{r}: stub taken though the target is in reach"
                );
                self.check_stub(reached, s);
            }
            t => {
                let s = self.s_of(t).wrapping_add(r.addend as u64);
                assert_eq!(reached, s, "{r}: branch target");
            }
        }
    }

    fn record_at(&self, place: u64) -> &RelocRecord {
        self.img
            .output
            .log
            .iter()
            .find(|h| {
                h.place == place && matches!(h.type_name, "R_RISCV_PCREL_HI20" | "R_RISCV_GOT_HI20")
            })
            .unwrap_or_else(|| panic!("no high part at {place:#x}"))
    }

    /// Checks one record; returns its kind name.
    fn check(&self, i: usize) -> &'static str {
        let r = &self.img.output.log[i];
        let p = r.place;
        let name = r.type_name;
        let mask = non_imm_mask(name);
        if mask != 0 {
            let len = if name.starts_with("R_RISCV_RVC") {
                2
            } else {
                4
            };
            let orig = self.orig.bytes(&r.section, r.offset, len);
            let now = self.img.bytes_at(p, len).unwrap();
            let (o, n) = if len == 2 {
                (
                    u16::from_le_bytes([orig[0], orig[1]]) as u32,
                    u16::from_le_bytes([now[0], now[1]]) as u32,
                )
            } else {
                (
                    u32::from_le_bytes(orig[..4].try_into().unwrap()),
                    u32::from_le_bytes(now.try_into().unwrap()),
                )
            };
            assert_eq!(
                o & mask,
                n & mask,
                "{r}: bits outside the immediate changed"
            );
        }
        let sa = |r: &RelocRecord| self.s_of(&r.target).wrapping_add(r.addend as u64);
        match name {
            "R_RISCV_CALL" | "R_RISCV_CALL_PLT" => {
                let (w0, w1) = (self.u32_at(p), self.u32_at(p + 4));
                assert_eq!(w0 & 0x7f, 0x17, "{r}: auipc");
                assert_eq!(w1 & 0x707f, 0x67, "{r}: jalr");
                assert_eq!(rd(w0), rs1(w1), "{r}: jalr uses the auipc's register");
                let reached = p.wrapping_add((imm_u(w0) + imm_i(w1)) as u64);
                self.check_reach(r, reached);
            }
            "R_RISCV_JAL" => {
                let w = self.u32_at(p);
                assert_eq!(w & 0x7f, 0x6f, "{r}: jal");
                self.check_reach(r, p.wrapping_add(imm_j(w) as u64));
            }
            "R_RISCV_BRANCH" => {
                let w = self.u32_at(p);
                assert_eq!(w & 0x7f, 0x63, "{r}: branch");
                self.check_reach(r, p.wrapping_add(imm_b(w) as u64));
            }
            "R_RISCV_RVC_JUMP" => {
                let h = self.u16_at(p);
                assert_eq!(h & 0xe003, 0xa001, "{r}: c.j");
                self.check_reach(r, p.wrapping_add(imm_cj(h) as u64));
            }
            "R_RISCV_RVC_BRANCH" => {
                let h = self.u16_at(p);
                assert_eq!(h & 0xc003, 0xc001, "{r}: c.beqz/c.bnez");
                self.check_reach(r, p.wrapping_add(imm_cb(h) as u64));
            }
            "R_RISCV_PLT32" => {
                let v = self.u32_at(p) as i32 as i64;
                self.check_reach(r, p.wrapping_add(v as u64));
            }
            "R_RISCV_PCREL_HI20" => {
                let w = self.u32_at(p);
                assert_eq!(w & 0x7f, 0x17, "{r}: auipc");
                let d = sa(r).wrapping_sub(p) as i64;
                assert_eq!(
                    imm_u(w),
                    sext((d + 0x800) as u64 & !0xfff, 32),
                    "{r}: %pcrel_hi"
                );
            }
            "R_RISCV_GOT_HI20" => {
                // Checked with its low parts, which give the slot address.
                assert_eq!(self.u32_at(p) & 0x7f, 0x17, "{r}: auipc");
            }
            "R_RISCV_PCREL_LO12_I" | "R_RISCV_PCREL_LO12_S" => {
                let w = self.u32_at(p);
                let lo = if name.ends_with('I') {
                    imm_i(w)
                } else {
                    imm_s(w)
                };
                let hi_place = self.named(&r.symbol);
                let hi = self.record_at(hi_place);
                let aw = self.u32_at(hi_place);
                assert_eq!(
                    rs1(w),
                    rd(aw),
                    "{r}: the low part uses the auipc's register"
                );
                let eff = hi_place.wrapping_add((imm_u(aw) + lo) as u64);
                match hi.type_name {
                    "R_RISCV_PCREL_HI20" => assert_eq!(eff, sa(hi), "{r}: pair address"),
                    _ => {
                        assert_eq!(eff % 8, 0, "{r}: GOT slot alignment");
                        assert_eq!(self.u64_at(eff), sa(hi), "{r}: GOT slot contents");
                    }
                }
            }
            "R_RISCV_HI20" => {
                let w = self.u32_at(p);
                assert_eq!(w & 0x7f, 0x37, "{r}: lui");
                let v = sa(r) as i64;
                assert_eq!(imm_u(w), sext((v + 0x800) as u64 & !0xfff, 32), "{r}: %hi");
            }
            "R_RISCV_LO12_I" => {
                assert_eq!(imm_i(self.u32_at(p)), sext(sa(r) & 0xfff, 12), "{r}: %lo");
            }
            "R_RISCV_LO12_S" => {
                assert_eq!(imm_s(self.u32_at(p)), sext(sa(r) & 0xfff, 12), "{r}: %lo");
            }
            "R_RISCV_32" => {
                let v = sa(r) as i64;
                assert!(
                    (-(1i64 << 31)..(1i64 << 32)).contains(&v),
                    "{r}: fits 32 bits"
                );
                assert_eq!(self.u32_at(p), v as u32, "{r}");
            }
            "R_RISCV_64" => assert_eq!(self.u64_at(p), sa(r), "{r}"),
            "R_RISCV_32_PCREL" => {
                assert_eq!(
                    self.u32_at(p) as i32 as i64,
                    sa(r).wrapping_sub(p) as i64,
                    "{r}"
                );
            }
            "R_RISCV_GOT32_PCREL" => {
                let slot = p.wrapping_add(self.u32_at(p) as i32 as i64 as u64);
                assert_eq!(self.u64_at(slot), sa(r), "{r}: GOT slot contents");
            }
            n if n.contains("_ADD") || n.contains("_SUB") || n.contains("_SET") => {
                self.check_data_group(i)
            }
            "R_RISCV_ALIGN" => {
                let len = r.addend as usize;
                let now = self.img.bytes_at(p, len).unwrap();
                assert_eq!(now, &self.orig.bytes(&r.section, r.offset, len)[..]);
                let mut at = 0;
                while at < len {
                    if now[at] & 3 == 3 {
                        assert_eq!(&now[at..at + 4], &0x13u32.to_le_bytes(), "nop");
                        at += 4;
                    } else {
                        assert_eq!(&now[at..at + 2], &[1, 0], "c.nop");
                        at += 2;
                    }
                }
            }
            "R_RISCV_RELAX" | "R_RISCV_NONE" => assert!(r.after.is_empty()),
            other => panic!("unchecked kind {other}"),
        }
        name
    }

    /// The `ADD`/`SUB`/`SET` records at one place, applied in order to the
    /// original bytes, must give what the image holds.
    fn check_data_group(&self, i: usize) {
        let log = &self.img.output.log;
        let r = &log[i];
        let group: Vec<&RelocRecord> = log
            .iter()
            .filter(|x| x.place == r.place && x.after.len() == r.after.len())
            .collect();
        let width = r.after.len();
        let orig = self.orig.bytes(&r.section, r.offset, width);
        let mut v = orig.iter().rev().fold(0u64, |a, &b| a << 8 | b as u64);
        for x in &group {
            let sa = self.s_of(&x.target).wrapping_add(x.addend as u64);
            let n = x.type_name;
            let digits = n.trim_start_matches(|c: char| !c.is_ascii_digit());
            let bits: u32 = digits.parse().unwrap();
            let mask = if bits == 64 {
                u64::MAX
            } else {
                (1u64 << bits) - 1
            };
            let field = v & mask;
            let new = if n.contains("ADD") {
                field.wrapping_add(sa)
            } else if n.contains("SUB") {
                field.wrapping_sub(sa)
            } else {
                sa
            };
            v = (v & !mask) | (new & mask);
        }
        let now = self.img.bytes_at(r.place, width).unwrap();
        let now = now.iter().rev().fold(0u64, |a, &b| a << 8 | b as u64);
        assert_eq!(now, v, "{r}: accumulated data value");
    }
}

/// Links `obj`, checks every record, returns the kinds seen.
fn check_object(obj: &[u8]) -> BTreeSet<&'static str> {
    let img = link_obj(obj);
    let orig = Original::new(obj);
    let checker = Checker::new(&img, &orig);
    let kinds = (0..img.output.log.len())
        .map(|i| checker.check(i))
        .collect();
    for (name, size, _) in orig.loaded_sections() {
        if orig.file.section_by_name(&name).unwrap().kind() == object::SectionKind::Text {
            branches_land_on_instructions(&checker, checker.sections[&name], size);
        }
    }
    kinds
}

/// Decodes a code section as a stream of 2- and 4-byte instructions and
/// checks that every direct branch and jump, relocated or resolved by the
/// assembler, lands on an instruction of the stream (or, leaving the
/// section, on a stub). With `R_RISCV_ALIGN` skipped this shows the padding
/// left in place is a valid run of instructions that nothing jumps into.
fn branches_land_on_instructions(checker: &Checker<'_>, start: u64, size: u64) {
    let mut starts = BTreeSet::new();
    let mut at = start;
    while at < start + size {
        starts.insert(at);
        at += if checker.u16_at(at) & 3 == 3 { 4 } else { 2 };
    }
    assert_eq!(at, start + size, "the stream ends with the section");
    for &pc in &starts {
        let h = checker.u16_at(pc);
        let target = if h & 3 == 3 {
            let w = checker.u32_at(pc);
            match w & 0x7f {
                0x63 => Some(imm_b(w)),
                0x6f => Some(imm_j(w)),
                _ => None,
            }
        } else {
            match h & 0xe003 {
                0xa001 => Some(imm_cj(h)),
                0xc001 | 0xe001 => Some(imm_cb(h)),
                _ => None,
            }
        };
        let Some(d) = target else { continue };
        let t = pc.wrapping_add(d as u64);
        if (start..start + size).contains(&t) {
            assert!(
                starts.contains(&t),
                "branch at {pc:#x} lands inside an instruction at {t:#x}"
            );
        } else {
            assert_eq!(
                checker.u32_at(t) & 0xfff,
                0x317,
                "branch at {pc:#x} leaves its section for {t:#x}, not a stub"
            );
        }
    }
}

#[rstest]
#[case("main_o2")]
#[case("main_o0_unwind")]
#[case("main_o2_async_unwind")]
#[case("main_medlow_nopic")]
#[case("main_medany_nopic")]
#[case("main_no_relax")]
#[case("big_o0")]
#[case("cfi_set")]
#[case("align")]
#[case("asm_data")]
#[case("ir_o2")]
#[case("ir_o0")]
fn fields_match_psabi_formulas(#[case] name: &str) {
    let kinds = check_object(&compile_case(case(name)));
    assert!(!kinds.is_empty());
}

/// Older clangs (when installed) emit other mixes (clang-14: no relaxation
/// markers and no compressed kinds; clang-15/16: `R_RISCV_ALIGN` and
/// `R_RISCV_JAL` at -O2): every record is checked the same way.
#[rstest]
#[case("clang-14")]
#[case("clang-15")]
#[case("clang-16")]
fn older_clangs(#[case] clang: &str) {
    let Ok(path) = which(clang) else {
        eprintln!("{clang} not installed: skipped");
        return;
    };
    let mut kinds = BTreeSet::new();
    for (src, opt) in [(MAIN_C, "2"), (MAIN_C, "0"), (ALIGN_C, "2"), (BIG_C, "0")] {
        let mut c = Compiler::with_clang(&path, Arch::Riscv64);
        c.cpu = Cpu::Baseline;
        c.opt_level = opt.into();
        c.extra_flags = vec!["-fasynchronous-unwind-tables".into()];
        let obj = c.compile(src, Language::C).expect("compiles");
        kinds.extend(check_object(&obj));
    }
    eprintln!("{clang}: {kinds:?}");
}

fn which(name: &str) -> Result<std::path::PathBuf, ()> {
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
        .ok_or(())
}

/// Every kind of the table is exercised by some kernel above.
#[test]
fn every_claimed_kind_is_exercised() {
    let mut seen = BTreeSet::new();
    for c in CASES {
        seen.extend(check_object(&compile_case(c)));
    }
    let claimed = [
        "R_RISCV_NONE",
        "R_RISCV_32",
        "R_RISCV_64",
        "R_RISCV_BRANCH",
        "R_RISCV_JAL",
        "R_RISCV_CALL",
        "R_RISCV_CALL_PLT",
        "R_RISCV_GOT_HI20",
        "R_RISCV_PCREL_HI20",
        "R_RISCV_PCREL_LO12_I",
        "R_RISCV_PCREL_LO12_S",
        "R_RISCV_HI20",
        "R_RISCV_LO12_I",
        "R_RISCV_LO12_S",
        "R_RISCV_ADD8",
        "R_RISCV_ADD16",
        "R_RISCV_ADD32",
        "R_RISCV_ADD64",
        "R_RISCV_SUB8",
        "R_RISCV_SUB16",
        "R_RISCV_SUB32",
        "R_RISCV_SUB64",
        "R_RISCV_GOT32_PCREL",
        "R_RISCV_ALIGN",
        "R_RISCV_RVC_BRANCH",
        "R_RISCV_RVC_JUMP",
        "R_RISCV_RELAX",
        "R_RISCV_SUB6",
        "R_RISCV_SET6",
        "R_RISCV_SET8",
        "R_RISCV_SET16",
        "R_RISCV_SET32",
        "R_RISCV_32_PCREL",
        "R_RISCV_PLT32",
    ];
    let claimed_with_number: Vec<(u32, &str)> = (0..256)
        .filter_map(|t| Arch::Riscv64.reloc_name(t).map(|n| (t, n)))
        .collect();
    let table: BTreeSet<&str> = claimed_with_number.iter().map(|&(_, n)| n).collect();
    assert_eq!(
        table,
        claimed.into_iter().collect(),
        "the list above is the table"
    );
    let missing: Vec<_> = claimed.iter().filter(|k| !seen.contains(*k)).collect();
    assert!(
        missing.is_empty(),
        "kinds never exercised by a kernel: {missing:?}"
    );
}

// ---------------------------------------------------------------------------
// Differential check against ld.lld-19.

const LLD: &str = "ld.lld-19";

/// A scratch directory of this test process, removed when dropped.
struct Scratch(std::path::PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("loader-link-riscv64-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The bytes of lld's output at an address, from the section holding it.
fn lld_bytes<'d>(out: &object::File<'d>, addr: u64, len: usize) -> &'d [u8] {
    let s = out
        .sections()
        .find(|s| s.address() <= addr && addr + len as u64 <= s.address() + s.size())
        .unwrap_or_else(|| panic!("lld placed nothing at {addr:#x}"));
    let d = s.data().unwrap();
    let at = (addr - s.address()) as usize;
    &d[at..at + len]
}

/// Links the object with lld at our section addresses and compares every
/// location we patched.
///
/// Exceptions, compared by what the instruction reaches instead of bytes:
/// - GOT accesses (`GOT_HI20` with its `PCREL_LO12_*`, `GOT32_PCREL`): lld
///   builds its own `.got` (with a reserved header slot, in another order),
///   placed here away from our image; both GOT slots reached must hold the
///   symbol's address (for lld: the `--defsym` value).
/// - Branches to far externals go through our stub: lld has no range
///   extension thunks on RISC-V, so it is given the stub's address as the
///   symbol's value, and then must produce the same bytes.
///
/// Objects with `R_RISCV_ALIGN` are not compared: lld enforces the
/// alignment by deleting padding even with `--no-relax`, which moves code.
fn compare_with_lld(name: &str) -> usize {
    let c = case(name);
    assert!(c.lld_comparable);
    let obj = compile_case(c);
    let img = link_obj(&obj);
    let orig = Original::new(&obj);
    let checker = Checker::new(&img, &orig);
    let scratch = Scratch::new(name);

    let mut script = String::from("SECTIONS {\n");
    for (sec, _, _) in orig.loaded_sections() {
        let addr = checker
            .sections
            .get(&sec)
            .unwrap_or_else(|| panic!("address of {sec}"));
        script += &format!("  {sec} {addr:#x} : {{ *({sec}) }}\n");
    }
    let lld_got = (BASE + img.bytes.len() as u64 + 0x1_0000) & !0xffff;
    script += &format!("  .got {lld_got:#x} : {{ *(.got) }}\n}}\n");
    std::fs::write(scratch.0.join("link.ld"), &script).unwrap();
    std::fs::write(scratch.0.join("in.o"), &obj).unwrap();

    // Undefined symbols: the resolver's value, or our stub's address.
    let mut defsym: HashMap<String, u64> = HashMap::new();
    for s in orig.file.symbols().filter(|s| s.is_undefined()) {
        let n = s.name().unwrap();
        if !n.is_empty() {
            defsym.insert(n.to_string(), checker.named(n));
        }
    }
    for r in &img.output.log {
        if let TargetDesc::Stub(n) = &r.target {
            defsym.insert(n.clone(), r.place.wrapping_add(r.value as u64));
        }
    }
    let out_path = scratch.0.join("out.elf");
    let mut cmd = std::process::Command::new(LLD);
    // -O0: no merging of SHF_MERGE string sections (lld would reorder them).
    cmd.args(["--no-relax", "-O0", "-e", "0", "-T"])
        .arg(scratch.0.join("link.ld"))
        .arg("-o")
        .arg(&out_path)
        .arg(scratch.0.join("in.o"));
    for (n, v) in &defsym {
        cmd.arg(format!("--defsym={n}={v:#x}"));
    }
    let run = cmd.output().expect("ld.lld-19 runs");
    assert!(
        run.status.success(),
        "lld failed: {}\nscript:\n{script}",
        String::from_utf8_lossy(&run.stderr)
    );
    let out_bytes = std::fs::read(&out_path).unwrap();
    let out = object::File::parse(&*out_bytes).unwrap();

    let got_slot_of = |r: &RelocRecord| -> Option<String> {
        match &r.target {
            TargetDesc::GotSlot(n) => Some(n.clone()),
            TargetDesc::Paired(inner) => match &**inner {
                TargetDesc::GotSlot(n) => Some(n.clone()),
                _ => None,
            },
            _ => None,
        }
    };
    let value_of = |n: &str| defsym.get(n).copied().unwrap_or_else(|| checker.named(n));
    let mut compared = 0;
    for r in &img.output.log {
        if r.after.is_empty() {
            continue;
        }
        let len = r.after.len();
        let lld = lld_bytes(&out, r.place, len);
        let word = |b: &[u8]| u32::from_le_bytes(b[..4].try_into().unwrap());
        match (r.type_name, got_slot_of(r)) {
            ("R_RISCV_GOT_HI20", Some(_)) => {} // with its low parts
            ("R_RISCV_GOT32_PCREL", Some(n)) => {
                let slot = r.place.wrapping_add(word(lld) as i32 as i64 as u64);
                let held = u64::from_le_bytes(lld_bytes(&out, slot, 8).try_into().unwrap());
                assert_eq!(held, value_of(&n), "{r}: lld's GOT slot");
            }
            (_, Some(n)) => {
                let hi_place = checker.named(&r.symbol);
                let auipc = word(lld_bytes(&out, hi_place, 4));
                let lo = if r.type_name.ends_with('I') {
                    imm_i(word(lld))
                } else {
                    imm_s(word(lld))
                };
                let slot = hi_place.wrapping_add((imm_u(auipc) + lo) as u64);
                let held = u64::from_le_bytes(lld_bytes(&out, slot, 8).try_into().unwrap());
                assert_eq!(held, value_of(&n), "{r}: lld's GOT slot");
            }
            _ => {
                let ours = img.bytes_at(r.place, len).unwrap();
                assert_eq!(ours, lld, "{r}: lld wrote other bytes");
            }
        }
        compared += 1;
    }
    compared
}

#[rstest]
#[case("main_o2")]
#[case("main_o0_unwind")]
#[case("main_o2_async_unwind")]
#[case("main_medlow_nopic")]
#[case("main_medany_nopic")]
#[case("main_no_relax")]
#[case("big_o0")]
#[case("asm_data")]
#[case("ir_o2")]
#[case("ir_o0")]
fn agrees_with_lld(#[case] name: &str) {
    let compared = compare_with_lld(name);
    eprintln!("{name}: {compared} patched locations agree with lld");
    assert!(compared > 0, "nothing compared");
}

// ---------------------------------------------------------------------------
// Ranges, on synthetic objects.

use loader::Error;
use object::{Architecture, SectionKind, SymbolKind, SymbolScope};
#[path = "support/synthetic.rs"]
mod synthetic;
use synthetic::{At, Synthetic};

/// Where a synthetic relocation points.
#[derive(Clone, Copy, Debug)]
enum To {
    /// A label in `.text`, this many bytes from the place.
    Local(i64),
    /// An undefined symbol the resolver puts this many bytes from the place.
    Extern(i64),
    /// An undefined symbol the resolver puts at this address.
    Abs(u64),
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    /// Links; the field reaches the symbol itself.
    Direct,
    /// Links; the field reaches the symbol's stub.
    Stub,
    /// `Error::RelocationOverflow`: out of range.
    Overflow,
    /// `Error::RelocationOverflow`: not a multiple of 2.
    Misaligned,
}

/// The instruction (or data word) clang would have written, unrelocated.
fn template(r_type: u32) -> Vec<u8> {
    let w = |ws: &[u32]| ws.iter().flat_map(|w| w.to_le_bytes()).collect();
    match r_type {
        16 => w(&[0x00b5_0063]),                   // beq a0, a1, .
        17 => w(&[0x0000_00ef]),                   // jal ra, .
        18 | 19 => w(&[0x0000_0097, 0x0000_80e7]), // auipc ra, 0; jalr ra, 0(ra)
        23 => w(&[0x0000_0517]),                   // auipc a0, 0
        26 => w(&[0x0000_0537]),                   // lui a0, 0
        44 => 0xc101u16.to_le_bytes().to_vec(),    // c.beqz a0, .
        45 => 0xa001u16.to_le_bytes().to_vec(),    // c.j .
        _ => vec![0; 4],                           // data words
    }
}

/// A relocatable riscv64 object: `.text` of `text` bytes, and relocations
/// `(offset, type, symbol name, addend)` against the given symbols:
/// `(name, Some(.text offset))` defined, `(name, None)` undefined.
fn synth(text: Vec<u8>, symbols: &[(&str, Option<u64>)], relocs: &[(u64, u32, &str)]) -> Vec<u8> {
    let mut o = Synthetic::new(Architecture::Riscv64);
    let sec = o.section(".text", SectionKind::Text, &text, 4);
    for &(name, at) in symbols {
        match at {
            Some(value) => {
                let label = At::Section {
                    section: sec,
                    value,
                    size: 0,
                };
                o.symbol(name, label, SymbolKind::Label, SymbolScope::Compilation)
            }
            None => o.symbol(
                name,
                At::Undefined,
                SymbolKind::Unknown,
                SymbolScope::Unknown,
            ),
        };
    }
    for &(offset, r_type, name) in relocs {
        let symbol = o.symbol_named(name).expect("a listed symbol");
        o.reloc(sec, offset, r_type, symbol, 0);
    }
    o.finish()
}

/// One relocation of `r_type` at a place `P` towards `to`; returns the
/// object, the resolver and the place's `.text` offset.
fn one_reloc(r_type: u32, to: To) -> (Vec<u8>, HashMap<String, u64>, u64) {
    let insn = template(r_type);
    let (place, target_at, len) = match to {
        To::Local(d) if d >= 0 => (0, d as u64, d as u64 + 8),
        To::Local(d) => (d.unsigned_abs(), 0, d.unsigned_abs() + 8),
        To::Extern(_) | To::Abs(_) => (0, 0, 16),
    };
    let mut text = vec![0u8; (len as usize).next_multiple_of(4)];
    text[place as usize..place as usize + insn.len()].copy_from_slice(&insn);
    let p = BASE + place; // .text is the first thing of the image
    let mut resolver = HashMap::new();
    let obj = match to {
        To::Local(_) => synth(text, &[("t", Some(target_at))], &[(place, r_type, "t")]),
        To::Extern(d) => {
            resolver.insert("x".to_string(), p.wrapping_add(d as u64));
            synth(text, &[("x", None)], &[(place, r_type, "x")])
        }
        To::Abs(v) => {
            resolver.insert("x".to_string(), v);
            synth(text, &[("x", None)], &[(place, r_type, "x")])
        }
    };
    (obj, resolver, place)
}

#[rstest]
// B-type: +-4 KiB, even.
#[case(16, To::Local(4094), Expect::Direct)]
#[case(16, To::Local(4096), Expect::Overflow)]
#[case(16, To::Local(-4096), Expect::Direct)]
#[case(16, To::Local(-4098), Expect::Overflow)]
#[case(16, To::Local(3), Expect::Misaligned)]
#[case(16, To::Extern(4094), Expect::Direct)]
#[case(16, To::Extern(4096), Expect::Stub)]
#[case(16, To::Extern(-4098), Expect::Stub)]
// J-type: +-1 MiB, even.
#[case(17, To::Local(0xf_fffe), Expect::Direct)]
#[case(17, To::Local(0x10_0000), Expect::Overflow)]
#[case(17, To::Local(-0x10_0000), Expect::Direct)]
#[case(17, To::Local(-0x10_0002), Expect::Overflow)]
#[case(17, To::Local(1), Expect::Misaligned)]
#[case(17, To::Extern(0x10_0000), Expect::Stub)]
#[case(17, To::Extern(-0x10_0000), Expect::Direct)]
// CB: +-256 B, even.
#[case(44, To::Local(254), Expect::Direct)]
#[case(44, To::Local(256), Expect::Overflow)]
#[case(44, To::Local(-256), Expect::Direct)]
#[case(44, To::Local(-258), Expect::Overflow)]
#[case(44, To::Local(5), Expect::Misaligned)]
#[case(44, To::Extern(256), Expect::Stub)]
// CJ: +-2 KiB, even.
#[case(45, To::Local(2046), Expect::Direct)]
#[case(45, To::Local(2048), Expect::Overflow)]
#[case(45, To::Local(-2048), Expect::Direct)]
#[case(45, To::Local(-2050), Expect::Overflow)]
#[case(45, To::Local(7), Expect::Misaligned)]
#[case(45, To::Extern(2048), Expect::Stub)]
#[case(45, To::Extern(-2048), Expect::Direct)]
// auipc + jalr: (d + 0x800) in signed 32 bits.
#[case(19, To::Local(8), Expect::Direct)]
#[case(19, To::Extern(0x7fff_f7ff), Expect::Direct)]
#[case(19, To::Extern(0x7fff_f800), Expect::Stub)]
#[case(19, To::Extern(-0x8000_0800), Expect::Direct)]
#[case(19, To::Extern(-0x8000_0801), Expect::Stub)]
#[case(18, To::Extern(0x7fff_f7ff), Expect::Direct)]
#[case(18, To::Extern(0x7fff_f800), Expect::Stub)]
#[case(18, To::Extern(-0x8000_0801), Expect::Stub)]
// `.word f@plt - .`
#[case(59, To::Extern(0x7fff_ffff), Expect::Direct)]
#[case(59, To::Extern(0x8000_0000), Expect::Stub)]
#[case(59, To::Extern(-0x8000_0000), Expect::Direct)]
#[case(59, To::Extern(-0x8000_0001), Expect::Stub)]
// %pcrel_hi: no stub for data.
#[case(23, To::Extern(0x7fff_f7ff), Expect::Direct)]
#[case(23, To::Extern(0x7fff_f800), Expect::Overflow)]
#[case(23, To::Extern(-0x8000_0800), Expect::Direct)]
#[case(23, To::Extern(-0x8000_0801), Expect::Overflow)]
// 32_PCREL: signed 32 bits.
#[case(57, To::Extern(0x7fff_ffff), Expect::Direct)]
#[case(57, To::Extern(0x8000_0000), Expect::Overflow)]
#[case(57, To::Extern(-0x8000_0000), Expect::Direct)]
#[case(57, To::Extern(-0x8000_0001), Expect::Overflow)]
// %hi: (S + 0x800) in signed 32 bits.
#[case(26, To::Abs(0x7fff_f7ff), Expect::Direct)]
#[case(26, To::Abs(0x7fff_f800), Expect::Overflow)]
#[case(26, To::Abs(0x8000_0800u64.wrapping_neg()), Expect::Direct)]
#[case(26, To::Abs(0x8000_0801u64.wrapping_neg()), Expect::Overflow)]
// R_RISCV_32: signed or unsigned 32 bits.
#[case(1, To::Abs(0xffff_ffff), Expect::Direct)]
#[case(1, To::Abs(0x1_0000_0000), Expect::Overflow)]
#[case(1, To::Abs(0x8000_0000u64.wrapping_neg()), Expect::Direct)]
#[case(1, To::Abs(0x8000_0001u64.wrapping_neg()), Expect::Overflow)]
fn range_edges(#[case] r_type: u32, #[case] to: To, #[case] expect: Expect) {
    let (obj, resolver, place) = one_reloc(r_type, to);
    let name = Arch::Riscv64.reloc_name(r_type).unwrap();
    let res = link(
        &obj,
        Arch::Riscv64,
        BASE,
        &resolver,
        &LinkOptions::default(),
    );
    match expect {
        Expect::Direct | Expect::Stub => {
            let img = res.unwrap_or_else(|e| panic!("{name} {to:?}: {e}"));
            let r = &img.output.log[0];
            assert_eq!(r.place, BASE + place, "layout assumption: .text first");
            assert_eq!(
                matches!(r.target, TargetDesc::Stub(_)),
                expect == Expect::Stub,
                "{r}: stub iff out of direct reach"
            );
            let orig = Original::new(&obj);
            let checker = Checker::with_externs(&img, &orig, resolver);
            for i in 0..img.output.log.len() {
                checker.check(i);
            }
        }
        Expect::Overflow | Expect::Misaligned => match res {
            Err(Error::RelocationOverflow {
                type_name, problem, ..
            }) => {
                assert_eq!(type_name, name);
                assert_eq!(
                    problem.contains("multiple of 2"),
                    expect == Expect::Misaligned,
                    "{problem}"
                );
            }
            Err(e) => panic!("{name} {to:?}: wrong error {e}"),
            Ok(img) => panic!("{name} {to:?}: linked: {}", img.output.log[0]),
        },
    }
}

// ---------------------------------------------------------------------------
// Pairs, unknown and refused types.

const LD_A1_A0: u32 = 0x0005_3583; // ld a1, 0(a0)
const SW_A1_A0: u32 = 0x00b5_2023; // sw a1, 0(a0)
const AUIPC_A0: u32 = 0x0000_0517; // auipc a0, 0
const ADDI_A2_A0: u32 = 0x0005_0613; // addi a2, a0, 0

fn words(ws: &[u32]) -> Vec<u8> {
    ws.iter().flat_map(|w| w.to_le_bytes()).collect()
}

/// Low parts are paired with the high part at their symbol's address,
/// whatever the order of the relocations, and one `auipc` serves several.
#[rstest]
#[case(23, "R_RISCV_PCREL_HI20")]
#[case(20, "R_RISCV_GOT_HI20")]
fn pairs_are_by_address_not_order(#[case] hi_type: u32, #[case] hi_name: &str) {
    let text = words(&[LD_A1_A0, SW_A1_A0, AUIPC_A0, ADDI_A2_A0]);
    let obj = synth(
        text,
        &[("hi", Some(8)), ("x", None)],
        &[
            (0, 24, "hi"),
            (4, 25, "hi"),
            (8, hi_type, "x"),
            (12, 24, "hi"),
        ],
    );
    let resolver: HashMap<String, u64> = [("x".to_string(), BASE + 0x1234_5678)].into();
    let img = link(
        &obj,
        Arch::Riscv64,
        BASE,
        &resolver,
        &LinkOptions::default(),
    )
    .unwrap();
    let orig = Original::new(&obj);
    let checker = Checker::with_externs(&img, &orig, resolver);
    let kinds: Vec<_> = (0..img.output.log.len())
        .map(|i| checker.check(i))
        .collect();
    assert_eq!(
        kinds,
        [
            "R_RISCV_PCREL_LO12_I",
            "R_RISCV_PCREL_LO12_S",
            hi_name,
            "R_RISCV_PCREL_LO12_I"
        ]
    );
}

#[test]
fn low_part_without_high_part_is_an_error() {
    let text = words(&[LD_A1_A0, AUIPC_A0]);
    let obj = synth(
        text,
        &[("hi", Some(4)), ("x", None)],
        &[(0, 24, "hi"), (4, 26, "x")],
    );
    let resolver: HashMap<String, u64> = [("x".to_string(), 0x1000)].into();
    match link(
        &obj,
        Arch::Riscv64,
        BASE,
        &resolver,
        &LinkOptions::default(),
    ) {
        Err(Error::BadRelocation {
            type_name, problem, ..
        }) => {
            assert_eq!(type_name, "R_RISCV_PCREL_LO12_I");
            assert!(problem.contains("paired"), "{problem}");
        }
        other => panic!("expected a missing-pair error, got {other:?}"),
    }
}

#[rstest]
#[case(66)]
#[case(190)]
#[case(250)]
fn unknown_type_is_an_error_naming_it(#[case] r_type: u32) {
    let obj = synth(vec![0; 8], &[("t", Some(4))], &[(0, r_type, "t")]);
    let err = link(
        &obj,
        Arch::Riscv64,
        BASE,
        &HashMap::<String, u64>::new(),
        &LinkOptions::default(),
    )
    .unwrap_err();
    match &err {
        Error::UnsupportedRelocation { r_type: t, .. } => assert_eq!(*t, r_type),
        other => panic!("expected UnsupportedRelocation, got {other}"),
    }
    assert!(err.to_string().contains(&format!("type {r_type}")), "{err}");
}

#[rstest]
#[case(22, "R_RISCV_TLS_GD_HI20", "thread-local")]
#[case(32, "R_RISCV_TPREL_ADD", "thread-local")]
#[case(3, "R_RISCV_RELATIVE", "dynamic")]
#[case(46, "R_RISCV_RVC_LUI", "obsolete")]
#[case(60, "R_RISCV_SET_ULEB128", "ULEB128")]
fn refused_type_is_an_error_with_reason(
    #[case] r_type: u32,
    #[case] name: &str,
    #[case] reason: &str,
) {
    let obj = synth(vec![0; 8], &[("t", Some(4))], &[(0, r_type, "t")]);
    let err = link(
        &obj,
        Arch::Riscv64,
        BASE,
        &HashMap::<String, u64>::new(),
        &LinkOptions::default(),
    )
    .unwrap_err();
    let Error::UnsupportedRelocation { type_name, .. } = &err else {
        panic!("expected UnsupportedRelocation, got {err}");
    };
    assert!(
        type_name.contains(name) && type_name.contains(reason),
        "{err}"
    );
}

/// What clang emits for a thread-local and for a `.uleb128` label
/// difference is refused by name, not mis-linked.
#[rstest]
#[case(
    "extern __thread int tv; int f(void) { return tv; }",
    "R_RISCV_TLS_GD_HI20"
)]
#[case(
    "extern void g(int); int f1(int x) { g(x); return 1; } int f2(int x) { return x; }\n\
     __asm__(\".section .rodata.u,\\\"a\\\",@progbits\\n.uleb128 f2 - f1\\n.text\\n\");",
    "R_RISCV_SET_ULEB128"
)]
fn clang_kinds_we_refuse(#[case] src: &str, #[case] name: &str) {
    let obj = compile(src, Language::C, "2", &[]);
    // Every symbol resolves: the relocation type must be what fails.
    let any = |_: &str| Some(0x5000_0000u64);
    let err = link(&obj, Arch::Riscv64, BASE, &any, &LinkOptions::default()).unwrap_err();
    let Error::UnsupportedRelocation { type_name, .. } = &err else {
        panic!("expected UnsupportedRelocation, got {err}");
    };
    assert!(type_name.contains(name), "{err}");
}
