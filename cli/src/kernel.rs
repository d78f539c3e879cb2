//! Turning a kernel file and the command line into a [`KernelSpec`]: the
//! kernel format's own parser does all the work. A corpus kernel brings its
//! header; a plain C or IR file gets its header from `--entry` (a `fn`
//! signature in the header's syntax) and `--args` (one value per parameter,
//! in order: a generator for a scalar, a buffer for a pointer), turned into
//! directive lines put in front of the file. Files without any header (for
//! `relocs`, `dump`, `disasm`) get a placeholder entry: those commands never
//! call anything.

use std::path::Path;

use conformance::spec::{KernelSpec, Lang, ParamKind};

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

/// A parameter as the command line binds it.
struct Param {
    name: String,
    /// The element type of a pointer parameter (`None`: a scalar).
    pointee: Option<String>,
}

/// Parameters of a signature given on the command line: names and pointer
/// element types only; the spec parser checks the rest.
fn signature_params(command: &'static str, sig: &str) -> Result<Vec<Param>> {
    let inner = sig
        .split_once('(')
        .and_then(|(_, rest)| rest.rsplit_once(')'))
        .map(|(inner, _)| inner)
        .ok_or_else(|| {
            Error::usage(
                command,
                format!("`--entry {sig}`: a signature is NAME(p: T, q: *T) -> T"),
            )
        })?;
    let mut params = Vec::new();
    for p in inner.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (name, ty) = p.split_once(':').ok_or_else(|| {
            Error::usage(
                command,
                format!("`--entry`: parameter `{p}` needs a type (`{p}: i32`)"),
            )
        })?;
        params.push(Param {
            name: name.trim().to_string(),
            pointee: ty.trim().strip_prefix('*').map(|t| t.trim().to_string()),
        });
    }
    Ok(params)
}

fn is_directive(line: &str, prefix: &str) -> bool {
    line.trim_start().starts_with(prefix)
}

/// The directive keyword and its first word (`arg n = 3` -> (`arg`, `n`)).
fn directive_subject<'l>(line: &'l str, prefix: &str) -> Option<(&'l str, &'l str)> {
    let rest = line.trim_start().strip_prefix(prefix)?.trim_start();
    let (keyword, rest) = rest.split_once(char::is_whitespace)?;
    let subject = rest
        .trim_start()
        .split(|c: char| c == ':' || c == '=' || c.is_whitespace())
        .next()?;
    Some((keyword, subject))
}

/// Loads `path` as a kernel, with the command line's entry and arguments.
pub fn load(command: &'static str, path: &Path, req: Request<'_>) -> Result<KernelSpec> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let lang = Lang::from_path(path).ok_or_else(|| Error::NotAKernel {
        path: path.to_path_buf(),
    })?;
    let prefix = lang.directive_prefix();
    let has_header = text.lines().any(|l| is_directive(l, prefix));

    // The parameters the arguments bind to, and the file text they apply to.
    let (params, mut lines, body): (Vec<Param>, Vec<String>, String) = match req.signature() {
        Some(sig) => {
            // A signature on the command line replaces the file's header.
            let body: String = text
                .lines()
                .filter(|l| !is_directive(l, prefix))
                .flat_map(|l| [l, "\n"])
                .collect();
            let params = signature_params(command, sig)?;
            (params, vec![format!("{prefix} fn {sig}")], body)
        }
        None if has_header => {
            let spec = KernelSpec::parse(path, &text)?;
            let params = match req.args {
                None => Vec::new(),
                Some(_) => {
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
                    entry
                        .params
                        .iter()
                        .map(|p| Param {
                            name: p.name.clone(),
                            pointee: match p.kind {
                                ParamKind::Pointer(t) => Some(t.name().to_string()),
                                ParamKind::Scalar(_) => None,
                            },
                        })
                        .collect()
                }
            };
            (params, Vec::new(), text.clone())
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
            (
                Vec::new(),
                vec![format!("{prefix} fn {NO_ENTRY}()")],
                text.clone(),
            )
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
        lines.push(match &p.pointee {
            None => format!("{prefix} arg {} = {v}", p.name),
            // `[8] inout = iota` takes the element type of the parameter.
            Some(t) if v.starts_with('[') => format!("{prefix} buf {}: {t}{v}", p.name),
            Some(_) => format!("{prefix} buf {}: {v}", p.name),
        });
    }
    // Arguments on the command line replace the header's for the same names.
    let overridden: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
    let body: String = body
        .lines()
        .filter(|l| {
            !matches!(directive_subject(l, prefix),
                Some(("arg" | "buf", subject)) if overridden.contains(&subject))
        })
        .flat_map(|l| [l, "\n"])
        .collect();
    let mut full = lines.join("\n");
    if !full.is_empty() {
        full.push('\n');
    }
    full.push_str(&body);
    let mut spec = KernelSpec::parse(path, &full)?;
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
