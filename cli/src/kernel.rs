//! Turning a kernel file and the command line into a [`KernelSpec`]: the
//! kernel format's own parser does all the work. A corpus kernel brings its
//! header; a plain C or IR file gets its header from `--entry` (a `fn`
//! signature in the header's syntax) and `--args` (one value per parameter,
//! in order: a generator for a scalar, a buffer for a pointer), written by
//! the format's [`HeaderBuilder`] in front of the file's code (the format
//! splits header from code). Files without any header (for `relocs`,
//! `dump`, `disasm`) get a placeholder entry: those commands never call
//! anything.

use std::path::Path;

use conformance::spec::{Directive, Entry, HeaderBuilder, KernelSpec, Lang, Param, ParamKind};

use crate::error::{Error, Result};

/// The name of the placeholder entry of a file without a header.
const NO_ENTRY: &str = "jitload_no_entry";

/// What the command line says about the kernel.
#[derive(Debug, Default, Clone, Copy)]
pub struct Request<'a> {
    /// `--entry`: an entry name, or a full `NAME(p: T, ...) -> T` signature.
    pub entry: Option<&'a str>,
    /// `--args`: one value per parameter of the entry.
    pub args: Option<&'a [String]>,
}

impl Request<'_> {
    /// The signature, when `--entry` is one.
    fn signature(&self) -> Option<&str> {
        self.entry.filter(|e| e.contains('('))
    }

    /// The entry name of `--entry`.
    pub fn entry_name(&self) -> Option<&str> {
        self.entry
            .map(|e| e.split('(').next().unwrap_or(e).trim())
            .filter(|e| !e.is_empty())
    }
}

/// Loads `path` as a kernel, with the command line's entry and arguments.
pub fn load(command: &'static str, path: &Path, req: Request<'_>) -> Result<KernelSpec> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    if Lang::from_path(path).is_none() {
        return Err(Error::NotAKernel {
            path: path.to_path_buf(),
        });
    }
    let source = KernelSpec::split_header(path, &text)?;
    let mut header = HeaderBuilder::new();

    // The parameters the arguments bind to, and the file's directives kept.
    let (params, kept): (Vec<Param>, &[Directive]) = match req.signature() {
        Some(sig) => {
            // A signature on the command line replaces the file's header.
            let entry = Entry::parse_signature(sig).map_err(|msg| {
                Error::usage(
                    command,
                    format!("`--entry {sig}`: {msg}; a signature is NAME(p: T, q: *T) -> T"),
                )
            })?;
            header.entry(&entry);
            (entry.params, &[])
        }
        None if !source.directives.is_empty() => {
            let spec = KernelSpec::parse(path, &text)?;
            if req.args.is_none() {
                return Ok(spec);
            }
            let entry = match req.entry_name() {
                Some(name) => spec.entry(name).ok_or_else(|| {
                    Error::usage(command, format!("{}: no entry `{name}` in its header", path.display()))
                })?,
                None if spec.entries.len() == 1 => &spec.entries[0],
                None => {
                    return Err(Error::usage(
                        command,
                        "the kernel has several entries: say which one `--args` is for with `--entry NAME`",
                    ))
                }
            };
            (entry.params.clone(), &source.directives)
        }
        None => {
            if req.args.is_some() {
                return Err(Error::usage(
                    command,
                    format!(
                        "{} has no kernel header: give the signature with `--entry 'NAME(p: T, ...) -> T'`",
                        path.display()
                    ),
                ));
            }
            header.entry(format!("{NO_ENTRY}()"));
            (Vec::new(), &[])
        }
    };

    let args = req.args.unwrap_or_default();
    if req.args.is_some() && args.len() != params.len() {
        return Err(Error::usage(
            command,
            format!(
                "{} values for {} parameters ({}); pass one value per parameter, in order",
                args.len(),
                params.len(),
                params
                    .iter()
                    .map(|p| p.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    for (p, v) in params.iter().zip(args) {
        let v = v.trim();
        match p.kind {
            ParamKind::Scalar(_) => header.arg(&p.name, v),
            // `[8] inout = iota` takes the element type of the parameter.
            ParamKind::Pointer(t) if v.starts_with('[') => {
                header.buf_declared(&p.name, format!("{t}{v}"))
            }
            ParamKind::Pointer(_) => header.buf_declared(&p.name, v),
        };
    }
    // Arguments on the command line replace the header's for the same names.
    let overridden: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
    for d in kept {
        let replaced = matches!(d.keyword(), "arg" | "buf")
            && d.subject().is_some_and(|s| overridden.contains(&s));
        if !replaced {
            header.directive(d);
        }
    }
    let mut spec = header.build(path, &source.body)?;
    // clang gets the file as it is (its header lines are comments), so
    // that diagnostics give the file's own line numbers.
    spec.source = text;
    Ok(spec)
}

/// Whether `spec` has real entries (not the placeholder of a headerless
/// file).
pub fn has_entries(spec: &KernelSpec) -> bool {
    !spec.entries.iter().any(|e| e.name == NO_ENTRY)
}
