//! The outputs of a run, kept for the cross-architecture oracle:
//! `conformance run --outputs FILE` writes one JSON line per kernel and
//! optimisation level with every return value and the final contents of
//! every buffer and extern (bit patterns, as the child sent them), and a
//! digest of them; `conformance cross-arch` reads these files back.

use std::io::{BufRead, BufWriter, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::child::BackendKind;
use super::run::{KernelReport, Report};
use super::wire::{decode_outputs, encode_outputs, ChildOutcome, WireBuffer, WireReturn};
use crate::spec::Outputs;

/// One kernel at one optimisation level on one architecture.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SavedOutputs {
    pub kernel: String,
    pub arch: String,
    pub opt: String,
    /// The backend that produced them (see [`saved`]).
    pub backend: BackendKind,
    /// [`digest`] of the outputs.
    pub digest: String,
    pub returns: Vec<WireReturn>,
    pub buffers: Vec<WireBuffer>,
    pub externs: Vec<WireBuffer>,
}

impl SavedOutputs {
    /// The outputs again (guard clobbers were failures of the run already
    /// and are not kept).
    pub fn outputs(&self) -> Result<Outputs, String> {
        decode_outputs(&self.returns, &self.buffers, &self.externs).map(|(o, _)| o)
    }
}

/// FNV-1a over a byte stream.
struct Fnv(u64);

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= b as u64;
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// A 64-bit digest of everything a run produced: each return value (type
/// and bit pattern, or void), then each buffer's and extern's name and
/// bytes. Equal digests mean bit-identical outputs (up to collisions);
/// a single flipped bit changes it.
pub fn digest(o: &Outputs) -> String {
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    for r in &o.returns {
        match r.value {
            Some(v) => {
                h.write(v.ty().name().as_bytes());
                h.write(&v.bits().to_le_bytes());
            }
            None => h.write(b"void"),
        }
    }
    for b in o.buffers.iter().chain(&o.externs) {
        h.write(b.name().as_bytes());
        h.write(&(b.bytes().len() as u64).to_le_bytes());
        h.write(b.bytes());
    }
    format!("{:016x}", h.0)
}

/// The outputs of a kernel run worth keeping: the dlopen backend's if it
/// produced any, else the jit's. When both ran and the kernel passed they
/// are bit-identical (oracle 1); when the jit is wrong, oracle 1 reports
/// it, and the architecture's code (what oracle 3 is about) is still
/// compared through the dlopen backend's outputs.
pub fn saved(k: &KernelReport) -> Option<SavedOutputs> {
    let b = [BackendKind::Dlopen, BackendKind::Jit]
        .into_iter()
        .find_map(|kind| {
            k.backends
                .iter()
                .find(|b| b.backend == kind && b.outputs.is_some())
        })?;
    let o = b.outputs.as_ref()?;
    let ChildOutcome::Ok {
        returns,
        buffers,
        externs,
    } = encode_outputs(o)
    else {
        return None;
    };
    Some(SavedOutputs {
        kernel: k.kernel.clone(),
        arch: k.arch.clone(),
        opt: k.opt.clone(),
        backend: b.backend,
        digest: digest(o),
        returns,
        buffers,
        externs,
    })
}

/// Writes the outputs of every kernel run of `r` that produced some, one
/// JSON object per line (the file is replaced).
pub fn write(r: &Report, path: &Path) -> Result<(), String> {
    let err = |e: std::io::Error| format!("{}: {e}", path.display());
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    let mut w = BufWriter::new(std::fs::File::create(path).map_err(err)?);
    for k in &r.kernels {
        if let Some(s) = saved(k) {
            serde_json::to_writer(&mut w, &s).map_err(|e| format!("{}: {e}", path.display()))?;
            w.write_all(b"\n").map_err(err)?;
        }
    }
    w.flush().map_err(err)
}

/// Reads a file written by [`write`].
pub fn read(path: &Path) -> Result<Vec<SavedOutputs>, String> {
    let f = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    for (i, line) in std::io::BufReader::new(f).lines().enumerate() {
        let line = line.map_err(|e| format!("{}: {e}", path.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        out.push(
            serde_json::from_str(&line)
                .map_err(|e| format!("{}:{}: {e}", path.display(), i + 1))?,
        );
    }
    Ok(out)
}
