//! The relocation engine is one loop compiled twice: with a log (tests,
//! snapshots) and without (loads). Both must write the same bytes: every
//! fifth corpus kernel, compiled for every architecture, links to the
//! same image, or fails with the same error, both ways.

use loader::link::{link, LinkOptions};
use loader::{Arch, Compiler, Cpu, Language};
use std::path::{Path, PathBuf};

const BASE: u64 = 0x7f12_3456_0000;

/// Every external symbol resolves: one in two near the image (direct
/// calls), the others far away (through stubs), by a hash of the name.
fn resolve(name: &str) -> Option<u64> {
    let h = name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    Some(if h & 1 == 0 {
        BASE - 0x10_0000 - (h >> 40 & 0xfff0)
    } else {
        0x0000_5555_0000_0000 + (h >> 32 & 0xffff_fff0)
    })
}

fn kernels(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            kernels(&path, out);
        } else if Language::from_path(&path).is_some() {
            out.push(path);
        }
    }
}

#[test]
fn logged_and_unlogged_links_write_the_same_bytes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../conformance/kernels");
    let mut files = Vec::new();
    kernels(&root, &mut files);
    files.sort();
    assert!(
        files.len() > 300,
        "corpus not found under {}",
        root.display()
    );
    let logged = LinkOptions::default();
    let unlogged = LinkOptions {
        record_log: false,
        ..LinkOptions::default()
    };
    let mut compared = 0;
    for arch in Arch::ALL {
        let mut compiler = Compiler::new(arch).expect("clang");
        compiler.cpu = Cpu::Baseline;
        for path in files.iter().step_by(5) {
            let source = std::fs::read_to_string(path).unwrap();
            let language = Language::from_path(path).unwrap();
            // Kernels needing flags or a newer clang are checked by the
            // conformance harness; here any object will do.
            let Ok(object) = compiler.compile(&source, language) else {
                continue;
            };
            let a = link(&object, arch, BASE, &resolve, &logged);
            let b = link(&object, arch, BASE, &resolve, &unlogged);
            match (a, b) {
                (Ok(a), Ok(b)) => {
                    assert!(
                        a.bytes == b.bytes,
                        "{arch} {}: the logged and unlogged links disagree",
                        path.display()
                    );
                    compared += 1;
                }
                (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
                (a, b) => panic!(
                    "{arch} {}: logged {:?}, unlogged {:?}",
                    path.display(),
                    a.err(),
                    b.err()
                ),
            }
        }
    }
    println!("{compared} objects linked both ways");
    assert!(compared > 5 * 50, "only {compared} objects compared");
}
