//! LoongArch64 at a fixed base, without executing anything.
//!
//! 1. Kernels compiled by clang (C and LLVM IR, -O0/-O2, normal, medium and
//!    extreme code models, with and without relaxation, plus inline-asm
//!    kernels for the kinds clang only emits from assembly) are linked at
//!    [`BASE`]; every patched instruction is decoded *here*, by a small
//!    independent LoongArch decoder, and the instruction sequences are
//!    simulated (`pcalau12i` + `addi.d`, `lu12i.w` .. `lu52i.d`,
//!    `pcaddu18i` + `jirl`, the stub) to check that each reaches the psABI
//!    target.
//! 2. The same objects are linked by `ld.lld-19 --no-relax` at the same
//!    section addresses and compared byte for byte (or, for GOT accesses,
//!    by the address the GOT slot reached holds).
//! 3. Synthetic objects (`object::write`) probe the edge of every range-limited
//!    kind: in range links, out of range gives a stub (branch to an external
//!    symbol) or `Error::RelocationOverflow`, never a truncated field.
//! 4. Unknown and refused types are errors naming the type.

use loader::link::{link, LinkOptions, LinkedImage, RelocRecord, TargetDesc};
use loader::{Arch, Compiler, Error, Language};
use object::write::StandardSection;
use object::{Architecture, SymbolKind, SymbolScope};
use rstest::rstest;
use std::collections::{BTreeSet, HashMap};
use std::process::Command;
#[path = "support/synthetic.rs"]
mod synthetic;
use synthetic::{At, Synthetic};

const ARCH: Arch = Arch::Loongarch64;
const BASE: u64 = 0x4000_0000;
/// Within `bl`'s +-128 MiB of the image: called directly.
const NEAR: u64 = BASE + 0x40_0000;
/// Beyond every branch range, `CALL36`'s +-128 GiB included: through a stub.
const FAR: u64 = 0x7fff_1234_5000;

/// The externals of the kernels. Data lives above 4 GiB and has bit 11 set
/// in places, so every rounding of the HI20/LO12 splits is exercised.
fn resolver() -> HashMap<&'static str, u64> {
    [
        ("sin", FAR),
        ("cos", NEAR + 0x1000),
        ("memcpy", NEAR + 0x2000),
        ("memset", FAR + 0x10),
        ("f0", NEAR + 0x3000),
        ("f1", FAR + 0x20),
        ("f2", NEAR + 0x4000),
        ("f3", FAR + 0x30),
        ("f4", NEAR + 0x5000),
        ("f5", FAR + 0x40),
        ("ext_fn", FAR + 0x50),
        ("ext_scale", 0x7f12_3456_7ff8),
        ("ext_arr", 0x0000_5555_0000_0a40),
        ("ext_var", 0x7ffe_8765_4c38),
        ("ext_small", 0x1234_5e78),
    ]
    .into()
}

/// Every external within direct reach, for ld.lld (which has no range
/// extension thunks for LoongArch and rejects far `bl`s).
fn near_resolver() -> HashMap<&'static str, u64> {
    resolver()
        .into_iter()
        .enumerate()
        .map(|(i, (name, _))| (name, BASE + 0x20_0000 + 0x1000 * i as u64 + 0x9a8))
        .collect()
}

const C_MAIN: &str = r#"
extern double ext_scale;
extern int ext_arr[];
extern double cos(double);
extern void f0(void); extern void f1(void); extern void f2(void);
extern void f3(void); extern void f4(void); extern void f5(void);
static int counter;
static int table[5] = {1, 2, 3, 4, 5};
static const char *names[] = {"a", "bb", "ccc"};
static int add1(int x) { return x + 1; }
int (*fns[])(int) = {add1};
double k(double *x, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) s += __builtin_sin(x[i]) * ext_scale + cos(x[i]);
    counter++;
    table[n % 5] += n;
    return s + names[n & 1][0] + fns[0](n);
}
int sw(int x) {
    switch (x) { case 0: return 3; case 1: return 7; case 2: return 9; case 3: return 1;
                 case 4: return 44; case 5: return 8; default: return -1; }
}
int jt(int x, int y) {
    switch (x) { case 0: f0(); return y + 3; case 1: f1(); return y * 7; case 2: f2(); return y - 9;
                 case 3: f3(); return y ^ 1; case 4: f4(); return 44; case 5: f5(); return y;
                 default: return -1; }
}
void cp(char *d, const char *s, unsigned long n) { __builtin_memcpy(d, s, n); }
void clr(char *d, unsigned long n) { __builtin_memset(d, 0, n); }
int g(int i) { return ext_arr[i]; }
const double *where(void) { return &ext_scale; }
int cg(int x, int y) {
    static const int offs[] = { &&l0 - &&l0, &&l1 - &&l0, &&l2 - &&l0 };
    goto *(&&l0 + offs[x]);
l0: y += 3;
    for (int i = 0; i < x; i++) y = y * 3 + i;
    return y;
l1: y *= 7; return y;
l2: y -= 9; return y;
}
/* Offsets with bit 11 (.bss + 0x9a0 at -O0) and bit 17 (a call over
   0x30000 bytes) set, so the roundings of the split fields matter. */
static char zpad[0x9a0];
static int third;
int get2(int i) { zpad[i] = 1; return ++third; }
static int after_spacer(int x) __attribute__((noinline));
int call_far(int x) { return after_spacer(x) + 1; }
__attribute__((noinline)) void spacer(void) { __asm__ volatile(".skip 0x30000"); }
static __attribute__((noinline)) int after_spacer(int x) { return x * 3 + 1; }
"#;

/// The kinds clang emits only from assembly: absolute and absolute-GOT
/// 64-bit address sequences, `pcaddi`, 64-bit PC-relative data and the
/// 8/16/64-bit label differences.
const C_ASM: &str = r#"
extern int ext_var;
int local_var[4];
__attribute__((section(".text.other"))) int other(int x) { return x + 1; }
long absaddr(void) { long r;
  __asm__ volatile(
    "lu12i.w %0, %%abs_hi20(ext_var)\n\t"
    "ori %0, %0, %%abs_lo12(ext_var)\n\t"
    "lu32i.d %0, %%abs64_lo20(ext_var)\n\t"
    "lu52i.d %0, %0, %%abs64_hi12(ext_var)\n\t" : "=r"(r)); return r; }
long absaddr_local(void) { long r;
  __asm__ volatile(
    "lu12i.w %0, %%abs_hi20(local_var+0x7fc)\n\t"
    "ori %0, %0, %%abs_lo12(local_var+0x7fc)\n\t"
    "lu32i.d %0, %%abs64_lo20(local_var+0x7fc)\n\t"
    "lu52i.d %0, %0, %%abs64_hi12(local_var+0x7fc)\n\t" : "=r"(r)); return r; }
long gotabs(void) { long r;
  __asm__ volatile(
    "lu12i.w %0, %%got_hi20(ext_var)\n\t"
    "ori %0, %0, %%got_lo12(ext_var)\n\t"
    "lu32i.d %0, %%got64_lo20(ext_var)\n\t"
    "lu52i.d %0, %0, %%got64_hi12(ext_var)\n\t"
    "ld.d %0, %0, 0\n\t" : "=r"(r)); return r; }
/* Bit 11 of the target set; CALL36, B26 and B21 over 0x30000 bytes. */
int beyond(int x);
long pc_bias(void) { long r; __asm__ volatile("la.pcrel %0, local_var+0x9a8" : "=r"(r)); return r; }
long call_over(long x) {
  __asm__ volatile("pcaddu18i $ra, %%call36(beyond)\n\tjirl $ra, $ra, 0\n\t"
                   "bl beyond\n\tbeqz $a0, beyond" ::: "ra");
  return x; }
__attribute__((noinline)) void spacer(void) { __asm__ volatile(".skip 0x30000"); }
int beyond(int x) { return x + 2; }
long pcaddi_(void) { long r; __asm__ volatile("pcaddi %0, %%pcrel_20(local_var+8)" : "=r"(r)); return r; }
long branches(long a, long b) {
  __asm__ volatile("beq %0, %1, other\n\t"
                   "beqz %0, other\n\t"
                   "bnez %0, ext_fn\n\t"
                   "b other\n\t" :: "r"(a), "r"(b));
  return a; }
long data(void) { long r; __asm__ volatile(
  ".pushsection .rodata.tbl,\"a\"\n"
  "1: .dword other - .\n"
  ".dword local_var - .\n"
  ".dword ext_var - .\n"
  ".byte 3f - 2f\n"
  ".half 3f - 2f\n"
  ".word 3f - 2f\n"
  ".dword 3f - 2f\n"
  ".word ext_small\n"
  ".popsection\n"
  "2: nop\n .p2align 4\n nop\n3:\n"
  "la.pcrel %0, 1b\n" : "=r"(r)); return r; }
"#;

const IR_MAIN: &str = r#"
@tbl = internal constant [5 x i32] [i32 3, i32 7, i32 9, i32 1, i32 44]
@counter = internal global i64 0
@ext_scale = external global double
@fptrs = global [2 x ptr] [ptr @ir_switch, ptr @sin]
declare double @sin(double)
declare void @ext_fn(i64)

define double @ir_kernel(ptr %x, i64 %n) {
entry:
  %c = load i64, ptr @counter
  %c1 = add i64 %c, 1
  store i64 %c1, ptr @counter
  %s = load double, ptr @ext_scale
  %cmp = icmp sgt i64 %n, 0
  br i1 %cmp, label %loop, label %done
loop:
  %i = phi i64 [0, %entry], [%i1, %loop]
  %acc = phi double [0.0, %entry], [%acc1, %loop]
  %p = getelementptr double, ptr %x, i64 %i
  %v = load double, ptr %p
  %sv = call double @sin(double %v)
  %m = fmul double %sv, %s
  %acc1 = fadd double %acc, %m
  %i1 = add i64 %i, 1
  %e = icmp eq i64 %i1, %n
  br i1 %e, label %done, label %loop
done:
  %r = phi double [0.0, %entry], [%acc1, %loop]
  ret double %r
}

define i32 @ir_switch(i32 %x) {
entry:
  switch i32 %x, label %def [ i32 0, label %a
                              i32 1, label %b
                              i32 2, label %c
                              i32 3, label %d
                              i32 4, label %e ]
a:
  call void @ext_fn(i64 10)
  br label %def
b:
  call void @ext_fn(i64 20)
  ret i32 5
c:
  call void @ext_fn(i64 30)
  ret i32 8
d:
  %t = getelementptr [5 x i32], ptr @tbl, i64 0, i64 3
  %tv = load i32, ptr %t
  ret i32 %tv
e:
  %f = load ptr, ptr getelementptr ([2 x ptr], ptr @fptrs, i64 0, i64 1)
  %fi = ptrtoint ptr %f to i32
  ret i32 %fi
def:
  ret i32 -1
}
"#;

/// clang-19 ignores `-mrelax` for the bare-metal target; the target feature
/// turns relaxation on (`R_LARCH_ALIGN`, `B16`/`B21` to local labels,
/// `ADD`/`SUB` label differences).
const RELAX: &[&str] = &["-Xclang", "-target-feature", "-Xclang", "+relax"];

#[derive(Clone, Copy, Debug)]
struct Case {
    name: &'static str,
    src: &'static str,
    lang: Language,
    opt: &'static str,
    flags: &'static [&'static str],
    /// Kinds this case must produce (a change in clang's output shows here).
    expect: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        name: "c-O2",
        src: C_MAIN,
        lang: Language::C,
        opt: "2",
        flags: &[],
        expect: &[
            "R_LARCH_B26",
            "R_LARCH_PCALA_HI20",
            "R_LARCH_PCALA_LO12",
            "R_LARCH_GOT_PC_HI20",
            "R_LARCH_GOT_PC_LO12",
            "R_LARCH_32_PCREL",
            "R_LARCH_64",
        ],
    },
    Case {
        name: "c-O0",
        src: C_MAIN,
        lang: Language::C,
        opt: "0",
        flags: &[],
        expect: &["R_LARCH_B26", "R_LARCH_32_PCREL", "R_LARCH_64"],
    },
    Case {
        name: "c-O2-medium",
        src: C_MAIN,
        lang: Language::C,
        opt: "2",
        flags: &["-mcmodel=medium"],
        expect: &[
            "R_LARCH_CALL36",
            "R_LARCH_PCALA_HI20",
            "R_LARCH_GOT_PC_HI20",
        ],
    },
    Case {
        name: "c-Os",
        src: C_MAIN,
        lang: Language::C,
        opt: "s",
        flags: &[],
        expect: &["R_LARCH_B26", "R_LARCH_PCALA_HI20", "R_LARCH_GOT_PC_HI20"],
    },
    Case {
        name: "c-O3",
        src: C_MAIN,
        lang: Language::C,
        opt: "3",
        flags: &[],
        expect: &["R_LARCH_B26", "R_LARCH_PCALA_HI20", "R_LARCH_GOT_PC_HI20"],
    },
    Case {
        name: "c-O0-medium",
        src: C_MAIN,
        lang: Language::C,
        opt: "0",
        flags: &["-mcmodel=medium"],
        expect: &["R_LARCH_CALL36"],
    },
    Case {
        name: "c-O2-extreme",
        src: C_MAIN,
        lang: Language::C,
        opt: "2",
        flags: &["-mcmodel=extreme"],
        expect: &[
            "R_LARCH_PCALA64_LO20",
            "R_LARCH_PCALA64_HI12",
            "R_LARCH_GOT64_PC_LO20",
            "R_LARCH_GOT64_PC_HI12",
        ],
    },
    Case {
        name: "c-O2-relax",
        src: C_MAIN,
        lang: Language::C,
        opt: "2",
        flags: &[
            "-Xclang",
            "-target-feature",
            "-Xclang",
            "+relax",
            "-funwind-tables",
        ],
        expect: &[
            "R_LARCH_ALIGN",
            "R_LARCH_B16",
            "R_LARCH_B21",
            "R_LARCH_ADD32",
            "R_LARCH_SUB32",
        ],
    },
    Case {
        name: "c-O0-relax",
        src: C_MAIN,
        lang: Language::C,
        opt: "0",
        flags: RELAX,
        expect: &["R_LARCH_ALIGN", "R_LARCH_B16"],
    },
    Case {
        name: "asm-O2",
        src: C_ASM,
        lang: Language::C,
        opt: "2",
        flags: &[],
        expect: &[
            "R_LARCH_ABS_HI20",
            "R_LARCH_ABS_LO12",
            "R_LARCH_ABS64_LO20",
            "R_LARCH_ABS64_HI12",
            "R_LARCH_GOT_HI20",
            "R_LARCH_GOT_LO12",
            "R_LARCH_GOT64_LO20",
            "R_LARCH_GOT64_HI12",
            "R_LARCH_PCREL20_S2",
            "R_LARCH_64_PCREL",
            "R_LARCH_ADD64",
            "R_LARCH_SUB64",
            "R_LARCH_32",
            "R_LARCH_B16",
            "R_LARCH_B21",
            "R_LARCH_B26",
        ],
    },
    Case {
        name: "asm-O2-relax",
        src: C_ASM,
        lang: Language::C,
        opt: "2",
        flags: RELAX,
        expect: &[
            "R_LARCH_ADD8",
            "R_LARCH_SUB8",
            "R_LARCH_ADD16",
            "R_LARCH_SUB16",
            "R_LARCH_ADD32",
            "R_LARCH_SUB32",
            "R_LARCH_ADD64",
            "R_LARCH_SUB64",
            "R_LARCH_ALIGN",
        ],
    },
    Case {
        name: "ir-O2",
        src: IR_MAIN,
        lang: Language::Ir,
        opt: "2",
        flags: &[],
        expect: &["R_LARCH_B26", "R_LARCH_PCALA_HI20", "R_LARCH_64"],
    },
    Case {
        name: "ir-O0",
        src: IR_MAIN,
        lang: Language::Ir,
        opt: "0",
        flags: &[],
        expect: &["R_LARCH_B26", "R_LARCH_64"],
    },
    Case {
        name: "ir-O2-medium",
        src: IR_MAIN,
        lang: Language::Ir,
        opt: "2",
        flags: &["-mcmodel=medium"],
        expect: &["R_LARCH_CALL36"],
    },
    Case {
        name: "ir-O2-extreme",
        src: IR_MAIN,
        lang: Language::Ir,
        opt: "2",
        flags: &["-mcmodel=extreme"],
        expect: &["R_LARCH_PCALA64_LO20", "R_LARCH_GOT64_PC_HI12"],
    },
    Case {
        name: "ir-O2-relax",
        src: IR_MAIN,
        lang: Language::Ir,
        opt: "2",
        flags: RELAX,
        expect: &["R_LARCH_B16", "R_LARCH_B21", "R_LARCH_ALIGN"],
    },
];

fn case(name: &str) -> Case {
    *CASES.iter().find(|c| c.name == name).unwrap()
}

fn compile(c: &Case) -> Vec<u8> {
    let mut comp = Compiler::new(ARCH).unwrap();
    comp.cpu = loader::Cpu::Baseline;
    comp.opt_level = c.opt.into();
    comp.extra_flags = c.flags.iter().map(|s| s.to_string()).collect();
    comp.compile(c.src, c.lang).unwrap()
}

fn link_at(obj: &[u8], res: &HashMap<&'static str, u64>) -> LinkedImage {
    link(obj, ARCH, BASE, res, &LinkOptions::default()).unwrap()
}

// ---------------------------------------------------------------------------
// An independent LoongArch decoder and sequence simulator.

/// Something that holds bytes at addresses: our image, or lld's output.
trait Mem {
    fn read(&self, addr: u64, len: usize) -> Option<Vec<u8>>;

    fn word(&self, addr: u64) -> u32 {
        let b = self
            .read(addr, 4)
            .unwrap_or_else(|| panic!("no code at {addr:#x}"));
        u32::from_le_bytes(b.try_into().unwrap())
    }

    fn u64_at(&self, addr: u64) -> u64 {
        let b = self
            .read(addr, 8)
            .unwrap_or_else(|| panic!("no data at {addr:#x}"));
        u64::from_le_bytes(b.try_into().unwrap())
    }
}

impl Mem for LinkedImage {
    fn read(&self, addr: u64, len: usize) -> Option<Vec<u8>> {
        self.bytes_at(addr, len).map(<[u8]>::to_vec)
    }
}

fn sext(v: u64, bits: u32) -> i64 {
    ((v << (64 - bits)) as i64) >> (64 - bits)
}

fn rd(i: u32) -> u32 {
    i & 0x1f
}
fn rj(i: u32) -> u32 {
    (i >> 5) & 0x1f
}
/// si20 of the 1RI20 format (bits 24:5).
fn si20(i: u32) -> i64 {
    sext(u64::from((i >> 5) & 0xf_ffff), 20)
}
/// si12/ui12 of the 2RI12 format (bits 21:10).
fn si12(i: u32) -> i64 {
    sext(u64::from((i >> 10) & 0xfff), 12)
}
fn ui12(i: u32) -> u64 {
    u64::from((i >> 10) & 0xfff)
}
fn offs16(i: u32) -> i64 {
    sext(u64::from((i >> 10) & 0xffff), 16) << 2
}
fn offs21(i: u32) -> i64 {
    sext(u64::from(((i & 0x1f) << 16) | ((i >> 10) & 0xffff)), 21) << 2
}
fn offs26(i: u32) -> i64 {
    sext(u64::from(((i & 0x3ff) << 16) | ((i >> 10) & 0xffff)), 26) << 2
}
fn op7(i: u32) -> u32 {
    i >> 25
}
fn op6(i: u32) -> u32 {
    i >> 26
}
fn op10(i: u32) -> u32 {
    i >> 22
}

const OP7_LU12I_W: u32 = 0x0a;
const OP7_LU32I_D: u32 = 0x0b;
const OP7_PCADDI: u32 = 0x0c;
const OP7_PCALAU12I: u32 = 0x0d;
const OP7_PCADDU12I: u32 = 0x0e;
const OP7_PCADDU18I: u32 = 0x0f;
const OP10_LU52I_D: u32 = 0x00c;
const OP10_ADDI_D: u32 = 0x00b;
const OP10_ORI: u32 = 0x00e;
const OP10_LD_D: u32 = 0x0a3;
const OP6_JIRL: u32 = 0x13;

fn page(x: u64) -> u64 {
    x & !0xfff
}

/// `lu32i.d` then `lu52i.d` on `t`: bits 51:32, then 63:52.
fn lu32_lu52(t: u64, lu32: u32, lu52: u32) -> u64 {
    assert_eq!(op7(lu32), OP7_LU32I_D, "{lu32:#010x} is not lu32i.d");
    assert_eq!(op10(lu52), OP10_LU52I_D, "{lu52:#010x} is not lu52i.d");
    assert_eq!(rd(lu32), rj(lu52));
    let t = (t & 0xffff_ffff) | ((si20(lu32) as u64) << 32);
    (t & 0x000f_ffff_ffff_ffff) | (ui12(lu52) << 52)
}

/// Where a `pcaddu12i $t3; ld.d $t3; jr $t3` stub jumps: the value of the
/// GOT slot it loads.
fn stub_jumps_to(m: &dyn Mem, stub: u64) -> u64 {
    let (a, b, c) = (m.word(stub), m.word(stub + 4), m.word(stub + 8));
    assert_eq!(op7(a), OP7_PCADDU12I, "stub {stub:#x}: {a:#010x}");
    assert_eq!(op10(b), OP10_LD_D, "stub {stub:#x}: {b:#010x}");
    assert_eq!(op6(c), OP6_JIRL, "stub {stub:#x}: {c:#010x}");
    // Only $t3 ($r15, the PLT entry's register) is written; jirl links to $zero.
    assert_eq!((rd(a), rj(b), rd(b), rj(c), rd(c)), (15, 15, 15, 15, 0));
    assert_eq!(offs16(c), 0);
    let slot = stub
        .wrapping_add((si20(a) << 12) as u64)
        .wrapping_add(si12(b) as u64);
    m.u64_at(slot)
}

const PC_HI: &[&str] = &["R_LARCH_PCALA_HI20", "R_LARCH_GOT_PC_HI20"];
const PC_LO: &[&str] = &["R_LARCH_PCALA_LO12", "R_LARCH_GOT_PC_LO12"];
const ABS_HI: &[&str] = &["R_LARCH_ABS_HI20", "R_LARCH_GOT_HI20"];
const ABS_LO: &[&str] = &["R_LARCH_ABS_LO12", "R_LARCH_GOT_LO12"];

fn lo_of(hi: &str) -> Option<&'static str> {
    match hi {
        "R_LARCH_PCALA_HI20" => Some("R_LARCH_PCALA_LO12"),
        "R_LARCH_GOT_PC_HI20" => Some("R_LARCH_GOT_PC_LO12"),
        "R_LARCH_ABS_HI20" => Some("R_LARCH_ABS_LO12"),
        "R_LARCH_GOT_HI20" => Some("R_LARCH_GOT_LO12"),
        _ => None,
    }
}

/// The high-part record of the sequence `r` belongs to.
fn high_part<'a>(log: &'a [RelocRecord], i: usize, m: &dyn Mem) -> &'a RelocRecord {
    let r = &log[i];
    let same = |h: &RelocRecord| h.symbol == r.symbol && h.addend == r.addend;
    match r.type_name {
        t if PC_HI.contains(&t) || ABS_HI.contains(&t) => r,
        "R_LARCH_PCALA64_LO20"
        | "R_LARCH_GOT64_PC_LO20"
        | "R_LARCH_ABS64_LO20"
        | "R_LARCH_GOT64_LO20" => log
            .iter()
            .find(|h| h.place + 8 == r.place && same(h))
            .unwrap_or_else(|| panic!("{r}: no high part 8 bytes before")),
        "R_LARCH_PCALA64_HI12"
        | "R_LARCH_GOT64_PC_HI12"
        | "R_LARCH_ABS64_HI12"
        | "R_LARCH_GOT64_HI12" => log
            .iter()
            .find(|h| h.place + 12 == r.place && same(h))
            .unwrap_or_else(|| panic!("{r}: no high part 12 bytes before")),
        _ => {
            // A LO12: the nearest earlier high part of the same symbol and
            // addend whose destination register this instruction reads.
            let lo = m.word(r.place);
            log[..i]
                .iter()
                .rev()
                .find(|h| {
                    same(h)
                        && lo_of(h.type_name) == Some(r.type_name)
                        && (rd(m.word(h.place)) == rj(lo) || rj(lo) == 0)
                })
                .unwrap_or_else(|| panic!("{r}: no high part"))
        }
    }
}

/// The address an address-forming sequence reaches, simulated from the high
/// part `h` (the pairs of the normal model; the 4-instruction sequences of
/// the extreme model, recognised by their `lu32i.d` 8 bytes on).
fn sequence_reaches(log: &[RelocRecord], h: &RelocRecord, lo_place: u64, m: &dyn Mem) -> u64 {
    let hi = m.word(h.place);
    let extreme = log.iter().any(|r| {
        r.place == h.place + 8
            && r.symbol == h.symbol
            && (r.type_name.ends_with("64_LO20") || r.type_name.ends_with("64_PC_LO20"))
    });
    if PC_HI.contains(&h.type_name) {
        assert_eq!(op7(hi), OP7_PCALAU12I, "{h}: {hi:#010x} is not pcalau12i");
        let a = page(h.place).wrapping_add((si20(hi) << 12) as u64);
        if extreme {
            // pcalau12i A; addi.d T, $zero, lo12; lu32i.d T; lu52i.d T, T; A + T
            let lo = m.word(h.place + 4);
            assert_eq!(op10(lo), OP10_ADDI_D);
            assert_eq!(rj(lo), 0);
            let t = lu32_lu52(si12(lo) as u64, m.word(h.place + 8), m.word(h.place + 12));
            a.wrapping_add(t)
        } else {
            // The low instruction (addi.d, ld.*, st.*, fld.*, ...) adds its si12.
            a.wrapping_add(si12(m.word(lo_place)) as u64)
        }
    } else {
        // lu12i.w T; ori T, T, lo12 [; lu32i.d T; lu52i.d T, T]
        assert_eq!(op7(hi), OP7_LU12I_W, "{h}: {hi:#010x} is not lu12i.w");
        let lo_place = if extreme { h.place + 4 } else { lo_place };
        let lo = m.word(lo_place);
        assert_eq!(op10(lo), OP10_ORI);
        let t = (sext(((si20(hi) as u64) << 12) & 0xffff_ffff, 32) as u64) | ui12(lo);
        if extreme {
            lu32_lu52(t, m.word(h.place + 8), m.word(h.place + 12))
        } else {
            t
        }
    }
}

/// What a record's patched field means, decoded from the bytes in `m`.
#[derive(Debug, PartialEq, Eq)]
enum Meaning {
    /// Control or an address-forming sequence reaches this address.
    Reaches(u64),
    /// A data word holds this value (`width` bytes, or 6 bits).
    Holds(i64),
    /// A marker.
    Nothing,
}

fn meaning(log: &[RelocRecord], i: usize, m: &dyn Mem) -> Meaning {
    let r = &log[i];
    let p = r.place;
    let data = |n: usize| {
        let b = m.read(p, n).unwrap();
        let mut v = [0u8; 8];
        v[..n].copy_from_slice(&b);
        sext(u64::from_le_bytes(v), 8 * n as u32)
    };
    match r.type_name {
        "R_LARCH_NONE"
        | "R_LARCH_RELAX"
        | "R_LARCH_ALIGN"
        | "R_LARCH_GNU_VTINHERIT"
        | "R_LARCH_GNU_VTENTRY" => Meaning::Nothing,
        "R_LARCH_B16" => {
            let w = m.word(p);
            assert!((0x13..=0x1b).contains(&op6(w)), "{r}: {w:#010x}");
            Meaning::Reaches(p.wrapping_add(offs16(w) as u64))
        }
        "R_LARCH_B21" => {
            let w = m.word(p);
            assert!((0x10..=0x12).contains(&op6(w)), "{r}: {w:#010x}");
            Meaning::Reaches(p.wrapping_add(offs21(w) as u64))
        }
        "R_LARCH_B26" => {
            let w = m.word(p);
            assert!((0x14..=0x15).contains(&op6(w)), "{r}: {w:#010x}");
            Meaning::Reaches(p.wrapping_add(offs26(w) as u64))
        }
        "R_LARCH_CALL36" => {
            let (hi, lo) = (m.word(p), m.word(p + 4));
            assert_eq!(op7(hi), OP7_PCADDU18I, "{r}: {hi:#010x}");
            assert_eq!(op6(lo), OP6_JIRL, "{r}: {lo:#010x}");
            assert_eq!(rd(hi), rj(lo));
            Meaning::Reaches(
                p.wrapping_add((si20(hi) << 18) as u64)
                    .wrapping_add(offs16(lo) as u64),
            )
        }
        "R_LARCH_PCREL20_S2" => {
            let w = m.word(p);
            assert_eq!(op7(w), OP7_PCADDI);
            Meaning::Reaches(p.wrapping_add((si20(w) << 2) as u64))
        }
        "R_LARCH_32" | "R_LARCH_32_PCREL" => Meaning::Holds(data(4)),
        "R_LARCH_64" | "R_LARCH_64_PCREL" => Meaning::Holds(data(8)),
        "R_LARCH_ADD6" | "R_LARCH_SUB6" => Meaning::Holds(data(1) & 0x3f),
        "R_LARCH_ADD8" | "R_LARCH_SUB8" => Meaning::Holds(data(1)),
        "R_LARCH_ADD16" | "R_LARCH_SUB16" => Meaning::Holds(data(2)),
        "R_LARCH_ADD32" | "R_LARCH_SUB32" => Meaning::Holds(data(4)),
        "R_LARCH_ADD64" | "R_LARCH_SUB64" => Meaning::Holds(data(8)),
        _ => {
            let h = high_part(log, i, m);
            let lo_place = if PC_LO.contains(&r.type_name) || ABS_LO.contains(&r.type_name) {
                p
            } else {
                // A high part: the first low part that pairs with it.
                log.iter()
                    .enumerate()
                    .skip(i + 1)
                    .find(|&(j, l)| {
                        lo_of(h.type_name) == Some(l.type_name)
                            && std::ptr::eq(high_part(log, j, m), h)
                    })
                    .map_or(h.place + 4, |(_, l)| l.place)
            };
            Meaning::Reaches(sequence_reaches(log, h, lo_place, m))
        }
    }
}

/// The address of a symbol named by a log record, from the image's public
/// tables and the resolver (never from the engine's relocation values).
fn symbol_address(img: &LinkedImage, res: &HashMap<&'static str, u64>, name: &str) -> u64 {
    res.get(name)
        .copied()
        .or_else(|| {
            img.output
                .symbols
                .iter()
                .find(|s| s.name == name)
                .map(|s| s.address)
        })
        .unwrap_or_else(|| panic!("no address for {name}"))
}

fn section_address(img: &LinkedImage, name: &str) -> u64 {
    img.output
        .sections
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no section {name}"))
        .address
}

fn is_got_kind(name: &str) -> bool {
    name.starts_with("R_LARCH_GOT")
}

fn is_branch(name: &str) -> bool {
    matches!(
        name,
        "R_LARCH_B16" | "R_LARCH_B21" | "R_LARCH_B26" | "R_LARCH_CALL36"
    )
}

/// Whether a branch of kind `name` reaches `delta` directly.
fn branch_reaches(name: &str, delta: i64) -> bool {
    let bits = match name {
        "R_LARCH_B16" => 18,
        "R_LARCH_B21" => 23,
        "R_LARCH_B26" => 28,
        _ => return (-(1i64 << 37)..(1i64 << 37)).contains(&(delta + 0x20000)),
    };
    (-(1i64 << (bits - 1))..(1i64 << (bits - 1))).contains(&delta)
}

/// Checks every record of `img` against the psABI formula; returns the
/// kinds seen.
fn check_fields(img: &LinkedImage, res: &HashMap<&'static str, u64>) -> BTreeSet<&'static str> {
    let log = &img.output.log;
    let mut seen = BTreeSet::new();
    for (i, r) in log.iter().enumerate() {
        seen.insert(r.type_name);
        let (a, p) = (r.addend, r.place);
        // S: where the relocation's symbol is.
        let s = match &r.target {
            TargetDesc::None => {
                assert_eq!(meaning(log, i, img), Meaning::Nothing, "{r}");
                if r.type_name == "R_LARCH_ALIGN" {
                    // The padding stays: addend bytes of nops at the place.
                    let n = r.addend as usize;
                    let pad = img.bytes_at(p, n).unwrap();
                    for w in pad.chunks(4) {
                        assert_eq!(w, 0x0340_0000u32.to_le_bytes(), "{r}: not a nop");
                    }
                }
                continue;
            }
            TargetDesc::Defined {
                section, offset, ..
            } => section_address(img, section) + offset,
            TargetDesc::External(name) | TargetDesc::GotSlot(name) | TargetDesc::Stub(name) => {
                symbol_address(img, res, name)
            }
            TargetDesc::Absolute(v) => *v,
            other => panic!("{r}: unexpected target {other}"),
        };
        let ta = s.wrapping_add(a as u64);
        match meaning(log, i, img) {
            Meaning::Reaches(at) if is_got_kind(r.type_name) => {
                // The sequence reaches a slot of the GOT that holds S (+A is
                // added to the slot address, and is 0 in practice).
                assert_eq!(a, 0, "{r}");
                let got = &img.output.got;
                assert!(
                    got.iter().any(|&(_, g)| g == at),
                    "{r}: {at:#x} is no GOT slot"
                );
                assert_eq!(img.u64_at(at), s, "{r}: GOT slot {at:#x}");
            }
            Meaning::Reaches(at) if is_branch(r.type_name) => {
                let direct = ta.wrapping_sub(p) as i64;
                if let TargetDesc::Stub(name) = &r.target {
                    assert!(
                        !branch_reaches(r.type_name, direct),
                        "{r}: stub used although {direct:#x} is in reach"
                    );
                    assert!(img.output.stubs.iter().any(|(n, a)| n == name && *a == at));
                    assert_eq!(stub_jumps_to(img, at), s, "{r}: stub");
                } else {
                    assert_eq!(at, ta, "{r}");
                }
            }
            Meaning::Reaches(at) => assert_eq!(at, ta, "{r}"),
            Meaning::Holds(v) => {
                let bytes = |b: &[u8], n: usize| {
                    let mut v = [0u8; 8];
                    v[..n].copy_from_slice(&b[..n]);
                    sext(u64::from_le_bytes(v), 8 * n as u32)
                };
                // Several ADD/SUB records patch one place in turn: check
                // each step on its own before/after bytes.
                let v = if r.type_name.contains("_ADD") || r.type_name.contains("_SUB") {
                    bytes(&r.after, r.after.len())
                } else {
                    v
                };
                let old = |n: usize| {
                    let mut b = [0u8; 8];
                    b[..n].copy_from_slice(&r.before[..n]);
                    sext(u64::from_le_bytes(b), 8 * n as u32)
                };
                let pc = ta.wrapping_sub(p) as i64;
                let (want, bits) = match r.type_name {
                    "R_LARCH_32" => {
                        assert!(u32::try_from(ta).is_ok() || i32::try_from(ta as i64).is_ok());
                        (ta as i64, 32)
                    }
                    "R_LARCH_32_PCREL" => {
                        assert!(i32::try_from(pc).is_ok(), "{r}");
                        (pc, 32)
                    }
                    "R_LARCH_64" => (ta as i64, 64),
                    "R_LARCH_64_PCREL" => (pc, 64),
                    "R_LARCH_ADD6" => (old(1) + ta as i64, 6),
                    "R_LARCH_SUB6" => (old(1) - ta as i64, 6),
                    "R_LARCH_ADD8" => (old(1).wrapping_add(ta as i64), 8),
                    "R_LARCH_SUB8" => (old(1).wrapping_sub(ta as i64), 8),
                    "R_LARCH_ADD16" => (old(2).wrapping_add(ta as i64), 16),
                    "R_LARCH_SUB16" => (old(2).wrapping_sub(ta as i64), 16),
                    "R_LARCH_ADD32" => (old(4).wrapping_add(ta as i64), 32),
                    "R_LARCH_SUB32" => (old(4).wrapping_sub(ta as i64), 32),
                    "R_LARCH_ADD64" => (old(8).wrapping_add(ta as i64), 64),
                    "R_LARCH_SUB64" => (old(8).wrapping_sub(ta as i64), 64),
                    other => panic!("{other}"),
                };
                let mask = if bits == 64 {
                    !0u64
                } else {
                    (1u64 << bits) - 1
                };
                assert_eq!(v as u64 & mask, want as u64 & mask, "{r}");
                if bits == 6 {
                    assert_eq!(r.after[0] & 0xc0, r.before[0] & 0xc0, "{r}: bits 7:6 kept");
                }
            }
            Meaning::Nothing => panic!("{r}: a marker with a target"),
        }
    }
    seen
}

#[rstest]
#[case("c-O2")]
#[case("c-O0")]
#[case("c-O2-medium")]
#[case("c-Os")]
#[case("c-O3")]
#[case("c-O0-medium")]
#[case("c-O2-extreme")]
#[case("c-O2-relax")]
#[case("c-O0-relax")]
#[case("asm-O2")]
#[case("asm-O2-relax")]
#[case("ir-O2")]
#[case("ir-O0")]
#[case("ir-O2-medium")]
#[case("ir-O2-extreme")]
#[case("ir-O2-relax")]
fn every_field_matches_the_formula(#[case] name: &str) {
    let c = case(name);
    let img = link_at(&compile(&c), &resolver());
    let seen = check_fields(&img, &resolver());
    for k in c.expect {
        assert!(seen.contains(k), "{name}: {k} not emitted: {seen:?}");
    }
}

#[test]
fn far_external_calls_go_through_a_stub_near_ones_do_not() {
    for name in ["c-O2", "c-O2-medium"] {
        let img = link_at(&compile(&case(name)), &resolver());
        let log = &img.output.log;
        let call = if name == "c-O2" {
            "R_LARCH_B26"
        } else {
            "R_LARCH_CALL36"
        };
        let to = |t: TargetDesc| log.iter().any(|r| r.type_name == call && r.target == t);
        assert!(to(TargetDesc::Stub("sin".into())), "{name}");
        assert!(to(TargetDesc::External("cos".into())), "{name}");
        assert!(to(TargetDesc::External("f0".into())), "{name}");
        assert!(to(TargetDesc::Stub("f1".into())), "{name}");
        assert!(!to(TargetDesc::External("sin".into())), "{name}");
        // One stub per symbol, however many calls.
        let stubs: BTreeSet<_> = img.output.stubs.iter().map(|(n, _)| n.clone()).collect();
        assert_eq!(stubs.len(), img.output.stubs.len());
    }
}

/// A private temporary directory, removed on drop.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new() -> TempDir {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!("loader-la64-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }

    fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The stub disassembles (with llvm-objdump-19) to the documented
/// instructions.
#[test]
fn stub_is_pcaddu12i_ld_jr() {
    let img = link_at(&compile(&case("c-O2")), &resolver());
    let (_, stub) = img
        .output
        .stubs
        .iter()
        .find(|(n, _)| n == "sin")
        .unwrap()
        .clone();
    // Wrap the stub's bytes in an object so the disassembler knows the arch.
    let mut o = Synthetic::new(Architecture::LoongArch64);
    o.text(img.bytes_at(stub, 16).unwrap(), 4);
    let dir = TempDir::new();
    let path = dir.path().join("stub.o");
    std::fs::write(&path, o.finish()).unwrap();
    let Ok(out) = Command::new("llvm-objdump-19")
        .args(["-d", "--no-show-raw-insn"])
        .arg(&path)
        .output()
    else {
        eprintln!("llvm-objdump-19 not found: skipped");
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let insns: Vec<String> = text
        .lines()
        .filter_map(|l| l.trim_start().split_once(':'))
        .filter(|(a, _)| !a.is_empty() && a.chars().all(|c| c.is_ascii_hexdigit()))
        .map(|(_, i)| i.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|i| !i.is_empty())
        .collect();
    assert_eq!(insns.len(), 4, "{text}");
    assert!(insns[0].starts_with("pcaddu12i $t3,"), "{insns:?}");
    assert!(insns[1].starts_with("ld.d $t3, $t3,"), "{insns:?}");
    assert!(
        insns[2] == "jr $t3" || insns[2] == "jirl $zero, $t3, 0",
        "{insns:?}"
    );
    assert_eq!(insns[3], "break 0", "{insns:?}");
    assert_eq!(stub_jumps_to(&img, stub), FAR);
}

// ---------------------------------------------------------------------------
// Differential check against ld.lld-19.

/// lld's output, read back with the `object` crate.
struct LldImage {
    sections: Vec<(u64, Vec<u8>)>,
}

impl Mem for LldImage {
    fn read(&self, addr: u64, len: usize) -> Option<Vec<u8>> {
        self.sections.iter().find_map(|(a, d)| {
            let off = usize::try_from(addr.checked_sub(*a)?).ok()?;
            d.get(off..off + len).map(<[u8]>::to_vec)
        })
    }
}

fn lld_available() -> bool {
    Command::new("ld.lld-19").arg("--version").output().is_ok()
}

/// Links `obj` with lld, each of our sections at the address we gave it.
fn lld_link(obj: &[u8], img: &LinkedImage, res: &HashMap<&'static str, u64>) -> LldImage {
    use object::{Object as _, ObjectSection as _};
    let dir = TempDir::new();
    let input = dir.path().join("k.o");
    std::fs::write(&input, obj).unwrap();
    // One output section per input section, at our address; lld's own GOT
    // beyond our image.
    let mut script = String::from("SECTIONS {\n");
    for s in &img.output.sections {
        script += &format!("  {} {:#x} : {{ *({}) }}\n", s.name, s.address, s.name);
    }
    script += &format!("  .got {:#x} : {{ *(.got) }}\n}}\n", BASE + 0x800_0000);
    let script_path = dir.path().join("link.ld");
    std::fs::write(&script_path, &script).unwrap();
    let output = dir.path().join("k.elf");
    let mut cmd = Command::new("ld.lld-19");
    cmd.args(["--no-relax", "-z", "norelro", "-e", "0", "-T"])
        .arg(&script_path)
        .arg("-o")
        .arg(&output)
        .arg(&input);
    for (name, addr) in res {
        cmd.arg(format!("--defsym={name}={addr:#x}"));
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "lld failed:\n{}\n{script}",
        String::from_utf8_lossy(&out.stderr)
    );
    let data = std::fs::read(&output).unwrap();
    let file = object::File::parse(&*data).unwrap();
    let sections = file
        .sections()
        .filter(|s| s.address() != 0)
        .map(|s| (s.address(), s.data().unwrap_or(&[]).to_vec()))
        .collect();
    LldImage { sections }
}

/// Cases without relaxation: lld deletes `R_LARCH_ALIGN` padding even with
/// `--no-relax` and so moves code; we keep it (see the arch module), so for
/// relaxed objects the two layouts legitimately differ and only the
/// field-by-field check above applies.
#[rstest]
#[case("c-O2")]
#[case("c-O0")]
#[case("c-Os")]
#[case("c-O3")]
#[case("c-O2-medium")]
#[case("c-O0-medium")]
#[case("c-O2-extreme")]
#[case("asm-O2")]
#[case("ir-O2")]
#[case("ir-O0")]
#[case("ir-O2-medium")]
#[case("ir-O2-extreme")]
fn same_bytes_as_lld(#[case] name: &str) {
    if !lld_available() {
        eprintln!("ld.lld-19 not found: skipped");
        return;
    }
    let obj = compile(&case(name));
    // Every external in direct reach: lld 19 has no LoongArch range
    // extension thunks and rejects a far `bl` instead.
    let res = near_resolver();
    let img = link_at(&obj, &res);
    let lld = lld_link(&obj, &img, &res);
    let log = &img.output.log;
    let mut compared = 0;
    for (i, r) in log.iter().enumerate() {
        if r.after.is_empty() {
            continue; // markers
        }
        assert!(!matches!(r.target, TargetDesc::Stub(_)), "{r}");
        if is_got_kind(r.type_name) {
            // Exception: lld has its own GOT elsewhere. Both sequences must
            // reach a slot holding the same address.
            let (Meaning::Reaches(ours), Meaning::Reaches(theirs)) =
                (meaning(log, i, &img), meaning(log, i, &lld))
            else {
                panic!("{r}")
            };
            assert_eq!(
                img.u64_at(ours),
                lld.u64_at(theirs),
                "{r}: GOT slot contents"
            );
        } else {
            // The final bytes (an ADD/SUB pair patches one place twice).
            let ours = img.read(r.place, r.after.len()).unwrap();
            let theirs = lld.read(r.place, r.after.len()).unwrap();
            assert_eq!(ours, theirs, "{r}: ours {ours:02x?} lld {theirs:02x?}");
        }
        compared += 1;
    }
    assert!(compared > 5, "{name}: only {compared} relocations compared");
    eprintln!("{name}: {compared} patched places agree with lld (bytes, or GOT slot contents)");
    // The whole code section is identical too, outside the GOT accesses.
    let text = section_address(&img, ".text");
    let size = img
        .output
        .sections
        .iter()
        .find(|s| s.name == ".text")
        .unwrap()
        .size as usize;
    let ours = img.bytes_at(text, size).unwrap();
    let theirs = lld.read(text, size).unwrap();
    for (off, (a, b)) in ours.chunks(4).zip(theirs.chunks(4)).enumerate() {
        if a != b {
            let at = text + 4 * off as u64;
            assert!(
                log.iter()
                    .any(|r| is_got_kind(r.type_name) && r.place == at),
                "{name}: .text+{:#x} differs outside a GOT access: {a:02x?} vs {b:02x?}",
                4 * off
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Synthetic objects: range edges, alignment, unknown types.

/// A symbol of a synthetic object.
enum Sym {
    /// Undefined: the resolver supplies it.
    External(&'static str),
    /// Defined in the object's `.bss` at this offset.
    Bss(u64),
}

/// `.text` = `words`, one relocation at `offset` against `sym`, and a `.bss`
/// of `bss` bytes.
fn synth(words: &[u32], relocs: &[(u64, u32, &Sym, i64)], bss: u64) -> Vec<u8> {
    let mut o = Synthetic::new(Architecture::LoongArch64);
    let code: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    let text = o.text(&code, 4);
    let bss_id = o
        .object_mut()
        .section_id(StandardSection::UninitializedData);
    if bss > 0 {
        o.object_mut().append_section_bss(bss_id, bss, 16);
    }
    for &(offset, r_type, sym, addend) in relocs {
        let (name, at, kind) = match sym {
            Sym::External(n) => (n.to_string(), At::Undefined, SymbolKind::Unknown),
            Sym::Bss(v) => {
                let at = At::Section {
                    section: bss_id,
                    value: *v,
                    size: 0,
                };
                (format!("bss_{v:x}"), at, SymbolKind::Data)
            }
        };
        let id = match o.symbol_named(&name) {
            Some(id) => id,
            None => o.symbol(&name, at, kind, SymbolScope::Linkage),
        };
        o.reloc(text, offset, r_type, id, addend);
    }
    o.finish()
}

const BEQ: u32 = 0x5800_0000 | (5 << 5) | 4; // beq $a0, $a1, 0
const BEQZ: u32 = 0x4000_0000 | (4 << 5); // beqz $a0, 0
const BL: u32 = 0x5400_0000; // bl 0
const PCADDU18I_RA: u32 = 0x1e00_0001; // pcaddu18i $ra, 0
const JIRL_RA: u32 = 0x4c00_0000 | (1 << 5) | 1; // jirl $ra, $ra, 0
const PCADDI: u32 = 0x1800_0004; // pcaddi $a0, 0
const PCALAU12I: u32 = 0x1a00_0004; // pcalau12i $a0, 0
const ADDI_D: u32 = 0x02c0_0000 | (4 << 5) | 4; // addi.d $a0, $a0, 0
const ADDI_D_T8_ZERO: u32 = 0x02c0_0014; // addi.d $t8, $zero, 0
const LU32I_D_T8: u32 = 0x1600_0014; // lu32i.d $t8, 0
const LU52I_D_T8: u32 = 0x0300_0000 | (20 << 5) | 20; // lu52i.d $t8, $t8, 0
const NOP: u32 = 0x0340_0000;

fn synth_link(obj: &[u8], res: &HashMap<&'static str, u64>) -> loader::Result<LinkedImage> {
    link(obj, ARCH, BASE, res, &LinkOptions::default())
}

/// One relocation of kind `r_type` at `.text+0` (= `BASE`) to an external
/// symbol at `BASE + delta`.
fn one_external(words: &[u32], r_type: u32, delta: i64) -> loader::Result<LinkedImage> {
    let obj = synth(words, &[(0, r_type, &Sym::External("x"), 0)], 0);
    synth_link(
        &obj,
        &HashMap::from([("x", BASE.wrapping_add(delta as u64))]),
    )
}

fn assert_overflow(r: loader::Result<LinkedImage>, kind: &str) {
    match r {
        Err(Error::RelocationOverflow { type_name, .. }) => assert_eq!(type_name, kind),
        Err(e) => panic!("{kind}: expected an overflow, got {e}"),
        Ok(img) => panic!("{kind}: linked: {}", img.output.log[0]),
    }
}

/// Branches to external symbols: in reach, direct; one step out, a stub
/// (whose own reach back to the image is then checked by the decoder).
#[rstest]
#[case::b16(64, "R_LARCH_B16", &[BEQ], 1 << 17)]
#[case::b21(65, "R_LARCH_B21", &[BEQZ], 1 << 22)]
#[case::b26(66, "R_LARCH_B26", &[BL], 1 << 27)]
#[case::call36(110, "R_LARCH_CALL36", &[PCADDU18I_RA, JIRL_RA], (1 << 37) - 0x20000)]
fn external_branch_edges(
    #[case] r_type: u32,
    #[case] kind: &str,
    #[case] words: &[u32],
    #[case] reach: i64,
) {
    let low = if kind == "R_LARCH_CALL36" {
        -(1i64 << 37) - 0x20000
    } else {
        -reach
    };
    for (delta, direct) in [
        (reach - 4, true),
        (low, true),
        (reach, false),
        (low - 4, false),
        (reach + 0x1000_0000, false),
    ] {
        let img = one_external(words, r_type, delta).unwrap();
        let r = &img.output.log[0];
        let res = HashMap::from([("x", BASE.wrapping_add(delta as u64))]);
        check_fields(&img, &res);
        match (&r.target, direct) {
            (TargetDesc::External(_), true) => {
                assert_eq!(
                    meaning(&img.output.log, 0, &img),
                    Meaning::Reaches(BASE.wrapping_add(delta as u64))
                );
            }
            (TargetDesc::Stub(_), false) => {}
            (t, _) => panic!("{kind} delta {delta:#x}: target {t}"),
        }
    }
}

/// Branches to symbols of the object itself have no stub: out of reach is
/// an overflow error, a misaligned target an alignment error.
#[rstest]
#[case::b16(64, "R_LARCH_B16", &[BEQ], 1 << 17)]
#[case::b21(65, "R_LARCH_B21", &[BEQZ], 1 << 22)]
#[case::b26(66, "R_LARCH_B26", &[BL], 1 << 27)]
fn local_branch_edges(
    #[case] r_type: u32,
    #[case] kind: &str,
    #[case] words: &[u32],
    #[case] reach: u64,
) {
    // .text is 16 bytes at BASE; .bss starts on the next page group
    // (BASE + 64 KiB, the default page size): target = bss + off.
    let text_len = 16;
    let mut padded = words.to_vec();
    padded.resize(text_len / 4, NOP);
    let bss_start = BASE + 0x1_0000;
    let inside = reach - 4 - (bss_start - BASE);
    for (off, ok) in [(inside, true), (inside + 4, false)] {
        let obj = synth(&padded, &[(0, r_type, &Sym::Bss(off), 0)], off + 16);
        let res = HashMap::new();
        let got = synth_link(&obj, &res);
        if ok {
            let img = got.unwrap();
            assert_eq!(
                section_address(&img, ".bss"),
                bss_start,
                "layout assumption"
            );
            check_fields(&img, &res);
            assert_eq!(
                meaning(&img.output.log, 0, &img),
                Meaning::Reaches(BASE + reach - 4)
            );
        } else {
            assert_overflow(got, kind);
        }
    }
    // Misaligned: bss + 2.
    let obj = synth(&padded, &[(0, r_type, &Sym::Bss(2), 0)], 16);
    match synth_link(&obj, &HashMap::new()) {
        Err(Error::RelocationOverflow { problem, .. }) => {
            assert!(problem.contains("multiple of 4"), "{problem}")
        }
        other => panic!("{kind}: {:?}", other.map(|i| i.output.log[0].to_string())),
    }
}

/// Non-branch range-limited kinds against an external symbol: just inside
/// links (and decodes to the target), just outside is an overflow.
#[rstest]
#[case::pcrel20_s2(103, "R_LARCH_PCREL20_S2", &[PCADDI], -(1 << 21), (1 << 21) - 4)]
#[case::pcala_hi20(71, "R_LARCH_PCALA_HI20", &[PCALAU12I, ADDI_D], -0x8000_0800, 0x7fff_f7ff)]
#[case::pcrel32(99, "R_LARCH_32_PCREL", &[0, 0], -(1 << 31), (1 << 31) - 1)]
fn pc_relative_edges(
    #[case] r_type: u32,
    #[case] kind: &str,
    #[case] words: &[u32],
    #[case] lo: i64,
    #[case] hi: i64,
) {
    for (delta, ok) in [(lo, true), (hi, true), (lo - 1, false), (hi + 1, false)] {
        // PCREL20_S2 needs 4-byte alignment: probe the edges on multiples of 4.
        let delta = if r_type == 103 && !ok {
            if delta < lo {
                lo - 4
            } else {
                hi + 4
            }
        } else {
            delta
        };
        let mut relocs = vec![(0u64, r_type, &Sym::External("x"), 0i64)];
        if r_type == 71 {
            relocs.push((4, 72, &Sym::External("x"), 0)); // its PCALA_LO12
        }
        let obj = synth(words, &relocs, 0);
        let res = HashMap::from([("x", BASE.wrapping_add(delta as u64))]);
        let got = synth_link(&obj, &res);
        if ok {
            let img = got.unwrap_or_else(|e| panic!("{kind} {delta:#x}: {e}"));
            check_fields(&img, &res);
        } else {
            assert_overflow(got, kind);
        }
    }
    if r_type == 103 {
        assert_overflow(one_external(words, r_type, 2), kind);
    }
}

/// `R_LARCH_32`: either reading of 32 bits; one more is an overflow.
#[test]
fn abs32_edges() {
    for (addr, ok) in [
        (0xffff_ffffu64, true),
        ((-(1i64 << 31)) as u64, true),
        (1 << 32, false),
        ((-(1i64 << 31) - 1) as u64, false),
    ] {
        let obj = synth(&[0, 0], &[(0, 1, &Sym::External("x"), 0)], 0);
        let res = HashMap::from([("x", addr)]);
        let got = synth_link(&obj, &res);
        if ok {
            check_fields(&got.unwrap(), &res);
        } else {
            assert_overflow(got, "R_LARCH_32");
        }
    }
}

/// The extreme-model 64-bit page delta around every sign nudge: bit 11 of
/// the target set or clear, the 32-bit part negative or positive, targets
/// before and after the code. Each 4-instruction sequence must reach its
/// target exactly (checked by simulation).
#[test]
fn pcala64_sequences_reach_their_targets() {
    let words = [PCALAU12I, ADDI_D_T8_ZERO, LU32I_D_T8, LU52I_D_T8];
    for delta in [
        0x7ff,
        0x800,
        0xfff,
        0x1000,
        -0x800,
        -0x801,
        -0x1000_0000,
        -0x1000_0800,
        0x1234_5ab8,
        0x7fff_f7ff,
        -0x8000_0800i64,
        -0x7fff_f123,
    ] {
        let relocs: Vec<_> = [(0u64, 71u32), (4, 72), (8, 73), (12, 74)]
            .into_iter()
            .map(|(o, t)| (o, t, &Sym::External("x"), 0i64))
            .collect();
        let obj = synth(&words, &relocs, 0);
        let target = BASE.wrapping_add(delta as u64);
        let res = HashMap::from([("x", target)]);
        let img = synth_link(&obj, &res).unwrap_or_else(|e| panic!("{delta:#x}: {e}"));
        check_fields(&img, &res);
        assert_eq!(
            meaning(&img.output.log, 3, &img),
            Meaning::Reaches(target),
            "{delta:#x}"
        );
    }
}

/// `ADD6`/`SUB6` (DWARF `DW_CFA_advance_loc` deltas) keep the top two
/// bits; the pure markers patch nothing. clang-19 emits none of these in a
/// loaded section, so they are exercised here.
#[test]
fn six_bit_differences_and_markers() {
    let objs = synth_markers();
    let res = HashMap::from([("x", BASE + 0x44), ("y", BASE + 0x10)]);
    let img = synth_link(&objs, &res).unwrap();
    let seen = check_fields(&img, &res);
    for k in [
        "R_LARCH_ADD6",
        "R_LARCH_SUB6",
        "R_LARCH_NONE",
        "R_LARCH_RELAX",
        "R_LARCH_GNU_VTINHERIT",
        "R_LARCH_GNU_VTENTRY",
    ] {
        assert!(seen.contains(k), "{k}");
    }
    // 0xc5: top bits 11, low 6 bits 5; + 0x44 + 0x4000_0000 - (0x10 + 0x4000_0000) = 5 + 0x34 = 0x39.
    let text = section_address(&img, ".text");
    assert_eq!(img.bytes_at(text + 4, 1).unwrap(), &[0xc0 | 0x39]);
    assert_eq!(
        img.bytes_at(text, 4).unwrap(),
        NOP.to_le_bytes(),
        "markers patch nothing"
    );
}

fn synth_markers() -> Vec<u8> {
    let x = Sym::External("x");
    let y = Sym::External("y");
    synth(
        &[NOP, 0x0000_00c5],
        &[
            (0, 0, &x, 0),
            (0, 100, &x, 0),
            (0, 57, &x, 0),
            (0, 58, &x, 0),
            (4, 105, &x, 0),
            (4, 106, &y, 0),
        ],
        0,
    )
}

#[test]
fn unknown_type_is_an_error_naming_it() {
    let obj = synth(&[NOP], &[(0, 0xc8, &Sym::External("x"), 0)], 0);
    match synth_link(&obj, &HashMap::from([("x", BASE)])) {
        Err(e @ Error::UnsupportedRelocation { r_type: 0xc8, .. }) => {
            let msg = e.to_string();
            assert!(msg.contains("type 200") && msg.contains("unknown"), "{msg}");
        }
        other => panic!("{:?}", other.map(|_| ())),
    }
}

#[rstest]
#[case(95, "R_LARCH_TLS_LD_PC_HI20", "thread-local")]
#[case(111, "R_LARCH_TLS_DESC_PC_HI20", "thread-local")]
#[case(107, "R_LARCH_ADD_ULEB128", "ULEB128")]
#[case(40, "R_LARCH_SOP_POP_32_S_10_12", "stack-machine")]
#[case(5, "R_LARCH_JUMP_SLOT", "dynamic")]
fn refused_types_are_errors_naming_them(
    #[case] r_type: u32,
    #[case] name: &str,
    #[case] why: &str,
) {
    let obj = synth(&[NOP], &[(0, r_type, &Sym::External("x"), 0)], 0);
    match synth_link(&obj, &HashMap::from([("x", BASE)])) {
        Err(e @ Error::UnsupportedRelocation { .. }) => {
            let msg = e.to_string();
            assert!(msg.contains(name) && msg.contains(why), "{msg}");
        }
        other => panic!("{:?}", other.map(|_| ())),
    }
}

/// Exception tables of relaxed code carry ULEB128 label differences: a
/// clear error naming the kind, never a silent skip.
#[test]
fn uleb128_exception_tables_are_refused() {
    let c = Case {
        name: "uleb",
        src: "extern void may_throw(int);\n\
              static void cleanup_fn(int *p) { may_throw(*p); }\n\
              int f(int x, int n) { int __attribute__((cleanup(cleanup_fn))) v = x;\n\
              for (int i = 0; i < n; i++) may_throw(x + i); may_throw(2); return v; }",
        lang: Language::C,
        opt: "2",
        flags: &[
            "-Xclang",
            "-target-feature",
            "-Xclang",
            "+relax",
            "-fexceptions",
        ],
        expect: &[],
    };
    let obj = compile(&c);
    let res = HashMap::from([
        ("may_throw", NEAR),
        ("_Unwind_Resume", NEAR),
        ("abort", NEAR),
        ("__gcc_personality_v0", NEAR),
    ]);
    let err = link(&obj, ARCH, BASE, &res, &LinkOptions::default()).unwrap_err();
    let msg = err.to_string();
    assert!(
        matches!(err, Error::UnsupportedRelocation { .. }) && msg.contains("ULEB128"),
        "{msg}"
    );
}

/// A thread-local variable is refused with a clear error, not mislinked.
#[test]
fn thread_locals_are_refused() {
    let c = Case {
        name: "tls",
        src: "__thread int t; int get(void) { return t; }",
        lang: Language::C,
        opt: "2",
        flags: &[],
        expect: &[],
    };
    let obj = compile(&c);
    let err = link(&obj, ARCH, BASE, &resolver(), &LinkOptions::default()).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("thread-local") || msg.contains("TLS"), "{msg}");
}

/// Every kind the table claims is exercised by some test above: the union
/// of the kinds seen by the clang cases and the synthetic objects equals
/// the set of types the loader knows.
#[test]
fn every_claimed_kind_is_exercised() {
    let claimed: BTreeSet<&str> = (0..=255).filter_map(|t| ARCH.reloc_name(t)).collect();
    let mut seen = BTreeSet::new();
    for c in CASES {
        seen.extend(check_fields(
            &link_at(&compile(c), &resolver()),
            &resolver(),
        ));
    }
    let res = HashMap::from([("x", BASE + 0x44), ("y", BASE + 0x10)]);
    seen.extend(check_fields(
        &synth_link(&synth_markers(), &res).unwrap(),
        &res,
    ));
    let missing: Vec<_> = claimed.difference(&seen).collect();
    assert!(
        missing.is_empty(),
        "claimed but never exercised: {missing:?}"
    );
    let unknown: Vec<_> = seen.difference(&claimed).collect();
    assert!(unknown.is_empty(), "{unknown:?}");
}
