//! Calling loaded code: libffi for signatures known at run time, typed
//! function pointers for signatures known at compile time.

use crate::error::{Error, Result};
use libffi::middle::{Arg, Cif, CodePtr, Type as FfiType};
use std::ffi::c_void;
use std::fmt;

/// A C scalar type of a kernel signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    /// Return type only.
    Void,
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
    /// Any data pointer.
    Ptr,
}

impl Type {
    fn ffi(self) -> FfiType {
        match self {
            Type::Void => FfiType::void(),
            Type::I8 => FfiType::i8(),
            Type::I16 => FfiType::i16(),
            Type::I32 => FfiType::i32(),
            Type::I64 => FfiType::i64(),
            Type::U8 => FfiType::u8(),
            Type::U16 => FfiType::u16(),
            Type::U32 => FfiType::u32(),
            Type::U64 => FfiType::u64(),
            Type::F32 => FfiType::f32(),
            Type::F64 => FfiType::f64(),
            Type::Ptr => FfiType::pointer(),
        }
    }

    /// The C spelling, for messages.
    pub fn c_name(self) -> &'static str {
        match self {
            Type::Void => "void",
            Type::I8 => "int8_t",
            Type::I16 => "int16_t",
            Type::I32 => "int32_t",
            Type::I64 => "int64_t",
            Type::U8 => "uint8_t",
            Type::U16 => "uint16_t",
            Type::U32 => "uint32_t",
            Type::U64 => "uint64_t",
            Type::F32 => "float",
            Type::F64 => "double",
            Type::Ptr => "void *",
        }
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
                Type::I8 => Value::I8(self.cif.call(code, &ffi_args)),
                Type::I16 => Value::I16(self.cif.call(code, &ffi_args)),
                Type::I32 => Value::I32(self.cif.call(code, &ffi_args)),
                Type::I64 => Value::I64(self.cif.call(code, &ffi_args)),
                Type::U8 => Value::U8(self.cif.call(code, &ffi_args)),
                Type::U16 => Value::U16(self.cif.call(code, &ffi_args)),
                Type::U32 => Value::U32(self.cif.call(code, &ffi_args)),
                Type::U64 => Value::U64(self.cif.call(code, &ffi_args)),
                Type::F32 => Value::F32(self.cif.call(code, &ffi_args)),
                Type::F64 => Value::F64(self.cif.call(code, &ffi_args)),
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
