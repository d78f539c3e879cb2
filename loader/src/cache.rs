//! A content-addressed compile cache: source + language + every clang flag
//! (target, CPU, optimisation level, extra flags) + the clang binary's
//! identity (canonical path, size, modification time and `--version`
//! output) -> object bytes.
//!
//! In memory always (bounded, oldest entries evicted first), and optionally
//! in a directory shared by processes (bounded too: least recently used
//! entries are deleted first, see [`CompileCache::on_disk_with_limit`]).
//! On disk each entry stores its full
//! key and a checksum of the object: a hash collision, a truncated or a
//! corrupted file is a miss (and is overwritten), never a wrong object. New
//! entries are written to a temp file in the same directory and renamed
//! into place, so readers never see half an entry.
//!
//! `-march=native` (the default CPU) means "this machine": its key also
//! holds the host CPU's model and feature flags, so a directory shared
//! between machines never serves code for a CPU it was not compiled for.

use crate::compile::{Compiler, Language};
use crate::error::{Error, Result};
use std::collections::{HashMap, VecDeque};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// Default bound of the in-memory layer.
pub const DEFAULT_MEMORY_BYTES: usize = 64 << 20;

/// Default bound of the on-disk layer.
pub const DEFAULT_DISK_BYTES: u64 = 1 << 30;

/// Format tag of on-disk entries (bumped when the layout changes).
const MAGIC: &[u8; 8] = b"LDRCC\x00\x01\n";

/// Counters of a [`CompileCache`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CacheStats {
    /// Served from memory.
    pub memory_hits: u64,
    /// Served from the directory.
    pub disk_hits: u64,
    /// Compiled by clang.
    pub misses: u64,
    /// Entries this cache deleted from the directory to stay in its bound.
    pub disk_evictions: u64,
}

/// Content-addressed compile cache, shared across threads (`Send + Sync`).
///
/// ```
/// use loader::{cache::CompileCache, Compiler, Arch, Language};
/// let cache = CompileCache::in_memory();
/// let compiler = Compiler::new(Arch::host().unwrap())?;
/// let a = cache.compile(&compiler, "int f(void) { return 1; }", Language::C)?;
/// let b = cache.compile(&compiler, "int f(void) { return 1; }", Language::C)?;
/// assert!(std::sync::Arc::ptr_eq(&a, &b));
/// assert_eq!(cache.stats().misses, 1);
/// # Ok::<(), loader::Error>(())
/// ```
#[derive(Debug)]
pub struct CompileCache {
    memory: Mutex<Memory>,
    dir: Option<PathBuf>,
    disk: Mutex<Disk>,
    /// Identity of each clang binary, computed once per path.
    clangs: Mutex<HashMap<PathBuf, Arc<str>>>,
    memory_hits: AtomicU64,
    disk_hits: AtomicU64,
    misses: AtomicU64,
    disk_evictions: AtomicU64,
}

/// What this process knows of the directory's size.
#[derive(Debug, Default)]
struct Disk {
    max_bytes: u64,
    /// Bytes in the directory at the last scan plus what this process has
    /// written since: other processes' writes are seen at the next scan.
    bytes: u64,
}

#[derive(Debug, Default)]
struct Memory {
    entries: HashMap<Vec<u8>, Arc<[u8]>>,
    /// Insertion order, for eviction.
    order: VecDeque<Vec<u8>>,
    bytes: usize,
    max_bytes: usize,
}

impl Memory {
    fn insert(&mut self, key: Vec<u8>, object: Arc<[u8]>) {
        if object.len() > self.max_bytes || self.entries.contains_key(&key) {
            return;
        }
        self.bytes += object.len();
        self.order.push_back(key.clone());
        self.entries.insert(key, object);
        while self.bytes > self.max_bytes {
            let Some(old) = self.order.pop_front() else {
                break;
            };
            if let Some(o) = self.entries.remove(&old) {
                self.bytes -= o.len();
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves only a cache behind: keep using it.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl CompileCache {
    /// A cache in memory only, bounded to [`DEFAULT_MEMORY_BYTES`].
    pub fn in_memory() -> CompileCache {
        CompileCache::with_memory_limit(DEFAULT_MEMORY_BYTES)
    }

    /// A cache in memory only, holding at most `max_bytes` of objects.
    pub fn with_memory_limit(max_bytes: usize) -> CompileCache {
        CompileCache {
            memory: Mutex::new(Memory {
                max_bytes,
                ..Memory::default()
            }),
            dir: None,
            disk: Mutex::new(Disk::default()),
            clangs: Mutex::new(HashMap::new()),
            memory_hits: AtomicU64::new(0),
            disk_hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            disk_evictions: AtomicU64::new(0),
        }
    }

    /// A cache in memory backed by the directory `dir` (created if absent),
    /// bounded to [`DEFAULT_DISK_BYTES`].
    pub fn on_disk(dir: impl Into<PathBuf>) -> Result<CompileCache> {
        CompileCache::on_disk_with_limit(dir, DEFAULT_DISK_BYTES)
    }

    /// A cache in memory backed by the directory `dir` (created if absent)
    /// holding about `max_bytes` of entries.
    ///
    /// A disk hit marks its entry used (its modification time; later hits
    /// of the same process come from memory and do not). When the
    /// entries this process knows of pass `max_bytes`, it scans the
    /// directory and deletes the least recently used entries down to
    /// 3/4 of the bound (and temp files of writers that died over an hour
    /// ago). Processes sharing the directory see each other's entries at
    /// their next scan, so the bound holds to within what they wrote since.
    /// Deleting an entry another process is reading costs it a compile,
    /// never a wrong object. Opening the cache scans the directory once
    /// (a `stat` per entry). Only files named as this cache names them
    /// are counted or deleted. An object whose entry is larger than
    /// `max_bytes` is not stored (0: nothing is).
    pub fn on_disk_with_limit(dir: impl Into<PathBuf>, max_bytes: u64) -> Result<CompileCache> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir).map_err(|source| Error::Os {
            op: "create the compile cache directory",
            source,
        })?;
        let cache = CompileCache {
            dir: Some(dir),
            ..CompileCache::in_memory()
        };
        {
            let mut disk = lock(&cache.disk);
            disk.max_bytes = max_bytes;
            cache.trim_disk(&mut disk);
        }
        Ok(cache)
    }

    /// The backing directory, if any.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    pub fn stats(&self) -> CacheStats {
        CacheStats {
            memory_hits: self.memory_hits.load(Ordering::Relaxed),
            disk_hits: self.disk_hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            disk_evictions: self.disk_evictions.load(Ordering::Relaxed),
        }
    }

    /// The object for `source`: from the cache, or compiled by `compiler`
    /// and remembered. Compile errors are not cached.
    ///
    /// Two threads missing on the same key at once both compile (and get
    /// equal objects); a hit never waits for a compile.
    pub fn compile(
        &self,
        compiler: &Compiler,
        source: &str,
        language: Language,
    ) -> Result<Arc<[u8]>> {
        let key = self.key(compiler, source, language)?;
        if let Some(hit) = lock(&self.memory).entries.get(&key) {
            self.memory_hits.fetch_add(1, Ordering::Relaxed);
            return Ok(Arc::clone(hit));
        }
        if let Some(object) = self.read_disk(&key) {
            self.disk_hits.fetch_add(1, Ordering::Relaxed);
            let object: Arc<[u8]> = object.into();
            lock(&self.memory).insert(key, Arc::clone(&object));
            return Ok(object);
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let object: Arc<[u8]> = compiler.compile(source, language)?.into();
        if let Err(e) = self.write_disk(&key, &object) {
            // A read-only or full cache directory costs speed, not results.
            tracing::warn!(error = %e, "compile cache: could not store an entry");
        }
        lock(&self.memory).insert(key, Arc::clone(&object));
        Ok(object)
    }

    /// The full key: every input that can change the object.
    fn key(&self, compiler: &Compiler, source: &str, language: Language) -> Result<Vec<u8>> {
        let clang = self.clang_identity(&compiler.clang)?;
        let flags = compiler.flags(language);
        let native = flags.iter().any(|f| f.ends_with("=native"));
        let mut key = Vec::with_capacity(source.len() + clang.len() + 256);
        let mut field = |bytes: &[u8]| {
            key.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
            key.extend_from_slice(bytes);
        };
        field(format!("{language:?}").as_bytes());
        field(compiler.arch.to_string().as_bytes());
        for f in &flags {
            field(f.as_bytes());
        }
        field(if native { host_cpu() } else { "" }.as_bytes());
        field(clang.as_bytes());
        field(source.as_bytes());
        Ok(key)
    }

    fn clang_identity(&self, clang: &Path) -> Result<Arc<str>> {
        if let Some(id) = lock(&self.clangs).get(clang) {
            return Ok(Arc::clone(id));
        }
        let id: Arc<str> = clang_identity(clang)?.into();
        lock(&self.clangs).insert(clang.to_path_buf(), Arc::clone(&id));
        Ok(id)
    }

    fn entry_path(&self, key: &[u8]) -> Option<PathBuf> {
        let dir = self.dir.as_ref()?;
        Some(dir.join(format!("{:032x}.o", fnv1a128(key))))
    }

    /// The object stored under `key`, if the file is whole and really is
    /// the entry of `key`.
    fn read_disk(&self, key: &[u8]) -> Option<Vec<u8>> {
        let path = self.entry_path(key)?;
        let bytes = std::fs::read(&path).ok()?;
        let rest = bytes.strip_prefix(MAGIC.as_slice())?;
        let (len, rest) = split_u64(rest)?;
        let (stored_key, rest) = rest.split_at_checked(usize::try_from(len).ok()?)?;
        let (sum, object) = split_u64(rest)?;
        if stored_key != key || sum != fnv1a64(object) {
            return None;
        }
        // Used now: eviction goes by modification time. Best effort (a
        // read-only directory still serves hits).
        let _ = std::fs::File::options()
            .append(true)
            .open(&path)
            .and_then(|f| f.set_modified(std::time::SystemTime::now()));
        Some(object.to_vec())
    }

    /// Counts `written` bytes into the directory and, if the count passes
    /// the bound, trims the directory.
    fn account_disk(&self, written: u64) {
        let mut disk = lock(&self.disk);
        disk.bytes = disk.bytes.saturating_add(written);
        if disk.bytes > disk.max_bytes {
            self.trim_disk(&mut disk);
        }
    }

    /// Scans the directory: deletes temp files of writers dead for over an
    /// hour and, if the entries pass the bound, the least recently used
    /// ones down to 3/4 of it (so the next few writes do not scan again).
    /// Failures only cost space: another process may delete the same file.
    fn trim_disk(&self, disk: &mut Disk) {
        let Some(dir) = self.dir.as_deref() else {
            return;
        };
        let Ok(listing) = std::fs::read_dir(dir) else {
            return;
        };
        let now = std::time::SystemTime::now();
        let hour = std::time::Duration::from_secs(3600);
        let mut entries = Vec::new();
        let mut total = 0u64;
        for item in listing.flatten() {
            let Ok(meta) = item.metadata() else {
                continue;
            };
            // A time in the future (clock skew, copied files) counts as
            // old: such a file would otherwise outlive every other.
            let used = meta
                .modified()
                .ok()
                .filter(|&t| t <= now)
                .unwrap_or(std::time::UNIX_EPOCH);
            // Only files this cache names: the directory may hold others.
            let name = item.file_name();
            match CacheFile::of(&name.to_string_lossy()) {
                Some(CacheFile::Temp) if now.duration_since(used).unwrap_or_default() > hour => {
                    let _ = std::fs::remove_file(item.path());
                }
                Some(CacheFile::Entry) if meta.is_file() => {
                    total += meta.len();
                    entries.push((used, meta.len(), item.path()));
                }
                _ => {}
            }
        }
        if total > disk.max_bytes {
            entries.sort_by_key(|e| e.0);
            let goal = disk.max_bytes / 4 * 3;
            for (_, len, path) in entries {
                if total <= goal {
                    break;
                }
                if std::fs::remove_file(&path).is_ok() {
                    self.disk_evictions.fetch_add(1, Ordering::Relaxed);
                    tracing::debug!(path = %path.display(), "compile cache: evicted");
                }
                total -= len;
            }
        }
        disk.bytes = total;
    }

    fn write_disk(&self, key: &[u8], object: &[u8]) -> std::io::Result<()> {
        let Some(path) = self.entry_path(key) else {
            return Ok(());
        };
        let header = MAGIC.len() + 16;
        let entry_len = (header + key.len() + object.len()) as u64;
        if entry_len > lock(&self.disk).max_bytes {
            // It would be the first deleted (as the memory layer refuses
            // an object over its bound).
            return Ok(());
        }
        let dir = self.dir.as_deref().expect("entry_path implies a directory");
        static SEQ: AtomicU64 = AtomicU64::new(0);
        let tmp = dir.join(format!(
            ".tmp-{}-{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        ));
        let write = || -> std::io::Result<()> {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(MAGIC)?;
            f.write_all(&(key.len() as u64).to_le_bytes())?;
            f.write_all(key)?;
            f.write_all(&fnv1a64(object).to_le_bytes())?;
            f.write_all(object)?;
            f.sync_data()?;
            std::fs::rename(&tmp, &path)
        };
        let r = write();
        if r.is_err() {
            let _ = std::fs::remove_file(&tmp);
        } else {
            self.account_disk(entry_len);
        }
        r
    }
}

/// The files of a cache directory this cache wrote (and so may delete).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CacheFile {
    /// `<32 hex digits>.o` ([`CompileCache::entry_path`]).
    Entry,
    /// `.tmp-<pid>-<n>`, an entry being written.
    Temp,
}

impl CacheFile {
    fn of(name: &str) -> Option<CacheFile> {
        let digits = |s: &str, hex: bool| {
            !s.is_empty()
                && s.bytes().all(|b| {
                    if hex {
                        b.is_ascii_digit() || (b'a'..=b'f').contains(&b)
                    } else {
                        b.is_ascii_digit()
                    }
                })
        };
        if let Some(hash) = name.strip_suffix(".o") {
            return (hash.len() == 32 && digits(hash, true)).then_some(CacheFile::Entry);
        }
        let (pid, seq) = name.strip_prefix(".tmp-")?.split_once('-')?;
        (digits(pid, false) && digits(seq, false)).then_some(CacheFile::Temp)
    }
}

fn split_u64(b: &[u8]) -> Option<(u64, &[u8])> {
    let (n, rest) = b.split_at_checked(8)?;
    Some((u64::from_le_bytes(n.try_into().ok()?), rest))
}

/// Canonical path, size, modification time and `--version` output of a
/// clang binary: a rebuilt or replaced clang is another compiler.
fn clang_identity(clang: &Path) -> Result<String> {
    let resolved = if clang.components().count() > 1 {
        Some(clang.to_path_buf())
    } else {
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
            .map(|d| d.join(clang))
            .find(|p| p.is_file())
    };
    let file = resolved
        .as_deref()
        .and_then(|p| std::fs::canonicalize(p).ok())
        .ok_or_else(|| Error::ClangNotFound(format!("{} not found", clang.display())))?;
    let meta = std::fs::metadata(&file).map_err(|source| Error::ClangSpawn {
        clang: clang.to_path_buf(),
        source,
    })?;
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    let version = crate::compile::version_output(&file)?;
    Ok(format!(
        "{}\n{}\n{mtime}\n{version}",
        file.display(),
        meta.len()
    ))
}

/// Model name and feature flags of the host CPU (what `-march=native`
/// depends on), read once.
fn host_cpu() -> &'static str {
    static CPU: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    CPU.get_or_init(|| {
        let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let mut wanted = ["model name", "flags", "Features", "isa", "uarch", "cpu\t"]
            .iter()
            .filter_map(|k| info.lines().find(|l| l.starts_with(k)))
            .collect::<Vec<_>>()
            .join("\n");
        wanted.push_str(std::env::consts::ARCH);
        wanted
    })
}

/// 128-bit FNV-1a: the entry's file name (collisions are caught by the
/// stored key).
fn fnv1a128(bytes: &[u8]) -> u128 {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013b;
    bytes
        .iter()
        .fold(OFFSET, |h, &b| (h ^ b as u128).wrapping_mul(PRIME))
}

/// 64-bit FNV-1a: the checksum of a stored object (and the hash of
/// [`crate::Module`]'s symbol index).
pub(crate) fn fnv1a64(bytes: &[u8]) -> u64 {
    fnv1a64_extend(FNV64_OFFSET, bytes)
}

/// The 64-bit FNV-1a offset basis (the hash of nothing).
pub(crate) const FNV64_OFFSET: u64 = 0xcbf29ce484222325;

/// Continues a 64-bit FNV-1a hash `h` over `bytes`.
pub(crate) fn fnv1a64_extend(h: u64, bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(h, |h, &b| (h ^ b as u64).wrapping_mul(0x100000001b3))
}

/// A fast hash of a symbol name for the loader's lookup tables (not the
/// cache's keys): eight bytes per step where FNV-1a takes one, as every
/// load hashes every exported name. Continues `h`.
#[inline]
pub(crate) fn name_hash_extend(h: u64, bytes: &[u8]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    // A folded multiply: both halves of the 128-bit product, so names
    // differing in two words do not collide.
    let mix = |h: u64, w: u64| {
        let p = u128::from(h ^ w) * u128::from(K);
        (p as u64) ^ ((p >> 64) as u64)
    };
    let mut h = mix(h, bytes.len() as u64);
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let mut w = [0u8; 8];
        w.copy_from_slice(word);
        h = mix(h, u64::from_le_bytes(w));
    }
    let tail = words.remainder();
    if !tail.is_empty() {
        // Byte by byte: a copy of a length known only at run time is a
        // `memcpy` call.
        let w = tail
            .iter()
            .rev()
            .fold(0u64, |w, &b| (w << 8) | u64::from(b));
        h = mix(h, w);
    }
    h ^ (h >> 32)
}

/// [`name_hash_extend`] from the start.
#[inline]
pub(crate) fn name_hash(bytes: &[u8]) -> u64 {
    name_hash_extend(0, bytes)
}

/// The integration tests' script writer.
#[cfg(test)]
#[path = "../tests/support/script.rs"]
mod script;

#[cfg(test)]
mod tests {
    use super::script::write_script;
    use super::*;

    #[test]
    fn name_hashes_differ_for_names_that_differ_in_one_byte() {
        let mut seen = std::collections::HashSet::new();
        for len in 0..40 {
            for at in 0..len {
                for b in [b'0', b'1', b'a', 0x80, 0xff] {
                    let mut name = vec![b'x'; len];
                    name[at] = b;
                    seen.insert((name.clone(), name_hash(&name)));
                }
            }
        }
        let hashes: std::collections::HashSet<u64> = seen.iter().map(|(_, h)| *h).collect();
        // Any two of these names differ in one or two bytes.
        assert_eq!(hashes.len(), seen.len(), "a collision among close names");
        // Length is part of the hash: trailing zero bytes count.
        assert_ne!(name_hash(b"ab"), name_hash(b"ab\0"));
    }
    use crate::arch::Arch;

    /// A scratch directory with a fake clang that prints `version` for
    /// `--version`, and for a compile appends a line to `count` and prints
    /// its flags and stdin (so objects differ when inputs do).
    struct Fake {
        dir: PathBuf,
    }

    impl Fake {
        fn new(name: &str) -> Fake {
            let dir = std::env::temp_dir()
                .join(format!("loader-cache-test-{}-{name}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            Fake { dir }
        }

        fn clang(&self, version: &str) -> PathBuf {
            let path = self.dir.join("clang");
            let script = format!(
                "#!/bin/sh\nif [ \"$1\" = --version ]; then echo 'clang version {version}'; exit 0; fi\n\
                 echo x >> '{}'\necho \"$@\"\ncat\n",
                self.dir.join("count").display()
            );
            // Replace, not rewrite: a running script must not see its file change.
            let tmp = self.dir.join("clang.tmp");
            write_script(&tmp, &script, true);
            std::fs::rename(&tmp, &path).unwrap();
            path
        }

        fn compiles(&self) -> usize {
            std::fs::read_to_string(self.dir.join("count")).map_or(0, |s| s.lines().count())
        }
    }

    impl Drop for Fake {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }

    fn compiler(clang: &Path, arch: Arch) -> Compiler {
        let mut c = Compiler::with_clang(clang, arch);
        c.cpu = crate::Cpu::Baseline;
        c
    }

    const SRC: &str = "int f(void) { return 1; }";

    #[test]
    fn a_second_compile_of_the_same_input_is_a_hit() {
        let fake = Fake::new("hit");
        let c = compiler(&fake.clang("19.1.0"), Arch::X86_64);
        let cache = CompileCache::in_memory();
        let a = cache.compile(&c, SRC, Language::C).unwrap();
        let b = cache.compile(&c, SRC, Language::C).unwrap();
        assert_eq!(a, b);
        assert_eq!(fake.compiles(), 1);
        assert_eq!(
            cache.stats(),
            CacheStats {
                memory_hits: 1,
                disk_hits: 0,
                misses: 1,
                disk_evictions: 0,
            }
        );
        // Another source is another object.
        let other = cache.compile(&c, "int g(void);", Language::C).unwrap();
        assert_ne!(other, a);
        assert_eq!(fake.compiles(), 2);
    }

    #[test]
    fn another_arch_flag_language_or_opt_level_misses() {
        let fake = Fake::new("miss");
        let clang = fake.clang("19.1.0");
        let cache = CompileCache::in_memory();
        let base = compiler(&clang, Arch::X86_64);
        let mut variants = vec![base.clone(), compiler(&clang, Arch::Aarch64)];
        let mut o3 = base.clone();
        o3.opt_level = "3".into();
        variants.push(o3);
        let mut flag = base.clone();
        flag.extra_flags.push("-ffast-math".into());
        variants.push(flag);
        let mut cpu = base.clone();
        cpu.cpu = crate::Cpu::Named("znver4".into());
        variants.push(cpu);
        let objects: Vec<_> = variants
            .iter()
            .map(|c| cache.compile(c, SRC, Language::C).unwrap())
            .collect();
        assert_eq!(fake.compiles(), variants.len());
        for (i, a) in objects.iter().enumerate() {
            for b in &objects[i + 1..] {
                assert_ne!(a, b, "two compilers shared an object");
            }
        }
        cache.compile(&base, SRC, Language::Ir).unwrap();
        assert_eq!(fake.compiles(), variants.len() + 1);
    }

    #[test]
    fn a_directory_survives_the_cache_and_a_new_clang_misses() {
        let fake = Fake::new("disk");
        let dir = fake.dir.join("cache");
        let c = compiler(&fake.clang("19.1.0"), Arch::Riscv64);
        let first = CompileCache::on_disk(&dir)
            .unwrap()
            .compile(&c, SRC, Language::C)
            .unwrap();
        let second = CompileCache::on_disk(&dir).unwrap();
        assert_eq!(second.compile(&c, SRC, Language::C).unwrap(), first);
        assert_eq!(second.stats().disk_hits, 1);
        assert_eq!(fake.compiles(), 1);
        // No temp file is left behind.
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert!(names.iter().all(|n| n.ends_with(".o")), "{names:?}");

        // Same path, another clang version: a miss, in a fresh process too.
        std::thread::sleep(std::time::Duration::from_millis(20));
        let c = compiler(&fake.clang("20.1.0"), Arch::Riscv64);
        let third = CompileCache::on_disk(&dir).unwrap();
        third.compile(&c, SRC, Language::C).unwrap();
        assert_eq!(third.stats().misses, 1);
        assert_eq!(fake.compiles(), 2);
    }

    #[test]
    fn a_corrupt_entry_is_a_miss_and_is_replaced() {
        let fake = Fake::new("corrupt");
        let dir = fake.dir.join("cache");
        let c = compiler(&fake.clang("19.1.0"), Arch::X86_64);
        let good = CompileCache::on_disk(&dir)
            .unwrap()
            .compile(&c, SRC, Language::C)
            .unwrap();
        let entry = std::fs::read_dir(&dir)
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        let mut bytes = std::fs::read(&entry).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 0xff;
        std::fs::write(&entry, &bytes).unwrap();
        let cache = CompileCache::on_disk(&dir).unwrap();
        assert_eq!(cache.compile(&c, SRC, Language::C).unwrap(), good);
        assert_eq!(cache.stats().misses, 1);
        // Truncated: also a miss.
        std::fs::write(&entry, &bytes[..10]).unwrap();
        let cache = CompileCache::on_disk(&dir).unwrap();
        assert_eq!(cache.compile(&c, SRC, Language::C).unwrap(), good);
        assert_eq!(cache.stats().misses, 1);
        // And the rewritten entry is whole again.
        let cache = CompileCache::on_disk(&dir).unwrap();
        cache.compile(&c, SRC, Language::C).unwrap();
        assert_eq!(cache.stats().disk_hits, 1);
    }

    /// The entry files of `dir` and their sizes, by name.
    fn disk_entries(dir: &Path) -> Vec<(String, u64)> {
        let mut v: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap())
            .filter(|e| CacheFile::of(&e.file_name().to_string_lossy()) == Some(CacheFile::Entry))
            .map(|e| {
                let len = e.metadata().unwrap().len();
                (e.file_name().to_string_lossy().into_owned(), len)
            })
            .collect();
        v.sort();
        v
    }

    /// Sets the modification time of `file` to `secs_ago` (negative: in
    /// the future).
    fn age(file: &Path, secs_ago: i64) {
        let now = std::time::SystemTime::now();
        let by = std::time::Duration::from_secs(secs_ago.unsigned_abs());
        let when = if secs_ago >= 0 { now - by } else { now + by };
        let f = std::fs::File::options().append(true).open(file).unwrap();
        f.set_modified(when).unwrap();
    }

    fn source(n: usize) -> String {
        // The fake clang echoes its input: entries of about equal size.
        format!(
            "int f{n:04}(void) {{ return {n:04}; }} /* {} */",
            "x".repeat(200)
        )
    }

    #[test]
    fn the_disk_layer_deletes_least_recently_used_entries_past_its_bound() {
        let fake = Fake::new("bound");
        let dir = fake.dir.join("cache");
        let c = compiler(&fake.clang("19.1.0"), Arch::X86_64);
        // Measure one entry, then bound the directory to three of them.
        CompileCache::on_disk(&dir)
            .unwrap()
            .compile(&c, &source(0), Language::C)
            .unwrap();
        let entry = disk_entries(&dir)[0].1;
        std::fs::remove_dir_all(&dir).unwrap();
        let bound = 3 * entry + entry / 2;
        let cache = CompileCache::on_disk_with_limit(&dir, bound).unwrap();
        for n in 0..3 {
            let before = disk_entries(&dir);
            cache.compile(&c, &source(n), Language::C).unwrap();
            let added = disk_entries(&dir)
                .into_iter()
                .find(|e| !before.contains(e))
                .unwrap();
            age(&dir.join(added.0), 100 - n as i64 * 10); // 0 oldest, 2 newest
        }
        assert_eq!(disk_entries(&dir).len(), 3);
        assert_eq!(cache.stats().disk_evictions, 0);
        // Source 0 is used again (a disk hit, from another cache): it is
        // now the most recently used.
        let other = CompileCache::on_disk_with_limit(&dir, bound).unwrap();
        other.compile(&c, &source(0), Language::C).unwrap();
        assert_eq!(other.stats().disk_hits, 1);
        // A fourth entry passes the bound: trimmed to 3/4 of it, the
        // least recently used first (1, then 2).
        cache.compile(&c, &source(3), Language::C).unwrap();
        let left = disk_entries(&dir);
        let total: u64 = left.iter().map(|e| e.1).sum();
        assert!(total <= bound / 4 * 3, "{total} bytes left, bound {bound}");
        assert_eq!(cache.stats().disk_evictions, 2);
        // What is left is 0 and 3: both hits from a fresh cache.
        let fresh = CompileCache::on_disk_with_limit(&dir, bound).unwrap();
        for n in [0, 3] {
            fresh.compile(&c, &source(n), Language::C).unwrap();
        }
        assert_eq!(fresh.stats().disk_hits, 2);
        assert_eq!(fresh.stats().misses, 0);
        assert_eq!(fake.compiles(), 5);
    }

    #[test]
    fn opening_a_directory_over_its_bound_trims_it_and_old_temp_files() {
        let fake = Fake::new("reopen");
        let dir = fake.dir.join("cache");
        let c = compiler(&fake.clang("19.1.0"), Arch::X86_64);
        let cache = CompileCache::on_disk(&dir).unwrap();
        for n in 0..4 {
            cache.compile(&c, &source(n), Language::C).unwrap();
        }
        // Used 400, 300 and 200 s ago, and one a day ahead (clock skew):
        // that one counts as the oldest.
        let entries = disk_entries(&dir);
        for (entry, secs_ago) in entries.iter().zip([400, 300, 200, -86400]) {
            age(&dir.join(&entry.0), secs_ago);
        }
        // A writer that died mid-write, long ago, and one writing now.
        let stale = dir.join(".tmp-1-0");
        let live = dir.join(".tmp-2-0");
        std::fs::write(&stale, b"half an entry").unwrap();
        std::fs::write(&live, b"half an entry").unwrap();
        age(&stale, 7200);
        // Files this cache did not write, old and large: never counted
        // (they would make it delete every entry) or deleted.
        let foreign =
            ["kernel.o", "0123.o", "notes.txt", ".tmp-old", ".tmp-1-x"].map(|f| dir.join(f));
        for f in &foreign {
            std::fs::write(f, vec![b'x'; 100_000]).unwrap();
            age(f, 7200);
        }
        let entry = entries[0].1;
        let small = CompileCache::on_disk_with_limit(&dir, 2 * entry).unwrap();
        // 4 entries over a bound of 2: trimmed to 3/4 of it, the most
        // recently used entry.
        assert_eq!(disk_entries(&dir), vec![entries[2].clone()]);
        assert_eq!(small.stats().disk_evictions, 3);
        assert!(!stale.exists());
        assert!(live.exists());
        for f in &foreign {
            assert!(f.exists(), "{} deleted", f.display());
        }
    }

    #[test]
    fn an_entry_larger_than_the_disk_bound_is_not_stored() {
        let fake = Fake::new("too-large");
        let dir = fake.dir.join("cache");
        let c = compiler(&fake.clang("19.1.0"), Arch::X86_64);
        for _ in 0..2 {
            let cache = CompileCache::on_disk_with_limit(&dir, 100).unwrap();
            cache.compile(&c, &source(0), Language::C).unwrap();
            assert_eq!(cache.stats().misses, 1);
            assert_eq!(cache.stats().disk_evictions, 0);
        }
        assert!(disk_entries(&dir).is_empty());
        assert_eq!(fake.compiles(), 2);
    }

    #[test]
    fn cache_files_are_told_by_name() {
        let entry = format!("{:032x}.o", 0x1234_u128);
        assert_eq!(CacheFile::of(&entry), Some(CacheFile::Entry));
        assert_eq!(CacheFile::of(".tmp-42-7"), Some(CacheFile::Temp));
        for other in [
            "kernel.o",
            &format!("{:031x}.o", 1),
            &format!("{:032X}.o", 0xabc_u128),
            &format!("{:032x}.obj", 1),
            ".tmp-42",
            ".tmp--7",
            ".tmp-a-7",
            "notes.txt",
            "",
        ] {
            assert_eq!(CacheFile::of(other), None, "{other:?}");
        }
    }

    #[test]
    fn concurrent_threads_get_the_objects_of_their_own_inputs() {
        let fake = Fake::new("threads");
        let clang = fake.clang("19.1.0");
        let cache = CompileCache::on_disk(fake.dir.join("cache")).unwrap();
        let arches = [Arch::X86_64, Arch::Aarch64];
        let results: Vec<(Arch, usize, Arc<[u8]>)> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|t| {
                    let cache = &cache;
                    let clang = &clang;
                    s.spawn(move || {
                        let arch = arches[t % 2];
                        let c = compiler(clang, arch);
                        (0..6)
                            .map(|i| {
                                let src = format!("int f{}(void);", i % 3);
                                (arch, i % 3, cache.compile(&c, &src, Language::C).unwrap())
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap())
                .collect()
        });
        for (arch, i, object) in &results {
            let text = String::from_utf8_lossy(object);
            assert!(text.contains(&format!("int f{i}(void);")), "{text}");
            assert!(
                text.contains(&format!("--target={}-", arch.clang_arch())),
                "{arch}: {text}"
            );
        }
        let s = cache.stats();
        assert_eq!(s.memory_hits + s.disk_hits + s.misses, 48);
        assert!(fake.compiles() >= 6 && s.misses as usize == fake.compiles());
    }
}
