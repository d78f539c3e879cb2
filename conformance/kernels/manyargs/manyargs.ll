;! about 14 i64/f64 arguments in IR (integer and float args past the register files go on the stack)
;! fn many(a: i64, b: f64, c: i64, d: f64, e: i64, f: f64, g: i64, h: f64, \
;!         i: i64, j: f64, k: i64, l: f64, m: i64, o: f64) -> f64
;! arg a = 1
;! arg b = 0.5
;! arg c = -2
;! arg d = 0.25
;! arg e = 3
;! arg f = 0.125
;! arg g = -4
;! arg h = 2.0
;! arg i = 5
;! arg j = 4.0
;! arg k = -6
;! arg l = 8.0
;! arg m = 9007199254740993
;! arg o = uniform(-1, 1)

define double @many(i64 %a, double %b, i64 %c, double %d, i64 %e, double %f, i64 %g, double %h,
                    i64 %i, double %j, i64 %k, double %l, i64 %m, double %o) {
  %s1 = add i64 %a, %c
  %s2 = mul i64 %s1, %e
  %s3 = sub i64 %s2, %g
  %s4 = mul i64 %s3, %i
  %s5 = add i64 %s4, %k
  %s6 = xor i64 %s5, %m
  %fi = sitofp i64 %s6 to double
  %p1 = fmul double %b, %d
  %p2 = fmul double %f, %h
  %p3 = fmul double %j, %l
  %q1 = fadd double %p1, %p2
  %q2 = fadd double %q1, %p3
  %q3 = fsub double %q2, %o
  %r = fadd double %fi, %q3
  ret double %r
}
