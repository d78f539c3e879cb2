//! Cross-built by `cargo xtask qemu-smoke` and run under qemu-user: proves
//! the toolchain, the sysroot's dynamic libc and the runner work together.
//! Prints one `key=value` line that xtask checks.

use std::ffi::{c_char, c_int, c_long, c_void, CStr};

#[repr(C)]
struct UtsName {
    // sysname, nodename, release, version, machine, domainname (Linux).
    fields: [[c_char; 65]; 6],
}

extern "C" {
    fn uname(buf: *mut UtsName) -> c_int;
    fn sysconf(name: c_int) -> c_long;
    fn dlsym(handle: *mut c_void, symbol: *const c_char) -> *mut c_void;
}

/// `_SC_PAGESIZE` in both glibc and musl.
const SC_PAGESIZE: c_int = 30;
/// `RTLD_DEFAULT` in both glibc and musl.
const RTLD_DEFAULT: *mut c_void = std::ptr::null_mut();

fn main() {
    let mut uts = UtsName {
        fields: [[0; 65]; 6],
    };
    // SAFETY: `uts` is a writable, correctly sized `struct utsname`.
    let rc = unsafe { uname(&mut uts) };
    assert_eq!(rc, 0, "uname failed");
    // SAFETY: uname NUL-terminates each field within its 65 bytes.
    let machine = unsafe { CStr::from_ptr(uts.fields[4].as_ptr()) };

    // SAFETY: sysconf has no preconditions.
    let page_size = unsafe { sysconf(SC_PAGESIZE) };

    // Resolve strlen through the dynamic linker, then call it.
    // SAFETY: the symbol name is a NUL-terminated C string literal.
    let sym = unsafe { dlsym(RTLD_DEFAULT, c"strlen".as_ptr()) };
    assert!(!sym.is_null(), "dlsym(RTLD_DEFAULT, \"strlen\") failed");
    // SAFETY: `strlen` has this signature in every libc.
    let strlen: unsafe extern "C" fn(*const c_char) -> usize = unsafe { std::mem::transmute(sym) };
    // SAFETY: the argument is a NUL-terminated string.
    let len = unsafe { strlen(c"hello".as_ptr()) };

    // Optionally spawn a host program (the harness spawns host clang from
    // under qemu-user).
    let spawn = match std::env::args().nth(1) {
        Some(prog) => match std::process::Command::new(&prog).arg("--version").output() {
            Ok(o) if o.status.success() => "ok".to_string(),
            Ok(o) => format!("{prog}-exit-{}", o.status),
            Err(e) => format!("{prog}-error-{}", e.kind()),
        },
        None => "skipped".to_string(),
    };

    println!(
        "rust_arch={} uname={} page_size={page_size} strlen={len} spawn={spawn}",
        std::env::consts::ARCH,
        machine.to_string_lossy(),
    );
}
