//! The element types of the generated kernels, spelled in C and IR, and
//! the generator's fixed random stream.

use crate::spec::{fnv1a, SplitMix64};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ty {
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
    F32,
    F64,
}

use Ty::*;

pub(super) const INTS: [Ty; 8] = [I8, I16, I32, I64, U8, U16, U32, U64];

impl Ty {
    pub(super) fn name(self) -> &'static str {
        match self {
            I8 => "i8",
            I16 => "i16",
            I32 => "i32",
            I64 => "i64",
            U8 => "u8",
            U16 => "u16",
            U32 => "u32",
            U64 => "u64",
            F32 => "f32",
            F64 => "f64",
        }
    }
    pub(super) fn c(self) -> &'static str {
        match self {
            I8 => "signed char",
            I16 => "short",
            I32 => "int",
            I64 => "long long",
            U8 => "unsigned char",
            U16 => "unsigned short",
            U32 => "unsigned",
            U64 => "unsigned long long",
            F32 => "float",
            F64 => "double",
        }
    }
    /// The unsigned C type of the same width.
    pub(super) fn c_unsigned(self) -> &'static str {
        match self.bits() {
            8 => "unsigned char",
            16 => "unsigned short",
            32 => "unsigned",
            _ => "unsigned long long",
        }
    }
    /// The unsigned type arithmetic is done in (no promotion to `int`).
    pub(super) fn c_wide(self) -> &'static str {
        if self.bits() <= 32 {
            "unsigned"
        } else {
            "unsigned long long"
        }
    }
    pub(super) fn bits(self) -> u32 {
        match self {
            I8 | U8 => 8,
            I16 | U16 => 16,
            I32 | U32 | F32 => 32,
            I64 | U64 | F64 => 64,
        }
    }
    pub(super) fn signed(self) -> bool {
        matches!(self, I8 | I16 | I32 | I64)
    }
    pub(super) fn float(self) -> bool {
        matches!(self, F32 | F64)
    }
    /// The IR type (`i8`, `float`, ...).
    pub(super) fn ir(self) -> &'static str {
        match self {
            I8 | U8 => "i8",
            I16 | U16 => "i16",
            I32 | U32 => "i32",
            I64 | U64 => "i64",
            F32 => "float",
            F64 => "double",
        }
    }
    pub(super) fn min(self) -> i128 {
        if self.signed() {
            -(1i128 << (self.bits() - 1))
        } else {
            0
        }
    }
    pub(super) fn max(self) -> i128 {
        if self.signed() {
            (1i128 << (self.bits() - 1)) - 1
        } else {
            (1i128 << self.bits()) - 1
        }
    }
    /// A C literal of this integer type for `v` (valid without warnings).
    pub(super) fn lit(self, v: i128) -> String {
        assert!(v >= self.min() && v <= self.max(), "{v} out of {self:?}");
        match self {
            I64 if v == self.min() => "(-9223372036854775807LL - 1)".into(),
            I32 if v == self.min() => "(-2147483647 - 1)".into(),
            I64 => format!("{v}LL"),
            U64 => format!("{v}ULL"),
            U32 => format!("{v}U"),
            F32 | F64 => unreachable!(),
            _ => format!("{v}"),
        }
    }
}

/// The input generator's SplitMix64, seeded with the FNV-1a hash of a
/// kernel name: fixed constants for tables and case values.
pub(super) struct Rng(SplitMix64);

impl Rng {
    pub(super) fn new(seed: &str) -> Rng {
        Rng(SplitMix64::new(fnv1a(seed.as_bytes())))
    }
    pub(super) fn next(&mut self) -> u64 {
        self.0.next_u64()
    }
    /// `next() % n`: the corpus was generated with the modulo, not with the
    /// multiply-shift of [`SplitMix64::below`].
    pub(super) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// A value of integer type `t`.
    pub(super) fn int(&mut self, t: Ty) -> i128 {
        let raw = self.next() & ((1u128 << t.bits()) - 1) as u64;
        if t.signed() {
            let shift = 64 - t.bits();
            (((raw << shift) as i64) >> shift) as i128
        } else {
            raw as i128
        }
    }
}
