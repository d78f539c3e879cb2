//! Scalar types and bit-preserving scalar values.

use std::fmt;

/// The scalar types a kernel signature, buffer or extern can use: the
/// loader's own.
pub use loader::ScalarType;

/// A scalar value stored as its raw bit pattern (zero-extended to 64 bits).
///
/// Floats are never operated on, so NaN payloads and signalling NaNs survive
/// every copy unchanged.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Scalar {
    ty: ScalarType,
    bits: u64,
}

impl Scalar {
    /// A value of type `ty` from a raw bit pattern (truncated to the width).
    pub fn from_bits(ty: ScalarType, bits: u64) -> Scalar {
        Scalar {
            ty,
            bits: bits & ty.mask(),
        }
    }

    pub fn i8(v: i8) -> Scalar {
        Scalar::from_bits(ScalarType::I8, v as u8 as u64)
    }
    pub fn i16(v: i16) -> Scalar {
        Scalar::from_bits(ScalarType::I16, v as u16 as u64)
    }
    pub fn i32(v: i32) -> Scalar {
        Scalar::from_bits(ScalarType::I32, v as u32 as u64)
    }
    pub fn i64(v: i64) -> Scalar {
        Scalar::from_bits(ScalarType::I64, v as u64)
    }
    pub fn u8(v: u8) -> Scalar {
        Scalar::from_bits(ScalarType::U8, v as u64)
    }
    pub fn u16(v: u16) -> Scalar {
        Scalar::from_bits(ScalarType::U16, v as u64)
    }
    pub fn u32(v: u32) -> Scalar {
        Scalar::from_bits(ScalarType::U32, v as u64)
    }
    pub fn u64(v: u64) -> Scalar {
        Scalar::from_bits(ScalarType::U64, v)
    }
    pub fn f32(v: f32) -> Scalar {
        Scalar::from_bits(ScalarType::F32, v.to_bits() as u64)
    }
    pub fn f64(v: f64) -> Scalar {
        Scalar::from_bits(ScalarType::F64, v.to_bits())
    }

    pub fn ty(self) -> ScalarType {
        self.ty
    }

    /// The raw bit pattern, zero-extended.
    pub fn bits(self) -> u64 {
        self.bits
    }

    /// Integer value: sign-extended for signed types, zero-extended for
    /// unsigned types, the raw bits for floats.
    pub fn as_i64(self) -> i64 {
        if self.ty.is_signed_int() {
            let shift = 64 - self.ty.bits();
            ((self.bits << shift) as i64) >> shift
        } else {
            self.bits as i64
        }
    }

    /// Integer value reinterpreted as unsigned 64-bit (sign-extended for
    /// signed types).
    pub fn as_u64(self) -> u64 {
        self.as_i64() as u64
    }

    /// Float value (f32 widened exactly); integers are converted by value.
    pub fn as_f64(self) -> f64 {
        match self.ty {
            ScalarType::F32 => f32::from_bits(self.bits as u32) as f64,
            ScalarType::F64 => f64::from_bits(self.bits),
            t if t.is_signed_int() => self.as_i64() as f64,
            _ => self.bits as f64,
        }
    }

    /// The f32 value (only meaningful for `f32` scalars).
    pub fn as_f32(self) -> f32 {
        f32::from_bits(self.bits as u32)
    }

    /// Little-endian bytes of the value (the width of its type).
    pub fn to_ne_bytes(self) -> Vec<u8> {
        self.bits.to_ne_bytes()[..self.ty.size()].to_vec()
    }

    /// Whether the value is a float NaN.
    pub fn is_nan(self) -> bool {
        match self.ty {
            ScalarType::F32 => f32::from_bits(self.bits as u32).is_nan(),
            ScalarType::F64 => f64::from_bits(self.bits).is_nan(),
            _ => false,
        }
    }
}

impl fmt::Display for Scalar {
    /// `1.5 (f32 0x3fc00000)`, `-3 (i32 0xfffffffd)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self.ty.size() * 2;
        match self.ty {
            ScalarType::F32 => write!(f, "{:?}", self.as_f32())?,
            ScalarType::F64 => write!(f, "{:?}", self.as_f64())?,
            t if t.is_signed_int() => write!(f, "{}", self.as_i64())?,
            _ => write!(f, "{}", self.bits)?,
        }
        write!(f, " ({} {:#0w$x})", self.ty, self.bits, w = width + 2)
    }
}

impl fmt::Debug for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Rust element types that can view a buffer of the matching [`ScalarType`].
pub trait Element: bytemuck::Pod {
    const TYPE: ScalarType;
}

macro_rules! element {
    ($($t:ty => $v:ident),*) => {$(
        impl Element for $t {
            const TYPE: ScalarType = ScalarType::$v;
        }
    )*};
}
element!(i8 => I8, i16 => I16, i32 => I32, i64 => I64, u8 => U8, u16 => U16, u32 => U32, u64 => U64, f32 => F32, f64 => F64);
