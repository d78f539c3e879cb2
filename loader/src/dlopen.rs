//! The dlopen fallback: the same object linked by `ld.lld` into a shared
//! library in a private temp dir, loaded with `dlopen`. Slower, writes files,
//! and depends on the system's dynamic loader: exactly why it makes a good
//! independent oracle for the in-memory loader.

use crate::arch::Arch;
use crate::compile::Compiler;
use crate::error::{Error, Result};
use crate::resolve::Resolver;
use object::elf;
use object::read::elf::{ElfFile64, FileHeader};
use object::{LittleEndian as LE, Object, ObjectSection, ObjectSymbol, RelocationTarget};
use std::collections::HashSet;
use std::ffi::{CStr, CString};
use std::process::Command;

/// musl's dynamic loader adds a library's base to the value of an
/// `SHN_ABS` symbol it defines (glibc does not), so a resolver symbol given
/// as an absolute `--defsym` would come out shifted (seen on loongarch64).
/// Under musl, `-Bsymbolic` makes lld fix such references at link time
/// instead. Its cost: a call to a resolver-supplied *function* then becomes a
/// direct branch, which lld refuses if the function is out of branch range
/// (libm and compiler-rt stay undefined and go through the PLT as usual).
/// Under glibc the references stay dynamic, through the GOT and PLT.
const SYMBOLIC: &[&str] = if cfg!(target_env = "musl") {
    &["-Wl,-Bsymbolic"]
} else {
    &[]
};

/// A `dlopen`ed library; `dlclose`d on drop.
#[derive(Debug)]
pub struct DlopenLibrary {
    handle: *mut libc::c_void,
}

// SAFETY: a dlopen handle may be used and closed from any thread.
unsafe impl Send for DlopenLibrary {}
// SAFETY: dlsym on a handle is thread-safe.
unsafe impl Sync for DlopenLibrary {}

fn dl_error() -> String {
    // SAFETY: dlerror returns NULL or a valid C string owned by libc.
    let e = unsafe { libc::dlerror() };
    if e.is_null() {
        "unknown dlopen error".into()
    } else {
        // SAFETY: non-null dlerror strings are NUL-terminated.
        unsafe { CStr::from_ptr(e) }.to_string_lossy().into_owned()
    }
}

impl DlopenLibrary {
    /// Links `object` into a shared library and opens it. Undefined symbols
    /// the resolver knows are bound to its addresses with `--defsym`; the
    /// rest are left to the dynamic loader (the process's libm, libc, ...).
    ///
    /// `link_args` go to the link after the object (`libcompiler_rt.a` where
    /// the C library lacks compiler-rt helpers, as musl does). Symbols that an
    /// archive among them defines are taken from it, not from the resolver:
    /// linked in, they are reached by a near branch.
    pub fn load(
        object: &[u8],
        compiler: &Compiler,
        resolver: &dyn Resolver,
        link_args: &[String],
    ) -> Result<Self> {
        let span = tracing::debug_span!("dlopen_load", arch = %compiler.arch);
        let _enter = span.enter();
        let undefined = referenced_undefined_symbols(object, compiler.arch)?;
        let from_archives = archive_symbols(link_args)?;
        let defsyms: Vec<String> = undefined
            .into_iter()
            .filter(|name| !from_archives.contains(*name))
            .filter_map(|name| {
                resolver
                    .resolve(name)
                    .map(|a| format!("-Wl,--defsym={name}={a:#x}"))
            })
            .collect();
        let dir = tempfile::Builder::new()
            .prefix("loader-dlopen-")
            .tempdir()
            .map_err(|source| Error::Os {
                op: "creating the dlopen backend's temp dir",
                source,
            })?;
        let obj_path = dir.path().join("kernel.o");
        let so_path = dir.path().join("kernel.so");
        std::fs::write(&obj_path, object).map_err(|source| Error::Os {
            op: "writing the object for the dlopen backend",
            source,
        })?;
        let out = Command::new(&compiler.clang)
            .arg(format!("--target={}-linux-gnu", compiler.arch.clang_arch()))
            .args(["-shared", "-nostdlib", "-fuse-ld=lld"])
            .args(SYMBOLIC)
            .arg("-o")
            .arg(&so_path)
            .arg(&obj_path)
            .args(link_args)
            .args(&defsyms)
            .output()
            .map_err(|source| Error::ClangSpawn {
                clang: compiler.clang.clone(),
                source,
            })?;
        if !out.status.success() {
            return Err(Error::ClangFailed {
                clang: compiler.clang.clone(),
                status: format!("linking the shared library: {}", out.status),
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            });
        }
        let path = CString::new(so_path.as_os_str().as_encoded_bytes())
            .map_err(|_| Error::Dlopen("temp path contains a NUL byte".into()))?;
        // SAFETY: `path` is a valid C string; the library has no
        // constructors (the loader's objects are freestanding kernels).
        let handle = unsafe { libc::dlopen(path.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL) };
        if handle.is_null() {
            return Err(Error::Dlopen(dl_error()));
        }
        // The mapping stays valid after the file is gone.
        drop(dir);
        Ok(DlopenLibrary { handle })
    }

    /// `dlsym` on the library.
    pub fn symbol(&self, name: &str) -> Option<u64> {
        let name = CString::new(name).ok()?;
        // SAFETY: `handle` is a live dlopen handle, `name` a valid C string.
        let p = unsafe { libc::dlsym(self.handle, name.as_ptr()) };
        (!p.is_null()).then_some(p as u64)
    }
}

/// The undefined symbols that a relocation of a loaded (`SHF_ALLOC`)
/// section refers to, in symbol-table order, without the ABI's
/// linker-defined ones (lld defines those itself). Read with `object`'s own
/// ELF reader, not the loader's parser: the oracle must not share its bugs.
fn referenced_undefined_symbols(object: &[u8], arch: Arch) -> Result<Vec<&str>> {
    let malformed = |e: object::Error| Error::MalformedElf(e.to_string());
    let file = ElfFile64::<LE>::parse(object).map_err(malformed)?;
    let header = file.elf_header();
    if header.e_type(LE) != elf::ET_REL {
        return Err(Error::not_relocatable(header.e_type(LE)));
    }
    if header.e_machine(LE) != arch.elf_machine() {
        return Err(Error::wrong_machine(arch, header.e_machine(LE)));
    }
    let mut referenced = HashSet::new();
    for section in file.sections() {
        let object::SectionFlags::Elf { sh_flags } = section.flags() else {
            continue;
        };
        if sh_flags & u64::from(elf::SHF_ALLOC) == 0 {
            continue;
        }
        for (_, relocation) in section.relocations() {
            if let RelocationTarget::Symbol(index) = relocation.target() {
                referenced.insert(index);
            }
        }
    }
    let def = arch.def();
    let mut names = Vec::new();
    for symbol in file.symbols() {
        if !symbol.is_undefined() || !referenced.contains(&symbol.index()) {
            continue;
        }
        let name = symbol.name().map_err(malformed)?;
        if !name.is_empty() && def.special_symbol(name).is_none() {
            names.push(name);
        }
    }
    Ok(names)
}

/// The global symbols defined by the archives (`*.a`) among `link_args`.
fn archive_symbols(link_args: &[String]) -> Result<HashSet<String>> {
    let mut names = HashSet::new();
    for arg in link_args.iter().filter(|a| a.ends_with(".a")) {
        let data = std::fs::read(arg).map_err(|source| Error::Os {
            op: "reading a dlopen link archive",
            source,
        })?;
        let archive = object::read::archive::ArchiveFile::parse(&*data)
            .map_err(|e| Error::Dlopen(format!("{arg}: not an archive: {e}")))?;
        if let Some(symbols) = archive
            .symbols()
            .map_err(|e| Error::Dlopen(format!("{arg}: bad symbol table: {e}")))?
        {
            for sym in symbols {
                let sym = sym.map_err(|e| Error::Dlopen(format!("{arg}: {e}")))?;
                names.insert(String::from_utf8_lossy(sym.name()).into_owned());
            }
        }
    }
    Ok(names)
}

impl Drop for DlopenLibrary {
    fn drop(&mut self) {
        // SAFETY: `handle` came from dlopen and is closed exactly once.
        unsafe { libc::dlclose(self.handle) };
    }
}

/// The integration tests' object builder.
#[cfg(test)]
#[path = "../tests/support/synthetic.rs"]
mod synthetic;

#[cfg(test)]
mod tests {
    use super::synthetic::{At, Synthetic};
    use super::*;
    use object::{Architecture, SectionKind, SymbolKind, SymbolScope};

    /// An x86_64 object whose `.text` refers to `called` and
    /// `_GLOBAL_OFFSET_TABLE_`, whose debug section refers to `debug_only`,
    /// and which declares `unused` without referring to it.
    fn object_with_references() -> Vec<u8> {
        let mut o = Synthetic::new(Architecture::X86_64);
        let text = o.text(&[0x90; 16], 16);
        let debug = o.section(".debug_info", SectionKind::Debug, &[0; 8], 1);
        let mut undefined = |name: &str| {
            o.symbol(
                name,
                At::Undefined,
                SymbolKind::Unknown,
                SymbolScope::Unknown,
            )
        };
        let (called, got, debug_only) = (
            undefined("called"),
            undefined("_GLOBAL_OFFSET_TABLE_"),
            undefined("debug_only"),
        );
        undefined("unused");
        for (section, offset, symbol) in [(text, 0, called), (text, 4, got), (debug, 0, debug_only)]
        {
            o.reloc(section, offset, elf::R_X86_64_PC32, symbol, -4);
        }
        o.finish()
    }
    #[test]
    fn only_undefined_symbols_loaded_code_refers_to_are_bound() {
        let object = object_with_references();
        let names = referenced_undefined_symbols(&object, Arch::X86_64).unwrap();
        assert_eq!(names, ["called"]);
    }

    #[test]
    fn an_object_of_another_machine_is_refused() {
        let object = object_with_references();
        let e = referenced_undefined_symbols(&object, Arch::Aarch64).unwrap_err();
        assert!(
            matches!(
                e,
                Error::WrongMachine {
                    expected: Arch::Aarch64,
                    found: elf::EM_X86_64,
                    found_name: "x86_64",
                }
            ),
            "{e:?}"
        );
        let e = referenced_undefined_symbols(b"not an object", Arch::X86_64).unwrap_err();
        assert!(matches!(e, Error::MalformedElf(_)), "{e:?}");
    }
}
