//! Synthetic relocatable ELF objects (64-bit little-endian, as every arch
//! of the loader) for the link tests that need exact sections, symbols and
//! relocations, which clang would not write on demand.
#![allow(dead_code)] // each test file uses its part

use object::write::SymbolSection;
use object::write::{Object, Relocation, SectionId, StandardSection, Symbol, SymbolId};
use object::{
    Architecture, BinaryFormat, Endianness, RelocationFlags, SectionKind, SymbolFlags, SymbolKind,
    SymbolScope,
};
use std::collections::HashMap;

/// Where a symbol of a synthetic object lies.
#[derive(Clone, Copy, Debug)]
pub enum At {
    Undefined,
    /// `SHN_COMMON`, of this size.
    Common {
        size: u64,
    },
    /// `SHN_ABS`, with this value.
    Absolute(u64),
    /// In `section` at offset `value`.
    Section {
        section: SectionId,
        value: u64,
        size: u64,
    },
}

/// An object under construction.
pub struct Synthetic {
    object: Object<'static>,
    /// The first symbol added under each name.
    by_name: HashMap<Vec<u8>, SymbolId>,
}

impl Synthetic {
    pub fn new(arch: Architecture) -> Synthetic {
        Synthetic {
            object: Object::new(BinaryFormat::Elf, arch, Endianness::Little),
            by_name: HashMap::new(),
        }
    }

    /// A new section `name` holding `data` aligned to `align`.
    pub fn section(&mut self, name: &str, kind: SectionKind, data: &[u8], align: u64) -> SectionId {
        let id = self
            .object
            .add_section(Vec::new(), name.as_bytes().to_vec(), kind);
        self.object.append_section_data(id, data, align);
        id
    }

    /// `.text` holding `code` aligned to `align`.
    pub fn text(&mut self, code: &[u8], align: u64) -> SectionId {
        let id = self.object.section_id(StandardSection::Text);
        self.object.append_section_data(id, code, align);
        id
    }

    /// A new (non-weak) symbol, even if one of that name exists.
    pub fn symbol(
        &mut self,
        name: impl AsRef<[u8]>,
        at: At,
        kind: SymbolKind,
        scope: SymbolScope,
    ) -> SymbolId {
        let name = name.as_ref().to_vec();
        let (section, value, size) = match at {
            At::Undefined => (SymbolSection::Undefined, 0, 0),
            At::Common { size } => (SymbolSection::Common, 0, size),
            At::Absolute(value) => (SymbolSection::Absolute, value, 0),
            At::Section {
                section,
                value,
                size,
            } => (SymbolSection::Section(section), value, size),
        };
        let id = self.object.add_symbol(Symbol {
            name: name.clone(),
            value,
            size,
            kind,
            scope,
            weak: false,
            section,
            flags: SymbolFlags::None,
        });
        self.by_name.entry(name).or_insert(id);
        id
    }

    /// The first symbol added as `name`.
    pub fn symbol_named(&self, name: impl AsRef<[u8]>) -> Option<SymbolId> {
        self.by_name.get(name.as_ref()).copied()
    }

    /// A relocation of raw ELF type `r_type` at `section + offset`.
    pub fn reloc(
        &mut self,
        section: SectionId,
        offset: u64,
        r_type: u32,
        symbol: SymbolId,
        addend: i64,
    ) {
        let relocation = Relocation {
            offset,
            symbol,
            addend,
            flags: RelocationFlags::Elf { r_type },
        };
        self.object.add_relocation(section, relocation).unwrap();
    }

    /// What the helpers do not cover (section flags, ELF header flags,
    /// raw symbol flags).
    pub fn object_mut(&mut self) -> &mut Object<'static> {
        &mut self.object
    }

    /// The object file's bytes.
    pub fn finish(self) -> Vec<u8> {
        self.object.write().unwrap()
    }
}

/// Where the relocated field of [`object_with_reloc`] sits in `.text`.
pub const FIELD: u64 = 1;

/// An x86_64 `.text` of 16 `nop`s defining `f`, with one relocation of raw
/// type `r_type` at [`FIELD`] against the undefined symbol `target`.
pub fn object_with_reloc(r_type: u32, target: &str, addend: i64) -> Vec<u8> {
    let mut o = Synthetic::new(Architecture::X86_64);
    let text = o.text(&[0x90; 16], 16);
    let f = At::Section {
        section: text,
        value: 0,
        size: 16,
    };
    o.symbol("f", f, SymbolKind::Text, SymbolScope::Linkage);
    let target = o.symbol(
        target,
        At::Undefined,
        SymbolKind::Unknown,
        SymbolScope::Unknown,
    );
    o.reloc(text, FIELD, r_type, target, addend);
    o.finish()
}
