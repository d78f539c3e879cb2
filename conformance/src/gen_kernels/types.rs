//! The element types of the generated kernels, spelled in C and IR, and
//! the generator's fixed random stream.

use crate::spec::ScalarType::{self, *};
use crate::spec::{fnv1a, SplitMix64};

pub(super) const INTS: [ScalarType; 8] = [I8, I16, I32, I64, U8, U16, U32, U64];

/// How the generated kernels spell a scalar type in C and IR.
pub(super) trait Spelling {
    /// The C type (`unsigned` for `u32`: the generated files say so).
    fn c(self) -> &'static str;
    /// The unsigned C type of the same width.
    fn c_unsigned(self) -> &'static str;
    /// The unsigned type arithmetic is done in (no promotion to `int`).
    fn c_wide(self) -> &'static str;
    /// The IR type (`i8`, `float`, ...).
    fn ir(self) -> &'static str;
    /// A C literal of this integer type for `v` (valid without warnings).
    fn lit(self, v: i128) -> String;
}

impl Spelling for ScalarType {
    fn c(self) -> &'static str {
        match self {
            U32 => "unsigned",
            t => t.c_name(),
        }
    }
    fn c_unsigned(self) -> &'static str {
        match self.bits() {
            8 => "unsigned char",
            16 => "unsigned short",
            32 => "unsigned",
            _ => "unsigned long long",
        }
    }
    fn c_wide(self) -> &'static str {
        if self.bits() <= 32 {
            "unsigned"
        } else {
            "unsigned long long"
        }
    }
    fn ir(self) -> &'static str {
        match self {
            I8 | U8 => "i8",
            I16 | U16 => "i16",
            I32 | U32 => "i32",
            I64 | U64 => "i64",
            F32 => "float",
            F64 => "double",
        }
    }
    fn lit(self, v: i128) -> String {
        assert!(
            v >= self.int_min() && v <= self.int_max(),
            "{v} out of {self:?}"
        );
        match self {
            I64 if v == self.int_min() => "(-9223372036854775807LL - 1)".into(),
            I32 if v == self.int_min() => "(-2147483647 - 1)".into(),
            I64 => format!("{v}LL"),
            U64 => format!("{v}ULL"),
            U32 => format!("{v}U"),
            F32 | F64 => unreachable!("no integer literal of a float type"),
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
    pub(super) fn int(&mut self, t: ScalarType) -> i128 {
        let raw = self.next() & ((1u128 << t.bits()) - 1) as u64;
        if t.is_signed_int() {
            let shift = 64 - t.bits();
            (((raw << shift) as i64) >> shift) as i128
        } else {
            raw as i128
        }
    }
}
