;! about several external IR functions calling each other (noinline), two of them entry points
;! fn gcd(a: u64, b: u64) -> u64
;! fn lcm_sum(x: *u64, n: i64) -> u64
;! arg a = 1071
;! arg b = 462
;! arg n = 40
;! buf x: u64[n] in = uniform(1, 5000)

define i64 @gcd(i64 %a, i64 %b) noinline {
entry:
  %bz = icmp eq i64 %b, 0
  br i1 %bz, label %done, label %loop
loop:
  %x = phi i64 [ %a, %entry ], [ %y, %loop ]
  %y = phi i64 [ %b, %entry ], [ %r, %loop ]
  %r = urem i64 %x, %y
  %rz = icmp eq i64 %r, 0
  br i1 %rz, label %done, label %loop
done:
  %g = phi i64 [ %a, %entry ], [ %y, %loop ]
  ret i64 %g
}

define i64 @lcm(i64 %a, i64 %b) noinline {
  %g = call i64 @gcd(i64 %a, i64 %b)
  %q = udiv i64 %a, %g
  %l = mul i64 %q, %b
  ret i64 %l
}

define i64 @lcm_sum(ptr %x, i64 %n) {
entry:
  %small = icmp ult i64 %n, 2
  br i1 %small, label %exit, label %loop
loop:
  %i = phi i64 [ 1, %entry ], [ %next, %loop ]
  %acc = phi i64 [ 0, %entry ], [ %acc.next, %loop ]
  %im1 = sub i64 %i, 1
  %p0 = getelementptr inbounds i64, ptr %x, i64 %im1
  %p1 = getelementptr inbounds i64, ptr %x, i64 %i
  %a = load i64, ptr %p0, align 8
  %b = load i64, ptr %p1, align 8
  %l = call i64 @lcm(i64 %a, i64 %b)
  %acc.next = add i64 %acc, %l
  %next = add nuw i64 %i, 1
  %done = icmp eq i64 %next, %n
  br i1 %done, label %exit, label %loop
exit:
  %r = phi i64 [ 0, %entry ], [ %acc.next, %loop ]
  ret i64 %r
}
