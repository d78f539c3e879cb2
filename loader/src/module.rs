//! Loaded modules and the functions in them.

use crate::arch::Arch;
use crate::cache::CompileCache;
use crate::call::{FnPtr, Signature, Value};
use crate::compile::{Compiler, Language};
use crate::debug::{timed, DebugOptions, DebugRegistration};
use crate::error::{Error, Result};
use crate::link::{LinkOptions, Prepared, RelocRecord, Segment, SymbolList, SymbolRef};
use crate::memory::{page_size, Mapping};
use crate::resolve::{Chain, NoSymbols, ProcessSymbols, Resolver};
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};

/// Which loader turns an object into callable code.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Backend {
    /// Our own linker into one anonymous mapping: no file, no `dlopen`.
    #[default]
    InMemory,
    /// `clang -shared` into a private temp dir, then `dlopen`/`dlsym`: the
    /// debugging aid and the conformance oracle.
    #[cfg(feature = "dlopen-fallback")]
    Dlopen,
}

/// A resolver that can be shared by a [`Jit`] across threads.
pub type SharedResolver = Arc<dyn Resolver + Send + Sync>;

/// Settings of a [`Jit`].
#[derive(Clone)]
pub struct JitOptions {
    pub compiler: Compiler,
    pub backend: Backend,
    /// Asked first for every undefined symbol.
    pub resolver: Option<SharedResolver>,
    /// Then `dlsym(RTLD_DEFAULT, name)` (on by default: libm, compiler-rt,
    /// `memcpy`).
    pub process_symbols: bool,
    /// Keep the relocation log in each module (off by default: it costs an
    /// allocation or two per relocation).
    pub record_log: bool,
    /// Read-only data and the GOT on pages of their own, not executable
    /// (off by default: they share the code's read + execute pages, one
    /// page and one `mprotect` fewer per image; see
    /// [`LinkOptions::separate_read_only`]).
    pub separate_read_only: bool,
    /// Extra inputs of the dlopen backend's link (default: the words of
    /// `$LOADER_DLOPEN_LINK_ARGS`), e.g. a `libcompiler_rt.a` where the C
    /// library has no compiler-rt helpers (musl).
    pub dlopen_link_args: Vec<String>,
    /// Compile cache of [`Jit::compile`] and [`Jit::load_source`] (default:
    /// a fresh in-memory [`CompileCache`] per `JitOptions::host()`, shared by
    /// the clones of these options; `None` compiles every time; use
    /// [`CompileCache::on_disk`] to share objects between processes).
    pub cache: Option<Arc<CompileCache>>,
    /// GDB registration, perf map, object dumps (default:
    /// [`DebugOptions::from_env`]).
    pub debug: DebugOptions,
}

/// The environment variable with extra link inputs of the dlopen backend.
pub const DLOPEN_LINK_ARGS_ENV: &str = "LOADER_DLOPEN_LINK_ARGS";

impl JitOptions {
    /// The link settings of an in-memory load with these options.
    pub fn link_options(&self) -> LinkOptions {
        LinkOptions {
            record_log: self.record_log,
            separate_read_only: self.separate_read_only,
            ..LinkOptions::host()
        }
    }
}

impl std::fmt::Debug for JitOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JitOptions")
            .field("compiler", &self.compiler)
            .field("backend", &self.backend)
            .field("resolver", &self.resolver.as_ref().map(|_| "<resolver>"))
            .field("process_symbols", &self.process_symbols)
            .field("record_log", &self.record_log)
            .field("separate_read_only", &self.separate_read_only)
            .field("dlopen_link_args", &self.dlopen_link_args)
            .field("cache", &self.cache.as_ref().map(|c| c.dir()))
            .field("debug", &self.debug)
            .finish()
    }
}

impl JitOptions {
    /// The words of `$LOADER_DLOPEN_LINK_ARGS` (the default of
    /// [`JitOptions::dlopen_link_args`]).
    pub fn dlopen_link_args_from_env() -> Vec<String> {
        std::env::var(DLOPEN_LINK_ARGS_ENV)
            .unwrap_or_default()
            .split_whitespace()
            .map(String::from)
            .collect()
    }

    /// Options for the host architecture with the clang found on this
    /// machine (see [`crate::compile::find_clang`]).
    pub fn host() -> Result<JitOptions> {
        Ok(JitOptions {
            compiler: Compiler::new(host_arch()?)?,
            backend: Backend::default(),
            resolver: None,
            process_symbols: true,
            record_log: false,
            separate_read_only: false,
            dlopen_link_args: JitOptions::dlopen_link_args_from_env(),
            cache: Some(Arc::new(CompileCache::in_memory())),
            debug: DebugOptions::from_env(),
        })
    }
}

/// Compiles and loads kernels for the host.
///
/// ```
/// use loader::{Jit, Language};
/// let jit = Jit::new()?;
/// let module = jit.load_source("int add(int a, int b) { return a + b; }", Language::C)?;
/// let add = unsafe { module.typed::<extern "C" fn(i32, i32) -> i32>("add")? };
/// assert_eq!(add.get()(2, 3), 5);
/// # Ok::<(), loader::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Jit {
    options: JitOptions,
}

impl Jit {
    /// A JIT for the host with default options.
    pub fn new() -> Result<Jit> {
        Ok(Jit {
            options: JitOptions::host()?,
        })
    }

    pub fn with_options(options: JitOptions) -> Jit {
        Jit { options }
    }

    pub fn options(&self) -> &JitOptions {
        &self.options
    }

    /// Compiles `source` to an object (in memory).
    pub fn compile(&self, source: &str, language: Language) -> Result<Vec<u8>> {
        Ok(self.compile_shared(source, language)?.to_vec())
    }

    /// The caller's resolver (`.0`), then the process's symbols if asked.
    pub(crate) fn resolver(&self) -> Chain<'_, 'static> {
        let user: &dyn Resolver = match &self.options.resolver {
            Some(r) => r.as_ref(),
            None => &NoSymbols,
        };
        let process: &'static dyn Resolver = if self.options.process_symbols {
            &ProcessSymbols
        } else {
            &NoSymbols
        };
        Chain(user, process)
    }

    /// Compiles `source`, through the cache if there is one.
    fn compile_shared(&self, source: &str, language: Language) -> Result<Arc<[u8]>> {
        let compiler = &self.options.compiler;
        let object = timed!(
            "compile",
            match &self.options.cache {
                Some(cache) => cache.compile(compiler, source, language),
                None => Ok(compiler.compile(source, language)?.into()),
            }
        )?;
        crate::debug::on_compiled(&object, Some((source, language)), &self.options.debug);
        Ok(object)
    }

    /// Compiles and loads `source`.
    pub fn load_source(&self, source: &str, language: Language) -> Result<Module> {
        let object = self.compile_shared(source, language)?;
        self.load_object(&object)
    }

    /// Loads a relocatable object produced for the host architecture.
    pub fn load_object(&self, object: &[u8]) -> Result<Module> {
        let resolver = self.resolver();
        #[cfg(feature = "dlopen-fallback")]
        let user = resolver.0;
        match self.options.backend {
            Backend::InMemory => {
                let mut module = Module::load_in_memory(
                    object,
                    self.options.compiler.arch,
                    &resolver,
                    &self.options.link_options(),
                )?;
                module.register_debug(&self.options.debug);
                Ok(module)
            }
            #[cfg(feature = "dlopen-fallback")]
            Backend::Dlopen => {
                check_host(self.options.compiler.arch)?;
                let lib = crate::dlopen::DlopenLibrary::load(
                    object,
                    &self.options.compiler,
                    user,
                    &self.options.dlopen_link_args,
                )?;
                Ok(Module {
                    arch: self.options.compiler.arch,
                    inner: Inner::Dlopen(lib),
                    exported: ExportIndex::default(),
                    all_symbols: SymbolList::new(),
                    log: Vec::new(),
                    segments: Vec::new(),
                    debug: DebugRegistration::default(),
                })
            }
        }
    }
}

#[derive(Debug)]
enum Inner {
    Memory(Mapping),
    #[cfg(feature = "dlopen-fallback")]
    Dlopen(crate::dlopen::DlopenLibrary),
}

/// The exported symbols of `all`, as (hash of the name, index into `all`)
/// sorted by hash: one per name (the first). Hashes, because they sort
/// several times faster than names or a map of owned names would build.
fn exported_index(all: &SymbolList) -> Vec<(u32, u32)> {
    // 32-bit halves, 8 bytes an entry: a hash collision only costs a name
    // comparison, and a list holds at most `u32::MAX` symbols
    // ([`SymbolList::MAX_LEN`]).
    let mut exported: Vec<(u32, u32)> = all
        .iter()
        .zip(0..=u32::MAX)
        .filter(|(s, _)| s.exported)
        .map(|(s, i)| (export_hash(s.name), i))
        .collect();
    let name = |i: u32| all.get(i as usize).map(|s| s.name);
    sort_by_hash(&mut exported);
    // Equal names have equal hashes: a duplicate follows its first
    // occurrence within a run of equal hashes (usually of one entry).
    let mut kept = 0;
    for k in 0..exported.len() {
        let (hash, i) = exported[k];
        let duplicate = exported[..kept]
            .iter()
            .rev()
            .take_while(|e| e.0 == hash)
            .any(|e| name(e.1) == name(i));
        if !duplicate {
            exported[kept] = (hash, i);
            kept += 1;
        }
    }
    exported.truncate(kept);
    exported.shrink_to_fit();
    exported
}

/// Sorts (hash, index) pairs listed in index order into the order of
/// `sort_unstable` on the pairs (by hash, then index): a stable radix sort
/// on the hash, four 8-bit passes: cheaper than a comparison sort for the
/// tens of thousands of exports of a batch.
pub(crate) fn sort_by_hash(pairs: &mut Vec<(u32, u32)>) {
    if pairs.len() < 256 {
        pairs.sort_unstable();
        return;
    }
    let mut spare = vec![(0, 0); pairs.len()];
    for shift in [0, 8, 16, 24] {
        let digit = |e: &(u32, u32)| (e.0 >> shift) as usize & 0xff;
        let mut starts = [0usize; 256];
        for e in pairs.iter() {
            starts[digit(e)] += 1;
        }
        let mut sum = 0;
        for s in starts.iter_mut() {
            (*s, sum) = (sum, sum + *s);
        }
        for &e in pairs.iter() {
            let d = digit(&e);
            spare[starts[d]] = e;
            starts[d] += 1;
        }
        std::mem::swap(pairs, &mut spare);
    }
}

/// Exported-name lookup of a module: a sorted [`exported_index`], built
/// on the ninth lookup (a batch's is built while it links): most modules
/// are asked for one or two entry points, which a scan answers for far
/// less than a build, and eight scans cost about one build, so a module
/// looked up many times pays at most about twice the cheaper strategy.
#[derive(Debug, Default)]
pub(crate) struct ExportIndex {
    built: OnceLock<Vec<(u32, u32)>>,
    scans: AtomicU32,
}

impl ExportIndex {
    /// Lookups answered by scanning before the index is built.
    const SCANS: u32 = 8;

    /// The first exported symbol of `all` named `name` (the one the index
    /// keeps for a name exported twice).
    fn lookup<'s>(&self, all: &'s SymbolList, name: &str) -> Option<SymbolRef<'s>> {
        let index = match self.built.get() {
            Some(index) => index,
            None if self.scans.fetch_add(1, Ordering::Relaxed) < ExportIndex::SCANS => {
                return all.find_exported(name);
            }
            None => self.built.get_or_init(|| exported_index(all)),
        };
        lookup(index, all, name)
    }

    /// An index built already (a batch's, see `batch.rs`).
    pub(crate) fn built(index: Vec<(u32, u32)>) -> ExportIndex {
        ExportIndex {
            built: OnceLock::from(index),
            scans: AtomicU32::new(0),
        }
    }
}

/// The symbol of `all` named `name` in `index` (an [`exported_index`] of
/// `all`, or a batch's index: one entry per exported name, sorted by
/// hash).
pub(crate) fn lookup<'s>(
    index: &[(u32, u32)],
    all: &'s SymbolList,
    name: &str,
) -> Option<SymbolRef<'s>> {
    let hash = export_hash(name);
    let first = index.partition_point(|e| e.0 < hash);
    index[first..]
        .iter()
        .take_while(|e| e.0 == hash)
        .filter_map(|e| all.get(e.1 as usize))
        .find(|s| s.name == name)
}

/// The hash [`exported_index`] sorts by.
pub(crate) fn export_hash(name: &str) -> u32 {
    crate::cache::name_hash(name.as_bytes()) as u32
}

/// The checks of every in-memory load, before parsing: only host code is
/// mapped, at a page size the host can protect.
pub(crate) fn check_loadable(arch: Arch, options: &LinkOptions) -> Result<()> {
    check_host(arch)?;
    check_page_size(arch, options)
}

/// A fresh mapping for the image `plan` lays out, its first `written`
/// bytes faulted in (what the link writes).
pub(crate) fn map_image(plan: &Prepared, written: usize) -> Result<Mapping> {
    let mapping = timed!("map", Mapping::new(plan.image_size(), plan.image_align()))?;
    mapping.populate(written);
    Ok(mapping)
}

/// A page size protections can be applied at: a multiple of the host's.
fn check_page_size(arch: Arch, options: &LinkOptions) -> Result<()> {
    let host = page_size();
    if options.page_size == 0 || options.page_size % host != 0 {
        return Err(Error::PageSizeNotHostMultiple {
            arch,
            page_size: options.page_size,
            host_page_size: host,
        });
    }
    Ok(())
}

/// The architecture of this process; `UnsupportedHost` if the loader has
/// no tables for it.
pub(crate) fn host_arch() -> Result<Arch> {
    Arch::host().ok_or(Error::UnsupportedHost {
        host: std::env::consts::ARCH,
    })
}

/// `ForeignArch` unless `arch` is the host's: only host code is mapped.
pub(crate) fn check_host(arch: Arch) -> Result<()> {
    let host = host_arch()?;
    if host != arch {
        return Err(Error::ForeignArch { arch, host });
    }
    Ok(())
}

/// Loaded code. Unmapped (or `dlclose`d) on drop; [`Function`]s borrow it,
/// so safe code cannot call into freed memory.
#[derive(Debug)]
pub struct Module {
    arch: Arch,
    inner: Inner,
    /// Exported symbol name -> position in `all_symbols`.
    exported: ExportIndex,
    all_symbols: SymbolList,
    log: Vec<RelocRecord>,
    segments: Vec<Segment>,
    /// GDB's list entry of the image (removed on drop).
    debug: DebugRegistration,
}

impl Module {
    /// Links `object` into fresh memory of this process and protects it
    /// (`options`: usually [`LinkOptions::host`]; its page size must be a
    /// multiple of the host's).
    pub fn load_in_memory(
        object: &[u8],
        arch: Arch,
        resolver: &dyn Resolver,
        options: &LinkOptions,
    ) -> Result<Module> {
        check_loadable(arch, options)?;
        let span = tracing::debug_span!("load", %arch, object_bytes = object.len());
        let _enter = span.enter();
        let prepared = Prepared::new(object, arch, options)?;
        let mut mapping = map_image(&prepared, prepared.written_len())?;
        let base = mapping.base();
        let (mut symbols, mut log) = (SymbolList::new(), Vec::new());
        timed!(
            "link",
            prepared.link_for_module(base, mapping.bytes_mut(), resolver, &mut symbols, &mut log)
        )?;
        symbols.shrink_to_fit();
        let segments = prepared.segments().to_vec();
        Module::protected(
            arch,
            mapping,
            ExportIndex::default(),
            symbols,
            log,
            segments,
        )
    }

    /// The end of every in-memory load: the linked `mapping` protected as
    /// `segments` say, in a module.
    pub(crate) fn protected(
        arch: Arch,
        mut mapping: Mapping,
        exported: ExportIndex,
        all_symbols: SymbolList,
        log: Vec<RelocRecord>,
        segments: Vec<Segment>,
    ) -> Result<Module> {
        timed!("protect", mapping.protect(&segments))?;
        tracing::debug!(
            base = format_args!("{:#x}", mapping.base()),
            bytes = mapping.len(),
            "mapped"
        );
        Ok(Module {
            arch,
            inner: Inner::Memory(mapping),
            exported,
            all_symbols,
            log,
            segments,
            debug: DebugRegistration::default(),
        })
    }

    pub fn arch(&self) -> Arch {
        self.arch
    }

    /// Runs the debugging hooks (GDB registration, perf map) for this
    /// freshly loaded module: every in-memory load path calls it once.
    pub(crate) fn register_debug(&mut self, options: &DebugOptions) {
        self.debug = crate::debug::on_module_loaded(self, options);
    }

    /// The address of an exported symbol (function or data).
    pub fn symbol_address(&self, name: &str) -> Result<u64> {
        match &self.inner {
            Inner::Memory(_) => self
                .exported
                .lookup(&self.all_symbols, name)
                .map(|s| s.address),
            #[cfg(feature = "dlopen-fallback")]
            Inner::Dlopen(lib) => lib.symbol(name),
        }
        .ok_or_else(|| Error::SymbolNotFound(name.to_string()))
    }

    /// Every named function, variable and global of the image (empty for
    /// the dlopen backend). Local symbols of no type (assembler labels:
    /// `.LCPI*` constant-pool entries, mapping symbols, labels of inline
    /// assembly) are listed only when the relocation log is kept: telling
    /// them apart by name would read the string table once per label,
    /// thousands in a large kernel. Local `$` names (AArch64 and RISC-V
    /// mapping symbols) are never listed; a global one (GNU C allows `$`
    /// in identifiers) is, and can be looked up.
    pub fn symbols(&self) -> &SymbolList {
        &self.all_symbols
    }

    /// The relocation log, if the JIT was asked to record it.
    pub fn relocation_log(&self) -> &[RelocRecord] {
        &self.log
    }

    /// The image's protection groups as offsets from its base (empty for
    /// the dlopen backend).
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The image's base address and size (`None` for the dlopen backend).
    pub fn image_range(&self) -> Option<(u64, usize)> {
        match &self.inner {
            Inner::Memory(m) => Some((m.base(), m.len())),
            #[cfg(feature = "dlopen-fallback")]
            Inner::Dlopen(_) => None,
        }
    }

    /// A function of the module, to call with a run-time signature.
    pub fn function(&self, name: &str) -> Result<Function<'_>> {
        Ok(Function {
            name: name.to_string(),
            address: self.symbol_address(name)?,
            _module: PhantomData,
        })
    }

    /// A function of the module with a compile-time signature: the fast
    /// path, one indirect call.
    ///
    /// # Safety
    /// `F` must be the function's real C signature. The pointer returned by
    /// [`TypedFunction::get`] must not be called after the module is dropped.
    pub unsafe fn typed<F: FnPtr>(&self, name: &str) -> Result<TypedFunction<'_, F>> {
        let address = self.symbol_address(name)?;
        Ok(TypedFunction {
            // SAFETY: the caller guarantees `F` is the function's type.
            f: unsafe { F::from_address(address) },
            _module: PhantomData,
        })
    }
}

/// A function in a [`Module`], called through libffi.
#[derive(Debug, Clone)]
pub struct Function<'m> {
    name: String,
    address: u64,
    _module: PhantomData<&'m Module>,
}

impl Function<'_> {
    pub fn address(&self) -> u64 {
        self.address
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Calls the function. Argument types are checked against `signature`.
    ///
    /// # Safety
    /// `signature` must be the function's real C signature, and pointer
    /// arguments must be valid for what the function does with them.
    pub unsafe fn call(&self, signature: &Signature, args: &[Value]) -> Result<Value> {
        // SAFETY: forwarded to the caller.
        timed!("call", [function = %self.name], unsafe {
            signature.call(&self.name, self.address, args)
        })
    }
}

/// A typed function pointer into a [`Module`], valid while the borrow is.
#[derive(Debug, Clone, Copy)]
pub struct TypedFunction<'m, F> {
    f: F,
    _module: PhantomData<&'m Module>,
}

impl<F: FnPtr> TypedFunction<'_, F> {
    /// The function pointer. Call it while the module is alive.
    pub fn get(&self) -> F {
        self.f
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn radix_order_is_the_pair_order() {
        for len in [0, 5, 255, 256, 3000] {
            // Few distinct hashes, so runs of equal ones keep index order.
            let mut x = 12345u32;
            let mut pairs: Vec<(u32, u32)> = (0..len)
                .map(|i| {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    ((x >> 7) % 97 * 0x0101_0101 + x % 3, i)
                })
                .collect();
            let mut expected = pairs.clone();
            expected.sort_unstable();
            super::sort_by_hash(&mut pairs);
            assert_eq!(pairs, expected, "{len}");
        }
    }
}
