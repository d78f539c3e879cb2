//! Header parser: directive lines -> validated [`KernelSpec`].

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::{
    Arch, ArchMinClang, ArgSpec, BufferSpec, CrossArchTolerance, Direction, Directive, Entry,
    GenKind, Generator, KernelSpec, Lang, Param, ParamKind, Scalar, ScalarType, Skip, SpecError,
    SplitSource, Tolerance,
};

/// Largest buffer, in bytes.
const MAX_BUFFER_BYTES: usize = 64 << 20;
/// Largest total of buffers and externs, in bytes.
const MAX_TOTAL_BYTES: usize = 256 << 20;
/// Largest number of calls (rounds x entries).
const MAX_CALLS: u64 = 100_000;
/// Flags a kernel may not pass: the harness owns them.
const FORBIDDEN_FLAGS: &[&str] = &[
    "-o", "-c", "-x", "-S", "-E", "-shared", "-target", "--target", "-march", "-mcpu",
];

pub(super) fn parse(name: &str, path: &Path, text: &str) -> Result<KernelSpec, SpecError> {
    let file_err = |msg: String| SpecError::File {
        file: path.to_path_buf(),
        msg,
    };
    let lang = Lang::from_path(path)
        .ok_or_else(|| file_err("unknown kernel extension (expected .c or .ll)".into()))?;
    let directives = split(path, lang, text)?.directives;
    if directives.is_empty() {
        return Err(file_err(format!(
            "no `{}` header directives (a kernel needs at least one `fn`)",
            lang.directive_prefix()
        )));
    }
    let mut raw = RawSpec::default();
    for d in &directives {
        parse_directive(d, &mut raw).map_err(|msg| SpecError::Line {
            file: path.to_path_buf(),
            line: d.line,
            msg,
        })?;
    }
    resolve(name, path, lang, text, raw)
}

/// Splits a kernel file into its header directives (from the leading block
/// of comment and blank lines; a directive after the first line of code is
/// an error) and every other line.
pub(super) fn split(path: &Path, lang: Lang, text: &str) -> Result<SplitSource, SpecError> {
    let prefix = lang.directive_prefix();
    let comment = lang.comment_prefix();
    let mut out: Vec<Directive> = Vec::new();
    let mut body = String::new();
    let mut in_header = true;
    let mut code_line = 0;
    let mut continuing = false;
    for (i, raw_line) in text.lines().enumerate() {
        let line_no = i + 1;
        let trimmed = raw_line.trim();
        if let Some(rest) = trimmed.strip_prefix(prefix) {
            if !in_header {
                return Err(SpecError::Line {
                    file: path.to_path_buf(),
                    line: line_no,
                    msg: format!(
                        "directive after the header (code starts at line {code_line}); \
                         move it into the leading comment block"
                    ),
                });
            }
            let (body, cont) = match rest.trim_end().strip_suffix('\\') {
                Some(b) => (b.trim(), true),
                None => (rest.trim(), false),
            };
            if continuing {
                if let Some(last) = out.last_mut() {
                    last.text.push(' ');
                    last.text.push_str(body);
                }
            } else {
                out.push(Directive {
                    line: line_no,
                    text: body.to_string(),
                });
            }
            continuing = cont;
            continue;
        }
        body.push_str(raw_line);
        body.push('\n');
        if continuing {
            return Err(SpecError::Line {
                file: path.to_path_buf(),
                line: line_no,
                msg: "the previous directive ends with `\\` but this line does not continue it"
                    .into(),
            });
        }
        if trimmed.is_empty() || trimmed.starts_with(comment) {
            continue;
        }
        if in_header {
            in_header = false;
            code_line = line_no;
        }
    }
    if continuing {
        let line = out.last().map(|d| d.line).unwrap_or(0);
        return Err(SpecError::Line {
            file: path.to_path_buf(),
            line,
            msg: "the last directive ends with `\\` but nothing continues it".into(),
        });
    }
    Ok(SplitSource {
        directives: out,
        body,
    })
}

/// Parses an entry-point signature (`NAME(p: T, q: *T) -> T`, the text of
/// a `fn` directive).
pub(super) fn signature(text: &str) -> Result<Entry, String> {
    parse_fn(0, text)
}

// ---------------------------------------------------------------------------
// Lexer

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Num(String),
    Str(Vec<u8>),
    Punct(char),
    Arrow,
}

impl Tok {
    fn describe(&self) -> String {
        match self {
            Tok::Ident(s) | Tok::Num(s) => format!("`{s}`"),
            Tok::Str(_) => "a string".into(),
            Tok::Punct(c) => format!("`{c}`"),
            Tok::Arrow => "`->`".into(),
        }
    }
}

fn lex(text: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric() || chars[i] == '_' || chars[i] == '-')
            {
                // `-` inside an identifier only when followed by a letter
                // (`per-call`), so `n-1` is not one identifier.
                if chars[i] == '-' && !chars.get(i + 1).is_some_and(|c| c.is_ascii_alphabetic()) {
                    break;
                }
                i += 1;
            }
            toks.push(Tok::Ident(chars[start..i].iter().collect()));
        } else if c.is_ascii_digit()
            || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            let start = i;
            let hex = c == '0' && matches!(chars.get(i + 1), Some('x' | 'X'));
            while i < chars.len() {
                let d = chars[i];
                let exp_sign = !hex && (d == '+' || d == '-') && matches!(chars[i - 1], 'e' | 'E');
                if d.is_ascii_alphanumeric() || d == '.' || d == '_' || exp_sign {
                    i += 1;
                } else {
                    break;
                }
            }
            toks.push(Tok::Num(chars[start..i].iter().collect()));
        } else if c == '"' {
            i += 1;
            let mut bytes = Vec::new();
            loop {
                let Some(&d) = chars.get(i) else {
                    return Err("unterminated string literal".into());
                };
                i += 1;
                match d {
                    '"' => break,
                    '\\' => {
                        let Some(&e) = chars.get(i) else {
                            return Err("unterminated escape in string literal".into());
                        };
                        i += 1;
                        match e {
                            'n' => bytes.push(b'\n'),
                            't' => bytes.push(b'\t'),
                            'r' => bytes.push(b'\r'),
                            '0' => bytes.push(0),
                            '\\' => bytes.push(b'\\'),
                            '"' => bytes.push(b'"'),
                            'x' => {
                                let hex: String = chars.iter().skip(i).take(2).collect();
                                let v = u8::from_str_radix(&hex, 16).map_err(|_| {
                                    format!("bad `\\x` escape `\\x{hex}` (two hex digits expected)")
                                })?;
                                bytes.push(v);
                                i += 2;
                            }
                            other => return Err(format!("unknown escape `\\{other}` in string")),
                        }
                    }
                    other => {
                        let mut buf = [0u8; 4];
                        bytes.extend_from_slice(other.encode_utf8(&mut buf).as_bytes());
                    }
                }
            }
            toks.push(Tok::Str(bytes));
        } else if c == '-' && chars.get(i + 1) == Some(&'>') {
            toks.push(Tok::Arrow);
            i += 2;
        } else if "()[],:=*+-%".contains(c) {
            toks.push(Tok::Punct(c));
            i += 1;
        } else {
            return Err(format!("unexpected character `{c}`"));
        }
    }
    Ok(toks)
}

struct Cursor {
    toks: Vec<Tok>,
    pos: usize,
}

impl Cursor {
    fn new(text: &str) -> Result<Cursor, String> {
        Ok(Cursor {
            toks: lex(text)?,
            pos: 0,
        })
    }

    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn at_end(&self) -> bool {
        self.pos >= self.toks.len()
    }

    fn found(&self) -> String {
        self.peek()
            .map(Tok::describe)
            .unwrap_or_else(|| "end of line".into())
    }

    fn ident(&mut self, what: &str) -> Result<String, String> {
        match self.peek() {
            Some(Tok::Ident(s)) => {
                let s = s.clone();
                self.pos += 1;
                Ok(s)
            }
            _ => Err(format!("expected {what}, found {}", self.found())),
        }
    }

    fn punct(&mut self, c: char) -> Result<(), String> {
        if self.peek() == Some(&Tok::Punct(c)) {
            self.pos += 1;
            Ok(())
        } else {
            Err(format!("expected `{c}`, found {}", self.found()))
        }
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(&Tok::Punct(c)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn eat_ident(&mut self, word: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Ident(s)) if s == word) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn end(&self) -> Result<(), String> {
        if self.at_end() {
            Ok(())
        } else {
            Err(format!("unexpected {} at end of directive", self.found()))
        }
    }

    /// A literal: optional sign, then a number or a keyword (`inf`, `max`).
    fn literal(&mut self) -> Result<String, String> {
        let mut s = String::new();
        if self.eat('-') {
            s.push('-');
        } else if self.eat('+') {
            s.push('+');
        }
        match self.next() {
            Some(Tok::Num(n)) | Some(Tok::Ident(n)) => {
                s.push_str(&n);
                Ok(s)
            }
            other => {
                self.pos -= 1;
                let found = other
                    .map(|t| t.describe())
                    .unwrap_or_else(|| "end of line".into());
                Err(format!("expected a literal value, found {found}"))
            }
        }
    }

    fn scalar_type(&mut self) -> Result<ScalarType, String> {
        let name = self.ident("a type (i8 i16 i32 i64 u8 u16 u32 u64 f32 f64)")?;
        ScalarType::from_name(&name).ok_or_else(|| {
            format!("unknown type `{name}` (expected i8 i16 i32 i64 u8 u16 u32 u64 f32 f64)")
        })
    }
}

fn check_name(name: &str, what: &str) -> Result<(), String> {
    let ok = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{name}` is not a valid {what} name (letters, digits and `_`)"
        ))
    }
}

// ---------------------------------------------------------------------------
// Raw directives

#[derive(Default)]
struct RawSpec {
    about: Option<String>,
    entries: Vec<Entry>,
    buffers: Vec<RawBuffer>,
    externs: Vec<RawBuffer>,
    args: Vec<RawArg>,
    calls: Option<(usize, u32)>,
    tolerance: Option<(usize, Tolerance)>,
    flags: Vec<String>,
    min_clang: Option<(usize, u32)>,
    min_clang_arch: Vec<ArchMinClang>,
    skips: Vec<Skip>,
    cross_arch: Vec<CrossArchTolerance>,
    seed: Option<(usize, u64)>,
}

#[derive(Debug, Clone)]
enum RawGenKind {
    Zero,
    Poison,
    Bits,
    Const(String),
    Iota(Option<String>, Option<String>),
    Uniform(String, String),
    List(Vec<String>),
    Text(Vec<u8>),
}

#[derive(Debug, Clone)]
struct RawGen {
    kind: RawGenKind,
    edges: Option<u32>,
}

/// Length expression: a sum of products of constants and argument names.
type LenExpr = Vec<Vec<LenFactor>>;

#[derive(Debug, Clone)]
enum LenFactor {
    Const(u64),
    Arg(String),
}

struct RawBuffer {
    line: usize,
    name: String,
    elem: ScalarType,
    len: Option<(LenExpr, String)>,
    dir: Direction,
    gen: Option<RawGen>,
}

struct RawArg {
    line: usize,
    name: String,
    gen: RawGen,
    per_call: bool,
}

fn once<T>(slot: &mut Option<(usize, T)>, line: usize, value: T, what: &str) -> Result<(), String> {
    if let Some((first, _)) = slot {
        return Err(format!(
            "duplicate `{what}` directive (first on line {first})"
        ));
    }
    *slot = Some((line, value));
    Ok(())
}

fn parse_directive(d: &Directive, raw: &mut RawSpec) -> Result<(), String> {
    let text = d.text.as_str();
    let (key, rest) = match text.find(char::is_whitespace) {
        Some(i) => (&text[..i], text[i..].trim()),
        None => (text, ""),
    };
    match key {
        "" => Err("empty directive".into()),
        "about" => {
            match &mut raw.about {
                Some(a) => {
                    a.push(' ');
                    a.push_str(rest);
                }
                None => raw.about = Some(rest.to_string()),
            }
            Ok(())
        }
        "fn" => {
            let e = parse_fn(d.line, rest)?;
            if let Some(prev) = raw.entries.iter().find(|p| p.name == e.name) {
                return Err(format!(
                    "duplicate entry point `{}` (first on line {})",
                    e.name, prev.line
                ));
            }
            raw.entries.push(e);
            Ok(())
        }
        "buf" => {
            let b = parse_buffer(d.line, rest, false)?;
            raw.buffers.push(b);
            Ok(())
        }
        "extern" => {
            let b = parse_buffer(d.line, rest, true)?;
            raw.externs.push(b);
            Ok(())
        }
        "arg" => {
            let a = parse_arg(d.line, rest)?;
            raw.args.push(a);
            Ok(())
        }
        "calls" => {
            let n: u32 = rest
                .parse()
                .map_err(|_| format!("`calls` expects a positive integer, found `{rest}`"))?;
            if n == 0 {
                return Err("`calls` must be at least 1".into());
            }
            once(&mut raw.calls, d.line, n, "calls")
        }
        "tolerance" => {
            let words: Vec<&str> = rest.split_whitespace().collect();
            let t = match words.as_slice() {
                ["exact"] => Tolerance::Exact,
                ["ulp", n] => Tolerance::Ulp(n.parse().map_err(|_| {
                    format!("`tolerance ulp` expects a non-negative integer, found `{n}`")
                })?),
                _ => {
                    return Err(format!(
                        "`tolerance` expects `exact` or `ulp N`, found `{rest}`"
                    ))
                }
            };
            once(&mut raw.tolerance, d.line, t, "tolerance")
        }
        "flags" => {
            if rest.is_empty() {
                return Err("`flags` needs at least one clang flag".into());
            }
            for f in rest.split_whitespace() {
                if !f.starts_with('-') {
                    return Err(format!("clang flag `{f}` does not start with `-`"));
                }
                let base = f.split('=').next().unwrap_or(f);
                if FORBIDDEN_FLAGS.contains(&base) || f.starts_with("--target=") {
                    return Err(format!(
                        "flag `{f}` is set by the harness and may not be given by a kernel"
                    ));
                }
                raw.flags.push(f.to_string());
            }
            Ok(())
        }
        "min-clang" => {
            let (version, arches) = match rest.split_once(char::is_whitespace) {
                Some((v, a)) => (v, Some(a.trim())),
                None => (rest, None),
            };
            let v: u32 = version
                .parse()
                .map_err(|_| format!("`min-clang` expects a major version, found `{version}`"))?;
            if !(3..=99).contains(&v) {
                return Err(format!(
                    "`min-clang {v}` is not a plausible clang major version"
                ));
            }
            match arches {
                None => once(&mut raw.min_clang, d.line, v, "min-clang"),
                Some(spec) => {
                    for (arch, reason) in parse_arch_list(spec, "min-clang N")? {
                        if raw.min_clang_arch.iter().any(|m| m.arch == arch) {
                            return Err(format!(
                                "`min-clang` for `{}` is given twice",
                                arch.name()
                            ));
                        }
                        raw.min_clang_arch.push(ArchMinClang {
                            arch,
                            version: v,
                            reason,
                        });
                    }
                    Ok(())
                }
            }
        }
        "skip" => {
            for (arch, reason) in parse_arch_list(rest, "skip")? {
                if raw.skips.iter().any(|s| s.arch == arch) {
                    return Err(format!("architecture `{}` is skipped twice", arch.name()));
                }
                raw.skips.push(Skip { arch, reason });
            }
            Ok(())
        }
        "cross-arch" => {
            let mut words = rest.splitn(3, char::is_whitespace);
            let (Some("ulp"), Some(n), Some(list)) = (words.next(), words.next(), words.next())
            else {
                return Err(format!(
                    "`cross-arch` expects `ulp N ARCH[, ARCH...]: reason`, found `{rest}`"
                ));
            };
            let n: u64 = n.parse().map_err(|_| {
                format!("`cross-arch ulp` expects a non-negative integer, found `{n}`")
            })?;
            for (arch, reason) in parse_arch_list(list, "cross-arch ulp N")? {
                if raw.cross_arch.iter().any(|c| c.arch == arch) {
                    return Err(format!("`cross-arch` for `{}` is given twice", arch.name()));
                }
                raw.cross_arch.push(CrossArchTolerance {
                    arch,
                    tolerance: Tolerance::Ulp(n),
                    reason,
                });
            }
            Ok(())
        }
        "seed" => {
            let v = parse_int_literal(rest)
                .ok()
                .and_then(|v| u64::try_from(v).ok())
                .ok_or_else(|| {
                    format!("`seed` expects an unsigned 64-bit integer, found `{rest}`")
                })?;
            once(&mut raw.seed, d.line, v, "seed")
        }
        other => Err(format!(
            "unknown directive `{other}` (expected about, fn, buf, arg, extern, calls, \
             tolerance, cross-arch, flags, min-clang, skip, seed)"
        )),
    }
}

/// `ARCH[, ARCH...]: reason` (after `skip` or `min-clang N`).
fn parse_arch_list(text: &str, what: &str) -> Result<Vec<(Arch, String)>, String> {
    let (arches, reason) = text
        .split_once(':')
        .ok_or_else(|| format!("`{what}` expects `ARCH[, ARCH...]: reason`"))?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(format!("`{what}` needs a reason after the `:`"));
    }
    let mut out: Vec<(Arch, String)> = Vec::new();
    for a in arches.split([',', ' ']).filter(|s| !s.is_empty()) {
        let arch = Arch::from_name(a).ok_or_else(|| {
            format!(
                "unknown architecture `{a}` (expected x86_64 aarch64 riscv64 loongarch64 ppc64le)"
            )
        })?;
        if out.iter().any(|(x, _)| *x == arch) {
            return Err(format!("architecture `{a}` is named twice"));
        }
        out.push((arch, reason.to_string()));
    }
    if out.is_empty() {
        return Err(format!("`{what}` names no architecture"));
    }
    Ok(out)
}

/// `NAME(p: T, q: *T) -> T`
fn parse_fn(line: usize, text: &str) -> Result<Entry, String> {
    let mut c = Cursor::new(text)?;
    let name = c.ident("the entry point name")?;
    check_name(&name, "function")?;
    c.punct('(')?;
    let mut params: Vec<Param> = Vec::new();
    if !c.eat(')') {
        loop {
            let pname = c.ident("a parameter name")?;
            check_name(&pname, "parameter")?;
            c.punct(':')?;
            let kind = if c.eat('*') {
                ParamKind::Pointer(c.scalar_type()?)
            } else {
                ParamKind::Scalar(c.scalar_type()?)
            };
            if params.iter().any(|p| p.name == pname) {
                return Err(format!("duplicate parameter `{pname}` in `{name}`"));
            }
            params.push(Param { name: pname, kind });
            if c.eat(')') {
                break;
            }
            c.punct(',').map_err(|_| {
                format!(
                    "expected `,` or `)` in the parameter list, found {}",
                    c.found()
                )
            })?;
        }
    }
    let ret = if c.peek() == Some(&Tok::Arrow) {
        c.next();
        if c.eat_ident("void") {
            None
        } else {
            Some(c.scalar_type()?)
        }
    } else {
        None
    };
    c.end()?;
    Ok(Entry {
        name,
        params,
        ret,
        line,
    })
}

/// `NAME: T[LEN] DIR = GEN` (buf) or `NAME: T[[LEN]] [DIR] = GEN` (extern).
fn parse_buffer(line: usize, text: &str, is_extern: bool) -> Result<RawBuffer, String> {
    let mut c = Cursor::new(text)?;
    let name = c.ident(if is_extern {
        "the symbol name"
    } else {
        "the buffer name"
    })?;
    check_name(&name, if is_extern { "symbol" } else { "buffer" })?;
    c.punct(':')?;
    let elem = c.scalar_type()?;
    let len = if c.eat('[') {
        let start = c.pos;
        let expr = parse_len_expr(&mut c)?;
        let shown = c.toks[start..c.pos]
            .iter()
            .map(|t| match t {
                Tok::Ident(s) | Tok::Num(s) => s.clone(),
                Tok::Punct(p) => p.to_string(),
                _ => String::new(),
            })
            .collect::<String>();
        c.punct(']')?;
        Some((expr, shown))
    } else if is_extern {
        None
    } else {
        return Err(format!(
            "expected `[length]` after the element type of buffer `{name}`, found {}",
            c.found()
        ));
    };
    let dir = match c.peek() {
        Some(Tok::Ident(d)) => {
            let d = match d.as_str() {
                "in" => Direction::In,
                "out" => Direction::Out,
                "inout" => Direction::InOut,
                other => {
                    return Err(format!(
                        "expected a direction (in, out, inout), found `{other}`"
                    ))
                }
            };
            c.pos += 1;
            d
        }
        _ if is_extern => Direction::In,
        _ => {
            return Err(format!(
                "expected a direction (in, out, inout) for buffer `{name}`, found {}",
                c.found()
            ))
        }
    };
    let gen = if c.eat('=') {
        Some(parse_gen(&mut c)?)
    } else {
        None
    };
    c.end()?;
    if gen.is_none() && dir != Direction::Out {
        return Err(format!(
            "`{name}` is `{}` and needs initial contents (`= generator`); only `out` may omit them",
            dir.name()
        ));
    }
    Ok(RawBuffer {
        line,
        name,
        elem,
        len,
        dir,
        gen,
    })
}

fn parse_len_expr(c: &mut Cursor) -> Result<LenExpr, String> {
    let mut sum = Vec::new();
    loop {
        let mut product = Vec::new();
        loop {
            match c.next() {
                Some(Tok::Num(n)) => {
                    let v = parse_int_literal(&n)
                        .ok()
                        .and_then(|v| u64::try_from(v).ok())
                        .ok_or_else(|| format!("bad length constant `{n}`"))?;
                    product.push(LenFactor::Const(v));
                }
                Some(Tok::Ident(a)) => product.push(LenFactor::Arg(a)),
                other => {
                    let found = other
                        .map(|t| t.describe())
                        .unwrap_or_else(|| "end of line".into());
                    return Err(format!(
                        "expected a length (a constant or an argument name), found {found}"
                    ));
                }
            }
            if !c.eat('*') {
                break;
            }
        }
        sum.push(product);
        if !c.eat('+') {
            break;
        }
    }
    Ok(sum)
}

/// `NAME = GEN [per-call]`
fn parse_arg(line: usize, text: &str) -> Result<RawArg, String> {
    let mut c = Cursor::new(text)?;
    let name = c.ident("the argument name")?;
    check_name(&name, "argument")?;
    c.punct('=')?;
    let gen = parse_gen(&mut c)?;
    let per_call = c.eat_ident("per-call");
    c.end()?;
    Ok(RawArg {
        line,
        name,
        gen,
        per_call,
    })
}

fn parse_gen(c: &mut Cursor) -> Result<RawGen, String> {
    let kind = match c.peek().cloned() {
        Some(Tok::Ident(word)) => match word.as_str() {
            "zero" => {
                c.next();
                RawGenKind::Zero
            }
            "poison" => {
                c.next();
                RawGenKind::Poison
            }
            "bits" => {
                c.next();
                RawGenKind::Bits
            }
            "const" => {
                c.next();
                c.punct('(')?;
                let v = c.literal()?;
                c.punct(')')?;
                RawGenKind::Const(v)
            }
            "iota" => {
                c.next();
                if c.eat('(') {
                    let start = c.literal()?;
                    let step = if c.eat(',') { Some(c.literal()?) } else { None };
                    c.punct(')')?;
                    RawGenKind::Iota(Some(start), step)
                } else {
                    RawGenKind::Iota(None, None)
                }
            }
            "uniform" => {
                c.next();
                c.punct('(')?;
                let lo = c.literal()?;
                c.punct(',')?;
                let hi = c.literal()?;
                c.punct(')')?;
                RawGenKind::Uniform(lo, hi)
            }
            "list" => {
                c.next();
                c.punct('(')?;
                let mut items = vec![c.literal()?];
                while c.eat(',') {
                    items.push(c.literal()?);
                }
                c.punct(')')?;
                RawGenKind::List(items)
            }
            "text" => {
                c.next();
                c.punct('(')?;
                let s = match c.next() {
                    Some(Tok::Str(s)) => s,
                    _ => return Err("`text` expects a string literal: text(\"...\")".into()),
                };
                c.punct(')')?;
                RawGenKind::Text(s)
            }
            "inf" | "nan" | "max" | "min" | "tiny" | "denorm" => RawGenKind::Const(c.literal()?),
            other => {
                return Err(format!(
                    "unknown generator `{other}` (expected a literal, zero, poison, bits, \
                     const(v), iota[(start[, step])], uniform(lo, hi), list(v, ...), text(\"...\"))"
                ))
            }
        },
        Some(Tok::Num(_)) | Some(Tok::Punct('-')) | Some(Tok::Punct('+')) => {
            RawGenKind::Const(c.literal()?)
        }
        _ => return Err(format!("expected a generator, found {}", c.found())),
    };
    let mut edges = None;
    if c.eat_ident("edges") {
        let mut pct = 10;
        if c.eat('(') {
            let n = match c.next() {
                Some(Tok::Num(n)) => n,
                _ => return Err("`edges` expects a percentage: edges(10%)".into()),
            };
            c.punct('%')?;
            c.punct(')')?;
            pct = n
                .parse::<u32>()
                .ok()
                .filter(|p| (0..=100).contains(p))
                .ok_or_else(|| format!("`edges({n}%)`: the percentage must be 0..=100"))?;
        }
        edges = Some(pct);
    }
    Ok(RawGen { kind, edges })
}

// ---------------------------------------------------------------------------
// Literals

/// Parses an integer literal: optional sign, decimal, `0x`, `0o` or `0b`,
/// `_` separators.
fn parse_int_literal(text: &str) -> Result<i128, String> {
    let t: String = text.chars().filter(|&c| c != '_').collect();
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, t.strip_prefix('+').unwrap_or(&t)),
    };
    let (radix, digits) = if let Some(h) = body.strip_prefix("0x").or(body.strip_prefix("0X")) {
        (16, h)
    } else if let Some(b) = body.strip_prefix("0b") {
        (2, b)
    } else if let Some(o) = body.strip_prefix("0o") {
        (8, o)
    } else {
        (10, body)
    };
    if digits.is_empty() {
        return Err(format!("`{text}` is not an integer"));
    }
    let v =
        u128::from_str_radix(digits, radix).map_err(|_| format!("`{text}` is not an integer"))?;
    let v = i128::try_from(v).map_err(|_| format!("`{text}` is too large"))?;
    Ok(if neg { -v } else { v })
}

/// Converts a literal to a value of type `ty`.
pub(super) fn literal(text: &str, ty: ScalarType) -> Result<Scalar, String> {
    if ty.is_float() {
        return float_literal(text, ty);
    }
    let v = match text.trim_start_matches('+') {
        "min" => ty.int_min(),
        "max" => ty.int_max(),
        t => parse_int_literal(t)
            .map_err(|_| format!("`{text}` is not an integer literal (type {ty})"))?,
    };
    if v < ty.int_min() || v > ty.int_max() {
        return Err(format!(
            "{text} is out of range for {ty} ({}..={})",
            ty.int_min(),
            ty.int_max()
        ));
    }
    Ok(Scalar::from_bits(ty, v as u64))
}

fn float_literal(text: &str, ty: ScalarType) -> Result<Scalar, String> {
    let (neg, body) = match text.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let f32t = ty == ScalarType::F32;
    let sign_bit = if f32t { 1u64 << 31 } else { 1u64 << 63 };
    let bits: u64 = match body {
        "inf" => {
            if f32t {
                f32::INFINITY.to_bits() as u64
            } else {
                f64::INFINITY.to_bits()
            }
        }
        "nan" => {
            if f32t {
                0x7fc0_0000
            } else {
                0x7ff8_0000_0000_0000
            }
        }
        "max" => {
            if f32t {
                f32::MAX.to_bits() as u64
            } else {
                f64::MAX.to_bits()
            }
        }
        "tiny" => {
            if f32t {
                f32::MIN_POSITIVE.to_bits() as u64
            } else {
                f64::MIN_POSITIVE.to_bits()
            }
        }
        "denorm" => 1,
        "min" => {
            return Err(format!(
                "`min` is ambiguous for {ty}: write `-max`, `tiny` (smallest normal) or `denorm`"
            ))
        }
        b if b.starts_with("0x") || b.starts_with("0X") => {
            if neg {
                return Err(format!(
                    "`{text}`: a hex literal for {ty} is a raw bit pattern and takes no sign"
                ));
            }
            let v = parse_int_literal(b)?;
            if v < 0 || v as u128 > ty.mask() as u128 {
                return Err(format!("bit pattern `{text}` is wider than {ty}"));
            }
            return Ok(Scalar::from_bits(ty, v as u64));
        }
        b => {
            let ok = b
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit() || c == '.')
                && b.chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
            if !ok {
                return Err(format!("`{text}` is not a {ty} literal"));
            }
            let bits = if f32t {
                let v: f32 = b
                    .parse()
                    .map_err(|_| format!("`{text}` is not a {ty} literal"))?;
                if v.is_infinite() {
                    return Err(format!(
                        "`{text}` overflows {ty} (write `inf` if you mean it)"
                    ));
                }
                v.to_bits() as u64
            } else {
                let v: f64 = b
                    .parse()
                    .map_err(|_| format!("`{text}` is not a {ty} literal"))?;
                if v.is_infinite() {
                    return Err(format!(
                        "`{text}` overflows {ty} (write `inf` if you mean it)"
                    ));
                }
                v.to_bits()
            };
            bits
        }
    };
    Ok(Scalar::from_bits(
        ty,
        if neg { bits | sign_bit } else { bits },
    ))
}

// ---------------------------------------------------------------------------
// Resolution and validation

fn resolve(
    name: &str,
    path: &Path,
    lang: Lang,
    text: &str,
    raw: RawSpec,
) -> Result<KernelSpec, SpecError> {
    let at = |line: usize, msg: String| SpecError::Line {
        file: path.to_path_buf(),
        line,
        msg,
    };
    let whole = |msg: String| SpecError::File {
        file: path.to_path_buf(),
        msg,
    };

    if raw.entries.is_empty() {
        return Err(whole(
            "no `fn` directive: a kernel needs at least one entry point".into(),
        ));
    }

    // Parameters across all entries: same name => same type.
    let mut params: BTreeMap<String, (ParamKind, usize)> = BTreeMap::new();
    for e in &raw.entries {
        if lang == Lang::Ir {
            let narrow = |t: ScalarType| {
                !matches!(
                    t,
                    ScalarType::I64 | ScalarType::U64 | ScalarType::F32 | ScalarType::F64
                )
            };
            for p in &e.params {
                if let ParamKind::Scalar(t) = p.kind {
                    if narrow(t) {
                        return Err(at(e.line, format!(
                            "IR entry `{}`: parameter `{}` is {t}; IR entry points take only i64/u64/f32/f64 \
                             scalars and pointers (narrow integers need per-target signext/zeroext attributes)",
                            e.name, p.name
                        )));
                    }
                }
            }
            if let Some(t) = e.ret.filter(|t| narrow(*t)) {
                return Err(at(e.line, format!(
                    "IR entry `{}` returns {t}; IR entry points return only i64/u64/f32/f64 or void \
                     (narrow integers need per-target signext/zeroext attributes)",
                    e.name
                )));
            }
        }
        for p in &e.params {
            match params.get(&p.name) {
                Some((kind, line)) if *kind != p.kind => {
                    return Err(at(
                        e.line,
                        format!(
                            "parameter `{}` of `{}` has type {} but another entry (line {line}) gives it {}",
                            p.name,
                            e.name,
                            kind_name(p.kind),
                            kind_name(*kind)
                        ),
                    ))
                }
                Some(_) => {}
                None => {
                    params.insert(p.name.clone(), (p.kind, e.line));
                }
            }
        }
    }

    // Arguments.
    let mut args: Vec<ArgSpec> = Vec::new();
    let mut arg_lines: HashMap<String, usize> = HashMap::new();
    for a in &raw.args {
        if let Some(first) = arg_lines.get(&a.name) {
            return Err(at(
                a.line,
                format!("duplicate `arg {}` (first on line {first})", a.name),
            ));
        }
        let ty = match params.get(&a.name) {
            Some((ParamKind::Scalar(t), _)) => *t,
            Some((ParamKind::Pointer(_), _)) => {
                return Err(at(
                    a.line,
                    format!(
                        "`{}` is a pointer parameter: declare it with `buf`, not `arg`",
                        a.name
                    ),
                ))
            }
            None => {
                return Err(at(
                    a.line,
                    format!("`arg {}` names no parameter of any `fn`", a.name),
                ))
            }
        };
        if matches!(a.gen.kind, RawGenKind::Text(_)) {
            return Err(at(
                a.line,
                "`text(...)` fills buffers, not scalar arguments".into(),
            ));
        }
        let gen = resolve_gen(&a.gen, ty, None).map_err(|m| at(a.line, m))?;
        arg_lines.insert(a.name.clone(), a.line);
        args.push(ArgSpec {
            name: a.name.clone(),
            ty,
            gen,
            per_call: a.per_call,
            line: a.line,
        });
    }

    // Constant integer args, usable in lengths.
    let consts: HashMap<&str, Result<u64, String>> = args
        .iter()
        .map(|a| {
            let v = match (&a.gen.kind, a.per_call, a.gen.edges) {
                (GenKind::Const(s), false, None) if !a.ty.is_float() => {
                    let v = s.as_i64();
                    if a.ty.is_signed_int() && v < 0 {
                        Err(format!("argument `{}` is negative ({v})", a.name))
                    } else {
                        Ok(s.as_u64())
                    }
                }
                _ => Err(format!(
                    "argument `{}` is not a constant integer (lengths may only use `arg NAME = <integer>`)",
                    a.name
                )),
            };
            (a.name.as_str(), v)
        })
        .collect();

    let eval_len = |expr: &LenExpr| -> Result<u64, String> {
        let mut sum: u64 = 0;
        for product in expr {
            let mut p: u64 = 1;
            for f in product {
                let v = match f {
                    LenFactor::Const(v) => *v,
                    LenFactor::Arg(name) => match consts.get(name.as_str()) {
                        Some(Ok(v)) => *v,
                        Some(Err(m)) => return Err(m.clone()),
                        None => {
                            return Err(format!(
                                "length uses `{name}`, which is not an `arg` of this kernel"
                            ))
                        }
                    },
                };
                p = p.checked_mul(v).ok_or("length overflows")?;
            }
            sum = sum.checked_add(p).ok_or("length overflows")?;
        }
        Ok(sum)
    };

    let mut total_bytes: usize = 0;
    let mut resolve_buffer = |b: &RawBuffer, is_extern: bool| -> Result<BufferSpec, SpecError> {
        let (len, len_expr, scalar) = match &b.len {
            Some((expr, shown)) => (
                eval_len(expr).map_err(|m| at(b.line, m))?,
                shown.clone(),
                false,
            ),
            None => (1, String::new(), true),
        };
        let bytes = usize::try_from(len)
            .ok()
            .and_then(|l| l.checked_mul(b.elem.size()))
            .filter(|&n| n <= MAX_BUFFER_BYTES)
            .ok_or_else(|| {
                at(
                    b.line,
                    format!(
                        "`{}` is {len} x {} which exceeds the {} MiB buffer limit",
                        b.name,
                        b.elem,
                        MAX_BUFFER_BYTES >> 20
                    ),
                )
            })?;
        total_bytes += bytes;
        if total_bytes > MAX_TOTAL_BYTES {
            return Err(at(
                b.line,
                format!("buffers exceed {} MiB in total", MAX_TOTAL_BYTES >> 20),
            ));
        }
        let len = len as usize;
        let gen = match &b.gen {
            Some(g) => resolve_gen(g, b.elem, Some(len)).map_err(|m| at(b.line, m))?,
            None => Generator {
                kind: GenKind::Poison,
                edges: None,
            },
        };
        let _ = is_extern;
        Ok(BufferSpec {
            name: b.name.clone(),
            elem: b.elem,
            len,
            len_expr,
            dir: b.dir,
            gen,
            scalar,
            line: b.line,
        })
    };

    let mut buffers = Vec::new();
    for b in &raw.buffers {
        if let Some(prev) = buffers.iter().find(|p: &&BufferSpec| p.name == b.name) {
            return Err(at(
                b.line,
                format!("duplicate `buf {}` (first on line {})", b.name, prev.line),
            ));
        }
        match params.get(&b.name) {
            Some((ParamKind::Pointer(t), _)) if *t == b.elem => {}
            Some((ParamKind::Pointer(t), line)) => {
                return Err(at(
                    b.line,
                    format!(
                        "buffer `{}` holds {} but the parameter (line {line}) is *{t}",
                        b.name, b.elem
                    ),
                ))
            }
            Some((ParamKind::Scalar(_), _)) => {
                return Err(at(
                    b.line,
                    format!(
                        "`{}` is a scalar parameter: give it a value with `arg`, not `buf`",
                        b.name
                    ),
                ))
            }
            None => {
                return Err(at(
                    b.line,
                    format!("`buf {}` names no pointer parameter of any `fn`", b.name),
                ))
            }
        }
        buffers.push(resolve_buffer(b, false)?);
    }

    let mut externs: Vec<BufferSpec> = Vec::new();
    for b in &raw.externs {
        if let Some(prev) = externs.iter().find(|p| p.name == b.name) {
            return Err(at(
                b.line,
                format!(
                    "duplicate `extern {}` (first on line {})",
                    b.name, prev.line
                ),
            ));
        }
        if let Some(e) = raw.entries.iter().find(|e| e.name == b.name) {
            return Err(at(
                b.line,
                format!(
                    "extern `{}` has the name of the entry point on line {}",
                    b.name, e.line
                ),
            ));
        }
        externs.push(resolve_buffer(b, true)?);
    }

    // Every parameter has a value.
    for (pname, (kind, line)) in &params {
        let has = match kind {
            ParamKind::Pointer(_) => buffers.iter().any(|b| &b.name == pname),
            ParamKind::Scalar(_) => args.iter().any(|a| &a.name == pname),
        };
        if !has {
            let what = match kind {
                ParamKind::Pointer(t) => format!("a `buf {pname}: {t}[len] dir = ...` directive"),
                ParamKind::Scalar(_) => format!("an `arg {pname} = ...` directive"),
            };
            return Err(at(
                *line,
                format!("parameter `{pname}` has no value: add {what}"),
            ));
        }
    }

    let calls = raw.calls.map(|(_, n)| n).unwrap_or(1);
    if calls as u64 * raw.entries.len() as u64 > MAX_CALLS {
        let line = raw.calls.map(|(l, _)| l).unwrap_or(0);
        return Err(at(line, format!("more than {MAX_CALLS} calls in total")));
    }

    Ok(KernelSpec {
        name: name.to_string(),
        path: path.to_path_buf(),
        lang,
        source: text.to_string(),
        about: raw.about,
        entries: raw.entries,
        buffers,
        args,
        externs,
        calls,
        tolerance: raw.tolerance.map(|(_, t)| t).unwrap_or_default(),
        flags: raw.flags,
        min_clang: raw.min_clang.map(|(_, v)| v),
        min_clang_arch: raw.min_clang_arch,
        skips: raw.skips,
        cross_arch: raw.cross_arch,
        seed: raw.seed.map(|(_, v)| v).unwrap_or(0),
    })
}

fn kind_name(k: ParamKind) -> String {
    match k {
        ParamKind::Scalar(t) => t.to_string(),
        ParamKind::Pointer(t) => format!("*{t}"),
    }
}

fn resolve_gen(g: &RawGen, ty: ScalarType, len: Option<usize>) -> Result<Generator, String> {
    let lit = |s: &str| literal(s, ty);
    let kind = match &g.kind {
        RawGenKind::Zero => GenKind::Zero,
        RawGenKind::Poison => GenKind::Poison,
        RawGenKind::Bits => GenKind::Bits,
        RawGenKind::Const(v) => GenKind::Const(lit(v)?),
        RawGenKind::Iota(start, step) => GenKind::Iota {
            start: lit(start.as_deref().unwrap_or("0"))?,
            step: lit(step.as_deref().unwrap_or("1"))?,
        },
        RawGenKind::Uniform(lo, hi) => {
            let lo = lit(lo)?;
            let hi = lit(hi)?;
            if ty.is_float() {
                let (l, h) = (lo.as_f64(), hi.as_f64());
                if !l.is_finite() || !h.is_finite() {
                    return Err("uniform bounds must be finite".into());
                }
                if l >= h {
                    return Err(format!("uniform({l:?}, {h:?}): lo must be below hi"));
                }
                if !(h - l).is_finite() {
                    return Err("uniform: hi - lo overflows; narrow the range or use `bits`".into());
                }
            } else {
                let (l, h) = if ty.is_signed_int() {
                    (lo.as_i64() as i128, hi.as_i64() as i128)
                } else {
                    (lo.bits() as i128, hi.bits() as i128)
                };
                if l > h {
                    return Err(format!("uniform({l}, {h}): lo must not exceed hi"));
                }
            }
            GenKind::Uniform { lo, hi }
        }
        RawGenKind::List(items) => {
            GenKind::List(items.iter().map(|s| lit(s)).collect::<Result<_, _>>()?)
        }
        RawGenKind::Text(bytes) => {
            if !matches!(ty, ScalarType::I8 | ScalarType::U8) {
                return Err(format!("`text(...)` fills i8/u8 buffers, not {ty}"));
            }
            if let Some(len) = len {
                if bytes.len() > len {
                    return Err(format!(
                        "the text is {} bytes but the buffer holds only {len}",
                        bytes.len()
                    ));
                }
            }
            GenKind::Text(bytes.clone())
        }
    };
    if g.edges.is_some() && matches!(kind, GenKind::Text(_) | GenKind::Poison) {
        return Err("`edges` does not combine with `text` or `poison`".into());
    }
    Ok(Generator {
        kind,
        edges: g.edges,
    })
}
