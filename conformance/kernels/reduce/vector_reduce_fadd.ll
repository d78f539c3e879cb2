;! about ordered llvm.vector.reduce.fadd/fmul (no reassoc flag: strictly sequential) over <4 x double>
;! fn fred(x: *f64, n: i64, out: *f64)
;! arg n = 100
;! buf x: f64[n*4] in = uniform(0.5, 1.5)
;! buf out: f64[2] out

declare double @llvm.vector.reduce.fadd.v4f64(double, <4 x double>)
declare double @llvm.vector.reduce.fmul.v4f64(double, <4 x double>)

define void @fred(ptr %x, i64 %n, ptr %out) {
entry:
  %empty = icmp eq i64 %n, 0
  br i1 %empty, label %exit, label %loop

loop:
  %i = phi i64 [ 0, %entry ], [ %next, %loop ]
  %s = phi double [ 0.0, %entry ], [ %s2, %loop ]
  %m = phi double [ 1.0, %entry ], [ %m2, %loop ]
  %off = mul i64 %i, 4
  %p = getelementptr inbounds double, ptr %x, i64 %off
  %v = load <4 x double>, ptr %p, align 8
  %s2 = call double @llvm.vector.reduce.fadd.v4f64(double %s, <4 x double> %v)
  %m2 = call double @llvm.vector.reduce.fmul.v4f64(double %m, <4 x double> %v)
  %next = add nuw i64 %i, 1
  %done = icmp eq i64 %next, %n
  br i1 %done, label %exit, label %loop

exit:
  %sf = phi double [ 0.0, %entry ], [ %s2, %loop ]
  %mf = phi double [ 1.0, %entry ], [ %m2, %loop ]
  store double %sf, ptr %out, align 8
  %o1 = getelementptr inbounds double, ptr %out, i64 1
  store double %mf, ptr %o1, align 8
  ret void
}
