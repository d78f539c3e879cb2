//! Writing compiled objects (and their source) to a directory for offline
//! inspection (`llvm-objdump -dr`, `llvm-readelf -r`). Names are the
//! content hash of the object, so a kernel compiled twice is written once
//! and two kernels never overwrite each other.

use std::path::{Path, PathBuf};

use crate::compile::Language;

/// FNV-1a, 64 bits: a stable content hash (no dependency, same on every
/// host).
fn content_hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn source_extension(language: Language) -> &'static str {
    match language {
        Language::C => "c",
        Language::Ir => "ll",
    }
}

/// Writes `<dir>/<hash>.o` and, when given, the source beside it as
/// `<hash>.c` / `<hash>.ll`; returns the object's path.
pub fn write(
    dir: &Path,
    object: &[u8],
    source: Option<(&str, Language)>,
) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let stem = format!("{:016x}", content_hash(object));
    let path = dir.join(format!("{stem}.o"));
    std::fs::write(&path, object)?;
    if let Some((text, language)) = source {
        std::fs::write(
            dir.join(format!("{stem}.{}", source_extension(language))),
            text,
        )?;
    }
    Ok(path)
}
