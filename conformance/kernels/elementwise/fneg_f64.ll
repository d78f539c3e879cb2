;! about fneg over f64: a pure sign-bit flip, bit exact even for NaN payloads
;! fn vneg(x: *f64, y: *f64, n: i64)
;! arg n = 300
;! buf x: f64[n] in = bits edges
;! buf y: f64[n] out

define void @vneg(ptr noalias %x, ptr noalias %y, i64 %n) {
entry:
  %empty = icmp eq i64 %n, 0
  br i1 %empty, label %exit, label %loop

loop:
  %i = phi i64 [ 0, %entry ], [ %next, %loop ]
  %px = getelementptr inbounds double, ptr %x, i64 %i
  %v = load double, ptr %px, align 8
  %neg = fneg double %v
  %py = getelementptr inbounds double, ptr %y, i64 %i
  store double %neg, ptr %py, align 8
  %next = add nuw i64 %i, 1
  %done = icmp eq i64 %next, %n
  br i1 %done, label %exit, label %loop

exit:
  ret void
}
