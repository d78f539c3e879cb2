//! What a child process (`conformance exec-one`) tells its parent: one line
//! on stdout, [`RESULT_PREFIX`] followed by a JSON [`ChildResult`]. Values
//! travel as bit patterns and buffers as hex, so nothing is lost (NaN
//! payloads included).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::spec::{Buffer, Direction, Outputs, ReturnValue, Scalar, ScalarType};

/// Marks the result line among anything else on stdout.
pub const RESULT_PREFIX: &str = "CONFORMANCE-RESULT ";

/// Milliseconds spent in each stage of a child run.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Timings {
    pub compile_ms: f64,
    pub load_ms: f64,
    pub call_ms: f64,
}

/// A return value.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct WireReturn {
    pub call: usize,
    pub entry: String,
    /// Scalar type name; `None` for void.
    pub ty: Option<String>,
    /// The bit pattern, hex.
    pub bits: Option<String>,
}

/// A buffer or extern after the run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct WireBuffer {
    pub name: String,
    pub elem: String,
    pub len: usize,
    pub dir: String,
    /// The data bytes, hex.
    pub data: String,
    /// Offset of the first overwritten guard byte, if any.
    pub guard_clobbered: Option<usize>,
}

/// What happened in the child.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ChildOutcome {
    Ok {
        returns: Vec<WireReturn>,
        buffers: Vec<WireBuffer>,
        externs: Vec<WireBuffer>,
    },
    /// A stage failed with an error (not a crash).
    Error { stage: String, message: String },
}

/// The complete result of one child run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ChildResult {
    pub kernel: String,
    pub backend: String,
    pub arch: String,
    pub opt: String,
    pub outcome: ChildOutcome,
    /// Relocation type -> count, from the loader's relocation log (empty
    /// for the dlopen backend).
    pub relocations: BTreeMap<String, usize>,
    pub timings: Timings,
}

pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 0xf) as usize] as char);
    }
    s
}

pub fn from_hex(s: &str) -> Result<Vec<u8>, String> {
    if s.len() % 2 != 0 {
        return Err("odd number of hex digits".into());
    }
    fn digit(c: u8) -> Option<u8> {
        (c as char).to_digit(16).map(|d| d as u8)
    }
    s.as_bytes()
        .chunks(2)
        .enumerate()
        .map(|(i, pair)| match (digit(pair[0]), digit(pair[1])) {
            (Some(h), Some(l)) => Ok((h << 4) | l),
            _ => Err(format!("bad hex digits at {}", 2 * i)),
        })
        .collect()
}

fn dir_from_name(s: &str) -> Option<Direction> {
    match s {
        "in" => Some(Direction::In),
        "out" => Some(Direction::Out),
        "inout" => Some(Direction::InOut),
        _ => None,
    }
}

impl WireBuffer {
    pub fn from_buffer(b: &Buffer) -> WireBuffer {
        WireBuffer {
            name: b.name().to_string(),
            elem: b.elem().name().to_string(),
            len: b.len(),
            dir: b.dir().name().to_string(),
            data: to_hex(b.bytes()),
            guard_clobbered: b.guard_clobbered(),
        }
    }

    /// The buffer again (the guard zone intact: clobbers travel in
    /// `guard_clobbered` and are checked by the parent).
    pub fn to_buffer(&self) -> Result<Buffer, String> {
        let elem = ScalarType::from_name(&self.elem)
            .ok_or_else(|| format!("buffer `{}`: unknown type `{}`", self.name, self.elem))?;
        let dir = dir_from_name(&self.dir)
            .ok_or_else(|| format!("buffer `{}`: unknown direction `{}`", self.name, self.dir))?;
        let data = from_hex(&self.data).map_err(|e| format!("buffer `{}`: {e}", self.name))?;
        let mut b = Buffer::new(&self.name, elem, self.len, dir);
        if data.len() != b.byte_len() {
            return Err(format!(
                "buffer `{}`: {} bytes of data for {} x {elem}",
                self.name,
                data.len(),
                self.len
            ));
        }
        b.bytes_mut().copy_from_slice(&data);
        Ok(b)
    }
}

impl WireReturn {
    pub fn from_return(r: &ReturnValue) -> WireReturn {
        WireReturn {
            call: r.call,
            entry: r.entry.clone(),
            ty: r.value.map(|v| v.ty().name().to_string()),
            bits: r.value.map(|v| format!("{:x}", v.bits())),
        }
    }

    pub fn to_return(&self) -> Result<ReturnValue, String> {
        let value = match (&self.ty, &self.bits) {
            (None, None) => None,
            (Some(t), Some(b)) => {
                let ty = ScalarType::from_name(t)
                    .ok_or_else(|| format!("return of call #{}: unknown type `{t}`", self.call))?;
                let bits = u64::from_str_radix(b, 16)
                    .map_err(|e| format!("return of call #{}: {e}", self.call))?;
                Some(Scalar::from_bits(ty, bits))
            }
            _ => return Err(format!("return of call #{}: type without bits", self.call)),
        };
        Ok(ReturnValue {
            call: self.call,
            entry: self.entry.clone(),
            value,
        })
    }
}

/// The outputs of a successful child run, as the spec's [`Outputs`], and
/// the guard clobbers it reported (`place: offset`).
pub fn decode_outputs(
    returns: &[WireReturn],
    buffers: &[WireBuffer],
    externs: &[WireBuffer],
) -> Result<(Outputs, Vec<String>), String> {
    let mut guards = Vec::new();
    for (what, list) in [("buffer", buffers), ("extern", externs)] {
        for b in list {
            if let Some(o) = b.guard_clobbered {
                guards.push(format!(
                    "{what} `{}`: wrote past the end (guard byte {o} after the data)",
                    b.name
                ));
            }
        }
    }
    let outputs = Outputs {
        returns: returns
            .iter()
            .map(WireReturn::to_return)
            .collect::<Result<_, _>>()?,
        buffers: buffers
            .iter()
            .map(WireBuffer::to_buffer)
            .collect::<Result<_, _>>()?,
        externs: externs
            .iter()
            .map(WireBuffer::to_buffer)
            .collect::<Result<_, _>>()?,
    };
    Ok((outputs, guards))
}

/// Encodes outputs for the wire.
pub fn encode_outputs(o: &Outputs) -> ChildOutcome {
    ChildOutcome::Ok {
        returns: o.returns.iter().map(WireReturn::from_return).collect(),
        buffers: o.buffers.iter().map(WireBuffer::from_buffer).collect(),
        externs: o.externs.iter().map(WireBuffer::from_buffer).collect(),
    }
}
