//! The generated files on disk: what differs from the generator, and
//! writing them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::{Kernel, C_DIR, IR_DIR};
use crate::spec::SpecError;

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> SpecError + '_ {
    move |source| SpecError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The `.c`/`.ll` files currently in the generated directories.
fn on_disk(corpus: &Path) -> Result<BTreeMap<String, PathBuf>, SpecError> {
    let mut out = BTreeMap::new();
    for dir in [C_DIR, IR_DIR] {
        let d = corpus.join(dir);
        if !d.exists() {
            continue;
        }
        for e in std::fs::read_dir(&d).map_err(io_error(&d))? {
            let p = e.map_err(io_error(&d))?.path();
            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
            if p.is_file() && (ext == "c" || ext == "ll") {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                out.insert(format!("{dir}/{name}"), p);
            }
        }
    }
    Ok(out)
}

/// What differs between the generator's output and the files on disk under
/// `corpus` (the `kernels/` directory).
pub fn differences(corpus: &Path, kernels: &[Kernel]) -> Result<Vec<String>, SpecError> {
    let mut disk = on_disk(corpus)?;
    let mut diffs = Vec::new();
    for k in kernels {
        match disk.remove(&k.path) {
            None => diffs.push(format!("{}: missing", k.path)),
            Some(p) => {
                if std::fs::read_to_string(&p).map_err(io_error(&p))? != k.text {
                    diffs.push(format!("{}: differs", k.path));
                }
            }
        }
    }
    for stale in disk.keys() {
        diffs.push(format!("{stale}: not produced by the generator (stale)"));
    }
    Ok(diffs)
}

/// Writes `kernels` under `corpus`, deleting the `.c`/`.ll` files of the
/// generated directories the generator no longer produces; files that are
/// already up to date are not touched.
pub fn write(corpus: &Path, kernels: &[Kernel]) -> Result<(), SpecError> {
    let wanted: BTreeSet<&str> = kernels.iter().map(|k| k.path.as_str()).collect();
    for (rel, p) in on_disk(corpus)? {
        if !wanted.contains(rel.as_str()) {
            std::fs::remove_file(&p).map_err(io_error(&p))?;
        }
    }
    for dir in [C_DIR, IR_DIR] {
        let d = corpus.join(dir);
        std::fs::create_dir_all(&d).map_err(io_error(&d))?;
    }
    for k in kernels {
        let p = corpus.join(&k.path);
        if std::fs::read_to_string(&p).ok().as_deref() != Some(k.text.as_str()) {
            std::fs::write(&p, &k.text).map_err(io_error(&p))?;
        }
    }
    Ok(())
}
