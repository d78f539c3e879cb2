//! Deterministic input generation and the buffers the kernels run on.

use bytemuck::{Pod, Zeroable};

use super::{BufferSpec, Direction, Element, GenKind, Generator, KernelSpec, Scalar, ScalarType};

/// Fill byte of `out` buffers without a generator (`poison`).
pub const POISON_BYTE: u8 = 0xA5;
/// Fill byte of the guard zone after every buffer.
pub const GUARD_BYTE: u8 = 0xCD;
/// Bytes of guard zone at least present after the data of every buffer.
const MIN_GUARD: usize = 64;

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny PRNG made of 64-bit integer
/// operations only, so it yields the same stream on every host.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// Uniform in `0..n` (`n > 0`), by multiply-shift.
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The seed of one stream: kernel name, item (`buf:x`, `arg:n`,
/// `extern:g`, with `#edges` for the edge stream) and the `seed` directive.
fn stream_seed(kernel: &str, item: &str, extra: u64) -> u64 {
    mix(fnv1a(kernel.as_bytes()) ^ mix(fnv1a(item.as_bytes()) ^ mix(extra)))
}

/// 64-byte aligned storage unit.
#[derive(Clone, Copy, Pod, Zeroable)]
#[repr(C, align(64))]
struct Chunk([u8; 64]);

/// A buffer or extern symbol: typed elements in 64-byte aligned storage,
/// followed by a guard zone of at least 64 bytes of [`GUARD_BYTE`].
#[derive(Clone)]
pub struct Buffer {
    name: String,
    elem: ScalarType,
    len: usize,
    dir: Direction,
    storage: Vec<Chunk>,
}

impl std::fmt::Debug for Buffer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Buffer")
            .field("name", &self.name)
            .field("elem", &self.elem)
            .field("len", &self.len)
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl PartialEq for Buffer {
    fn eq(&self, other: &Buffer) -> bool {
        self.name == other.name
            && self.elem == other.elem
            && self.len == other.len
            && self.dir == other.dir
            && self.raw() == other.raw()
    }
}

impl Buffer {
    /// A zero-filled buffer with an intact guard zone.
    pub fn new(name: &str, elem: ScalarType, len: usize, dir: Direction) -> Buffer {
        let data = len * elem.size();
        let chunks = (data + MIN_GUARD).div_ceil(64);
        let mut b = Buffer {
            name: name.to_string(),
            elem,
            len,
            dir,
            storage: vec![Chunk([0; 64]); chunks],
        };
        b.raw_mut()[data..].fill(GUARD_BYTE);
        b
    }

    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn elem(&self) -> ScalarType {
        self.elem
    }
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    pub fn dir(&self) -> Direction {
        self.dir
    }
    /// Size of the data in bytes (without the guard zone).
    pub fn byte_len(&self) -> usize {
        self.len * self.elem.size()
    }

    fn raw(&self) -> &[u8] {
        bytemuck::cast_slice(&self.storage)
    }
    fn raw_mut(&mut self) -> &mut [u8] {
        bytemuck::cast_slice_mut(&mut self.storage)
    }

    #[cfg(test)]
    pub(crate) fn raw_mut_for_tests(&mut self) -> &mut [u8] {
        self.raw_mut()
    }

    /// The data bytes (native byte order; all five targets are little-endian).
    pub fn bytes(&self) -> &[u8] {
        &self.raw()[..self.byte_len()]
    }
    pub fn bytes_mut(&mut self) -> &mut [u8] {
        let n = self.byte_len();
        &mut self.raw_mut()[..n]
    }

    /// Address of the first element (64-byte aligned), for the runner.
    pub fn as_ptr(&self) -> *const u8 {
        self.storage.as_ptr().cast()
    }
    pub fn as_mut_ptr(&mut self) -> *mut u8 {
        self.storage.as_mut_ptr().cast()
    }

    /// Element `i` (panics if out of range).
    pub fn get(&self, i: usize) -> Scalar {
        let size = self.elem.size();
        let mut b = [0u8; 8];
        b[..size].copy_from_slice(&self.bytes()[i * size..(i + 1) * size]);
        Scalar::from_bits(self.elem, u64::from_ne_bytes(b))
    }

    /// Sets element `i` to the bit pattern of `v` (truncated to the element
    /// width; panics if out of range).
    pub fn set(&mut self, i: usize, v: Scalar) {
        let size = self.elem.size();
        let bytes = v.bits().to_ne_bytes();
        self.bytes_mut()[i * size..(i + 1) * size].copy_from_slice(&bytes[..size]);
    }

    /// The elements as a typed slice.
    ///
    /// # Panics
    /// If `T` is not the element type (a reference implementation out of
    /// date with its kernel header).
    pub fn values<T: Element>(&self) -> &[T] {
        assert_eq!(
            T::TYPE,
            self.elem,
            "buffer `{}` holds {}, not {}",
            self.name,
            self.elem,
            T::TYPE
        );
        &bytemuck::cast_slice(&self.storage)[..self.len]
    }

    /// The elements as a mutable typed slice (panics like [`Buffer::values`]).
    pub fn values_mut<T: Element>(&mut self) -> &mut [T] {
        assert_eq!(
            T::TYPE,
            self.elem,
            "buffer `{}` holds {}, not {}",
            self.name,
            self.elem,
            T::TYPE
        );
        let len = self.len;
        &mut bytemuck::cast_slice_mut(&mut self.storage)[..len]
    }

    /// Offset (from the end of the data) of the first guard byte that was
    /// overwritten, if any: a write past the end of the buffer.
    pub fn guard_clobbered(&self) -> Option<usize> {
        self.raw()[self.byte_len()..]
            .iter()
            .position(|&b| b != GUARD_BYTE)
    }
}

/// One argument of one call.
#[derive(Debug, Clone, PartialEq)]
pub enum ArgValue {
    Scalar(Scalar),
    /// Index into [`Inputs::buffers`].
    Buffer(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub struct CallArg {
    pub name: String,
    pub value: ArgValue,
}

/// One call of an entry point.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// Round number (0-based); each round calls every entry in order.
    pub round: usize,
    /// Index into [`KernelSpec::entries`].
    pub entry: usize,
    /// Name of the entry point.
    pub name: String,
    /// Arguments in parameter order.
    pub args: Vec<CallArg>,
}

impl Call {
    /// The scalar argument of that name.
    pub fn scalar(&self, name: &str) -> Option<Scalar> {
        self.args.iter().find_map(|a| match a.value {
            ArgValue::Scalar(s) if a.name == name => Some(s),
            _ => None,
        })
    }
}

/// Everything a run needs: buffers, externs, and the calls to make.
#[derive(Debug, Clone, PartialEq)]
pub struct Inputs {
    /// One per `buf` directive, in declaration order.
    pub buffers: Vec<Buffer>,
    /// One per `extern` directive, in declaration order.
    pub externs: Vec<Buffer>,
    /// Every call, in execution order.
    pub calls: Vec<Call>,
}

impl Inputs {
    pub fn buffer(&self, name: &str) -> Option<&Buffer> {
        self.buffers.iter().find(|b| b.name == name)
    }
    pub fn buffer_mut(&mut self, name: &str) -> Option<&mut Buffer> {
        self.buffers.iter_mut().find(|b| b.name == name)
    }
    pub fn extern_symbol(&self, name: &str) -> Option<&Buffer> {
        self.externs.iter().find(|b| b.name == name)
    }
    pub fn extern_symbol_mut(&mut self, name: &str) -> Option<&mut Buffer> {
        self.externs.iter_mut().find(|b| b.name == name)
    }

    /// The outputs after a run: `returns[i]` is the return value of
    /// `calls[i]` (`None` for void entries).
    pub fn into_outputs(self, returns: Vec<Option<Scalar>>) -> Outputs {
        let returns = self
            .calls
            .iter()
            .enumerate()
            .map(|(i, c)| ReturnValue {
                call: i,
                entry: c.name.clone(),
                value: returns.get(i).copied().flatten(),
            })
            .collect();
        Outputs {
            returns,
            buffers: self.buffers,
            externs: self.externs,
        }
    }
}

/// The return value of one call.
#[derive(Debug, Clone, PartialEq)]
pub struct ReturnValue {
    pub call: usize,
    pub entry: String,
    pub value: Option<Scalar>,
}

/// What a run produced: every return value and every buffer and extern
/// after the last call.
#[derive(Debug, Clone, PartialEq)]
pub struct Outputs {
    pub returns: Vec<ReturnValue>,
    pub buffers: Vec<Buffer>,
    pub externs: Vec<Buffer>,
}

/// The edge values of a type: zeros, ones, extremes; for floats also -0,
/// NaNs (quiet, negative, with payload, signalling), infinities,
/// denormals and the smallest normal.
pub fn edge_values(ty: ScalarType) -> Vec<Scalar> {
    let s = |bits: u64| Scalar::from_bits(ty, bits);
    match ty {
        ScalarType::F32 => [
            0x0000_0000u64, // 0
            0x8000_0000,    // -0
            0x3f80_0000,    // 1
            0xbf80_0000,    // -1
            0x7f80_0000,    // inf
            0xff80_0000,    // -inf
            0x7fc0_0000,    // qNaN
            0xffc0_0000,    // -qNaN
            0x7fc0_0001,    // qNaN with payload
            0x7f80_0001,    // sNaN
            0x0000_0001,    // smallest denormal
            0x807f_ffff,    // -largest denormal
            0x0080_0000,    // smallest normal
            0x7f7f_ffff,    // max
            0xff7f_ffff,    // -max
        ]
        .into_iter()
        .map(s)
        .collect(),
        ScalarType::F64 => [
            0x0000_0000_0000_0000u64,
            0x8000_0000_0000_0000,
            0x3ff0_0000_0000_0000,
            0xbff0_0000_0000_0000,
            0x7ff0_0000_0000_0000,
            0xfff0_0000_0000_0000,
            0x7ff8_0000_0000_0000,
            0xfff8_0000_0000_0000,
            0x7ff8_0000_0000_0001,
            0x7ff0_0000_0000_0001,
            0x0000_0000_0000_0001,
            0x800f_ffff_ffff_ffff,
            0x0010_0000_0000_0000,
            0x7fef_ffff_ffff_ffff,
            0xffef_ffff_ffff_ffff,
        ]
        .into_iter()
        .map(s)
        .collect(),
        t if t.is_signed_int() => {
            let min = t.int_min() as i64 as u64;
            let max = t.int_max() as u64;
            [0, 1, u64::MAX, min, max, min.wrapping_add(1), max - 1]
                .into_iter()
                .map(s)
                .collect()
        }
        t => {
            let max = t.mask();
            let top = 1u64 << (t.bits() - 1);
            [0, 1, max, max - 1, top, top - 1]
                .into_iter()
                .map(s)
                .collect()
        }
    }
}

/// Generates `len` values of type `ty`.
fn generate(
    gen: &Generator,
    ty: ScalarType,
    len: usize,
    kernel: &str,
    item: &str,
    seed: u64,
) -> Vec<Scalar> {
    let mut rng = SplitMix64::new(stream_seed(kernel, item, seed));
    let mut out: Vec<Scalar> = (0..len)
        .map(|i| base_value(&gen.kind, ty, i, &mut rng))
        .collect();
    if let Some(pct) = gen.edges {
        let mut erng = SplitMix64::new(stream_seed(kernel, &format!("{item}#edges"), seed));
        let edges = edge_values(ty);
        // Random replacements first, then every edge value at a distinct
        // random position (partial Fisher-Yates) so none is overwritten.
        for v in out.iter_mut() {
            if erng.below(100) < pct as u64 {
                *v = edges[erng.below(edges.len() as u64) as usize];
            }
        }
        if len >= edges.len() {
            let mut idx: Vec<usize> = (0..len).collect();
            for (k, e) in edges.iter().enumerate() {
                let j = k + erng.below((len - k) as u64) as usize;
                idx.swap(k, j);
                out[idx[k]] = *e;
            }
        } else {
            for v in out.iter_mut() {
                *v = edges[erng.below(edges.len() as u64) as usize];
            }
        }
    }
    out
}

/// `[0, 1)` with 53 random bits, exact (integer -> f64 conversion of a
/// 53-bit value and a power-of-two scale are exact).
fn unit_f64(rng: &mut SplitMix64) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

fn base_value(kind: &GenKind, ty: ScalarType, i: usize, rng: &mut SplitMix64) -> Scalar {
    match kind {
        GenKind::Zero => Scalar::from_bits(ty, 0),
        GenKind::Poison => Scalar::from_bits(ty, u64::from_ne_bytes([POISON_BYTE; 8])),
        GenKind::Const(v) => *v,
        GenKind::Bits => Scalar::from_bits(ty, rng.next_u64()),
        GenKind::List(items) => items[i % items.len()],
        GenKind::Text(bytes) => Scalar::from_bits(ty, bytes.get(i).copied().unwrap_or(0) as u64),
        GenKind::Iota { start, step } => {
            if ty.is_float() {
                // Basic IEEE operations are correctly rounded everywhere.
                let v = start.as_f64() + (i as f64) * step.as_f64();
                float_scalar(ty, v)
            } else {
                let v = start
                    .bits()
                    .wrapping_add((i as u64).wrapping_mul(step.as_u64()));
                Scalar::from_bits(ty, v)
            }
        }
        GenKind::Uniform { lo, hi } => {
            if ty.is_float() {
                let (l, h) = (lo.as_f64(), hi.as_f64());
                let mut v = float_scalar(ty, l + unit_f64(rng) * (h - l));
                if v.as_f64() >= h || v.as_f64() < l {
                    v = float_scalar(ty, l);
                }
                v
            } else {
                let (l, h) = if ty.is_signed_int() {
                    (lo.as_i64() as i128, hi.as_i64() as i128)
                } else {
                    (lo.bits() as i128, hi.bits() as i128)
                };
                let span = (h - l + 1) as u128;
                let r = rng.next_u64();
                let off = if span > u64::MAX as u128 {
                    r as u128
                } else {
                    (r as u128 * span) >> 64
                };
                Scalar::from_bits(ty, (l + off as i128) as u64)
            }
        }
    }
}

fn float_scalar(ty: ScalarType, v: f64) -> Scalar {
    if ty == ScalarType::F32 {
        Scalar::f32(v as f32)
    } else {
        Scalar::f64(v)
    }
}

fn make_buffer(spec: &BufferSpec, kernel: &str, prefix: &str, seed: u64) -> Buffer {
    let mut b = Buffer::new(&spec.name, spec.elem, spec.len, spec.dir);
    let item = format!("{prefix}:{}", spec.name);
    for (i, v) in generate(&spec.gen, spec.elem, spec.len, kernel, &item, seed)
        .into_iter()
        .enumerate()
    {
        b.set(i, v);
    }
    b
}

pub(super) fn inputs(spec: &KernelSpec) -> Inputs {
    let buffers: Vec<Buffer> = spec
        .buffers
        .iter()
        .map(|b| make_buffer(b, &spec.name, "buf", spec.seed))
        .collect();
    let externs = spec
        .externs
        .iter()
        .map(|b| make_buffer(b, &spec.name, "extern", spec.seed))
        .collect();
    let rounds = spec.calls as usize;
    let arg_values: Vec<Vec<Scalar>> = spec
        .args
        .iter()
        .map(|a| {
            let n = if a.per_call { rounds } else { 1 };
            generate(
                &a.gen,
                a.ty,
                n,
                &spec.name,
                &format!("arg:{}", a.name),
                spec.seed,
            )
        })
        .collect();
    let mut calls = Vec::with_capacity(rounds * spec.entries.len());
    for round in 0..rounds {
        for (ei, e) in spec.entries.iter().enumerate() {
            let args = e
                .params
                .iter()
                .map(|p| {
                    let value = match p.kind {
                        super::ParamKind::Pointer(_) => ArgValue::Buffer(
                            spec.buffers
                                .iter()
                                .position(|b| b.name == p.name)
                                .unwrap_or(usize::MAX),
                        ),
                        super::ParamKind::Scalar(t) => {
                            let idx = spec.args.iter().position(|a| a.name == p.name);
                            ArgValue::Scalar(match idx {
                                Some(ai) => {
                                    let vals = &arg_values[ai];
                                    vals[if spec.args[ai].per_call { round } else { 0 }]
                                }
                                // Unreachable for a validated spec.
                                None => Scalar::from_bits(t, 0),
                            })
                        }
                    };
                    CallArg {
                        name: p.name.clone(),
                        value,
                    }
                })
                .collect();
            calls.push(Call {
                round,
                entry: ei,
                name: e.name.clone(),
                args,
            });
        }
    }
    Inputs {
        buffers,
        externs,
        calls,
    }
}
