//! perf's map of JIT code: `perf report` and `perf top` read
//! `<temp dir>/perf-<pid>.map`, one `START SIZE name` line per function
//! (START and SIZE in hex without `0x`), to name samples that fall outside
//! every file-backed mapping. Lines are only ever appended: perf keeps
//! samples of code that was unloaded since.

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Mutex;

use crate::link::SymbolList;

/// Serialises appends, so lines of two images never interleave.
static MAP_LOCK: Mutex<()> = Mutex::new(());

/// The map file of this process.
pub fn path() -> PathBuf {
    std::env::temp_dir().join(format!("perf-{}.map", std::process::id()))
}

/// The map lines of `symbols` (functions with a size only).
pub fn lines(symbols: &SymbolList) -> String {
    let mut s = String::new();
    for sym in symbols.iter().filter(|s| s.is_function && s.size > 0) {
        s.push_str(&format!("{:x} {:x} {}\n", sym.address, sym.size, sym.name));
    }
    s
}

/// Appends the functions of one image to the map file.
pub fn append(symbols: &SymbolList) -> std::io::Result<()> {
    let text = lines(symbols);
    if text.is_empty() {
        return Ok(());
    }
    let _guard = MAP_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path())?;
    f.write_all(text.as_bytes())
}
