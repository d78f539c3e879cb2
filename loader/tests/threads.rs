//! Eight threads compiling, loading, calling and dropping 1,000 kernels at
//! once, through one shared compile cache and without one; every result is
//! checked against the kernel's own constants, and modules kept alive
//! across other threads' loads and drops are called again at the end.

use loader::cache::CompileCache;
use loader::{Jit, JitOptions, Language, Module, Signature, Type, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

const THREADS: usize = 8;
const KERNELS: usize = 1_000;
/// Distinct sources; the other loads of one hit the cache, often while
/// another thread is compiling or loading the same source.
const DISTINCT: usize = 200;
/// Sources every thread loads again and again.
const SHARED: usize = 3;

/// Source `id`: a function, a read-only table and a mutable counter, all
/// with constants of its own so that a module answering for another is
/// caught. Every kernel names its function `k`: modules must not see each
/// other's symbols.
fn source(id: usize) -> String {
    format!(
        "static const long table[4] = {{ {t0}, {t1}, {t2}, {t3} }};
         static long calls;
         long k(long x) {{ calls++; return x * {m} + table[x & 3] + {c}; }}
         long count(void) {{ return calls; }}",
        m = id + 3,
        c = id * 1000 + 7,
        t0 = id,
        t1 = id * 2,
        t2 = id * 3 + 1,
        t3 = 5,
    )
}

fn expected(id: usize, x: i64) -> i64 {
    let id = id as i64;
    let table = [id, id * 2, id * 3 + 1, 5];
    x * (id + 3) + table[(x & 3) as usize] + id * 1000 + 7
}

/// Which source job `j` loads, and whether through the cache.
fn job(j: usize) -> (usize, bool) {
    let id = if j % 10 == 0 {
        DISTINCT + j % SHARED
    } else {
        j % DISTINCT
    };
    (id, j % 10 != 3)
}

fn check(module: &Module, id: usize, x: i64) {
    // SAFETY: `k` is `long k(long)` in every source.
    let k = unsafe { module.typed::<extern "C" fn(i64) -> i64>("k") }.unwrap();
    assert_eq!(k.get()(x), expected(id, x), "kernel {id} at {x}");
}

#[test]
fn eight_threads_load_call_and_drop_a_thousand_kernels() {
    let cache = Arc::new(CompileCache::in_memory());
    let cached = Jit::with_options(JitOptions {
        cache: Some(cache.clone()),
        ..JitOptions::host().unwrap()
    });
    let uncached = Jit::with_options(JitOptions {
        cache: None,
        ..JitOptions::host().unwrap()
    });
    let next = AtomicUsize::new(0);
    let sig = Signature::new(&[Type::I64], Type::I64).unwrap();
    let done: usize = std::thread::scope(|s| {
        let workers: Vec<_> = (0..THREADS)
            .map(|_| {
                s.spawn(|| {
                    let mut kept: Vec<(usize, Module)> = Vec::new();
                    let mut loaded = 0;
                    loop {
                        let j = next.fetch_add(1, Ordering::Relaxed);
                        if j >= KERNELS {
                            break;
                        }
                        let (id, through_cache) = job(j);
                        let jit = if through_cache { &cached } else { &uncached };
                        let module = jit.load_source(&source(id), Language::C).unwrap();
                        let x = j as i64 - 500;
                        check(&module, id, x);
                        // Half the calls through libffi.
                        if j % 2 == 0 {
                            let f = module.function("k").unwrap();
                            // SAFETY: `sig` is the signature of `k`.
                            let r = unsafe { f.call(&sig, &[Value::I64(x + 1)]) }.unwrap();
                            assert_eq!(r, Value::I64(expected(id, x + 1)), "kernel {id}");
                        }
                        // Each module has its own data: two calls so far
                        // (one on odd jobs), whatever other modules of
                        // the same source did.
                        // SAFETY: `count` is `long count(void)`.
                        let count = unsafe { module.typed::<extern "C" fn() -> i64>("count") }
                            .unwrap()
                            .get()();
                        assert_eq!(count, if j % 2 == 0 { 2 } else { 1 }, "kernel {id}");
                        loaded += 1;
                        // Keep some modules alive while others come and go.
                        if j % 7 == 0 {
                            kept.push((id, module));
                            if kept.len() > 4 {
                                let (id, old) = kept.remove(0);
                                check(&old, id, 11);
                            }
                        }
                    }
                    for (id, m) in &kept {
                        check(m, *id, -3);
                    }
                    loaded
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).sum()
    });
    assert_eq!(done, KERNELS);
    let stats = cache.stats();
    println!("compile cache after {KERNELS} loads: {stats:?}");
    let cached: Vec<usize> = (0..KERNELS).filter(|&j| job(j).1).collect();
    let mut sources: Vec<usize> = cached.iter().map(|&j| job(j).0).collect();
    sources.sort();
    sources.dedup();
    let loads = stats.memory_hits + stats.disk_hits + stats.misses;
    assert_eq!(loads, cached.len() as u64, "{stats:?}");
    // Each source compiled at least once, at most twice (two threads may
    // miss the same source at once), every other load a hit.
    let n = sources.len() as u64;
    assert!(
        stats.misses >= n && stats.misses <= 2 * n,
        "{n} sources: {stats:?}"
    );
}
