//! Writing kernel headers: the directive syntax of `parse.rs` in the other
//! direction. Every tool that writes directive lines (the corpus generator,
//! `jitload`'s command line) goes through [`HeaderBuilder`], so the syntax
//! has one writer and one reader.

use std::fmt::Display;
use std::path::Path;

use super::{Arch, Direction, Directive, KernelSpec, Lang, ScalarType, SpecError, Tolerance};

/// A kernel header under construction: directives in the order they are
/// added, rendered as `//!` (C) or `;!` (IR) comment lines.
///
/// The parts that are expressions of the format itself (a signature, a
/// length such as `n*4`, a generator such as `uniform(-4, 4) edges(25%)`)
/// are taken as text and checked when the header is parsed
/// ([`HeaderBuilder::build`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeaderBuilder {
    directives: Vec<String>,
}

impl HeaderBuilder {
    pub fn new() -> HeaderBuilder {
        HeaderBuilder::default()
    }

    fn push(&mut self, directive: String) -> &mut HeaderBuilder {
        self.directives.push(directive);
        self
    }

    /// `about TEXT`: what the kernel exercises.
    pub fn about(&mut self, text: impl Display) -> &mut HeaderBuilder {
        self.push(format!("about {text}"))
    }

    /// `fn SIGNATURE`: an entry point; `signature` is an
    /// [`Entry`](super::Entry) or its text (`NAME(p: T, q: *T) -> T`).
    pub fn entry(&mut self, signature: impl Display) -> &mut HeaderBuilder {
        self.push(format!("fn {signature}"))
    }

    /// `arg NAME = VALUE`: the value of a scalar parameter, a generator
    /// (`257`, `list(0, 1, 7) per-call`).
    pub fn arg(&mut self, name: &str, value: impl Display) -> &mut HeaderBuilder {
        self.push(format!("arg {name} = {value}"))
    }

    /// `buf NAME: ELEM[LEN] DIR = GEN`: a buffer passed by pointer. An
    /// empty `gen` writes none (the direction's default contents).
    pub fn buf(
        &mut self,
        name: &str,
        elem: ScalarType,
        len: impl Display,
        dir: Direction,
        gen: impl Display,
    ) -> &mut HeaderBuilder {
        let gen = gen.to_string();
        let dir = dir.name();
        if gen.is_empty() {
            self.push(format!("buf {name}: {elem}[{len}] {dir}"))
        } else {
            self.push(format!("buf {name}: {elem}[{len}] {dir} = {gen}"))
        }
    }

    /// `buf NAME: DECLARATION`, the declaration already in the format's
    /// syntax (`i32[8] inout = iota(1, 1)`, as a command line gives it).
    pub fn buf_declared(&mut self, name: &str, declaration: impl Display) -> &mut HeaderBuilder {
        self.push(format!("buf {name}: {declaration}"))
    }

    /// `calls N`: rounds of calls.
    pub fn calls(&mut self, rounds: u32) -> &mut HeaderBuilder {
        self.push(format!("calls {rounds}"))
    }

    /// `tolerance exact` or `tolerance ulp N`.
    pub fn tolerance(&mut self, tolerance: Tolerance) -> &mut HeaderBuilder {
        match tolerance {
            Tolerance::Exact => self.push("tolerance exact".into()),
            Tolerance::Ulp(n) => self.push(format!("tolerance ulp {n}")),
        }
    }

    /// `flags FLAGS`: extra clang flags, separated by spaces.
    pub fn flags(&mut self, flags: &str) -> &mut HeaderBuilder {
        self.push(format!("flags {flags}"))
    }

    /// `cross-arch ulp N ARCH, ...: REASON`.
    pub fn cross_arch(&mut self, ulp: u64, arches: &[Arch], reason: &str) -> &mut HeaderBuilder {
        let arches: Vec<&str> = arches.iter().map(|a| a.name()).collect();
        self.push(format!(
            "cross-arch ulp {ulp} {}: {reason}",
            arches.join(", ")
        ))
    }

    /// A directive of another header, as it was written.
    pub fn directive(&mut self, directive: &Directive) -> &mut HeaderBuilder {
        self.push(directive.text.clone())
    }

    /// Whether no directive has been added.
    pub fn is_empty(&self) -> bool {
        self.directives.is_empty()
    }

    /// The header as comment lines of `lang`, each ending in a newline.
    pub fn render(&self, lang: Lang) -> String {
        let prefix = lang.directive_prefix();
        self.directives
            .iter()
            .map(|d| format!("{prefix} {d}\n"))
            .collect()
    }

    /// The kernel of this header followed by `body`, parsed as the file
    /// `path` (whose extension gives the language).
    pub fn build(&self, path: &Path, body: &str) -> Result<KernelSpec, SpecError> {
        let lang = Lang::from_path(path).ok_or_else(|| SpecError::File {
            file: path.to_path_buf(),
            msg: "unknown kernel extension (expected .c or .ll)".into(),
        })?;
        let mut text = self.render(lang);
        text.push_str(body);
        KernelSpec::parse(path, &text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{Entry, ParamKind};

    #[test]
    fn a_built_header_parses_back_to_what_was_built() {
        let sig = "scale(n: u32, a: f32, x: *f32, y: *f32) -> f32";
        let mut h = HeaderBuilder::new();
        h.about("y = a * x")
            .entry(sig)
            .arg("n", 4)
            .arg("a", "2.0")
            .buf("x", ScalarType::F32, "n", Direction::In, "iota(0, 1)")
            .buf("y", ScalarType::F32, "n", Direction::Out, "")
            .calls(3)
            .tolerance(Tolerance::Ulp(2))
            .flags("-ffp-contract=off")
            .cross_arch(4, &[Arch::Aarch64, Arch::Riscv64], "fused");
        let spec = h
            .build(Path::new("k/scale.c"), "float scale(void);\n")
            .unwrap();
        assert_eq!(spec.about.as_deref(), Some("y = a * x"));
        assert_eq!(spec.entries[0].to_string(), sig);
        assert_eq!(spec.calls, 3);
        assert_eq!(spec.tolerance, Tolerance::Ulp(2));
        assert_eq!(spec.flags, ["-ffp-contract=off"]);
        assert_eq!(spec.buffers[1].dir, Direction::Out);
        assert_eq!(spec.buffers[0].len_expr, "n");
        assert_eq!(spec.cross_arch.len(), 2);
        assert!(h
            .render(Lang::Ir)
            .starts_with(";! about y = a * x\n;! fn scale("));
    }

    #[test]
    fn a_signature_parses_and_prints_in_the_header_syntax() {
        let e = Entry::parse_signature("f( a : *i8 ,b: u64)->i32").unwrap();
        assert_eq!(e.to_string(), "f(a: *i8, b: u64) -> i32");
        assert_eq!(e.params[0].kind, ParamKind::Pointer(ScalarType::I8));
        assert!(Entry::parse_signature("f(a: i33)")
            .unwrap_err()
            .contains("i33"));
    }

    #[test]
    fn a_split_keeps_directives_and_the_rest_apart() {
        let text = "//! fn f(n: u32) \\\n//!   -> u32\n// plain\n//! arg n = 3\nunsigned f(unsigned n) { return n; }\n";
        let s = KernelSpec::split_header(Path::new("k/f.c"), text).unwrap();
        assert_eq!(s.directives.len(), 2);
        assert_eq!(s.directives[0].text, "fn f(n: u32) -> u32");
        assert_eq!(s.directives[0].keyword(), "fn");
        assert_eq!(s.directives[1].subject(), Some("n"));
        assert_eq!(s.directives[1].line, 4);
        assert_eq!(s.body, "// plain\nunsigned f(unsigned n) { return n; }\n");
    }
}
