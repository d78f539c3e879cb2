//! Promises about the memory of loaded modules: W^X, no files on the JIT
//! path, unmapping on drop.

mod support;

use loader::link::LinkOptions;
use loader::resolve::NoSymbols;
use loader::{Error, Jit, JitOptions, Language, Module};

const SRC: &str = r#"
static int counter;
static const double k[3] = {1.5, 2.5, 3.5};
int bump(void) { return ++counter; }
double pick(int i) { return k[i % 3]; }
"#;

use support::{maps, maps_of};

#[test]
fn no_mapping_of_the_image_is_writable_and_executable() {
    let jit = Jit::with_options(JitOptions::host().unwrap());
    let m = jit.load_source(SRC, Language::C).unwrap();
    let (base, len) = m.image_range().unwrap();
    let ours = maps_of(base, len);
    assert!(!ours.is_empty(), "image not found in /proc/self/maps");
    for (s, e, p) in &ours {
        assert!(
            !(p.contains('w') && p.contains('x')),
            "{s:#x}-{e:#x} is {p}: writable and executable"
        );
    }
    assert!(
        ours.iter().any(|(_, _, p)| p.starts_with("r-x")),
        "no code mapping: {ours:?}"
    );
    assert!(
        ours.iter().any(|(_, _, p)| p.starts_with("rw-")),
        "no data mapping: {ours:?}"
    );
    // And the code really runs, with its data writable.
    // SAFETY: bump's C signature.
    let bump = unsafe { m.typed::<extern "C" fn() -> i32>("bump") }.unwrap();
    assert_eq!((bump.get()(), bump.get()()), (1, 2));
    // Nowhere in the whole process, for that matter, after a load.
    for (s, e, p) in maps() {
        assert!(
            !(p.contains('w') && p.contains('x')),
            "{s:#x}-{e:#x} is {p}"
        );
    }
}

/// The protections of the image's mappings, in address order.
fn image_perms(m: &Module) -> Vec<String> {
    let (base, len) = m.image_range().unwrap();
    maps_of(base, len)
        .into_iter()
        .map(|(_, _, p)| p[..3].to_string())
        .collect()
}

#[test]
fn read_only_data_shares_the_code_pages_unless_asked_apart() {
    for (separate, expected) in [
        (false, ["r-x", "rw-"].as_slice()),
        (true, &["r-x", "r--", "rw-"]),
    ] {
        let jit = Jit::with_options(JitOptions {
            separate_read_only: separate,
            ..JitOptions::host().unwrap()
        });
        let m = jit.load_source(SRC, Language::C).unwrap();
        assert_eq!(image_perms(&m), expected, "separate_read_only {separate}");
        // The table is read from wherever it went.
        // SAFETY: pick's C signature.
        let pick = unsafe { m.typed::<extern "C" fn(i32) -> f64>("pick") }.unwrap();
        assert_eq!(pick.get()(4), 2.5);
        let k = m
            .symbols()
            .iter()
            .find(|s| s.name == "k")
            .expect("the table is listed");
        let in_code = m.segments().iter().any(|s| {
            s.protection == loader::link::Protection::ReadExecute
                && (s.offset..s.offset + s.len).contains(&(k.address - m.image_range().unwrap().0))
        });
        assert_eq!(in_code, !separate, "table at {:#x}", k.address);
    }
}

#[test]
fn a_page_size_the_host_cannot_protect_is_refused() {
    let jit = Jit::with_options(JitOptions::host().unwrap());
    let object = jit.compile(SRC, Language::C).unwrap();
    for page_size in [0, 1024, loader::page_size() + 512] {
        let options = LinkOptions {
            page_size,
            ..LinkOptions::host()
        };
        let arch = loader::Arch::host().unwrap();
        let e = Module::load_in_memory(&object, arch, &NoSymbols, &options).unwrap_err();
        assert!(
            matches!(&e, Error::PageSizeNotHostMultiple { page_size: p, .. } if *p == page_size),
            "{page_size}: {e:?}"
        );
        assert!(e.to_string().contains("host"), "{e}");
    }
}

#[test]
fn the_jit_path_writes_no_files() {
    // Compile in a child process whose TMPDIR does not exist: any temp file
    // would fail there.
    let out = support::self_command(&["--exact", "load_with_tmpdir_missing", "--nocapture"])
        .env("TMPDIR", "/nonexistent/tmp/dir")
        .env("LOADER_TEST_CHILD", "1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("loaded: 2.5"), "{text}");
}

#[test]
fn load_with_tmpdir_missing() {
    if std::env::var_os("LOADER_TEST_CHILD").is_none() {
        return;
    }
    assert!(!std::path::Path::new("/nonexistent/tmp/dir").exists());
    let jit = Jit::with_options(JitOptions::host().unwrap());
    let m = jit.load_source(SRC, Language::C).unwrap();
    // SAFETY: pick's C signature.
    let pick = unsafe { m.typed::<extern "C" fn(i32) -> f64>("pick") }.unwrap();
    println!("loaded: {}", pick.get()(4));
}

#[test]
fn drop_unmaps_the_image() {
    let jit = Jit::with_options(JitOptions::host().unwrap());
    let m = jit.load_source(SRC, Language::C).unwrap();
    let (base, len) = m.image_range().unwrap();
    let mapped = |maps: &[(u64, u64, String)]| {
        maps.iter()
            .any(|(s, e, _)| *s < base + len as u64 && *e > base)
    };
    assert!(mapped(&maps()));
    drop(m);
    assert!(!mapped(&maps()), "image still mapped after drop");
}

#[test]
fn modules_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<loader::Module>();
    check::<loader::Jit>();
    check::<loader::Signature>();
}

#[test]
fn lookups_agree_before_and_after_the_export_index_is_built() {
    // The first lookups scan the symbol list; later ones use the index
    // built on the ninth: both must give every exported symbol's address
    // and miss the others.
    let jit = Jit::with_options(JitOptions::host().unwrap());
    let m = jit.load_source(SRC, Language::C).unwrap();
    let expected: Vec<(String, u64)> = m
        .symbols()
        .iter()
        .filter(|s| s.exported)
        .map(|s| (s.name.to_string(), s.address))
        .collect();
    assert!(expected.len() >= 2, "{expected:?}");
    for round in 0..12 {
        for (name, address) in &expected {
            assert_eq!(m.symbol_address(name).unwrap(), *address, "round {round}");
        }
        // `counter` is static: listed, never exported.
        assert!(m.symbol_address("counter").is_err(), "round {round}");
        assert!(m.symbol_address("bum").is_err(), "round {round}");
    }
}
