;! about an internal constant [16 x double] global indexed by GEP (constant-pool style .rodata access from IR)
;! fn lut(idx: *i64, out: *f64, n: i64)
;! arg n = 300
;! buf idx: i64[n] in = uniform(0, 15)
;! buf out: f64[n] out

@coef = internal unnamed_addr constant [16 x double] [
  double 1.0, double 0.5, double 0.25, double 0.125,
  double -1.0, double -0.5, double -0.25, double -0.125,
  double 3.141592653589793, double 2.718281828459045, double 1.4142135623730951, double 0.0,
  double -0.0, double 1.0e300, double 4.9406564584124654e-324, double 0x7FF8000000000000
], align 16

define void @lut(ptr noalias %idx, ptr noalias %out, i64 %n) {
entry:
  %empty = icmp eq i64 %n, 0
  br i1 %empty, label %exit, label %loop

loop:
  %i = phi i64 [ 0, %entry ], [ %next, %loop ]
  %pi = getelementptr inbounds i64, ptr %idx, i64 %i
  %k = load i64, ptr %pi, align 8
  %km = and i64 %k, 15
  %pc = getelementptr inbounds [16 x double], ptr @coef, i64 0, i64 %km
  %c = load double, ptr %pc, align 8
  %po = getelementptr inbounds double, ptr %out, i64 %i
  store double %c, ptr %po, align 8
  %next = add nuw i64 %i, 1
  %done = icmp eq i64 %next, %n
  br i1 %done, label %exit, label %loop

exit:
  ret void
}
