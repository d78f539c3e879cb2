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
use super::tables::Tables;
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
    /// Image offset of the object's GOT and of its first stub.
    pub got_offset: u64,
    pub stub_offset: u64,
    /// Bytes of one stub.
    pub stub_size: u64,
    /// Shared by every layout of a batch.
    pub segments: std::sync::Arc<[Segment]>,
    /// Total size in bytes (a multiple of the page size).
    pub size: u64,
    /// Required alignment of the base address.
    pub align: u64,
}

fn align_up(v: u64, a: u64) -> u64 {
    v.div_ceil(a) * a
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
            .ok_or_else(|| Error::ImageTooLarge {
                arch: self.arch,
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
            .ok_or_else(|| Error::ImageTooLarge {
                arch: self.arch,
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
    /// Decides where every section, the GOT and the stubs of one object go.
    pub fn plan(
        obj: &Object<'_>,
        tables: &Tables,
        def: &dyn ArchDef,
        page_size: u64,
        separate_read_only: bool,
    ) -> Result<Layout> {
        let mut layouts = Layout::plan_many(&[(obj, tables)], def, page_size, separate_read_only)?;
        Ok(layouts.pop().expect("one layout per object"))
    }

    /// Lays out several objects in one image: the code (and stubs) of all
    /// of them, then their GOTs and read-only data, then their writable
    /// data, so each protection group is one run of pages shared by every
    /// object. Each returned layout places its object's sections at
    /// offsets of the common image and carries the common segments, size
    /// and alignment.
    pub fn plan_many(
        objs: &[(&Object<'_>, &Tables)],
        def: &dyn ArchDef,
        page_size: u64,
        separate_read_only: bool,
    ) -> Result<Vec<Layout>> {
        let arch = def.arch();
        if !page_size.is_power_of_two() {
            return Err(Error::BadPageSize { arch, page_size });
        }
        let mut offsets: Vec<Vec<u64>> = objs
            .iter()
            .map(|(o, _)| vec![0; o.sections.len()])
            .collect();
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
        let stub = def.stub();
        let stub_size = stub.code.len() as u64;

        // Code, then stubs, of every object.
        let start = p.cursor;
        for (k, &(obj, tables)) in objs.iter().enumerate() {
            for (i, s) in obj.sections.iter().enumerate() {
                if s.class == SectionClass::Code {
                    p.place(obj, i, &mut offsets[k])?;
                }
            }
            let stubs = stub_size * tables.stub_symbols.len() as u64;
            stub_offsets[k] = p.reserve(stub.align, stubs)?;
        }
        if separate_read_only {
            p.close(start, Protection::ReadExecute);
        }

        // GOT, GOT-adjacent sections, read-only data: their own read-only
        // pages, or after the code in its read + execute pages.
        let start = if separate_read_only { p.cursor } else { start };
        for (k, &(obj, tables)) in objs.iter().enumerate() {
            got_offsets[k] = p.reserve(8, 8 * tables.got_symbols.len() as u64)?;
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
        for (k, &(obj, _)) in objs.iter().enumerate() {
            for (i, s) in obj.sections.iter().enumerate() {
                if s.class == SectionClass::Writable && !p.is_adjacent(s.name) {
                    p.place(obj, i, &mut offsets[k])?;
                }
            }
        }
        p.close(start, Protection::ReadWrite);

        if p.cursor > MAX_IMAGE_SIZE {
            return Err(Error::ImageTooLarge {
                arch,
                detail: format!(
                    "{} bytes is more than the {MAX_IMAGE_SIZE}-byte cap",
                    p.cursor
                ),
            });
        }
        let segments: std::sync::Arc<[Segment]> = p.segments.into();
        Ok(offsets
            .into_iter()
            .enumerate()
            .map(|(k, section_offsets)| Layout {
                section_offsets,
                got_offset: got_offsets[k],
                stub_offset: stub_offsets[k],
                stub_size,
                segments: segments.clone(),
                size: p.cursor,
                align: p.max_align,
            })
            .collect())
    }
}
