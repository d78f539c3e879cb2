//! Rust reference implementations of part of the corpus.
//!
//! Both loader backends run the same machine code, so a miscompilation or a
//! wrong kernel would pass the JIT-vs-dlopen comparison; a reference written
//! independently in Rust catches that. A reference receives the generated
//! [`Inputs`], performs every call of the call plan in order (mutating the
//! buffers and externs like the kernel would) and returns one value per call
//! (`None` for `void` entries). Compare its [`Outputs`] with the kernel's
//! declared tolerance ([`crate::spec::KernelSpec::tolerance`]).
//!
//! A reference panics when the inputs do not have the buffers or arguments
//! it expects: that means the kernel header changed and the reference was
//! not updated (the unit tests run every reference on its kernel's inputs).

use crate::spec::{Element, Inputs, KernelSpec, Outputs, Scalar};

/// One reference: performs every call of `inputs.calls`.
pub type ReferenceFn = fn(&mut Inputs) -> Vec<Option<Scalar>>;

/// Every reference, by kernel name.
pub const REFERENCES: &[(&str, ReferenceFn)] = &[
    ("elementwise/saxpy_f32", saxpy_f32),
    ("elementwise/daxpy_edges_f64", daxpy_edges_f64),
    ("elementwise/vadd_i32_wrap", vadd_i32_wrap),
    ("elementwise/vmul_u16", vmul_u16),
    ("elementwise/clamp_f32", clamp_f32),
    ("elementwise/abs_neg_f64", abs_neg_f64),
    ("elementwise/int_to_float", int_to_float),
    ("elementwise/float_to_int_sat", float_to_int_sat),
    ("elementwise/select_mask_i64", select_mask_i64),
    ("elementwise/shifts_u32", shifts_u32),
    ("elementwise/horner_f64", horner_f64),
    ("elementwise/fneg_f64", fneg_f64),
    ("elementwise/select_phi_clamp", select_phi_clamp),
    ("elementwise/fma_loop", fma_loop),
    ("reduce/sum_f64", sum_f64),
    ("reduce/sum_i64_wrap", sum_i64_wrap),
    ("reduce/dot_f32", dot_f32),
    ("reduce/kahan_f64", kahan_f64),
    ("reduce/minmax_index_i32", minmax_index_i32),
    ("reduce/histogram_u8", histogram_u8),
    ("reduce/prefix_sum_u32", prefix_sum_u32),
    ("linalg/matmul_f32", matmul_f32),
    ("linalg/matmul_u32", matmul_u32),
    ("linalg/transpose_u32", transpose_u32),
    ("linalg/conv1d_f32", conv1d_f32),
    ("linalg/heat1d_f32", heat1d_f32),
    ("math/sqrt_f32_f64", sqrt_f32_f64),
    ("math/fma_builtin", fma_builtin),
    ("math/rounding_f64", rounding_f64),
    ("bits/popcount_u64", popcount_u64),
    ("bits/clz_ctz_u32", clz_ctz_u32),
    ("bits/bswap", bswap),
    ("bits/rotate_u32", rotate_u32),
    ("bits/sat_add_i16", sat_add_i16),
    ("bits/crc32_bitwise", crc32_bitwise),
    ("bits/bitreverse_u32", bitreverse_u32),
    ("bits/morton_u32", morton_u32),
    ("bits/with_overflow", with_overflow),
    ("bits/sat_overflow_intrinsics", sat_overflow_intrinsics),
    ("switch/switch_dense", switch_dense),
    ("switch/switch_lookup_table", switch_lookup_table),
    ("switch/bytecode_vm", bytecode_vm),
    ("data/counter_across_calls", counter_across_calls),
    ("data/rc4_state", rc4_state),
    ("bss/accumulator", bss_accumulator),
    ("strings/hash_literals", hash_literals),
    ("fnptr/op_table", op_table),
    ("fnptr/sort_with_comparator", sort_with_comparator),
    ("recursion/fib", fib),
    ("recursion/ackermann", ackermann),
    ("recursion/quicksort", quicksort),
    ("recursion/hanoi", hanoi),
    ("compiler-rt/i128_mul", i128_mul),
    ("compiler-rt/u128_divmod", u128_divmod),
    ("compiler-rt/i128_sdivmod", i128_sdivmod),
    ("multi/multi_functions", multi_functions),
    ("extern/scalar_extern", scalar_extern),
    ("extern/written_extern", written_extern),
    ("manyargs/narrow_ints10", narrow_ints10),
    ("manyargs/mixed12", mixed12),
    ("manyargs/sixteen_doubles", sixteen_doubles),
];

/// The reference of a kernel, if there is one.
pub fn reference(kernel: &str) -> Option<ReferenceFn> {
    REFERENCES
        .iter()
        .find(|(name, _)| *name == kernel)
        .map(|(_, f)| *f)
        .or_else(|| crate::reference_generated::reference(kernel))
}

/// Generates the kernel's inputs and runs its reference on them.
pub fn run_reference(spec: &KernelSpec) -> Option<Outputs> {
    let f = reference(&spec.name)?;
    let mut inputs = spec.inputs();
    let returns = f(&mut inputs);
    Some(inputs.into_outputs(returns))
}

// ---------------------------------------------------------------------------
// Helpers

fn get<T: Element>(inp: &Inputs, name: &str) -> Vec<T> {
    inp.buffer(name)
        .unwrap_or_else(|| panic!("reference expects a buffer `{name}`"))
        .values::<T>()
        .to_vec()
}

fn put<T: Element>(inp: &mut Inputs, name: &str, v: &[T]) {
    inp.buffer_mut(name)
        .unwrap_or_else(|| panic!("reference expects a buffer `{name}`"))
        .values_mut::<T>()
        .copy_from_slice(v);
}

fn get_ext<T: Element>(inp: &Inputs, name: &str) -> Vec<T> {
    inp.extern_symbol(name)
        .unwrap_or_else(|| panic!("reference expects an extern `{name}`"))
        .values::<T>()
        .to_vec()
}

fn put_ext<T: Element>(inp: &mut Inputs, name: &str, v: &[T]) {
    inp.extern_symbol_mut(name)
        .unwrap_or_else(|| panic!("reference expects an extern `{name}`"))
        .values_mut::<T>()
        .copy_from_slice(v);
}

/// Scalar argument `name` of call `call`.
fn arg(inp: &Inputs, call: usize, name: &str) -> Scalar {
    inp.calls[call]
        .scalar(name)
        .unwrap_or_else(|| panic!("reference expects an argument `{name}`"))
}

fn arg_usize(inp: &Inputs, name: &str) -> usize {
    arg(inp, 0, name).as_u64() as usize
}

/// Runs `body` once per call and collects its return values.
fn per_call(
    inp: &mut Inputs,
    mut body: impl FnMut(&mut Inputs, usize) -> Option<Scalar>,
) -> Vec<Option<Scalar>> {
    (0..inp.calls.len()).map(|c| body(inp, c)).collect()
}

/// A single call returning nothing, after `body` ran once.
fn void_once(inp: &mut Inputs, body: impl FnOnce(&mut Inputs)) -> Vec<Option<Scalar>> {
    body(inp);
    vec![None; inp.calls.len()]
}

// ---------------------------------------------------------------------------
// elementwise

fn saxpy_f32(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    void_once(inp, |inp| {
        let n = arg_usize(inp, "n");
        let a = arg(inp, 0, "a").as_f32();
        let x = get::<f32>(inp, "x");
        let mut y = get::<f32>(inp, "y");
        for i in 0..n {
            y[i] += a * x[i];
        }
        put(inp, "y", &y);
    })
}

fn daxpy_edges_f64(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    void_once(inp, |inp| {
        let n = arg_usize(inp, "n");
        let a = arg(inp, 0, "a").as_f64();
        let x = get::<f64>(inp, "x");
        let mut y = get::<f64>(inp, "y");
        for i in 0..n {
            y[i] += a * x[i];
        }
        put(inp, "y", &y);
    })
}

fn vadd_i32_wrap(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    void_once(inp, |inp| {
        let a = get::<i32>(inp, "a");
        let b = get::<i32>(inp, "b");
        let c: Vec<i32> = a.iter().zip(&b).map(|(x, y)| x.wrapping_add(*y)).collect();
        put(inp, "c", &c);
    })
}

fn vmul_u16(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    void_once(inp, |inp| {
        let a = get::<u16>(inp, "a");
        let b = get::<u16>(inp, "b");
        let c: Vec<u16> = a.iter().zip(&b).map(|(x, y)| x.wrapping_mul(*y)).collect();
        put(inp, "c", &c);
    })
}

fn clamp_f32(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    void_once(inp, |inp| {
        let lo = arg(inp, 0, "lo").as_f32();
        let hi = arg(inp, 0, "hi").as_f32();
        let y: Vec<f32> = get::<f32>(inp, "x")
            .into_iter()
            .map(|v| {
                if v < lo {
                    lo
                } else if v > hi {
                    hi
                } else {
                    v
                }
            })
            .collect();
        put(inp, "y", &y);
    })
}

fn abs_neg_f64(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    void_once(inp, |inp| {
        let x = get::<f64>(inp, "x");
        let a: Vec<f64> = x
            .iter()
            .map(|v| f64::from_bits(v.to_bits() & !(1 << 63)))
            .collect();
        let m: Vec<f64> = x
            .iter()
            .map(|v| f64::from_bits(v.to_bits() ^ (1 << 63)))
            .collect();
        put(inp, "a", &a);
        put(inp, "m", &m);
    })
}

fn int_to_float(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    void_once(inp, |inp| {
        let fa: Vec<f32> = get::<i32>(inp, "a").iter().map(|&v| v as f32).collect();
        let fb: Vec<f64> = get::<u64>(inp, "b").iter().map(|&v| v as f64).collect();
        let fc: Vec<f32> = get::<i64>(inp, "c").iter().map(|&v| v as f32).collect();
        let fd: Vec<f64> = get::<u32>(inp, "d").iter().map(|&v| v as f64).collect();
        put(inp, "fa", &fa);
        put(inp, "fb", &fb);
        put(inp, "fc", &fc);
        put(inp, "fd", &fd);
    })
}

fn float_to_int_sat(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    void_once(inp, |inp| {
        // Rust's `as` saturates and maps NaN to 0, exactly the kernel's policy.
        let y: Vec<i32> = get::<f64>(inp, "x").iter().map(|&v| v as i32).collect();
        put(inp, "y", &y);
    })
}

fn select_mask_i64(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    void_once(inp, |inp| {
        let a = get::<i64>(inp, "a");
        let b = get::<i64>(inp, "b");
        let c = get::<i64>(inp, "c");
        let out: Vec<i64> = (0..a.len())
            .map(|i| if c[i] > 0 { a[i] } else { b[i] })
            .collect();
        put(inp, "out", &out);
    })
}

fn shifts_u32(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    void_once(inp, |inp| {
        let a = get::<u32>(inp, "a");
        let s = get::<u8>(inp, "s");
        let k = |i: usize| (s[i] & 31) as u32;
        let shl: Vec<u32> = (0..a.len()).map(|i| a[i] << k(i)).collect();
        let shr: Vec<u32> = (0..a.len()).map(|i| a[i] >> k(i)).collect();
        let sar: Vec<i32> = (0..a.len()).map(|i| (a[i] as i32) >> k(i)).collect();
        put(inp, "shl", &shl);
        put(inp, "shr", &shr);
        put(inp, "sar", &sar);
    })
}

fn horner_f64(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    void_once(inp, |inp| {
        let c = get::<f64>(inp, "c");
        let y: Vec<f64> = get::<f64>(inp, "x")
            .iter()
            .map(|&x| c[..7].iter().rev().fold(c[7], |acc, &ck| acc * x + ck))
            .collect();
        put(inp, "y", &y);
    })
}

fn fneg_f64(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    void_once(inp, |inp| {
        let y: Vec<f64> = get::<f64>(inp, "x")
            .iter()
            .map(|v| f64::from_bits(v.to_bits() ^ (1 << 63)))
            .collect();
        put(inp, "y", &y);
    })
}

fn select_phi_clamp(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    let lo = arg(inp, 0, "lo").as_i64();
    let hi = arg(inp, 0, "hi").as_i64();
    let y: Vec<i64> = get::<i64>(inp, "x")
        .iter()
        .map(|&v| v.max(lo).min(hi))
        .collect();
    let sum = y.iter().fold(0i64, |s, v| s.wrapping_add(*v));
    put(inp, "y", &y);
    vec![Some(Scalar::i64(sum))]
}

fn fma_loop(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    void_once(inp, |inp| {
        let a = get::<f64>(inp, "a");
        let b = get::<f64>(inp, "b");
        let c = get::<f64>(inp, "c");
        let d: Vec<f64> = (0..a.len()).map(|i| a[i].mul_add(b[i], c[i])).collect();
        let fd: Vec<f32> = get::<f32>(inp, "fa")
            .iter()
            .map(|v| v.mul_add(*v, 1.5))
            .collect();
        put(inp, "d", &d);
        put(inp, "fd", &fd);
    })
}

// ---------------------------------------------------------------------------
// reduce

fn sum_f64(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    let s = get::<f64>(inp, "x").iter().fold(0.0, |s, v| s + v);
    vec![Some(Scalar::f64(s))]
}

fn sum_i64_wrap(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    let s = get::<i64>(inp, "x")
        .iter()
        .fold(0i64, |s, v| s.wrapping_add(*v));
    vec![Some(Scalar::i64(s))]
}

fn dot_f32(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    let a = get::<f32>(inp, "a");
    let b = get::<f32>(inp, "b");
    let s = a.iter().zip(&b).fold(0.0f32, |s, (x, y)| s + x * y);
    vec![Some(Scalar::f32(s))]
}

fn kahan_f64(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    let (mut s, mut c) = (0.0f64, 0.0f64);
    for v in get::<f64>(inp, "x") {
        let y = v - c;
        let t = s + y;
        c = (t - s) - y;
        s = t;
    }
    vec![Some(Scalar::f64(s))]
}

fn minmax_index_i32(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    let x = get::<i32>(inp, "x");
    let (mut lo, mut hi) = (0usize, 0usize);
    for (i, &v) in x.iter().enumerate().skip(1) {
        if v < x[lo] {
            lo = i;
        }
        if v > x[hi] {
            hi = i;
        }
    }
    vec![Some(Scalar::i64(((lo as i64) << 32) | hi as i64))]
}

fn histogram_u8(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    void_once(inp, |inp| {
        let mut h = get::<u32>(inp, "h");
        for b in get::<u8>(inp, "x") {
            h[b as usize] = h[b as usize].wrapping_add(1);
        }
        put(inp, "h", &h);
    })
}

fn prefix_sum_u32(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    void_once(inp, |inp| {
        let y: Vec<u32> = get::<u32>(inp, "x")
            .iter()
            .scan(0u32, |s, v| {
                *s = s.wrapping_add(*v);
                Some(*s)
            })
            .collect();
        put(inp, "y", &y);
    })
}

// ---------------------------------------------------------------------------
// linalg

fn matmul_f32(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    void_once(inp, |inp| {
        let (m, k, n) = (
            arg_usize(inp, "m"),
            arg_usize(inp, "k"),
            arg_usize(inp, "n"),
        );
        let a = get::<f32>(inp, "a");
        let b = get::<f32>(inp, "b");
        let mut c = vec![0.0f32; m * n];
        for i in 0..m {
            for j in 0..n {
                // Same summation order as the kernel: p ascending, from 0.
                let mut s = 0.0f32;
                for p in 0..k {
                    s += a[i * k + p] * b[p * n + j];
                }
                c[i * n + j] = s;
            }
        }
        put(inp, "c", &c);
    })
}

fn matmul_u32(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    void_once(inp, |inp| {
        let n = arg_usize(inp, "n");
        let a = get::<u32>(inp, "a");
        let b = get::<u32>(inp, "b");
        let mut c = vec![0u32; n * n];
        for i in 0..n {
            for j in 0..n {
                c[i * n + j] = (0..n).fold(0u32, |s, p| {
                    s.wrapping_add(a[i * n + p].wrapping_mul(b[p * n + j]))
                });
            }
        }
        put(inp, "c", &c);
    })
}

fn transpose_u32(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    void_once(inp, |inp| {
        let (rows, cols) = (arg_usize(inp, "rows"), arg_usize(inp, "cols"));
        let a = get::<u32>(inp, "a");
        let mut t = vec![0u32; rows * cols];
        for i in 0..rows {
            for j in 0..cols {
                t[j * rows + i] = a[i * cols + j];
            }
        }
        put(inp, "t", &t);
    })
}

fn conv1d_f32(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    void_once(inp, |inp| {
        let n = arg_usize(inp, "n");
        let x = get::<f32>(inp, "x");
        let w = get::<f32>(inp, "w");
        let y: Vec<f32> = (0..n)
            .map(|i| (0..9).fold(0.0f32, |s, t| s + x[i + t] * w[t]))
            .collect();
        put(inp, "y", &y);
    })
}

fn heat1d_f32(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    per_call(inp, |inp, c| {
        let n = arg(inp, c, "n").as_u64() as usize;
        let alpha = arg(inp, c, "alpha").as_f32();
        let mut u = get::<f32>(inp, "u");
        for _ in 0..6 {
            let old = u.clone();
            for i in 1..n - 1 {
                u[i] = old[i] + alpha * (old[i - 1] - 2.0 * old[i] + old[i + 1]);
            }
        }
        put(inp, "u", &u);
        None
    })
}

// ---------------------------------------------------------------------------
// math

fn sqrt_f32_f64(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    void_once(inp, |inp| {
        let y: Vec<f64> = get::<f64>(inp, "x").iter().map(|v| v.sqrt()).collect();
        let yf: Vec<f32> = get::<f32>(inp, "xf").iter().map(|v| v.sqrt()).collect();
        put(inp, "y", &y);
        put(inp, "yf", &yf);
    })
}

fn fma_builtin(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    void_once(inp, |inp| {
        let a = get::<f64>(inp, "a");
        let b = get::<f64>(inp, "b");
        let c = get::<f64>(inp, "c");
        let d: Vec<f64> = (0..a.len()).map(|i| a[i].mul_add(b[i], c[i])).collect();
        put(inp, "d", &d);
    })
}

fn rounding_f64(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    void_once(inp, |inp| {
        let out: Vec<f64> = get::<f64>(inp, "x")
            .iter()
            .flat_map(|v| {
                [
                    v.floor(),
                    v.ceil(),
                    v.trunc(),
                    v.round(),
                    v.round_ties_even(),
                ]
            })
            .collect();
        put(inp, "out", &out);
    })
}

// ---------------------------------------------------------------------------
// bits

fn popcount_u64(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    let x = get::<u64>(inp, "x");
    let y: Vec<u8> = x.iter().map(|v| v.count_ones() as u8).collect();
    let total: u64 = x.iter().map(|v| v.count_ones() as u64).sum();
    put(inp, "y", &y);
    vec![Some(Scalar::u64(total))]
}

fn clz_ctz_u32(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    void_once(inp, |inp| {
        let x = get::<u32>(inp, "x");
        let lz: Vec<u8> = x.iter().map(|v| v.leading_zeros() as u8).collect();
        let tz: Vec<u8> = x.iter().map(|v| v.trailing_zeros() as u8).collect();
        put(inp, "lz", &lz);
        put(inp, "tz", &tz);
    })
}

fn bswap(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    void_once(inp, |inp| {
        let a: Vec<u16> = get::<u16>(inp, "a")
            .iter()
            .map(|v| v.swap_bytes())
            .collect();
        let b: Vec<u32> = get::<u32>(inp, "b")
            .iter()
            .map(|v| v.swap_bytes())
            .collect();
        let c: Vec<u64> = get::<u64>(inp, "c")
            .iter()
            .map(|v| v.swap_bytes())
            .collect();
        put(inp, "a", &a);
        put(inp, "b", &b);
        put(inp, "c", &c);
    })
}

fn rotate_u32(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    void_once(inp, |inp| {
        let x = get::<u32>(inp, "x");
        let s = get::<u32>(inp, "s");
        let l: Vec<u32> = (0..x.len()).map(|i| x[i].rotate_left(s[i] & 31)).collect();
        let r: Vec<u32> = (0..x.len()).map(|i| x[i].rotate_right(s[i] & 31)).collect();
        put(inp, "l", &l);
        put(inp, "r", &r);
    })
}

fn sat_add_i16(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    void_once(inp, |inp| {
        let a = get::<i16>(inp, "a");
        let b = get::<i16>(inp, "b");
        let s: Vec<i16> = (0..a.len()).map(|i| a[i].saturating_add(b[i])).collect();
        let d: Vec<i16> = (0..a.len()).map(|i| a[i].saturating_sub(b[i])).collect();
        put(inp, "s", &s);
        put(inp, "d", &d);
    })
}

/// CRC-32 (IEEE 802.3, reflected), table-driven: a different algorithm
/// from the kernel's bitwise loop.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut table = [0u32; 256];
    for (i, t) in table.iter_mut().enumerate() {
        let mut c = i as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
        *t = c;
    }
    !bytes.iter().fold(!0u32, |c, &b| {
        table[((c ^ b as u32) & 0xff) as usize] ^ (c >> 8)
    })
}

fn crc32_bitwise(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    vec![Some(Scalar::u32(crc32(&get::<u8>(inp, "p"))))]
}

fn bitreverse_u32(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    void_once(inp, |inp| {
        let y: Vec<u32> = get::<u32>(inp, "x")
            .iter()
            .map(|v| v.reverse_bits())
            .collect();
        let b: Vec<u8> = get::<u8>(inp, "b")
            .iter()
            .map(|v| v.reverse_bits())
            .collect();
        put(inp, "y", &y);
        put(inp, "b", &b);
    })
}

/// Interleaves the bits of `x` (even positions) and `y` (odd positions),
/// bit by bit (the kernel uses magic masks).
pub fn morton(x: u16, y: u16) -> u32 {
    (0..16).fold(0u32, |z, b| {
        z | ((x as u32 >> b & 1) << (2 * b)) | ((y as u32 >> b & 1) << (2 * b + 1))
    })
}

fn morton_u32(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    void_once(inp, |inp| {
        let x = get::<u16>(inp, "x");
        let y = get::<u16>(inp, "y");
        let z: Vec<u32> = (0..x.len()).map(|i| morton(x[i], y[i])).collect();
        put(inp, "z", &z);
    })
}

fn with_overflow(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    let a = get::<i64>(inp, "a");
    let b = get::<i64>(inp, "b");
    let mut r = Vec::with_capacity(a.len() * 6);
    let mut flags = Vec::with_capacity(a.len());
    let mut count = 0i64;
    for i in 0..a.len() {
        let (x, y) = (a[i], b[i]);
        let (ux, uy) = (x as u64, y as u64);
        let ops = [
            x.overflowing_add(y),
            {
                let (v, o) = ux.overflowing_add(uy);
                (v as i64, o)
            },
            x.overflowing_sub(y),
            {
                let (v, o) = ux.overflowing_sub(uy);
                (v as i64, o)
            },
            x.overflowing_mul(y),
            {
                let (v, o) = ux.overflowing_mul(uy);
                (v as i64, o)
            },
        ];
        let mut mask = 0i64;
        for (k, (v, o)) in ops.iter().enumerate() {
            r.push(*v);
            mask |= (*o as i64) << k;
        }
        flags.push(mask);
        count += (mask != 0) as i64;
    }
    put(inp, "r", &r);
    put(inp, "flags", &flags);
    vec![Some(Scalar::i64(count))]
}

fn sat_overflow_intrinsics(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    void_once(inp, |inp| {
        let a = get::<i64>(inp, "a");
        let b = get::<i64>(inp, "b");
        let mut out = Vec::with_capacity(a.len() * 4);
        for i in 0..a.len() {
            let (a32, b32) = (a[i] as i32, b[i] as i32);
            let (a8, b8) = (a[i] as u8, b[i] as u8);
            out.push(a32.saturating_add(b32) as i64);
            out.push(a32.saturating_sub(b32) as i64);
            out.push(a8.saturating_add(b8) as i64);
            out.push(a8.saturating_sub(b8) as i64);
        }
        put(inp, "out", &out);
    })
}

// ---------------------------------------------------------------------------
// switch

fn switch_dense(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    let x = get::<i64>(inp, "x");
    let mut y = Vec::with_capacity(x.len());
    let mut acc = 0i64;
    for (i, &v) in x.iter().enumerate() {
        let i = i as i64;
        let r = match v {
            0 => 17,
            1 => i.wrapping_mul(3),
            2 => acc ^ 6148914691236517205,
            3 => i.wrapping_neg(),
            4 => acc.wrapping_shl(3),
            5 => ((acc as u64) >> 2) as i64,
            6 => acc.wrapping_add(1_000_000_007),
            7 => i | 4096,
            8 => acc & 65535,
            9 => acc.wrapping_mul(-7),
            10 => acc >> 5,
            11 => i.wrapping_add(v),
            _ => -1,
        };
        y.push(r);
        acc = acc.wrapping_add(r);
    }
    put(inp, "y", &y);
    vec![Some(Scalar::i64(acc))]
}

fn switch_lookup_table(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    void_once(inp, |inp| {
        let out: Vec<i64> = get::<i64>(inp, "m")
            .iter()
            .map(|m| match m {
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
                _ => 0,
            })
            .collect();
        put(inp, "out", &out);
    })
}

fn bytecode_vm(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    let code = get::<u8>(inp, "code");
    let mut stack = [0i64; 64];
    let mut sp = 0usize;
    let mut acc: u64 = 1;
    let mut pc = 0usize;
    while pc < code.len() {
        let (op, a) = (code[pc] & 15, (code[pc] >> 4) as u64);
        match op {
            0 => acc = acc.wrapping_add(a),
            1 => acc = acc.wrapping_mul(a + 3),
            2 => acc ^= acc >> 7,
            3 => acc = acc.rotate_left(5),
            4 => {
                if sp < 64 {
                    stack[sp] = acc as i64;
                    sp += 1;
                }
            }
            5 => {
                if sp > 0 {
                    sp -= 1;
                    acc = acc.wrapping_add(stack[sp] as u64);
                }
            }
            6 => acc = acc.wrapping_sub(a * 1_000_003),
            7 => acc = !acc,
            8 => acc /= a + 1,
            9 => acc = (acc % (a + 17)).wrapping_add(acc),
            10 => {
                if sp > 0 {
                    stack[sp - 1] = (stack[sp - 1] as u64 ^ acc) as i64;
                }
            }
            11 => acc = acc.wrapping_mul(0x9E37_79B9_7F4A_7C15),
            12 => pc += (a & 3) as usize,
            13 => acc &= 0xFF_FFFF_FFFF,
            14 => acc |= a << 40,
            _ => acc = acc.wrapping_add(sp as u64),
        }
        pc += 1;
    }
    put(inp, "stack", &stack);
    vec![Some(Scalar::i64(acc as i64))]
}

// ---------------------------------------------------------------------------
// data, bss

fn counter_across_calls(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    let mut counter: u32 = 1000;
    per_call(inp, |inp, c| {
        let step = arg(inp, c, "step").as_u64() as u32;
        counter = counter.wrapping_mul(3).wrapping_add(step);
        Some(Scalar::u32(counter))
    })
}

fn rc4_state(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    let key = b"Conformance";
    let mut s: Vec<u8> = (0..=255).collect();
    let mut j = 0u8;
    for k in 0..256 {
        j = j.wrapping_add(s[k]).wrapping_add(key[k % 11]);
        s.swap(k, j as usize);
    }
    let (mut si, mut sj) = (0u8, 0u8);
    per_call(inp, |inp, c| {
        let n = arg(inp, c, "n").as_u64() as usize;
        let mut out = get::<u8>(inp, "out");
        for o in out.iter_mut().take(n) {
            si = si.wrapping_add(1);
            sj = sj.wrapping_add(s[si as usize]);
            s.swap(si as usize, sj as usize);
            *o ^= s[s[si as usize].wrapping_add(s[sj as usize]) as usize];
        }
        put(inp, "out", &out);
        None
    })
}

fn bss_accumulator(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    let mut total = 0i64;
    let mut calls = 0i64;
    per_call(inp, |inp, _| {
        calls += 1;
        total += get::<i32>(inp, "x").iter().map(|&v| v as i64).sum::<i64>();
        Some(Scalar::i64(total * 16 + calls))
    })
}

// ---------------------------------------------------------------------------
// strings, fnptr

fn fnv1a32(s: &[u8]) -> u32 {
    s.iter().fold(2_166_136_261u32, |h, &b| {
        (h ^ b as u32).wrapping_mul(16_777_619)
    })
}

fn hash_literals(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    const WORDS: [&str; 16] = [
        "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india",
        "juliett", "kilo", "lima", "mike", "november", "oscar", "papa",
    ];
    let idx = get::<u8>(inp, "idx");
    let mut all = 0u32;
    let out: Vec<u32> = idx
        .iter()
        .enumerate()
        .map(|(i, &k)| {
            let h = fnv1a32(WORDS[(k & 15) as usize].as_bytes());
            all ^= h.wrapping_add(i as u32);
            h
        })
        .collect();
    put(inp, "out", &out);
    vec![Some(Scalar::u32(all ^ fnv1a32(b"a literal used directly")))]
}

fn op_table(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    void_once(inp, |inp| {
        let op = get::<u8>(inp, "op");
        let a = get::<i32>(inp, "a");
        let b = get::<i32>(inp, "b");
        let out: Vec<i32> = (0..op.len())
            .map(|i| {
                let (x, y) = (a[i], b[i]);
                match op[i] & 7 {
                    0 => x.wrapping_add(y),
                    1 => x.wrapping_sub(y),
                    2 => x.wrapping_mul(y),
                    3 => {
                        if y != 0 {
                            x.wrapping_div(y)
                        } else {
                            0
                        }
                    }
                    4 => x.min(y),
                    5 => x.max(y),
                    6 => x ^ y,
                    _ => ((x as u32) >> (y & 31)) as i32,
                }
            })
            .collect();
        put(inp, "out", &out);
    })
}

fn sort_with_comparator(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    void_once(inp, |inp| {
        let n = arg_usize(inp, "n");
        let mode = arg(inp, 0, "mode").as_u64() as u32;
        let mut x = get::<i32>(inp, "x");
        let by = |m: u32| -> fn(&i32, &i32) -> std::cmp::Ordering {
            match m % 3 {
                0 => |a, b| a.cmp(b),
                1 => |a, b| b.cmp(a),
                _ => |a, b| a.abs().cmp(&b.abs()).then(a.cmp(b)),
            }
        };
        // Insertion sort is stable, like `sort_by`.
        x[..n].sort_by(by(mode));
        x[..n / 2].sort_by(by(mode + 1));
        put(inp, "x", &x);
    })
}

// ---------------------------------------------------------------------------
// recursion

fn fib(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    let n = arg(inp, 0, "n").as_u64();
    let (mut a, mut b) = (0u64, 1u64);
    for _ in 0..n {
        (a, b) = (b, a.wrapping_add(b));
    }
    vec![Some(Scalar::u64(a))]
}

fn ackermann(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    // Closed forms for m <= 3; the kernel recurses.
    let (m, n) = (
        arg(inp, 0, "m").as_u64() as u32,
        arg(inp, 0, "n").as_u64() as u32,
    );
    let v = match m {
        0 => n.wrapping_add(1),
        1 => n.wrapping_add(2),
        2 => n.wrapping_mul(2).wrapping_add(3),
        3 => (1u32 << (n + 3)).wrapping_sub(3),
        _ => panic!("ackermann reference only covers m <= 3"),
    };
    vec![Some(Scalar::u32(v))]
}

fn quicksort(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    void_once(inp, |inp| {
        let mut x = get::<i64>(inp, "x");
        x.sort_unstable();
        put(inp, "x", &x);
    })
}

fn hanoi(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    fn mv(k: u32, from: u8, to: u8, via: u8, moves: &mut Vec<u8>) {
        if k == 0 {
            return;
        }
        mv(k - 1, from, via, to, moves);
        moves.push(from * 16 + to);
        mv(k - 1, via, to, from, moves);
    }
    let disks = arg(inp, 0, "disks").as_u64() as u32;
    let mut moves = Vec::new();
    mv(disks, 1, 3, 2, &mut moves);
    let count = moves.len() as u32;
    moves.resize(1024, 0);
    moves.truncate(1024);
    put(inp, "moves", &moves);
    vec![Some(Scalar::u32(count))]
}

// ---------------------------------------------------------------------------
// compiler-rt

fn pairs_u128(v: &[u64]) -> Vec<u128> {
    v.chunks(2)
        .map(|c| (c[1] as u128) << 64 | c[0] as u128)
        .collect()
}

fn i128_mul(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    void_once(inp, |inp| {
        let a = get::<u64>(inp, "a");
        let b = get::<u64>(inp, "b");
        let (wa, wb) = (pairs_u128(&a), pairs_u128(&b));
        let mut out = Vec::new();
        for i in 0..wa.len() {
            let wide = a[2 * i] as u128 * b[2 * i] as u128;
            let full = wa[i].wrapping_mul(wb[i]);
            out.extend([
                wide as u64,
                (wide >> 64) as u64,
                full as u64,
                (full >> 64) as u64,
            ]);
        }
        put(inp, "out", &out);
    })
}

fn u128_divmod(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    void_once(inp, |inp| {
        let a = get::<u64>(inp, "a");
        let b = get::<u64>(inp, "b");
        let (wa, wb) = (pairs_u128(&a), pairs_u128(&b));
        let mut out = Vec::new();
        for i in 0..wa.len() {
            let mut y = match i % 3 {
                0 => wb[i],
                1 => b[2 * i] as u128,
                _ => (b[2 * i] & 0xffff) as u128,
            };
            if y == 0 {
                y = 7;
            }
            let (q, r) = (wa[i] / y, wa[i] % y);
            out.extend([q as u64, (q >> 64) as u64, r as u64, (r >> 64) as u64]);
        }
        put(inp, "out", &out);
    })
}

fn i128_sdivmod(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    void_once(inp, |inp| {
        let a = get::<i64>(inp, "a");
        let b = get::<i64>(inp, "b");
        let make = |p: &[i64]| ((p[1] as u64 as u128) << 64 | p[0] as u64 as u128) as i128;
        let mut out = Vec::new();
        for i in 0..a.len() / 2 {
            let x = make(&a[2 * i..]);
            let mut y = if i % 2 == 1 {
                b[2 * i] as i128
            } else {
                make(&b[2 * i..])
            };
            if y == 0 {
                y = -3;
            }
            if x == i128::MIN && y == -1 {
                y = 5;
            }
            let (q, r) = (x / y, x % y);
            out.extend([
                q as i64,
                ((q as u128) >> 64) as i64,
                r as i64,
                ((r as u128) >> 64) as i64,
            ]);
        }
        put(inp, "out", &out);
    })
}

// ---------------------------------------------------------------------------
// multi, extern, manyargs

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

fn multi_functions(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    let x = get::<u64>(inp, "x");
    per_call(inp, |inp, c| {
        Some(match inp.calls[c].name.as_str() {
            "gcd" => Scalar::u64(gcd(arg(inp, c, "a").as_u64(), arg(inp, c, "b").as_u64())),
            _ => Scalar::u64(x.windows(2).fold(0u64, |s, w| {
                s.wrapping_add((w[0] / gcd(w[0], w[1])).wrapping_mul(w[1]))
            })),
        })
    })
}

fn scalar_extern(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    void_once(inp, |inp| {
        let scale = get_ext::<f64>(inp, "g_scale")[0];
        let offset = get_ext::<i32>(inp, "g_offset")[0] as f64;
        let y: Vec<f64> = get::<f64>(inp, "x")
            .iter()
            .map(|v| v * scale + offset)
            .collect();
        put(inp, "y", &y);
    })
}

fn written_extern(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    per_call(inp, |inp, c| {
        let v = arg(inp, c, "v").as_u64() as u32;
        let mut count = get_ext::<u32>(inp, "g_count")[0];
        let mut log = get_ext::<u32>(inp, "g_log");
        log[(count & 7) as usize] = v.wrapping_mul(2).wrapping_add(count);
        count = count.wrapping_add(1);
        put_ext(inp, "g_count", &[count]);
        put_ext(inp, "g_log", &log);
        Some(Scalar::u32(count.wrapping_mul(1000).wrapping_add(log[0])))
    })
}

fn narrow_ints10(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
    let vals: Vec<i64> = names.iter().map(|n| arg(inp, 0, n).as_i64()).collect();
    put(inp, "out", &vals);
    let sum: i64 = vals[..8].iter().sum();
    vec![Some(Scalar::i32(sum as i32))]
}

fn mixed12(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    let g = |n: &str| arg(inp, 0, n);
    let r = g("a").as_i64() as f64 * g("b").as_f64()
        + g("c").as_i64() as f64 * 1e-9
        + g("d").as_f64()
        + g("e").as_i64() as f64
        + g("f").as_f64() * 1e-10
        + g("g").as_i64() as f64
        + g("h").as_f64() * g("l").as_f64()
        + (g("i").as_u64() >> 40) as f64
        + g("j").as_f64() * g("k").as_i64() as f64;
    vec![Some(Scalar::f64(r))]
}

fn sixteen_doubles(inp: &mut Inputs) -> Vec<Option<Scalar>> {
    let s = (0..16).fold(0.0f64, |s, i| {
        s * 1.5 + arg(inp, 0, &format!("a{i}")).as_f64() * (i + 1) as f64
    });
    vec![Some(Scalar::f64(s))]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{compare, discover, Tolerance};
    use std::path::PathBuf;

    fn corpus() -> Vec<KernelSpec> {
        discover(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("kernels")).unwrap()
    }

    #[test]
    fn every_reference_names_a_kernel_and_runs_on_its_inputs() {
        let specs = corpus();
        assert!(REFERENCES.len() >= 30);
        for (name, _) in REFERENCES {
            let spec = specs
                .iter()
                .find(|s| s.name == *name)
                .unwrap_or_else(|| panic!("reference `{name}` has no kernel"));
            let out = run_reference(spec).unwrap();
            assert_eq!(out.returns.len(), spec.calls as usize * spec.entries.len());
            for (r, c) in out.returns.iter().zip(&spec.inputs().calls) {
                let ret = spec.entries[c.entry].ret;
                assert_eq!(r.value.map(|v| v.ty()), ret, "{name}: return type");
            }
            // Deterministic, and equal to itself under the declared tolerance.
            let again = run_reference(spec).unwrap();
            assert_eq!(compare(&out, &again, Tolerance::Exact), Ok(()), "{name}");
        }
    }

    fn spec(name: &str) -> KernelSpec {
        corpus().into_iter().find(|s| s.name == name).unwrap()
    }

    #[test]
    fn hand_checked_values() {
        // crc32("123456789") is the published check value.
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(morton(0b11, 0b01), 0b0111);
        assert_eq!(morton(0xffff, 0), 0x5555_5555);
        assert_eq!(gcd(1071, 462), 21);
        assert_eq!(fnv1a32(b""), 2_166_136_261);
        assert_eq!(fnv1a32(b"a"), 0xE40C_292C);

        let out = run_reference(&spec("recursion/fib")).unwrap();
        assert_eq!(out.returns[0].value, Some(Scalar::u64(46368)));
        let out = run_reference(&spec("recursion/ackermann")).unwrap();
        assert_eq!(out.returns[0].value, Some(Scalar::u32(603)));
        let out = run_reference(&spec("recursion/hanoi")).unwrap();
        assert_eq!(out.returns[0].value, Some(Scalar::u32(511)));
        assert_eq!(out.buffers[0].values::<u8>()[..3], [0x13, 0x12, 0x32]);
        let out = run_reference(&spec("multi/multi_functions")).unwrap();
        assert_eq!(out.returns[0].value, Some(Scalar::u64(21)));
        // counter = 1000; counter = 3*counter + step, steps 3, 7, 11, 15, 19.
        let out = run_reference(&spec("data/counter_across_calls")).unwrap();
        let got: Vec<u64> = out
            .returns
            .iter()
            .map(|r| r.value.unwrap().as_u64())
            .collect();
        assert_eq!(got, vec![3003, 9016, 27059, 81192, 243595]);
        // narrow args: -128 + 255 - 32768 + 65535 - 1 + 128 + 12345 + 40000.
        let out = run_reference(&spec("manyargs/narrow_ints10")).unwrap();
        assert_eq!(out.returns[0].value, Some(Scalar::i32(85366)));
        assert_eq!(out.buffers[0].values::<i64>()[9], 4_000_000_000);
        // Extern counter after 4 calls.
        let out = run_reference(&spec("extern/written_extern")).unwrap();
        assert_eq!(out.externs[0].values::<u32>(), &[4]);
        // v = 100, 107, 114, 121; log[k] = 2v + k.
        assert_eq!(&out.externs[1].values::<u32>()[..4], &[200, 215, 230, 245]);
        assert_eq!(out.returns[3].value, Some(Scalar::u32(4200)));
    }

    #[test]
    fn small_kernels_by_hand() {
        // RC4 with key "Conformance": the first keystream bytes xor the
        // poison fill; check the classic property that the stream is not
        // all poison and differs between calls.
        let out = run_reference(&spec("data/rc4_state")).unwrap();
        let b = out.buffers[0].values::<u8>();
        assert!(b.iter().any(|&v| v != 0xA5));
        // saxpy on one hand-made element.
        let s = spec("elementwise/saxpy_f32");
        let mut inp = s.inputs();
        inp.buffer_mut("x").unwrap().values_mut::<f32>()[0] = 2.0;
        inp.buffer_mut("y").unwrap().values_mut::<f32>()[0] = 1.0;
        let a = inp.calls[0].scalar("a").unwrap().as_f32();
        saxpy_f32(&mut inp);
        assert_eq!(inp.buffer("y").unwrap().values::<f32>()[0], a * 2.0 + 1.0);
        // The switch lookup table: 2 -> 28, 4 -> 30, 13 -> 0.
        let s = spec("switch/switch_lookup_table");
        let mut inp = s.inputs();
        inp.buffer_mut("m").unwrap().values_mut::<i64>()[..3].copy_from_slice(&[2, 4, 13]);
        switch_lookup_table(&mut inp);
        assert_eq!(inp.buffer("out").unwrap().values::<i64>()[..3], [28, 30, 0]);
        // Saturation edges.
        let s = spec("bits/sat_add_i16");
        let mut inp = s.inputs();
        inp.buffer_mut("a").unwrap().values_mut::<i16>()[0] = 30000;
        inp.buffer_mut("b").unwrap().values_mut::<i16>()[0] = 10000;
        sat_add_i16(&mut inp);
        assert_eq!(inp.buffer("s").unwrap().values::<i16>()[0], 32767);
        assert_eq!(inp.buffer("d").unwrap().values::<i16>()[0], 20000);
    }
}
