//! Placing sections, the GOT and the stubs in one image, grouped by
//! protection so each group can be given its own page permissions.
//!
//! ```text
//! [ code sections | stubs ] [ GOT | .toc | read-only sections ] [ writable sections | .bss ]
//!   read + execute            read-only                            read + write
//! ```
//! Each group starts on a page boundary. The GOT is read-only: every slot is
//! filled at link time, nothing writes it afterwards.

use super::elf::{Object, SectionClass};
use crate::arch::{ArchDef, Target};
use crate::error::{Error, Result};
use std::collections::HashMap;

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
#[derive(Debug, Clone)]
pub struct Layout {
    /// Image offset of each loaded section (indexed like `Object::sections`).
    pub section_offsets: Vec<u64>,
    pub got_offset: u64,
    /// GOT slot index of each symbol that has one.
    pub got_slots: HashMap<usize, usize>,
    /// Symbols with slots, in slot order.
    pub got_symbols: Vec<usize>,
    pub stub_offset: u64,
    /// Stub index of each symbol that has one.
    pub stubs: HashMap<usize, usize>,
    /// Symbols with stubs, in stub order.
    pub stub_symbols: Vec<usize>,
    pub stub_size: u64,
    pub segments: Vec<Segment>,
    /// Total size in bytes (a multiple of the page size).
    pub size: u64,
    /// Required alignment of the base address.
    pub align: u64,
}

fn align_up(v: u64, a: u64) -> u64 {
    v.div_ceil(a) * a
}

impl Layout {
    /// Decides the layout: which symbols need GOT slots and stubs (known
    /// before any address is, so the image size is fixed up front), then
    /// where every section goes.
    pub fn plan(obj: &Object<'_>, def: &dyn ArchDef, page_size: u64) -> Result<Layout> {
        let arch = def.arch();
        if !page_size.is_power_of_two() {
            return Err(Error::Unsupported {
                arch,
                what: "page size",
                detail: format!("{page_size} is not a power of two"),
            });
        }
        let mut got_symbols = Vec::new();
        let mut got_slots = HashMap::new();
        let mut stub_symbols = Vec::new();
        let mut stubs = HashMap::new();
        let mut slot = |sym: usize, got_symbols: &mut Vec<usize>| {
            got_slots.entry(sym).or_insert_with(|| {
                got_symbols.push(sym);
                got_symbols.len() - 1
            });
        };
        for r in &obj.relocs {
            let Some(kind) = def.kind(r.r_type) else {
                continue; // reported with full context when applied
            };
            match kind.target() {
                Some(Target::GotSlot) => slot(r.symbol, &mut got_symbols),
                Some(Target::Branch) => {
                    // Only symbols defined outside the object can be out of
                    // reach: the object itself is far smaller than any
                    // branch range that has a stub form.
                    let external = obj.symbol_section(&obj.symbols[r.symbol]).is_none()
                        && def.special_symbol(obj.symbols[r.symbol].name).is_none();
                    if external {
                        slot(r.symbol, &mut got_symbols);
                        stubs.entry(r.symbol).or_insert_with(|| {
                            stub_symbols.push(r.symbol);
                            stub_symbols.len() - 1
                        });
                    }
                }
                _ => {}
            }
        }

        let mut section_offsets = vec![0; obj.sections.len()];
        let mut segments = Vec::new();
        let mut cursor = 0u64;
        let mut max_align = page_size;
        let adjacent = def.got_adjacent_sections();
        let mut place = |cursor: &mut u64, idx: usize| -> Result<()> {
            let s = &obj.sections[idx];
            max_align = max_align.max(s.align);
            *cursor = align_up(*cursor, s.align);
            section_offsets[idx] = *cursor;
            *cursor = cursor
                .checked_add(s.size)
                .filter(|&c| c <= MAX_IMAGE_SIZE)
                .ok_or_else(|| Error::Unsupported {
                    arch,
                    what: "image size",
                    detail: format!(
                        "section {} of {} bytes takes the image past {MAX_IMAGE_SIZE} bytes",
                        s.name, s.size
                    ),
                })?;
            Ok(())
        };
        let mut close = |cursor: &mut u64, start: u64, protection| {
            if *cursor > start {
                *cursor = align_up(*cursor, page_size);
                segments.push(Segment {
                    offset: start,
                    len: *cursor - start,
                    protection,
                });
            }
        };

        // Code, then stubs.
        let start = cursor;
        for (i, s) in obj.sections.iter().enumerate() {
            if s.class == SectionClass::Code {
                place(&mut cursor, i)?;
            }
        }
        let stub_size = def.stub_size() as u64;
        cursor = align_up(cursor, def.stub_align());
        let stub_offset = cursor;
        cursor += stub_size * stub_symbols.len() as u64;
        close(&mut cursor, start, Protection::ReadExecute);

        // GOT, GOT-adjacent sections, read-only data.
        let start = cursor;
        let got_offset = cursor;
        cursor += 8 * got_symbols.len() as u64;
        let is_adjacent = |name: &str| adjacent.contains(&name);
        for (i, s) in obj.sections.iter().enumerate() {
            if is_adjacent(s.name) {
                place(&mut cursor, i)?;
            }
        }
        for (i, s) in obj.sections.iter().enumerate() {
            if s.class == SectionClass::ReadOnly && !is_adjacent(s.name) {
                place(&mut cursor, i)?;
            }
        }
        // A GOT of zero slots still has a base address; keep the segment
        // non-empty only if something is in it.
        close(&mut cursor, start, Protection::ReadOnly);

        let start = cursor;
        for (i, s) in obj.sections.iter().enumerate() {
            if s.class == SectionClass::Writable && !is_adjacent(s.name) {
                place(&mut cursor, i)?;
            }
        }
        close(&mut cursor, start, Protection::ReadWrite);

        if cursor > MAX_IMAGE_SIZE {
            return Err(Error::Unsupported {
                arch,
                what: "image size",
                detail: format!("{cursor} bytes is more than the {MAX_IMAGE_SIZE}-byte cap"),
            });
        }
        Ok(Layout {
            section_offsets,
            got_offset,
            got_slots,
            got_symbols,
            stub_offset,
            stubs,
            stub_symbols,
            stub_size,
            segments,
            size: cursor,
            align: max_align,
        })
    }
}
