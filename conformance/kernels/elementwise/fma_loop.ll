;! about llvm.fma.f64 and llvm.fma.f32 per element (a single rounding; a libm `fma` call on CPUs without FMA)
;! fn vfma(a: *f64, b: *f64, c: *f64, d: *f64, fa: *f32, fd: *f32, n: i64)
;! arg n = 256
;! buf a: f64[n] in = uniform(-100, 100) edges(5%)
;! buf b: f64[n] in = uniform(-100, 100)
;! buf c: f64[n] in = uniform(-1e4, 1e4)
;! buf d: f64[n] out
;! buf fa: f32[n] in = uniform(-10, 10) edges(5%)
;! buf fd: f32[n] out
;! tolerance ulp 0

declare double @llvm.fma.f64(double, double, double)
declare float @llvm.fma.f32(float, float, float)

define void @vfma(ptr noalias %a, ptr noalias %b, ptr noalias %c, ptr noalias %d,
                  ptr noalias %fa, ptr noalias %fd, i64 %n) {
entry:
  %empty = icmp eq i64 %n, 0
  br i1 %empty, label %exit, label %loop

loop:
  %i = phi i64 [ 0, %entry ], [ %next, %loop ]
  %pa = getelementptr inbounds double, ptr %a, i64 %i
  %pb = getelementptr inbounds double, ptr %b, i64 %i
  %pc = getelementptr inbounds double, ptr %c, i64 %i
  %va = load double, ptr %pa, align 8
  %vb = load double, ptr %pb, align 8
  %vc = load double, ptr %pc, align 8
  %r = call double @llvm.fma.f64(double %va, double %vb, double %vc)
  %pd = getelementptr inbounds double, ptr %d, i64 %i
  store double %r, ptr %pd, align 8
  %pfa = getelementptr inbounds float, ptr %fa, i64 %i
  %vf = load float, ptr %pfa, align 4
  %rf = call float @llvm.fma.f32(float %vf, float %vf, float 0x3FF8000000000000)
  %pfd = getelementptr inbounds float, ptr %fd, i64 %i
  store float %rf, ptr %pfd, align 4
  %next = add nuw i64 %i, 1
  %done = icmp eq i64 %next, %n
  br i1 %done, label %exit, label %loop

exit:
  ret void
}
