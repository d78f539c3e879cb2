//! `jitload`: the loader from the command line. Run a kernel, print its
//! relocation log for any architecture, dump or disassemble the relocated
//! image, census a corpus. `jitload --help` lists the commands; every
//! command has its own `--help`.

mod args;
mod error;
mod image;
mod kernel;
mod run;

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use args::Accepts;
use conformance::runner::census::{census_arch, render};
use conformance::spec::{discover, KernelSpec};
use error::{Error, Result};
use loader::{compile::find_clang, Arch, Backend, Compiler, Cpu};

const HELP: &str = "\
jitload: compile, load and inspect clang-compiled kernels with the in-memory loader

Usage: jitload <command> [options]   (jitload <command> --help for details)

Commands:
  run FILE      compile FILE for this machine, load it in memory, call it, print results
  relocs FILE   the relocation log of FILE for any arch (the snapshots' text)
  dump FILE     the relocated image bytes (hex, or raw with --out)
  disasm FILE   the relocated image disassembled by llvm-objdump
  census PATH   relocation types of a kernel file or corpus directory, per arch

A kernel FILE is C (.c) or LLVM IR (.ll), with or without a corpus header
(conformance/README.md). Environment: RUST_LOG=debug shows spans with
timings (compile, map, link, protect, call); LOADER_PERF_MAP=1 writes
perf-<pid>.map; LOADER_DUMP_DIR=DIR keeps every compiled object;
LOADER_GDB_JIT=0 keeps images out of gdb's JIT list; LOADER_CLANG=PATH.
";

const RUN_HELP: &str = "\
jitload run FILE [--entry NAME|SIGNATURE] [--args V...] [options]

Compiles FILE for this machine, loads it with the in-memory loader and makes
the calls of its call plan: a corpus kernel runs as its header says; any
other file needs the signature and one value per parameter:

  jitload run add.c --entry 'add(a: i32, b: i32) -> i32' --args 2 3
  jitload run saxpy.c --entry 'saxpy(n: u32, a: f32, x: *f32, y: *f32)' \\
      --args 8 2.0 '[n] in = iota' '[n] inout = 1'

A scalar value is a generator of the header syntax (2, -0.5, 0x7fc00000,
uniform(0, 9)); a pointer value is a buffer: [LEN] DIR [= GENERATOR].
With a corpus header, --entry NAME makes only that entry's calls and --args
replaces the header's values of that entry's parameters.
Prints each call with its return value, then every out/inout buffer.

Options:
  --entry NAME|SIG   entry point (name, or `NAME(p: T, q: *T) -> T`)
  --args V...        one value per parameter, in order
  --opt N            clang optimisation level (default 2)
  --cpu CPU          clang CPU (default: $LOADER_CPU or native)
  --backend B        jit (default) or dlopen (clang -shared + dlopen: the oracle)
  --show N           buffer elements printed (default 16)
  --clang PATH       the clang (default: $LOADER_CLANG, clang, the newest clang-N)
";

const RELOCS_HELP: &str = "\
jitload relocs FILE [--arch A] [--opt N] [--clang PATH]

Compiles FILE for arch A (default: this machine's; x86_64 aarch64 riscv64
loongarch64 ppc64le), links it at the snapshots' fixed base 0x40000000
(external functions far, extern data near, at fixed addresses) and prints
the relocation log: one line per relocation, the same text as the
snapshots in conformance/snapshots/. Nothing is executed.
";

const DUMP_HELP: &str = "\
jitload dump FILE [--arch A] [--opt N] [--out PATH] [--clang PATH]

The relocated image of FILE for arch A, linked at 0x40000000 as by
`relocs`: a hex dump with symbol names, or the raw bytes written to PATH
with --out.
";

const DISASM_HELP: &str = "\
jitload disasm FILE [--arch A] [--opt N] [--clang PATH]

The relocated image of FILE for arch A (linked at 0x40000000 as by
`relocs`), disassembled by llvm-objdump-19 (or llvm-objdump) with the
image's symbols: what the loader will execute, relocations applied.
";

const CENSUS_HELP: &str = "\
jitload census FILE|DIR [--arch A|all] [--opt N] [--jobs N] [--clang PATH]

Compiles every kernel of DIR (recursively; corpus headers required) or
FILE for each arch (default all), links them at the fixed base and prints,
per arch, every relocation type seen, how often, in how many kernels, how
many of those linked, and whether the loader knows the type.
";

fn accepts(command: &'static str, options: &'static [&'static str]) -> Accepts {
    Accepts {
        command,
        options,
        list: None,
        positional: 1,
    }
}

/// The one kernel path of a command.
fn file(command: &'static str, p: &args::Parsed) -> Result<PathBuf> {
    p.positional
        .first()
        .map(PathBuf::from)
        .ok_or_else(|| Error::usage(command, "which kernel file? (give FILE)"))
}

fn arch_option(command: &'static str, p: &args::Parsed) -> Result<Arch> {
    match p.option("arch") {
        Some(a) => a.parse().map_err(|_| {
            Error::usage(
                command,
                format!("unknown arch `{a}` (x86_64, aarch64, riscv64, loongarch64, ppc64le)"),
            )
        }),
        None => Arch::host()
            .ok_or_else(|| Error::usage(command, "this machine is no loader arch: give --arch")),
    }
}

fn opt_option(command: &'static str, p: &args::Parsed) -> Result<String> {
    let opt = p.option("opt").unwrap_or("2").trim_start_matches("-O");
    if ["0", "1", "2", "3", "s", "z"].contains(&opt) {
        Ok(opt.to_string())
    } else {
        Err(Error::usage(
            command,
            format!("unknown optimisation level `{opt}` (0, 1, 2, 3, s, z)"),
        ))
    }
}

fn clang(p: &args::Parsed) -> Result<PathBuf> {
    Ok(find_clang(p.option("clang").map(Path::new))?)
}

fn cmd_run(words: &[String]) -> Result<String> {
    let a = args::parse(
        &Accepts {
            command: "run",
            options: &["entry", "opt", "cpu", "backend", "show", "clang"],
            list: Some("args"),
            positional: 1,
        },
        words,
    )?;
    if a.help {
        return Ok(RUN_HELP.into());
    }
    let path = file("run", &a)?;
    let req = kernel::Request {
        entry: a.option("entry"),
        args: a.list(),
    };
    let spec = kernel::load("run", &path, req)?;
    if !kernel::has_entries(&spec) {
        return Err(Error::usage(
            "run",
            format!(
                "{} has no kernel header: give the signature with `--entry 'NAME(p: T, ...) -> T'` and the values with `--args`",
                path.display()
            ),
        ));
    }
    let host = Arch::host().ok_or_else(|| Error::Run("this machine is no loader arch".into()))?;
    let mut compiler = Compiler::with_clang(clang(&a)?, host);
    compiler.opt_level = opt_option("run", &a)?;
    if let Some(c) = a.option("cpu") {
        compiler.cpu = Cpu::parse(c);
    }
    let backend = match a.option("backend").unwrap_or("jit") {
        "jit" | "in-memory" => Backend::InMemory,
        "dlopen" => Backend::Dlopen,
        other => {
            return Err(Error::usage(
                "run",
                format!("unknown backend `{other}` (jit or dlopen)"),
            ))
        }
    };
    let show = match a.option("show") {
        Some(s) => s
            .parse()
            .map_err(|_| Error::usage("run", format!("`--show {s}`: give a number of elements")))?,
        None => 16,
    };
    run::run(
        &spec,
        &run::RunOptions {
            compiler,
            backend,
            entry: req.entry_name().map(str::to_string),
            show,
        },
    )
}

fn cmd_image(command: &'static str, words: &[String]) -> Result<String> {
    let options: &'static [&'static str] = match command {
        "dump" => &["arch", "opt", "clang", "out"],
        _ => &["arch", "opt", "clang"],
    };
    let a = args::parse(&accepts(command, options), words)?;
    if a.help {
        return Ok(match command {
            "relocs" => RELOCS_HELP,
            "dump" => DUMP_HELP,
            _ => DISASM_HELP,
        }
        .into());
    }
    let path = file(command, &a)?;
    let spec = kernel::load(command, &path, kernel::Request::default())?;
    let clang = clang(&a)?;
    let opt = opt_option(command, &a)?;
    let target = image::Target {
        arch: arch_option(command, &a)?,
        clang: &clang,
        opt: &opt,
    };
    match command {
        "relocs" => match image::relocs(&spec, &target) {
            (text, true) => Ok(text),
            (text, false) => {
                print!("{text}");
                Err(Error::Run(format!(
                    "{} did not compile or link for {} (the log above says why)",
                    path.display(),
                    target.arch
                )))
            }
        },
        "dump" => {
            let img = image::image(&spec, &target)?;
            match a.option("out") {
                Some(out) => {
                    std::fs::write(out, &img.bytes).map_err(|e| Error::io(out, e))?;
                    Ok(format!(
                        "wrote {} bytes of the {} image (base {:#x}) to {out}\n",
                        img.bytes.len(),
                        img.arch,
                        img.base
                    ))
                }
                None => Ok(image::hexdump(&img)),
            }
        }
        _ => image::disasm(&image::image(&spec, &target)?),
    }
}

fn cmd_census(words: &[String]) -> Result<String> {
    let a = args::parse(&accepts("census", &["arch", "opt", "clang", "jobs"]), words)?;
    if a.help {
        return Ok(CENSUS_HELP.into());
    }
    let path = file("census", &a)?;
    let specs: Vec<KernelSpec> = if path.is_dir() {
        discover(&path).map_err(|e| {
            let first = e.errors.first().map(|e| e.to_string()).unwrap_or_default();
            Error::Run(format!(
                "{} kernel file(s) under {} do not parse, the first: {first} (fix them; the format is in conformance/README.md)",
                e.errors.len(),
                path.display()
            ))
        })?
    } else {
        vec![kernel::load("census", &path, kernel::Request::default())?]
    };
    let arches = match a.option("arch") {
        None | Some("all") => Arch::ALL.to_vec(),
        Some(_) => vec![arch_option("census", &a)?],
    };
    let jobs = match a.option("jobs") {
        Some(j) => j.parse().ok().filter(|&j: &usize| j > 0).ok_or_else(|| {
            Error::usage("census", format!("`--jobs {j}`: give a positive number"))
        })?,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let clang = clang(&a)?;
    let opt = opt_option("census", &a)?;
    // Kernels that need a newer clang are reported, not failed.
    let version = loader::compile::clang_version(&clang).ok();
    let mut out = String::new();
    for arch in arches {
        out.push_str(&render(&census_arch(
            &specs, arch, &clang, version, &opt, jobs,
        )));
    }
    Ok(out)
}

fn dispatch(words: &[String]) -> Result<String> {
    let Some((command, rest)) = words.split_first() else {
        return Ok(HELP.into());
    };
    match command.as_str() {
        "-h" | "--help" | "help" => Ok(HELP.into()),
        "run" => cmd_run(rest),
        "relocs" => cmd_image("relocs", rest),
        "dump" => cmd_image("dump", rest),
        "disasm" => cmd_image("disasm", rest),
        "census" => cmd_census(rest),
        other => Err(Error::UnknownCommand(other.to_string())),
    }
}

/// Spans and events of the loader on stderr, filtered by `RUST_LOG`
/// (warnings only by default).
fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}

fn main() -> ExitCode {
    init_tracing();
    let words: Vec<String> = std::env::args().skip(1).collect();
    match dispatch(&words) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("jitload: error: {e}");
            ExitCode::from(2)
        }
    }
}
