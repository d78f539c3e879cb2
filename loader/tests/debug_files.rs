//! The debugging aids that write files: perf's map and the object dump
//! directory. Both are off by default (`memory_host.rs` checks that the
//! JIT path writes no files).

mod support;

use loader::{Jit, JitOptions, Language};

const SRC: &str = r#"
static __attribute__((noinline)) long perf_map_helper(long x) { return x * x + 7; }
long perf_map_kernel(long x) { return perf_map_helper(x) - perf_map_helper(x - 1); }
"#;

#[test]
fn perf_map_names_every_function_at_its_address() {
    let path = loader::debug::perf_map::path();
    assert_eq!(
        path,
        std::env::temp_dir().join(format!("perf-{}.map", std::process::id()))
    );
    let _ = std::fs::remove_file(&path);
    let mut options = JitOptions::host().unwrap();
    options.debug.perf_map = true;
    let m = Jit::with_options(options)
        .load_source(SRC, Language::C)
        .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();

    let mut seen = Vec::new();
    for line in text.lines() {
        // `START SIZE name`, hex without 0x, as perf parses it.
        let mut words = line.splitn(3, ' ');
        let start = u64::from_str_radix(words.next().unwrap(), 16).unwrap();
        let size = u64::from_str_radix(words.next().unwrap(), 16).unwrap();
        let name = words.next().unwrap().to_string();
        let sym = m
            .symbols()
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("{name} is not a symbol of the image"));
        assert_eq!((start, size), (sym.address, sym.size), "{line}");
        assert!(sym.is_function && size > 0, "{line}");
        seen.push(name);
    }
    seen.sort();
    assert!(seen.iter().any(|n| n == "perf_map_kernel"), "{text}");
    // Locals are named too (perf would otherwise lump them into the caller).
    assert!(seen.iter().any(|n| n == "perf_map_helper"), "{text}");
    let (base, len) = m.image_range().unwrap();
    assert!(m.symbol_address("perf_map_kernel").unwrap() - base < len as u64);
}

#[test]
fn dump_dir_from_the_environment_gets_object_and_source() {
    let dir = std::env::temp_dir().join(format!("loader-dump-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = support::self_command(&["--exact", "dump_child", "--nocapture"])
        .env("LOADER_DUMP_DIR", &dir)
        .env("LOADER_TEST_DUMP_CHILD", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(names.len(), 2, "{names:?}");
    let (c, o) = (&names[0], &names[1]);
    assert!(c.ends_with(".c") && o.ends_with(".o"), "{names:?}");
    assert_eq!(c.trim_end_matches(".c"), o.trim_end_matches(".o"));
    let printed = String::from_utf8_lossy(&out.stdout);
    // The child read the object back: an ELF file.
    assert!(printed.contains("object magic: 7f454c46"), "{printed}");
}

#[test]
fn dump_child() {
    if std::env::var_os("LOADER_TEST_DUMP_CHILD").is_none() {
        return;
    }
    let options = JitOptions::host().unwrap();
    let dir = options
        .debug
        .dump_dir
        .clone()
        .expect("LOADER_DUMP_DIR is set");
    let m = Jit::with_options(options)
        .load_source(SRC, Language::C)
        .unwrap();
    assert!(m.function("perf_map_kernel").is_ok());
    for e in std::fs::read_dir(&dir).unwrap() {
        let path = e.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        if path.extension().is_some_and(|x| x == "o") {
            let magic: String = bytes[..4].iter().map(|b| format!("{b:02x}")).collect();
            println!("object magic: {magic}");
        } else {
            assert_eq!(String::from_utf8(bytes).unwrap(), SRC);
        }
    }
}

#[test]
fn perf_map_names_the_functions_of_a_batch() {
    // A separate process: the map file is per pid and the test above
    // removes it.
    let out = support::self_command(&["--exact", "batch_perf_map_child", "--nocapture"])
        .env("LOADER_TEST_BATCH_PERF_MAP_CHILD", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn batch_perf_map_child() {
    if std::env::var_os("LOADER_TEST_BATCH_PERF_MAP_CHILD").is_none() {
        return;
    }
    let path = loader::debug::perf_map::path();
    let _ = std::fs::remove_file(&path);
    let mut options = JitOptions::host().unwrap();
    options.debug.perf_map = true;
    let jit = Jit::with_options(options);
    let a = jit.compile(SRC, Language::C).unwrap();
    let b = jit
        .compile("long batch_other(long x) { return 3 * x; }", Language::C)
        .unwrap();
    let m = jit.load_batch(&[("a", &a), ("b", &b)]).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    for name in ["perf_map_kernel", "perf_map_helper", "batch_other"] {
        let sym = m.symbols().iter().find(|s| s.name == name).unwrap();
        let line = format!("{:x} {:x} {name}", sym.address, sym.size);
        assert!(text.lines().any(|l| l == line), "{line} not in\n{text}");
    }
}
