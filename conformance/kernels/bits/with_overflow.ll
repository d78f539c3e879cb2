;! about llvm.{s,u}{add,sub,mul}.with.overflow.i64: result and overflow flag packed per element
;! fn ovf(a: *i64, b: *i64, r: *i64, flags: *i64, n: i64) -> i64
;! arg n = 400
;! buf a: i64[n] in = bits edges
;! buf b: i64[n] in = uniform(-3, 3) edges(20%)
;! buf r: i64[n*6] out
;! buf flags: i64[n] out

declare { i64, i1 } @llvm.sadd.with.overflow.i64(i64, i64)
declare { i64, i1 } @llvm.uadd.with.overflow.i64(i64, i64)
declare { i64, i1 } @llvm.ssub.with.overflow.i64(i64, i64)
declare { i64, i1 } @llvm.usub.with.overflow.i64(i64, i64)
declare { i64, i1 } @llvm.smul.with.overflow.i64(i64, i64)
declare { i64, i1 } @llvm.umul.with.overflow.i64(i64, i64)

define i64 @ovf(ptr noalias %a, ptr noalias %b, ptr noalias %r, ptr noalias %flags, i64 %n) {
entry:
  %empty = icmp eq i64 %n, 0
  br i1 %empty, label %exit, label %loop

loop:
  %i = phi i64 [ 0, %entry ], [ %next, %loop ]
  %cnt = phi i64 [ 0, %entry ], [ %cnt.next, %loop ]
  %pa = getelementptr inbounds i64, ptr %a, i64 %i
  %pb = getelementptr inbounds i64, ptr %b, i64 %i
  %x = load i64, ptr %pa, align 8
  %y = load i64, ptr %pb, align 8
  %s0 = call { i64, i1 } @llvm.sadd.with.overflow.i64(i64 %x, i64 %y)
  %s1 = call { i64, i1 } @llvm.uadd.with.overflow.i64(i64 %x, i64 %y)
  %s2 = call { i64, i1 } @llvm.ssub.with.overflow.i64(i64 %x, i64 %y)
  %s3 = call { i64, i1 } @llvm.usub.with.overflow.i64(i64 %x, i64 %y)
  %s4 = call { i64, i1 } @llvm.smul.with.overflow.i64(i64 %x, i64 %y)
  %s5 = call { i64, i1 } @llvm.umul.with.overflow.i64(i64 %x, i64 %y)
  %v0 = extractvalue { i64, i1 } %s0, 0
  %v1 = extractvalue { i64, i1 } %s1, 0
  %v2 = extractvalue { i64, i1 } %s2, 0
  %v3 = extractvalue { i64, i1 } %s3, 0
  %v4 = extractvalue { i64, i1 } %s4, 0
  %v5 = extractvalue { i64, i1 } %s5, 0
  %o0 = extractvalue { i64, i1 } %s0, 1
  %o1 = extractvalue { i64, i1 } %s1, 1
  %o2 = extractvalue { i64, i1 } %s2, 1
  %o3 = extractvalue { i64, i1 } %s3, 1
  %o4 = extractvalue { i64, i1 } %s4, 1
  %o5 = extractvalue { i64, i1 } %s5, 1
  %base = mul i64 %i, 6
  %q0 = getelementptr inbounds i64, ptr %r, i64 %base
  store i64 %v0, ptr %q0, align 8
  %q1 = getelementptr inbounds i64, ptr %q0, i64 1
  store i64 %v1, ptr %q1, align 8
  %q2 = getelementptr inbounds i64, ptr %q0, i64 2
  store i64 %v2, ptr %q2, align 8
  %q3 = getelementptr inbounds i64, ptr %q0, i64 3
  store i64 %v3, ptr %q3, align 8
  %q4 = getelementptr inbounds i64, ptr %q0, i64 4
  store i64 %v4, ptr %q4, align 8
  %q5 = getelementptr inbounds i64, ptr %q0, i64 5
  store i64 %v5, ptr %q5, align 8
  %f0 = zext i1 %o0 to i64
  %f1 = zext i1 %o1 to i64
  %f2 = zext i1 %o2 to i64
  %f3 = zext i1 %o3 to i64
  %f4 = zext i1 %o4 to i64
  %f5 = zext i1 %o5 to i64
  %g1 = shl i64 %f1, 1
  %g2 = shl i64 %f2, 2
  %g3 = shl i64 %f3, 3
  %g4 = shl i64 %f4, 4
  %g5 = shl i64 %f5, 5
  %m01 = or i64 %f0, %g1
  %m23 = or i64 %g2, %g3
  %m45 = or i64 %g4, %g5
  %m03 = or i64 %m01, %m23
  %mask = or i64 %m03, %m45
  %pf = getelementptr inbounds i64, ptr %flags, i64 %i
  store i64 %mask, ptr %pf, align 8
  %any = icmp ne i64 %mask, 0
  %inc = zext i1 %any to i64
  %cnt.next = add i64 %cnt, %inc
  %next = add nuw i64 %i, 1
  %done = icmp eq i64 %next, %n
  br i1 %done, label %exit, label %loop

exit:
  %res = phi i64 [ 0, %entry ], [ %cnt.next, %loop ]
  ret i64 %res
}
