//! IR: vector reductions (`llvm.vector.reduce.*`).

use super::ir_loop::{vty, IrLoop};
use super::types::Spelling;
use super::Out;
use crate::spec::ScalarType::{self, *};
use crate::spec::{Direction, HeaderBuilder};

pub(super) fn ir_vreduce(o: &mut Out) {
    let ints: [(u32, ScalarType); 8] = [
        (2, I64),
        (4, I32),
        (8, I16),
        (16, U8),
        (8, U32),
        (4, U64),
        (32, I8),
        (16, U16),
    ];
    for (lanes, t) in ints {
        let e = t.ir();
        let (v, sfx) = vty(lanes, e);
        let n = format!("vreduce_{sfx}");
        let mut k = IrLoop::new(&n, &["a", "out"]);
        let ops = [
            "add", "mul", "and", "or", "xor", "smax", "smin", "umax", "umin",
        ];
        k.phis.push((
            "acc".into(),
            v.clone(),
            "zeroinitializer".into(),
            "%acc.next".into(),
        ));
        k.load_va(e, &v, lanes, t.bits() / 8);
        k.line(&format!("%acc.next = add {v} %acc, %va"));
        k.line(&format!("%ob = mul i64 %i, {}", ops.len()));
        for (j, op) in ops.iter().enumerate() {
            k.decl(&format!("declare {e} @llvm.vector.reduce.{op}.{sfx}({v})"));
            k.line(&format!(
                "%r{j} = call {e} @llvm.vector.reduce.{op}.{sfx}({v} %va)"
            ));
            let wide = if e == "i64" {
                format!("%r{j}")
            } else {
                let ext = if op.starts_with('s') || t.is_signed_int() && !op.starts_with('u') {
                    "sext"
                } else {
                    "zext"
                };
                k.line(&format!("%w{j} = {ext} {e} %r{j} to i64"));
                format!("%w{j}")
            };
            k.line(&format!("%o{j} = add i64 %ob, {j}"));
            k.store(
                &j.to_string(),
                "i64",
                &wide,
                "out",
                "i64",
                &format!("%o{j}"),
            );
        }
        k.decl(&format!("declare {e} @llvm.vector.reduce.add.{sfx}({v})"));
        k.ret = Some(("i64".into(), "%FINAL".into()));
        let mut body = k.render();
        // Return the horizontal sum of the accumulator.
        body = body.replace(
            "  ret i64 %FINAL\n",
            &format!(
                "  %fin = call {e} @llvm.vector.reduce.add.{sfx}({v} %acc.out)\n{}  ret i64 %finw\n",
                if e == "i64" {
                    "  %finw = add i64 %fin, 0\n".to_string()
                } else {
                    format!("  %finw = zext {e} %fin to i64\n")
                }
            ),
        );
        let tn = t.name();
        let total = format!("n*{lanes}");
        o.ir(
            &n,
            HeaderBuilder::new()
                .about(format!("llvm.vector.reduce.{{add,mul,and,or,xor,smax,smin,umax,umin}} on {v} per vector, a vector accumulator phi, horizontal add at the end"))
                .entry(format!("{n}(a: *{tn}, out: *i64, n: i64) -> i64"))
                .arg("n", "64")
                .buf("a", t, total, Direction::In, "bits edges")
                .buf("out", I64, format!("n*{}", ops.len()), Direction::Out, ""),
            &body,
        );
    }
    for (lanes, t) in [(4u32, F32), (2, F64), (8, F32), (4, F64)] {
        let e = t.ir();
        let (v, sfx) = vty(lanes, e);
        let n = format!("vreduce_{sfx}");
        let mut k = IrLoop::new(&n, &["a", "out"]);
        let ops: [(&str, &str); 4] = [
            ("fadd", "-0.0"),
            ("fmul", "1.0"),
            ("fmax", ""),
            ("fmin", ""),
        ];
        k.load_va(e, &v, lanes, t.bits() / 8);
        k.line("%ob = shl i64 %i, 2");
        for (j, (op, start)) in ops.iter().enumerate() {
            if start.is_empty() {
                k.decl(&format!("declare {e} @llvm.vector.reduce.{op}.{sfx}({v})"));
                k.line(&format!(
                    "%r{j} = call {e} @llvm.vector.reduce.{op}.{sfx}({v} %va)"
                ));
            } else {
                k.decl(&format!(
                    "declare {e} @llvm.vector.reduce.{op}.{sfx}({e}, {v})"
                ));
                k.line(&format!(
                    "%r{j} = call {e} @llvm.vector.reduce.{op}.{sfx}({e} {start}, {v} %va)"
                ));
            }
            k.line(&format!("%o{j} = add i64 %ob, {j}"));
            k.store(
                &j.to_string(),
                e,
                &format!("%r{j}"),
                "out",
                e,
                &format!("%o{j}"),
            );
        }
        k.phis
            .push(("acc".into(), e.into(), "0.0".into(), "%acc.next".into()));
        k.line(&format!("%acc.next = fadd {e} %acc, %r0"));
        k.ret = Some((e.into(), "%acc.out".into()));
        let tn = t.name();
        o.ir(
            &n,
            HeaderBuilder::new()
                .about(format!("ordered llvm.vector.reduce.fadd/fmul (start values -0.0 and 1.0, no fast-math flags: sequential), fmax and fmin on {v}; NaN-free inputs"))
                .entry(format!("{n}(a: *{tn}, out: *{tn}, n: i64) -> {tn}"))
                .arg("n", "64")
                .buf("a", t, format!("n*{lanes}"), Direction::In, "uniform(-2, 2)")
                .buf("out", t, "n*4", Direction::Out, ""),
            &k.render(),
        );
    }
}
