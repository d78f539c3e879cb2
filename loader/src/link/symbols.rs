//! The symbols of a linked image: owned, borrowed, and packed in one list.

/// A symbol of the linked image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkedSymbol {
    pub name: String,
    pub address: u64,
    pub size: u64,
    pub is_function: bool,
    /// Global or weak (callers may look it up); locals are listed for
    /// debuggers and profilers.
    pub exported: bool,
}

impl LinkedSymbol {
    /// The symbol as a [`SymbolList`] yields it.
    pub fn view(&self) -> SymbolRef<'_> {
        SymbolRef {
            name: &self.name,
            address: self.address,
            size: self.size,
            is_function: self.is_function,
            exported: self.exported,
        }
    }
}

/// A symbol of a [`SymbolList`], its name borrowed from the list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SymbolRef<'a> {
    pub name: &'a str,
    pub address: u64,
    pub size: u64,
    pub is_function: bool,
    /// Global or weak (callers may look it up); locals are listed for
    /// debuggers and profilers.
    pub exported: bool,
}

impl SymbolRef<'_> {
    /// An owned copy.
    pub fn to_linked(&self) -> LinkedSymbol {
        LinkedSymbol {
            name: self.name.to_string(),
            address: self.address,
            size: self.size,
            is_function: self.is_function,
            exported: self.exported,
        }
    }
}

/// The symbols of a loaded image in two allocations: every name in one
/// string, and a 24-byte record per symbol. A `String` per symbol
/// (about 80 bytes each with its record) was half the resident memory of
/// a batch of small kernels, and its allocation a tenth of a load.
#[derive(Clone, Default)]
pub struct SymbolList {
    names: String,
    entries: Vec<SymbolEntry>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
struct SymbolEntry {
    address: u64,
    size: u64,
    /// End of the name in `names` (it starts where the previous one
    /// ends), with three flags in the top bits: a string never comes near
    /// 2^61 bytes.
    name_end_and_flags: u64,
}

const SYMBOL_FUNCTION: u64 = 1 << 63;
const SYMBOL_EXPORTED: u64 = 1 << 62;
/// Weak binding: what a batch needs to pick among definitions of a name.
const SYMBOL_WEAK: u64 = 1 << 61;
const SYMBOL_NAME_END: u64 = SYMBOL_WEAK - 1;

/// Lists are equal when they list the same symbols: the weak flag only a
/// batch keeps (to pick among definitions) is not compared.
impl PartialEq for SymbolList {
    fn eq(&self, other: &SymbolList) -> bool {
        self.names == other.names
            && self.entries.len() == other.entries.len()
            && self.entries.iter().zip(&other.entries).all(|(a, b)| {
                (a.address, a.size, a.name_end_and_flags & !SYMBOL_WEAK)
                    == (b.address, b.size, b.name_end_and_flags & !SYMBOL_WEAK)
            })
    }
}

impl Eq for SymbolList {}

impl SymbolList {
    /// The most symbols a loaded module lists (its lookup index uses
    /// 32-bit positions); a link that would pass it fails.
    pub const MAX_LEN: usize = u32::MAX as usize;

    pub fn new() -> SymbolList {
        SymbolList::default()
    }

    /// Room for `symbols` more symbols with `name_bytes` more name bytes.
    pub fn reserve(&mut self, symbols: usize, name_bytes: usize) {
        self.entries.reserve(symbols);
        self.names.reserve(name_bytes);
    }

    /// Stops exporting symbol `index` (a batch's definition that lost to
    /// another object's).
    pub(crate) fn unexport(&mut self, index: usize) {
        self.entries[index].name_end_and_flags &= !SYMBOL_EXPORTED;
    }

    /// Whether symbol `index` was pushed as weak.
    pub(crate) fn is_weak(&self, index: usize) -> bool {
        self.entries[index].name_end_and_flags & SYMBOL_WEAK != 0
    }

    pub fn push(&mut self, symbol: SymbolRef<'_>) {
        self.push_binding(symbol, false);
    }

    /// [`SymbolList::push`], noting whether the symbol is weak.
    pub(crate) fn push_binding(&mut self, symbol: SymbolRef<'_>, weak: bool) {
        self.names.push_str(symbol.name);
        let mut word = self.names.len() as u64;
        if weak {
            word |= SYMBOL_WEAK;
        }
        if symbol.is_function {
            word |= SYMBOL_FUNCTION;
        }
        if symbol.exported {
            word |= SYMBOL_EXPORTED;
        }
        self.entries.push(SymbolEntry {
            address: symbol.address,
            size: symbol.size,
            name_end_and_flags: word,
        });
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The `index`th symbol.
    pub fn get(&self, index: usize) -> Option<SymbolRef<'_>> {
        let e = self.entries.get(index)?;
        let start = match index.checked_sub(1) {
            Some(previous) => self.entries[previous].name_end_and_flags & SYMBOL_NAME_END,
            None => 0,
        };
        Some(self.view(start as usize, e))
    }

    /// The first exported symbol named `name`, by a scan that compares
    /// names only where the lengths and the last bytes are equal (no `str`
    /// slice is made per symbol; generated names share prefixes, such as
    /// `KZQ00000_f12`, and differ at the end).
    pub(crate) fn find_exported(&self, name: &str) -> Option<SymbolRef<'_>> {
        let names = self.names.as_bytes();
        let wanted = name.as_bytes();
        let last = wanted.last().copied();
        let mut start = 0;
        for (index, e) in self.entries.iter().enumerate() {
            let end = (e.name_end_and_flags & SYMBOL_NAME_END) as usize;
            if e.name_end_and_flags & SYMBOL_EXPORTED != 0
                && end.wrapping_sub(start) == wanted.len()
                && (end == start || names.get(end - 1).copied() == last)
                && names.get(start..end) == Some(wanted)
            {
                return self.get(index);
            }
            start = end;
        }
        None
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = SymbolRef<'_>> + Clone + '_ {
        let mut start = 0;
        self.entries.iter().map(move |e| {
            let s = self.view(start, e);
            start += s.name.len();
            s
        })
    }

    fn view(&self, start: usize, e: &SymbolEntry) -> SymbolRef<'_> {
        let end = (e.name_end_and_flags & SYMBOL_NAME_END) as usize;
        SymbolRef {
            name: &self.names[start..end],
            address: e.address,
            size: e.size,
            is_function: e.name_end_and_flags & SYMBOL_FUNCTION != 0,
            exported: e.name_end_and_flags & SYMBOL_EXPORTED != 0,
        }
    }

    /// Gives back spare capacity.
    pub fn shrink_to_fit(&mut self) {
        self.names.shrink_to_fit();
        self.entries.shrink_to_fit();
    }
}

impl std::fmt::Debug for SymbolList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'s> FromIterator<SymbolRef<'s>> for SymbolList {
    fn from_iter<I: IntoIterator<Item = SymbolRef<'s>>>(iter: I) -> SymbolList {
        let mut list = SymbolList::new();
        for s in iter {
            list.push(s);
        }
        list
    }
}

#[cfg(test)]
mod tests {
    use super::{LinkedSymbol, SymbolList};

    #[test]
    fn symbol_list_gives_back_what_was_pushed() {
        let symbols: Vec<LinkedSymbol> =
            [("f", true, true), ("", false, false), ("data", false, true)]
                .iter()
                .enumerate()
                .map(|(i, &(name, is_function, exported))| LinkedSymbol {
                    name: name.to_string(),
                    address: u64::MAX - i as u64,
                    size: 1 << (20 + i),
                    is_function,
                    exported,
                })
                .collect();
        let list: SymbolList = symbols.iter().map(LinkedSymbol::view).collect();
        assert_eq!(list.len(), 3);
        let back: Vec<LinkedSymbol> = list.iter().map(|s| s.to_linked()).collect();
        assert_eq!(back, symbols);
        for (i, s) in symbols.iter().enumerate() {
            assert_eq!(list.get(i), Some(s.view()));
        }
        assert_eq!(list.get(3), None);
    }

    #[test]
    fn find_exported_gives_the_first_exported_symbol_of_the_name() {
        let list: SymbolList = [
            ("ab", false, 1),
            ("abc", true, 2),
            ("ab", true, 3),
            ("a", true, 4),
            ("ab", true, 5),
        ]
        .iter()
        .map(|&(name, exported, address)| super::SymbolRef {
            name,
            address,
            size: 0,
            is_function: false,
            exported,
        })
        .collect();
        let found = |name| list.find_exported(name).map(|s| s.address);
        // A local of the name and a longer name sharing its prefix come
        // first; of two exported ones the first is found.
        assert_eq!(found("ab"), Some(3));
        assert_eq!(found("abc"), Some(2));
        assert_eq!(found("a"), Some(4));
        assert_eq!(found("b"), None);
        assert_eq!(found(""), None);
        for name in ["ab", "abc", "a", "b", ""] {
            let scanned = list.iter().find(|s| s.exported && s.name == name);
            assert_eq!(list.find_exported(name), scanned, "{name}");
        }
    }
}
