//! A synthetic x86_64 object for link tests that need exactly one
//! relocation (errors.rs, link_x86_64_ranges.rs).

use object::write::{Object as WObject, Relocation, StandardSection, Symbol, SymbolSection};
use object::{
    Architecture, BinaryFormat, Endianness, RelocationFlags, SymbolFlags, SymbolKind, SymbolScope,
};

/// Where the relocated field sits in `.text`.
pub const FIELD: u64 = 1;

/// `.text` of 16 `nop`s defining `f`, with one relocation of raw type
/// `r_type` at [`FIELD`] against the undefined symbol `target`.
pub fn object_with_reloc(r_type: u32, target: &str, addend: i64) -> Vec<u8> {
    let mut o = WObject::new(BinaryFormat::Elf, Architecture::X86_64, Endianness::Little);
    let text = o.section_id(StandardSection::Text);
    o.append_section_data(text, &[0x90; 16], 16);
    o.add_symbol(Symbol {
        name: b"f".to_vec(),
        value: 0,
        size: 16,
        kind: SymbolKind::Text,
        scope: SymbolScope::Linkage,
        weak: false,
        section: SymbolSection::Section(text),
        flags: SymbolFlags::None,
    });
    let sym = o.add_symbol(Symbol {
        name: target.as_bytes().to_vec(),
        value: 0,
        size: 0,
        kind: SymbolKind::Unknown,
        scope: SymbolScope::Unknown,
        weak: false,
        section: SymbolSection::Undefined,
        flags: SymbolFlags::None,
    });
    o.add_relocation(
        text,
        Relocation {
            offset: FIELD,
            symbol: sym,
            addend,
            flags: RelocationFlags::Elf { r_type },
        },
    )
    .unwrap();
    o.write().unwrap()
}
