//! IR: phi/select loops.

use super::ir_loop::IrLoop;
use super::types::Spelling;
use super::Out;
use crate::spec::ScalarType::*;
use crate::spec::{Direction, HeaderBuilder, Tolerance};

pub(super) fn ir_phi_select(o: &mut Out) {
    for t in [I64, I32, F64, F32] {
        let e = t.ir();
        let n = format!("phi_select_{}", t.name());
        let mut k = IrLoop::new(&n, &["a", "out"]);
        k.load("x", e, "a", "%i");
        let (lt, gt, add, zero) = if t.is_float() {
            ("fcmp olt", "fcmp ogt", "fadd", "0.0")
        } else {
            ("icmp slt", "icmp sgt", "add", "0")
        };
        k.phis
            .push(("lo".into(), e.into(), zero.into(), "%lo.next".into()));
        k.phis
            .push(("hi".into(), e.into(), zero.into(), "%hi.next".into()));
        k.phis
            .push(("run".into(), e.into(), zero.into(), "%run.next".into()));
        k.phis.push((
            "odd".into(),
            "i1".into(),
            "false".into(),
            "%odd.next".into(),
        ));
        k.line(&format!("%c1 = {lt} {e} %x, %lo"));
        k.line(&format!("%lo.next = select i1 %c1, {e} %x, {e} %lo"));
        k.line(&format!("%c2 = {gt} {e} %x, %hi"));
        k.line(&format!("%hi.next = select i1 %c2, {e} %x, {e} %hi"));
        k.line(&format!("%c3 = {gt} {e} %x, %run"));
        k.line(&format!("%sum = {add} {e} %run, %x"));
        k.line(&format!("%run.sel = select i1 %c3, {e} %sum, {e} %x"));
        k.line(&format!(
            "%run.next = select i1 %odd, {e} %run.sel, {e} %sum"
        ));
        k.line("%odd.next = xor i1 %odd, true");
        k.line("%ob = mul i64 %i, 3");
        k.store("0", e, "%lo.next", "out", e, "%ob");
        k.line("%o1 = add i64 %ob, 1");
        k.store("1", e, "%hi.next", "out", e, "%o1");
        k.line("%o2 = add i64 %ob, 2");
        k.store("2", e, "%run.next", "out", e, "%o2");
        let mut body = k.render();
        let fin = if t.is_float() {
            format!("  %fin = fsub {e} %hi.out, %lo.out\n  %f2 = fadd {e} %fin, %run.out\n  ret {e} %f2\n")
        } else {
            let ext = if e == "i64" {
                "add i64 %f2, 0".to_string()
            } else {
                format!("sext {e} %f2 to i64")
            };
            format!("  %fin = sub {e} %hi.out, %lo.out\n  %f2 = xor {e} %fin, %run.out\n  %f3 = {ext}\n  ret i64 %f3\n")
        };
        body = body.replace("  ret void\n", &fin);
        let rt = if t.is_float() { t.name() } else { "i64" };
        body = body.replace(
            "define void @",
            &format!("define {} @", if t.is_float() { e } else { "i64" }),
        );
        let tn = t.name();
        let gen = if t.is_float() {
            "uniform(-100, 100)"
        } else {
            "uniform(-1000, 1000)"
        };
        let mut d = HeaderBuilder::new();
        d.about(format!("a loop with four phis (running min, max, a select-reset sum, an i1 toggle) and select chains on {e}"))
            .entry(format!("{n}(a: *{tn}, out: *{tn}, n: i64) -> {rt}"))
            .arg("n", "333")
            .buf("a", t, "n", Direction::In, gen)
            .buf("out", t, "n*3", Direction::Out, "");
        if t.is_float() {
            d.tolerance(Tolerance::Ulp(0));
        }
        o.ir(&n, &d, &body);
    }
}
