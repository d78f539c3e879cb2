;! about llvm.ctpop, llvm.ctlz (zero is defined: poison flag false), llvm.cttz, llvm.fshl, llvm.bitreverse on i64
;! fn bitops(x: *u64, y: *u64, out: *u64, n: i64)
;! arg n = 256
;! buf x: u64[n] in = bits edges
;! buf y: u64[n] in = bits
;! buf out: u64[n*5] out

declare i64 @llvm.ctpop.i64(i64)
declare i64 @llvm.ctlz.i64(i64, i1)
declare i64 @llvm.cttz.i64(i64, i1)
declare i64 @llvm.fshl.i64(i64, i64, i64)
declare i64 @llvm.bitreverse.i64(i64)

define void @bitops(ptr noalias %x, ptr noalias %y, ptr noalias %out, i64 %n) {
entry:
  %empty = icmp eq i64 %n, 0
  br i1 %empty, label %exit, label %loop

loop:
  %i = phi i64 [ 0, %entry ], [ %next, %loop ]
  %px = getelementptr inbounds i64, ptr %x, i64 %i
  %py = getelementptr inbounds i64, ptr %y, i64 %i
  %v = load i64, ptr %px, align 8
  %w = load i64, ptr %py, align 8
  %c0 = call i64 @llvm.ctpop.i64(i64 %v)
  %c1 = call i64 @llvm.ctlz.i64(i64 %v, i1 false)
  %c2 = call i64 @llvm.cttz.i64(i64 %v, i1 false)
  %c3 = call i64 @llvm.fshl.i64(i64 %v, i64 %w, i64 %w)
  %c4 = call i64 @llvm.bitreverse.i64(i64 %v)
  %base = mul i64 %i, 5
  %q0 = getelementptr inbounds i64, ptr %out, i64 %base
  store i64 %c0, ptr %q0, align 8
  %q1 = getelementptr inbounds i64, ptr %q0, i64 1
  store i64 %c1, ptr %q1, align 8
  %q2 = getelementptr inbounds i64, ptr %q0, i64 2
  store i64 %c2, ptr %q2, align 8
  %q3 = getelementptr inbounds i64, ptr %q0, i64 3
  store i64 %c3, ptr %q3, align 8
  %q4 = getelementptr inbounds i64, ptr %q0, i64 4
  store i64 %c4, ptr %q4, align 8
  %next = add nuw i64 %i, 1
  %done = icmp eq i64 %next, %n
  br i1 %done, label %exit, label %loop

exit:
  ret void
}
