//! Making JIT code visible to the tools people already use:
//!
//! * [`gdb`]: every in-memory image is registered with the GDB JIT
//!   interface (a small in-memory ELF naming its functions at their real
//!   addresses, [`symfile`]), so `gdb` can `break kernel` and `bt` through
//!   JIT code. On by default: it costs a few small allocations and an
//!   uncontended lock per image (measured: about 1 us of a 11 us load+drop
//!   of a small kernel, release build, no debugger attached), and it has to
//!   be on *before* the crash one wants to debug (a core dump or a `gdb -p`
//!   after the fact finds the list).
//!   `LOADER_GDB_JIT=0` or [`DebugOptions::gdb`] turns it off.
//! * [`perf_map`]: `perf-<pid>.map` lines for `perf report`, when
//!   `LOADER_PERF_MAP=1` or [`DebugOptions::perf_map`] asks (off by
//!   default: it writes a file).
//! * [`dump`]: compiled objects and their source written to a directory,
//!   when `LOADER_DUMP_DIR` or [`DebugOptions::dump_dir`] names one (off by
//!   default: the JIT path writes no files otherwise).
//! * `timed!`: `tracing` spans with `elapsed_us` around compile, link,
//!   map, protect and call, so `RUST_LOG=debug` shows where time went.
//!
//! The hooks ([`on_image_loaded`], [`on_module_loaded`], [`on_compiled`])
//! are what every load path calls; they never fail a load: a debug aid that
//! cannot write its file logs a warning.

pub mod dump;
pub mod gdb;
pub mod perf_map;
pub mod symfile;

use std::path::{Path, PathBuf};

use crate::compile::Language;
use crate::module::Module;
pub use symfile::ImageDescription;

/// Set to `0` to keep images out of GDB's JIT list.
pub const GDB_JIT_ENV: &str = "LOADER_GDB_JIT";
/// Set to `1` to append every loaded function to `perf-<pid>.map`.
pub const PERF_MAP_ENV: &str = "LOADER_PERF_MAP";
/// A directory to write every compiled object (and its source) to.
pub const DUMP_DIR_ENV: &str = "LOADER_DUMP_DIR";

/// The debugging aids of a [`crate::Jit`] (see the module docs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DebugOptions {
    /// Register images with GDB's JIT interface (default on).
    pub gdb: bool,
    /// Append functions to perf's map file (default off).
    pub perf_map: bool,
    /// Write compiled objects here (default none).
    pub dump_dir: Option<PathBuf>,
}

impl Default for DebugOptions {
    fn default() -> DebugOptions {
        DebugOptions {
            gdb: true,
            perf_map: false,
            dump_dir: None,
        }
    }
}

/// An on/off environment value: empty means unset, `0`/`false`/`no`/`off`
/// off, anything else on.
fn parse_flag(value: &str) -> Option<bool> {
    match value.trim() {
        "" => None,
        "0" | "false" | "no" | "off" => Some(false),
        _ => Some(true),
    }
}

fn env_flag(name: &str) -> Option<bool> {
    parse_flag(&std::env::var(name).ok()?)
}

impl DebugOptions {
    /// The defaults, changed by `$LOADER_GDB_JIT`, `$LOADER_PERF_MAP` and
    /// `$LOADER_DUMP_DIR`.
    pub fn from_env() -> DebugOptions {
        let d = DebugOptions::default();
        DebugOptions {
            gdb: env_flag(GDB_JIT_ENV).unwrap_or(d.gdb),
            perf_map: env_flag(PERF_MAP_ENV).unwrap_or(d.perf_map),
            dump_dir: std::env::var_os(DUMP_DIR_ENV)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
        }
    }
}

/// What a loaded image keeps for the debugging aids; dropping it (with
/// the module) unregisters the image from GDB.
#[derive(Debug, Default)]
pub struct DebugRegistration {
    gdb: Option<gdb::GdbRegistration>,
}

impl DebugRegistration {
    /// Whether the image is in GDB's JIT list.
    pub fn in_gdb_list(&self) -> bool {
        self.gdb.is_some()
    }
}

/// The hook of every load path, once the image is mapped and protected.
pub fn on_image_loaded(image: &ImageDescription<'_>, options: &DebugOptions) -> DebugRegistration {
    let mut reg = DebugRegistration::default();
    if options.gdb {
        reg.gdb = Some(gdb::register(symfile::build(image)));
    }
    if options.perf_map {
        if let Err(e) = perf_map::append(image.symbols) {
            tracing::warn!(path = %perf_map::path().display(), "cannot append to the perf map: {e}");
        }
    }
    reg
}

/// [`on_image_loaded`] for an in-memory module (nothing for the dlopen
/// backend, whose library the tools already see).
pub fn on_module_loaded(module: &Module, options: &DebugOptions) -> DebugRegistration {
    match module.image_range() {
        Some((base, size)) => on_image_loaded(
            &ImageDescription {
                arch: module.arch(),
                base,
                size: size as u64,
                segments: module.segments(),
                symbols: module.symbols(),
                contents: None,
            },
            options,
        ),
        None => DebugRegistration::default(),
    }
}

/// The hook after a compile: dumps the object (and source) if asked.
pub fn on_compiled(object: &[u8], source: Option<(&str, Language)>, options: &DebugOptions) {
    if let Some(dir) = &options.dump_dir {
        dump_to(dir, object, source);
    }
}

fn dump_to(dir: &Path, object: &[u8], source: Option<(&str, Language)>) {
    match dump::write(dir, object, source) {
        Ok(path) => tracing::info!(path = %path.display(), bytes = object.len(), "dumped object"),
        Err(e) => tracing::warn!(dir = %dir.display(), "cannot dump the object: {e}"),
    }
}

/// Runs `$body` in a debug span named `$name` and, when debug events are
/// enabled, reports how long it took (`elapsed_us`).
/// `timed!("call", [function = %name], body)` adds fields to the span.
macro_rules! timed {
    ($name:literal, [$($field:tt)*], $body:expr) => {{
        let span = tracing::debug_span!($name, $($field)*);
        let _enter = span.enter();
        let start = tracing::enabled!(tracing::Level::DEBUG).then(std::time::Instant::now);
        let result = $body;
        if let Some(start) = start {
            tracing::debug!(
                elapsed_us = start.elapsed().as_micros() as u64,
                concat!($name, " done")
            );
        }
        result
    }};
    ($name:literal, $body:expr) => {
        $crate::debug::timed!($name, [], $body)
    };
}
pub(crate) use timed;

#[cfg(test)]
mod tests {
    #[test]
    fn flags() {
        use super::parse_flag;
        assert_eq!(parse_flag(""), None);
        assert_eq!(parse_flag(" "), None);
        for off in ["0", "false", "no", "off", " 0\n"] {
            assert_eq!(parse_flag(off), Some(false), "{off:?}");
        }
        for on in ["1", "yes", "true", "on"] {
            assert_eq!(parse_flag(on), Some(true), "{on:?}");
        }
    }
}
