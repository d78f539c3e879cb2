//! Shared mechanics of every relocation: range and alignment checks, and
//! inserting a value into the bit-fields of one or more little-endian words.
//!
//! An [`Encoding`] is pure data, so the per-arch tables say *where* bits go
//! and this module alone says *how*: one implementation of bit-field
//! patching and range checking for all five architectures.
#![forbid(unsafe_code)]

/// A contiguous run of value bits placed into a word:
/// bits `src .. src + len` of the (biased) value go to bits
/// `dst .. dst + len` of the word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Piece {
    pub src: u8,
    pub len: u8,
    pub dst: u8,
}

/// `Piece` constructor for compact tables.
pub const fn piece(src: u8, len: u8, dst: u8) -> Piece {
    Piece { src, len, dst }
}

/// The whole of a data word of 1, 2, 4 or 8 bytes.
static WHOLE: [[Piece; 1]; 4] = [
    [piece(0, 8, 0)],
    [piece(0, 16, 0)],
    [piece(0, 32, 0)],
    [piece(0, 64, 0)],
];

/// The range a value must lie in (checked on `value + bias`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// Any value: the field truncates by definition (`*_NC`, `LO12`, 64-bit).
    None,
    /// `-2^(n-1) <= v < 2^(n-1)`
    Signed(u8),
    /// `0 <= v < 2^n`
    Unsigned(u8),
    /// `-2^(n-1) <= v < 2^n`: either reading fits (ppc64 `ADDR16`-style
    /// "bitfield" checks, RISC-V/LoongArch 32-bit data).
    Either(u8),
}

impl Check {
    /// Whether `v` is in range.
    #[inline]
    pub fn fits(self, v: i64) -> bool {
        // The common widths without 128-bit arithmetic (a relocation's
        // hottest step): `v >> (n - 1)` is v's quotient by 2^(n-1), rounded
        // down; the ranges below are exactly the quotients allowed.
        match self {
            Check::Signed(n @ 1..=63) => return matches!(v >> (n - 1), -1 | 0),
            Check::Unsigned(n @ 1..=63) => return (v as u64) >> n == 0,
            Check::Either(n @ 1..=63) => return matches!(v >> (n - 1), -1..=1),
            _ => {}
        }
        self.fits_wide(v)
    }

    /// [`Check::fits`] by its definition, for every width.
    fn fits_wide(self, v: i64) -> bool {
        let (lo, hi): (i128, i128) = match self {
            Check::None => return true,
            Check::Signed(n) => (-(1i128 << (n - 1)), 1i128 << (n - 1)),
            Check::Unsigned(n) => (0, 1i128 << n),
            Check::Either(n) => (-(1i128 << (n - 1)), 1i128 << n),
        };
        (lo..hi).contains(&(v as i128))
    }

    /// Human description for overflow errors: `does not fit in signed 32 bits`.
    pub fn describe(self) -> String {
        match self {
            Check::None => "is out of range".into(),
            Check::Signed(n) => format!("does not fit in signed {n} bits"),
            Check::Unsigned(n) => format!("does not fit in unsigned {n} bits"),
            Check::Either(n) => format!("does not fit in {n} bits (signed or unsigned)"),
        }
    }
}

/// One field of an encoding: a word at a byte offset from the relocated
/// place, and where the value's bits go in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    /// Byte offset of the word from the relocation's `r_offset`.
    pub at: u8,
    /// Word size in bytes: 1, 2, 4 or 8.
    pub bytes: u8,
    /// Added to the value before checking and extracting (the rounding of
    /// `%hi`/`@ha` style high parts: 0x800, 0x8000, ...).
    pub bias: i64,
    /// Range the biased value must fit.
    pub check: Check,
    /// Required alignment of the value (a power of two; 1 = none).
    pub align: u64,
    /// Where the biased value's bits go.
    pub pieces: &'static [Piece],
}

impl Field {
    /// A plain little-endian data word of `bytes` bytes holding the value.
    pub const fn data(bytes: u8, check: Check) -> Field {
        Field {
            at: 0,
            bytes,
            bias: 0,
            check,
            align: 1,
            pieces: match bytes {
                1 => &WHOLE[0],
                2 => &WHOLE[1],
                4 => &WHOLE[2],
                _ => &WHOLE[3],
            },
        }
    }

    /// An instruction field in a 32-bit word with no bias.
    pub const fn insn(check: Check, align: u64, pieces: &'static [Piece]) -> Field {
        Field {
            at: 0,
            bytes: 4,
            bias: 0,
            check,
            align,
            pieces,
        }
    }

    /// The same field with a bias.
    pub const fn biased(self, bias: i64) -> Field {
        Field { bias, ..self }
    }

    /// The same field in a word of another size.
    pub const fn in_word(self, bytes: u8) -> Field {
        Field { bytes, ..self }
    }

    /// The same field at another byte offset.
    pub const fn at(self, at: u8) -> Field {
        Field { at, ..self }
    }

    #[inline]
    fn word_mask(&self) -> u64 {
        len_mask(self.bytes.saturating_mul(8))
    }

    /// Checks `value` against the field's alignment, then its range.
    #[inline(always)]
    fn check_value(&self, value: i64) -> Result<(), EncodeError> {
        if self.align > 1 && (value as u64) & (self.align - 1) != 0 {
            return Err(EncodeError::Align {
                value,
                align: self.align,
            });
        }
        if !self.check.fits(value.wrapping_add(self.bias)) {
            return Err(EncodeError::Range {
                value,
                check: self.check,
            });
        }
        Ok(())
    }

    /// Inserts the bits of `value + bias` into `word`, leaving every other
    /// bit of the word as it was.
    #[inline]
    pub fn insert(&self, word: u64, value: i64) -> u64 {
        let v = value.wrapping_add(self.bias) as u64;
        let mut word = word;
        for p in self.pieces {
            let mask = len_mask(p.len);
            let bits = (v >> p.src) & mask;
            word = (word & !(mask << p.dst)) | (bits << p.dst);
        }
        word & self.word_mask()
    }

    /// Reads the field back: the bits of the word gathered to their value
    /// positions (the inverse of [`Field::insert`], without the bias).
    pub fn extract(&self, word: u64) -> u64 {
        self.pieces.iter().fold(0u64, |acc, p| {
            acc | (((word >> p.dst) & len_mask(p.len)) << p.src)
        })
    }

    /// The number of value bits the field holds, counted from bit 0 (the top
    /// of the highest piece): the width to sign-extend an extracted value at.
    pub fn value_bits(&self) -> u32 {
        self.pieces
            .iter()
            .map(|p| p.src as u32 + p.len as u32)
            .max()
            .unwrap_or(0)
    }
}

#[inline]
fn len_mask(len: u8) -> u64 {
    // Without a branch: a relocation's hottest step.
    u64::MAX
        .checked_shr(64u32.saturating_sub(len.into()))
        .unwrap_or(0)
}

/// Why a value could not be encoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EncodeError {
    /// `value + bias` out of the field's range.
    Range { value: i64, check: Check },
    /// The value is not a multiple of the required alignment.
    Align { value: i64, align: u64 },
    /// The field would lie outside the section or image.
    OutOfBounds { at: usize, bytes: u8 },
}

impl EncodeError {
    /// The problem in words, for [`crate::Error::RelocationOverflow`].
    pub fn describe(&self) -> String {
        match self {
            EncodeError::Range { check, .. } => check.describe(),
            EncodeError::Align { align, .. } => format!("is not a multiple of {align}"),
            EncodeError::OutOfBounds { at, bytes } => {
                format!("a {bytes}-byte field at image offset {at:#x} lies outside the image")
            }
        }
    }
}

/// How a value is written: one field for most relocations, two for
/// instruction pairs patched by one relocation (RISC-V `CALL`,
/// LoongArch `CALL36`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Encoding {
    pub fields: &'static [Field],
}

impl Encoding {
    /// Checks `value` against every field, without writing.
    #[inline]
    pub fn check(&self, value: i64) -> Result<(), EncodeError> {
        self.fields.iter().try_for_each(|f| f.check_value(value))
    }

    /// Whether every field of the encoding lies within `len` bytes when the
    /// relocation is at `offset`.
    #[inline]
    pub fn in_bounds(&self, offset: usize, len: usize) -> Result<(), EncodeError> {
        for f in self.fields {
            let at = offset.saturating_add(f.at as usize);
            if at.checked_add(f.bytes as usize).is_none_or(|end| end > len) {
                return Err(EncodeError::OutOfBounds { at, bytes: f.bytes });
            }
        }
        Ok(())
    }

    /// The total span in bytes from the relocation offset.
    #[inline]
    pub fn span(&self) -> usize {
        if let [f] = self.fields {
            return f.at as usize + f.bytes as usize;
        }
        self.fields
            .iter()
            .map(|f| f.at as usize + f.bytes as usize)
            .max()
            .unwrap_or(0)
    }

    /// Checks then writes `value` into `image` at `offset`; nothing is
    /// written on an error. Every field is checked (bounds, then values)
    /// before any is written.
    #[inline(always)]
    pub fn write(&self, image: &mut [u8], offset: usize, value: i64) -> Result<(), EncodeError> {
        // Most encodings are one field: the same steps without the loops
        // (the loops cost aarch64 and riscv64 links 6-7% more
        // instructions, `--profile-link ARCH 20 256`).
        if let [f] = self.fields {
            let at = offset.saturating_add(f.at as usize);
            let Some(word) = at
                .checked_add(f.bytes as usize)
                .and_then(|end| image.get_mut(at..end))
            else {
                return Err(EncodeError::OutOfBounds { at, bytes: f.bytes });
            };
            f.check_value(value)?;
            write_le(word, f.insert(read_le(word), value));
            return Ok(());
        }
        self.in_bounds(offset, image.len())?;
        self.check(value)?;
        for f in self.fields {
            let at = offset + f.at as usize;
            let word = &mut image[at..at + f.bytes as usize];
            write_le(word, f.insert(read_le(word), value));
        }
        Ok(())
    }

    /// The value currently stored in the first field (for `ADD`/`SUB`
    /// relocations, which update what the assembler left there).
    pub fn read(&self, image: &[u8], offset: usize) -> Result<i64, EncodeError> {
        self.in_bounds(offset, image.len())?;
        let f = &self.fields[0];
        let at = offset + f.at as usize;
        let raw = f.extract(read_le(&image[at..at + f.bytes as usize]));
        Ok(sign_extend(raw, f.value_bits()))
    }
}

/// Data-word encodings every architecture uses, named by their check.
pub mod data {
    use super::{piece, Check, Encoding, Field};

    macro_rules! word {
        ($($(#[$doc:meta])* $name:ident = $bytes:expr, $check:expr;)*) => {$(
            $(#[$doc])*
            pub static $name: Encoding = Encoding {
                fields: &[Field::data($bytes, $check)],
            };
        )*};
    }

    word! {
        /// A byte, signed or unsigned.
        EITHER8 = 1, Check::Either(8);
        /// A signed byte (8-bit PC-relative).
        SIGNED8 = 1, Check::Signed(8);
        /// A halfword, signed or unsigned.
        EITHER16 = 2, Check::Either(16);
        /// A signed halfword.
        SIGNED16 = 2, Check::Signed(16);
        /// A word, signed or unsigned (the psABIs' usual 32-bit data check).
        EITHER32 = 4, Check::Either(32);
        /// A signed word (32-bit PC-relative).
        SIGNED32 = 4, Check::Signed(32);
        /// An unsigned word (x86_64 `R_X86_64_32`, zero-extended).
        UNSIGNED32 = 4, Check::Unsigned(32);
        /// A doubleword: every value fits.
        WORD64 = 8, Check::None;
        /// Label arithmetic (`ADD*`/`SUB*`/`SET*`) wraps: no check.
        WRAP8 = 1, Check::None;
        WRAP16 = 2, Check::None;
        WRAP32 = 4, Check::None;
    }

    /// The low 6 bits of a byte, the top 2 kept (`DW_CFA_advance_loc`
    /// operands: RISC-V and LoongArch `SUB6`/`SET6`/`ADD6`), wrapping.
    pub static WRAP6: Encoding = Encoding {
        fields: &[Field {
            at: 0,
            bytes: 1,
            bias: 0,
            check: Check::None,
            align: 1,
            pieces: &[piece(0, 6, 0)],
        }],
    };
}

/// Reads a little-endian word of 1 to 8 bytes.
#[inline]
pub fn read_le(bytes: &[u8]) -> u64 {
    // The word sizes of every field, without a loop.
    match *bytes {
        [a, b, c, d] => return u32::from_le_bytes([a, b, c, d]).into(),
        [a, b, c, d, e, f, g, h] => return u64::from_le_bytes([a, b, c, d, e, f, g, h]),
        _ => {}
    }
    bytes
        .iter()
        .rev()
        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b))
}

/// Writes the low `bytes.len()` bytes of `value`, little-endian.
#[inline]
pub fn write_le(bytes: &mut [u8], value: u64) {
    match bytes.len() {
        4 => return bytes.copy_from_slice(&(value as u32).to_le_bytes()),
        8 => return bytes.copy_from_slice(&value.to_le_bytes()),
        _ => {}
    }
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = (value >> (8 * i)) as u8;
    }
}

/// Sign-extends the low `bits` bits of `v`.
pub fn sign_extend(v: u64, bits: u32) -> i64 {
    if bits == 0 || bits >= 64 {
        v as i64
    } else {
        let shift = 64 - bits;
        ((v << shift) as i64) >> shift
    }
}

/// Instruction words as their little-endian bytes, an array (stub
/// templates are written as words, stored as bytes).
macro_rules! le_words {
    ($($word:expr),* $(,)?) => {
        [$(
            ($word as u32).to_le_bytes()[0],
            ($word as u32).to_le_bytes()[1],
            ($word as u32).to_le_bytes()[2],
            ($word as u32).to_le_bytes()[3],
        )*]
    };
}
pub(crate) use le_words;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_range_checks_agree_with_the_definition() {
        let mut values = vec![i64::MIN, i64::MAX, 0, 1, -1];
        for k in 0..64 {
            let p = 1i64.wrapping_shl(k);
            for d in [-2, -1, 0, 1, 2] {
                values.extend([p.wrapping_add(d), p.wrapping_neg().wrapping_add(d)]);
            }
        }
        for n in 1..=64u8 {
            for check in [Check::Signed(n), Check::Unsigned(n), Check::Either(n)] {
                for &v in &values {
                    assert_eq!(check.fits(v), check.fits_wide(v), "{check:?} {v:#x}");
                }
            }
        }
    }

    #[test]
    fn checks_bound_both_ends() {
        assert!(Check::Signed(8).fits(127));
        assert!(!Check::Signed(8).fits(128));
        assert!(Check::Signed(8).fits(-128));
        assert!(!Check::Signed(8).fits(-129));
        assert!(Check::Unsigned(8).fits(255));
        assert!(!Check::Unsigned(8).fits(256));
        assert!(!Check::Unsigned(8).fits(-1));
        assert!(Check::Either(8).fits(-128));
        assert!(Check::Either(8).fits(255));
        assert!(!Check::Either(8).fits(256));
        assert!(!Check::Either(8).fits(-129));
        assert!(Check::Signed(64).fits(i64::MIN));
    }

    // A RISC-V B-type immediate: imm[12|10:5] at 31|30:25, imm[4:1|11] at 11:8|7.
    static B_TYPE: Encoding = Encoding {
        fields: &[Field::insn(
            Check::Signed(13),
            2,
            &[
                piece(1, 4, 8),
                piece(5, 6, 25),
                piece(11, 1, 7),
                piece(12, 1, 31),
            ],
        )],
    };

    #[test]
    fn scattered_pieces_round_trip() {
        let mut word = [0x63, 0x04, 0x00, 0x00]; // beq x0, x0, 0 with rd bits set
        B_TYPE.write(&mut word, 0, -4096).unwrap();
        let w = read_le(&word) as u32;
        // -4096: only imm[12] set, plus the sign bits of imm[11:1]? No: -4096
        // is 0b1_0000_0000_0000 in 13-bit two's complement.
        assert_eq!(w >> 31, 1);
        assert_eq!((w >> 25) & 0x3f, 0);
        assert_eq!((w >> 8) & 0xf, 0);
        assert_eq!((w >> 7) & 1, 0);
        assert_eq!(w & 0x7f, 0x63, "opcode untouched");
        assert_eq!(B_TYPE.read(&word, 0).unwrap(), -4096);
        B_TYPE.write(&mut word, 0, 2046).unwrap();
        assert_eq!(B_TYPE.read(&word, 0).unwrap(), 2046);
    }

    #[test]
    fn range_and_alignment_are_errors_not_truncation() {
        let mut word = [0u8; 4];
        assert_eq!(
            B_TYPE.write(&mut word, 0, 4096),
            Err(EncodeError::Range {
                value: 4096,
                check: Check::Signed(13)
            })
        );
        assert_eq!(
            B_TYPE.write(&mut word, 0, 3),
            Err(EncodeError::Align { value: 3, align: 2 })
        );
        assert_eq!(word, [0; 4], "nothing written on error");
        assert!(matches!(
            B_TYPE.write(&mut word, 1, 0),
            Err(EncodeError::OutOfBounds { .. })
        ));
    }

    #[test]
    fn bias_rounds_high_parts() {
        // %hi of 0x12345fff with the +0x800 rounding is 0x12346.
        static HI20: Encoding = Encoding {
            fields: &[Field::insn(Check::Signed(32), 1, &[piece(12, 20, 12)]).biased(0x800)],
        };
        let mut word = [0x97, 0, 0, 0];
        HI20.write(&mut word, 0, 0x1234_5fff).unwrap();
        assert_eq!(read_le(&word) >> 12, 0x12346);
    }

    #[test]
    fn data_words_keep_neighbours() {
        let mut bytes = [0xaa; 6];
        static D16: Encoding = Encoding {
            fields: &[Field::data(2, Check::Signed(16)).at(2)],
        };
        D16.write(&mut bytes, 0, -2).unwrap();
        assert_eq!(bytes, [0xaa, 0xaa, 0xfe, 0xff, 0xaa, 0xaa]);
    }
}
