//! x86_64 at a fixed base: every patched field is decoded here, independently
//! of the engine, and compared with the psABI formula.

use loader::link::{link, LinkOptions, LinkedImage, TargetDesc};
use loader::{Arch, Compiler, Language};
use rstest::rstest;
use std::collections::{BTreeSet, HashMap};

const BASE: u64 = 0x4000_0000;
/// Near enough for rel32, far enough to need a stub, and above 4 GiB.
const NEAR_SIN: u64 = 0x2000_0000;
const FAR_COS: u64 = 0x7f00_0000_0000;
const EXT_DATA: u64 = 0x5000_0000;

const SRC: &str = r#"
extern double ext_scale;
extern double cos(double);
extern double sin(double);
static int counter;
static int table[5] = {1, 2, 3, 4, 5};
static const char *names[] = {"a", "bb", "ccc"};
static int add1(int x) { return x + 1; }
int (*const fns[])(int) = {add1};
double k(double *x, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) s += sin(x[i]) * ext_scale + cos(x[i]);
    counter++;
    table[n % 5] += n;
    return s + names[n & 1][0] + fns[0](n);
}
int sw(int x) {
    switch (x) { case 0: return 3; case 1: return 7; case 2: return 9; case 3: return 1;
                 case 4: return 44; case 5: return 8; default: return -1; }
}
const double *where(void) { return &ext_scale; }
"#;

fn resolver() -> HashMap<&'static str, u64> {
    [("sin", NEAR_SIN), ("cos", FAR_COS), ("ext_scale", EXT_DATA)].into()
}

fn compile(opt: &str, model: Option<&str>) -> Vec<u8> {
    let mut c = Compiler::new(Arch::X86_64).unwrap();
    c.cpu = loader::Cpu::Baseline;
    c.opt_level = opt.into();
    if let Some(m) = model {
        c.extra_flags.push(format!("-mcmodel={m}"));
    }
    c.compile(SRC, Language::C).unwrap()
}

fn read_i64(img: &LinkedImage, at: u64, len: usize) -> i64 {
    let b = img.bytes_at(at, len).unwrap();
    match len {
        4 => i32::from_le_bytes(b.try_into().unwrap()) as i64,
        8 => i64::from_le_bytes(b.try_into().unwrap()),
        _ => unreachable!(),
    }
}

/// `T` of a log record, from the image's public tables only.
fn target_address(img: &LinkedImage, t: &TargetDesc) -> u64 {
    let out = &img.output;
    match t {
        TargetDesc::Defined {
            section, offset, ..
        } => {
            out.sections
                .iter()
                .find(|s| &s.name == section)
                .unwrap()
                .address
                + offset
        }
        TargetDesc::External(name) => resolver()[name.as_str()],
        TargetDesc::GotSlot(name) => {
            let slot = out.got.iter().find(|(n, _)| n == name).unwrap().1;
            // The slot holds the symbol's address (extern data: its address,
            // not its value).
            let held = read_i64(img, slot, 8) as u64;
            let want = resolver()
                .get(name.as_str())
                .copied()
                .or_else(|| img.symbol(name))
                .unwrap();
            assert_eq!(held, want, "GOT slot of {name}");
            slot
        }
        TargetDesc::Stub(name) => {
            let stub = out.stubs.iter().find(|(n, _)| n == name).unwrap().1;
            // jmp *disp32(%rip) through the symbol's GOT slot.
            assert_eq!(img.bytes_at(stub, 2).unwrap(), &[0xff, 0x25]);
            let slot = (stub as i64 + 6 + read_i64(img, stub + 2, 4)) as u64;
            assert_eq!(
                read_i64(img, slot, 8) as u64,
                resolver()[name.as_str()],
                "stub of {name}"
            );
            stub
        }
        TargetDesc::GotBase => out.got_base,
        other => panic!("unexpected target {other}"),
    }
}

#[rstest]
#[case("0", None)]
#[case("2", None)]
#[case("3", None)]
#[case("2", Some("medium"))]
#[case("2", Some("large"))]
fn every_field_matches_the_formula(#[case] opt: &str, #[case] model: Option<&str>) {
    let obj = compile(opt, model);
    let img = link(
        &obj,
        Arch::X86_64,
        BASE,
        &resolver(),
        &LinkOptions::default(),
    )
    .unwrap();
    let mut seen = BTreeSet::new();
    for r in &img.output.log {
        seen.insert(r.type_name);
        let t = target_address(&img, &r.target) as i64;
        let (a, p, got) = (r.addend, r.place as i64, img.output.got_base as i64);
        let (want, len) = match r.type_name {
            "R_X86_64_PC32"
            | "R_X86_64_PLT32"
            | "R_X86_64_GOTPCREL"
            | "R_X86_64_GOTPCRELX"
            | "R_X86_64_REX_GOTPCRELX"
            | "R_X86_64_GOTPC32" => (t + a - p, 4),
            "R_X86_64_PC64" | "R_X86_64_GOTPC64" | "R_X86_64_GOTPCREL64" => (t + a - p, 8),
            "R_X86_64_64" => (t + a, 8),
            "R_X86_64_32" | "R_X86_64_32S" => (t + a, 4),
            "R_X86_64_GOTOFF64" | "R_X86_64_GOT64" | "R_X86_64_PLTOFF64" => (t + a - got, 8),
            other => panic!("kind {other} not covered by this test"),
        };
        // No silent truncation: the full value fits the 32-bit field.
        if len == 4 {
            let fits = if r.type_name == "R_X86_64_32" {
                u32::try_from(want).is_ok()
            } else {
                i32::try_from(want).is_ok()
            };
            assert!(fits, "{r}: {want:#x} does not fit");
        }
        let field = read_i64(&img, r.place, len);
        let want = if len == 4 { want as i32 as i64 } else { want };
        let field = if r.type_name == "R_X86_64_32" {
            field as u32 as i64
        } else {
            field
        };
        let want = if r.type_name == "R_X86_64_32" {
            want as u32 as i64
        } else {
            want
        };
        assert_eq!(field, want, "{r}");
    }
    // The kinds each model must have produced (a silent change in clang's
    // output shows up here).
    let expect: &[&str] = match model {
        None => &[
            "R_X86_64_PC32",
            "R_X86_64_PLT32",
            "R_X86_64_REX_GOTPCRELX",
            "R_X86_64_64",
        ],
        Some("medium") => &["R_X86_64_PLT32", "R_X86_64_REX_GOTPCRELX", "R_X86_64_64"],
        _ => &[
            "R_X86_64_GOTPC64",
            "R_X86_64_GOTOFF64",
            "R_X86_64_GOT64",
            "R_X86_64_64",
        ],
    };
    for k in expect {
        assert!(
            seen.contains(k),
            "{k} not emitted at -O{opt} {model:?}: {seen:?}"
        );
    }
}

#[test]
fn far_external_calls_go_through_a_stub_near_ones_do_not() {
    let img = link(
        &compile("2", None),
        Arch::X86_64,
        BASE,
        &resolver(),
        &LinkOptions::default(),
    )
    .unwrap();
    let calls: Vec<_> = img
        .output
        .log
        .iter()
        .filter(|r| r.type_name == "R_X86_64_PLT32")
        .collect();
    assert!(calls
        .iter()
        .any(|r| r.target == TargetDesc::Stub("cos".into())));
    assert!(calls
        .iter()
        .any(|r| r.target == TargetDesc::External("sin".into())));
    assert!(!calls
        .iter()
        .any(|r| r.target == TargetDesc::External("cos".into())));
}

#[test]
fn sections_are_grouped_by_protection_on_page_boundaries() {
    let img = link(
        &compile("2", None),
        Arch::X86_64,
        BASE,
        &resolver(),
        &LinkOptions::default(),
    )
    .unwrap();
    let segs = &img.output.segments;
    assert_eq!(segs.len(), 3, "{segs:?}");
    for w in segs.windows(2) {
        assert_eq!(w[0].offset + w[0].len, w[1].offset);
    }
    for s in segs {
        assert_eq!(s.offset % 0x1_0000, 0);
    }
    for sec in &img.output.sections {
        let seg = segs
            .iter()
            .find(|g| (BASE + g.offset..BASE + g.offset + g.len).contains(&sec.address))
            .unwrap();
        use loader::link::{Protection, SectionClass};
        let want = match sec.class {
            SectionClass::Code => Protection::ReadExecute,
            SectionClass::ReadOnly => Protection::ReadOnly,
            SectionClass::Writable => Protection::ReadWrite,
        };
        assert_eq!(seg.protection, want, "{}", sec.name);
    }
    // .bss is zero-filled and within the image.
    let bss = img
        .output
        .sections
        .iter()
        .find(|s| s.name == ".bss")
        .unwrap();
    assert!(img
        .bytes_at(bss.address, bss.size as usize)
        .unwrap()
        .iter()
        .all(|&b| b == 0));
}
