//! Which symbols get GOT slots and stubs: a pass over the relocations of
//! its own (JITLink's table managers), made before the layout so the
//! image size is fixed before any address is known. The entries are
//! filled by the relocation engine (`apply.rs`).

use super::elf::{raw_fields, Object};
use crate::arch::{ArchDef, Target};

/// The GOT slots and stubs of one object.
#[derive(Debug, Clone, Default)]
pub struct Tables {
    /// GOT slot number of each symbol that has one.
    got_slots: SymbolSlots,
    /// Symbols with GOT slots, in slot order.
    pub got_symbols: Vec<usize>,
    /// Stub number of each symbol that has one.
    stubs: SymbolSlots,
    /// Symbols with stubs, in stub order.
    pub stub_symbols: Vec<usize>,
}

impl Tables {
    /// A GOT slot for each symbol a GOT-slot relocation names, and a stub
    /// (with its GOT slot) for each symbol defined outside the object
    /// that a branch names: only those can be out of reach (the object
    /// itself is far smaller than any branch range that has a stub form).
    pub fn plan(obj: &Object<'_>, def: &dyn ArchDef) -> Tables {
        let targets = def.arch().target_index();
        let placements = obj.placements();
        let mut tables = Tables::default();
        for set in obj.rela_sets() {
            for rela in set.entries {
                let (_, r_type, symbol, _) = raw_fields(rela);
                match targets.get(r_type as usize).copied().flatten() {
                    Some(Target::GotSlot) => {
                        tables.got_slots.add(symbol, &mut tables.got_symbols);
                    }
                    // Parsing checked that every relocation names a symbol
                    // of the table.
                    Some(Target::Branch)
                        if placements[symbol].section().is_none()
                            && tables.stubs.get(symbol).is_none()
                            && def.special_symbol(obj.symbol_name(symbol)).is_none() =>
                    {
                        tables.got_slots.add(symbol, &mut tables.got_symbols);
                        tables.stubs.add(symbol, &mut tables.stub_symbols);
                    }
                    _ => {}
                }
            }
        }
        tables
    }

    /// The GOT slot number of `sym`, if it has one.
    #[inline]
    pub fn got_slot_of(&self, sym: usize) -> Option<usize> {
        self.got_slots.get(sym)
    }

    /// The stub number of `sym`, if it has one.
    #[inline]
    pub fn stub_of(&self, sym: usize) -> Option<usize> {
        self.stubs.get(sym)
    }
}

/// A slot (GOT entry or stub) number per symbol that has one: (symbol,
/// slot) pairs sorted by symbol, found by binary search (a hash map lookup
/// per branch was a tenth of a small load; a vector over every symbol, an
/// allocation and fill the size of the symbol table for one slot).
#[derive(Debug, Clone, Default)]
struct SymbolSlots(Vec<(u32, u32)>);

impl SymbolSlots {
    /// The slot of `sym`, if it has one.
    fn get(&self, sym: usize) -> Option<usize> {
        let k = self
            .0
            .binary_search_by_key(&sym, |&(s, _)| s as usize)
            .ok()?;
        Some(self.0[k].1 as usize)
    }

    /// Gives `sym` the next slot (pushing it on `order`) if it has none.
    fn add(&mut self, sym: usize, order: &mut Vec<usize>) {
        if let Err(k) = self.0.binary_search_by_key(&sym, |&(s, _)| s as usize) {
            self.0.insert(k, (sym as u32, order.len() as u32));
            order.push(sym);
        }
    }
}
