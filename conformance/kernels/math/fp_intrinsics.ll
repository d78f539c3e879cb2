;! about LLVM float intrinsics that are exact: llvm.sqrt, llvm.floor, llvm.ceil, llvm.trunc, llvm.copysign, llvm.fabs, llvm.minnum, llvm.maxnum
;! fn fpi(x: *f64, y: *f64, out: *f64, n: i64)
;! arg n = 300
;! buf x: f64[n] in = uniform(-1000, 1000) edges
;! buf y: f64[n] in = uniform(-1000, 1000) edges
;! buf out: f64[n*8] out
;! tolerance ulp 0

declare double @llvm.sqrt.f64(double)
declare double @llvm.floor.f64(double)
declare double @llvm.ceil.f64(double)
declare double @llvm.trunc.f64(double)
declare double @llvm.copysign.f64(double, double)
declare double @llvm.fabs.f64(double)
declare double @llvm.minnum.f64(double, double)
declare double @llvm.maxnum.f64(double, double)

define void @fpi(ptr noalias %x, ptr noalias %y, ptr noalias %out, i64 %n) {
entry:
  %empty = icmp eq i64 %n, 0
  br i1 %empty, label %exit, label %loop

loop:
  %i = phi i64 [ 0, %entry ], [ %next, %loop ]
  %px = getelementptr inbounds double, ptr %x, i64 %i
  %py = getelementptr inbounds double, ptr %y, i64 %i
  %a = load double, ptr %px, align 8
  %b = load double, ptr %py, align 8
  %aa = call double @llvm.fabs.f64(double %a)
  %r0 = call double @llvm.sqrt.f64(double %aa)
  %r1 = call double @llvm.floor.f64(double %a)
  %r2 = call double @llvm.ceil.f64(double %a)
  %r3 = call double @llvm.trunc.f64(double %a)
  %r4 = call double @llvm.copysign.f64(double %a, double %b)
  %r5 = call double @llvm.fabs.f64(double %b)
  %r6 = call double @llvm.minnum.f64(double %a, double %b)
  %r7 = call double @llvm.maxnum.f64(double %a, double %b)
  %base = shl i64 %i, 3
  %p0 = getelementptr inbounds double, ptr %out, i64 %base
  store double %r0, ptr %p0, align 8
  %p1 = getelementptr inbounds double, ptr %p0, i64 1
  store double %r1, ptr %p1, align 8
  %p2 = getelementptr inbounds double, ptr %p0, i64 2
  store double %r2, ptr %p2, align 8
  %p3 = getelementptr inbounds double, ptr %p0, i64 3
  store double %r3, ptr %p3, align 8
  %p4 = getelementptr inbounds double, ptr %p0, i64 4
  store double %r4, ptr %p4, align 8
  %p5 = getelementptr inbounds double, ptr %p0, i64 5
  store double %r5, ptr %p5, align 8
  %p6 = getelementptr inbounds double, ptr %p0, i64 6
  store double %r6, ptr %p6, align 8
  %p7 = getelementptr inbounds double, ptr %p0, i64 7
  store double %r7, ptr %p7, align 8
  %next = add nuw i64 %i, 1
  %done = icmp eq i64 %next, %n
  br i1 %done, label %exit, label %loop

exit:
  ret void
}
