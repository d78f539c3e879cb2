;! about integer udiv/urem/sdiv/srem on i64 and i32 lanes with guarded divisors (no division by zero, no INT_MIN / -1)
;! fn divrem(a: *i64, b: *i64, out: *i64, n: i64)
;! arg n = 300
;! buf a: i64[n] in = bits edges
;! buf b: i64[n] in = uniform(-1000, 1000) edges(10%)
;! buf out: i64[n*4] out

define void @divrem(ptr noalias %a, ptr noalias %b, ptr noalias %out, i64 %n) {
entry:
  %empty = icmp eq i64 %n, 0
  br i1 %empty, label %exit, label %loop

loop:
  %i = phi i64 [ 0, %entry ], [ %next, %loop ]
  %pa = getelementptr inbounds i64, ptr %a, i64 %i
  %pb = getelementptr inbounds i64, ptr %b, i64 %i
  %x = load i64, ptr %pa, align 8
  %y0 = load i64, ptr %pb, align 8
  %z = icmp eq i64 %y0, 0
  %m1 = icmp eq i64 %y0, -1
  %bad = or i1 %z, %m1
  %y = select i1 %bad, i64 7, i64 %y0
  %q = sdiv i64 %x, %y
  %r = srem i64 %x, %y
  %uq = udiv i64 %x, %y
  %x32 = trunc i64 %x to i32
  %y32 = trunc i64 %y to i32
  %y32z = icmp eq i32 %y32, 0
  %y32s = select i1 %y32z, i32 3, i32 %y32
  %ur32 = urem i32 %x32, %y32s
  %ur = zext i32 %ur32 to i64
  %base = shl i64 %i, 2
  %p0 = getelementptr inbounds i64, ptr %out, i64 %base
  store i64 %q, ptr %p0, align 8
  %p1 = getelementptr inbounds i64, ptr %p0, i64 1
  store i64 %r, ptr %p1, align 8
  %p2 = getelementptr inbounds i64, ptr %p0, i64 2
  store i64 %uq, ptr %p2, align 8
  %p3 = getelementptr inbounds i64, ptr %p0, i64 3
  store i64 %ur, ptr %p3, align 8
  %next = add nuw i64 %i, 1
  %done = icmp eq i64 %next, %n
  br i1 %done, label %exit, label %loop

exit:
  ret void
}
