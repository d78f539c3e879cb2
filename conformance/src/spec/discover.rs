//! Corpus discovery.

use std::fmt;
use std::path::{Path, PathBuf};

use super::{KernelSpec, Lang, SpecError};

/// Every error found in a corpus.
#[derive(Debug)]
pub struct CorpusError {
    pub errors: Vec<SpecError>,
}

impl fmt::Display for CorpusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} error(s) in the kernel corpus:", self.errors.len())?;
        for e in &self.errors {
            write!(f, "\n  {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for CorpusError {}

/// Parses every kernel under `root` (recursively; `.c` and `.ll` files,
/// hidden entries skipped). Kernel names are the paths relative to `root`
/// without extension, `/`-separated. Sorted by name. Fails with every
/// error found if any file is wrong.
pub fn discover(root: &Path) -> Result<Vec<KernelSpec>, CorpusError> {
    let (specs, errors) = discover_partial(root);
    if errors.is_empty() {
        Ok(specs)
    } else {
        Err(CorpusError { errors })
    }
}

/// Like [`discover`], but returns the kernels that parsed together with
/// the errors of the others.
pub fn discover_partial(root: &Path) -> (Vec<KernelSpec>, Vec<SpecError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    walk(root, &mut files, &mut errors);
    files.sort();
    let mut specs: Vec<KernelSpec> = Vec::new();
    for path in files {
        let rel = path.strip_prefix(root).unwrap_or(&path).with_extension("");
        let Some(name) = rel
            .components()
            .map(|c| c.as_os_str().to_str())
            .collect::<Option<Vec<_>>>()
            .map(|v| v.join("/"))
        else {
            errors.push(SpecError::File {
                file: path.clone(),
                msg: "path is not valid UTF-8".into(),
            });
            continue;
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(source) => {
                errors.push(SpecError::Io { path, source });
                continue;
            }
        };
        match KernelSpec::parse_named(&name, &path, &text) {
            Ok(spec) => specs.push(spec),
            Err(e) => errors.push(e),
        }
    }
    specs.sort_by(|a, b| a.name.cmp(&b.name));
    let mut unique: Vec<KernelSpec> = Vec::with_capacity(specs.len());
    for s in specs {
        match unique.last() {
            Some(prev) if prev.name == s.name => errors.push(SpecError::File {
                file: s.path.clone(),
                msg: format!(
                    "kernel name `{}` is also used by {}",
                    s.name,
                    prev.path.display()
                ),
            }),
            _ => unique.push(s),
        }
    }
    (unique, errors)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<SpecError>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(source) => {
            errors.push(SpecError::Io {
                path: dir.to_path_buf(),
                source,
            });
            return;
        }
    };
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(source) => {
                errors.push(SpecError::Io {
                    path: dir.to_path_buf(),
                    source,
                });
                continue;
            }
        };
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false);
        if is_dir {
            walk(&path, files, errors);
        } else if Lang::from_path(&path).is_some() {
            files.push(path);
        }
    }
}
