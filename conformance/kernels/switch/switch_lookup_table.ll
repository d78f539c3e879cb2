;! about a switch whose cases only select constants: SimplifyCFG turns it into a lookup table global
;! fn days(m: *i64, out: *i64, n: i64)
;! arg n = 200
;! buf m: i64[n] in = uniform(0, 13)
;! buf out: i64[n] out

define internal i64 @days_in(i64 %m) noinline {
entry:
  switch i64 %m, label %bad [
    i64 1, label %d31
    i64 2, label %d28
    i64 3, label %d31
    i64 4, label %d30
    i64 5, label %d31
    i64 6, label %d30
    i64 7, label %d31
    i64 8, label %d31
    i64 9, label %d30
    i64 10, label %d31
    i64 11, label %d30
    i64 12, label %d31
  ]
d31:
  br label %ret
d30:
  br label %ret
d28:
  br label %ret
bad:
  br label %ret
ret:
  %r = phi i64 [ 31, %d31 ], [ 30, %d30 ], [ 28, %d28 ], [ 0, %bad ]
  ret i64 %r
}

define void @days(ptr noalias %m, ptr noalias %out, i64 %n) {
entry:
  %empty = icmp eq i64 %n, 0
  br i1 %empty, label %exit, label %loop

loop:
  %i = phi i64 [ 0, %entry ], [ %next, %loop ]
  %pm = getelementptr inbounds i64, ptr %m, i64 %i
  %v = load i64, ptr %pm, align 8
  %d = call i64 @days_in(i64 %v)
  %po = getelementptr inbounds i64, ptr %out, i64 %i
  store i64 %d, ptr %po, align 8
  %next = add nuw i64 %i, 1
  %done = icmp eq i64 %next, %n
  br i1 %done, label %exit, label %loop

exit:
  ret void
}
