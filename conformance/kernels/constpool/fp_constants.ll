;! about floating-point constants written as hex bit patterns in IR (NaN payload, denormal, -0.0, huge values) materialised from constant pools
;! fn consts(x: *f64, out: *f64, fo: *f32, n: i64)
;! arg n = 100
;! buf x: f64[n] in = uniform(-1, 1)
;! buf out: f64[n*4] out
;! buf fo: f32[n*2] out

define void @consts(ptr noalias %x, ptr noalias %out, ptr noalias %fo, i64 %n) {
entry:
  %empty = icmp eq i64 %n, 0
  br i1 %empty, label %exit, label %loop

loop:
  %i = phi i64 [ 0, %entry ], [ %next, %loop ]
  %px = getelementptr inbounds double, ptr %x, i64 %i
  %v = load double, ptr %px, align 8
  %neg = fcmp olt double %v, 0.0
  %a = select i1 %neg, double 0x7FF8000000000ABC, double 0x000FFFFFFFFFFFFF
  %b = select i1 %neg, double 0x8000000000000000, double 0x7FEFFFFFFFFFFFFF
  %c = fmul double %v, 0x3FB999999999999A
  %d = fadd double %v, 0xC0934A4584F4C6E7
  %f1 = select i1 %neg, float 0x3810000000000000, float 0xC7EFFFFFE0000000
  %vf = fptrunc double %v to float
  %f2 = fmul float %vf, 0x3FD5555560000000
  %base = shl i64 %i, 2
  %p0 = getelementptr inbounds double, ptr %out, i64 %base
  store double %a, ptr %p0, align 8
  %p1 = getelementptr inbounds double, ptr %p0, i64 1
  store double %b, ptr %p1, align 8
  %p2 = getelementptr inbounds double, ptr %p0, i64 2
  store double %c, ptr %p2, align 8
  %p3 = getelementptr inbounds double, ptr %p0, i64 3
  store double %d, ptr %p3, align 8
  %fb = shl i64 %i, 1
  %q0 = getelementptr inbounds float, ptr %fo, i64 %fb
  store float %f1, ptr %q0, align 4
  %q1 = getelementptr inbounds float, ptr %q0, i64 1
  store float %f2, ptr %q1, align 4
  %next = add nuw i64 %i, 1
  %done = icmp eq i64 %next, %n
  br i1 %done, label %exit, label %loop

exit:
  ret void
}
