//! 100,000 load/call/unload cycles of one precompiled object leave resident
//! memory, open file descriptors and mappings where they were.
//!
//! Figures are printed (`--nocapture`); the bounds: no new descriptor, at
//! most [`MAPPINGS_TOLERANCE`] new mappings (the allocator may keep an arena
//! more), and resident memory grown by at most [`RSS_TOLERANCE`] bytes over
//! the cycles after warm-up (a leak of one 64-byte allocation per cycle
//! would be 6 MB).

use loader::{Jit, Language};

const CYCLES: usize = 100_000;
const WARM_UP: usize = 2_000;
const RSS_TOLERANCE: u64 = 2 << 20;
const MAPPINGS_TOLERANCE: usize = 2;

const SOURCE: &str = "
    static const double w[4] = { 0.5, 1.5, 2.5, 3.5 };
    static double acc;
    double k(double x, int i) { acc += x; return acc * w[i & 3]; }
    double ext(double x) { return __builtin_sqrt(x) + k(x, 1); }
";

#[derive(Debug, Clone, Copy)]
struct Usage {
    rss_bytes: u64,
    fds: usize,
    mappings: usize,
}

fn usage() -> Usage {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let resident_pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    Usage {
        rss_bytes: resident_pages * loader::page_size(),
        fds: std::fs::read_dir("/proc/self/fd").unwrap().count(),
        mappings: std::fs::read_to_string("/proc/self/maps")
            .unwrap()
            .lines()
            .count(),
    }
}

fn cycles(jit: &Jit, object: &[u8], n: usize) {
    for i in 0..n {
        let module = jit.load_object(object).unwrap();
        // SAFETY: `k` is `double k(double, int)`.
        let k = unsafe { module.typed::<extern "C" fn(f64, i32) -> f64>("k") }.unwrap();
        // A fresh module starts with acc = 0: 2.0 * w[i & 3].
        let w = [0.5, 1.5, 2.5, 3.5][i & 3];
        assert_eq!(k.get()(2.0, i as i32), 2.0 * w);
    }
}

#[test]
fn load_unload_cycles_keep_memory_fds_and_mappings_flat() {
    let jit = Jit::new().unwrap();
    let object = jit.compile(SOURCE, Language::C).unwrap();
    let during = {
        let module = jit.load_object(&object).unwrap();
        let u = usage();
        drop(module);
        u
    };
    cycles(&jit, &object, WARM_UP);
    let before = usage();
    let start = std::time::Instant::now();
    cycles(&jit, &object, CYCLES);
    let secs = start.elapsed().as_secs_f64();
    let after = usage();
    let rss_growth = after.rss_bytes as i64 - before.rss_bytes as i64;
    println!(
        "{CYCLES} load/unload cycles in {secs:.1}s ({:.1} us each): resident {} -> {} bytes \
         ({rss_growth:+}), fds {} -> {}, mappings {} -> {} (one module loaded: {})",
        secs * 1e6 / CYCLES as f64,
        before.rss_bytes,
        after.rss_bytes,
        before.fds,
        after.fds,
        before.mappings,
        after.mappings,
        during.mappings,
    );
    assert!(
        rss_growth <= RSS_TOLERANCE as i64,
        "resident memory grew by {rss_growth} bytes over {CYCLES} cycles"
    );
    assert_eq!(after.fds, before.fds, "file descriptors leaked");
    assert!(
        after.mappings <= before.mappings + MAPPINGS_TOLERANCE,
        "mappings left behind: {} -> {}",
        before.mappings,
        after.mappings
    );
    // A loaded image shows in /proc/self/maps (so the count can see a
    // leak) and is gone once dropped.
    assert!(after.mappings < during.mappings, "{during:?} vs {after:?}");
}
