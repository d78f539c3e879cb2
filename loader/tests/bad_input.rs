//! Bad input to every public entry point gets a precise error; the key parts
//! of the messages are pinned. (errors.rs covers one error of each kind
//! through the link step; this file goes through `Jit`, `Compiler` and the
//! other entry points, with fake clangs for the failures of the compiler
//! itself.)

use loader::link::{link, LinkOptions, Prepared};
use loader::resolve::NoSymbols;
use loader::{Arch, Compiler, Error, Jit, JitOptions, Language, Signature, Type, Value};
use std::path::PathBuf;

mod support;
use support::{assert_contains, write_script};

fn host_jit() -> Jit {
    Jit::with_options(JitOptions::host().unwrap())
}

#[test]
fn empty_source_is_an_empty_module_whose_lookups_fail_by_name() {
    let jit = host_jit();
    for (source, language) in [("", Language::C), ("  \n", Language::C), ("", Language::Ir)] {
        let m = jit
            .load_source(source, language)
            .unwrap_or_else(|e| panic!("{language:?} {source:?}: {e}"));
        assert!(m.symbols().iter().all(|s| !s.exported), "{:?}", m.symbols());
        let e = m.function("f").unwrap_err();
        assert!(
            matches!(e, Error::SymbolNotFound(ref n) if n == "f"),
            "{e:?}"
        );
        assert_contains(&e.to_string(), &["no function or data symbol `f`"]);
    }
}

#[test]
fn invalid_c_returns_clangs_diagnostic_with_line_and_column() {
    let e = host_jit()
        .load_source("int f(void) {\n  return 1 +;\n}\n", Language::C)
        .unwrap_err();
    let Error::ClangFailed { stderr, status, .. } = &e else {
        panic!("{e:?}")
    };
    assert_contains(stderr, &["<stdin>:2:", "error: expected expression"]);
    assert_eq!(status, "exit status 1");
    assert_contains(
        &e.to_string(),
        &["failed (exit status 1)", "expected expression"],
    );
}

/// Typed-pointer IR (LLVM <= 14 syntax): clang 17+ reads `i32*` as `ptr`,
/// so such IR still loads and runs.
#[test]
fn typed_pointer_ir_is_read_as_opaque_pointers() {
    let ir = "define i32 @deref(i32* %p) {\n  %v = load i32, i32* %p\n  ret i32 %v\n}\n";
    let m = host_jit().load_source(ir, Language::Ir).unwrap();
    // SAFETY: `deref` is `int deref(int *)`.
    let f = unsafe { m.typed::<extern "C" fn(*const i32) -> i32>("deref") }.unwrap();
    assert_eq!(f.get()(&41), 41);
}

/// IR written for a newer LLVM than the clang in use: clang's parse error,
/// with the line and column of the construct it does not know.
#[test]
fn ir_from_a_newer_llvm_is_a_clang_error_at_the_construct() {
    let clang = Compiler::new(Arch::host().unwrap()).unwrap();
    if clang.clang_version().unwrap() >= 21 {
        return; // `captures(none)` is LLVM 21 syntax
    }
    let ir = "define void @f(ptr captures(none) %p) {\n  ret void\n}\n";
    let e = host_jit().load_source(ir, Language::Ir).unwrap_err();
    let Error::ClangFailed { stderr, .. } = &e else {
        panic!("{e:?}")
    };
    assert_contains(stderr, &["<stdin>:1:20: error: expected ')'"]);
}

#[test]
fn bad_objects_through_load_object() {
    let jit = host_jit();
    for bytes in [
        &b""[..],
        b"\x7fELF\x02\x01\x01",
        b"#!/bin/sh\necho not an object\n",
    ] {
        let e = jit.load_object(bytes).unwrap_err();
        assert!(matches!(e, Error::MalformedElf(_)), "{e:?}");
        assert_contains(&e.to_string(), &["malformed ELF object"]);
    }
    // A valid object of another architecture names both.
    let host = Arch::host().unwrap();
    let other = Arch::ALL.into_iter().find(|&a| a != host).unwrap();
    let mut c = Compiler::new(other).unwrap();
    c.cpu = loader::Cpu::Baseline;
    let obj = c.compile("int f(void) { return 3; }", Language::C).unwrap();
    let e = jit.load_object(&obj).unwrap_err();
    assert!(
        matches!(e, Error::WrongMachine { expected, .. } if expected == host),
        "{e:?}"
    );
    assert_contains(
        &e.to_string(),
        &[other.name(), host.name(), "ELF object is for machine"],
    );
    // The same through the batch loader.
    let e = jit.load_batch(&[("other", &obj)]).unwrap_err();
    assert!(matches!(e, Error::WrongMachine { .. }), "{e:?}");
}

#[test]
fn missing_symbol_names_symbol_and_place_and_says_what_to_do() {
    let mut o = JitOptions::host().unwrap();
    o.process_symbols = false;
    let e = Jit::with_options(o)
        .load_source(
            "double f(double x) { return __builtin_sin(x) * 2; }",
            Language::C,
        )
        .unwrap_err();
    assert!(
        matches!(e, Error::UndefinedSymbol { ref symbol, .. } if symbol == "sin"),
        "{e:?}"
    );
    assert_contains(
        &e.to_string(),
        &[
            "undefined symbol `sin`",
            "referenced from .text",
            "resolver",
        ],
    );
}

#[test]
fn wrong_signatures_are_refused_before_the_call() {
    let m = host_jit()
        .load_source(
            "long f(long x, double y) { return x + (long)y; }",
            Language::C,
        )
        .unwrap();
    let f = m.function("f").unwrap();
    let sig = Signature::new(&[Type::I64, Type::F64], Type::I64).unwrap();
    let cases: [(&[Value], &[&str]); 3] = [
        (&[Value::I64(1)], &["1 arguments given", "takes 2"]),
        (
            &[Value::I64(1), Value::F64(2.0), Value::I64(3)],
            &["3 arguments given", "takes 2"],
        ),
        (
            &[Value::I64(1), Value::I32(2)],
            &["argument 1 is int", "wants double"],
        ),
    ];
    for (args, parts) in cases {
        // SAFETY: every call is rejected by the checks before it runs.
        let e = unsafe { f.call(&sig, args) }.unwrap_err();
        assert!(
            matches!(e, Error::BadSignature { ref function, .. } if function == "f"),
            "{e:?}"
        );
        assert_contains(&e.to_string(), &["bad signature for `f`"]);
        assert_contains(&e.to_string(), parts);
    }
    // SAFETY: `sig` is the signature of `f`.
    let ok = unsafe { f.call(&sig, &[Value::I64(40), Value::F64(2.5)]) }.unwrap();
    assert_eq!(ok, Value::I64(42));
}

#[test]
fn link_entry_points_refuse_wrong_buffers_and_bases() {
    let obj = Compiler::new(Arch::X86_64)
        .unwrap()
        .compile("int g; int f(void) { return g; }", Language::C)
        .unwrap();
    let p = Prepared::new(&obj, Arch::X86_64, &LinkOptions::default()).unwrap();
    let mut small = vec![0u8; p.image_size() - 1];
    let e = p
        .link_into(0x1000_0000, &mut small, &NoSymbols)
        .unwrap_err();
    assert_contains(&e.to_string(), &["unsupported image buffer", "bytes given"]);
    let mut image = vec![0u8; p.image_size()];
    let e = p
        .link_into(0x1000_0001, &mut image, &NoSymbols)
        .unwrap_err();
    assert_contains(&e.to_string(), &["base address", "is not aligned"]);
    let e = p
        .link_into(u64::MAX - 0xfff, &mut image, &NoSymbols)
        .unwrap_err();
    assert_contains(&e.to_string(), &["overflows the address space"]);
    // Listing alone checks the base the same way.
    let mut symbols = loader::link::SymbolList::new();
    let e = p.list_symbols(u64::MAX - 8, &mut symbols).unwrap_err();
    assert_contains(&e.to_string(), &["overflows the address space"]);
    let e = p.list_symbols(0x1000_0001, &mut symbols).unwrap_err();
    assert_contains(&e.to_string(), &["is not aligned"]);
    assert!(symbols.is_empty());
    p.list_symbols(0x1000_0000, &mut symbols).unwrap();
    assert!(symbols.iter().any(|s| s.name == "f" && s.exported));
    // The wrong arch for the object.
    let e = link(&obj, Arch::Riscv64, 0, &NoSymbols, &LinkOptions::default()).unwrap_err();
    assert_contains(&e.to_string(), &["expected riscv64"]);
}

/// A fake clang: a shell script in a fresh temporary directory.
struct FakeClang {
    dir: PathBuf,
    path: PathBuf,
}

impl FakeClang {
    fn new(name: &str, script: &str, executable: bool) -> FakeClang {
        let dir =
            std::env::temp_dir().join(format!("loader-bad-input-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("clang");
        write_script(&path, &format!("#!/bin/sh\n{script}\n"), executable);
        FakeClang { dir, path }
    }

    fn compile(&self) -> loader::Result<Vec<u8>> {
        let c = Compiler::with_clang(&self.path, Arch::host().unwrap());
        c.compile("int f(void) { return 1; }", Language::C)
    }
}

impl Drop for FakeClang {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[test]
fn clang_killed_by_a_signal_is_reported_as_such() {
    let fake = FakeClang::new("killed", "kill -KILL $$", true);
    let e = fake.compile().unwrap_err();
    let Error::ClangFailed { status, clang, .. } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(status, "killed by signal 9");
    assert_eq!(clang, &fake.path);
    assert_contains(&e.to_string(), &["clang failed (killed by signal 9)"]);
}

#[test]
fn clang_that_cannot_run_is_a_spawn_error_naming_it() {
    let fake = FakeClang::new("noexec", "exit 0", false);
    let e = fake.compile().unwrap_err();
    assert!(matches!(e, Error::ClangSpawn { .. }), "{e:?}");
    assert_contains(
        &e.to_string(),
        &[
            "could not run",
            &fake.path.display().to_string(),
            "ermission denied",
        ],
    );
}

#[test]
fn clang_that_prints_no_object_gives_a_malformed_object() {
    for (name, script) in [
        ("silent", "cat > /dev/null"),
        ("chatty", "cat > /dev/null; echo hello"),
    ] {
        let fake = FakeClang::new(name, script, true);
        let obj = fake.compile().unwrap();
        let e = host_jit().load_object(&obj).unwrap_err();
        assert!(matches!(e, Error::MalformedElf(_)), "{name}: {e:?}");
    }
}

#[test]
fn clang_version_of_something_else_is_an_error() {
    let fake = FakeClang::new("version", "echo 'gcc (Debian 12.2.0-14) 12.2.0'", true);
    let e = loader::compile::clang_version(&fake.path).unwrap_err();
    assert_contains(
        &e.to_string(),
        &["unrecognised --version output", "gcc (Debian"],
    );
}

/// A hardened kernel policy (SELinux `execmem`, PaX MPROTECT) refuses to
/// make memory executable: loading is then an `Os` error naming
/// `mprotect`, not a crash. Simulated in a child process whose seccomp
/// filter fails every `mprotect` with `PROT_EXEC` with `EACCES`.
#[test]
fn refused_mprotect_is_an_error() {
    let out = support::self_command(&["--exact", "refused_mprotect_child", "--nocapture"])
        .env("LOADER_TEST_CHILD", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    if stdout.contains("seccomp unavailable") {
        println!("skipped: seccomp filters are not available here (qemu-user?)");
        return;
    }
    assert!(
        stdout.contains("load error: mprotect failed: Permission denied"),
        "{stdout}"
    );
}

#[test]
fn refused_mprotect_child() {
    if std::env::var_os("LOADER_TEST_CHILD").is_none() {
        return;
    }
    let jit = host_jit();
    let obj = jit
        .compile("int f(int x) { return x + 1; }", Language::C)
        .unwrap();
    if !deny_executable_mprotect() {
        println!("seccomp unavailable");
        return;
    }
    match jit.load_object(&obj) {
        Ok(_) => println!("loaded despite the filter"),
        Err(e) => println!("load error: {e}"),
    }
}

/// Installs a seccomp filter on this thread: `mprotect(.., .., prot)` with
/// `PROT_EXEC` in `prot` fails with `EACCES`; everything else is allowed.
fn deny_executable_mprotect() -> bool {
    use libc::{
        sock_filter, sock_fprog, BPF_ABS, BPF_JEQ, BPF_JMP, BPF_JSET, BPF_K, BPF_LD, BPF_RET, BPF_W,
    };
    let stmt = |code: u32, k: u32| sock_filter {
        code: code as u16,
        jt: 0,
        jf: 0,
        k,
    };
    let jump = |code: u32, k: u32, jt: u8, jf: u8| sock_filter {
        code: code as u16,
        jt,
        jf,
        k,
    };
    // AUDIT_ARCH_* of <linux/audit.h>.
    #[cfg(target_arch = "x86_64")]
    const AUDIT_ARCH: u32 = 0xc000_003e;
    #[cfg(target_arch = "aarch64")]
    const AUDIT_ARCH: u32 = 0xc000_00b7;
    #[cfg(target_arch = "riscv64")]
    const AUDIT_ARCH: u32 = 0xc000_00f3;
    #[cfg(target_arch = "loongarch64")]
    const AUDIT_ARCH: u32 = 0xc000_0102;
    #[cfg(target_arch = "powerpc64")]
    const AUDIT_ARCH: u32 = 0xc000_0015;
    // struct seccomp_data: nr at 0, arch at 4, args[2] (low half, LE) at 32.
    let filter = [
        stmt(BPF_LD | BPF_W | BPF_ABS, 4),
        jump(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH, 0, 4),
        stmt(BPF_LD | BPF_W | BPF_ABS, 0),
        jump(BPF_JMP | BPF_JEQ | BPF_K, libc::SYS_mprotect as u32, 0, 2),
        stmt(BPF_LD | BPF_W | BPF_ABS, 32),
        jump(BPF_JMP | BPF_JSET | BPF_K, libc::PROT_EXEC as u32, 1, 0),
        stmt(BPF_RET | BPF_K, libc::SECCOMP_RET_ALLOW),
        stmt(
            BPF_RET | BPF_K,
            libc::SECCOMP_RET_ERRNO | libc::EACCES as u32,
        ),
    ];
    let prog = sock_fprog {
        len: filter.len() as u16,
        filter: filter.as_ptr() as *mut sock_filter,
    };
    // SAFETY: plain prctl calls; `prog` points at `filter`, which outlives
    // the call (the kernel copies the program).
    unsafe {
        libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0
            && libc::prctl(
                libc::PR_SET_SECCOMP,
                libc::SECCOMP_MODE_FILTER,
                &prog as *const sock_fprog,
            ) == 0
    }
}
