//! Performance figures of the loader, measured in one run and printed as a
//! Markdown table with ratios, targets and verdicts (issue #6). Run with
//! `cargo xtask bench` (or `cargo bench -p loader --bench load -- --help`).
//!
//! Figures: (1) load latency against the memory floor (anonymous mmap +
//! memcpy + mprotect + munmap of the same bytes, measured here in rounds
//! alternating with the load's, the ratio being the median of the rounds'
//! ratios); (2) the dlopen backend (write the pre-linked .so, dlopen,
//! dlsym, dlclose, unlink) against a single and a batched in-memory load;
//! (3) compile + load and a compile-cache hit; (4) call overhead; (5)
//! 10,000 resident kernels, one image each or one batch image (each
//! measured in a child process so freed heap of one does not hide the RSS
//! of the other);
//! (6) relocations per second of the pure link step on the largest corpus
//! objects, for every architecture; (7) the conformance matrix wall time
//! from `target/conformance/matrix/*.json`.
//!
//! Kernels are generated C: chains of small non-inlined functions calling
//! each other (PLT32/branch relocations), a constant table and a counter.
//! Many distinct copies of one kernel are made without recompiling by
//! rewriting a fixed-width name prefix (`KZQ00000_`) in the object's string
//! table: same length, so the ELF stays valid.
//!
//! `--profile-loads`, `--profile-phases`, `--profile-link` and
//! `--profile-batch` run one workload alone, for a profiler (callgrind,
//! perf); what each optimisation bought is in the git history.

use loader::link::{link, LinkOptions, Prepared, Protection, SectionClass, Segment};
use loader::resolve::NoSymbols;
use loader::{cache::CompileCache, Arch, Compiler, Cpu, Jit, JitOptions, Language, Module};
use loader::{Signature, Type, Value};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

const PREFIX: &str = "KZQ00000_";

const HELP: &str = "\
load bench: every figure of issue #6 in one table.

usage: cargo bench -p loader --bench load -- [--quick] [--only SECTION]... [--kernels N]
       cargo bench -p loader --bench load -- --profile-loads N KIB   (N loads, for a profiler)
       cargo bench -p loader --bench load -- --profile-phases N KIB  (prepare / link / floor / load)
       cargo bench -p loader --bench load -- --profile-link ARCH N KIB  (N pure links for ARCH)
       cargo bench -p loader --bench load -- --profile-batch N       (one batch of N kernels)

  --quick        fewer rounds (noisier; for a smoke run)
  --only S       run only section S (load, dlopen, compile, call, scale, relocs, matrix);
                 repeatable
  --kernels N    kernels resident in the scale figure (default 10000)";

struct Args {
    quick: bool,
    only: Vec<String>,
    kernels: usize,
}

impl Args {
    fn parse() -> Result<Args, String> {
        let mut a = Args {
            quick: false,
            only: Vec::new(),
            kernels: 10_000,
        };
        let mut it = std::env::args().skip(1);
        while let Some(arg) = it.next() {
            match arg.as_str() {
                "--quick" => a.quick = true,
                "--only" => a.only.push(it.next().ok_or("--only needs a section")?),
                "--kernels" => {
                    a.kernels = it
                        .next()
                        .and_then(|n| n.parse().ok())
                        .ok_or("--kernels needs a number")?
                }
                "--help" | "-h" => {
                    println!("{HELP}");
                    std::process::exit(0);
                }
                "--bench" => {} // passed by `cargo bench`
                "--profile-loads" => {
                    // For `perf record`/callgrind: nothing but N loads of a
                    // kernel of KIB KiB of code.
                    let n = it.next().and_then(|n| n.parse().ok()).ok_or("count")?;
                    let kib: u64 = it.next().and_then(|n| n.parse().ok()).ok_or("KiB")?;
                    let arch = Arch::host().expect("host");
                    let k =
                        sized_kernel(&Compiler::new(arch).expect("clang"), "profiled", kib * 1024);
                    let t = cpu_now();
                    for _ in 0..n {
                        load_once(&k.object, arch);
                    }
                    let per = (cpu_now() - t) / n.max(1);
                    eprintln!("{n} loads, {} each (thread CPU)", us(per));
                    std::process::exit(0);
                }
                "--profile-phases" => {
                    // Where a load's time goes: parse + layout, linking into
                    // a reused buffer, the whole load; thread CPU per call.
                    let n: u32 = it.next().and_then(|n| n.parse().ok()).ok_or("count")?;
                    let kib: u64 = it.next().and_then(|n| n.parse().ok()).ok_or("KiB")?;
                    let arch = Arch::host().expect("host");
                    let k =
                        sized_kernel(&Compiler::new(arch).expect("clang"), "profiled", kib * 1024);
                    let options = LinkOptions::host();
                    let time = |f: &mut dyn FnMut()| {
                        let t = cpu_now();
                        for _ in 0..n {
                            f();
                        }
                        us((cpu_now() - t) / n.max(1))
                    };
                    let prepare = time(&mut || {
                        black_box(Prepared::new(&k.object, arch, &options).expect("parse"));
                    });
                    let p = Prepared::new(&k.object, arch, &options).expect("parse");
                    let mut buffer = vec![0u8; p.image_size()];
                    let link = time(&mut || link_into_buffer(&p, &mut buffer));
                    let floor = time(&mut || floor_once(&k.object, p.image_size()));
                    let load = time(&mut || load_once(&k.object, arch));
                    eprintln!(
                        "{kib} KiB kernel, {n} calls each: prepare {prepare}, link into a buffer {link}, floor {floor}, whole load {load}"
                    );
                    std::process::exit(0);
                }
                "--profile-link" => {
                    // For a profiler: N pure links (no mapping) of a kernel
                    // of KIB KiB compiled for ARCH, any arch on any host.
                    let arch: Arch = it.next().ok_or("arch")?.parse()?;
                    let n: u32 = it.next().and_then(|n| n.parse().ok()).ok_or("count")?;
                    let kib: u64 = it.next().and_then(|n| n.parse().ok()).ok_or("KiB")?;
                    let mut compiler = Compiler::new(arch).expect("clang");
                    compiler.cpu = Cpu::Baseline;
                    let k = sized_kernel(&compiler, "profiled", kib * 1024);
                    let options = LinkOptions::host();
                    let size = Prepared::new(&k.object, arch, &options)
                        .expect("parse")
                        .image_size();
                    let mut buffer = vec![0u8; size];
                    let t = cpu_now();
                    for _ in 0..n {
                        let p = Prepared::new(&k.object, arch, &options).expect("parse");
                        link_into_buffer(&p, &mut buffer);
                    }
                    eprintln!(
                        "{arch} {kib} KiB kernel: {} per prepare + link (thread CPU)",
                        us((cpu_now() - t) / n.max(1))
                    );
                    std::process::exit(0);
                }
                "--profile-batch" => {
                    // For a profiler: one batch load of N small kernels.
                    let n: usize = it.next().and_then(|n| n.parse().ok()).ok_or("count")?;
                    let arch = Arch::host().expect("host");
                    let k = sized_kernel(&Compiler::new(arch).expect("clang"), "small", 1024);
                    let copies: Vec<Vec<u8>> = (0..n).map(|i| renamed(&k.object, i)).collect();
                    let named: Vec<(&str, &[u8])> =
                        copies.iter().map(|c| ("copy", &c[..])).collect();
                    let objects: Vec<&[u8]> = copies.iter().map(|c| &c[..]).collect();
                    // Five rounds: the first one also faults in the heap.
                    for round in 1..=5 {
                        let faults = minor_faults();
                        let t = cpu_now();
                        let p =
                            Prepared::batch(objects.iter().copied(), arch, &LinkOptions::host());
                        black_box(p.expect("parse"));
                        let prepare = cpu_now() - t;
                        let t = cpu_now();
                        batch_load_once(&named, arch);
                        let whole = cpu_now() - t;
                        eprintln!(
                            "round {round}: batch of {n}, per kernel (thread CPU): prepare {}, whole load {}; page faults of the round {}",
                            us(prepare / n.max(1) as u32),
                            us(whole / n.max(1) as u32),
                            minor_faults() - faults
                        );
                    }
                    // As the table's figure: load, look up, drop, again.
                    let faults = minor_faults();
                    let t = cpu_now();
                    for _ in 0..10 {
                        batch_load_once(&named, arch);
                    }
                    eprintln!(
                        "10 loads back to back: {} per kernel, {} page faults per load",
                        us((cpu_now() - t) / (10 * n.max(1) as u32)),
                        (minor_faults() - faults) / 10
                    );
                    std::process::exit(0);
                }
                "--scale-child" => {
                    let mode = it.next().ok_or("--scale-child needs a mode")?;
                    let n = it.next().and_then(|n| n.parse().ok()).ok_or("count")?;
                    scale_child(&mode, n);
                    std::process::exit(0);
                }
                other => return Err(format!("unknown argument `{other}`\n\n{HELP}")),
            }
        }
        Ok(a)
    }

    fn wants(&self, section: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|s| s == section)
    }
}

/// One line of the result table.
struct Row {
    figure: String,
    value: String,
    ratio: String,
    target: String,
    verdict: &'static str,
}

#[derive(Default)]
struct Table {
    rows: Vec<Row>,
    missed: Vec<String>,
}

impl Table {
    fn info(&mut self, figure: impl Into<String>, value: impl Into<String>) {
        self.rows.push(Row {
            figure: figure.into(),
            value: value.into(),
            ratio: String::new(),
            target: String::new(),
            verdict: "",
        });
    }

    /// A figure with a ratio and a target: `ratio <= max` or `ratio >= min`.
    fn check(
        &mut self,
        figure: impl Into<String>,
        value: impl Into<String>,
        ratio: f64,
        target: Target,
    ) {
        let (ok, target_text) = match target {
            Target::AtMost(m) => (ratio <= m, format!("<= {m}x")),
            Target::AtLeast(m) => (ratio >= m, format!(">= {m}x")),
        };
        let figure = figure.into();
        let value = value.into();
        if !ok {
            self.missed.push(format!(
                "{figure}: {value}, ratio {ratio:.2}x, target {target_text}"
            ));
        }
        self.rows.push(Row {
            figure,
            value,
            ratio: format!("{ratio:.2}x"),
            target: target_text,
            verdict: if ok { "met" } else { "MISSED" },
        });
    }

    fn print(&self) {
        println!("\n| figure | measured | ratio | target | verdict |");
        println!("|---|---:|---:|---:|---|");
        for r in &self.rows {
            println!(
                "| {} | {} | {} | {} | {} |",
                r.figure, r.value, r.ratio, r.target, r.verdict
            );
        }
        if self.missed.is_empty() {
            println!("\nall targets met");
        } else {
            println!("\ntargets missed:");
            for m in &self.missed {
                println!("- {m}");
            }
        }
    }
}

#[derive(Clone, Copy)]
enum Target {
    AtMost(f64),
    AtLeast(f64),
}

/// CPU time of this thread (user + system): the machine the figures are
/// taken on is shared, and wall time would count other processes' turns.
fn cpu_now() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec to write.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Median over `rounds` of the mean thread CPU time per call of `f` over
/// batches of `iters` calls.
fn per_iter(rounds: usize, iters: usize, mut f: impl FnMut()) -> Duration {
    f(); // warm up
    let mut samples: Vec<Duration> = (0..rounds)
        .map(|_| {
            let t = cpu_now();
            for _ in 0..iters {
                f();
            }
            (cpu_now() - t) / iters as u32
        })
        .collect();
    samples.sort();
    samples[samples.len() / 2]
}

/// [`per_iter`] of two functions measured in alternating rounds (`a`'s
/// batch then `b`'s, then `b`'s then `a`'s, and so on), so both see the
/// same machine: the medians of each, and the median of the per-round
/// ratios `b / a`. On a shared VM whose speed drifts over seconds,
/// measuring one after the other moved a ratio by a tenth.
fn paired_per_iter(
    rounds: usize,
    iters: usize,
    mut a: impl FnMut(),
    mut b: impl FnMut(),
) -> (Duration, Duration, f64) {
    a(); // warm up
    b();
    let batch = |f: &mut dyn FnMut()| {
        let t = cpu_now();
        for _ in 0..iters {
            f();
        }
        (cpu_now() - t) / iters as u32
    };
    let mut samples: Vec<(Duration, Duration)> = (0..rounds)
        .map(|round| {
            if round % 2 == 0 {
                let x = batch(&mut a);
                (x, batch(&mut b))
            } else {
                let y = batch(&mut b);
                (batch(&mut a), y)
            }
        })
        .collect();
    let mut ratios: Vec<f64> = samples.iter().map(|&(x, y)| ratio(y, x)).collect();
    ratios.sort_by(f64::total_cmp);
    let median_ratio = ratios[ratios.len() / 2];
    samples.sort_by_key(|s| s.0);
    let a_median = samples[samples.len() / 2].0;
    samples.sort_by_key(|s| s.1);
    let b_median = samples[samples.len() / 2].1;
    (a_median, b_median, median_ratio)
}

fn us(d: Duration) -> String {
    format!("{:.2} us", d.as_secs_f64() * 1e6)
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}

/// C source of a kernel of `functions` chained functions (each about
/// 60-100 bytes of x86_64 code), named with [`PREFIX`].
fn kernel_source(functions: usize) -> String {
    let p = PREFIX;
    let mut s =
        String::from("static const double tab[8] = {0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5};\n");
    s += &format!("int {p}count;\n");
    s += &format!("int {p}add(int a, int b) {{ return a + b; }}\n");
    s += &format!(
        "__attribute__((noinline)) double {p}f0(double x) {{ return x * 1.0001 + tab[3]; }}\n"
    );
    for i in 1..functions.max(1) {
        s += &format!(
            "__attribute__((noinline)) double {p}f{i}(double x) {{\n  double s = x;\n  \
             for (int j = 0; j < {n}; j++) s = s * {c:.4} + tab[(j + {i}) & 7];\n  \
             return s + {p}f{prev}(s - {d:.3});\n}}\n",
            n = 2 + i % 5,
            c = 1.0 - (i % 7) as f64 * 1e-4,
            prev = i - 1,
            d = (i % 11) as f64 * 0.125,
        );
    }
    s += &format!(
        "double {p}entry(double x) {{ {p}count++; return {p}f{}(x); }}\n",
        functions.max(1) - 1
    );
    s
}

/// Bytes of code in `object`.
fn text_bytes(object: &[u8], arch: Arch) -> u64 {
    section_bytes(object, arch, |c| c == SectionClass::Code)
}

/// Bytes of the sections of `object` whose class passes `keep`.
fn section_bytes(object: &[u8], arch: Arch, keep: impl Fn(SectionClass) -> bool) -> u64 {
    let any = |_: &str| Some(0x4100_0000u64);
    let options = LinkOptions {
        page_size: 4096,
        record_log: false,
        separate_read_only: true,
    };
    let image = link(object, arch, 0x4000_0000, &any, &options).expect("kernel links");
    image
        .output
        .sections
        .iter()
        .filter(|s| keep(s.class))
        .map(|s| s.size)
        .sum()
}

struct Kernel {
    label: &'static str,
    source: String,
    object: Vec<u8>,
    text: u64,
}

/// A kernel of about `target` bytes of code.
fn sized_kernel(compiler: &Compiler, label: &'static str, target: u64) -> Kernel {
    let probe = compiler
        .compile(&kernel_source(16), Language::C)
        .expect("compile");
    let per_fn = text_bytes(&probe, compiler.arch) as f64 / 16.0;
    let functions = ((target as f64 / per_fn).round() as usize).max(1);
    let source = kernel_source(functions);
    let object = compiler.compile(&source, Language::C).expect("compile");
    let text = text_bytes(&object, compiler.arch);
    Kernel {
        label,
        source,
        object,
        text,
    }
}

/// `object` with every `KZQ00000_` renamed `KZQnnnnn_`.
fn renamed(object: &[u8], n: usize) -> Vec<u8> {
    let new = format!("KZQ{n:05}_");
    assert_eq!(new.len(), PREFIX.len(), "at most 100000 copies");
    let mut out = object.to_vec();
    let pat = PREFIX.as_bytes();
    let mut i = 0;
    while i + pat.len() <= out.len() {
        if &out[i..i + pat.len()] == pat {
            out[i..i + pat.len()].copy_from_slice(new.as_bytes());
            i += pat.len();
        } else {
            i += 1;
        }
    }
    out
}

/// The link step alone, into a caller's buffer at a fixed base (no mapping).
fn link_into_buffer(p: &Prepared<'_>, buffer: &mut [u8]) {
    let mut symbols = loader::link::SymbolList::new();
    p.link_for_module(
        0x7000_0000_0000,
        buffer,
        &NoSymbols,
        &mut symbols,
        &mut Vec::new(),
    )
    .expect("link");
    black_box(&symbols);
}

/// The floor: what any loader must do with these bytes at least.
fn floor_once(object: &[u8], len: usize) {
    // SAFETY: an anonymous private mapping of `len` bytes; written only
    // within bounds, unmapped once below.
    unsafe {
        let p = libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        );
        assert_ne!(p, libc::MAP_FAILED);
        std::ptr::copy_nonoverlapping(object.as_ptr(), p as *mut u8, object.len().min(len));
        assert_eq!(libc::mprotect(p, len, libc::PROT_READ | libc::PROT_EXEC), 0);
        black_box(p);
        libc::munmap(p, len);
    }
}

/// The floor with one `mprotect` per protected segment of the image, as
/// W^X needs (code read + execute, GOT and constants read-only; the
/// writable group keeps its first protection): information only, the
/// target is against [`floor_once`].
fn floor_per_segment_once(object: &[u8], len: usize, segments: &[Segment]) {
    // SAFETY: as in `floor_once`; every segment lies within the `len`
    // bytes (the layout of an image of that size).
    unsafe {
        let p = libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        );
        assert_ne!(p, libc::MAP_FAILED);
        std::ptr::copy_nonoverlapping(object.as_ptr(), p as *mut u8, object.len().min(len));
        for s in segments {
            let prot = match s.protection {
                Protection::ReadExecute => libc::PROT_READ | libc::PROT_EXEC,
                Protection::ReadOnly => libc::PROT_READ,
                Protection::ReadWrite => continue,
            };
            let at = (p as *mut u8).add(s.offset as usize) as *mut libc::c_void;
            assert_eq!(libc::mprotect(at, s.len as usize, prot), 0);
        }
        black_box(p);
        libc::munmap(p, len);
    }
}

/// A batch load of `named` (renamed copies of the small kernel), a lookup
/// of the last copy's entry point, and the drop: the unit of figure (2).
fn batch_load_once(named: &[(&str, &[u8])], arch: Arch) {
    let m =
        Module::load_batch_in_memory(named, arch, &NoSymbols, &LinkOptions::host()).expect("batch");
    let last = format!("KZQ{:05}_entry", named.len() - 1);
    black_box(m.symbol_address(&last).expect("entry"));
}

fn load_once(object: &[u8], arch: Arch) {
    load_once_with(object, arch, &LinkOptions::host());
}

fn load_once_with(object: &[u8], arch: Arch, options: &LinkOptions) {
    let m = Module::load_in_memory(object, arch, &NoSymbols, options).expect("load");
    black_box(m.symbol_address(&format!("{PREFIX}entry")).expect("entry"));
}

fn main() {
    let args = match Args::parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let arch = Arch::host().expect("a supported host");
    let compiler = Compiler::new(arch).expect("clang");
    let (rounds, scale) = if args.quick { (3, 0.2) } else { (9, 1.0) };
    let n = |base: usize| ((base as f64 * scale) as usize).max(1);
    let mut t = Table::default();
    println!(
        "loader bench: {arch} host, clang {}, {} cpus, page size {}",
        compiler.clang.display(),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        loader::page_size()
    );

    let kernels = [
        sized_kernel(&compiler, "small", 1024),
        sized_kernel(&compiler, "medium", 16 * 1024),
        sized_kernel(&compiler, "large", 256 * 1024),
    ];
    let small = &kernels[0];
    let mut single_small = Duration::ZERO;

    // (1) load latency vs the floor.
    if args.wants("load") || args.wants("dlopen") || args.wants("compile") {
        let jit = Jit::with_options(JitOptions {
            cache: None,
            ..JitOptions::host().expect("host options")
        });
        for k in &kernels {
            let prepared = Prepared::new(&k.object, arch, &LinkOptions::host()).expect("parse");
            let size = prepared.image_size();
            let segments = prepared.segments().to_vec();
            let iters = n((2_000_000 / (k.text as usize + 4096)).clamp(20, 2000));
            let (floor, load, load_ratio) = paired_per_iter(
                rounds,
                iters,
                || floor_once(&k.object, size),
                || load_once(&k.object, arch),
            );
            if k.label == "small" {
                single_small = load;
            }
            t.info(
                format!(
                    "(1) floor {} ({} B text, {} B image)",
                    k.label, k.text, size
                ),
                us(floor),
            );
            let protected = segments
                .iter()
                .filter(|s| s.protection != Protection::ReadWrite)
                .count();
            let floor_w_x = per_iter(rounds, iters, || {
                floor_per_segment_once(&k.object, size, &segments)
            });
            t.info(
                format!(
                    "(1) floor {} with one mprotect per protected segment ({protected}), info",
                    k.label
                ),
                format!(
                    "{} (load / this: {:.2}x)",
                    us(floor_w_x),
                    ratio(load, floor_w_x)
                ),
            );
            t.check(
                format!("(1) load {} (Module::load_in_memory) / floor", k.label),
                us(load),
                load_ratio,
                Target::AtMost(1.5),
            );
            if args.wants("load") {
                let strict = LinkOptions {
                    separate_read_only: true,
                    ..LinkOptions::host()
                };
                let separate = per_iter(rounds, iters, || load_once_with(&k.object, arch, &strict));
                t.info(
                    format!(
                        "(1) load {} with read-only data on pages of its own (separate_read_only)",
                        k.label
                    ),
                    format!("{} ({:.2}x floor)", us(separate), ratio(separate, floor)),
                );
                let via_jit = per_iter(rounds, iters, || {
                    let m = jit.load_object(&k.object).expect("load");
                    black_box(m.symbol_address(&format!("{PREFIX}entry")).expect("entry"));
                });
                t.info(
                    format!(
                        "(1) load {} via Jit::load_object (default options)",
                        k.label
                    ),
                    format!("{} ({:.2}x floor)", us(via_jit), ratio(via_jit, floor)),
                );
            }
        }
    }

    // (2) dlopen backend vs single and batch loads.
    if args.wants("dlopen") {
        let dir = std::env::temp_dir().join(format!("loader-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let so = prelink(&compiler, &small.object, &dir);
        let path = dir.join("kernel-copy.so");
        let cpath = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
        let entry = std::ffi::CString::new(format!("{PREFIX}entry")).unwrap();
        let dl = per_iter(rounds, n(200), || {
            std::fs::write(&path, &so).expect("write .so");
            // SAFETY: a freestanding library without constructors; the
            // handle is closed once below.
            unsafe {
                let h = libc::dlopen(cpath.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL);
                assert!(!h.is_null(), "dlopen failed");
                black_box(libc::dlsym(h, entry.as_ptr()));
                libc::dlclose(h);
            }
            std::fs::remove_file(&path).expect("unlink");
        });
        let _ = std::fs::remove_dir_all(&dir);
        t.info(
            "(2) dlopen backend, small (write .so, dlopen, dlsym, dlclose, unlink)",
            us(dl),
        );
        t.check(
            "(2) dlopen / single in-memory load, small",
            us(single_small),
            ratio(dl, single_small),
            Target::AtLeast(4.0),
        );
        let batch_size = 1000;
        let copies: Vec<Vec<u8>> = (0..batch_size).map(|i| renamed(&small.object, i)).collect();
        let named: Vec<(&str, &[u8])> = copies.iter().map(|c| ("copy", &c[..])).collect();
        let faults = minor_faults();
        let whole = per_iter(rounds, n(10).max(3), || batch_load_once(&named, arch));
        let per_kernel = whole / batch_size as u32;
        // The warm-up load and every timed one; the image's pages are
        // faulted in by one MADV_POPULATE_WRITE and counted here too.
        let loads = (rounds * n(10).max(3) + 1) as i64;
        let faults = (minor_faults() - faults) / loads;
        t.check(
            format!("(2) dlopen / batch load per kernel ({batch_size} small kernels per batch)"),
            us(per_kernel),
            ratio(dl, per_kernel),
            Target::AtLeast(20.0),
        );
        t.info(
            "(2) batch load: page faults per load of 1000 kernels, info",
            format!("{faults} (the image is {} pages)", {
                let m =
                    Module::load_batch_in_memory(&named, arch, &NoSymbols, &LinkOptions::host())
                        .expect("batch");
                m.image_range()
                    .map_or(0, |(_, len)| len)
                    .div_ceil(loader::page_size() as usize)
            }),
        );
    }

    // (3) compile + load; compile-cache hit.
    if args.wants("compile") {
        let no_cache = Jit::with_options(JitOptions {
            cache: None,
            ..JitOptions::host().expect("host options")
        });
        // Wall time: clang runs in a child process, outside this thread's
        // CPU time.
        let e2e = (0..n(5).max(3))
            .map(|_| {
                let t = std::time::Instant::now();
                black_box(
                    no_cache
                        .load_source(&small.source, Language::C)
                        .expect("load"),
                );
                t.elapsed()
            })
            .min()
            .unwrap_or_default();
        t.info(
            "(3) compile + load, small (clang, no cache; wall time, best run)",
            format!("{:.1} ms", e2e.as_secs_f64() * 1e3),
        );
        let cache = CompileCache::in_memory();
        let hit = per_iter(rounds, n(2000), || {
            black_box(
                cache
                    .compile(&compiler, &small.source, Language::C)
                    .expect("compile"),
            );
        });
        t.check(
            "(3) compile-cache hit, small / load latency",
            us(hit),
            ratio(hit, single_small),
            Target::AtMost(3.0),
        );
        let cached = Jit::new().expect("jit");
        let hit_load = per_iter(rounds, n(500), || {
            black_box(
                cached
                    .load_source(&small.source, Language::C)
                    .expect("load"),
            );
        });
        t.info(
            "(3) cache hit + load via Jit::load_source (default options)",
            us(hit_load),
        );
    }

    // (4) call overhead.
    if args.wants("call") {
        let m = Module::load_in_memory(&small.object, arch, &NoSymbols, &LinkOptions::host())
            .expect("load");
        // SAFETY: `int add(int, int)`.
        let typed = unsafe { m.typed::<extern "C" fn(i32, i32) -> i32>(&format!("{PREFIX}add")) }
            .expect("add")
            .get();
        let f = m.function(&format!("{PREFIX}add")).expect("add");
        let sig = Signature::new(&[Type::I32, Type::I32], Type::I32).expect("sig");
        let calls = n(2_000_000);
        let per_call = |d: Duration| d.as_secs_f64() * 1e9;
        let direct = per_iter(rounds, calls, || {
            black_box(rust_add(black_box(1), black_box(2)));
        });
        let typed_t = per_iter(rounds, calls, || {
            black_box(black_box(typed)(black_box(1), black_box(2)));
        });
        let ffi = per_iter(rounds, calls / 10, || {
            // SAFETY: the signature above is add's.
            black_box(unsafe { f.call(&sig, &[Value::I32(black_box(1)), Value::I32(2)]) }.unwrap());
        });
        t.info(
            "(4) call, direct Rust (#[inline(never)])",
            format!("{:.2} ns", per_call(direct)),
        );
        t.info(
            "(4) call, typed fn pointer into the module",
            format!(
                "{:.2} ns ({:.2}x direct)",
                per_call(typed_t),
                ratio(typed_t, direct)
            ),
        );
        t.info(
            "(4) call, libffi (Function::call)",
            format!(
                "{:.2} ns ({:.2}x direct)",
                per_call(ffi),
                ratio(ffi, direct)
            ),
        );
    }

    // (5) 10,000 resident kernels.
    if args.wants("scale") {
        let count = args.kernels;
        let single = run_scale_child("single", count);
        let batch = run_scale_child("batch", count);
        if let (Some(s), Some(b)) = (single, batch) {
            let per = |bytes: u64| bytes as f64 / count as f64;
            t.info(
                format!("(5) {count} small kernels, one image each: time per load"),
                us(s.per_load),
            );
            t.info(
                "(5) one image each: resident memory per kernel",
                format!(
                    "{:.0} B ({:.2}x the {} B of sections; image {:.0} B)",
                    per(s.rss),
                    per(s.rss) / s.section_bytes as f64,
                    s.section_bytes,
                    per(s.image)
                ),
            );
            t.info("(5) one batch image: time per kernel", us(b.per_load));
            t.check(
                "(5) one batch image: resident memory per kernel / section bytes",
                format!("{:.0} B (image {:.0} B)", per(b.rss), per(b.image)),
                per(b.rss) / b.section_bytes as f64,
                Target::AtMost(1.5),
            );
        } else {
            t.info("(5) scale", "child process failed (see stderr)");
        }
    }

    // (6) relocations per second of the pure link step.
    if args.wants("relocs") {
        relocation_throughput(&compiler, rounds, &mut t);
    }

    // (7) matrix wall time.
    if args.wants("matrix") {
        matrix_wall_times(&mut t);
    }

    t.print();
}

#[inline(never)]
fn rust_add(a: i32, b: i32) -> i32 {
    a.wrapping_add(b)
}

/// Links `object` into a shared library once (what the dlopen backend
/// does before the part measured).
fn prelink(compiler: &Compiler, object: &[u8], dir: &Path) -> Vec<u8> {
    let obj = dir.join("kernel.o");
    let so = dir.join("kernel.so");
    std::fs::write(&obj, object).expect("write object");
    let out = std::process::Command::new(&compiler.clang)
        .arg(format!("--target={}-linux-gnu", compiler.arch.clang_arch()))
        .args(["-shared", "-nostdlib", "-fuse-ld=lld", "-o"])
        .arg(&so)
        .arg(&obj)
        .output()
        .expect("run clang");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read(&so).expect("read .so")
}

struct ScaleResult {
    per_load: Duration,
    rss: u64,
    section_bytes: u64,
    /// Bytes of the images (mappings) of all kernels.
    image: u64,
}

fn run_scale_child(mode: &str, count: usize) -> Option<ScaleResult> {
    let out = std::process::Command::new(std::env::current_exe().ok()?)
        .args(["--scale-child", mode, &count.to_string()])
        .output()
        .ok()?;
    if !out.status.success() {
        eprintln!(
            "scale child {mode}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().find_map(|l| l.strip_prefix("SCALE "))?;
    let v: Vec<f64> = line
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    Some(ScaleResult {
        per_load: Duration::from_secs_f64(v[0]),
        rss: v[1] as u64,
        section_bytes: v[2] as u64,
        image: v[3] as u64,
    })
}

/// Minor page faults of this thread so far.
fn minor_faults() -> i64 {
    // SAFETY: `getrusage` fills the zeroed struct it is given.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_THREAD, &mut usage);
        usage.ru_minflt
    }
}

fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * loader::page_size()
}

/// In a fresh process: load `count` copies of the small kernel and keep
/// them resident; print time per load, RSS delta and section bytes.
fn scale_child(mode: &str, count: usize) {
    let arch = Arch::host().expect("host");
    let compiler = Compiler::new(arch).expect("clang");
    let small = sized_kernel(&compiler, "small", 1024);
    let copies: Vec<Vec<u8>> = (0..count).map(|i| renamed(&small.object, i)).collect();
    let sections = section_bytes(&small.object, arch, |_| true);
    trim_heap();
    let before = resident_bytes();
    let t = cpu_now();
    let keep: Vec<Module> = match mode {
        "single" => copies
            .iter()
            .map(|c| {
                Module::load_in_memory(c, arch, &NoSymbols, &LinkOptions::host()).expect("load")
            })
            .collect(),
        _ => {
            let named: Vec<(&str, &[u8])> = copies.iter().map(|c| ("copy", &c[..])).collect();
            vec![
                Module::load_batch_in_memory(&named, arch, &NoSymbols, &LinkOptions::host())
                    .expect("batch"),
            ]
        }
    };
    let elapsed = cpu_now() - t;
    // What the loads allocated and freed (parsed objects, layouts) is not
    // held by the kernels: give it back before counting.
    trim_heap();
    let after = resident_bytes();
    black_box(&keep);
    let image: usize = keep
        .iter()
        .filter_map(|m| m.image_range())
        .map(|(_, len)| len)
        .sum();
    println!(
        "SCALE {} {} {} {}",
        elapsed.as_secs_f64() / count as f64,
        after.saturating_sub(before),
        sections,
        image
    );
}

/// Compiles the largest corpus kernels for every architecture and links
/// each repeatedly at a fixed base.
fn relocation_throughput(host: &Compiler, rounds: usize, t: &mut Table) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../conformance/kernels");
    let mut files = Vec::new();
    collect_kernels(&root, &mut files);
    files.sort_by_key(|(_, len)| std::cmp::Reverse(*len));
    files.truncate(40);
    let any = |_: &str| Some(0x4100_0000u64);
    let logged = LinkOptions {
        page_size: 4096,
        record_log: true,
        separate_read_only: true,
    };
    // Of the 40 largest sources, the 6 with the most relocations on the host.
    let relocations = |compiler: &Compiler, path: &Path| -> Option<(Vec<u8>, u64)> {
        let source = std::fs::read_to_string(path).ok()?;
        let object = compiler.compile(&source, Language::from_path(path)?).ok()?;
        let image = link(&object, compiler.arch, 0x4000_0000, &any, &logged).ok()?;
        let count = image.output.log.len() as u64;
        Some((object, count))
    };
    let mut ranked: Vec<(PathBuf, u64)> = files
        .iter()
        .filter_map(|(p, _)| Some((p.clone(), relocations(host, p)?.1)))
        .collect();
    ranked.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    ranked.truncate(6);
    let files = ranked;
    for arch in Arch::ALL {
        let mut compiler = Compiler::with_clang(&host.clang, arch);
        compiler.cpu = Cpu::Baseline;
        let (mut relocs, mut time, mut names) = (0u64, Duration::ZERO, Vec::new());
        for (path, _) in &files {
            let Some((object, count)) = relocations(&compiler, path) else {
                continue;
            };
            let fast = LinkOptions {
                record_log: false,
                ..logged
            };
            let d = per_iter(rounds, 200, || {
                black_box(link(&object, arch, 0x4000_0000, &any, &fast).expect("link"));
            });
            relocs += count;
            time += d;
            names.push(
                path.file_stem()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned(),
            );
        }
        if relocs == 0 {
            t.info(
                format!("(6) relocations/s, {arch}"),
                "no corpus object linked",
            );
            continue;
        }
        t.info(
            format!("(6) relocations/s of link(), {arch}"),
            format!(
                "{:.1} M/s ({relocs} relocs in {}; {:.1} us per link of all)",
                relocs as f64 / time.as_secs_f64() / 1e6,
                names.join(", "),
                time.as_secs_f64() * 1e6
            ),
        );
    }
}

fn collect_kernels(dir: &Path, out: &mut Vec<(PathBuf, u64)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect_kernels(&p, out);
        } else if Language::from_path(&p).is_some() {
            out.push((p.clone(), e.metadata().map_or(0, |m| m.len())));
        }
    }
}

/// The wall time and kernel count of each `target/conformance/matrix/*.json`.
fn matrix_wall_times(t: &mut Table) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/conformance/matrix");
    let mut found = false;
    for arch in Arch::ALL {
        let path = dir.join(format!("{arch}.json"));
        let Ok(report) = conformance::runner::report::read(&path) else {
            continue;
        };
        found = true;
        t.info(
            format!("(7) matrix wall time, {arch}"),
            format!(
                "{:.1} s ({} kernel runs)",
                report.wall_ms / 1e3,
                report.counts.total
            ),
        );
    }
    if !found {
        t.info(
            "(7) matrix wall time",
            "not measured (no target/conformance/matrix/*.json)",
        );
    }
}

/// Returns free heap memory to the system (glibc), so resident-memory
/// deltas count what is held, not what malloc keeps cached. musl has no
/// `malloc_trim`; its free memory is returned eagerly anyway.
fn trim_heap() {
    #[cfg(target_env = "gnu")]
    // SAFETY: malloc_trim only releases free heap memory.
    unsafe {
        libc::malloc_trim(0);
    }
}
