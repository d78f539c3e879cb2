//! The pure link step: object bytes + architecture + base address +
//! resolver -> relocated image, symbol table and relocation log.
//!
//! Nothing here touches memory protections or executes code, so every
//! architecture links (and is tested) on any host. [`crate::Module`] maps the
//! result; tests link at a fixed base and check the patched fields.
#![forbid(unsafe_code)]

mod elf;
mod layout;
mod log;

pub use elf::SectionClass;
pub use layout::{Protection, Segment, MAX_IMAGE_SIZE};
pub use log::{RelocRecord, TargetDesc};

use crate::arch::{
    Accumulate, Action, Arch, ArchDef, DirectWord, Formula, Place, RelocKind, SpecialSymbol, Target,
};
use crate::bits::{EncodeError, Encoding};
use crate::error::{Error, Result};
use crate::resolve::Resolver;
use elf::{Object, Reloc, SymbolDef};
use layout::Layout;

/// Settings of the link step.
#[derive(Clone, Debug)]
pub struct LinkOptions {
    /// Page size the protection groups are aligned to.
    pub page_size: u64,
    /// Record a [`RelocRecord`] per relocation (costs an allocation or two
    /// per relocation; off on the fast load path). Also lists the
    /// assembler-local `.L` labels the log refers to among
    /// [`LinkOutput::symbols`].
    pub record_log: bool,
    /// Give read-only data and the GOT their own read-only pages, apart
    /// from the code. Off, they follow the code in its read + execute
    /// pages: one page and one protection change fewer per image (a third
    /// of the time of a small load), at the price of constants that are
    /// executable (never writable: W^X holds either way).
    pub separate_read_only: bool,
}

impl Default for LinkOptions {
    /// The layout of the relocation snapshots: 64 KiB pages, a log, and
    /// read-only data apart from the code.
    fn default() -> Self {
        LinkOptions {
            page_size: 0x1_0000,
            record_log: true,
            separate_read_only: true,
        }
    }
}

impl LinkOptions {
    /// What a load into this process uses by default: the host's pages,
    /// no log, read-only data with the code.
    pub fn host() -> LinkOptions {
        LinkOptions {
            page_size: crate::memory::page_size(),
            record_log: false,
            separate_read_only: false,
        }
    }
}

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

/// A parsed, laid-out object waiting for its base address.
#[derive(Debug)]
pub struct Prepared<'a> {
    obj: Object<'a>,
    layout: Layout,
    def: &'static dyn ArchDef,
    record_log: bool,
    /// Each pair-high relocation's place (image offset) and number,
    /// sorted by place, stably: the last of equal places wins (a SipHash
    /// map was most of a RISC-V link).
    pair_highs: Vec<(u64, usize)>,
    /// The arch's relocation kinds by type (`None`: unknown or refused).
    kinds: &'static [Option<&'static RelocKind>],
    /// The arch picks a relocation's encoding from the instruction.
    encoding_from_code: bool,
    /// Branches to symbols defined outside the object always take stubs.
    external_calls_need_stub: bool,
}

impl std::fmt::Debug for dyn ArchDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.arch())
    }
}

/// Where a section of the object was placed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkedSection {
    pub name: String,
    pub address: u64,
    pub size: u64,
    pub class: SectionClass,
}

/// What [`Prepared::link_into`] produces besides the image bytes.
#[derive(Clone, Debug)]
pub struct LinkOutput {
    pub symbols: Vec<LinkedSymbol>,
    pub sections: Vec<LinkedSection>,
    /// Each GOT slot: the symbol it holds and the slot's address.
    pub got: Vec<(String, u64)>,
    /// Each stub: the symbol it jumps to and the stub's address.
    pub stubs: Vec<(String, u64)>,
    pub log: Vec<RelocRecord>,
    pub segments: Vec<Segment>,
    /// GOT base address (`_GLOBAL_OFFSET_TABLE_`).
    pub got_base: u64,
}

/// A relocated image in an ordinary buffer (see [`link`]).
#[derive(Clone)]
pub struct LinkedImage {
    pub arch: Arch,
    pub base: u64,
    pub bytes: Vec<u8>,
    pub output: LinkOutput,
}

impl std::fmt::Debug for LinkedImage {
    /// Everything but the bytes, which would drown the rest.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LinkedImage")
            .field("arch", &self.arch)
            .field("base", &format_args!("{:#x}", self.base))
            .field("bytes", &format_args!("[{} bytes]", self.bytes.len()))
            .field("output", &self.output)
            .finish()
    }
}

impl LinkedImage {
    /// Address of an exported symbol.
    pub fn symbol(&self, name: &str) -> Option<u64> {
        self.output
            .symbols
            .iter()
            .find(|s| s.exported && s.name == name)
            .map(|s| s.address)
    }

    /// The bytes at an absolute address of the image.
    pub fn bytes_at(&self, address: u64, len: usize) -> Option<&[u8]> {
        let start = usize::try_from(address.checked_sub(self.base)?).ok()?;
        self.bytes.get(start..start.checked_add(len)?)
    }
}

/// Parses, lays out, and links `object` at `base` into a new buffer.
pub fn link(
    object: &[u8],
    arch: Arch,
    base: u64,
    resolver: &dyn Resolver,
    options: &LinkOptions,
) -> Result<LinkedImage> {
    let prepared = Prepared::new(object, arch, options)?;
    let mut bytes = vec![0u8; prepared.image_size()];
    let output = prepared.link_into(base, &mut bytes, resolver)?;
    Ok(LinkedImage {
        arch,
        base,
        bytes,
        output,
    })
}

impl<'a> Prepared<'a> {
    /// Parses `object` and plans its layout.
    pub fn new(object: &'a [u8], arch: Arch, options: &LinkOptions) -> Result<Prepared<'a>> {
        let def = arch.def();
        let mut p = Prepared::unplanned(Object::parse(object, arch)?, def, options);
        let layout = Layout::plan(&p.obj, def, options.page_size, options.separate_read_only)?;
        p.set_layout(layout);
        Ok(p)
    }

    /// Parses several objects and plans ONE image for all of them (see
    /// `layout::Layout::plan_many`): the code of every object, then the
    /// read-only data of every object, then the writable data. Each
    /// returned `Prepared` links its own object into the common image:
    /// call [`Prepared::link_into`] on each with the same base and buffer
    /// (all report the same `image_size`, `image_align` and `segments`).
    pub fn batch(
        objects: &[&'a [u8]],
        arch: Arch,
        options: &LinkOptions,
    ) -> Result<Vec<Prepared<'a>>> {
        let def = arch.def();
        // Each object parsed straight into its `Prepared` (a vector of
        // objects moved into a vector of `Prepared`s was a megabyte of
        // heap a thousand kernels, faulted in again on every batch), the
        // layouts filled in once every object is known.
        let mut prepared = objects
            .iter()
            .enumerate()
            .map(|(k, o)| {
                if let Some(next) = objects.get(k + 2) {
                    crate::memory::prefetch(next);
                }
                let obj = Object::parse(o, arch)?;
                Ok(Prepared::unplanned(obj, def, options))
            })
            .collect::<Result<Vec<_>>>()?;
        let plan: Vec<&Object<'_>> = prepared.iter().map(|p| &p.obj).collect();
        let layouts = Layout::plan_many(&plan, def, options.page_size, options.separate_read_only)?;
        for (p, layout) in prepared.iter_mut().zip(layouts) {
            p.set_layout(layout);
        }
        Ok(prepared)
    }

    /// `obj` with no layout yet (see [`Prepared::set_layout`]).
    fn unplanned(
        obj: Object<'a>,
        def: &'static dyn ArchDef,
        options: &LinkOptions,
    ) -> Prepared<'a> {
        Prepared {
            obj,
            layout: Layout::default(),
            def,
            record_log: options.record_log,
            pair_highs: Vec::new(),
            kinds: def.arch().kind_index(),
            encoding_from_code: def.encoding_from_code(),
            external_calls_need_stub: def.external_calls_need_stub(),
        }
    }

    /// Places the object by `layout`.
    fn set_layout(&mut self, layout: Layout) {
        self.pair_highs = self.pair_highs_at(&layout);
        self.layout = layout;
    }

    /// The places (image offsets under `layout`) and numbers of the
    /// pair-high relocations, sorted by place (see `pair_highs`).
    fn pair_highs_at(&self, layout: &Layout) -> Vec<(u64, usize)> {
        let mut pair_highs = Vec::new();
        if self.def.tables().kinds.iter().any(|k| k.is_pair_high) {
            for (i, r) in self.obj.relocs().enumerate() {
                if kind_of(self.kinds, r.r_type).is_some_and(|k| k.is_pair_high) {
                    pair_highs.push((layout.section_offsets[r.section].wrapping_add(r.offset), i));
                }
            }
            pair_highs.sort_by_key(|&(place, _)| place);
        }
        pair_highs
    }

    /// Address at `base` of a symbol defined by the object, from where it
    /// lies and its value (`None` if undefined; 0 if in a section that is
    /// not loaded).
    #[inline(always)]
    fn address_at(&self, base: u64, placement: elf::Placement, value: u64) -> Option<u64> {
        match placement {
            elf::UNDEFINED => None,
            elf::ABSOLUTE => Some(value),
            // In a section we do not load: only an error if used.
            elf::NOT_LOADED => Some(0),
            pos => Some(self.section_address(base, pos).wrapping_add(value)),
        }
    }

    /// The address at `base` of the loaded section at `pos`.
    #[inline(always)]
    fn section_address(&self, base: u64, pos: elf::Placement) -> u64 {
        base + self.layout.section_offsets[pos as usize]
    }

    /// Room for the symbols [`Prepared::list_symbols`] may add (noted
    /// while parsing; for a logged link, which lists local labels too,
    /// counted over the symbol table on each call). The caller gives back
    /// what is left over.
    pub fn listed_bound(&self) -> usize {
        if self.record_log {
            self.obj.listable_with_labels()
        } else {
            self.obj.listable.len()
        }
    }

    /// The pair-high relocation whose place is image offset `at`.
    fn pair_high_at(&self, at: u64) -> Option<usize> {
        let end = self.pair_highs.partition_point(|&(place, _)| place <= at);
        let &(place, index) = self.pair_highs.get(end.checked_sub(1)?)?;
        (place == at).then_some(index)
    }

    /// Bytes the image needs.
    pub fn image_size(&self) -> usize {
        self.layout.size as usize
    }

    /// Bytes from the image start to the end of the last thing the link
    /// writes (section contents, GOT, stubs; `.bss` is left as it is): the
    /// pages a loader may fault in ahead.
    pub fn written_len(&self) -> usize {
        let l = &self.layout;
        let sections = self
            .obj
            .sections
            .iter()
            .zip(&l.section_offsets)
            .filter(|(s, _)| s.data.is_some())
            .map(|(s, &off)| off + s.size);
        let got = l.got_offset + 8 * l.got_symbols.len() as u64;
        let stubs = l.stub_offset + l.stub_size * l.stub_symbols.len() as u64;
        sections.chain([got, stubs]).max().unwrap_or(0) as usize
    }

    /// Alignment the base address must have.
    pub fn image_align(&self) -> u64 {
        self.layout.align
    }

    /// Names of the symbols the object references but does not define
    /// (excluding the ABI's linker-defined ones such as `.TOC.`).
    pub fn undefined_symbols(&self) -> Vec<&'a str> {
        let used = self.used_undefined();
        self.obj
            .undefined
            .iter()
            .zip(used)
            .filter(|&(_, used)| used)
            .map(|(&i, _)| self.obj.symbol_name(i))
            .filter(|name| !name.is_empty() && self.def.special_symbol(name).is_none())
            .collect()
    }

    /// Whether a relocation uses each of `obj.undefined`.
    fn used_undefined(&self) -> Vec<bool> {
        let undefined = &self.obj.undefined;
        let mut used = vec![false; undefined.len()];
        if undefined.is_empty() {
            return used;
        }
        for r in self.obj.relocs() {
            if self.obj.placement(r.symbol) == elf::UNDEFINED {
                // `undefined` is sorted: the symbols in table order.
                if let Ok(k) = undefined.binary_search(&r.symbol) {
                    used[k] = true;
                }
            }
        }
        used
    }

    /// The protection groups, as offsets from the base.
    pub fn segments(&self) -> &[Segment] {
        &self.layout.segments
    }

    /// Copies the sections into `image` (which must be `image_size()` bytes
    /// and must be zeroed where `.bss` goes), fills GOT and stubs, and
    /// applies every relocation as if `image` were at address `base`.
    pub fn link_into(
        &self,
        base: u64,
        image: &mut [u8],
        resolver: &dyn Resolver,
    ) -> Result<LinkOutput> {
        let mut log = Vec::new();
        let ctx = self.relocate(base, image, resolver, &mut log)?;
        let mut symbols = Vec::new();
        self.for_each_listed(base, |s, _| symbols.push(s.to_linked()));
        let l = &self.layout;
        let name = |sym: usize| self.obj.symbol_name(sym).to_string();
        Ok(LinkOutput {
            symbols,
            sections: self
                .obj
                .sections
                .iter()
                .zip(&l.section_offsets)
                .map(|(s, &off)| LinkedSection {
                    name: s.name.to_string(),
                    address: base + off,
                    size: s.size,
                    class: s.class,
                })
                .collect(),
            got: l
                .got_symbols
                .iter()
                .map(|&sym| (name(sym), ctx.got_slot(sym)))
                .collect(),
            stubs: l
                .stub_symbols
                .iter()
                .filter_map(|&sym| Some((name(sym), ctx.stub(sym)?)))
                .collect(),
            log,
            segments: l.segments.to_vec(),
            got_base: base + l.got_offset,
        })
    }

    /// [`Prepared::link_into`] keeping only what a loaded module keeps,
    /// appended to its lists: the symbols and the log (the section, GOT
    /// and stub lists cost an allocation per name, a fifth of a small
    /// load; a batch appends every object to the same lists).
    pub fn link_for_module(
        &self,
        base: u64,
        image: &mut [u8],
        resolver: &dyn Resolver,
        symbols: &mut SymbolList,
        log: &mut Vec<RelocRecord>,
    ) -> Result<()> {
        self.relocate(base, image, resolver, log)?;
        self.list_symbols(base, symbols)
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
            return Err(Error::Unsupported {
                arch: self.def.arch(),
                what: "symbol count",
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

    /// Refuses a base the image cannot be placed at: where it would pass
    /// the end of the address space, or not aligned as its sections need.
    fn check_base(&self, base: u64) -> Result<()> {
        let arch = self.def.arch();
        if base.checked_add(self.layout.size).is_none() {
            return Err(Error::Unsupported {
                arch,
                what: "base address",
                detail: format!(
                    "{base:#x} + {:#x} bytes overflows the address space",
                    self.layout.size
                ),
            });
        }
        if base % self.layout.align != 0 {
            return Err(Error::Unsupported {
                arch,
                what: "base address",
                detail: format!("{base:#x} is not aligned to {:#x}", self.layout.align),
            });
        }
        Ok(())
    }

    /// Relocates the object into `image` at `base` (see
    /// [`Prepared::link_into`]) and appends its log records to `log`,
    /// listing nothing.
    pub fn relocate_into(
        &self,
        base: u64,
        image: &mut [u8],
        resolver: &dyn Resolver,
        log: &mut Vec<RelocRecord>,
    ) -> Result<()> {
        self.relocate(base, image, resolver, log).map(drop)
    }

    /// The work of [`Prepared::link_into`]: checks, copies, GOT, stubs,
    /// relocations, symbols.
    fn relocate(
        &self,
        base: u64,
        image: &mut [u8],
        resolver: &dyn Resolver,
        log: &mut Vec<RelocRecord>,
    ) -> Result<Ctx<'_, 'a>> {
        let arch = self.def.arch();
        if image.len() != self.image_size() {
            return Err(Error::Unsupported {
                arch,
                what: "image buffer",
                detail: format!("{} bytes given, {} needed", image.len(), self.image_size()),
            });
        }
        self.check_base(base)?;
        let l = &self.layout;
        for (s, &off) in self.obj.sections.iter().zip(&l.section_offsets) {
            let dst = &mut image[off as usize..(off + s.size) as usize];
            // `.bss` is left alone: the buffer is zeroed already (a fresh
            // mapping, or `link`'s vec), and writing zeros would fault in
            // a page nothing else touches until the kernel runs.
            if let Some(d) = s.data {
                dst.copy_from_slice(d);
            }
        }

        let ctx = Ctx::new(self, base, resolver)?;
        for (slot, &sym) in l.got_symbols.iter().enumerate() {
            let at = (l.got_offset + 8 * slot as u64) as usize;
            image[at..at + 8].copy_from_slice(&ctx.symbol_address(sym).to_le_bytes());
        }
        for (i, &sym) in l.stub_symbols.iter().enumerate() {
            let at = l.stub_offset + l.stub_size * i as u64;
            let code = &mut image[at as usize..(at + l.stub_size) as usize];
            self.def
                .write_stub(code, base + at, ctx.got_slot(sym), ctx.symbol_address(sym));
        }

        // Logged links take the general path for every relocation.
        let direct: &[Option<DirectWord>] = if self.record_log {
            log.reserve(self.obj.reloc_count());
            &[]
        } else {
            self.def.arch().direct_index()
        };
        let run = DirectRun {
            base,
            direct,
            placements: self.obj.placements(),
            section_offsets: &l.section_offsets,
        };
        for set in self.obj.rela_sets() {
            let section_start = l.section_offsets[set.section];
            let section_size = self.obj.sections[set.section].size;
            let mut k = 0;
            while let Some(rela) = set.entries.get(k) {
                // The direct path up to the first relocation it leaves to
                // the general path (a loop of its own: the general path's
                // state no longer crowds its registers), entered only at a
                // type it may apply: runs of general-path relocations
                // (ppc64, RISC-V pair lows) skip its setup.
                if run.may_apply(rela) {
                    k += run.apply(&set.entries[k..], section_start, section_size, image);
                }
                let Some(rela) = set.entries.get(k) else {
                    break;
                };
                ctx.apply_raw(set.first + k, rela, set.section, image, log)?;
                k += 1;
            }
        }

        Ok(ctx)
    }

    /// Hands each symbol a linked image lists, at its address at `base`,
    /// and whether it is weak, to `each` (decided on the raw entries first:
    /// names are read only of symbols they do not rule out). Plain loops:
    /// as an iterator adapter the closure stopped being inlined, a call
    /// per symbol of the table.
    #[inline(always)]
    fn for_each_listed(&self, base: u64, mut each: impl FnMut(SymbolRef<'a>, bool)) {
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
        if v.placement == elf::UNDEFINED
            || v.kind == object::elf::STT_SECTION
            || v.kind == object::elf::STT_FILE
        {
            return;
        }
        // Listed at address 0 but never exported: a global in a section
        // that is not loaded (an empty one) names nothing callers can use.
        let exported = matches!(v.binding, object::elf::STB_GLOBAL | object::elf::STB_WEAK)
            && v.placement != elf::NOT_LOADED;
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

/// The kind of relocation type `r_type` in an arch's kind index.
#[inline]
pub(crate) fn kind_of(
    kinds: &'static [Option<&'static RelocKind>],
    r_type: u32,
) -> Option<&'static RelocKind> {
    kinds.get(r_type as usize).copied().flatten()
}

/// What the direct path (see [`DirectWord`]) reads, hoisted out of the
/// relocation loop.
struct DirectRun<'t> {
    base: u64,
    /// The arch's direct kinds by type (empty: none, as for a logged link).
    direct: &'t [Option<DirectWord>],
    placements: &'t [elf::Located],
    section_offsets: &'t [u64],
}

impl DirectRun<'_> {
    /// Whether `rela`'s type has a direct kind.
    #[inline(always)]
    fn may_apply(&self, rela: &elf::RawRela) -> bool {
        let (_, r_type, _, _) = elf::raw_fields(rela);
        matches!(self.direct.get(r_type as usize), Some(Some(_)))
    }

    /// Applies relocations of `entries` (of the section at image offset
    /// `section_start`, `section_size` bytes) in order by the direct path
    /// while they are cases of it; answers how many it applied. A case: a
    /// symbol of the object (or absolute, unless a branch), the field
    /// inside its section, the value in range. The first relocation that
    /// is not one is left as it is, for the general path, which applies
    /// it or reports why it cannot.
    #[inline(never)]
    fn apply(
        &self,
        entries: &[elf::RawRela],
        section_start: u64,
        section_size: u64,
        image: &mut [u8],
    ) -> usize {
        // The section's bytes: a field in them is in bounds by one check.
        let Some(section) = usize::try_from(section_start)
            .ok()
            .zip(usize::try_from(section_size).ok())
            .and_then(|(start, size)| image.get_mut(start..start.checked_add(size)?))
        else {
            return 0;
        };
        let section_address = self.base.wrapping_add(section_start);
        let mut rest = entries;
        while let Some((rela, tail)) = rest.split_first() {
            if !self.apply_one(rela, section_address, section) {
                break;
            }
            rest = tail;
        }
        entries.len() - rest.len()
    }

    /// `S` of `symbol` for `word` if the direct path may apply it: a
    /// symbol of the object (not a branch to a local entry point, which
    /// the arch decides), or an absolute one if `absolute` and not a
    /// branch.
    #[inline(always)]
    fn target(&self, word: &DirectWord, symbol: usize, absolute: bool) -> Option<u64> {
        let sym = self.placements.get(symbol)?;
        // A loaded section's position is below the codes (UNDEFINED,
        // ABSOLUTE, NOT_LOADED): one lookup tells both.
        if let Some(&section) = self.section_offsets.get(sym.placement as usize) {
            if word.branch && sym.other != 0 {
                return None;
            }
            Some(self.base.wrapping_add(section).wrapping_add(sym.value))
        } else if absolute && sym.placement == elf::ABSOLUTE && !word.branch {
            Some(sym.value)
        } else {
            None
        }
    }

    /// [`DirectRun::apply_one`] of a `pc_relative_i32` word: the same
    /// checks, fewer of them left to make at run time.
    #[inline(always)]
    fn apply_pc_relative_i32(
        &self,
        word: &DirectWord,
        offset: u64,
        symbol: usize,
        addend: i64,
        section_address: u64,
        section: &mut [u8],
    ) -> bool {
        // Absolute symbols are left to the general path (rare).
        let Some(s) = self.target(word, symbol, false) else {
            return false;
        };
        let place = section_address.wrapping_add(offset);
        let value = s.wrapping_add(addend as u64).wrapping_sub(place) as i64;
        let Ok(value) = i32::try_from(value) else {
            return false;
        };
        let Some(field) = usize::try_from(offset)
            .ok()
            .and_then(|at| section.get_mut(at..))
            .and_then(|rest| rest.first_chunk_mut::<4>())
        else {
            return false;
        };
        *field = value.to_le_bytes();
        true
    }

    #[inline(always)]
    fn apply_one(&self, rela: &elf::RawRela, section_address: u64, section: &mut [u8]) -> bool {
        let (offset, r_type, symbol, addend) = elf::raw_fields(rela);
        let Some(Some(word)) = self.direct.get(r_type as usize) else {
            return false;
        };
        if word.pc_relative_i32 {
            return self.apply_pc_relative_i32(
                word,
                offset,
                symbol,
                addend,
                section_address,
                section,
            );
        }
        if word.skip {
            // The general path reports an offset past the section.
            return offset <= section.len() as u64;
        }
        let Some(s) = self.target(word, symbol, true) else {
            return false;
        };
        let Ok(at) = usize::try_from(offset) else {
            return false;
        };
        let place = section_address.wrapping_add(offset);
        let target = s.wrapping_add(addend as u64);
        let value = if let Some(bias) = word.page_bias {
            page_delta(target, bias, place)
        } else if word.pc_relative {
            target.wrapping_sub(place)
        } else {
            target
        } as i64;
        // Both writers check that the field lies in the section.
        if let Some(fields) = word.fields {
            // Checks range and alignment before it writes anything.
            return fields.write(section, at, value).is_ok();
        }
        if value < word.min || value > word.max {
            return false;
        }
        crate::bits::store_word(section, at, word.bytes, value)
    }
}

/// How a relocation reached its target: cheap to return on the load path;
/// turned into a [`TargetDesc`] only when a log is kept.
#[derive(Clone, Copy, Debug)]
enum Reached {
    Nothing,
    Symbol(usize),
    GotSlot(usize),
    Stub(usize),
    GotBase,
    TocBase,
    /// The low part of a pair: through the high relocation with this index.
    Paired(usize),
}

/// Everything known once the base address is.
struct Ctx<'p, 'a> {
    p: &'p Prepared<'a>,
    base: u64,
    /// Address of each undefined symbol a relocation uses, by symbol
    /// number (sorted).
    resolved: Vec<(usize, u64)>,
    /// `_GLOBAL_OFFSET_TABLE_`.
    got_base: u64,
    /// ppc64 `.TOC.` (the GOT base where the ABI has no TOC).
    toc_base: u64,
}

impl<'p, 'a> Ctx<'p, 'a> {
    fn new(p: &'p Prepared<'a>, base: u64, resolver: &dyn Resolver) -> Result<Ctx<'p, 'a>> {
        let obj = &p.obj;
        let got_base = base + p.layout.got_offset;
        let toc_base = p.def.toc_bias().map(|b| got_base + b);
        let mut ctx = Ctx {
            p,
            base,
            resolved: Vec::new(),
            got_base,
            toc_base: toc_base.unwrap_or(got_base),
        };
        // Resolve each undefined symbol that a relocation uses, once.
        let used = p.used_undefined();
        for (&i, used) in obj.undefined.iter().zip(used) {
            if !used {
                continue;
            }
            let name = obj.symbol_name(i);
            let address = match p.def.special_symbol(name) {
                Some(SpecialSymbol::GotBase) => got_base,
                Some(SpecialSymbol::TocBase) => ctx.toc_base,
                None => match resolver.resolve(name) {
                    Some(a) => a,
                    None => {
                        let r = obj.relocs().find(|r| r.symbol == i);
                        let (section, offset) =
                            r.map_or(("?", 0), |r| (obj.sections[r.section].name, r.offset));
                        return Err(Error::UndefinedSymbol {
                            arch: p.def.arch(),
                            symbol: name.to_string(),
                            section: section.to_string(),
                            offset,
                        });
                    }
                },
            };
            ctx.resolved.push((i, address));
        }
        Ok(ctx)
    }

    /// Where symbol `sym` lies and its address (0 for an undefined one
    /// no relocation uses, or one in a section that is not loaded).
    #[inline(always)]
    fn locate(&self, sym: usize) -> (elf::Placement, u64) {
        let placement = self.p.obj.placement(sym);
        let address = self
            .p
            .address_at(self.base, placement, self.p.obj.value(sym))
            .unwrap_or_else(|| {
                self.resolved
                    .binary_search_by_key(&sym, |&(i, _)| i)
                    .map_or(0, |k| self.resolved[k].1)
            });
        (placement, address)
    }

    /// [`Ctx::apply`] of the raw relocation `rela` of section `section`.
    #[inline(never)]
    fn apply_raw(
        &self,
        index: usize,
        rela: &elf::RawRela,
        section: usize,
        image: &mut [u8],
        log: &mut Vec<RelocRecord>,
    ) -> Result<()> {
        self.apply(index, &elf::decode(rela, section), image, log)
    }

    /// The address of symbol `sym` (see [`Ctx::locate`]).
    fn symbol_address(&self, sym: usize) -> u64 {
        self.locate(sym).1
    }

    /// The address of `sym`'s GOT slot (planned by the layout for every
    /// symbol a GOT-slot relocation names).
    fn got_slot(&self, sym: usize) -> u64 {
        let l = &self.p.layout;
        let slot = l.got_slot_of(sym).unwrap_or(0);
        self.base + l.got_offset + 8 * slot as u64
    }

    fn stub(&self, sym: usize) -> Option<u64> {
        let l = &self.p.layout;
        l.stub_of(sym)
            .map(|i| self.base + l.stub_offset + l.stub_size * i as u64)
    }

    #[cold]
    fn describe(&self, index: usize) -> (Arch, String, String, u64) {
        let obj = &self.p.obj;
        let r = obj.reloc(index);
        (
            self.p.def.arch(),
            obj.symbol_name(r.symbol).to_string(),
            obj.sections[r.section].name.to_string(),
            r.offset,
        )
    }

    #[cold]
    fn bad(&self, index: usize, problem: String) -> Error {
        let (arch, symbol, section, offset) = self.describe(index);
        let r = self.p.obj.reloc(index);
        Error::BadRelocation {
            arch,
            type_name: arch.reloc_name(r.r_type).unwrap_or("?").to_string(),
            symbol,
            section,
            offset,
            problem,
        }
    }

    #[cold]
    fn encode_error(&self, index: usize, name: &'static str, e: EncodeError) -> Error {
        let (arch, symbol, section, offset) = self.describe(index);
        match e {
            EncodeError::Range { value, .. } | EncodeError::Align { value, .. } => {
                Error::RelocationOverflow {
                    arch,
                    type_name: name,
                    symbol,
                    section,
                    offset,
                    value,
                    problem: e.describe(),
                }
            }
            EncodeError::OutOfBounds { .. } => self.bad(index, e.describe()),
        }
    }

    #[cold]
    fn unsupported(&self, index: usize) -> Error {
        let r = self.p.obj.reloc(index);
        let (arch, symbol, section, offset) = self.describe(index);
        let type_name = match self.p.def.refused(r.r_type) {
            Some((name, why)) => format!("{name} ({why})"),
            None => "unknown type".to_string(),
        };
        Error::UnsupportedRelocation {
            arch,
            r_type: r.r_type,
            type_name,
            symbol,
            section,
            offset,
        }
    }

    /// The value relocation `index` (`r`) computes, and how its target
    /// was reached: for pairs and logs (the apply loop calls
    /// [`Ctx::value_of`] with what it knows already).
    fn value(&self, index: usize, r: &Reloc, depth: u32) -> Result<(i64, Reached)> {
        let p = self.p;
        let Some(kind) = kind_of(p.kinds, r.r_type) else {
            return Err(self.bad(index, "unknown relocation type".into()));
        };
        let Action::Patch {
            target,
            formula,
            encoding,
            ..
        } = kind.action
        else {
            return Ok((0, Reached::Nothing));
        };
        let place = (self.base + p.layout.section_offsets[r.section]).wrapping_add(r.offset);
        self.value_of(index, r, target, formula, encoding, place, depth)
    }

    /// The value of relocation `index` (`r`, of the given target, formula
    /// and encoding) at `place`, and how its target was reached.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    fn value_of(
        &self,
        index: usize,
        r: &Reloc,
        target: Target,
        formula: Formula,
        encoding: &Encoding,
        place: u64,
        depth: u32,
    ) -> Result<(i64, Reached)> {
        let p = self.p;
        let (placement, s) = self.locate(r.symbol);
        if placement == elf::NOT_LOADED {
            return Err(self.bad(index, "refers to a section that is not loaded".to_string()));
        }
        let (t, reached) = match target {
            Target::Symbol => (s, Reached::Symbol(r.symbol)),
            Target::GotSlot => (self.got_slot(r.symbol), Reached::GotSlot(r.symbol)),
            Target::GotBase => (self.got_base, Reached::GotBase),
            Target::TocBase => (self.toc_base, Reached::TocBase),
            Target::Branch => {
                // A loaded section's position, not one of the codes.
                let defined_here = placement < elf::NOT_LOADED;
                if defined_here {
                    // `st_other` 0 is one entry point on every ABI; only
                    // symbols defined elsewhere have stubs.
                    let other = p.obj.other(r.symbol);
                    let direct = if other != 0 {
                        s.wrapping_add(p.def.local_entry_offset(other))
                    } else {
                        s
                    };
                    (direct, Reached::Symbol(r.symbol))
                } else {
                    let stub = self.stub(r.symbol);
                    let use_stub = match stub {
                        Some(_) if p.external_calls_need_stub => true,
                        Some(_) => {
                            let v = compute(formula, s, r.addend, place, self);
                            // Only reach decides: a misaligned target is an
                            // error below, not a reason to take the stub.
                            matches!(encoding.check(v), Err(EncodeError::Range { .. }))
                        }
                        None => false,
                    };
                    match (use_stub, stub) {
                        (true, Some(stub)) => (stub, Reached::Stub(r.symbol)),
                        _ => (s, Reached::Symbol(r.symbol)),
                    }
                }
            }
            Target::PairedHigh => return self.paired_value(index, r, s, depth),
        };
        Ok((compute(formula, t, r.addend, place, self), reached))
    }

    /// The value of a low-part relocation: that of the high-part
    /// relocation at its symbol's address.
    #[inline(never)]
    fn paired_value(&self, index: usize, r: &Reloc, s: u64, depth: u32) -> Result<(i64, Reached)> {
        let at = s.wrapping_sub(self.base);
        let Some(high) = self.p.pair_high_at(at) else {
            return Err(self.bad(
                index,
                format!(
                    "no paired high-part relocation at {}",
                    self.desc_symbol(r.symbol)
                ),
            ));
        };
        if depth > 0 {
            return Err(self.bad(index, "paired relocation points at another low part".into()));
        }
        let (v, _) = self.value(high, &self.p.obj.reloc(high), depth + 1)?;
        Ok((v, Reached::Paired(high)))
    }

    /// The log's description of how a relocation reached its target.
    fn describe_reached(&self, reached: Reached) -> Result<TargetDesc> {
        let name = |sym: usize| self.p.obj.symbol_name(sym).to_string();
        Ok(match reached {
            Reached::Nothing => TargetDesc::None,
            Reached::Symbol(sym) => self.desc_symbol(sym),
            Reached::GotSlot(sym) => TargetDesc::GotSlot(name(sym)),
            Reached::Stub(sym) => TargetDesc::Stub(name(sym)),
            Reached::GotBase => TargetDesc::GotBase,
            Reached::TocBase => TargetDesc::TocBase,
            Reached::Paired(high) => {
                let (_, inner) = self.value(high, &self.p.obj.reloc(high), 1)?;
                TargetDesc::Paired(Box::new(self.describe_reached(inner)?))
            }
        })
    }

    fn desc_symbol(&self, sym: usize) -> TargetDesc {
        let obj = &self.p.obj;
        let s = obj.symbol(sym);
        match (s.def, obj.symbol_section(sym)) {
            (SymbolDef::Section { value, .. }, Some(pos)) => TargetDesc::Defined {
                symbol: (!s.is_section()).then(|| s.name.to_string()),
                section: obj.sections[pos].name.to_string(),
                offset: value,
            },
            (SymbolDef::Absolute(v), _) => TargetDesc::Absolute(v),
            _ => match self.p.def.special_symbol(s.name) {
                Some(SpecialSymbol::GotBase) => TargetDesc::GotBase,
                Some(SpecialSymbol::TocBase) => TargetDesc::TocBase,
                None => TargetDesc::External(s.name.to_string()),
            },
        }
    }

    /// Applies relocation `index` to `image`, and logs it if asked.
    /// (Pushing here rather than returning the record keeps the large
    /// `Result<Option<RelocRecord>>` off the per-relocation path.)
    // The general path, out of line: inlined, it crowded the direct
    // path's loop (spills).
    #[inline(never)]
    fn apply(
        &self,
        index: usize,
        r: &Reloc,
        image: &mut [u8],
        log: &mut Vec<RelocRecord>,
    ) -> Result<()> {
        let p = self.p;
        let Some(kind) = kind_of(p.kinds, r.r_type) else {
            return Err(self.unsupported(index));
        };
        let section_size = p.obj.sections[r.section].size;
        let section_start = p.layout.section_offsets[r.section];
        let (target, formula, encoding, accumulate) = match kind.action {
            Action::Patch {
                target,
                formula,
                encoding,
                accumulate,
            } => (target, formula, encoding, accumulate),
            Action::Skip => {
                if r.offset > section_size {
                    return Err(self.bad(index, "offset lies outside its section".into()));
                }
                if p.record_log {
                    log.push(self.record(index, kind.name, TargetDesc::None, 0, &[], &[]));
                }
                return Ok(());
            }
        };
        let encoding = if p.encoding_from_code {
            let code = usize::try_from(section_start.saturating_add(r.offset))
                .ok()
                .and_then(|from| image.get(from..(section_start + section_size) as usize))
                .unwrap_or(&[]);
            p.def.encoding_at(r.r_type, encoding, code)
        } else {
            encoding
        };
        let span = encoding.span();
        if r.offset.saturating_add(span as u64) > section_size {
            return Err(self.bad(
                index,
                format!(
                    "a {span}-byte field at offset {:#x} lies outside the {section_size}-byte section",
                    r.offset
                ),
            ));
        }
        // In bounds of the section (checked above), so of the image.
        let at = (section_start + r.offset) as usize;
        let place = self.base + at as u64;
        let (mut value, reached) = self.value_of(index, r, target, formula, encoding, place, 0)?;
        match accumulate {
            Accumulate::Store => {}
            Accumulate::Add | Accumulate::Sub => {
                let old = encoding
                    .read(image, at)
                    .map_err(|e| self.encode_error(index, kind.name, e))?;
                value = if accumulate == Accumulate::Add {
                    old.wrapping_add(value)
                } else {
                    old.wrapping_sub(value)
                };
            }
        }
        let before = if p.record_log {
            image[at..at + span].to_vec()
        } else {
            Vec::new()
        };
        encoding
            .write(image, at, value)
            .map_err(|e| self.encode_error(index, kind.name, e))?;
        if matches!(reached, Reached::Stub(_)) {
            p.def
                .after_stub_branch(Place {
                    // Cut at the section's end: an instruction rewrite must
                    // not reach into whatever follows.
                    image: &mut image[..(section_start + section_size) as usize],
                    offset: at,
                    r_type: r.r_type,
                })
                .map_err(|problem| self.bad(index, problem))?;
        }
        if !p.record_log {
            return Ok(());
        }
        let after = image[at..at + span].to_vec();
        let desc = self.describe_reached(reached)?;
        log.push(self.record(index, kind.name, desc, value, &before, &after));
        Ok(())
    }

    fn record(
        &self,
        index: usize,
        type_name: &'static str,
        target: TargetDesc,
        value: i64,
        before: &[u8],
        after: &[u8],
    ) -> RelocRecord {
        let obj = &self.p.obj;
        let r = obj.reloc(index);
        RelocRecord {
            section: obj.sections[r.section].name.to_string(),
            offset: r.offset,
            r_type: r.r_type,
            type_name,
            symbol: obj.symbol_name(r.symbol).to_string(),
            addend: r.addend,
            target,
            place: (self.base + self.p.layout.section_offsets[r.section]).wrapping_add(r.offset),
            value,
            before: before.to_vec(),
            after: after.to_vec(),
        }
    }
}

/// [`Formula::PageDelta`] of `T + A` = `ta` at `place`.
#[inline(always)]
fn page_delta(ta: u64, bias: i64, place: u64) -> u64 {
    let page = |x: u64| x & !0xfff;
    page(ta.wrapping_add(bias as u64)).wrapping_sub(page(place))
}

/// The formulas of the ELF psABIs, on a target already chosen.
#[inline]
fn compute(formula: Formula, t: u64, addend: i64, place: u64, ctx: &Ctx<'_, '_>) -> i64 {
    let ta = t.wrapping_add(addend as u64);
    let page = |x: u64| x & !0xfff;
    (match formula {
        Formula::Absolute | Formula::Paired => ta,
        Formula::PcRelative => ta.wrapping_sub(place),
        Formula::PageDelta { bias } => page_delta(ta, bias, place),
        Formula::PageDelta64 { from } => {
            let mut r = page(ta).wrapping_sub(page(place.wrapping_add(from as u64)));
            if ta & 0x800 != 0 {
                r = r.wrapping_add(0x1000).wrapping_sub(1 << 32);
            }
            if r & 0x8000_0000 != 0 {
                r = r.wrapping_add(1 << 32);
            }
            r
        }
        Formula::GotRelative => ta.wrapping_sub(ctx.got_base),
        Formula::TocRelative => ta.wrapping_sub(ctx.toc_base),
    }) as i64
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
