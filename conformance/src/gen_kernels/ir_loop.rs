//! The IR loop skeleton most IR kernels are built on.

use std::collections::BTreeSet;
use std::fmt::Write as _;

/// An IR loop kernel `void NAME(ptrs..., i64 %n)` over `%i` in 0..n, with
/// extra loop-carried phis and a return value.
pub(super) struct IrLoop {
    pub(super) name: String,
    /// `(name, elem type)` for `ptr noalias %name` parameters.
    pub(super) ptrs: Vec<String>,
    /// Extra scalar parameters, e.g. `double %s`.
    pub(super) scalars: Vec<String>,
    pub(super) decls: BTreeSet<String>,
    /// `(phi name, type, initial value, next value)`.
    pub(super) phis: Vec<(String, String, String, String)>,
    pub(super) body: String,
    /// `(type, value)`: returned at exit; may name phis (`%acc`) whose final
    /// value is taken from the loop (or the initial value for n == 0).
    pub(super) ret: Option<(String, String)>,
}

impl IrLoop {
    pub(super) fn new(name: &str, ptrs: &[&str]) -> IrLoop {
        IrLoop {
            name: name.into(),
            ptrs: ptrs.iter().map(|s| s.to_string()).collect(),
            scalars: Vec::new(),
            decls: BTreeSet::new(),
            phis: Vec::new(),
            body: String::new(),
            ret: None,
        }
    }
    pub(super) fn decl(&mut self, d: &str) {
        self.decls.insert(d.to_string());
    }
    pub(super) fn line(&mut self, l: &str) {
        self.body.push_str("  ");
        self.body.push_str(l);
        self.body.push('\n');
    }
    /// `%dst = load TY from ptr %p at index IDX`.
    pub(super) fn load(&mut self, dst: &str, ty: &str, p: &str, idx: &str) {
        self.line(&format!(
            "%{dst}.p = getelementptr inbounds {ty}, ptr %{p}, i64 {idx}"
        ));
        self.line(&format!("%{dst} = load {ty}, ptr %{dst}.p, align 1"));
    }
    /// Store `val` of `ty` at element `idx` of `p` (elements of `ety`).
    pub(super) fn store(&mut self, tag: &str, ty: &str, val: &str, p: &str, ety: &str, idx: &str) {
        self.line(&format!(
            "%st.{tag} = getelementptr inbounds {ety}, ptr %{p}, i64 {idx}"
        ));
        self.line(&format!("store {ty} {val}, ptr %st.{tag}, align 1"));
    }
    /// `%base = i * lanes`, then for each pointer `p` the value `%{p}v` of
    /// type `ty` (elements `e`) at element `%base`.
    pub(super) fn load_lanes(&mut self, ptrs: &[&str], e: &str, ty: &str, lanes: u32, align: u32) {
        self.line(&format!("%base = mul i64 %i, {lanes}"));
        for p in ptrs {
            self.line(&format!(
                "%{p}.p = getelementptr inbounds {e}, ptr %{p}, i64 %base"
            ));
            self.line(&format!("%{p}v = load {ty}, ptr %{p}.p, align {align}"));
        }
    }
    /// `%base = i * lanes`, then the vector `%va` of type `v` (elements
    /// `e`) at element `%base` of `%a`.
    pub(super) fn load_va(&mut self, e: &str, v: &str, lanes: u32, align: u32) {
        self.line(&format!("%base = mul i64 %i, {lanes}"));
        self.line(&format!(
            "%va.p = getelementptr inbounds {e}, ptr %a, i64 %base"
        ));
        self.line(&format!("%va = load {v}, ptr %va.p, align {align}"));
    }
    /// Stores `%r{j}` of type `ty` at element `%ob + j * lanes` of `%out`
    /// (elements `e`).
    pub(super) fn store_result(&mut self, j: usize, e: &str, ty: &str, lanes: u32, align: u32) {
        self.line(&format!("%o{j} = add i64 %ob, {}", j as u32 * lanes));
        self.line(&format!(
            "%o{j}.p = getelementptr inbounds {e}, ptr %out, i64 %o{j}"
        ));
        self.line(&format!("store {ty} %r{j}, ptr %o{j}.p, align {align}"));
    }
    pub(super) fn render(&self) -> String {
        let mut s = String::new();
        for d in &self.decls {
            let _ = writeln!(s, "{d}");
        }
        if !self.decls.is_empty() {
            s.push('\n');
        }
        let mut params: Vec<String> = self
            .ptrs
            .iter()
            .map(|p| format!("ptr noalias %{p}"))
            .collect();
        params.extend(self.scalars.iter().cloned());
        params.push("i64 %n".into());
        let rty = self.ret.as_ref().map(|r| r.0.as_str()).unwrap_or("void");
        let _ = writeln!(
            s,
            "define {rty} @{}({}) {{\nentry:\n  %empty = icmp eq i64 %n, 0\n  br i1 %empty, label %exit, label %loop\n\nloop:\n  %i = phi i64 [ 0, %entry ], [ %next, %loop ]",
            self.name,
            params.join(", ")
        );
        for (name, ty, init, next) in &self.phis {
            let _ = writeln!(
                s,
                "  %{name} = phi {ty} [ {init}, %entry ], [ {next}, %loop ]"
            );
        }
        s.push_str(&self.body);
        s.push_str("  %next = add nuw i64 %i, 1\n  %done = icmp eq i64 %next, %n\n  br i1 %done, label %exit, label %loop\n\nexit:\n");
        for (name, ty, init, next) in &self.phis {
            let _ = writeln!(
                s,
                "  %{name}.out = phi {ty} [ {init}, %entry ], [ {next}, %loop ]"
            );
        }
        match &self.ret {
            Some((ty, v)) => {
                let _ = writeln!(s, "  ret {ty} {v}");
            }
            None => s.push_str("  ret void\n"),
        }
        s.push_str("}\n");
        s
    }
}

/// `<N x T>` and its intrinsic suffix `vNiW`.
pub(super) fn vty(lanes: u32, elem: &str) -> (String, String) {
    let suffix = match elem {
        "float" => "f32".to_string(),
        "double" => "f64".to_string(),
        e => e.to_string(),
    };
    (format!("<{lanes} x {elem}>"), format!("v{lanes}{suffix}"))
}
