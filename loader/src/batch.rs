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
use crate::module::{check_loadable, lookup, map_image, Backend, ExportIndex, Jit, Module};
use crate::module::{export_hash, sort_by_hash};
use crate::resolve::{Chain, Resolver};

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
            return Err(Error::BatchNeedsInMemoryBackend { arch });
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
        check_loadable(arch, options)?;
        let span = tracing::debug_span!("load_batch", %arch, objects = objects.len());
        let _enter = span.enter();
        let bytes: Vec<&[u8]> = objects.iter().map(|(_, b)| *b).collect();
        // Each object's bytes fetched two objects ahead of its parse and
        // of its link.
        let ahead = |k: usize| {
            if let Some(next) = bytes.get(k + 2) {
                crate::memory::prefetch(next);
            }
        };
        let prepared = Prepared::batch(
            bytes.iter().enumerate().map(|(k, &b)| {
                ahead(k);
                b
            }),
            arch,
            options,
        )?;
        let Some(first) = prepared.first() else {
            return Err(Error::EmptyBatch { arch });
        };
        let written = prepared.iter().map(Prepared::written_len).max();
        let mut mapping = map_image(first, written.unwrap_or(0))?;
        let base = mapping.base();

        // Every object's symbols first, at their final addresses (known
        // from the layout): the list is the batch's name table, and its
        // export index (built here, kept by the module) answers the
        // lookups of the link.
        let mut all_symbols = SymbolList::new();
        let bound: usize = prepared.iter().map(Prepared::listed_bound).sum();
        all_symbols.reserve(bound, 16 * bound);
        let mut listed_from = Vec::with_capacity(prepared.len() + 1);
        // (hash of the name, position in the list) of each exported one.
        let mut exported = Vec::with_capacity(bound);
        for p in &prepared {
            listed_from.push(all_symbols.len());
            p.list_symbols_with(base, &mut all_symbols, |name, at| {
                exported.push((export_hash(name), at as u32));
            })?;
        }
        listed_from.push(all_symbols.len());
        let index = batch_export_index(exported, &mut all_symbols, &listed_from, objects)?;
        let batch = |name: &str| lookup(&index, &all_symbols, name).map(|s| s.address);
        let resolver = Chain(&batch, resolver);

        let image = mapping.bytes_mut();
        let mut log = Vec::new();
        for (k, p) in prepared.iter().enumerate() {
            ahead(k);
            p.relocate(base, image, &resolver, &mut log)?;
        }
        let segments = first.segments().to_vec();
        // The reservation counted symbols a name may still rule out and
        // guessed 16 bytes a name: give back what is left.
        all_symbols.shrink_to_fit();
        log.shrink_to_fit();
        Module::protected(
            arch,
            mapping,
            ExportIndex::built(index),
            all_symbols,
            log,
            segments,
        )
    }
}

/// The export index of a batch's symbol list (see `module::exported_index`)
/// from its `exported` symbols (hash of the name, position in `all`, in
/// list order), under the batch's rules: of the exported definitions of a name, the
/// first global wins, else the first weak one; two global ones are an
/// error naming both objects. Losers stop being exported.
fn batch_export_index(
    mut exported: Vec<(u32, u32)>,
    all: &mut SymbolList,
    listed_from: &[usize],
    objects: &[(&str, &[u8])],
) -> Result<Vec<(u32, u32)>> {
    // By hash, then by position in the list (object order).
    sort_by_hash(&mut exported);
    let object_of = |i: u32| listed_from.partition_point(|&from| from <= i as usize) - 1;
    fn name(all: &SymbolList, j: u32) -> &str {
        all.get(j as usize).map_or("", |s| s.name)
    }
    // Still in hash order: winners are taken run by run.
    let mut index = Vec::with_capacity(exported.len());
    let mut losers = Vec::new();
    // Of names defined globally twice, the one whose second definition
    // comes first in the list (the conflict an in-order link meets
    // first): the positions of its second and first definitions.
    let mut conflict: Option<(u32, u32)> = None;
    for run in exported.chunk_by(|a, b| a.0 == b.0) {
        if let [only] = run {
            index.push(*only);
            continue;
        }
        // Several exported names of one hash (usually one name defined
        // by several objects): each name's definitions in list order.
        let mut decided: Vec<&str> = Vec::new();
        for &(hash, i) in run {
            let this = name(all, i);
            if decided.contains(&this) {
                continue;
            }
            decided.push(this);
            let same: Vec<u32> = run
                .iter()
                .map(|e| e.1)
                .filter(|&j| name(all, j) == this)
                .collect();
            let mut globals = same.iter().copied().filter(|&j| !all.is_weak(j as usize));
            let winner = match (globals.next(), globals.next()) {
                (Some(first), Some(second)) => {
                    if conflict.is_none_or(|(earliest, _)| second < earliest) {
                        conflict = Some((second, first));
                    }
                    first
                }
                (Some(global), None) => global,
                _ => i,
            };
            losers.extend(same.into_iter().filter(|&j| j != winner));
            index.push((hash, winner));
        }
    }
    if let Some((second, first)) = conflict {
        return Err(Error::DuplicateSymbol {
            symbol: name(all, first).to_string(),
            first: objects[object_of(first)].0.to_string(),
            second: objects[object_of(second)].0.to_string(),
        });
    }
    for j in losers {
        all.unexport(j as usize);
    }
    let mut exported = index;
    exported.shrink_to_fit();
    Ok(exported)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::SymbolRef;

    /// A list of `(object, name, weak)` exported symbols, at addresses
    /// 0, 1, 2, ... in order, and where each object's symbols start.
    fn list(symbols: &[(usize, &str, bool)], objects: usize) -> (SymbolList, Vec<usize>) {
        let mut all = SymbolList::new();
        let mut listed_from = vec![0; objects + 1];
        for (address, &(object, name, weak)) in symbols.iter().enumerate() {
            all.push_binding(
                SymbolRef {
                    name,
                    address: address as u64,
                    size: 0,
                    is_function: true,
                    exported: true,
                },
                weak,
            );
            listed_from[object + 1] = address + 1;
        }
        for k in 1..=objects {
            listed_from[k] = listed_from[k].max(listed_from[k - 1]);
        }
        (all, listed_from)
    }

    /// What listing the symbols hands the index builder.
    fn exported(all: &SymbolList) -> Vec<(u32, u32)> {
        all.iter()
            .zip(0..)
            .filter(|(s, _)| s.exported)
            .map(|(s, i)| (export_hash(s.name), i))
            .collect()
    }

    const OBJECTS: [(&str, &[u8]); 3] = [("zero.o", &[]), ("one.o", &[]), ("two.o", &[])];

    /// Two different names with the same export hash.
    fn colliding_names() -> (String, String) {
        let mut seen = std::collections::HashMap::new();
        for n in 0u32.. {
            let name = format!("k{n}");
            if let Some(other) = seen.insert(export_hash(&name), name.clone()) {
                return (other, name);
            }
        }
        unreachable!()
    }

    #[test]
    fn the_first_global_definition_wins_else_the_first_weak_one() {
        let (a, b) = colliding_names();
        let symbols = [
            (0, "f", false),
            (0, "g", true),
            (0, "h", true),
            (0, a.as_str(), true),
            (1, "f", true),
            (1, "g", false),
            (1, "h", true),
            (1, b.as_str(), false),
            (2, "g", true),
            (2, a.as_str(), false),
        ];
        let (mut all, listed_from) = list(&symbols, 3);
        let index = batch_export_index(exported(&all), &mut all, &listed_from, &OBJECTS).unwrap();
        // One entry a name, sorted by hash; each lookup finds the winner.
        assert_eq!(index.len(), 5);
        assert!(index.windows(2).all(|w| w[0].0 <= w[1].0));
        let at = |name: &str| lookup(&index, &all, name).map(|s| s.address);
        assert_eq!(at("f"), Some(0), "a global before a weak one");
        assert_eq!(at("g"), Some(5), "a global after a weak one");
        assert_eq!(at("h"), Some(2), "the first of two weak ones");
        assert_eq!(
            at(&a),
            Some(9),
            "a global after a weak one, in a hash collision"
        );
        assert_eq!(at(&b), Some(7), "the other name of the collision");
        // Losers are no longer exported; winners still are.
        let exported: Vec<u64> = all
            .iter()
            .filter(|s| s.exported)
            .map(|s| s.address)
            .collect();
        assert_eq!(exported, [0, 2, 5, 7, 9]);
    }

    #[test]
    fn the_duplicate_reported_is_the_first_an_in_order_link_meets() {
        // `early`'s second definition comes first in the list; `late`
        // hashes lower, so hash order meets it first.
        let (early, late) = if export_hash("aaa") > export_hash("zzz") {
            ("aaa", "zzz")
        } else {
            ("zzz", "aaa")
        };
        let symbols = [
            (0, late, false),
            (0, early, false),
            (1, early, false),
            (1, late, false),
        ];
        assert_eq!(duplicate(&symbols, 2), (early.into(), "zero.o", "one.o"));
    }

    #[test]
    fn two_global_definitions_name_both_objects() {
        let symbols = [(0, "f", false), (1, "f", true), (2, "f", false)];
        assert_eq!(duplicate(&symbols, 3), ("f".into(), "zero.o", "two.o"));
    }

    /// The symbol and the two objects of the DuplicateSymbol error the
    /// index of `symbols` (in `objects` objects) must give.
    fn duplicate(
        symbols: &[(usize, &str, bool)],
        objects: usize,
    ) -> (String, &'static str, &'static str) {
        let (mut all, listed_from) = list(symbols, objects);
        match batch_export_index(exported(&all), &mut all, &listed_from, &OBJECTS) {
            Err(Error::DuplicateSymbol {
                symbol,
                first,
                second,
            }) => {
                let object = |name: String| OBJECTS.iter().find(|o| o.0 == name).unwrap().0;
                (symbol, object(first), object(second))
            }
            other => panic!("expected DuplicateSymbol, got {other:?}"),
        }
    }
}
