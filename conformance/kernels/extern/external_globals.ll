;! about external globals declared in IR (`@g_bias = external global`), one read-only scalar and one written array
;! fn bias(x: *f64, n: i64) -> f64
;! arg n = 16
;! buf x: f64[n] in = uniform(-1, 1)
;! extern g_bias: f64 = -0.75
;! extern g_out: f64[16] inout = zero

@g_bias = external global double, align 8
@g_out = external global [16 x double], align 8

define double @bias(ptr %x, i64 %n) {
entry:
  %b = load double, ptr @g_bias, align 8
  %empty = icmp eq i64 %n, 0
  br i1 %empty, label %exit, label %loop

loop:
  %i = phi i64 [ 0, %entry ], [ %next, %loop ]
  %s = phi double [ 0.0, %entry ], [ %s2, %loop ]
  %px = getelementptr inbounds double, ptr %x, i64 %i
  %v = load double, ptr %px, align 8
  %vb = fadd double %v, %b
  %slot = and i64 %i, 15
  %po = getelementptr inbounds [16 x double], ptr @g_out, i64 0, i64 %slot
  store double %vb, ptr %po, align 8
  %s2 = fadd double %s, %vb
  %next = add nuw i64 %i, 1
  %done = icmp eq i64 %next, %n
  br i1 %done, label %exit, label %loop

exit:
  %r = phi double [ 0.0, %entry ], [ %s2, %loop ]
  ret double %r
}
