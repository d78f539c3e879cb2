//! IR: i128 arithmetic.

use super::ir_loop::IrLoop;
use super::Out;
use crate::spec::ScalarType::U64;
use crate::spec::{Direction, HeaderBuilder};

pub(super) fn ir_i128(o: &mut Out) {
    // Each kernel reads pairs of u64 as i128 values x and y.
    let kernels: [(&str, &str, &[&str]); 6] = [
        (
            "add_sub_shift",
            "i128 add, sub, shl/lshr/ashr by a variable amount (masked below 128), and, xor",
            &[
                "%r0 = add i128 %x, %y",
                "%r1 = sub i128 %x, %y",
                "%sa = and i128 %y, 127",
                "%r2 = shl i128 %x, %sa",
                "%r3 = lshr i128 %x, %sa",
                "%r4 = ashr i128 %x, %sa",
                "%r5 = xor i128 %r0, %r4",
            ],
        ),
        (
            "mul",
            "i128 mul (inline on every 64-bit target), mul by constants, and the high half of a u64 x u64 product",
            &[
                "%r0 = mul i128 %x, %y",
                "%r1 = mul i128 %x, 340282366920938463463374607431768211",
                "%lx = trunc i128 %x to i64",
                "%ly = trunc i128 %y to i64",
                "%zx = zext i64 %lx to i128",
                "%zy = zext i64 %ly to i128",
                "%pr = mul i128 %zx, %zy",
                "%r2 = lshr i128 %pr, 64",
                "%sx = sext i64 %lx to i128",
                "%sy = sext i64 %ly to i128",
                "%r3 = mul nsw i128 %sx, %sy",
                "%r4 = mul i128 %r0, %r0",
                "%r5 = sub i128 0, %r1",
            ],
        ),
        (
            "udivrem",
            "i128 udiv/urem by a variable (zero replaced by 1: __udivti3/__umodti3) and by constants",
            &[
                "%yz = icmp eq i128 %y, 0",
                "%d = select i1 %yz, i128 1, i128 %y",
                "%r0 = udiv i128 %x, %d",
                "%r1 = urem i128 %x, %d",
                "%r2 = udiv i128 %x, 10",
                "%r3 = urem i128 %x, 1000000007",
                "%r4 = udiv i128 %x, 18446744073709551616",
                "%r5 = add i128 %r0, %r3",
            ],
        ),
        (
            "sdivrem",
            "i128 sdiv/srem by a guarded variable (0 -> 1, -1 -> 1: no MIN / -1) and by negative constants",
            &[
                "%yz = icmp eq i128 %y, 0",
                "%ym = icmp eq i128 %y, -1",
                "%bad = or i1 %yz, %ym",
                "%d = select i1 %bad, i128 1, i128 %y",
                "%r0 = sdiv i128 %x, %d",
                "%r1 = srem i128 %x, %d",
                "%r2 = sdiv i128 %x, -7",
                "%r3 = srem i128 %x, -1000000007",
                "%r4 = sdiv i128 %r1, 3",
                "%r5 = srem i128 %x, 4096",
            ],
        ),
        (
            "cmp_select",
            "i128 signed and unsigned compares, select, smax/umin intrinsics and abs",
            &[
                "%lt = icmp slt i128 %x, %y",
                "%ult = icmp ult i128 %x, %y",
                "%r0 = select i1 %lt, i128 %x, i128 %y",
                "%r1 = select i1 %ult, i128 %y, i128 %x",
                "%r2 = call i128 @llvm.smax.i128(i128 %x, i128 %y)",
                "%r3 = call i128 @llvm.umin.i128(i128 %x, i128 %y)",
                "%r4 = call i128 @llvm.abs.i128(i128 %x, i1 false)",
                "%eq = icmp eq i128 %x, %y",
                "%both = and i1 %lt, %ult",
                "%c1 = zext i1 %both to i128",
                "%c2 = zext i1 %eq to i128",
                "%c3 = shl i128 %c2, 100",
                "%r5 = or i128 %c1, %c3",
            ],
        ),
        (
            "bits",
            "i128 ctpop, ctlz, cttz, bswap, bitreverse and fshl",
            &[
                "%r0 = call i128 @llvm.ctpop.i128(i128 %x)",
                "%r1 = call i128 @llvm.ctlz.i128(i128 %x, i1 false)",
                "%r2 = call i128 @llvm.cttz.i128(i128 %y, i1 false)",
                "%r3 = call i128 @llvm.bswap.i128(i128 %x)",
                "%r4 = call i128 @llvm.bitreverse.i128(i128 %y)",
                "%r5 = call i128 @llvm.fshl.i128(i128 %x, i128 %y, i128 %y)",
            ],
        ),
    ];
    for (tag, about, lines) in kernels {
        let n = format!("i128_{tag}");
        let mut k = IrLoop::new(&n, &["a", "b", "out"]);
        for (name, decl) in [
            ("smax", "declare i128 @llvm.smax.i128(i128, i128)"),
            ("umin", "declare i128 @llvm.umin.i128(i128, i128)"),
            ("abs", "declare i128 @llvm.abs.i128(i128, i1)"),
            ("ctpop", "declare i128 @llvm.ctpop.i128(i128)"),
            ("ctlz", "declare i128 @llvm.ctlz.i128(i128, i1)"),
            ("cttz", "declare i128 @llvm.cttz.i128(i128, i1)"),
            ("bswap", "declare i128 @llvm.bswap.i128(i128)"),
            ("bitreverse", "declare i128 @llvm.bitreverse.i128(i128)"),
            ("fshl", "declare i128 @llvm.fshl.i128(i128, i128, i128)"),
        ] {
            if lines.iter().any(|l| l.contains(&format!("@llvm.{name}."))) {
                k.decl(decl);
            }
        }
        k.load("x", "i128", "a", "%i");
        k.load("y", "i128", "b", "%i");
        for l in lines {
            k.line(l);
        }
        k.phis
            .push(("acc".into(), "i128".into(), "0".into(), "%acc.next".into()));
        k.line("%mix = xor i128 %r0, %r5");
        k.line("%acc.next = add i128 %acc, %mix");
        k.line("%ob = mul i64 %i, 6");
        for j in 0..6 {
            k.line(&format!("%o{j} = add i64 %ob, {j}"));
            k.store(
                &j.to_string(),
                "i128",
                &format!("%r{j}"),
                "out",
                "i128",
                &format!("%o{j}"),
            );
        }
        let mut body = k.render();
        body = body.replace(
            "  ret void\n",
            "  %hi = lshr i128 %acc.out, 64\n  %h64 = trunc i128 %hi to i64\n  %l64 = trunc i128 %acc.out to i64\n  %fold = xor i64 %h64, %l64\n  ret i64 %fold\n",
        );
        body = body.replace("define void @", "define i64 @");
        o.ir(
            &n,
            HeaderBuilder::new()
                .about(format!("{about}; i128 values from pairs of u64 (little-endian), a running i128 sum folded to i64"))
                .entry(format!("{n}(a: *u64, b: *u64, out: *u64, n: i64) -> i64"))
                .arg("n", "100")
                .buf("a", U64, "n*2", Direction::In, "bits edges(20%)")
                .buf("b", U64, "n*2", Direction::In, "bits edges(20%)")
                .buf("out", U64, "n*12", Direction::Out, ""),
            &body,
        );
    }
}
