//! Every error kind of the loader, produced on purpose; the messages' key
//! parts are pinned because users and the harness read them.

mod support;
use support::assert_contains;
#[path = "support/synthetic.rs"]
mod synthetic;

use loader::link::{link, LinkOptions, LinkedImage};
use loader::resolve::NoSymbols;
use loader::{Arch, Compiler, Error, Jit, JitOptions, Language, Resolver, Signature, Type, Value};
use object::{Architecture, SectionFlags, SectionKind, SymbolKind, SymbolScope};
use std::collections::HashMap;
use synthetic::{object_with_reloc, At, Synthetic};

/// Links an x86_64 object at a fixed base.
fn link_x86(obj: &[u8], resolver: &dyn Resolver) -> loader::Result<LinkedImage> {
    link(
        obj,
        Arch::X86_64,
        0x1000_0000,
        resolver,
        &LinkOptions::default(),
    )
}

fn host_jit() -> Jit {
    Jit::with_options(JitOptions::host().unwrap())
}

#[test]
fn missing_clang_is_named() {
    let mut o = JitOptions::host().unwrap();
    o.compiler.clang = "/nonexistent/clang-99".into();
    let e = Jit::with_options(o)
        .load_source("int f(void){return 1;}", Language::C)
        .unwrap_err();
    assert!(matches!(e, Error::ClangNotFound(_)), "{e:?}");
    assert!(e.to_string().contains("/nonexistent/clang-99"), "{e}");
}

#[test]
fn find_clang_reports_when_nothing_is_found() {
    // Run the lookup in a child environment with an empty PATH.
    let out = support::self_command(&["--exact", "find_clang_child", "--nocapture"])
        .env("PATH", "/nonexistent")
        .env_remove(loader::CLANG_ENV)
        .env("LOADER_TEST_CHILD", "1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("clang not found"), "{text}");
    assert!(text.contains("LOADER_CLANG"), "{text}");
}

#[test]
fn find_clang_child() {
    if std::env::var_os("LOADER_TEST_CHILD").is_none() {
        return;
    }
    let e = loader::compile::find_clang(None).unwrap_err();
    println!("{e}");
}

#[test]
fn clang_diagnostics_are_returned() {
    let e = host_jit()
        .load_source("int f(void) { return undeclared; }", Language::C)
        .unwrap_err();
    let Error::ClangFailed { stderr, status, .. } = &e else {
        panic!("{e:?}")
    };
    assert!(stderr.contains("undeclared"), "{stderr}");
    assert!(status.contains("exit status 1"), "{status}");
}

#[test]
fn invalid_ir_is_a_clang_error() {
    let e = host_jit()
        .load_source("define i32 @f( {", Language::Ir)
        .unwrap_err();
    assert!(matches!(e, Error::ClangFailed { .. }), "{e:?}");
}

#[test]
fn malformed_elf() {
    for bytes in [&b""[..], b"\x7fELF", b"not an object at all, just text"] {
        let e = link_x86(bytes, &NoSymbols).unwrap_err();
        assert!(matches!(e, Error::MalformedElf(_)), "{e:?}");
    }
    // Truncate a real object at many points: an error each time, never a panic.
    let obj = Compiler::new(Arch::X86_64)
        .unwrap()
        .compile(
            "static int t[4] = {1,2,3,4}; int f(int i) { return t[i & 3]; }",
            Language::C,
        )
        .unwrap();
    for cut in (0..obj.len()).step_by(7) {
        let r = link_x86(&obj[..cut], &NoSymbols);
        assert!(r.is_err(), "truncated at {cut} still linked");
    }
}

#[test]
fn wrong_machine_names_both() {
    let mut c = Compiler::new(Arch::Aarch64).unwrap();
    c.cpu = loader::Cpu::Baseline;
    let obj = c.compile("int f(void){return 3;}", Language::C).unwrap();
    let e = link_x86(&obj, &NoSymbols).unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, Error::WrongMachine { found: 183, .. }), "{e:?}");
    assert!(msg.contains("aarch64") && msg.contains("x86_64"), "{msg}");
}

#[test]
fn foreign_arch_cannot_be_mapped() {
    let mut o = JitOptions::host().unwrap();
    let foreign = Arch::ALL
        .into_iter()
        .find(|&a| Some(a) != Arch::host())
        .unwrap();
    o.compiler.arch = foreign;
    o.compiler.cpu = loader::Cpu::Baseline;
    let e = Jit::with_options(o)
        .load_source("int f(void){return 3;}", Language::C)
        .unwrap_err();
    assert!(
        matches!(e, Error::ForeignArch { arch, .. } if arch == foreign),
        "{e:?}"
    );
}

#[test]
fn unknown_relocation_names_type_symbol_and_offset() {
    let obj = object_with_reloc(200, "ext", 0);
    let map: HashMap<&str, u64> = [("ext", 0x1234)].into();
    let e = link_x86(&obj, &map).unwrap_err();
    let msg = e.to_string();
    assert!(
        matches!(e, Error::UnsupportedRelocation { r_type: 200, .. }),
        "{e:?}"
    );
    for part in ["x86_64", "200", "ext", ".text", "0x1"] {
        assert!(msg.contains(part), "`{part}` missing from: {msg}");
    }
}

#[test]
fn refused_relocation_says_why() {
    // R_X86_64_TLSGD
    let obj = object_with_reloc(19, "tls_var", -4);
    let map: HashMap<&str, u64> = [("tls_var", 0x1234)].into();
    let e = link_x86(&obj, &map).unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("R_X86_64_TLSGD") && msg.contains("thread-local"),
        "{msg}"
    );
}

#[test]
fn overflow_is_an_error_with_value_and_range() {
    // R_X86_64_32 to an address above 4 GiB.
    let obj = object_with_reloc(10, "high", 0);
    let map: HashMap<&str, u64> = [("high", 0x1_0000_0000)].into();
    let e = link_x86(&obj, &map).unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, Error::RelocationOverflow { .. }), "{e:?}");
    for part in [
        "R_X86_64_32",
        "high",
        ".text+0x1",
        "0x100000000",
        "unsigned 32",
    ] {
        assert!(msg.contains(part), "`{part}` missing from: {msg}");
    }
    // Just inside the range links.
    let map: HashMap<&str, u64> = [("high", 0xffff_ffff)].into();
    let img = link_x86(&obj, &map).unwrap();
    let text = img.symbol("f").unwrap();
    assert_eq!(img.bytes_at(text + 1, 4).unwrap(), &[0xff; 4]);
}

#[test]
fn undefined_symbol_is_named() {
    let e = host_jit()
        .load_source(
            "extern int nowhere_to_be_found(int); int f(int x) { return nowhere_to_be_found(x); }",
            Language::C,
        )
        .unwrap_err();
    assert!(matches!(e, Error::UndefinedSymbol { .. }), "{e:?}");
    assert!(e.to_string().contains("nowhere_to_be_found"), "{e}");
}

#[test]
fn missing_function_and_bad_signature() {
    let m = host_jit()
        .load_source("int f(int x){return x;}", Language::C)
        .unwrap();
    let e = m.function("g").unwrap_err();
    assert!(
        matches!(e, Error::SymbolNotFound(ref n) if n == "g"),
        "{e:?}"
    );
    let sig = Signature::new(&[Type::I32], Type::I32).unwrap();
    let f = m.function("f").unwrap();
    // SAFETY: the checks reject the call before anything runs.
    let e = unsafe { f.call(&sig, &[Value::F64(1.0)]) }.unwrap_err();
    assert!(e.to_string().contains("argument 0 is double"), "{e}");
    // SAFETY: as above.
    let e = unsafe { f.call(&sig, &[]) }.unwrap_err();
    assert!(e.to_string().contains("0 arguments given"), "{e}");
    let e = Signature::new(&[Type::Void], Type::I32).unwrap_err();
    assert!(matches!(e, Error::BadSignature { .. }), "{e:?}");
}

#[test]
fn thread_locals_and_constructors_are_refused() {
    let c = Compiler::new(Arch::X86_64).unwrap();
    let obj = c
        .compile(
            "static _Thread_local int t; int f(void){ return ++t; }",
            Language::C,
        )
        .unwrap();
    let e = link_x86(&obj, &NoSymbols).unwrap_err();
    assert!(e.to_string().contains("thread-local"), "{e}");
    // clang drops constructors for *-none-elf targets, so build the
    // section by hand.
    let mut o = Synthetic::new(Architecture::X86_64);
    let init_array = SectionKind::Elf(object::elf::SHT_INIT_ARRAY);
    let init = o.section(".init_array", init_array, &[0; 8], 8);
    o.object_mut().section_mut(init).flags = SectionFlags::Elf {
        sh_flags: u64::from(object::elf::SHF_ALLOC | object::elf::SHF_WRITE),
    };
    let obj = o.finish();
    let e = link_x86(&obj, &NoSymbols).expect_err("an object with a constructor must be refused");
    assert!(e.to_string().contains("constructors"), "{e}");
}

/// An x86_64 object defining `f` in `.text`, then each of `symbols` as
/// (name, section): `None` undefined, `Some(None)` COMMON.
fn object_with_symbols(symbols: &[(&[u8], Option<Option<()>>)]) -> Vec<u8> {
    let mut o = Synthetic::new(Architecture::X86_64);
    let text = o.text(&[0xc3; 16], 16);
    let all = std::iter::once((&b"f"[..], Some(Some(())))).chain(symbols.iter().copied());
    for (name, section) in all {
        let at = match section {
            None => At::Undefined,
            Some(None) => At::Common { size: 8 },
            Some(Some(())) => At::Section {
                section: text,
                value: 0,
                size: 0,
            },
        };
        o.symbol(name, at, SymbolKind::Data, SymbolScope::Linkage);
    }
    o.finish()
}

/// Rewrites the raw symbol-table entry of the symbol named `name`.
fn patch_symbol(obj: &mut [u8], name: &str, patch: impl FnOnce(&mut [u8])) {
    patch_symbol_at(obj, symbol_index(obj, name), patch);
}

/// The index of the symbol named `name`.
fn symbol_index(obj: &[u8], name: &str) -> usize {
    use object::{Object as _, ObjectSymbol as _};
    let file = object::File::parse(obj).unwrap();
    let symbol = file.symbols().find(|s| s.name() == Ok(name)).unwrap();
    symbol.index().0
}

/// Rewrites raw symbol-table entry `index`.
fn patch_symbol_at(obj: &mut [u8], index: usize, patch: impl FnOnce(&mut [u8])) {
    use object::{Object as _, ObjectSection as _};
    let file = object::File::parse(&*obj).unwrap();
    let symtab = file.section_by_name(".symtab").unwrap();
    let at = symtab.file_range().unwrap().0 as usize + 24 * index;
    patch(&mut obj[at..at + 24]);
}

#[test]
fn bad_symbol_entries_are_errors_naming_the_first_bad_symbol() {
    let defined = Some(Some(()));
    // A symbol in a section past the section table.
    let mut obj = object_with_symbols(&[(b"g", defined)]);
    patch_symbol(&mut obj, "g", |e| {
        e[6..8].copy_from_slice(&0x7000u16.to_le_bytes())
    });
    let e = link_x86(&obj, &NoSymbols).unwrap_err();
    assert!(matches!(e, Error::MalformedElf(_)), "{e:?}");
    assert_contains(&e.to_string(), &["`g`", "28672", "past the section table"]);
    // COMMON before it: the first bad symbol's error.
    let mut obj = object_with_symbols(&[(b"c", Some(None)), (b"g", defined)]);
    patch_symbol(&mut obj, "g", |e| {
        e[6..8].copy_from_slice(&0x7000u16.to_le_bytes())
    });
    let e = link_x86(&obj, &NoSymbols).unwrap_err();
    assert!(
        matches!(
            e,
            Error::Unsupported {
                what: "COMMON symbol",
                ..
            }
        ),
        "{e:?}"
    );
    assert_contains(&e.to_string(), &["`c`", "-fno-common"]);
    // A name offset past the string table.
    let mut obj = object_with_symbols(&[(b"g", defined)]);
    patch_symbol(&mut obj, "g", |e| {
        e[0..4].copy_from_slice(&0x00ff_ffffu32.to_le_bytes())
    });
    let e = link_x86(&obj, &NoSymbols).unwrap_err();
    assert!(matches!(e, Error::MalformedElf(_)), "{e:?}");
    // An undefined name that is not UTF-8 (the table is then checked name
    // by name).
    let obj = object_with_symbols(&[(b"ok", None), (b"bad\xff", None)]);
    let e = link_x86(&obj, &NoSymbols).unwrap_err();
    assert!(matches!(e, Error::MalformedElf(_)), "{e:?}");
    assert_contains(&e.to_string(), &["non-UTF-8 name"]);
    // And the same objects unpatched link.
    link_x86(&object_with_symbols(&[(b"g", defined)]), &NoSymbols).unwrap();
}

#[test]
fn a_relocation_naming_a_symbol_past_the_table_is_an_error() {
    use object::{Object as _, ObjectSection as _};
    let mut obj = object_with_reloc(object::elf::R_X86_64_PC32, "target", -4);
    link_x86(&obj, &|_: &str| Some(0x1000_1000)).unwrap();
    let file = object::File::parse(&*obj).unwrap();
    let rela = file.section_by_name(".rela.text").unwrap();
    let at = rela.file_range().unwrap().0 as usize + 8; // r_info of entry 0
    let info = u64::from_le_bytes(obj[at..at + 8].try_into().unwrap());
    obj[at..at + 8].copy_from_slice(&((info & 0xffff_ffff) | (0x7777 << 32)).to_le_bytes());
    let e = link_x86(&obj, &NoSymbols).unwrap_err();
    assert!(matches!(e, Error::MalformedElf(_)), "{e:?}");
    assert_contains(&e.to_string(), &["symbol 30583", "past the symbol table"]);
}

#[test]
fn a_defined_null_symbol_is_never_listed() {
    // Symbol 0 patched into a global function at an absolute address,
    // named like a real one: neither a logged nor an unlogged link lists
    // it (unlogged links list the symbols parsing noted).
    let mut obj = object_with_symbols(&[]);
    let mut name_offset = [0u8; 4];
    patch_symbol(&mut obj, "f", |e| name_offset.copy_from_slice(&e[0..4]));
    patch_symbol_at(&mut obj, 0, |e| {
        e[0..4].copy_from_slice(&name_offset);
        e[4] = (object::elf::STB_GLOBAL << 4) | object::elf::STT_FUNC;
        e[6..8].copy_from_slice(&object::elf::SHN_ABS.to_le_bytes());
        e[8..16].copy_from_slice(&0x1234u64.to_le_bytes());
    });
    for record_log in [true, false] {
        let options = LinkOptions {
            record_log,
            ..LinkOptions::default()
        };
        let image = link(&obj, Arch::X86_64, 0x1000_0000, &NoSymbols, &options).unwrap();
        let fs: Vec<u64> = image
            .output
            .symbols
            .iter()
            .filter(|s| s.name == "f")
            .map(|s| s.address)
            .collect();
        assert_eq!(fs, [0x1000_0000], "record_log {record_log}");
    }
}
