;! about y = A x for an m x n f64 matrix, nested phi loops written by hand
;! fn matvec(a: *f64, x: *f64, y: *f64, m: i64, n: i64)
;! arg m = 19
;! arg n = 23
;! buf a: f64[m*n] in = uniform(-4, 4)
;! buf x: f64[n] in = uniform(-4, 4)
;! buf y: f64[m] out

define void @matvec(ptr noalias %a, ptr noalias %x, ptr noalias %y, i64 %m, i64 %n) {
entry:
  %mz = icmp eq i64 %m, 0
  br i1 %mz, label %exit, label %outer

outer:
  %i = phi i64 [ 0, %entry ], [ %i.next, %outer.end ]
  %row = mul i64 %i, %n
  %nz = icmp eq i64 %n, 0
  br i1 %nz, label %outer.end, label %inner

inner:
  %j = phi i64 [ 0, %outer ], [ %j.next, %inner ]
  %s = phi double [ 0.0, %outer ], [ %s.next, %inner ]
  %idx = add i64 %row, %j
  %pa = getelementptr inbounds double, ptr %a, i64 %idx
  %va = load double, ptr %pa, align 8
  %px = getelementptr inbounds double, ptr %x, i64 %j
  %vx = load double, ptr %px, align 8
  %prod = fmul double %va, %vx
  %s.next = fadd double %s, %prod
  %j.next = add nuw i64 %j, 1
  %jdone = icmp eq i64 %j.next, %n
  br i1 %jdone, label %outer.end, label %inner

outer.end:
  %sum = phi double [ 0.0, %outer ], [ %s.next, %inner ]
  %py = getelementptr inbounds double, ptr %y, i64 %i
  store double %sum, ptr %py, align 8
  %i.next = add nuw i64 %i, 1
  %idone = icmp eq i64 %i.next, %m
  br i1 %idone, label %exit, label %outer

exit:
  ret void
}
