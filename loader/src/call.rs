//! Calling loaded code: libffi for signatures known at run time, typed
//! function pointers for signatures known at compile time.

use crate::error::{Error, Result};
use libffi::middle::{Arg, Cif, CodePtr, Type as FfiType};
use std::ffi::c_void;
use std::fmt;

/// A C scalar type: what a kernel's buffers hold and what its by-value
/// parameters and results are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ScalarType {
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

impl ScalarType {
    /// Every scalar type, in a fixed order.
    pub const ALL: [ScalarType; 10] = [
        ScalarType::I8,
        ScalarType::I16,
        ScalarType::I32,
        ScalarType::I64,
        ScalarType::U8,
        ScalarType::U16,
        ScalarType::U32,
        ScalarType::U64,
        ScalarType::F32,
        ScalarType::F64,
    ];

    /// The short name (`i32`, `f64`, ...), as kernel headers write it.
    pub fn name(self) -> &'static str {
        match self {
            ScalarType::I8 => "i8",
            ScalarType::I16 => "i16",
            ScalarType::I32 => "i32",
            ScalarType::I64 => "i64",
            ScalarType::U8 => "u8",
            ScalarType::U16 => "u16",
            ScalarType::U32 => "u32",
            ScalarType::U64 => "u64",
            ScalarType::F32 => "f32",
            ScalarType::F64 => "f64",
        }
    }

    /// The type of a short name.
    pub fn from_name(name: &str) -> Option<ScalarType> {
        ScalarType::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The C spelling without headers (`signed char`, `unsigned int`, ...).
    pub fn c_name(self) -> &'static str {
        match self {
            ScalarType::I8 => "signed char",
            ScalarType::I16 => "short",
            ScalarType::I32 => "int",
            ScalarType::I64 => "long long",
            ScalarType::U8 => "unsigned char",
            ScalarType::U16 => "unsigned short",
            ScalarType::U32 => "unsigned int",
            ScalarType::U64 => "unsigned long long",
            ScalarType::F32 => "float",
            ScalarType::F64 => "double",
        }
    }

    /// The `<stdint.h>` spelling (`int8_t`, ...; `float`, `double`).
    pub fn stdint_name(self) -> &'static str {
        match self {
            ScalarType::I8 => "int8_t",
            ScalarType::I16 => "int16_t",
            ScalarType::I32 => "int32_t",
            ScalarType::I64 => "int64_t",
            ScalarType::U8 => "uint8_t",
            ScalarType::U16 => "uint16_t",
            ScalarType::U32 => "uint32_t",
            ScalarType::U64 => "uint64_t",
            ScalarType::F32 => "float",
            ScalarType::F64 => "double",
        }
    }

    /// Size in bytes.
    pub fn size(self) -> usize {
        match self {
            ScalarType::I8 | ScalarType::U8 => 1,
            ScalarType::I16 | ScalarType::U16 => 2,
            ScalarType::I32 | ScalarType::U32 | ScalarType::F32 => 4,
            ScalarType::I64 | ScalarType::U64 | ScalarType::F64 => 8,
        }
    }

    /// Width in bits.
    pub fn bits(self) -> u32 {
        self.size() as u32 * 8
    }

    pub fn is_float(self) -> bool {
        matches!(self, ScalarType::F32 | ScalarType::F64)
    }

    pub fn is_signed_int(self) -> bool {
        matches!(
            self,
            ScalarType::I8 | ScalarType::I16 | ScalarType::I32 | ScalarType::I64
        )
    }

    pub fn is_unsigned_int(self) -> bool {
        matches!(
            self,
            ScalarType::U8 | ScalarType::U16 | ScalarType::U32 | ScalarType::U64
        )
    }

    /// Mask of the low `bits()` bits.
    pub fn mask(self) -> u64 {
        if self.bits() == 64 {
            u64::MAX
        } else {
            (1u64 << self.bits()) - 1
        }
    }

    /// Smallest value of an integer type (as i128); 0 for unsigned types.
    pub fn int_min(self) -> i128 {
        if self.is_signed_int() {
            -(1i128 << (self.bits() - 1))
        } else {
            0
        }
    }

    /// Largest value of an integer type (as i128).
    pub fn int_max(self) -> i128 {
        if self.is_signed_int() {
            (1i128 << (self.bits() - 1)) - 1
        } else {
            (1i128 << self.bits()) - 1
        }
    }

    fn ffi(self) -> FfiType {
        match self {
            ScalarType::I8 => FfiType::i8(),
            ScalarType::I16 => FfiType::i16(),
            ScalarType::I32 => FfiType::i32(),
            ScalarType::I64 => FfiType::i64(),
            ScalarType::U8 => FfiType::u8(),
            ScalarType::U16 => FfiType::u16(),
            ScalarType::U32 => FfiType::u32(),
            ScalarType::U64 => FfiType::u64(),
            ScalarType::F32 => FfiType::f32(),
            ScalarType::F64 => FfiType::f64(),
        }
    }
}

impl fmt::Display for ScalarType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A C type of a kernel signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    /// Return type only.
    Void,
    Scalar(ScalarType),
    /// Any data pointer.
    Ptr,
}

impl Type {
    pub const I8: Type = Type::Scalar(ScalarType::I8);
    pub const I16: Type = Type::Scalar(ScalarType::I16);
    pub const I32: Type = Type::Scalar(ScalarType::I32);
    pub const I64: Type = Type::Scalar(ScalarType::I64);
    pub const U8: Type = Type::Scalar(ScalarType::U8);
    pub const U16: Type = Type::Scalar(ScalarType::U16);
    pub const U32: Type = Type::Scalar(ScalarType::U32);
    pub const U64: Type = Type::Scalar(ScalarType::U64);
    pub const F32: Type = Type::Scalar(ScalarType::F32);
    pub const F64: Type = Type::Scalar(ScalarType::F64);

    fn ffi(self) -> FfiType {
        match self {
            Type::Void => FfiType::void(),
            Type::Scalar(t) => t.ffi(),
            Type::Ptr => FfiType::pointer(),
        }
    }

    /// The C spelling, for messages.
    pub fn c_name(self) -> &'static str {
        match self {
            Type::Void => "void",
            Type::Scalar(t) => t.stdint_name(),
            Type::Ptr => "void *",
        }
    }
}

impl From<ScalarType> for Type {
    fn from(t: ScalarType) -> Type {
        Type::Scalar(t)
    }
}

/// An argument or return value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    Void,
    I8(i8),
    I16(i16),
    I32(i32),
    I64(i64),
    U8(u8),
    U16(u16),
    U32(u32),
    U64(u64),
    F32(f32),
    F64(f64),
    Ptr(*mut c_void),
}

impl Value {
    /// The value's type.
    pub fn ty(&self) -> Type {
        match self {
            Value::Void => Type::Void,
            Value::I8(_) => Type::I8,
            Value::I16(_) => Type::I16,
            Value::I32(_) => Type::I32,
            Value::I64(_) => Type::I64,
            Value::U8(_) => Type::U8,
            Value::U16(_) => Type::U16,
            Value::U32(_) => Type::U32,
            Value::U64(_) => Type::U64,
            Value::F32(_) => Type::F32,
            Value::F64(_) => Type::F64,
            Value::Ptr(_) => Type::Ptr,
        }
    }

    /// The value of type `t` whose bits are the low bits of `bits` (floats
    /// by their IEEE bits): the inverse of [`Value::bits`].
    pub fn from_bits(t: ScalarType, bits: u64) -> Value {
        match t {
            ScalarType::I8 => Value::I8(bits as u8 as i8),
            ScalarType::I16 => Value::I16(bits as u16 as i16),
            ScalarType::I32 => Value::I32(bits as u32 as i32),
            ScalarType::I64 => Value::I64(bits as i64),
            ScalarType::U8 => Value::U8(bits as u8),
            ScalarType::U16 => Value::U16(bits as u16),
            ScalarType::U32 => Value::U32(bits as u32),
            ScalarType::U64 => Value::U64(bits),
            ScalarType::F32 => Value::F32(f32::from_bits(bits as u32)),
            ScalarType::F64 => Value::F64(f64::from_bits(bits)),
        }
    }

    /// The value's bits, zero-extended (floats by their IEEE bits), for
    /// bit-exact comparison.
    pub fn bits(&self) -> u64 {
        match *self {
            Value::Void => 0,
            Value::I8(v) => v as u8 as u64,
            Value::I16(v) => v as u16 as u64,
            Value::I32(v) => v as u32 as u64,
            Value::I64(v) => v as u64,
            Value::U8(v) => v as u64,
            Value::U16(v) => v as u64,
            Value::U32(v) => v as u64,
            Value::U64(v) => v,
            Value::F32(v) => v.to_bits() as u64,
            Value::F64(v) => v.to_bits(),
            Value::Ptr(v) => v as u64,
        }
    }

    fn arg(&self) -> Arg<'_> {
        match self {
            Value::Void => Arg::new(&()),
            Value::I8(v) => Arg::new(v),
            Value::I16(v) => Arg::new(v),
            Value::I32(v) => Arg::new(v),
            Value::I64(v) => Arg::new(v),
            Value::U8(v) => Arg::new(v),
            Value::U16(v) => Arg::new(v),
            Value::U32(v) => Arg::new(v),
            Value::U64(v) => Arg::new(v),
            Value::F32(v) => Arg::new(v),
            Value::F64(v) => Arg::new(v),
            Value::Ptr(v) => Arg::new(v),
        }
    }
}

/// A C function signature known at run time, with its libffi call
/// interface prepared once.
pub struct Signature {
    params: Vec<Type>,
    ret: Type,
    cif: Cif,
}

// SAFETY: the Cif and the type descriptions it points to are owned by this
// value and never mutated after construction; ffi_call only reads them, so
// moving or sharing the signature between threads is sound.
unsafe impl Send for Signature {}
// SAFETY: see above.
unsafe impl Sync for Signature {}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (", self.ret.c_name())?;
        for (i, p) in self.params.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(p.c_name())?;
        }
        f.write_str(")")
    }
}

impl PartialEq for Signature {
    fn eq(&self, other: &Self) -> bool {
        self.params == other.params && self.ret == other.ret
    }
}

impl Signature {
    /// `ret (params...)`. `Type::Void` is allowed only as the return type.
    pub fn new(params: &[Type], ret: Type) -> Result<Signature> {
        if let Some(i) = params.iter().position(|&t| t == Type::Void) {
            return Err(Error::BadSignature {
                function: String::new(),
                problem: format!("parameter {i} is void"),
            });
        }
        let cif = Cif::try_new(params.iter().map(|t| t.ffi()), ret.ffi()).map_err(|e| {
            Error::BadSignature {
                function: String::new(),
                problem: format!("libffi rejected the signature: {e:?}"),
            }
        })?;
        Ok(Signature {
            params: params.to_vec(),
            ret,
            cif,
        })
    }

    pub fn params(&self) -> &[Type] {
        &self.params
    }

    pub fn ret(&self) -> Type {
        self.ret
    }

    /// Calls the code at `address` with `args`.
    ///
    /// # Safety
    /// `address` must be a function with exactly this signature, and any
    /// pointer arguments must be valid for whatever the function does with
    /// them.
    pub(crate) unsafe fn call(&self, name: &str, address: u64, args: &[Value]) -> Result<Value> {
        if args.len() != self.params.len() {
            return Err(Error::BadSignature {
                function: name.to_string(),
                problem: format!(
                    "{} arguments given, the signature {self} takes {}",
                    args.len(),
                    self.params.len()
                ),
            });
        }
        if let Some((i, (a, t))) = args
            .iter()
            .zip(&self.params)
            .enumerate()
            .find(|(_, (a, t))| a.ty() != **t)
        {
            return Err(Error::BadSignature {
                function: name.to_string(),
                problem: format!(
                    "argument {i} is {}, the signature {self} wants {}",
                    a.ty().c_name(),
                    t.c_name()
                ),
            });
        }
        let ffi_args: Vec<Arg<'_>> = args.iter().map(Value::arg).collect();
        let code = CodePtr(address as *mut c_void);
        // SAFETY: the caller guarantees the function at `address` has this
        // signature; argument types were checked against it above.
        Ok(unsafe {
            match self.ret {
                Type::Void => {
                    self.cif.call::<()>(code, &ffi_args);
                    Value::Void
                }
                Type::Scalar(t) => match t {
                    ScalarType::I8 => Value::I8(self.cif.call(code, &ffi_args)),
                    ScalarType::I16 => Value::I16(self.cif.call(code, &ffi_args)),
                    ScalarType::I32 => Value::I32(self.cif.call(code, &ffi_args)),
                    ScalarType::I64 => Value::I64(self.cif.call(code, &ffi_args)),
                    ScalarType::U8 => Value::U8(self.cif.call(code, &ffi_args)),
                    ScalarType::U16 => Value::U16(self.cif.call(code, &ffi_args)),
                    ScalarType::U32 => Value::U32(self.cif.call(code, &ffi_args)),
                    ScalarType::U64 => Value::U64(self.cif.call(code, &ffi_args)),
                    ScalarType::F32 => Value::F32(self.cif.call(code, &ffi_args)),
                    ScalarType::F64 => Value::F64(self.cif.call(code, &ffi_args)),
                },
                Type::Ptr => Value::Ptr(self.cif.call(code, &ffi_args)),
            }
        })
    }
}

/// An `extern "C"` function pointer type the typed fast path can call.
///
/// # Safety
/// Implemented only for `extern "C" fn` pointer types; `from_address` must
/// be given the address of a function of exactly that type.
pub unsafe trait FnPtr: Copy {
    /// # Safety
    /// `address` must be a function of type `Self`.
    unsafe fn from_address(address: u64) -> Self;
}

macro_rules! impl_fn_ptr {
    ($($arg:ident),*) => {
        // SAFETY: an `extern "C" fn` pointer is a plain code address.
        unsafe impl<R, $($arg),*> FnPtr for extern "C" fn($($arg),*) -> R {
            unsafe fn from_address(address: u64) -> Self {
                // SAFETY: the caller guarantees `address` is such a function.
                unsafe { std::mem::transmute::<usize, Self>(address as usize) }
            }
        }
        // SAFETY: as above.
        unsafe impl<R, $($arg),*> FnPtr for unsafe extern "C" fn($($arg),*) -> R {
            unsafe fn from_address(address: u64) -> Self {
                // SAFETY: the caller guarantees `address` is such a function.
                unsafe { std::mem::transmute::<usize, Self>(address as usize) }
            }
        }
    };
}

impl_fn_ptr!();
impl_fn_ptr!(A);
impl_fn_ptr!(A, B);
impl_fn_ptr!(A, B, C);
impl_fn_ptr!(A, B, C, D);
impl_fn_ptr!(A, B, C, D, E);
impl_fn_ptr!(A, B, C, D, E, F);
impl_fn_ptr!(A, B, C, D, E, F, G);
impl_fn_ptr!(A, B, C, D, E, F, G, H);
impl_fn_ptr!(A, B, C, D, E, F, G, H, I);
impl_fn_ptr!(A, B, C, D, E, F, G, H, I, J);
impl_fn_ptr!(A, B, C, D, E, F, G, H, I, J, K);
impl_fn_ptr!(A, B, C, D, E, F, G, H, I, J, K, L);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_from_bits_keeps_the_low_bits_and_the_type() {
        let pattern = 0x8123_4567_89ab_cdef_u64;
        for t in ScalarType::ALL {
            let v = Value::from_bits(t, pattern);
            assert_eq!(v.ty(), Type::Scalar(t), "{t}");
            assert_eq!(v.bits(), pattern & t.mask(), "{t}");
            assert_eq!(ScalarType::from_name(t.name()), Some(t));
        }
    }
}
