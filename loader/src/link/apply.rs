//! The relocation engine: where every relocation, GOT slot and stub of a
//! link is applied. One loop, generic over whether a log is kept: a load
//! runs it compiled without the log, a snapshot or test with it.
//!
//! A relocation is `formula(target + addend, place)` stored with the
//! kind's encoding; a stub field is the same computation on the stub's
//! template (JITLink: stub content plus an edge, applied by the ordinary
//! fixup code).

use super::elf::{raw_fields, Located, Object, Placement, RawRela, Reloc};
use super::log::RelocRecord;
use super::prepared::Prepared;
use super::resolve::Resolver;
use crate::arch::{
    Accumulate, Action, Arch, Formula, Place, RelocKind, SpecialSymbol, StubTarget, Target,
};
use crate::bits::{data, EncodeError, Encoding};
use crate::error::{Error, Result};

/// The kind of relocation type `r_type` in an arch's kind index.
#[inline]
pub(super) fn kind_of(
    kinds: &'static [Option<&'static RelocKind>],
    r_type: u32,
) -> Option<&'static RelocKind> {
    kinds.get(r_type as usize).copied().flatten()
}

/// How a relocation reached its target: cheap to return on the load path;
/// turned into a log's `TargetDesc` only when a log is kept.
#[derive(Clone, Copy, Debug)]
pub(super) enum Reached {
    Nothing,
    Symbol(usize),
    GotSlot(usize),
    Stub(usize),
    GotBase,
    TocBase,
    /// The low part of a pair: through the high relocation with this index.
    Paired(usize),
}

/// Each pair-high relocation's place (image offset) and number, sorted by
/// place, stably: the last of equal places wins. What a pair-low
/// relocation (RISC-V `PCREL_LO12_*`) names is the place of its high part.
#[derive(Debug, Default)]
pub(super) struct PairHighs(Vec<(u64, usize)>);

impl PairHighs {
    /// The pair-high relocations of `obj` at their places under
    /// `section_offsets` (a SipHash map was most of a RISC-V link).
    pub(super) fn of(
        obj: &Object<'_>,
        kinds: &'static [Option<&'static RelocKind>],
        section_offsets: &[u64],
    ) -> PairHighs {
        let mut highs = Vec::new();
        if kinds.iter().flatten().any(|k| k.is_pair_high) {
            for (i, r) in obj.relocs().enumerate() {
                if kind_of(kinds, r.r_type).is_some_and(|k| k.is_pair_high) {
                    highs.push((section_offsets[r.section].wrapping_add(r.offset), i));
                }
            }
            highs.sort_by_key(|&(place, _)| place);
        }
        PairHighs(highs)
    }

    /// The pair-high relocation whose place is image offset `at`.
    fn at(&self, at: u64) -> Option<usize> {
        let end = self.0.partition_point(|&(place, _)| place <= at);
        let &(place, index) = self.0.get(end.checked_sub(1)?)?;
        (place == at).then_some(index)
    }
}

/// What a relocation's kind says to do, as [`Ctx::patch`] takes it.
#[derive(Clone, Copy)]
struct Step {
    /// The relocation's number.
    index: usize,
    /// The kind's name.
    name: &'static str,
    target: Target,
    formula: Formula,
    accumulate: Accumulate,
}

/// The section a set of relocations patches, as the loop sees it.
#[derive(Clone, Copy)]
struct Patched {
    /// Position in `Object::sections`.
    index: usize,
    /// Size in bytes.
    size: u64,
    /// Its address at the link's base.
    address: u64,
}

/// Everything known once the base address is.
pub(super) struct Ctx<'p, 'a> {
    pub(super) p: &'p Prepared<'a>,
    pub(super) base: u64,
    /// Address of each undefined symbol a relocation uses, by symbol
    /// number (sorted).
    resolved: Vec<(usize, u64)>,
    /// `_GLOBAL_OFFSET_TABLE_`.
    got_base: u64,
    /// ppc64 `.TOC.` (the GOT base where the ABI has no TOC).
    toc_base: u64,
}

impl<'a> Prepared<'a> {
    /// Copies the sections into `image` (see `Prepared::link_into`), fills
    /// GOT and stubs, applies every relocation as if `image` were at
    /// `base`, and appends the log records to `log` if a log is kept;
    /// lists no symbol (a batch lists every object before it links any).
    pub(crate) fn relocate(
        &self,
        base: u64,
        image: &mut [u8],
        resolver: &dyn Resolver,
        log: &mut Vec<RelocRecord>,
    ) -> Result<()> {
        if image.len() != self.image_size() {
            return Err(Error::ImageBufferSize {
                arch: self.def.arch(),
                given: image.len(),
                needed: self.image_size(),
            });
        }
        self.check_base(base)?;
        for (s, &off) in self.obj.sections.iter().zip(&self.layout.section_offsets) {
            // `.bss` is left alone: the buffer is zeroed already (a fresh
            // mapping, or `link`'s vec), and writing zeros would fault in
            // a page nothing else touches until the kernel runs.
            if let Some(d) = s.data {
                image[off as usize..(off + s.size) as usize].copy_from_slice(d);
            }
        }
        let ctx = Ctx::new(self, base, resolver)?;
        ctx.fill_got(image);
        ctx.fill_stubs(image)?;
        if self.record_log {
            log.reserve(self.obj.reloc_count());
            ctx.apply_all::<true>(image, log)
        } else {
            ctx.apply_all::<false>(image, log)
        }
    }
}

impl<'p, 'a> Ctx<'p, 'a> {
    fn new(p: &'p Prepared<'a>, base: u64, resolver: &dyn Resolver) -> Result<Ctx<'p, 'a>> {
        let obj = &p.obj;
        let got_base = base + p.layout.got_offset;
        let toc_base = p.def.toc_bias().map_or(got_base, |b| got_base + b);
        let mut resolved = Vec::new();
        // Resolve each undefined symbol that a relocation uses, once.
        for (&i, used) in obj.undefined.iter().zip(p.used_undefined()) {
            if !used {
                continue;
            }
            let name = obj.symbol_name(i);
            let address = match p.def.special_symbol(name) {
                Some(SpecialSymbol::GotBase) => got_base,
                Some(SpecialSymbol::TocBase) => toc_base,
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
            resolved.push((i, address));
        }
        Ok(Ctx {
            p,
            base,
            resolved,
            got_base,
            toc_base,
        })
    }

    /// Every GOT slot holds its symbol's address.
    fn fill_got(&self, image: &mut [u8]) {
        for &sym in &self.p.tables.got_symbols {
            let at = (self.got_slot(sym) - self.base) as usize;
            image[at..at + 8].copy_from_slice(&self.symbol_address(sym).to_le_bytes());
        }
    }

    /// Every stub is the arch's template with its fields computed and
    /// encoded as relocations are.
    fn fill_stubs(&self, image: &mut [u8]) -> Result<()> {
        let template = self.p.def.stub();
        for &sym in &self.p.tables.stub_symbols {
            let Some(stub) = self.stub(sym) else { continue };
            let at = (stub - self.base) as usize;
            let code = &mut image[at..at + template.code.len()];
            code.copy_from_slice(template.code);
            for f in template.fixups {
                let target = match f.target {
                    StubTarget::GotSlot => self.got_slot(sym),
                    StubTarget::Symbol => self.symbol_address(sym),
                };
                let place = stub + u64::from(f.at);
                let value = self.compute(f.formula, target, f.addend, place);
                // The image is capped far below every stub's reach; a stub
                // that cannot be built is an error, never a wrong jump.
                f.encoding
                    .write(code, usize::from(f.at), value)
                    .map_err(|e| Error::StubOutOfReach {
                        arch: self.p.def.arch(),
                        symbol: self.p.obj.symbol_name(sym).to_string(),
                        value,
                        problem: e.describe(),
                    })?;
            }
        }
        Ok(())
    }

    /// Applies every relocation of the object, logging each if `LOG`.
    fn apply_all<const LOG: bool>(
        &self,
        image: &mut [u8],
        log: &mut Vec<RelocRecord>,
    ) -> Result<()> {
        let p = self.p;
        for set in p.obj.rela_sets() {
            let start = p.layout.section_offsets[set.section];
            let size = p.obj.sections[set.section].size;
            let patched = Patched {
                index: set.section,
                size,
                address: self.base.wrapping_add(start),
            };
            // The section's bytes: a field in them is in the image. Every
            // field is checked against the section's size before it is
            // written.
            let section = &mut image[start as usize..(start + size) as usize];
            for (k, rela) in set.entries.iter().enumerate() {
                self.apply::<LOG>(set.first + k, rela, patched, section, log)?;
            }
        }
        Ok(())
    }

    /// Applies relocation `index` (`rela`) to `section`, and logs it if
    /// `LOG`.
    #[inline(always)]
    fn apply<const LOG: bool>(
        &self,
        index: usize,
        rela: &RawRela,
        patched: Patched,
        section: &mut [u8],
        log: &mut Vec<RelocRecord>,
    ) -> Result<()> {
        let p = self.p;
        let (offset, r_type, symbol, addend) = raw_fields(rela);
        let Some(kind) = kind_of(p.kinds, r_type) else {
            return Err(self.unsupported(index));
        };
        let Action::Patch {
            target,
            formula,
            encoding,
            accumulate,
        } = kind.action
        else {
            // A marker (`R_RISCV_RELAX`, `*_NONE`): nothing to patch.
            if offset > patched.size {
                return Err(self.bad(index, "offset lies outside its section".into()));
            }
            if LOG {
                log.push(self.record(index, kind.name, Reached::Nothing, 0, &[], &[])?);
            }
            return Ok(());
        };
        let encoding = if p.encoding_from_code {
            let code = usize::try_from(offset)
                .ok()
                .and_then(|at| section.get(at..))
                .unwrap_or(&[]);
            p.def.encoding_at(r_type, encoding, code)
        } else {
            encoding
        };
        let r = Reloc {
            section: patched.index,
            offset,
            r_type,
            symbol,
            addend,
        };
        let step = Step {
            index,
            name: kind.name,
            target,
            formula,
            accumulate,
        };
        // The same code for every encoding; for the data words most
        // relocations of every arch store, inlined with the encoding a
        // constant, which the compiler folds into a range check and a
        // store (a general bit-field write was three quarters of a load's
        // relocation time).
        macro_rules! data_words {
            ($($word:ident)*) => {$(
                if std::ptr::eq(encoding, &data::$word) {
                    const WORD: Encoding = data::$word;
                    return self.patch::<LOG>(step, &r, &WORD, patched, section, log);
                }
            )*};
        }
        data_words!(SIGNED32 WORD64 EITHER32 UNSIGNED32);
        self.patch::<LOG>(step, &r, encoding, patched, section, log)
    }

    /// [`Ctx::apply`] of a relocation to patch, once its encoding is known.
    #[inline(always)]
    fn patch<const LOG: bool>(
        &self,
        step: Step,
        r: &Reloc,
        encoding: &Encoding,
        patched: Patched,
        section: &mut [u8],
        log: &mut Vec<RelocRecord>,
    ) -> Result<()> {
        let Step {
            index,
            name,
            target,
            formula,
            accumulate,
        } = step;
        let offset = r.offset;
        let span = encoding.span();
        if offset.saturating_add(span as u64) > patched.size {
            return Err(self.outside(index, span, offset, patched.size));
        }
        // In the section (checked above).
        let at = offset as usize;
        let place = patched.address.wrapping_add(offset);
        let (mut value, reached) = self.value_of(index, r, target, formula, encoding, place, 0)?;
        if accumulate != Accumulate::Store {
            let old = encoding
                .read(section, at)
                .map_err(|e| self.encode_error(index, name, e))?;
            value = if accumulate == Accumulate::Add {
                old.wrapping_add(value)
            } else {
                old.wrapping_sub(value)
            };
        }
        let before = if LOG {
            section[at..at + span].to_vec()
        } else {
            Vec::new()
        };
        encoding
            .write(section, at, value)
            .map_err(|e| self.encode_error(index, name, e))?;
        if matches!(reached, Reached::Stub(_)) {
            self.after_stub_branch(index, r.r_type, section, at)?;
        }
        if LOG {
            let after = &section[at..at + span];
            log.push(self.record(index, name, reached, value, &before, after)?);
        }
        Ok(())
    }

    /// The arch's rewrite after a branch routed through a stub (ppc64
    /// restores the TOC pointer), in the section only.
    #[inline(never)]
    fn after_stub_branch(
        &self,
        index: usize,
        r_type: u32,
        section: &mut [u8],
        at: usize,
    ) -> Result<()> {
        self.p
            .def
            .after_stub_branch(Place {
                image: section,
                offset: at,
                r_type,
            })
            .map_err(|problem| self.bad(index, problem))
    }

    /// The address of symbol `sym`: 0 for an undefined one no relocation
    /// uses, or one in a section that is not loaded.
    pub(super) fn symbol_address(&self, sym: usize) -> u64 {
        let located = self.p.obj.placements()[sym];
        match located.section() {
            Some(pos) => self.in_section(pos, located),
            None => self.outside_address(sym, located).unwrap_or(0),
        }
    }

    /// The address of a symbol of the loaded section at `pos`.
    #[inline(always)]
    fn in_section(&self, pos: usize, located: Located) -> u64 {
        self.base
            .wrapping_add(self.p.layout.section_offsets[pos])
            .wrapping_add(located.value)
    }

    /// The address of a symbol not defined in a loaded section (`None`:
    /// in a section that is not loaded).
    fn outside_address(&self, sym: usize, located: Located) -> Option<u64> {
        match located.placement() {
            Placement::Absolute => Some(located.value),
            Placement::Undefined => Some(
                self.resolved
                    .binary_search_by_key(&sym, |&(i, _)| i)
                    .map_or(0, |k| self.resolved[k].1),
            ),
            Placement::NotLoaded | Placement::Section(_) => None,
        }
    }

    /// The address of `sym`'s GOT slot (planned for every symbol a
    /// GOT-slot relocation names).
    fn got_slot(&self, sym: usize) -> u64 {
        self.p.got_slot_address(self.base, sym)
    }

    fn stub(&self, sym: usize) -> Option<u64> {
        self.p.stub_address(self.base, sym)
    }

    /// The value relocation `index` (`r`) computes, and how its target
    /// was reached: for pairs and logs (the loop calls
    /// [`Ctx::value_of`] with what it knows already).
    pub(super) fn value(&self, index: usize, r: &Reloc, depth: u32) -> Result<(i64, Reached)> {
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
        let located = p.obj.placements()[r.symbol];
        let s = match located.section() {
            Some(pos) => self.in_section(pos, located),
            None => match self.outside_address(r.symbol, located) {
                Some(s) => s,
                None => {
                    return Err(self.bad(index, "refers to a section that is not loaded".into()));
                }
            },
        };
        // The common targets and formulas tested first, by compares: a
        // jump table on them mispredicted on a third of a large kernel's
        // relocations.
        let plain_branch =
            matches!(target, Target::Branch) && located.section().is_some() && located.other == 0;
        if matches!(target, Target::Symbol) || plain_branch {
            let value = self.compute(formula, s, r.addend, place);
            return Ok((value, Reached::Symbol(r.symbol)));
        }
        self.value_through(
            index, r, located, s, target, formula, encoding, place, depth,
        )
    }

    /// [`Ctx::value_of`] for the targets other than the symbol itself.
    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    fn value_through(
        &self,
        index: usize,
        r: &Reloc,
        located: Located,
        s: u64,
        target: Target,
        formula: Formula,
        encoding: &Encoding,
        place: u64,
        depth: u32,
    ) -> Result<(i64, Reached)> {
        let p = self.p;
        let (t, reached) = match target {
            Target::Symbol => (s, Reached::Symbol(r.symbol)),
            Target::GotSlot => (self.got_slot(r.symbol), Reached::GotSlot(r.symbol)),
            Target::GotBase => (self.got_base, Reached::GotBase),
            Target::TocBase => (self.toc_base, Reached::TocBase),
            Target::Branch if located.section().is_some() => {
                // `st_other` 0 is one entry point on every ABI; only
                // symbols defined elsewhere have stubs.
                let t = if located.other != 0 {
                    s.wrapping_add(p.def.local_entry_offset(located.other))
                } else {
                    s
                };
                (t, Reached::Symbol(r.symbol))
            }
            Target::Branch => self.external_branch(r, s, formula, encoding, place),
            Target::PairedHigh => return self.paired_value(index, r, s, depth),
        };
        Ok((self.compute(formula, t, r.addend, place), reached))
    }

    /// Where a branch to a symbol defined outside the object goes: its
    /// stub where the arch always takes one or the symbol is out of
    /// reach, else the symbol.
    #[inline(never)]
    fn external_branch(
        &self,
        r: &Reloc,
        s: u64,
        formula: Formula,
        encoding: &Encoding,
        place: u64,
    ) -> (u64, Reached) {
        let Some(stub) = self.stub(r.symbol) else {
            return (s, Reached::Symbol(r.symbol));
        };
        let use_stub = self.p.external_calls_need_stub || {
            let v = self.compute(formula, s, r.addend, place);
            // Only reach decides: a misaligned target is an error of the
            // write, not a reason to take the stub.
            matches!(encoding.check(v), Err(EncodeError::Range { .. }))
        };
        if use_stub {
            (stub, Reached::Stub(r.symbol))
        } else {
            (s, Reached::Symbol(r.symbol))
        }
    }

    /// The value of a low-part relocation: that of the high-part
    /// relocation at its symbol's address.
    #[inline(never)]
    fn paired_value(&self, index: usize, r: &Reloc, s: u64, depth: u32) -> Result<(i64, Reached)> {
        let Some(high) = self.p.pair_highs.at(s.wrapping_sub(self.base)) else {
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

    /// The formulas of the ELF psABIs, on a target `t` already chosen.
    #[inline(always)]
    fn compute(&self, formula: Formula, t: u64, addend: i64, place: u64) -> i64 {
        let ta = t.wrapping_add(addend as u64);
        if let Formula::PcRelative = formula {
            return ta.wrapping_sub(place) as i64;
        }
        if let Formula::Absolute = formula {
            return ta as i64;
        }
        self.compute_other(formula, ta, place)
    }

    /// [`Ctx::compute`] of the other formulas, on `T + A` = `ta`.
    #[inline(never)]
    fn compute_other(&self, formula: Formula, ta: u64, place: u64) -> i64 {
        let page = |x: u64| x & !0xfff;
        (match formula {
            Formula::Absolute | Formula::Paired => ta,
            Formula::PcRelative => ta.wrapping_sub(place),
            Formula::PageDelta { bias } => {
                page(ta.wrapping_add(bias as u64)).wrapping_sub(page(place))
            }
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
            Formula::GotRelative => ta.wrapping_sub(self.got_base),
            Formula::TocRelative => ta.wrapping_sub(self.toc_base),
        }) as i64
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

    /// A field of `span` bytes at `offset` past the end of its section of
    /// `size` bytes.
    #[cold]
    fn outside(&self, index: usize, span: usize, offset: u64, size: u64) -> Error {
        self.bad(
            index,
            format!(
                "a {span}-byte field at offset {offset:#x} lies outside the {size}-byte section"
            ),
        )
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
}
