;! about all interesting fcmp predicates (ordered/unordered, with NaN edges) packed into a bit mask per element
;! fn fcmps(a: *f64, b: *f64, out: *i64, n: i64) -> i64
;! arg n = 400
;! buf a: f64[n] in = uniform(-2, 2) edges
;! buf b: f64[n] in = list(0.0, -0.0, 1.0, nan, inf, -1.0, 0.5) edges(20%)
;! buf out: i64[n] out

define i64 @fcmps(ptr noalias %a, ptr noalias %b, ptr noalias %out, i64 %n) {
entry:
  %empty = icmp eq i64 %n, 0
  br i1 %empty, label %exit, label %loop

loop:
  %i = phi i64 [ 0, %entry ], [ %next, %loop ]
  %acc = phi i64 [ 0, %entry ], [ %acc.next, %loop ]
  %pa = getelementptr inbounds double, ptr %a, i64 %i
  %pb = getelementptr inbounds double, ptr %b, i64 %i
  %x = load double, ptr %pa, align 8
  %y = load double, ptr %pb, align 8
  %c0 = fcmp oeq double %x, %y
  %c1 = fcmp one double %x, %y
  %c2 = fcmp olt double %x, %y
  %c3 = fcmp ole double %x, %y
  %c4 = fcmp ueq double %x, %y
  %c5 = fcmp une double %x, %y
  %c6 = fcmp ugt double %x, %y
  %c7 = fcmp uno double %x, %y
  %c8 = fcmp ord double %x, %y
  %e0 = zext i1 %c0 to i64
  %e1 = zext i1 %c1 to i64
  %e2 = zext i1 %c2 to i64
  %e3 = zext i1 %c3 to i64
  %e4 = zext i1 %c4 to i64
  %e5 = zext i1 %c5 to i64
  %e6 = zext i1 %c6 to i64
  %e7 = zext i1 %c7 to i64
  %e8 = zext i1 %c8 to i64
  %s1 = shl i64 %e1, 1
  %s2 = shl i64 %e2, 2
  %s3 = shl i64 %e3, 3
  %s4 = shl i64 %e4, 4
  %s5 = shl i64 %e5, 5
  %s6 = shl i64 %e6, 6
  %s7 = shl i64 %e7, 7
  %s8 = shl i64 %e8, 8
  %m1 = or i64 %e0, %s1
  %m2 = or i64 %m1, %s2
  %m3 = or i64 %m2, %s3
  %m4 = or i64 %m3, %s4
  %m5 = or i64 %m4, %s5
  %m6 = or i64 %m5, %s6
  %m7 = or i64 %m6, %s7
  %m8 = or i64 %m7, %s8
  %po = getelementptr inbounds i64, ptr %out, i64 %i
  store i64 %m8, ptr %po, align 8
  %acc.next = add i64 %acc, %m8
  %next = add nuw i64 %i, 1
  %done = icmp eq i64 %next, %n
  br i1 %done, label %exit, label %loop

exit:
  %r = phi i64 [ 0, %entry ], [ %acc.next, %loop ]
  ret i64 %r
}
