//! An object parsed, its GOT and stubs planned and its sections laid
//! out, waiting for its base address: the link step's entry points.

use super::apply::PairHighs;
use super::elf::{Object, Placement};
use super::layout::{Layout, Segment};
use super::log::RelocRecord;
use super::options::LinkOptions;
use super::output::{LinkOutput, LinkedSection};
use super::resolve::Resolver;
use super::symbols::SymbolList;
use super::tables::Tables;
use crate::arch::{Arch, ArchDef, RelocKind};
use crate::error::{Error, Result};

/// A parsed, laid-out object waiting for its base address.
#[derive(Debug)]
pub struct Prepared<'a> {
    pub(super) obj: Object<'a>,
    pub(super) tables: Tables,
    pub(super) layout: Layout,
    pub(super) def: &'static dyn ArchDef,
    pub(super) record_log: bool,
    pub(super) pair_highs: PairHighs,
    /// The arch's relocation kinds by type (`None`: unknown or refused).
    pub(super) kinds: &'static [Option<&'static RelocKind>],
    /// The arch picks a relocation's encoding from the instruction.
    pub(super) encoding_from_code: bool,
    /// Branches to symbols defined outside the object always take stubs.
    pub(super) external_calls_need_stub: bool,
}

impl std::fmt::Debug for dyn ArchDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.arch())
    }
}

impl<'a> Prepared<'a> {
    /// Parses `object` and plans its layout.
    pub fn new(object: &'a [u8], arch: Arch, options: &LinkOptions) -> Result<Prepared<'a>> {
        let mut p = Prepared::unplanned(object, arch, options)?;
        let layout = Layout::plan(
            &p.obj,
            &p.tables,
            p.def,
            options.page_size,
            options.separate_read_only,
        )?;
        p.set_layout(layout);
        Ok(p)
    }

    /// Parses several objects and plans ONE image for all of them (see
    /// `layout::Layout::plan_many`): the code of every object, then the
    /// read-only data of every object, then the writable data. Each
    /// returned `Prepared` links its own object into the common image:
    /// call [`Prepared::link_into`] on each with the same base and buffer
    /// (all report the same `image_size`, `image_align` and `segments`).
    /// Objects are parsed in the order `objects` yields them (a caller may
    /// prefetch the next ones meanwhile).
    pub fn batch(
        objects: impl IntoIterator<Item = &'a [u8]>,
        arch: Arch,
        options: &LinkOptions,
    ) -> Result<Vec<Prepared<'a>>> {
        // Each object parsed straight into its `Prepared` (a vector of
        // objects moved into a vector of `Prepared`s was a megabyte of
        // heap a thousand kernels), the layouts filled in once every
        // object is known.
        let mut prepared = objects
            .into_iter()
            .map(|o| Prepared::unplanned(o, arch, options))
            .collect::<Result<Vec<_>>>()?;
        let plan: Vec<_> = prepared.iter().map(|p| (&p.obj, &p.tables)).collect();
        let layouts = Layout::plan_many(
            &plan,
            arch.def(),
            options.page_size,
            options.separate_read_only,
        )?;
        for (p, layout) in prepared.iter_mut().zip(layouts) {
            p.set_layout(layout);
        }
        Ok(prepared)
    }

    /// `object` parsed, its GOT and stubs planned, with no layout yet (see
    /// [`Prepared::set_layout`]).
    fn unplanned(object: &'a [u8], arch: Arch, options: &LinkOptions) -> Result<Prepared<'a>> {
        let def = arch.def();
        let obj = Object::parse(object, arch)?;
        let tables = Tables::plan(&obj, def);
        Ok(Prepared {
            obj,
            tables,
            layout: Layout::default(),
            def,
            record_log: options.record_log,
            pair_highs: PairHighs::default(),
            kinds: arch.kind_index(),
            encoding_from_code: def.encoding_from_code(),
            external_calls_need_stub: def.external_calls_need_stub(),
        })
    }

    /// Places the object by `layout`.
    fn set_layout(&mut self, layout: Layout) {
        self.pair_highs = PairHighs::of(&self.obj, self.kinds, &layout.section_offsets);
        self.layout = layout;
    }

    /// Bytes the image needs.
    pub fn image_size(&self) -> usize {
        self.layout.size as usize
    }

    /// Alignment the base address must have.
    pub fn image_align(&self) -> u64 {
        self.layout.align
    }

    /// The protection groups, as offsets from the base.
    pub fn segments(&self) -> &[Segment] {
        &self.layout.segments
    }

    /// Bytes from the image start to the end of the last thing the link
    /// writes (section contents, GOT, stubs; `.bss` is left as it is): the
    /// pages a loader may fault in ahead.
    pub(crate) fn written_len(&self) -> usize {
        let l = &self.layout;
        let sections = self
            .obj
            .sections
            .iter()
            .zip(&l.section_offsets)
            .filter(|(s, _)| s.data.is_some())
            .map(|(s, &off)| off + s.size);
        let got = l.got_offset + 8 * self.tables.got_symbols.len() as u64;
        let stubs = l.stub_offset + l.stub_size * self.tables.stub_symbols.len() as u64;
        sections.chain([got, stubs]).max().unwrap_or(0) as usize
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
    pub(super) fn used_undefined(&self) -> Vec<bool> {
        let undefined = &self.obj.undefined;
        let mut used = vec![false; undefined.len()];
        if undefined.is_empty() {
            return used;
        }
        for r in self.obj.relocs() {
            if self.obj.placement(r.symbol) == Placement::Undefined {
                // `undefined` is sorted: the symbols in table order.
                if let Ok(k) = undefined.binary_search(&r.symbol) {
                    used[k] = true;
                }
            }
        }
        used
    }

    /// The address at `base` of `sym`'s GOT slot (0 past the GOT if it
    /// has none: every symbol a GOT-slot relocation names has one).
    pub(super) fn got_slot_address(&self, base: u64, sym: usize) -> u64 {
        let slot = self.tables.got_slot_of(sym).unwrap_or(0);
        base + self.layout.got_offset + 8 * slot as u64
    }

    /// The address at `base` of `sym`'s stub, if it has one.
    pub(super) fn stub_address(&self, base: u64, sym: usize) -> Option<u64> {
        let l = &self.layout;
        self.tables
            .stub_of(sym)
            .map(|i| base + l.stub_offset + l.stub_size * i as u64)
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
        self.relocate(base, image, resolver, &mut log)?;
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
            got: self
                .tables
                .got_symbols
                .iter()
                .map(|&sym| (name(sym), self.got_slot_address(base, sym)))
                .collect(),
            stubs: self
                .tables
                .stub_symbols
                .iter()
                .filter_map(|&sym| Some((name(sym), self.stub_address(base, sym)?)))
                .collect(),
            log,
            segments: l.segments.to_vec(),
            got_base: base + l.got_offset,
        })
    }

    /// [`Prepared::link_into`] keeping only what a loaded module keeps,
    /// appended to its lists: the symbols and the log (the section, GOT
    /// and stub lists cost an allocation per name, a fifth of a small
    /// load).
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

    /// Refuses a base the image cannot be placed at: where it would pass
    /// the end of the address space, or not aligned as its sections need.
    pub(super) fn check_base(&self, base: u64) -> Result<()> {
        let arch = self.def.arch();
        if base.checked_add(self.layout.size).is_none() {
            return Err(Error::BadBaseAddress {
                arch,
                detail: format!(
                    "{base:#x} + {:#x} bytes overflows the address space",
                    self.layout.size
                ),
            });
        }
        if base % self.layout.align != 0 {
            return Err(Error::BadBaseAddress {
                arch,
                detail: format!("{base:#x} is not aligned to {:#x}", self.layout.align),
            });
        }
        Ok(())
    }
}
