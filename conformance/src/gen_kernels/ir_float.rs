//! IR: `llvm.fma`/`llvm.fmuladd` and `fneg`.

use super::ir_loop::{vty, IrLoop};
use super::types::Spelling;
use super::Out;
use crate::spec::ScalarType::*;
use crate::spec::{Arch, Direction, HeaderBuilder, Tolerance};

pub(super) fn ir_fma(o: &mut Out) {
    // The last number: the largest difference from x86_64 measured on
    // aarch64, loongarch64, ppc64le and riscv64 (the same on all four),
    // for the `cross-arch` line.
    for (lanes, t, measured_ulp) in [
        (1u32, F32, 4u32),
        (1, F64, 2),
        (4, F32, 64),
        (2, F64, 4),
        (8, F32, 128),
    ] {
        let e = t.ir();
        let (ty, sfx) = if lanes == 1 {
            (e.to_string(), t.name().to_string())
        } else {
            vty(lanes, e)
        };
        let n = format!("fma_{sfx}");
        let mut k = IrLoop::new(&n, &["a", "b", "c", "out"]);
        k.decl(&format!("declare {ty} @llvm.fma.{sfx}({ty}, {ty}, {ty})"));
        k.decl(&format!(
            "declare {ty} @llvm.fmuladd.{sfx}({ty}, {ty}, {ty})"
        ));
        k.load_lanes(&["a", "b", "c"], e, &ty, lanes, t.bits() / 8);
        k.line(&format!(
            "%f = call {ty} @llvm.fma.{sfx}({ty} %av, {ty} %bv, {ty} %cv)"
        ));
        k.line(&format!(
            "%g = call {ty} @llvm.fmuladd.{sfx}({ty} %av, {ty} %bv, {ty} %f)"
        ));
        k.line(&format!("%h = fsub {ty} %f, %g"));
        k.line("%ob = mul i64 %base, 2");
        k.line(&format!(
            "%o0.p = getelementptr inbounds {e}, ptr %out, i64 %ob"
        ));
        k.line(&format!("store {ty} %f, ptr %o0.p, align {}", t.bits() / 8));
        k.line(&format!("%ob1 = add i64 %ob, {lanes}"));
        k.line(&format!(
            "%o1.p = getelementptr inbounds {e}, ptr %out, i64 %ob1"
        ));
        k.line(&format!("store {ty} %h, ptr %o1.p, align {}", t.bits() / 8));
        let tn = t.name();
        o.ir(
            &n,
            HeaderBuilder::new()
                .about(format!("llvm.fma.{sfx} (always fused: an instruction, or an `fma`/`fmaf` libm call where the CPU has no FMA) and llvm.fmuladd.{sfx} (fused or not, the target decides) on {ty}; edge values"))
                .entry(format!("{n}(a: *{tn}, b: *{tn}, c: *{tn}, out: *{tn}, n: i64)"))
                .arg("n", "96")
                .buf("a", t, format!("n*{lanes}"), Direction::In, "uniform(-1e3, 1e3) edges(10%)")
                .buf("b", t, format!("n*{lanes}"), Direction::In, "uniform(-1e3, 1e3)")
                .buf("c", t, format!("n*{lanes}"), Direction::In, "uniform(-1e6, 1e6) edges(10%)")
                .buf("out", t, format!("n*{}", 2 * lanes), Direction::Out, "")
                .tolerance(Tolerance::Ulp(0))
                .cross_arch(u64::from(measured_ulp), &[Arch::Aarch64, Arch::Loongarch64, Arch::Ppc64le, Arch::Riscv64], &format!("llvm.fmuladd is fused on these targets, not on x86-64-v2 (no FMA), so `f - fmuladd(a, b, f)` keeps the rounding error of a*b on x86_64 only; up to {measured_ulp} ulp measured")),
            &k.render(),
        );
    }
}

pub(super) fn ir_fneg(o: &mut Out) {
    for t in [F32, F64] {
        let e = t.ir();
        let lanes = 128 / t.bits();
        let (v, _) = vty(lanes, e);
        let n = format!("fneg_{}", t.name());
        let mut k = IrLoop::new(&n, &["a", "out"]);
        k.load_va(e, &v, lanes, t.bits() / 8);
        k.line(&format!("%nv = fneg {v} %va"));
        k.line(&format!("%s0 = extractelement {v} %va, i64 0"));
        k.line(&format!("%ns = fneg {e} %s0"));
        k.line(&format!("%sub = fsub {e} -0.0, %s0"));
        k.line(&format!("%nv2 = insertelement {v} %nv, {e} %sub, i64 1"));
        k.line("%ob = mul i64 %base, 2");
        k.line(&format!(
            "%o0.p = getelementptr inbounds {e}, ptr %out, i64 %ob"
        ));
        k.line(&format!(
            "store {v} %nv2, ptr %o0.p, align {}",
            t.bits() / 8
        ));
        k.line(&format!("%ob1 = add i64 %ob, {lanes}"));
        k.line(&format!(
            "%o1.p = getelementptr inbounds {e}, ptr %out, i64 %ob1"
        ));
        k.line(&format!("store {e} %ns, ptr %o1.p, align {}", t.bits() / 8));
        k.line("%ob2 = add i64 %ob1, 1");
        k.line(&format!(
            "%o2.p = getelementptr inbounds {e}, ptr %out, i64 %ob2"
        ));
        k.line(&format!("%ab = call {e} @llvm.fabs.{}({e} %s0)", t.name()));
        k.line(&format!("%nab = fneg {e} %ab"));
        k.line(&format!(
            "store {e} %nab, ptr %o2.p, align {}",
            t.bits() / 8
        ));
        k.decl(&format!("declare {e} @llvm.fabs.{}({e})", t.name()));
        let tn = t.name();
        o.ir(
            &n,
            HeaderBuilder::new()
                .about(format!("fneg on {v} and scalar {e}, fsub -0.0 (the old spelling), -fabs: sign bits of NaNs, zeros and infinities; edge values"))
                .entry(format!("{n}(a: *{tn}, out: *{tn}, n: i64)"))
                .arg("n", "64")
                .buf("a", t, format!("n*{lanes}"), Direction::In, "bits edges(30%)")
                .buf("out", t, format!("n*{}", 2 * lanes), Direction::Out, ""),
            &k.render(),
        );
    }
}
