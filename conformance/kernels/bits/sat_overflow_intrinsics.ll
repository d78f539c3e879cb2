;! about llvm.sadd.sat / ssub.sat / uadd.sat / usub.sat on i32 and i8 lanes extracted from i64 inputs
;! fn sats(a: *i64, b: *i64, out: *i64, n: i64)
;! arg n = 300
;! buf a: i64[n] in = bits edges
;! buf b: i64[n] in = bits edges
;! buf out: i64[n*4] out

declare i32 @llvm.sadd.sat.i32(i32, i32)
declare i32 @llvm.ssub.sat.i32(i32, i32)
declare i8 @llvm.uadd.sat.i8(i8, i8)
declare i8 @llvm.usub.sat.i8(i8, i8)

define void @sats(ptr noalias %a, ptr noalias %b, ptr noalias %out, i64 %n) {
entry:
  %empty = icmp eq i64 %n, 0
  br i1 %empty, label %exit, label %loop

loop:
  %i = phi i64 [ 0, %entry ], [ %next, %loop ]
  %pa = getelementptr inbounds i64, ptr %a, i64 %i
  %pb = getelementptr inbounds i64, ptr %b, i64 %i
  %va = load i64, ptr %pa, align 8
  %vb = load i64, ptr %pb, align 8
  %a32 = trunc i64 %va to i32
  %b32 = trunc i64 %vb to i32
  %a8 = trunc i64 %va to i8
  %b8 = trunc i64 %vb to i8
  %r0 = call i32 @llvm.sadd.sat.i32(i32 %a32, i32 %b32)
  %r1 = call i32 @llvm.ssub.sat.i32(i32 %a32, i32 %b32)
  %r2 = call i8 @llvm.uadd.sat.i8(i8 %a8, i8 %b8)
  %r3 = call i8 @llvm.usub.sat.i8(i8 %a8, i8 %b8)
  %e0 = sext i32 %r0 to i64
  %e1 = sext i32 %r1 to i64
  %e2 = zext i8 %r2 to i64
  %e3 = zext i8 %r3 to i64
  %base = mul i64 %i, 4
  %p0 = getelementptr inbounds i64, ptr %out, i64 %base
  store i64 %e0, ptr %p0, align 8
  %p1 = getelementptr inbounds i64, ptr %p0, i64 1
  store i64 %e1, ptr %p1, align 8
  %p2 = getelementptr inbounds i64, ptr %p0, i64 2
  store i64 %e2, ptr %p2, align 8
  %p3 = getelementptr inbounds i64, ptr %p0, i64 3
  store i64 %e3, ptr %p3, align 8
  %next = add nuw i64 %i, 1
  %done = icmp eq i64 %next, %n
  br i1 %done, label %exit, label %loop

exit:
  ret void
}
