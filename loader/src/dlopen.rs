//! The dlopen fallback: the same object linked by `ld.lld` into a shared
//! library in a private temp dir, loaded with `dlopen`. Slower, writes files,
//! and depends on the system's dynamic loader: exactly why it makes a good
//! independent oracle for the in-memory loader.

use crate::compile::Compiler;
use crate::error::{Error, Result};
use crate::link::{LinkOptions, Prepared};
use crate::resolve::Resolver;
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
        let prepared = Prepared::new(object, compiler.arch, &LinkOptions::default())?;
        let from_archives = archive_symbols(link_args)?;
        let defsyms: Vec<String> = prepared
            .undefined_symbols()
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

/// The global symbols defined by the archives (`*.a`) among `link_args`.
fn archive_symbols(link_args: &[String]) -> Result<std::collections::HashSet<String>> {
    let mut names = std::collections::HashSet::new();
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
