//! Reading the relocatable object: typed views over the original bytes
//! (through `object::read::elf`), checked once, with nothing copied but the
//! small per-section and per-symbol records the linker works from.

use crate::arch::Arch;
use crate::error::{Error, Result};
use object::elf;
use object::read::elf::{FileHeader, Rela as _, SectionHeader, Sym as _};
use object::{Endian as _, Endianness, ReadRef as _};

type Header = elf::FileHeader64<Endianness>;

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

/// One symbol-table entry.
#[derive(Clone, Debug)]
pub struct Symbol<'a> {
    pub name: &'a str,
    pub def: SymbolDef,
    pub size: u64,
    pub kind: u8,
    pub binding: u8,
    pub other: u8,
}

impl Symbol<'_> {
    /// A section symbol (`STT_SECTION`): named after its section in logs.
    pub fn is_section(&self) -> bool {
        self.kind == elf::STT_SECTION
    }

    /// Visible to the loader's callers: global or weak, and defined.
    pub fn is_exported(&self) -> bool {
        matches!(self.binding, elf::STB_GLOBAL | elf::STB_WEAK)
            && !matches!(self.def, SymbolDef::Undefined)
    }
}

/// One relocation of a loaded section.
#[derive(Clone, Copy, Debug)]
pub struct Reloc {
    /// Index into [`Object::sections`] of the section patched.
    pub section: usize,
    pub offset: u64,
    pub r_type: u32,
    /// Index into [`Object::symbols`].
    pub symbol: usize,
    pub addend: i64,
}

/// A string table checked as UTF-8 once, so that each name in it is a
/// slice checked only for falling on character boundaries (a UTF-8 check
/// and a search per name were a tenth of a small load's profile).
/// `at` answers `None` wherever the per-name path must decide (with its
/// exact error): no table, a table that is not UTF-8, an offset out of
/// range, a name without its NUL or cutting a character.
struct Names<'a>(Option<&'a str>);

impl<'a> Names<'a> {
    fn of(
        table: &object::read::elf::SectionTable<'a, Header>,
        index: object::SectionIndex,
        endian: Endianness,
        data: &'a [u8],
    ) -> Names<'a> {
        Names(
            (index.0 != 0)
                .then(|| table.section(index).ok())
                .flatten()
                .filter(|sh| sh.sh_type(endian) == elf::SHT_STRTAB)
                .and_then(|sh| sh.data(endian, data).ok())
                .and_then(|bytes| std::str::from_utf8(bytes).ok()),
        )
    }

    /// The NUL-terminated name at `offset`, exactly as the string table
    /// reader would find it.
    fn at(&self, offset: u32) -> Option<&'a str> {
        let all = self.0?;
        let start = usize::try_from(offset).ok()?;
        let len = nul_position(all.as_bytes().get(start..)?)?;
        all.get(start..start + len)
    }
}

/// The position of the first zero byte, eight bytes at a time (a byte
/// loop was half the cost of reading a name).
fn nul_position(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut words = bytes.chunks_exact(8);
    let mut at = 0;
    for word in &mut words {
        let mut w = [0u8; 8];
        w.copy_from_slice(word);
        let w = u64::from_le_bytes(w);
        // A high bit for each zero byte, and possibly for bytes after the
        // first zero (borrows): the lowest one is exact.
        let zeros = w.wrapping_sub(ONES) & !w & HIGHS;
        if zeros != 0 {
            return Some(at + (zeros.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    words
        .remainder()
        .iter()
        .position(|&b| b == 0)
        .map(|p| at + p)
}

/// The parts of a relocatable ELF object the linker needs.
#[derive(Debug)]
pub struct Object<'a> {
    /// Loaded (`SHF_ALLOC`, non-empty) sections, in section-table order.
    pub sections: Vec<Section<'a>>,
    /// Map from ELF section index to position in `sections`.
    pub loaded: Vec<Option<usize>>,
    /// The whole symbol table, index 0 included.
    pub symbols: Vec<Symbol<'a>>,
    /// Relocations of loaded sections, grouped by section.
    pub relocs: Vec<Reloc>,
}

fn malformed(e: impl std::fmt::Display) -> Error {
    Error::MalformedElf(e.to_string())
}

impl<'a> Object<'a> {
    /// Parses and validates `data` as a relocatable object for `arch`.
    pub fn parse(data: &'a [u8], arch: Arch) -> Result<Object<'a>> {
        let header = Header::parse(data).map_err(malformed)?;
        let endian = header.endian().map_err(malformed)?;
        if !endian.is_little_endian() {
            return Err(Error::MalformedElf(
                "big-endian object: every supported architecture is little-endian".into(),
            ));
        }
        if header.e_type(endian) != elf::ET_REL {
            return Err(Error::MalformedElf(format!(
                "e_type {} is not ET_REL: only relocatable objects (clang -c) are loaded",
                header.e_type(endian)
            )));
        }
        let machine = header.e_machine(endian);
        if machine != arch.elf_machine() {
            return Err(Error::WrongMachine {
                expected: arch,
                found: machine,
                found_name: Arch::from_elf_machine(machine).map_or("unknown", Arch::name),
            });
        }
        let table = header.sections(endian, data).map_err(malformed)?;

        let mut sections = Vec::new();
        let mut loaded = vec![None; table.len()];
        for (index, sh) in table.iter().enumerate() {
            let flags = sh.sh_flags(endian);
            if flags & u64::from(elf::SHF_ALLOC) == 0 {
                continue;
            }
            let name = table.section_name(endian, sh).map_err(malformed)?;
            let name = std::str::from_utf8(name).map_err(|_| {
                Error::MalformedElf(format!("section {index} has a non-UTF-8 name"))
            })?;
            if flags & u64::from(elf::SHF_TLS) != 0 {
                return Err(Error::Unsupported {
                    arch,
                    what: "thread-local storage",
                    detail: format!(
                        "section {name} (thread-local variables cannot be loaded in memory)"
                    ),
                });
            }
            let sh_type = sh.sh_type(endian);
            if matches!(
                sh_type,
                elf::SHT_INIT_ARRAY | elf::SHT_FINI_ARRAY | elf::SHT_PREINIT_ARRAY
            ) || name.starts_with(".ctors")
                || name.starts_with(".dtors")
            {
                return Err(Error::Unsupported {
                    arch,
                    what: "constructors or destructors",
                    detail: format!(
                        "section {name} (global constructors are never run by the loader)"
                    ),
                });
            }
            let size = sh.sh_size(endian);
            if size == 0 {
                continue;
            }
            let align = sh.sh_addralign(endian).max(1);
            if !align.is_power_of_two() || align > MAX_SECTION_ALIGN {
                return Err(Error::MalformedElf(format!(
                    "section {name}: alignment {align} is not a power of two up to {MAX_SECTION_ALIGN}"
                )));
            }
            let data = if sh_type == elf::SHT_NOBITS {
                None
            } else {
                let bytes = sh.data(endian, data).map_err(|_| {
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
            loaded[index] = Some(sections.len());
            sections.push(Section {
                name,
                class,
                data,
                size,
                align,
            });
        }

        let symtab = table
            .symbols(endian, data, elf::SHT_SYMTAB)
            .map_err(malformed)?;
        let names = Names::of(&table, symtab.string_section(), endian, data);
        let mut symbols = Vec::with_capacity(symtab.len());
        for (i, sym) in symtab.iter().enumerate() {
            let name = match names.at(sym.st_name(endian)) {
                Some(name) => name,
                None => {
                    let name = symtab.symbol_name(endian, sym).map_err(malformed)?;
                    std::str::from_utf8(name).map_err(|_| {
                        Error::MalformedElf(format!("symbol {i} has a non-UTF-8 name"))
                    })?
                }
            };
            let shndx = sym.st_shndx(endian);
            let def = match shndx {
                elf::SHN_UNDEF => SymbolDef::Undefined,
                elf::SHN_ABS => SymbolDef::Absolute(sym.st_value(endian)),
                elf::SHN_COMMON => {
                    return Err(Error::Unsupported {
                        arch,
                        what: "COMMON symbol",
                        detail: format!("`{name}` (compile with -fno-common, clang's default)"),
                    })
                }
                _ => {
                    let section = symtab
                        .symbol_section(endian, sym, object::SymbolIndex(i))
                        .map_err(malformed)?
                        .map_or(0, |s| s.0);
                    if section >= table.len() {
                        return Err(Error::MalformedElf(format!(
                            "symbol `{name}` refers to section {section}, past the section table"
                        )));
                    }
                    SymbolDef::Section {
                        section,
                        value: sym.st_value(endian),
                    }
                }
            };
            // Name section symbols after their section, for logs.
            let name = if sym.st_type() == elf::STT_SECTION {
                match def {
                    // A loaded section's name is known already.
                    SymbolDef::Section { section, .. } if loaded[section].is_some() => {
                        loaded[section].map_or(name, |pos| sections[pos].name)
                    }
                    SymbolDef::Section { section, .. } => table
                        .section(object::SectionIndex(section))
                        .ok()
                        .and_then(|s| table.section_name(endian, s).ok())
                        .and_then(|n| std::str::from_utf8(n).ok())
                        .unwrap_or(name),
                    _ => name,
                }
            } else {
                name
            };
            symbols.push(Symbol {
                name,
                def,
                size: sym.st_size(endian),
                kind: sym.st_type(),
                binding: sym.st_bind(),
                other: sym.st_other(),
            });
        }

        let mut relocs = Vec::new();
        for (index, sh) in table.iter().enumerate() {
            let sh_type = sh.sh_type(endian);
            if sh_type != elf::SHT_RELA && sh_type != elf::SHT_REL {
                continue;
            }
            let target = sh.sh_info(endian) as usize;
            let Some(&Some(target_pos)) = loaded.get(target) else {
                // Relocations of sections we do not load (debug info,
                // address-significance tables) are dropped with them.
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
            let entries: &[elf::Rela64<Endianness>] = data
                .read_slice_at(sh.sh_offset(endian), sh.sh_size(endian) as usize / 24)
                .map_err(|_| {
                    Error::MalformedElf(format!("relocation section {index} lies outside the file"))
                })?;
            relocs.reserve(entries.len());
            for rela in entries {
                let symbol = rela.r_sym(endian, false) as usize;
                if symbol >= symbols.len() {
                    return Err(Error::MalformedElf(format!(
                        "relocation in section {index} refers to symbol {symbol}, past the symbol table"
                    )));
                }
                relocs.push(Reloc {
                    section: target_pos,
                    offset: rela.r_offset(endian),
                    r_type: rela.r_type(endian, false),
                    symbol,
                    addend: rela.r_addend(endian),
                });
            }
        }

        Ok(Object {
            sections,
            loaded,
            symbols,
            relocs,
        })
    }

    /// The loaded section a symbol is defined in, if any.
    pub fn symbol_section(&self, symbol: &Symbol<'_>) -> Option<usize> {
        match symbol.def {
            SymbolDef::Section { section, .. } => self.loaded.get(section).copied().flatten(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn nul_position_finds_the_first_zero() {
        for len in 0..40 {
            for zero in 0..=len {
                // Bytes that trip the word trick's borrows (0x01, 0x80, 0xff)
                // around the zero.
                let mut bytes: Vec<u8> = (0..len).map(|i| [1u8, 0x80, 0xff, b'a'][i % 4]).collect();
                if zero < len {
                    bytes[zero] = 0;
                    if zero + 1 < len {
                        bytes[zero + 1] = 0;
                    }
                }
                let expected = bytes.iter().position(|&b| b == 0);
                assert_eq!(super::nul_position(&bytes), expected, "{bytes:?}");
            }
        }
    }
}
