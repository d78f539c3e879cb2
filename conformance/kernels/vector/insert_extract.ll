;! about insertelement / extractelement with variable indices, vector select and <2 x double> arithmetic
;! fn ie(x: *f64, idx: *i64, out: *f64, n: i64) -> f64
;! arg n = 100
;! buf x: f64[n*2] in = uniform(-5, 5)
;! buf idx: i64[n] in = uniform(0, 1)
;! buf out: f64[n*2] out

define double @ie(ptr noalias %x, ptr noalias %idx, ptr noalias %out, i64 %n) {
entry:
  %empty = icmp eq i64 %n, 0
  br i1 %empty, label %exit, label %loop

loop:
  %i = phi i64 [ 0, %entry ], [ %next, %loop ]
  %acc = phi <2 x double> [ zeroinitializer, %entry ], [ %acc.next, %loop ]
  %o2 = shl i64 %i, 1
  %px = getelementptr inbounds double, ptr %x, i64 %o2
  %v = load <2 x double>, ptr %px, align 8
  %pi = getelementptr inbounds i64, ptr %idx, i64 %i
  %k = load i64, ptr %pi, align 8
  %km = and i64 %k, 1
  %e = extractelement <2 x double> %v, i64 %km
  %e2 = fmul double %e, 3.0
  %ins = insertelement <2 x double> %v, double %e2, i64 %km
  %cmp = fcmp olt <2 x double> %ins, zeroinitializer
  %abs = fneg <2 x double> %ins
  %sel = select <2 x i1> %cmp, <2 x double> %abs, <2 x double> %ins
  %po = getelementptr inbounds double, ptr %out, i64 %o2
  store <2 x double> %sel, ptr %po, align 8
  %acc.next = fadd <2 x double> %acc, %sel
  %next = add nuw i64 %i, 1
  %done = icmp eq i64 %next, %n
  br i1 %done, label %exit, label %loop

exit:
  %fin = phi <2 x double> [ zeroinitializer, %entry ], [ %acc.next, %loop ]
  %a0 = extractelement <2 x double> %fin, i64 0
  %a1 = extractelement <2 x double> %fin, i64 1
  %r = fadd double %a0, %a1
  ret double %r
}
