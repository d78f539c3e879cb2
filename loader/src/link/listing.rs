//! Listing the symbols of a linked image: what a module looks up by name
//! and what debuggers and profilers see.

use super::elf::Placement;
use super::prepared::Prepared;
use super::symbols::{SymbolList, SymbolRef};
use crate::error::{Error, Result};

impl<'a> Prepared<'a> {
    /// Room for the symbols [`Prepared::list_symbols`] may add (noted
    /// while parsing; for a logged link, which lists local labels too,
    /// counted over the symbol table on each call). The caller gives back
    /// what is left over.
    pub(crate) fn listed_bound(&self) -> usize {
        if self.record_log {
            self.obj.listable_with_labels()
        } else {
            self.obj.listable.len()
        }
    }

    /// Appends the symbols a linked image lists, at their addresses at
    /// `base`, to `symbols`: known from the layout alone, so a batch lists
    /// every object before it links any (its name table is the list's).
    pub fn list_symbols(&self, base: u64, symbols: &mut SymbolList) -> Result<()> {
        self.list_symbols_with(base, symbols, |_, _| {})
    }

    /// [`Prepared::list_symbols`], handing each exported symbol's name and
    /// position in the list to `exported` (a batch hashes the names while
    /// they are in the cache).
    pub(crate) fn list_symbols_with(
        &self,
        base: u64,
        symbols: &mut SymbolList,
        mut exported: impl FnMut(&str, usize),
    ) -> Result<()> {
        self.check_base(base)?;
        // Room for every symbol the raw entries allow (names are looked
        // up once, while listing).
        let bound = self.listed_bound();
        if bound > SymbolList::MAX_LEN - symbols.len() {
            return Err(Error::TooManySymbols {
                arch: self.def.arch(),
                detail: format!(
                    "{} + {bound} symbols is more than the {}-symbol cap of a module",
                    symbols.len(),
                    SymbolList::MAX_LEN
                ),
            });
        }
        symbols.reserve(bound, 16 * bound);
        self.for_each_listed(base, |s, weak| {
            if s.exported {
                exported(s.name, symbols.len());
            }
            symbols.push_binding(s, weak);
        });
        Ok(())
    }

    /// Address at `base` of a symbol of the object that lies where
    /// `placement` says, of value `value` (0 if in a section that is not
    /// loaded; `None` if undefined).
    #[inline(always)]
    fn address_at(&self, base: u64, placement: Placement, value: u64) -> Option<u64> {
        match placement {
            Placement::Undefined => None,
            Placement::Absolute => Some(value),
            // In a section we do not load: only an error if used.
            Placement::NotLoaded => Some(0),
            Placement::Section(pos) => {
                Some((base + self.layout.section_offsets[pos]).wrapping_add(value))
            }
        }
    }

    /// Hands each symbol a linked image lists, at its address at `base`,
    /// and whether it is weak, to `each` (decided on the raw entries first:
    /// names are read only of symbols they do not rule out). Plain loops:
    /// as an iterator adapter the closure stopped being inlined, a call
    /// per symbol of the table.
    #[inline(always)]
    pub(super) fn for_each_listed(&self, base: u64, mut each: impl FnMut(SymbolRef<'a>, bool)) {
        if self.record_log {
            for i in 1..self.obj.symbol_count() {
                self.visit_listed(base, i, &mut each);
            }
        } else {
            // Only the symbols parsing noted as listable (of a large
            // kernel's table, about one in eight).
            for &i in &self.obj.listable {
                self.visit_listed(base, i as usize, &mut each);
            }
        }
    }

    /// [`Prepared::for_each_listed`] of symbol `i` (a method, not a
    /// closure: used by two loops, the closure was a call per symbol).
    #[inline(always)]
    fn visit_listed(&self, base: u64, i: usize, each: &mut impl FnMut(SymbolRef<'a>, bool)) {
        let Some(v) = self.obj.listing_view(i) else {
            return;
        };
        if v.placement == Placement::Undefined
            || v.kind == object::elf::STT_SECTION
            || v.kind == object::elf::STT_FILE
        {
            return;
        }
        // Listed at address 0 but never exported: a global in a section
        // that is not loaded (an empty one) names nothing callers can use.
        let exported = matches!(v.binding, object::elf::STB_GLOBAL | object::elf::STB_WEAK)
            && v.placement != Placement::NotLoaded;
        // Local labels of no type (`.LCPI3_0`, a constant-pool entry each;
        // mapping symbols `$x`) name no function or variable and are most
        // of the symbol table of a large kernel. Listed only with a log,
        // whose targets they are (parsing leaves them out of `listable`).
        if v.kind == object::elf::STT_NOTYPE && !exported && !self.record_log {
            return;
        }
        let name = v.name();
        // AArch64/RISC-V mapping symbols (`$x`, `$d.1`, local) mark code
        // and data runs for disassemblers; they name nothing. An
        // assembler-local label of a type is listed only with a log.
        if name.is_empty()
            || (name.starts_with('$') && !exported)
            || (name.starts_with(".L") && !exported && !self.record_log)
        {
            return;
        }
        each(
            SymbolRef {
                name,
                // Defined (checked above).
                address: self.address_at(base, v.placement, v.value).unwrap_or(0),
                size: v.size,
                is_function: v.kind == object::elf::STT_FUNC,
                exported,
            },
            v.binding == object::elf::STB_WEAK,
        );
    }
}
