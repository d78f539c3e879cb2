//! Shared pieces of the fuzz targets: the harness around the pure link step
//! and a structure-aware mutator for ELF64 little-endian relocatable
//! objects (all five architectures are ELF64 LE).
//!
//! The promise under test: for every input, [`loader::link::link`] returns
//! an image or an error. A panic, an out-of-bounds access, an allocation
//! past libFuzzer's `-malloc_limit_mb`, or an input slower than `-timeout`
//! is a crash.

pub use libfuzzer_sys;
use loader::link::{link, LinkOptions, Prepared};
use loader::Arch;

/// Where the fuzz targets link: high enough that absolute relocations
/// against low resolver addresses overflow sometimes, not always.
const BASE: u64 = 0x7f12_3456_0000;

/// Links `data` for `arch` with a resolver that knows most names: some at
/// addresses near the image (in range of PC-relative fields), some far away,
/// and one name in eight not at all.
pub fn link_one(arch: Arch, data: &[u8]) {
    // Both layouts: read-only data apart from the code, or with it.
    let options = LinkOptions {
        page_size: 0x1000,
        record_log: true,
        separate_read_only: data.len() % 2 == 0,
    };
    if let Ok(p) = Prepared::new(data, arch, &options) {
        let _ = p.undefined_symbols();
        let _ = p.segments();
    }
    let resolver = |name: &str| {
        let h = name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
        });
        match h % 8 {
            0 => None,
            1 => Some(h),
            2 => Some(0x1000 + (h >> 40)),
            _ => Some(BASE.wrapping_add(h % 0x1000_0000).wrapping_sub(0x800_0000)),
        }
    };
    if let Ok(image) = link(data, arch, BASE, &resolver, &options) {
        // Segments outside the image would make `Module` mprotect memory
        // it does not own.
        for s in &image.output.segments {
            assert!(s.offset + s.len <= image.bytes.len() as u64, "{s:?}");
        }
    }
}

/// Defines the fuzz target and its custom mutator for one architecture.
#[macro_export]
macro_rules! link_target {
    ($arch:ident) => {
        $crate::libfuzzer_sys::fuzz_target!(|data: &[u8]| {
            $crate::link_one(loader::Arch::$arch, data);
        });

        $crate::libfuzzer_sys::fuzz_mutator!(|data: &mut [u8],
                                              size: usize,
                                              max_size: usize,
                                              seed: u32| {
            // Half the time a structural edit of a valid object (which byte
            // flips rarely produce), else libFuzzer's own mutations.
            if seed % 2 == 0 && $crate::mutate_structure(&mut data[..size], seed) {
                return size;
            }
            $crate::libfuzzer_sys::fuzzer_mutate(data, size, max_size)
        });
    };
}

/// xorshift64*: the mutator's choices, from libFuzzer's seed.
struct Rng(u64);

impl Rng {
    fn new(seed: u32) -> Rng {
        Rng((seed as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// A field of the object: byte offset and width (1, 2, 4 or 8).
#[derive(Clone, Copy, Debug)]
struct Field {
    at: usize,
    width: usize,
}

/// The fields worth corrupting, by kind, so that the few relocation fields
/// are not swamped by the many section-header ones.
#[derive(Default, Debug)]
struct Fields {
    header: Vec<Field>,
    section_headers: Vec<Field>,
    /// sh_addralign and sh_size of every section.
    sizes_and_alignments: Vec<Field>,
    symbols: Vec<Field>,
    symbol_indices: Vec<Field>,
    reloc_offsets: Vec<Field>,
    reloc_types: Vec<Field>,
    reloc_addends: Vec<Field>,
}

fn read(data: &[u8], f: Field) -> Option<u64> {
    let b = data.get(f.at..f.at.checked_add(f.width)?)?;
    let mut v = [0u8; 8];
    v[..f.width].copy_from_slice(b);
    Some(u64::from_le_bytes(v))
}

fn write(data: &mut [u8], f: Field, value: u64) {
    if let Some(b) = data.get_mut(f.at..f.at + f.width) {
        b.copy_from_slice(&value.to_le_bytes()[..f.width]);
    }
}

const SHT_SYMTAB: u64 = 2;
const SHT_RELA: u64 = 4;
const SHT_REL: u64 = 9;

/// Finds the fields of an ELF64 LE object; `None` if `data` is not one.
fn fields(data: &[u8]) -> Option<Fields> {
    if data.len() < 64 || &data[..4] != b"\x7fELF" || data[4] != 2 || data[5] != 1 {
        return None;
    }
    let f = |at, width| Field { at, width };
    let shoff = read(data, f(0x28, 8))? as usize;
    let shentsize = read(data, f(0x3a, 2))? as usize;
    let shnum = read(data, f(0x3c, 2))? as usize;
    if shentsize != 64 || shoff.checked_add(shnum.checked_mul(64)?)? > data.len() {
        return None;
    }
    let mut out = Fields {
        header: vec![f(0x28, 8), f(0x3a, 2), f(0x3c, 2), f(0x3e, 2), f(0x10, 2)],
        ..Fields::default()
    };
    for i in 0..shnum {
        let sh = shoff + 64 * i;
        // sh_name, sh_type, sh_flags, sh_offset, sh_link, sh_info, sh_entsize
        for (off, w) in [
            (0, 4),
            (4, 4),
            (8, 8),
            (0x18, 8),
            (0x28, 4),
            (0x2c, 4),
            (0x38, 8),
        ] {
            out.section_headers.push(f(sh + off, w));
        }
        out.sizes_and_alignments.push(f(sh + 0x20, 8));
        out.sizes_and_alignments.push(f(sh + 0x30, 8));
        let sh_type = read(data, f(sh + 4, 4))?;
        let offset = read(data, f(sh + 0x18, 8))? as usize;
        let size = read(data, f(sh + 0x20, 8))? as usize;
        let entries = |entsize: usize| {
            let end = offset.saturating_add(size).min(data.len());
            (offset..end.saturating_sub(entsize - 1)).step_by(entsize)
        };
        match sh_type {
            SHT_SYMTAB => {
                for e in entries(24) {
                    // st_name, st_info, st_other, st_value, st_size
                    for (off, w) in [(0, 4), (4, 1), (5, 1), (8, 8), (16, 8)] {
                        out.symbols.push(f(e + off, w));
                    }
                    out.symbol_indices.push(f(e + 6, 2)); // st_shndx
                }
            }
            SHT_RELA | SHT_REL => {
                let size = if sh_type == SHT_RELA { 24 } else { 16 };
                for e in entries(size) {
                    out.reloc_offsets.push(f(e, 8));
                    out.reloc_types.push(f(e + 8, 4));
                    out.symbol_indices.push(f(e + 12, 4));
                    if sh_type == SHT_RELA {
                        out.reloc_addends.push(f(e + 16, 8));
                    }
                }
            }
            _ => {}
        }
    }
    Some(out)
}

/// Corrupts one to four header, section, symbol or relocation fields of the
/// ELF object in `data` in place; false if `data` is not an ELF64 LE object.
pub fn mutate_structure(data: &mut [u8], seed: u32) -> bool {
    let Some(fields) = fields(data) else {
        return false;
    };
    let mut rng = Rng::new(seed);
    let kinds = [
        &fields.header,
        &fields.section_headers,
        &fields.sizes_and_alignments,
        &fields.symbols,
        &fields.symbol_indices,
        &fields.reloc_offsets,
        &fields.reloc_types,
        &fields.reloc_addends,
    ];
    // A later edit may undo an earlier one: compare with the original.
    let original = data.to_vec();
    for _ in 0..1 + rng.below(4) {
        let kind = kinds[rng.below(kinds.len())];
        if kind.is_empty() {
            continue;
        }
        let field = kind[rng.below(kind.len())];
        let Some(old) = read(data, field) else {
            continue;
        };
        // A value of the same kind elsewhere: a plausible but wrong index,
        // type or offset.
        let other = read(data, kind[rng.below(kind.len())]).unwrap_or(0);
        let bits = 8 * field.width as u32;
        let value = match rng.below(12) {
            0 => 0,
            1 => 1,
            2 => u64::MAX,
            3 => old.wrapping_add(1 + rng.below(8) as u64),
            4 => old.wrapping_sub(1 + rng.below(8) as u64),
            5 => old ^ (1 << rng.below(bits as usize)),
            6 => 1 << rng.below(bits as usize),
            7 => (1u64 << rng.below(bits as usize)).wrapping_sub(1),
            8 => other,
            9 => data.len() as u64 - rng.below(64) as u64,
            10 => old
                .wrapping_add(0x1000)
                .wrapping_mul(1 + rng.below(4) as u64),
            _ => rng.next(),
        };
        write(data, field, value);
    }
    data != original.as_slice()
}

#[cfg(test)]
mod tests {
    use super::*;
    use object::write::{Object, Relocation, StandardSection, Symbol, SymbolSection};
    use object::{
        Architecture, BinaryFormat, Endianness, RelocationFlags, SymbolFlags, SymbolKind,
        SymbolScope,
    };

    /// `.text` with two relocations (types 2 and 4) against an undefined
    /// symbol, `.data` with a defined one.
    fn object() -> Vec<u8> {
        let mut o = Object::new(BinaryFormat::Elf, Architecture::X86_64, Endianness::Little);
        let text = o.section_id(StandardSection::Text);
        o.append_section_data(text, &[0x90; 32], 16);
        let data = o.section_id(StandardSection::Data);
        o.append_section_data(data, &[1; 8], 8);
        let symbol = |name: &[u8], section| Symbol {
            name: name.to_vec(),
            value: 0,
            size: 0,
            kind: if section == SymbolSection::Undefined {
                SymbolKind::Unknown
            } else {
                SymbolKind::Data
            },
            scope: SymbolScope::Linkage,
            weak: false,
            section,
            flags: SymbolFlags::None,
        };
        o.add_symbol(symbol(b"d", SymbolSection::Section(data)));
        let ext = o.add_symbol(symbol(b"ext", SymbolSection::Undefined));
        for (offset, r_type) in [(1, 2), (9, 4)] {
            let reloc = Relocation {
                offset,
                symbol: ext,
                addend: -4,
                flags: RelocationFlags::Elf { r_type },
            };
            o.add_relocation(text, reloc).unwrap();
        }
        o.write().unwrap()
    }

    #[test]
    fn finds_the_fields_of_every_kind() {
        let obj = object();
        let f = fields(&obj).unwrap();
        let types: Vec<u64> = f
            .reloc_types
            .iter()
            .map(|&t| read(&obj, t).unwrap())
            .collect();
        assert_eq!(types, [2, 4]);
        let offsets: Vec<u64> = f
            .reloc_offsets
            .iter()
            .map(|&t| read(&obj, t).unwrap())
            .collect();
        assert_eq!(offsets, [1, 9]);
        let addends: Vec<u64> = f
            .reloc_addends
            .iter()
            .map(|&t| read(&obj, t).unwrap())
            .collect();
        assert_eq!(addends, [-4i64 as u64; 2]);
        assert!(f.symbols.len() >= 5 * 3, "{f:?}"); // null, section, d, ext, ...
        assert!(f.symbol_indices.len() >= 3 + 2, "{f:?}");
        assert!(!f.header.is_empty() && !f.section_headers.is_empty());
        assert!(!f.sizes_and_alignments.is_empty());
    }

    #[test]
    fn mutations_hit_every_kind_and_keep_the_size() {
        let obj = object();
        let f = fields(&obj).unwrap();
        let kinds = [
            &f.header,
            &f.section_headers,
            &f.sizes_and_alignments,
            &f.symbols,
            &f.symbol_indices,
            &f.reloc_offsets,
            &f.reloc_types,
            &f.reloc_addends,
        ];
        let mut hit = [0usize; 8];
        let mut changed = 0;
        for seed in 0..2000 {
            let mut m = obj.clone();
            if mutate_structure(&mut m, seed) {
                changed += 1;
                assert!(m != obj, "seed {seed} reported a change but made none");
            }
            assert_eq!(m.len(), obj.len());
            for (k, fields) in kinds.iter().enumerate() {
                if fields.iter().any(|&x| read(&m, x) != read(&obj, x)) {
                    hit[k] += 1;
                }
            }
        }
        assert!(changed > 1800, "{changed}");
        assert!(hit.iter().all(|&h| h > 100), "{hit:?}");
    }

    #[test]
    fn leaves_other_bytes_to_libfuzzer() {
        assert!(!mutate_structure(
            &mut b"not an ELF object at all, no".to_vec(),
            7
        ));
        let mut elf32 = object();
        elf32[4] = 1;
        assert!(!mutate_structure(&mut elf32, 7));
    }
}
