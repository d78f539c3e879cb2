//! `relocs`, `dump` and `disasm`: a kernel compiled for any architecture
//! and linked at the fixed base of the relocation snapshots, with the
//! snapshots' deterministic resolver (nothing is executed, so every
//! architecture works on every host).

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use conformance::runner::fixed::{
    compile_and_link, compiler_for, language, FakeResolver, FIXED_BASE,
};
use conformance::snapshot::snapshot_text;
use conformance::spec::KernelSpec;
use loader::debug::symfile::{self, ImageDescription};
use loader::link::{link, LinkOptions, LinkedImage, LinkedSymbol};
use loader::Arch;

use crate::error::{Error, Result};

/// Where and how to build the image.
#[derive(Debug, Clone)]
pub struct Target<'a> {
    pub arch: Arch,
    pub clang: &'a Path,
    pub opt: &'a str,
}

/// The relocation log, exactly as the snapshots print it, and whether the
/// kernel compiled and linked (the text says why not).
pub fn relocs(spec: &KernelSpec, t: &Target<'_>) -> (String, bool) {
    let linked = compile_and_link(spec, t.arch, t.clang, t.opt);
    (snapshot_text(&linked), linked.linked())
}

/// The relocated image at [`FIXED_BASE`].
pub fn image(spec: &KernelSpec, t: &Target<'_>) -> Result<LinkedImage> {
    let object =
        compiler_for(spec, t.arch, t.clang, t.opt).compile(&spec.source, language(spec.lang))?;
    Ok(link(
        &object,
        t.arch,
        FIXED_BASE,
        &FakeResolver::for_spec(spec),
        &LinkOptions::default(),
    )?)
}

/// A hex dump of the image, one line per 16 bytes, with symbol names at
/// the lines where they start.
pub fn hexdump(img: &LinkedImage) -> String {
    let mut starts: Vec<(u64, &str)> = img
        .output
        .symbols
        .iter()
        .map(|s| (s.address, s.name.as_str()))
        .collect();
    starts.sort();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {} image, {} bytes at {:#x}",
        img.arch,
        img.bytes.len(),
        img.base
    );
    // Runs of lines equal to the one before (padding) print as one `*`.
    let mut previous: Option<&[u8]> = None;
    let mut squeezed = false;
    for (i, chunk) in img.bytes.chunks(16).enumerate() {
        let addr = img.base + 16 * i as u64;
        let named: Vec<&(u64, &str)> = starts
            .iter()
            .filter(|(a, _)| *a >= addr && *a < addr + 16)
            .collect();
        if named.is_empty() && previous == Some(chunk) {
            if !squeezed {
                out.push_str("*\n");
                squeezed = true;
            }
            continue;
        }
        for (a, name) in named {
            let _ = writeln!(out, "{a:#x} <{name}>:");
        }
        let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
        let _ = writeln!(out, "{addr:016x}  {}", hex.join(" "));
        previous = Some(chunk);
        squeezed = false;
    }
    let _ = writeln!(out, "{:016x}", img.base + img.bytes.len() as u64);
    out
}

/// An ELF file of the image: its sections at their fixed addresses with
/// their bytes, and its symbols (what a disassembler needs), call stubs
/// and GOT slots included as `stub[sin]`, `got[x]` (the relocation log's
/// names), so a branch to a stub is labelled with its target.
pub fn elf(img: &LinkedImage) -> Vec<u8> {
    let mut symbols = img.output.symbols.clone();
    let local = |name: String, address: u64, is_function: bool| LinkedSymbol {
        name,
        address,
        size: 0,
        is_function,
        exported: false,
    };
    for (name, address) in &img.output.stubs {
        symbols.push(local(format!("stub[{name}]"), *address, true));
    }
    for (name, address) in &img.output.got {
        symbols.push(local(format!("got[{name}]"), *address, false));
    }
    symfile::build(&ImageDescription {
        arch: img.arch,
        base: img.base,
        size: img.bytes.len() as u64,
        segments: &img.output.segments,
        symbols: &symbols.iter().map(LinkedSymbol::view).collect(),
        contents: Some(&img.bytes),
    })
}

/// The llvm-objdump of this machine (llvm-19's knows every arch).
fn find_objdump() -> Option<&'static str> {
    ["llvm-objdump-19", "llvm-objdump"]
        .into_iter()
        .find(|tool| {
            Command::new(tool)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
}

/// The disassembly of the image through llvm-objdump.
pub fn disasm(img: &LinkedImage) -> Result<String> {
    let tool = find_objdump().ok_or(Error::MissingTool {
        tool: "llvm-objdump",
        hint: "install it (Debian: apt-get install llvm-19) or put an llvm-objdump on PATH",
    })?;
    let mut file = tempfile::Builder::new()
        .prefix("jitload-image-")
        .suffix(".elf")
        .tempfile()
        .map_err(|e| Error::io(std::env::temp_dir(), e))?;
    std::io::Write::write_all(&mut file, &elf(img)).map_err(|e| Error::io(file.path(), e))?;
    let mut cmd = Command::new(tool);
    cmd.args(["-d", "--no-show-raw-insn"]);
    if img.arch == Arch::Riscv64 {
        // The image has no .riscv.attributes: name the rv64gc extensions.
        cmd.arg("--mattr=+m,+a,+f,+d,+c");
    }
    let out = cmd
        .arg(file.path())
        .output()
        .map_err(|e| Error::Run(format!("cannot run {tool}: {e}")))?;
    if !out.status.success() {
        return Err(Error::Run(format!(
            "{tool} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    // The temp file's name means nothing to the reader.
    let text = String::from_utf8_lossy(&out.stdout).replace(
        &file.path().display().to_string(),
        &format!("{} image at {:#x}", img.arch, img.base),
    );
    Ok(text)
}
