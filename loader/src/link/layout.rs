//! Placing sections, the GOT and the stubs in one image, grouped by
//! protection so each group can be given its own page permissions.
//!
//! ```text
//! [ code sections | stubs ] [ GOT | .toc | read-only sections ] [ writable sections | .bss ]
//!   read + execute            read-only                            read + write
//! ```
//! Each group starts on a page boundary. The GOT is read-only: every slot is
//! filled at link time, nothing writes it afterwards. Without
//! `separate_read_only` the first two groups are one, read + execute (the
//! traditional text segment, `ld -z noseparate-code`): one page and one
//! `mprotect` fewer per image, which is a third of a small load; no page is
//! ever writable and executable either way.

use super::elf::{Object, SectionClass};
use crate::arch::ArchDef;
use crate::error::{Error, Result};

/// The largest image the loader builds. Kernels are kilobytes to megabytes;
/// the cap keeps a hostile size field from asking for the whole address
/// space, and keeps every intra-image distance within 32-bit reach.
pub const MAX_IMAGE_SIZE: u64 = 1 << 30;

/// Memory protection of one part of the image.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Protection {
    ReadExecute,
    ReadOnly,
    ReadWrite,
}

/// A page-aligned run of the image with one protection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    /// Offset from the image base.
    pub offset: u64,
    pub len: u64,
    pub protection: Protection,
}

/// Where everything goes, as offsets from the (not yet known) base.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// Image offset of each loaded section (indexed like `Object::sections`).
    pub section_offsets: Vec<u64>,
    pub got_offset: u64,
    /// GOT slot index of each symbol (see [`Layout::got_slot_of`]).
    got_slots: SymbolSlots,
    /// Symbols with slots, in slot order.
    pub got_symbols: Vec<usize>,
    pub stub_offset: u64,
    /// Stub index of each symbol (see [`Layout::stub_of`]).
    stubs: SymbolSlots,
    /// Symbols with stubs, in stub order.
    pub stub_symbols: Vec<usize>,
    pub stub_size: u64,
    /// Shared by every layout of a batch.
    pub segments: std::sync::Arc<[Segment]>,
    /// Total size in bytes (a multiple of the page size).
    pub size: u64,
    /// Required alignment of the base address.
    pub align: u64,
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

    /// The slot of `sym`, given the next one (pushing `sym` on `order`)
    /// if it has none yet.
    fn get_or_add(&mut self, sym: usize, order: &mut Vec<usize>) {
        if let Err(k) = self.0.binary_search_by_key(&sym, |&(s, _)| s as usize) {
            self.0.insert(k, (sym as u32, order.len() as u32));
            order.push(sym);
        }
    }
}

impl Layout {
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

fn align_up(v: u64, a: u64) -> u64 {
    v.div_ceil(a) * a
}

/// GOT slots and stubs one object needs.
struct Indirections {
    got_slots: SymbolSlots,
    got_symbols: Vec<usize>,
    stubs: SymbolSlots,
    stub_symbols: Vec<usize>,
}

impl Indirections {
    /// Which symbols need GOT slots and stubs (known before any address
    /// is, so the image size is fixed up front).
    fn of(obj: &Object<'_>, def: &dyn ArchDef) -> Indirections {
        let mut ind = Indirections {
            got_slots: SymbolSlots::default(),
            got_symbols: Vec::new(),
            stubs: SymbolSlots::default(),
            stub_symbols: Vec::new(),
        };
        for &(symbol, branch) in &obj.indirect {
            let symbol = symbol as usize;
            if !branch {
                ind.got_slots.get_or_add(symbol, &mut ind.got_symbols);
            } else if def.special_symbol(obj.symbol_name(symbol)).is_none() {
                // A branch to a symbol defined outside the object: only
                // those can be out of reach (the object itself is far
                // smaller than any branch range that has a stub form).
                ind.got_slots.get_or_add(symbol, &mut ind.got_symbols);
                ind.stubs.get_or_add(symbol, &mut ind.stub_symbols);
            }
        }
        ind
    }
}

/// The cursor of a layout being planned: places sections, closes
/// protection groups.
struct Planner<'d> {
    arch: crate::arch::Arch,
    page_size: u64,
    cursor: u64,
    max_align: u64,
    segments: Vec<Segment>,
    def: &'d dyn ArchDef,
}

impl Planner<'_> {
    fn place(&mut self, obj: &Object<'_>, idx: usize, offsets: &mut [u64]) -> Result<()> {
        let s = &obj.sections[idx];
        self.max_align = self.max_align.max(s.align);
        self.cursor = align_up(self.cursor, s.align);
        offsets[idx] = self.cursor;
        self.cursor = self
            .cursor
            .checked_add(s.size)
            .filter(|&c| c <= MAX_IMAGE_SIZE)
            .ok_or_else(|| Error::Unsupported {
                arch: self.arch,
                what: "image size",
                detail: format!(
                    "section {} of {} bytes takes the image past {MAX_IMAGE_SIZE} bytes",
                    s.name, s.size
                ),
            })?;
        Ok(())
    }

    /// Reserves `bytes` at the cursor aligned to `align`; returns the offset.
    fn reserve(&mut self, align: u64, bytes: u64) -> Result<u64> {
        self.cursor = align_up(self.cursor, align);
        let at = self.cursor;
        self.cursor = at
            .checked_add(bytes)
            .filter(|&c| c <= MAX_IMAGE_SIZE)
            .ok_or_else(|| Error::Unsupported {
                arch: self.arch,
                what: "image size",
                detail: format!(
                    "{bytes} bytes of GOT or stubs take the image past {MAX_IMAGE_SIZE} bytes"
                ),
            })?;
        Ok(at)
    }

    /// Ends the protection group that began at `start` (nothing if empty).
    fn close(&mut self, start: u64, protection: Protection) {
        if self.cursor > start {
            self.cursor = align_up(self.cursor, self.page_size);
            self.segments.push(Segment {
                offset: start,
                len: self.cursor - start,
                protection,
            });
        }
    }

    fn is_adjacent(&self, name: &str) -> bool {
        self.def.got_adjacent_sections().contains(&name)
    }
}

impl Layout {
    /// Decides the layout of one object: which symbols need GOT slots and
    /// stubs, then where every section goes.
    pub fn plan(
        obj: &Object<'_>,
        def: &dyn ArchDef,
        page_size: u64,
        separate_read_only: bool,
    ) -> Result<Layout> {
        let mut layouts = Layout::plan_many(&[obj], def, page_size, separate_read_only)?;
        Ok(layouts.pop().expect("one layout per object"))
    }

    /// Lays out several objects in one image: the code (and stubs) of all
    /// of them, then their GOTs and read-only data, then their writable
    /// data, so each protection group is one run of pages shared by every
    /// object. Each returned layout places its object's sections at
    /// offsets of the common image and carries the common segments, size
    /// and alignment.
    pub fn plan_many(
        objs: &[&Object<'_>],
        def: &dyn ArchDef,
        page_size: u64,
        separate_read_only: bool,
    ) -> Result<Vec<Layout>> {
        let arch = def.arch();
        if !page_size.is_power_of_two() {
            return Err(Error::Unsupported {
                arch,
                what: "page size",
                detail: format!("{page_size} is not a power of two"),
            });
        }
        let ind: Vec<Indirections> = objs.iter().map(|o| Indirections::of(o, def)).collect();
        let mut offsets: Vec<Vec<u64>> = objs.iter().map(|o| vec![0; o.sections.len()]).collect();
        let mut got_offsets = vec![0; objs.len()];
        let mut stub_offsets = vec![0; objs.len()];
        let mut p = Planner {
            arch,
            page_size,
            cursor: 0,
            max_align: page_size,
            segments: Vec::new(),
            def,
        };
        let stub_size = def.stub_size() as u64;

        // Code, then stubs, of every object.
        let start = p.cursor;
        for (k, &obj) in objs.iter().enumerate() {
            for (i, s) in obj.sections.iter().enumerate() {
                if s.class == SectionClass::Code {
                    p.place(obj, i, &mut offsets[k])?;
                }
            }
            let stubs = stub_size * ind[k].stub_symbols.len() as u64;
            stub_offsets[k] = p.reserve(def.stub_align(), stubs)?;
        }
        if separate_read_only {
            p.close(start, Protection::ReadExecute);
        }

        // GOT, GOT-adjacent sections, read-only data: their own read-only
        // pages, or after the code in its read + execute pages.
        let start = if separate_read_only { p.cursor } else { start };
        for (k, &obj) in objs.iter().enumerate() {
            got_offsets[k] = p.reserve(8, 8 * ind[k].got_symbols.len() as u64)?;
            for (i, s) in obj.sections.iter().enumerate() {
                if p.is_adjacent(s.name) {
                    p.place(obj, i, &mut offsets[k])?;
                }
            }
            for (i, s) in obj.sections.iter().enumerate() {
                if s.class == SectionClass::ReadOnly && !p.is_adjacent(s.name) {
                    p.place(obj, i, &mut offsets[k])?;
                }
            }
        }
        // A GOT of zero slots still has a base address; keep the segment
        // non-empty only if something is in it.
        p.close(
            start,
            if separate_read_only {
                Protection::ReadOnly
            } else {
                Protection::ReadExecute
            },
        );

        let start = p.cursor;
        for (k, &obj) in objs.iter().enumerate() {
            for (i, s) in obj.sections.iter().enumerate() {
                if s.class == SectionClass::Writable && !p.is_adjacent(s.name) {
                    p.place(obj, i, &mut offsets[k])?;
                }
            }
        }
        p.close(start, Protection::ReadWrite);

        if p.cursor > MAX_IMAGE_SIZE {
            return Err(Error::Unsupported {
                arch,
                what: "image size",
                detail: format!(
                    "{} bytes is more than the {MAX_IMAGE_SIZE}-byte cap",
                    p.cursor
                ),
            });
        }
        let segments: std::sync::Arc<[Segment]> = p.segments.into();
        Ok(ind
            .into_iter()
            .zip(offsets)
            .enumerate()
            .map(|(k, (ind, section_offsets))| Layout {
                section_offsets,
                got_offset: got_offsets[k],
                got_slots: ind.got_slots,
                got_symbols: ind.got_symbols,
                stub_offset: stub_offsets[k],
                stubs: ind.stubs,
                stub_symbols: ind.stub_symbols,
                stub_size,
                segments: segments.clone(),
                size: p.cursor,
                align: p.max_align,
            })
            .collect())
    }
}
