//! Many objects linked into ONE image: the code of every object packed
//! into shared pages, then every object's GOT and read-only data (in the
//! code's pages unless `separate_read_only`), then every object's writable
//! data; one mapping, one protection flip per group, no mmap/munmap per
//! kernel.
//!
//! Global and weak symbols of each object are visible to the others (calls
//! between objects work whatever their order in the batch); the rest goes to
//! the JIT's resolver. Two global (non-weak) definitions of one name are an
//! error naming the symbol and both objects; a global beats a weak one; of
//! two weak ones the first wins. An object's own references to a symbol it
//! defines stay inside it (as with `-Bsymbolic`).

use crate::arch::Arch;
use crate::error::{Error, Result};
use crate::link::{LinkOptions, Prepared, SymbolList};
use crate::memory::Mapping;
use crate::module::{check_host, check_page_size, Backend, Jit, Module};
use crate::resolve::{Chain, Resolver};
use std::collections::hash_map::{Entry, HashMap};

impl Jit {
    /// Links `objects` (each with a name for error messages) into one
    /// image; every exported symbol of every object is looked up by name
    /// in the returned module.
    ///
    /// ```
    /// use loader::{Jit, Language};
    /// let jit = Jit::new()?;
    /// let a = jit.compile("int twice(int x) { return 2 * x; }", Language::C)?;
    /// let b = jit.compile("int twice(int); int quad(int x) { return twice(twice(x)); }", Language::C)?;
    /// let m = jit.load_batch(&[("b", &b), ("a", &a)])?;
    /// let quad = unsafe { m.typed::<extern "C" fn(i32) -> i32>("quad")? };
    /// assert_eq!(quad.get()(3), 12);
    /// # Ok::<(), loader::Error>(())
    /// ```
    pub fn load_batch(&self, objects: &[(&str, &[u8])]) -> Result<Module> {
        let arch = self.options().compiler.arch;
        if self.options().backend != Backend::InMemory {
            return Err(Error::Unsupported {
                arch,
                what: "backend",
                detail: "a batch is linked by the in-memory backend only".into(),
            });
        }
        let mut module = Module::load_batch_in_memory(
            objects,
            arch,
            &self.resolver(),
            &self.options().link_options(),
        )?;
        // Like a single load: gdb and perf see the batch image's functions.
        module.register_debug(&self.options().debug);
        Ok(module)
    }
}

/// The batch's name table hasher ([`crate::cache::name_hash_extend`]):
/// names come from objects the caller compiled, and SipHash was a tenth of
/// a batch load.
#[derive(Default)]
struct NameHasher(u64);

impl std::hash::Hasher for NameHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0 = crate::cache::name_hash_extend(self.0, bytes);
    }
}

type BuildNameHasher = std::hash::BuildHasherDefault<NameHasher>;

/// Where a batch symbol comes from.
#[derive(Clone, Copy)]
struct Definition {
    address: u64,
    weak: bool,
    object: usize,
}

impl Module {
    /// Links `objects` into one fresh mapping of this process and protects
    /// it (see [`Jit::load_batch`]; `options` as for
    /// [`Module::load_in_memory`]).
    pub fn load_batch_in_memory(
        objects: &[(&str, &[u8])],
        arch: Arch,
        resolver: &dyn Resolver,
        options: &LinkOptions,
    ) -> Result<Module> {
        check_host(arch)?;
        check_page_size(arch, options)?;
        let span = tracing::debug_span!("load_batch", %arch, objects = objects.len());
        let _enter = span.enter();
        let bytes: Vec<&[u8]> = objects.iter().map(|(_, b)| *b).collect();
        let prepared = Prepared::batch(&bytes, arch, options)?;
        let Some(first) = prepared.first() else {
            return Err(Error::Unsupported {
                arch,
                what: "batch",
                detail: "no objects".into(),
            });
        };
        let mut mapping = Mapping::new(first.image_size(), first.image_align())?;
        let base = mapping.base();
        mapping.populate(
            prepared
                .iter()
                .map(Prepared::written_len)
                .max()
                .unwrap_or(0),
        );

        let symbols: usize = prepared.iter().map(Prepared::exported_count).sum();
        // Definitions that lost to another object's (rare: weak ones), by
        // object: an address may be shared (absolute symbols, a label at
        // the end of one object's section and the start of the next's).
        let mut lost: Vec<(usize, &str)> = Vec::new();
        let mut table: HashMap<&str, Definition, BuildNameHasher> =
            HashMap::with_capacity_and_hasher(symbols, BuildNameHasher::default());
        for (object, p) in prepared.iter().enumerate() {
            for (name, address, weak) in p.exported_symbols(base) {
                let new = Definition {
                    address,
                    weak,
                    object,
                };
                match table.entry(name) {
                    Entry::Vacant(e) => {
                        e.insert(new);
                    }
                    Entry::Occupied(mut e) => match (e.get().weak, weak) {
                        (false, false) => {
                            return Err(Error::DuplicateSymbol {
                                symbol: name.to_string(),
                                first: objects[e.get().object].0.to_string(),
                                second: objects[object].0.to_string(),
                            })
                        }
                        (true, false) => {
                            lost.push((e.get().object, name));
                            e.insert(new);
                        }
                        _ => {
                            lost.push((object, name));
                        }
                    },
                }
            }
        }
        let batch = |name: &str| table.get(name).map(|d| d.address);
        let resolver = Chain(&batch, resolver);

        let image = mapping.bytes_mut();
        let mut all_symbols = SymbolList::new();
        let mut log = Vec::new();
        // Where each object's symbols start in the common list.
        let mut listed_from = Vec::with_capacity(prepared.len() + 1);
        for (k, p) in prepared.iter().enumerate() {
            if let Some(next) = bytes.get(k + 2) {
                crate::memory::prefetch(next);
            }
            listed_from.push(all_symbols.len());
            p.link_for_module(base, image, &resolver, &mut all_symbols, &mut log)?;
        }
        listed_from.push(all_symbols.len());
        let segments = first.segments().to_vec();
        // Growth by doubling left up to half of each list unused: for ten
        // thousand kernels that is most of the metadata.
        all_symbols.shrink_to_fit();
        log.shrink_to_fit();
        mapping.protect(&segments)?;
        tracing::debug!(
            base = format_args!("{base:#x}"),
            bytes = mapping.len(),
            "mapped batch"
        );
        // Only the definition that won is exported: the module finds the
        // first exported symbol of a name.
        for (object, name) in lost {
            all_symbols.unexport(listed_from[object]..listed_from[object + 1], name);
        }
        Ok(Module::in_mapping(
            arch,
            mapping,
            crate::module::ExportIndex::default(),
            all_symbols,
            log,
            segments,
        ))
    }
}
