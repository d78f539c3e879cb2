//! about __builtin_sin / __builtin_cos: libm calls `sin` and `cos` (or `sincos`) resolved at load time
//! fn sincos_k(x: *f64, s: *f64, c: *f64, n: u32)
//! arg n = 512
//! buf x: f64[n] in = uniform(-10, 10) edges(2%)
//! buf s: f64[n] out
//! buf c: f64[n] out
//! tolerance ulp 2

void sincos_k(const double *x, double *s, double *c, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        s[i] = __builtin_sin(x[i]);
        c[i] = __builtin_cos(x[i]);
    }
}
