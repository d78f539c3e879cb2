;! about an internal constant table of function pointers and indirect calls in IR
;! fn dispatch(op: *i64, x: *i64, out: *i64, n: i64)
;! arg n = 300
;! buf op: i64[n] in = uniform(0, 3)
;! buf x: i64[n] in = bits edges
;! buf out: i64[n] out

define internal i64 @f0(i64 %v) {
  %r = mul i64 %v, 3
  ret i64 %r
}
define internal i64 @f1(i64 %v) {
  %r = xor i64 %v, -1
  ret i64 %r
}
define internal i64 @f2(i64 %v) {
  %r = lshr i64 %v, 17
  ret i64 %r
}
define internal i64 @f3(i64 %v) {
  %r = add i64 %v, 12345
  ret i64 %r
}

@fns = internal constant [4 x ptr] [ptr @f0, ptr @f1, ptr @f2, ptr @f3], align 8

define void @dispatch(ptr noalias %op, ptr noalias %x, ptr noalias %out, i64 %n) {
entry:
  %empty = icmp eq i64 %n, 0
  br i1 %empty, label %exit, label %loop

loop:
  %i = phi i64 [ 0, %entry ], [ %next, %loop ]
  %pop = getelementptr inbounds i64, ptr %op, i64 %i
  %o = load i64, ptr %pop, align 8
  %om = and i64 %o, 3
  %pf = getelementptr inbounds [4 x ptr], ptr @fns, i64 0, i64 %om
  %f = load ptr, ptr %pf, align 8
  %px = getelementptr inbounds i64, ptr %x, i64 %i
  %v = load i64, ptr %px, align 8
  %r = call i64 %f(i64 %v)
  %po = getelementptr inbounds i64, ptr %out, i64 %i
  store i64 %r, ptr %po, align 8
  %next = add nuw i64 %i, 1
  %done = icmp eq i64 %next, %n
  br i1 %done, label %exit, label %loop

exit:
  ret void
}
