//! x86_64: every range-limited relocation kind just inside and just outside
//! each end of its range. Inside links and writes exactly the value;
//! outside is a `RelocationOverflow`, never a truncated field.
//! (`R_X86_64_PLT32` never overflows: far targets go through a stub, see
//! `far_external_calls_go_through_a_stub_near_ones_do_not` in
//! link_x86_64.rs; the 64-bit kinds cannot overflow.)

use loader::link::{link, LinkOptions, LinkedImage};
use loader::{Arch, Error};
use rstest::rstest;

#[path = "support/synthetic.rs"]
mod synthetic;
use synthetic::{object_with_reloc, FIELD};

const BASE: u64 = 0x1000_0000;

fn link_at(r_type: u32, addend: i64, t: u64) -> loader::Result<LinkedImage> {
    let resolve = move |name: &str| (name == "t").then_some(t);
    link(
        &object_with_reloc(r_type, "t", addend),
        Arch::X86_64,
        BASE,
        &resolve,
        &LinkOptions::default(),
    )
}

/// The field's value, sign-extended from `width` bytes.
fn field(img: &LinkedImage, width: usize) -> i64 {
    let at = img.symbol("f").unwrap() + FIELD;
    let mut b = [0u8; 8];
    b[..width].copy_from_slice(img.bytes_at(at, width).unwrap());
    let shift = 64 - 8 * width as u32;
    (i64::from_le_bytes(b) << shift) >> shift
}

#[rstest]
#[case::pc32(2, "R_X86_64_PC32", 4, i32::MIN as i64, i32::MAX as i64)]
#[case::got32(3, "R_X86_64_GOT32", 4, i32::MIN as i64, i32::MAX as i64)]
#[case::gotpcrel(9, "R_X86_64_GOTPCREL", 4, i32::MIN as i64, i32::MAX as i64)]
#[case::abs32(10, "R_X86_64_32", 4, 0, u32::MAX as i64)]
#[case::abs32s(11, "R_X86_64_32S", 4, i32::MIN as i64, i32::MAX as i64)]
#[case::abs16(12, "R_X86_64_16", 2, i16::MIN as i64, u16::MAX as i64)]
#[case::pc16(13, "R_X86_64_PC16", 2, i16::MIN as i64, i16::MAX as i64)]
#[case::abs8(14, "R_X86_64_8", 1, i8::MIN as i64, u8::MAX as i64)]
#[case::pc8(15, "R_X86_64_PC8", 1, i8::MIN as i64, i8::MAX as i64)]
#[case::gotpc32(26, "R_X86_64_GOTPC32", 4, i32::MIN as i64, i32::MAX as i64)]
#[case::gotpcrelx(41, "R_X86_64_GOTPCRELX", 4, i32::MIN as i64, i32::MAX as i64)]
#[case::rex_gotpcrelx(42, "R_X86_64_REX_GOTPCRELX", 4, i32::MIN as i64, i32::MAX as i64)]
fn range_edges(
    #[case] r_type: u32,
    #[case] name: &str,
    #[case] width: usize,
    #[case] lo: i64,
    #[case] hi: i64,
) {
    // With addend 0 and the symbol at the place (PC-relative kinds) or at 0
    // (absolute ones), the value v0 is small: 0, or an in-image distance
    // for the GOT kinds. It is read back, then the addend moves the value
    // to each edge. (The place is the same for every kind without a GOT:
    // found through R_X86_64_64, which cannot overflow.)
    let place = link_at(1, 0, 0).unwrap().symbol("f").unwrap() + FIELD;
    let t = if matches!(r_type, 2 | 13 | 15) {
        place
    } else {
        0
    };
    let v0 = field(&link_at(r_type, 0, t).unwrap(), width);
    for (edge, step) in [(hi, 1), (lo, -1)] {
        let inside = link_at(r_type, edge - v0, t)
            .unwrap_or_else(|e| panic!("{name}: {edge:#x} is in range: {e}"));
        let got = field(&inside, width);
        let mask = if width == 8 {
            -1
        } else {
            (1i64 << (8 * width)) - 1
        };
        assert_eq!(
            got & mask,
            edge & mask,
            "{name}: wrote {got:#x} for {edge:#x}"
        );
        match link_at(r_type, edge + step - v0, t) {
            Err(e @ Error::RelocationOverflow { .. }) => {
                assert!(e.to_string().contains(name), "{e}")
            }
            Err(e) => panic!("{name}: {:#x}: expected an overflow, got {e}", edge + step),
            Ok(img) => panic!(
                "{name}: {:#x} is out of range but linked, writing {:#x}",
                edge + step,
                field(&img, width)
            ),
        }
    }
}
