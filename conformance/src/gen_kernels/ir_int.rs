//! IR: integer intrinsics: saturation, `with.overflow`, bit intrinsics,
//! min/max/abs.

use super::ir_loop::{vty, IrLoop};
use super::types::Spelling;
use super::Out;
use crate::spec::ScalarType::{self, *};
use crate::spec::{Direction, HeaderBuilder};

pub(super) fn ir_sat(o: &mut Out) {
    for (lanes, t) in [
        (1u32, I8),
        (1, I16),
        (1, I32),
        (1, I64),
        (16, I8),
        (8, I16),
        (4, I32),
    ] {
        let e = t.ir();
        let w = t.bits();
        let (ty, sfx) = if lanes == 1 {
            (e.to_string(), e.to_string())
        } else {
            vty(lanes, e)
        };
        let n = format!("sat_{sfx}");
        let mut k = IrLoop::new(&n, &["a", "b", "out"]);
        let ops = ["sadd", "uadd", "ssub", "usub", "sshl", "ushl"];
        for op in ops {
            k.decl(&format!("declare {ty} @llvm.{op}.sat.{sfx}({ty}, {ty})"));
        }
        k.load_lanes(&["a", "b"], e, &ty, lanes, w / 8);
        // Shift amounts must be below the width: y & (w - 1).
        let mask = if lanes == 1 {
            format!("{}", w - 1)
        } else {
            format!(
                "<{}>",
                vec![format!("{e} {}", w - 1); lanes as usize].join(", ")
            )
        };
        k.line(&format!("%sh = and {ty} %bv, {mask}"));
        k.line(&format!("%ob = mul i64 %base, {}", ops.len()));
        for (j, op) in ops.iter().enumerate() {
            let rhs = if op.ends_with("shl") { "%sh" } else { "%bv" };
            k.line(&format!(
                "%r{j} = call {ty} @llvm.{op}.sat.{sfx}({ty} %av, {ty} {rhs})"
            ));
            k.store_result(j, e, &ty, lanes, w / 8);
        }
        let about = format!("llvm.{{sadd,uadd,ssub,usub,sshl,ushl}}.sat on {ty} (shift amounts masked below the width); edge values");
        o.ir(
            &n,
            &lanes_header(&n, about, t, lanes, ops.len()),
            &k.render(),
        );
    }
}

pub(super) fn ir_overflow(o: &mut Out) {
    for t in [I8, I16, I32, I64] {
        let e = t.ir();
        let n = format!("ovf_{e}");
        let mut k = IrLoop::new(&n, &["a", "b", "out"]);
        let ops = ["sadd", "uadd", "ssub", "usub", "smul", "umul"];
        k.load("x", e, "a", "%i");
        k.load("y", e, "b", "%i");
        k.line(&format!("%ob = mul i64 %i, {}", ops.len() + 1));
        k.phis
            .push(("cnt".into(), "i64".into(), "0".into(), "%cnt5".into()));
        let mut flags = "0".to_string();
        for (j, op) in ops.iter().enumerate() {
            k.decl(&format!(
                "declare {{ {e}, i1 }} @llvm.{op}.with.overflow.{e}({e}, {e})"
            ));
            k.line(&format!(
                "%s{j} = call {{ {e}, i1 }} @llvm.{op}.with.overflow.{e}({e} %x, {e} %y)"
            ));
            k.line(&format!("%v{j} = extractvalue {{ {e}, i1 }} %s{j}, 0"));
            k.line(&format!("%f{j} = extractvalue {{ {e}, i1 }} %s{j}, 1"));
            k.line(&format!("%fz{j} = zext i1 %f{j} to {e}"));
            k.line(&format!("%fs{j} = shl {e} %fz{j}, {j}"));
            k.line(&format!("%fl{j} = or {e} {flags}, %fs{j}"));
            flags = format!("%fl{j}");
            k.line(&format!("%fi{j} = zext i1 %f{j} to i64"));
            let prev = if j == 0 {
                "%cnt".to_string()
            } else {
                format!("%cnt{}", j - 1)
            };
            k.line(&format!("%cnt{j} = add i64 {prev}, %fi{j}"));
            k.line(&format!("%o{j} = add i64 %ob, {j}"));
            k.store(
                &j.to_string(),
                e,
                &format!("%v{j}"),
                "out",
                e,
                &format!("%o{j}"),
            );
        }
        k.line(&format!("%o6 = add i64 %ob, {}", ops.len()));
        k.store("6", e, &flags, "out", e, "%o6");
        k.ret = Some(("i64".into(), "%cnt.out".into()));
        let tn = t.name();
        o.ir(
            &n,
            HeaderBuilder::new()
                .about(format!("llvm.{{s,u}}{{add,sub,mul}}.with.overflow.{e}: results, the overflow flags packed per element, and their count returned; edge values"))
                .entry(format!("{n}(a: *{tn}, b: *{tn}, out: *{tn}, n: i64) -> i64"))
                .arg("n", "200")
                .buf("a", t, "n", Direction::In, "bits edges(25%)")
                .buf("b", t, "n", Direction::In, "uniform(-3, 3) edges(25%)")
                .buf("out", t, "n*7", Direction::Out, ""),
            &k.render(),
        );
    }
}

pub(super) fn ir_bits(o: &mut Out) {
    for (lanes, t) in [
        (1u32, I8),
        (1, I16),
        (1, I32),
        (1, I64),
        (4, I32),
        (2, I64),
        (8, I16),
    ] {
        let e = t.ir();
        let w = t.bits();
        let (ty, sfx) = if lanes == 1 {
            (e.to_string(), e.to_string())
        } else {
            vty(lanes, e)
        };
        let n = format!("bitops_{sfx}");
        let mut k = IrLoop::new(&n, &["a", "b", "out"]);
        let mut ops: Vec<(&str, String)> = vec![
            ("ctpop", format!("({ty} %av)")),
            ("ctlz", format!("({ty} %av, i1 false)")),
            ("cttz", format!("({ty} %av, i1 false)")),
            ("bitreverse", format!("({ty} %av)")),
            ("fshl", format!("({ty} %av, {ty} %bv, {ty} %bv)")),
            ("fshr", format!("({ty} %bv, {ty} %av, {ty} %av)")),
        ];
        if w >= 16 {
            ops.push(("bswap", format!("({ty} %av)")));
        }
        for (op, _) in &ops {
            let params = match *op {
                "ctlz" | "cttz" => format!("{ty}, i1"),
                "fshl" | "fshr" => format!("{ty}, {ty}, {ty}"),
                _ => ty.clone(),
            };
            k.decl(&format!("declare {ty} @llvm.{op}.{sfx}({params})"));
        }
        k.load_lanes(&["a", "b"], e, &ty, lanes, w / 8);
        k.line(&format!("%ob = mul i64 %base, {}", ops.len()));
        for (j, (op, args)) in ops.iter().enumerate() {
            k.line(&format!("%r{j} = call {ty} @llvm.{op}.{sfx}{args}"));
            k.store_result(j, e, &ty, lanes, w / 8);
        }
        let names: Vec<&str> = ops.iter().map(|(op, _)| *op).collect();
        let ut = match w {
            8 => U8,
            16 => U16,
            32 => U32,
            _ => U64,
        };
        let about = format!("llvm.{{{}}} on {ty} (zero inputs allowed: is_zero_poison false; funnel shift amounts taken modulo the width by definition); edge values", names.join(","));
        o.ir(
            &n,
            &lanes_header(&n, about, ut, lanes, ops.len()),
            &k.render(),
        );
    }
}

pub(super) fn ir_minmax(o: &mut Out) {
    for t in [I8, I16, I32, I64] {
        let e = t.ir();
        let n = format!("minmax_{e}");
        let mut k = IrLoop::new(&n, &["a", "b", "out"]);
        let ops = ["smin", "smax", "umin", "umax"];
        k.load("x", e, "a", "%i");
        k.load("y", e, "b", "%i");
        k.line("%ob = mul i64 %i, 6");
        for (j, op) in ops.iter().enumerate() {
            k.decl(&format!("declare {e} @llvm.{op}.{e}({e}, {e})"));
            k.line(&format!("%r{j} = call {e} @llvm.{op}.{e}({e} %x, {e} %y)"));
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
        k.decl(&format!("declare {e} @llvm.abs.{e}({e}, i1)"));
        k.line(&format!("%r4 = call {e} @llvm.abs.{e}({e} %x, i1 false)"));
        k.line("%o4 = add i64 %ob, 4");
        k.store("4", e, "%r4", "out", e, "%o4");
        k.line(&format!("%d = sub {e} %r1, %r0"));
        k.line(&format!("%du = sub {e} %r3, %r2"));
        k.line(&format!("%r5 = xor {e} %d, %du"));
        k.line("%o5 = add i64 %ob, 5");
        k.store("5", e, "%r5", "out", e, "%o5");
        let tn = t.name();
        o.ir(
            &n,
            HeaderBuilder::new()
                .about(format!("llvm.smin/smax/umin/umax.{e} and llvm.abs.{e} (MIN allowed: is_int_min_poison false), max - min in both orders; edge values"))
                .entry(format!("{n}(a: *{tn}, b: *{tn}, out: *{tn}, n: i64)"))
                .arg("n", "200")
                .buf("a", t, "n", Direction::In, "bits edges(25%)")
                .buf("b", t, "n", Direction::In, "bits edges(25%)")
                .buf("out", t, "n*6", Direction::Out, ""),
            &k.render(),
        );
    }
}

/// The header of `NAME(a, b, out, n)` over `n` groups of `lanes` elements
/// of `elem`, `ops` results per element: edge-heavy random bits in `a` and
/// `b`.
fn lanes_header(
    name: &str,
    about: String,
    elem: ScalarType,
    lanes: u32,
    ops: usize,
) -> HeaderBuilder {
    let mut h = HeaderBuilder::new();
    h.about(about)
        .entry(format!(
            "{name}(a: *{elem}, b: *{elem}, out: *{elem}, n: i64)"
        ))
        .arg("n", "64")
        .buf(
            "a",
            elem,
            format!("n*{lanes}"),
            Direction::In,
            "bits edges(25%)",
        )
        .buf(
            "b",
            elem,
            format!("n*{lanes}"),
            Direction::In,
            "bits edges(25%)",
        )
        .buf(
            "out",
            elem,
            format!("n*{}", lanes as usize * ops),
            Direction::Out,
            "",
        );
    h
}
