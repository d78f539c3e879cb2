//! Output comparison.

use std::fmt;

use super::{Buffer, Outputs, Scalar, ScalarType, Tolerance};

/// Where a value lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// The return value of call number `call` (0-based, execution order).
    Return {
        call: usize,
        entry: String,
    },
    Buffer(String),
    Extern(String),
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Return { call, entry } => write!(f, "return value of call #{call} (`{entry}`)"),
            Place::Buffer(b) => write!(f, "buffer `{b}`"),
            Place::Extern(e) => write!(f, "extern `{e}`"),
        }
    }
}

/// Which side of a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Expected,
    Actual,
}

/// The first difference found by [`compare`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Mismatch {
    /// The two outputs do not have the same shape (number of calls,
    /// buffers, lengths, types): the runs are not of the same kernel.
    #[error("outputs differ in shape: {0}")]
    Shape(String),
    /// A value differs.
    #[error("{place}[{index}]: expected {expected}, actual {actual} ({differing} of {total} elements differ)")]
    Value {
        place: Place,
        index: usize,
        expected: Scalar,
        actual: Scalar,
        /// How many elements of this place differ in total.
        differing: usize,
        total: usize,
    },
    /// A void call returned a value on one side only.
    #[error("{place}: expected {expected:?}, actual {actual:?}")]
    Presence {
        place: Place,
        expected: Option<Scalar>,
        actual: Option<Scalar>,
    },
    /// A kernel wrote past the end of a buffer.
    #[error("{place}: the {side:?} run wrote past the end (guard byte {offset} after the data)")]
    Guard {
        place: Place,
        side: Side,
        offset: usize,
    },
}

/// Ordered integer key of a float: adjacent floats differ by 1, +0 and -0
/// both map to 0.
fn ordered(ty: ScalarType, bits: u64) -> i128 {
    let (sign, mag) = match ty {
        ScalarType::F32 => (bits >> 31 & 1, bits & 0x7fff_ffff),
        _ => (bits >> 63, bits & 0x7fff_ffff_ffff_ffff),
    };
    if sign == 1 {
        -(mag as i128)
    } else {
        mag as i128
    }
}

/// Whether two values are equal under `tol` (see [`Tolerance`]).
pub fn values_match(expected: Scalar, actual: Scalar, tol: Tolerance) -> bool {
    if expected.ty() != actual.ty() {
        return false;
    }
    if expected.bits() == actual.bits() {
        return true;
    }
    let ty = expected.ty();
    if !ty.is_float() {
        return false;
    }
    match tol {
        Tolerance::Exact => false,
        Tolerance::Ulp(n) => {
            if expected.is_nan() || actual.is_nan() {
                return expected.is_nan() && actual.is_nan();
            }
            let (e, a) = (expected.as_f64(), actual.as_f64());
            if e.is_infinite() || a.is_infinite() {
                return e == a;
            }
            let d = ordered(ty, expected.bits()) - ordered(ty, actual.bits());
            d.unsigned_abs() <= n as u128
        }
    }
}

fn compare_buffers(
    expected: &[Buffer],
    actual: &[Buffer],
    tol: Tolerance,
    place: fn(&str) -> Place,
) -> Result<(), Mismatch> {
    if expected.len() != actual.len() {
        return Err(Mismatch::Shape(format!(
            "{} vs {} {}",
            expected.len(),
            actual.len(),
            match place("") {
                Place::Extern(_) => "externs",
                _ => "buffers",
            }
        )));
    }
    for (e, a) in expected.iter().zip(actual) {
        if e.name() != a.name() || e.elem() != a.elem() || e.len() != a.len() {
            return Err(Mismatch::Shape(format!(
                "`{}`: {}[{}] vs `{}`: {}[{}]",
                e.name(),
                e.elem(),
                e.len(),
                a.name(),
                a.elem(),
                a.len()
            )));
        }
        for (side, b) in [(Side::Actual, a), (Side::Expected, e)] {
            if let Some(offset) = b.guard_clobbered() {
                return Err(Mismatch::Guard {
                    place: place(b.name()),
                    side,
                    offset,
                });
            }
        }
        if e.bytes() == a.bytes() {
            continue;
        }
        let mut first = None;
        let mut differing = 0;
        for i in 0..e.len() {
            let (x, y) = (e.get(i), a.get(i));
            if !values_match(x, y, tol) {
                differing += 1;
                if first.is_none() {
                    first = Some((i, x, y));
                }
            }
        }
        if let Some((index, expected, actual)) = first {
            return Err(Mismatch::Value {
                place: place(e.name()),
                index,
                expected,
                actual,
                differing,
                total: e.len(),
            });
        }
    }
    Ok(())
}

/// Compares two runs of the same kernel: every return value in call
/// order, then every buffer, then every extern. Floats are compared under
/// `tol`, integers always bit for bit. Reports the first difference.
pub fn compare(expected: &Outputs, actual: &Outputs, tol: Tolerance) -> Result<(), Mismatch> {
    if expected.returns.len() != actual.returns.len() {
        return Err(Mismatch::Shape(format!(
            "{} vs {} calls",
            expected.returns.len(),
            actual.returns.len()
        )));
    }
    for (e, a) in expected.returns.iter().zip(&actual.returns) {
        let place = Place::Return {
            call: e.call,
            entry: e.entry.clone(),
        };
        match (e.value, a.value) {
            (None, None) => {}
            (Some(x), Some(y)) => {
                if !values_match(x, y, tol) {
                    return Err(Mismatch::Value {
                        place,
                        index: 0,
                        expected: x,
                        actual: y,
                        differing: 1,
                        total: 1,
                    });
                }
            }
            (x, y) => {
                return Err(Mismatch::Presence {
                    place,
                    expected: x,
                    actual: y,
                })
            }
        }
    }
    compare_buffers(&expected.buffers, &actual.buffers, tol, |n| {
        Place::Buffer(n.to_string())
    })?;
    compare_buffers(&expected.externs, &actual.externs, tol, |n| {
        Place::Extern(n.to_string())
    })
}
