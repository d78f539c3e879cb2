//! compiler-rt helpers the host's libraries may lack, supplied by the
//! harness so that kernels using them run everywhere.
//!
//! musl (loongarch64) exports no compiler-rt helper at all, so the 128-bit
//! integer helpers are here too. The half-precision conversions are the
//! other case: clang calls
//! `__truncsfhf2`/`__extendhfsf2`/`__truncdfhf2` (x86_64, riscv64, aarch64)
//! or the legacy `__gnu_f2h_ieee`/`__gnu_h2f_ieee` (ppc64le, loongarch64)
//! for `_Float16`/`half`, but e.g. riscv64's `libgcc_s` (GCC 12) has none of
//! them and x86_64's has no `__extendhfsf2`. [`fallback`] answers those
//! names only when `dlsym` finds nothing, so the process's real helpers win
//! wherever they exist. The implementations follow compiler-rt exactly
//! (round to nearest even, NaNs quieted with their payload kept).
//!
//! `_Float16` values travel in floating-point registers: in the low 16 bits
//! of `xmm0` (x86_64), of `h0`/`s0` (aarch64), and NaN-boxed in `fa0`
//! (riscv64 lp64d). An `f32` parameter or result occupies the same register
//! with the half in its low 16 bits (upper bits ignored on input; on
//! riscv64 set to ones on output, which completes the NaN-boxing), so
//! these helpers are declared with `f32` in place of `_Float16`.

use loader::resolve::{ProcessSymbols, Resolver};

/// Rounds `mantissa >> shift` to nearest, ties to even.
fn round_shift(mantissa: u64, shift: u32) -> u64 {
    if shift == 0 {
        return mantissa;
    }
    if shift >= 64 {
        return 0;
    }
    let kept = mantissa >> shift;
    let rem = mantissa & ((1u64 << shift) - 1);
    let half = 1u64 << (shift - 1);
    if rem > half || (rem == half && kept & 1 == 1) {
        kept + 1
    } else {
        kept
    }
}

/// IEEE binary32/binary64 -> binary16, round to nearest even.
/// `bits` has `exp_bits` exponent and `man_bits` mantissa bits.
fn to_half(bits: u64, exp_bits: u32, man_bits: u32) -> u16 {
    let sign = ((bits >> (exp_bits + man_bits)) as u16 & 1) << 15;
    let exp_max = (1u64 << exp_bits) - 1;
    let bias = (exp_max >> 1) as i64;
    let exp = ((bits >> man_bits) & exp_max) as i64;
    let man = bits & ((1u64 << man_bits) - 1);
    if exp as u64 == exp_max {
        if man == 0 {
            return sign | 0x7c00;
        }
        // NaN: quiet, payload truncated.
        return sign | 0x7e00 | ((man >> (man_bits - 10)) as u16 & 0x1ff);
    }
    if exp == 0 {
        // Zero or a subnormal of the wider type: far below half's range.
        return sign;
    }
    let e = exp - bias + 15;
    let full = man | (1u64 << man_bits);
    let drop = man_bits - 10;
    if e >= 1 {
        // Normal: the carry of the rounding may bump the exponent (and
        // reach infinity), which is the right result.
        let r = round_shift(man, drop) + ((e as u64) << 10);
        if r >= 0x7c00 {
            return sign | 0x7c00;
        }
        return sign | r as u16;
    }
    // Subnormal half (or zero): value = full * 2^(e - 25 - ...) units.
    let shift = drop as i64 + 1 - e;
    let r = if shift >= 64 {
        0
    } else {
        round_shift(full, shift as u32)
    };
    sign | r as u16
}

/// binary16 -> binary32 (exact; NaNs quieted, payload kept).
fn half_to_f32(h: u16) -> f32 {
    let sign = ((h as u32) & 0x8000) << 16;
    let exp = ((h >> 10) & 0x1f) as u32;
    let man = (h & 0x3ff) as u32;
    let bits = match (exp, man) {
        (0, 0) => sign,
        (0, m) => {
            // Subnormal: normalise.
            let lead = 31 - m.leading_zeros(); // position of the top bit (0..=9)
            let e = 127 - 15 - (10 - lead) + 1;
            let m = (m << (23 - lead)) & 0x7f_ffff;
            sign | (e << 23) | m
        }
        (0x1f, 0) => sign | 0x7f80_0000,
        (0x1f, m) => sign | 0x7fc0_0000 | (m << 13),
        (e, m) => sign | ((e + 127 - 15) << 23) | (m << 13),
    };
    f32::from_bits(bits)
}

/// The register image of a half result in an `f32` slot.
fn half_result(h: u16) -> f32 {
    if cfg!(target_arch = "riscv64") {
        f32::from_bits(0xffff_0000 | h as u32)
    } else {
        f32::from_bits(h as u32)
    }
}

extern "C" fn truncsfhf2(x: f32) -> f32 {
    half_result(to_half(x.to_bits() as u64, 8, 23))
}

extern "C" fn truncdfhf2(x: f64) -> f32 {
    half_result(to_half(x.to_bits(), 11, 52))
}

extern "C" fn extendhfsf2(h: f32) -> f32 {
    half_to_f32(h.to_bits() as u16)
}

extern "C" fn gnu_f2h_ieee(x: f32) -> u16 {
    to_half(x.to_bits() as u64, 8, 23)
}

extern "C" fn gnu_h2f_ieee(h: u16) -> f32 {
    half_to_f32(h)
}

// 128-bit integer helpers (libgcc_s has them on glibc targets; musl has
// none). Rust's `u128`/`i128` follow each target's C ABI for `__int128`.
// Division by zero returns 0 instead of trapping (undefined in C; no
// kernel divides by zero). Conversions follow compiler-rt: saturating,
// and a NaN converts like an out-of-range value of its sign.

extern "C" fn multi3(a: i128, b: i128) -> i128 {
    a.wrapping_mul(b)
}

extern "C" fn divti3(a: i128, b: i128) -> i128 {
    a.checked_div(b)
        .unwrap_or(if b == 0 { 0 } else { a.wrapping_div(b) })
}

extern "C" fn modti3(a: i128, b: i128) -> i128 {
    a.checked_rem(b).unwrap_or(0)
}

extern "C" fn udivti3(a: u128, b: u128) -> u128 {
    a.checked_div(b).unwrap_or(0)
}

extern "C" fn umodti3(a: u128, b: u128) -> u128 {
    a.checked_rem(b).unwrap_or(0)
}

fn nan_to_signed(negative: bool) -> i128 {
    if negative {
        i128::MIN
    } else {
        i128::MAX
    }
}

extern "C" fn fixdfti(a: f64) -> i128 {
    if a.is_nan() {
        nan_to_signed(a.is_sign_negative())
    } else {
        a as i128
    }
}

extern "C" fn fixsfti(a: f32) -> i128 {
    fixdfti(a as f64)
}

extern "C" fn fixunsdfti(a: f64) -> u128 {
    if a.is_nan() {
        if a.is_sign_negative() {
            0
        } else {
            u128::MAX
        }
    } else {
        a as u128
    }
}

extern "C" fn fixunssfti(a: f32) -> u128 {
    fixunsdfti(a as f64)
}

extern "C" fn floattidf(a: i128) -> f64 {
    a as f64
}

extern "C" fn floatuntidf(a: u128) -> f64 {
    a as f64
}

extern "C" fn floattisf(a: i128) -> f32 {
    a as f32
}

extern "C" fn floatuntisf(a: u128) -> f32 {
    a as f32
}

/// The harness's implementation of a helper, by name.
pub fn helper(name: &str) -> Option<u64> {
    let float_abi = cfg!(any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64"
    ));
    let f: usize = match name {
        "__truncsfhf2" if float_abi => truncsfhf2 as extern "C" fn(f32) -> f32 as usize,
        "__truncdfhf2" if float_abi => truncdfhf2 as extern "C" fn(f64) -> f32 as usize,
        "__extendhfsf2" if float_abi => extendhfsf2 as extern "C" fn(f32) -> f32 as usize,
        "__gnu_f2h_ieee" => gnu_f2h_ieee as extern "C" fn(f32) -> u16 as usize,
        "__gnu_h2f_ieee" => gnu_h2f_ieee as extern "C" fn(u16) -> f32 as usize,
        "__multi3" => multi3 as extern "C" fn(i128, i128) -> i128 as usize,
        "__divti3" => divti3 as extern "C" fn(i128, i128) -> i128 as usize,
        "__modti3" => modti3 as extern "C" fn(i128, i128) -> i128 as usize,
        "__udivti3" => udivti3 as extern "C" fn(u128, u128) -> u128 as usize,
        "__umodti3" => umodti3 as extern "C" fn(u128, u128) -> u128 as usize,
        "__fixdfti" => fixdfti as extern "C" fn(f64) -> i128 as usize,
        "__fixsfti" => fixsfti as extern "C" fn(f32) -> i128 as usize,
        "__fixunsdfti" => fixunsdfti as extern "C" fn(f64) -> u128 as usize,
        "__fixunssfti" => fixunssfti as extern "C" fn(f32) -> u128 as usize,
        "__floattidf" => floattidf as extern "C" fn(i128) -> f64 as usize,
        "__floatuntidf" => floatuntidf as extern "C" fn(u128) -> f64 as usize,
        "__floattisf" => floattisf as extern "C" fn(i128) -> f32 as usize,
        "__floatuntisf" => floatuntisf as extern "C" fn(u128) -> f32 as usize,
        _ => return None,
    };
    Some(f as u64)
}

/// The harness's helper, only for names `dlsym` does not find: a name the
/// process has is left to the loaders (the in-memory loader asks `dlsym`
/// itself; the dlopen backend leaves it to the dynamic loader, which binds
/// it through a PLT, whereas a resolver answer becomes an absolute
/// `--defsym` that a PC-relative call may not reach).
pub fn fallback(name: &str) -> Option<u64> {
    helper(name)?;
    match ProcessSymbols.resolve(name) {
        Some(_) => None,
        None => helper(name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f32_to_half(x: f32) -> u16 {
        to_half(x.to_bits() as u64, 8, 23)
    }

    fn f64_to_half(x: f64) -> u16 {
        to_half(x.to_bits(), 11, 52)
    }

    #[test]
    fn every_half_round_trips() {
        for h in 0..=u16::MAX {
            let f = half_to_f32(h);
            let back = f32_to_half(f);
            let is_nan = h & 0x7c00 == 0x7c00 && h & 0x3ff != 0;
            if is_nan {
                assert!(f.is_nan());
                assert_eq!(back, h | 0x200, "{h:#06x}");
            } else {
                assert_eq!(back, h, "{h:#06x} -> {f:e}");
                assert_eq!(f64_to_half(f as f64), h, "{h:#06x} via f64");
            }
        }
    }

    #[test]
    fn rounding_matches_ieee() {
        let tiny = 2f32.powi(-24);
        for (x, h) in [
            (1.0f32, 0x3c00u16),
            (-2.0, 0xc000),
            (65504.0, 0x7bff),
            (65519.99, 0x7bff),
            (65520.0, 0x7c00),
            (1e10, 0x7c00),
            (tiny, 0x0001),
            (tiny / 2.0, 0x0000),                  // tie -> even (0)
            (tiny * 1.5, 0x0002),                  // tie -> even (2)
            (tiny * 2.5, 0x0002),                  // tie -> even (2)
            (tiny * 0.500001, 0x0001),             // just above the tie
            (2f32.powi(-14), 0x0400),              // smallest normal
            (2f32.powi(-14) - tiny / 2.0, 0x0400), // rounds up into the normals
            (-0.0, 0x8000),
            (f32::INFINITY, 0x7c00),
            (f32::NEG_INFINITY, 0xfc00),
            (1.0 + 2f32.powi(-11), 0x3c00),       // tie -> even
            (1.0 + 3.0 * 2f32.powi(-11), 0x3c02), // tie -> even (up)
        ] {
            assert_eq!(f32_to_half(x), h, "{x:e}");
        }
        // Directly from f64: no double rounding through f32.
        assert_eq!(f64_to_half(1.0 + 2f64.powi(-11) + 2f64.powi(-40)), 0x3c01);
        assert_eq!(
            f32_to_half((1.0 + 2f64.powi(-11) + 2f64.powi(-40)) as f32),
            0x3c00
        );
        // sNaN is quieted, payload kept.
        assert_eq!(f32_to_half(f32::from_bits(0x7f80_2000)), 0x7e01);
        assert_eq!(half_to_f32(0x7c01).to_bits(), 0x7fc0_2000);
    }

    #[test]
    fn int128_helpers_follow_compiler_rt() {
        assert_eq!(divti3(i128::MIN, -1), i128::MIN);
        assert_eq!(divti3(-7, 2), -3);
        assert_eq!(modti3(-7, 2), -1);
        assert_eq!(udivti3(u128::MAX, 3), u128::MAX / 3);
        assert_eq!(udivti3(1, 0), 0);
        assert_eq!(fixdfti(f64::NAN), i128::MAX);
        assert_eq!(fixdfti(-f64::NAN), i128::MIN);
        assert_eq!(fixdfti(-1e40), i128::MIN);
        assert_eq!(fixunsdfti(-1.0), 0);
        assert_eq!(fixunsdfti(f64::NAN), u128::MAX);
        assert_eq!(floatuntidf(u128::MAX), 2f64.powi(128));
        assert_eq!(multi3(i128::MAX, 2), -2);
    }

    #[test]
    fn only_helpers_are_answered() {
        assert!(helper("__gnu_f2h_ieee").is_some());
        assert!(helper("sin").is_none());
        assert!(fallback("sin").is_none());
    }
}
