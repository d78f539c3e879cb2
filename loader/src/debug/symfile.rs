//! The small ELF file that describes a loaded image to a debugger: one
//! section per protection group of the image at its real address (without
//! contents, `SHT_NOBITS`, for GDB, which reads the code from memory; with
//! the image bytes for a disassembler), and a symbol table with every named
//! symbol of the image (functions as `STT_FUNC` with their sizes). ELF64 little-endian for every architecture
//! of the loader; `e_machine` and `e_flags` say which one.

use crate::arch::Arch;
use crate::link::{Protection, Segment, SymbolList};

const EHDR_SIZE: usize = 64;
const SHDR_SIZE: usize = 64;
const SYM_SIZE: usize = 24;

const ET_EXEC: u16 = 2;
const SHT_PROGBITS: u32 = 1;
const SHT_SYMTAB: u32 = 2;
const SHT_STRTAB: u32 = 3;
const SHT_NOBITS: u32 = 8;
const SHF_WRITE: u64 = 1;
const SHF_ALLOC: u64 = 2;
const SHF_EXECINSTR: u64 = 4;
const STB_LOCAL: u8 = 0;
const STB_GLOBAL: u8 = 1;
const STT_OBJECT: u8 = 1;
const STT_FUNC: u8 = 2;
const SHN_ABS: u16 = 0xfff1;

/// What a symbol file describes: an image of `size` bytes at `base`.
#[derive(Debug, Clone, Copy)]
pub struct ImageDescription<'a> {
    pub arch: Arch,
    pub base: u64,
    pub size: u64,
    pub segments: &'a [Segment],
    pub symbols: &'a SymbolList,
    /// The image bytes (`size` of them), to put in the file.
    pub contents: Option<&'a [u8]>,
}

/// ELF `e_flags` a debugger expects for the ABI the loader supports.
fn elf_flags(arch: Arch) -> u32 {
    match arch {
        // ELFv2.
        Arch::Ppc64le => 2,
        // EF_RISCV_RVC | EF_RISCV_FLOAT_ABI_DOUBLE (lp64d, rv64gc).
        Arch::Riscv64 => 0x5,
        // EF_LOONGARCH_ABI_DOUBLE_FLOAT | EF_LOONGARCH_OBJABI_V1.
        Arch::Loongarch64 => 0x43,
        Arch::X86_64 | Arch::Aarch64 => 0,
    }
}

fn section_name(p: Protection) -> &'static str {
    match p {
        Protection::ReadExecute => ".text",
        Protection::ReadOnly => ".rodata",
        Protection::ReadWrite => ".data",
    }
}

fn section_flags(p: Protection) -> u64 {
    match p {
        Protection::ReadExecute => SHF_ALLOC | SHF_EXECINSTR,
        Protection::ReadOnly => SHF_ALLOC,
        Protection::ReadWrite => SHF_ALLOC | SHF_WRITE,
    }
}

/// A string table under construction (offset 0 is the empty string).
struct StringTable(Vec<u8>);

impl StringTable {
    fn add(&mut self, s: &str) -> u32 {
        let at = self.0.len() as u32;
        self.0.extend_from_slice(s.as_bytes());
        self.0.push(0);
        at
    }
}

fn put_u16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}
fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}
fn put_u64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

struct SectionHeader {
    name: u32,
    ty: u32,
    flags: u64,
    addr: u64,
    offset: u64,
    size: u64,
    link: u32,
    info: u32,
    align: u64,
    entsize: u64,
}

impl SectionHeader {
    fn write(&self, out: &mut Vec<u8>) {
        put_u32(out, self.name);
        put_u32(out, self.ty);
        put_u64(out, self.flags);
        put_u64(out, self.addr);
        put_u64(out, self.offset);
        put_u64(out, self.size);
        put_u32(out, self.link);
        put_u32(out, self.info);
        put_u64(out, self.align);
        put_u64(out, self.entsize);
    }
}

/// The symbol file of `image`.
pub fn build(image: &ImageDescription<'_>) -> Vec<u8> {
    let mut shstr = StringTable(vec![0]);
    let mut strtab = StringTable(vec![0]);

    // Sections 1..=n: the image's segments (the whole image as `.text` when
    // the segments are unknown).
    let whole = [Segment {
        offset: 0,
        len: image.size,
        protection: Protection::ReadExecute,
    }];
    let segments = if image.segments.is_empty() {
        &whole[..]
    } else {
        image.segments
    };
    let section_of = |address: u64| -> u16 {
        segments
            .iter()
            .position(|s| {
                let start = image.base.wrapping_add(s.offset);
                address >= start && address - start < s.len
            })
            .map_or(SHN_ABS, |i| (i + 1) as u16)
    };

    // Locals first, as ELF requires; `sh_info` is the first global.
    let mut symtab = vec![0u8; SYM_SIZE];
    let mut first_global = 1u32;
    for pass_exported in [false, true] {
        for s in image.symbols.iter().filter(|s| s.exported == pass_exported) {
            let bind = if s.exported { STB_GLOBAL } else { STB_LOCAL };
            let ty = if s.is_function { STT_FUNC } else { STT_OBJECT };
            put_u32(&mut symtab, strtab.add(s.name));
            symtab.push((bind << 4) | ty);
            symtab.push(0);
            put_u16(&mut symtab, section_of(s.address));
            put_u64(&mut symtab, s.address);
            put_u64(&mut symtab, s.size);
            if !pass_exported {
                first_global += 1;
            }
        }
    }

    let mut headers = vec![SectionHeader {
        name: 0,
        ty: 0,
        flags: 0,
        addr: 0,
        offset: 0,
        size: 0,
        link: 0,
        info: 0,
        align: 0,
        entsize: 0,
    }];
    for s in segments {
        headers.push(SectionHeader {
            name: shstr.add(section_name(s.protection)),
            ty: SHT_NOBITS,
            flags: section_flags(s.protection),
            addr: image.base.wrapping_add(s.offset),
            offset: EHDR_SIZE as u64,
            size: s.len,
            link: 0,
            info: 0,
            align: 16,
            entsize: 0,
        });
    }
    let symtab_index = headers.len();
    let strtab_index = symtab_index + 1;
    let shstrtab_index = symtab_index + 2;
    let symtab_name = shstr.add(".symtab");
    let strtab_name = shstr.add(".strtab");
    let shstrtab_name = shstr.add(".shstrtab");

    // File layout: header, image bytes (if any, 16-aligned), symtab
    // (8-aligned), strtab, shstrtab, then the section headers (8-aligned).
    let contents = image.contents.unwrap_or_default();
    let contents_offset = EHDR_SIZE;
    if image.contents.is_some() {
        for h in &mut headers[1..] {
            let start = h.addr.wrapping_sub(image.base);
            h.ty = SHT_PROGBITS;
            h.offset = contents_offset as u64 + start;
            // Never past the bytes given (a short buffer is not an error).
            h.size = h.size.min((contents.len() as u64).saturating_sub(start));
        }
    }
    let symtab_offset = (contents_offset + contents.len()).next_multiple_of(8);
    let strtab_offset = symtab_offset + symtab.len();
    let shstrtab_offset = strtab_offset + strtab.0.len();
    let shdr_offset = (shstrtab_offset + shstr.0.len()).next_multiple_of(8);
    headers.push(SectionHeader {
        name: symtab_name,
        ty: SHT_SYMTAB,
        flags: 0,
        addr: 0,
        offset: symtab_offset as u64,
        size: symtab.len() as u64,
        link: strtab_index as u32,
        info: first_global,
        align: 8,
        entsize: SYM_SIZE as u64,
    });
    headers.push(SectionHeader {
        name: strtab_name,
        ty: SHT_STRTAB,
        flags: 0,
        addr: 0,
        offset: strtab_offset as u64,
        size: strtab.0.len() as u64,
        link: 0,
        info: 0,
        align: 1,
        entsize: 0,
    });
    headers.push(SectionHeader {
        name: shstrtab_name,
        ty: SHT_STRTAB,
        flags: 0,
        addr: 0,
        offset: shstrtab_offset as u64,
        size: shstr.0.len() as u64,
        link: 0,
        info: 0,
        align: 1,
        entsize: 0,
    });

    let mut out = Vec::with_capacity(shdr_offset + headers.len() * SHDR_SIZE);
    out.extend_from_slice(&[0x7f, b'E', b'L', b'F', 2, 1, 1, 0]);
    out.extend_from_slice(&[0; 8]);
    put_u16(&mut out, ET_EXEC);
    put_u16(&mut out, image.arch.elf_machine());
    put_u32(&mut out, 1); // e_version
    put_u64(&mut out, 0); // e_entry
    put_u64(&mut out, 0); // e_phoff
    put_u64(&mut out, shdr_offset as u64);
    put_u32(&mut out, elf_flags(image.arch));
    put_u16(&mut out, EHDR_SIZE as u16);
    put_u16(&mut out, 0); // e_phentsize
    put_u16(&mut out, 0); // e_phnum
    put_u16(&mut out, SHDR_SIZE as u16);
    put_u16(&mut out, headers.len() as u16);
    put_u16(&mut out, shstrtab_index as u16);
    debug_assert_eq!(out.len(), EHDR_SIZE);
    out.extend_from_slice(contents);
    out.resize(symtab_offset, 0);
    out.extend_from_slice(&symtab);
    out.extend_from_slice(&strtab.0);
    out.extend_from_slice(&shstr.0);
    out.resize(shdr_offset, 0);
    for h in &headers {
        h.write(&mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::LinkedSymbol;
    use object::{Object, ObjectSection, ObjectSymbol, SymbolKind};

    fn sym(name: &str, address: u64, size: u64, is_function: bool, exported: bool) -> LinkedSymbol {
        LinkedSymbol {
            name: name.into(),
            address,
            size,
            is_function,
            exported,
        }
    }

    #[test]
    fn every_arch_parses_with_symbols_at_real_addresses() {
        let symbols = [
            sym("kernel", 0x10_0000, 0x40, true, true),
            sym("helper", 0x10_0040, 0x20, true, false),
            sym("table", 0x10_1000, 0x100, false, true),
        ];
        let segments = [
            Segment {
                offset: 0,
                len: 0x1000,
                protection: Protection::ReadExecute,
            },
            Segment {
                offset: 0x1000,
                len: 0x1000,
                protection: Protection::ReadOnly,
            },
        ];
        for arch in Arch::ALL {
            let bytes = build(&ImageDescription {
                arch,
                base: 0x10_0000,
                size: 0x2000,
                segments: &segments,
                symbols: &symbols.iter().map(LinkedSymbol::view).collect(),
                contents: None,
            });
            let file = object::File::parse(&*bytes).unwrap();
            assert_eq!(
                Arch::from_elf_machine(match file.architecture() {
                    object::Architecture::X86_64 => 62,
                    object::Architecture::Aarch64 => 183,
                    object::Architecture::Riscv64 => 243,
                    object::Architecture::LoongArch64 => 258,
                    object::Architecture::PowerPc64 => 21,
                    other => panic!("{other:?}"),
                }),
                Some(arch)
            );
            let text = file.section_by_name(".text").unwrap();
            assert_eq!((text.address(), text.size()), (0x10_0000, 0x1000));
            let kernel = file.symbols().find(|s| s.name() == Ok("kernel")).unwrap();
            assert_eq!(kernel.kind(), SymbolKind::Text);
            assert_eq!((kernel.address(), kernel.size()), (0x10_0000, 0x40));
            assert!(kernel.is_global());
            let helper = file.symbols().find(|s| s.name() == Ok("helper")).unwrap();
            assert!(helper.is_local());
            assert_eq!(helper.section_index(), Some(text.index()));
            let table = file.symbols().find(|s| s.name() == Ok("table")).unwrap();
            assert_eq!(table.kind(), SymbolKind::Data);
            let rodata = file.section_by_name(".rodata").unwrap();
            assert_eq!(table.section_index(), Some(rodata.index()));
        }
    }

    #[test]
    fn contents_are_the_sections_data() {
        let image: Vec<u8> = (0..0x2000u32).map(|i| (i % 251) as u8).collect();
        let segments = [
            Segment {
                offset: 0,
                len: 0x1000,
                protection: Protection::ReadExecute,
            },
            Segment {
                offset: 0x1000,
                len: 0x1000,
                protection: Protection::ReadWrite,
            },
        ];
        let bytes = build(&ImageDescription {
            arch: Arch::Aarch64,
            base: 0x4000_0000,
            size: 0x2000,
            segments: &segments,
            symbols: &[sym("f", 0x4000_0010, 8, true, true)]
                .iter()
                .map(LinkedSymbol::view)
                .collect(),
            contents: Some(&image),
        });
        let file = object::File::parse(&*bytes).unwrap();
        let data = file.section_by_name(".data").unwrap();
        assert_eq!(data.address(), 0x4000_1000);
        assert_eq!(data.data().unwrap(), &image[0x1000..]);
        assert_eq!(
            file.section_by_name(".text").unwrap().data().unwrap(),
            &image[..0x1000]
        );
    }
}
