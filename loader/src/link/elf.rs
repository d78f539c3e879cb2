//! Reading the relocatable object: typed views over the original bytes
//! (through `object::read::elf`), checked once, with nothing copied but the
//! small per-section and per-symbol records the linker works from.

use crate::arch::Arch;
use crate::error::{Error, Result};
use object::elf;
use object::read::elf::{FileHeader, SectionHeader, Sym as _};
use object::{LittleEndian, ReadRef as _};

type Header = elf::FileHeader64<LittleEndian>;
type SectionHeader64 = elf::SectionHeader64<LittleEndian>;
/// Every supported architecture is little-endian: the byte order is a
/// type, so each field read is a plain load (no run-time check per field).
const LE: LittleEndian = LittleEndian;

/// The largest section alignment accepted (1 MiB: page-aligned data of the
/// largest page size any supported system uses, with room to spare).
pub const MAX_SECTION_ALIGN: u64 = 1 << 20;

/// What the loader does with a section's memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SectionClass {
    /// Executable: mapped read + execute.
    Code,
    /// Allocated, not writable: mapped read-only.
    ReadOnly,
    /// Writable data and `.bss`: mapped read + write.
    Writable,
}

/// One `SHF_ALLOC` section of the object.
#[derive(Clone, Debug)]
pub struct Section<'a> {
    pub name: &'a str,
    pub class: SectionClass,
    /// The file bytes; `None` for `SHT_NOBITS` (zero-filled).
    pub data: Option<&'a [u8]>,
    pub size: u64,
    pub align: u64,
}

/// Where a symbol is defined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolDef {
    /// In the section with this ELF index, at this offset.
    Section { section: usize, value: u64 },
    /// `SHN_ABS`.
    Absolute(u64),
    /// `SHN_UNDEF`: supplied by the resolver (or the linker, for the ABI's
    /// special symbols).
    Undefined,
}

/// One symbol-table entry, decoded from the raw table on demand
/// ([`Object::symbol`]): the linker's hot loops read the raw entries and
/// [`Object::placement`], and decode (find the name of) only the symbols
/// they list, resolve or name in an error.
#[derive(Clone, Debug)]
pub struct Symbol<'a> {
    pub name: &'a str,
    pub def: SymbolDef,
    pub kind: u8,
}

impl Symbol<'_> {
    /// A section symbol (`STT_SECTION`): named after its section in logs.
    pub fn is_section(&self) -> bool {
        self.kind == elf::STT_SECTION
    }
}

/// Where a symbol lies ([`Object::placement`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// In the loaded section at this position in [`Object::sections`].
    Section(usize),
    /// `SHN_ABS`.
    Absolute,
    /// `SHN_UNDEF`.
    Undefined,
    /// In a section that is not loaded (debug info, a reserved index): an
    /// error if a relocation uses it.
    NotLoaded,
}

/// [`Placement`] packed in a `u32` for [`Located`]: a section's position,
/// or one of the codes above every position.
type PackedPlacement = u32;
const UNDEFINED_AT: PackedPlacement = u32::MAX;
const ABSOLUTE_AT: PackedPlacement = u32::MAX - 1;
const NOT_LOADED_AT: PackedPlacement = u32::MAX - 2;

/// What relocations read of a symbol, in one 16-byte record per symbol
/// (the raw entry is 24 bytes, and where the symbol lies needs a lookup).
#[derive(Clone, Copy, Debug)]
pub struct Located {
    /// `st_value`.
    pub value: u64,
    at: PackedPlacement,
    /// `st_other` (ppc64 local entry).
    pub other: u8,
}

impl Located {
    /// Where the symbol lies.
    #[inline]
    pub fn placement(&self) -> Placement {
        match self.at {
            UNDEFINED_AT => Placement::Undefined,
            ABSOLUTE_AT => Placement::Absolute,
            NOT_LOADED_AT => Placement::NotLoaded,
            pos => Placement::Section(pos as usize),
        }
    }

    /// The position of the loaded section the symbol lies in, if any.
    #[inline(always)]
    pub fn section(&self) -> Option<usize> {
        (self.at < NOT_LOADED_AT).then_some(self.at as usize)
    }
}

/// A symbol as listing sees it ([`Object::listing_view`]).
#[derive(Clone, Copy, Debug)]
pub struct ListingView<'o, 'a> {
    object: &'o Object<'a>,
    sym: &'a RawSymbol,
    /// `STT_*`.
    pub kind: u8,
    /// `STB_*`.
    pub binding: u8,
    pub placement: Placement,
    /// `st_value`.
    pub value: u64,
    /// `st_size`.
    pub size: u64,
}

impl<'a> ListingView<'_, 'a> {
    /// The symbol's name ("" if it was not checked while parsing).
    #[inline(always)]
    pub fn name(&self) -> &'a str {
        let o = self.object;
        match o.names.checked(self.sym.st_name(LE)) {
            Some(name) => name,
            None => Object::raw_name(&o.symtab, &o.names, self.sym),
        }
    }
}

/// One relocation of a loaded section, decoded from its raw entry.
#[derive(Clone, Copy, Debug)]
pub struct Reloc {
    /// Index into [`Object::sections`] of the section patched.
    pub section: usize,
    pub offset: u64,
    pub r_type: u32,
    /// Index into the symbol table.
    pub symbol: usize,
    pub addend: i64,
}

/// The symbol string table, checked as UTF-8 once (one pass over the
/// table costs less than checking each name used: a short name's check
/// costs more than a hundred instructions), so each name in it is a slice
/// found without further checks. With `complete`, the table also ends with
/// a NUL, so every in-range offset starts a NUL-terminated name: parsing
/// checks just the range per symbol (reading the byte there to see whether
/// it starts a character was a cache miss per symbol of a large table; a
/// name that does not reads as empty).
/// `at` answers `None` wherever the per-name path must decide (with its
/// exact error): no table, a table that is not UTF-8, an offset out of
/// range, a name without its NUL or cutting a character.
#[derive(Debug)]
struct Names<'a> {
    all: Option<&'a str>,
    complete: bool,
}

impl<'a> Names<'a> {
    fn of(
        table: &object::read::elf::SectionTable<'a, Header>,
        index: object::SectionIndex,
        data: &'a [u8],
    ) -> Names<'a> {
        let all = (index.0 != 0)
            .then(|| table.section(index).ok())
            .flatten()
            .filter(|sh| sh.sh_type(LE) == elf::SHT_STRTAB)
            .and_then(|sh| sh.data(LE, data).ok())
            // A string table is checked whole, at SIMD speed (the
            // standard check was a tenth of parsing a small object).
            .and_then(|bytes| simdutf8::basic::from_utf8(bytes).ok());
        Names {
            all,
            complete: all.is_some_and(|s| s.ends_with('\0')),
        }
    }

    /// Whether `offset` lies in a `complete` table.
    #[inline]
    fn in_range(&self, offset: u32) -> bool {
        self.complete && self.all.is_some_and(|all| (offset as usize) < all.len())
    }

    /// The name at `offset` if it lies in a complete table and is whole
    /// (`None`: the caller takes the reader's path, with its errors).
    #[inline]
    fn checked(&self, offset: u32) -> Option<&'a str> {
        if self.in_range(offset) {
            self.at(offset)
        } else {
            None
        }
    }

    /// The NUL-terminated name at `offset`, exactly as the string table
    /// reader would find it.
    fn at(&self, offset: u32) -> Option<&'a str> {
        let all = self.all?;
        let start = usize::try_from(offset).ok()?;
        let len = memchr::memchr(0, all.as_bytes().get(start..)?)?;
        all.get(start..start + len)
    }
}

/// Whether a defined symbol of this `st_info` may be listed: not a section
/// or file, and not a local label of no type (`.LCPI3_0`: listed only with
/// a log). One lookup per symbol while parsing.
const LISTABLE: [bool; 256] = {
    let mut table = [false; 256];
    let mut info = 0;
    while info < 256 {
        let (kind, binding) = ((info & 0xf) as u8, (info >> 4) as u8);
        table[info] = kind != elf::STT_SECTION
            && kind != elf::STT_FILE
            && (kind != elf::STT_NOTYPE || binding == elf::STB_GLOBAL || binding == elf::STB_WEAK);
        info += 1;
    }
    table
};

/// What checking a symbol's entry reads besides the entry: the symbol
/// and string tables, where each section was loaded, the arch (for
/// errors). The slow paths of parsing's symbol loop and its errors.
struct SymbolChecks<'t, 'a> {
    symtab: &'t object::read::elf::SymbolTable<'a, Header>,
    names: &'t Names<'a>,
    loaded: &'t [PackedPlacement],
    arch: Arch,
}

impl<'a> SymbolChecks<'_, 'a> {
    /// Every symbol's [`Located`] record, the undefined and the listable
    /// ones; the first symbol that fails a check is the error.
    /// `first_global` (the table's `sh_info`) sizes the listable ones:
    /// mostly the globals, which follow the locals.
    fn read_all(&self, first_global: usize) -> Result<SymbolInfo> {
        let raw = self.symtab.symbols();
        let mut undefined = Vec::new();
        let mut listable = Vec::with_capacity(raw.len().saturating_sub(first_global) + 4);
        // Every name offset below this lies in a complete table (see
        // `Names`): only names past it are checked one by one.
        let names_checked = if self.names.complete {
            self.names.all.map_or(0, str::len)
        } else {
            0
        };
        let mut first_bad = None;
        // Collected from an exact-size iterator: a push per symbol was a
        // quarter of parsing a large kernel.
        let placements = raw
            .iter()
            .enumerate()
            .map(|(i, sym)| {
                let at = self.placement_of(i, sym, names_checked, &mut undefined);
                let Some(at) = at else {
                    first_bad.get_or_insert(i);
                    return Located {
                        value: 0,
                        at: NOT_LOADED_AT,
                        other: 0,
                    };
                };
                // Symbol 0 is the table's null entry, never listed.
                if LISTABLE[usize::from(sym.st_info)] && at != UNDEFINED_AT && i != 0 {
                    listable.push(i as u32);
                }
                Located {
                    value: sym.st_value(LE),
                    at,
                    other: sym.st_other,
                }
            })
            .collect();
        if let Some(i) = first_bad {
            return Err(self.error(i));
        }
        Ok(SymbolInfo {
            placements,
            undefined,
            listable,
        })
    }

    /// Where symbol `i` lies, `None` if its entry fails a check (its name
    /// is decoded when used; here only checked where it lies past the
    /// table checked whole, `names_checked` bytes).
    #[inline(always)]
    fn placement_of(
        &self,
        i: usize,
        sym: &RawSymbol,
        names_checked: usize,
        undefined: &mut Vec<usize>,
    ) -> Option<PackedPlacement> {
        let shndx = sym.st_shndx(LE);
        let at = if shndx != elf::SHN_UNDEF && shndx < elf::SHN_LORESERVE {
            // Not loaded unless loaded; `None` past the table.
            self.loaded.get(usize::from(shndx)).copied()
        } else {
            self.special_placement(i, sym, undefined).ok()
        };
        let bad_name =
            sym.st_name(LE) as usize >= names_checked && self.checked_name(i, sym).is_err();
        at.filter(|_| !bad_name)
    }

    /// The name of symbol `i` read and checked by the string table's
    /// reader (for a name outside the table checked whole).
    #[cold]
    fn checked_name(&self, i: usize, sym: &RawSymbol) -> Result<&'a str> {
        let name = self.symtab.symbol_name(LE, sym).map_err(malformed)?;
        std::str::from_utf8(name)
            .map_err(|_| Error::MalformedElf(format!("symbol {i} has a non-UTF-8 name")))
    }

    /// The error of symbol `i`, the first that failed parsing's checks,
    /// in the order they are made: its name, then where it lies.
    #[cold]
    fn error(&self, i: usize) -> Error {
        let Some(sym) = self.symtab.symbols().get(i) else {
            return Error::MalformedElf(format!("symbol {i} is past the symbol table"));
        };
        if !self.names.in_range(sym.st_name(LE)) {
            if let Err(e) = self.checked_name(i, sym) {
                return e;
            }
        }
        let shndx = sym.st_shndx(LE);
        let placement = if shndx != elf::SHN_UNDEF && shndx < elf::SHN_LORESERVE {
            self.section_placement(usize::from(shndx), sym)
        } else {
            self.special_placement(i, sym, &mut Vec::new())
        };
        match placement {
            Err(e) => e,
            Ok(_) => Error::MalformedElf(format!("symbol {i} failed a check")),
        }
    }

    /// Where a symbol with a reserved or undefined `st_shndx` lies (the
    /// rare cases, out of the parse loop): undefined ones are noted in
    /// `undefined` with their names checked (they are resolved by name).
    #[cold]
    fn special_placement(
        &self,
        i: usize,
        sym: &RawSymbol,
        undefined: &mut Vec<usize>,
    ) -> Result<PackedPlacement> {
        Ok(match sym.st_shndx(LE) {
            elf::SHN_UNDEF => {
                if i != 0 {
                    self.checked_name(i, sym)?;
                    undefined.push(i);
                }
                UNDEFINED_AT
            }
            elf::SHN_ABS => ABSOLUTE_AT,
            elf::SHN_COMMON => {
                return Err(Error::Unsupported {
                    arch: self.arch,
                    what: "COMMON symbol",
                    detail: format!(
                        "`{}` (compile with -fno-common, clang's default)",
                        self.name(sym)
                    ),
                });
            }
            _ => {
                // `SHN_XINDEX` (or another reserved index: 0, never
                // loaded).
                let section = self
                    .symtab
                    .symbol_section(LE, sym, object::SymbolIndex(i))
                    .map_err(malformed)?
                    .map_or(0, |s| s.0);
                self.section_placement(section, sym)?
            }
        })
    }

    /// Where a symbol of section `section` lies (not loaded unless the
    /// section is); an error past the section table.
    fn section_placement(&self, section: usize, sym: &RawSymbol) -> Result<PackedPlacement> {
        self.loaded.get(section).copied().ok_or_else(|| {
            Error::MalformedElf(format!(
                "symbol `{}` refers to section {section}, past the section table",
                self.name(sym)
            ))
        })
    }

    /// The name of `sym` for an error ("" if it cannot be read).
    fn name(&self, sym: &RawSymbol) -> &'a str {
        Object::raw_name(self.symtab, self.names, sym)
    }
}

/// The index of the first global symbol (the symbol table's `sh_info`; 0
/// if it cannot be read: only a capacity hint).
fn symtab_first_global(
    table: &object::read::elf::SectionTable<'_, Header>,
    symtab: &object::read::elf::SymbolTable<'_, Header>,
) -> usize {
    table
        .section(symtab.section())
        .map_or(0, |sh| sh.sh_info(LE) as usize)
}

/// The parts of a relocatable ELF object the linker needs: the loaded
/// sections as small records; the symbol table and the relocations as the
/// object's own bytes, read in place (copying them was a per-load
/// allocation of up to a megabyte for a large kernel).
#[derive(Debug)]
pub struct Object<'a> {
    /// Loaded (`SHF_ALLOC`, non-empty) sections, in section-table order.
    pub sections: Vec<Section<'a>>,
    /// The raw symbol table, index 0 included.
    raw_symbols: &'a [RawSymbol],
    /// Where each symbol lies and its value, decided while checking the
    /// table: read by every relocation and listing step.
    placements: Vec<Located>,
    /// Symbols (index 0 excluded) that are `SHN_UNDEF`, in table order.
    pub undefined: Vec<usize>,
    symtab: object::read::elf::SymbolTable<'a, Header>,
    table: object::read::elf::SectionTable<'a, Header>,
    names: Names<'a>,
    /// The relocation sections of loaded sections, in section-table order;
    /// relocations are numbered across them in that order.
    rela_sets: Vec<RelaSet<'a>>,
    reloc_count: usize,
    /// The symbols a linked image may list (defined, not a section or
    /// file, and not a local label of no type), noted while parsing: the
    /// listing and the batch's export table visit these, not the whole
    /// table (mostly `.LCPI` labels in a large kernel).
    pub listable: Vec<u32>,
}

/// The relocations of one loaded section, as raw entries.
#[derive(Debug)]
pub struct RelaSet<'a> {
    /// Position in [`Object::sections`] of the section patched.
    pub section: usize,
    /// Number of the first relocation.
    pub first: usize,
    pub entries: &'a [RawRela],
}

type RawSymbol = elf::Sym64<LittleEndian>;
pub type RawRela = elf::Rela64<LittleEndian>;

/// A raw relocation's offset, type, symbol and addend.
#[inline(always)]
pub fn raw_fields(rela: &RawRela) -> (u64, u32, usize, i64) {
    let info = rela.r_info.get(LE);
    (
        rela.r_offset.get(LE),
        info as u32,
        (info >> 32) as usize,
        rela.r_addend.get(LE),
    )
}

/// A raw relocation of the section at `section`, decoded.
#[inline]
pub fn decode(rela: &RawRela, section: usize) -> Reloc {
    let (offset, r_type, symbol, addend) = raw_fields(rela);
    Reloc {
        section,
        offset,
        r_type,
        symbol,
        addend,
    }
}

fn malformed(e: impl std::fmt::Display) -> Error {
    Error::MalformedElf(e.to_string())
}

/// The ELF header of `data`, checked to be a little-endian relocatable
/// object for `arch`.
fn check_header(data: &[u8], arch: Arch) -> Result<&Header> {
    let header = Header::parse(data).map_err(malformed)?;
    if header.e_ident.data != elf::ELFDATA2LSB {
        return Err(Error::MalformedElf(
            "big-endian object: every supported architecture is little-endian".into(),
        ));
    }
    if header.e_type(LE) != elf::ET_REL {
        return Err(Error::not_relocatable(header.e_type(LE)));
    }
    let machine = header.e_machine(LE);
    if machine != arch.elf_machine() {
        return Err(Error::wrong_machine(arch, machine));
    }
    Ok(header)
}

/// The loaded (`SHF_ALLOC`, non-empty) sections, in table order; notes
/// each one's position in `loaded` (by ELF index).
fn loaded_sections<'a>(
    header: &Header,
    table: &object::read::elf::SectionTable<'a, Header>,
    data: &'a [u8],
    arch: Arch,
    loaded: &mut [PackedPlacement],
) -> Result<Vec<Section<'a>>> {
    // Section names from their table checked once (see `Names`).
    let section_names = match header.shstrndx(LE, data) {
        Ok(index) => Names::of(table, object::SectionIndex(index as usize), data),
        Err(_) => Names {
            all: None,
            complete: false,
        },
    };
    let mut sections = Vec::new();
    for (index, sh) in table.iter().enumerate() {
        let flags = sh.sh_flags(LE);
        if flags & u64::from(elf::SHF_ALLOC) == 0 {
            continue;
        }
        let name = match section_names.checked(sh.sh_name(LE)) {
            Some(name) => name,
            None => {
                let name = table.section_name(LE, sh).map_err(malformed)?;
                std::str::from_utf8(name).map_err(|_| {
                    Error::MalformedElf(format!("section {index} has a non-UTF-8 name"))
                })?
            }
        };
        refuse_unloadable(sh, flags, name, arch)?;
        let size = sh.sh_size(LE);
        if size == 0 {
            continue;
        }
        let align = sh.sh_addralign(LE).max(1);
        if !align.is_power_of_two() || align > MAX_SECTION_ALIGN {
            return Err(Error::MalformedElf(format!(
                "section {name}: alignment {align} is not a power of two up to {MAX_SECTION_ALIGN}"
            )));
        }
        let data = if sh.sh_type(LE) == elf::SHT_NOBITS {
            None
        } else {
            let bytes = sh.data(LE, data).map_err(|_| {
                Error::MalformedElf(format!("section {name}: contents lie outside the file"))
            })?;
            Some(bytes)
        };
        let class = if flags & u64::from(elf::SHF_EXECINSTR) != 0 {
            SectionClass::Code
        } else if flags & u64::from(elf::SHF_WRITE) != 0 {
            SectionClass::Writable
        } else {
            SectionClass::ReadOnly
        };
        loaded[index] = sections.len() as PackedPlacement;
        sections.push(Section {
            name,
            class,
            data,
            size,
            align,
        });
    }
    Ok(sections)
}

/// Refuses an allocated section the loader cannot give its meaning:
/// thread-local data, constructors and destructors.
fn refuse_unloadable(sh: &SectionHeader64, flags: u64, name: &str, arch: Arch) -> Result<()> {
    if flags & u64::from(elf::SHF_TLS) != 0 {
        return Err(Error::Unsupported {
            arch,
            what: "thread-local storage",
            detail: format!("section {name} (thread-local variables cannot be loaded in memory)"),
        });
    }
    if matches!(
        sh.sh_type(LE),
        elf::SHT_INIT_ARRAY | elf::SHT_FINI_ARRAY | elf::SHT_PREINIT_ARRAY
    ) || name.starts_with(".ctors")
        || name.starts_with(".dtors")
    {
        return Err(Error::Unsupported {
            arch,
            what: "constructors or destructors",
            detail: format!("section {name} (global constructors are never run by the loader)"),
        });
    }
    Ok(())
}

/// The relocation sections of loaded sections and how many relocations
/// they hold, each relocation checked to name one of the `symbols`.
/// Relocations of sections that are not loaded (debug info,
/// address-significance tables) are dropped with them.
fn rela_sets<'a>(
    table: &object::read::elf::SectionTable<'a, Header>,
    data: &'a [u8],
    loaded: &[PackedPlacement],
    symbols: usize,
    arch: Arch,
) -> Result<(Vec<RelaSet<'a>>, usize)> {
    let mut sets = Vec::new();
    let mut count = 0;
    for (index, sh) in table.iter().enumerate() {
        let sh_type = sh.sh_type(LE);
        if sh_type != elf::SHT_RELA && sh_type != elf::SHT_REL {
            continue;
        }
        let target = sh.sh_info(LE) as usize;
        let Some(&target_pos) = loaded.get(target).filter(|&&p| p != NOT_LOADED_AT) else {
            continue;
        };
        if sh_type == elf::SHT_REL {
            return Err(Error::Unsupported {
                arch,
                what: "SHT_REL relocation section",
                detail: format!(
                    "section {index} (implicit addends are not used by any supported architecture)"
                ),
            });
        }
        let entries: &[RawRela] = data
            .read_slice_at(sh.sh_offset(LE), sh.sh_size(LE) as usize / 24)
            .map_err(|_| {
                Error::MalformedElf(format!("relocation section {index} lies outside the file"))
            })?;
        if let Some(symbol) = entries
            .iter()
            .map(|rela| raw_fields(rela).2)
            .find(|&symbol| symbol >= symbols)
        {
            return Err(Error::MalformedElf(format!(
                "relocation in section {index} refers to symbol {symbol}, past the symbol table"
            )));
        }
        sets.push(RelaSet {
            section: target_pos as usize,
            first: count,
            entries,
        });
        count += entries.len();
    }
    Ok((sets, count))
}

/// What parsing learns from the symbol table (see [`Object`]).
struct SymbolInfo {
    placements: Vec<Located>,
    undefined: Vec<usize>,
    listable: Vec<u32>,
}

impl<'a> Object<'a> {
    /// Parses and validates `data` as a relocatable object for `arch`.
    pub fn parse(data: &'a [u8], arch: Arch) -> Result<Object<'a>> {
        let header = check_header(data, arch)?;
        let table = header.sections(LE, data).map_err(malformed)?;
        // Position in `sections` of each section by ELF index (or not
        // loaded): what a symbol's `st_shndx` maps to. On the stack for
        // the usual dozen sections (an allocation and free a parse).
        let mut loaded_inline = [NOT_LOADED_AT; 32];
        let mut loaded_heap;
        let loaded: &mut [PackedPlacement] = if table.len() <= loaded_inline.len() {
            &mut loaded_inline[..table.len()]
        } else {
            loaded_heap = vec![NOT_LOADED_AT; table.len()];
            &mut loaded_heap
        };
        let sections = loaded_sections(header, &table, data, arch, loaded)?;
        let symtab = table
            .symbols(LE, data, elf::SHT_SYMTAB)
            .map_err(malformed)?;
        let names = Names::of(&table, symtab.string_section(), data);
        let checks = SymbolChecks {
            symtab: &symtab,
            names: &names,
            loaded,
            arch,
        };
        let symbols = checks.read_all(symtab_first_global(&table, &symtab))?;
        let (rela_sets, reloc_count) =
            rela_sets(&table, data, loaded, symbols.placements.len(), arch)?;
        Ok(Object {
            sections,
            raw_symbols: symtab.symbols(),
            placements: symbols.placements,
            undefined: symbols.undefined,
            symtab,
            table,
            names,
            rela_sets,
            reloc_count,
            listable: symbols.listable,
        })
    }

    /// The relocations, one set per relocated section.
    pub fn rela_sets(&self) -> &[RelaSet<'a>] {
        &self.rela_sets
    }

    /// Number of relocations of loaded sections.
    pub fn reloc_count(&self) -> usize {
        self.reloc_count
    }

    /// Every relocation of a loaded section, in order (its position is its
    /// number), decoded from the object's bytes.
    pub fn relocs(&self) -> impl Iterator<Item = Reloc> + '_ {
        self.rela_sets
            .iter()
            .flat_map(|set| set.entries.iter().map(|rela| decode(rela, set.section)))
    }

    /// Relocation number `index`.
    pub fn reloc(&self, index: usize) -> Reloc {
        let set = self.rela_sets.partition_point(|s| s.first <= index) - 1;
        let set = &self.rela_sets[set];
        decode(&set.entries[index - set.first], set.section)
    }

    /// The name of a raw symbol (checked while parsing; "" if it was not).
    #[cold]
    fn raw_name(
        symtab: &object::read::elf::SymbolTable<'a, Header>,
        names: &Names<'a>,
        sym: &RawSymbol,
    ) -> &'a str {
        let offset = sym.st_name(LE);
        if names.in_range(offset) {
            return names.at(offset).unwrap_or("");
        }
        symtab
            .symbol_name(LE, sym)
            .ok()
            .and_then(|n| std::str::from_utf8(n).ok())
            .unwrap_or("")
    }

    /// Number of symbols, index 0 included.
    pub fn symbol_count(&self) -> usize {
        self.raw_symbols.len()
    }

    /// Where symbol `index` lies.
    #[inline]
    pub fn placement(&self, index: usize) -> Placement {
        self.placements[index].placement()
    }

    /// How many symbols a logged link may list: the listable ones and the
    /// local labels of no type (counted when asked: only logged links do).
    pub fn listable_with_labels(&self) -> usize {
        self.raw_symbols
            .iter()
            .zip(&self.placements)
            .filter(|(sym, at)| {
                at.at != UNDEFINED_AT && !matches!(sym.st_type(), elf::STT_SECTION | elf::STT_FILE)
            })
            .count()
    }

    /// Every symbol's [`Located`] record, by index.
    #[inline]
    pub fn placements(&self) -> &[Located] {
        &self.placements
    }

    /// What listing reads of symbol `index`, from one read of its entry;
    /// its name only when asked ([`ListingView::name`]: the name of a
    /// section symbol is its own, usually empty, and sections are never
    /// listed).
    #[inline(always)]
    pub fn listing_view(&self, index: usize) -> Option<ListingView<'_, 'a>> {
        let sym = self.raw_symbols.get(index)?;
        let located = self.placements.get(index)?;
        Some(ListingView {
            object: self,
            sym,
            kind: sym.st_type(),
            binding: sym.st_bind(),
            placement: located.placement(),
            value: located.value,
            size: sym.st_size(LE),
        })
    }

    /// The name of symbol `index` (its section's, for a section symbol;
    /// empty if its offset cuts a character: the names of undefined
    /// symbols, resolved by name, are checked while parsing).
    pub fn symbol_name(&self, index: usize) -> &'a str {
        let sym = &self.raw_symbols[index];
        let name = Object::raw_name(&self.symtab, &self.names, sym);
        if sym.st_type() != elf::STT_SECTION {
            return name;
        }
        // Name section symbols after their section, for logs.
        match self.placement(index) {
            Placement::Undefined | Placement::Absolute => name,
            Placement::NotLoaded => self
                .symtab
                .symbol_section(LE, sym, object::SymbolIndex(index))
                .ok()
                .flatten()
                .and_then(|s| self.table.section(s).ok())
                .and_then(|s| self.table.section_name(LE, s).ok())
                .and_then(|n| std::str::from_utf8(n).ok())
                .unwrap_or(name),
            Placement::Section(pos) => self.sections[pos].name,
        }
    }

    /// Symbol `index`, decoded.
    pub fn symbol(&self, index: usize) -> Symbol<'a> {
        let sym = &self.raw_symbols[index];
        let def = match self.placement(index) {
            Placement::Undefined => SymbolDef::Undefined,
            Placement::Absolute => SymbolDef::Absolute(sym.st_value(LE)),
            _ => SymbolDef::Section {
                section: self
                    .symtab
                    .symbol_section(LE, sym, object::SymbolIndex(index))
                    .ok()
                    .flatten()
                    .map_or(0, |s| s.0),
                value: sym.st_value(LE),
            },
        };
        Symbol {
            name: self.symbol_name(index),
            def,
            kind: sym.st_type(),
        }
    }

    /// The loaded section symbol `index` is defined in, if any.
    #[inline]
    pub fn symbol_section(&self, index: usize) -> Option<usize> {
        self.placements[index].section()
    }
}
