//! about __builtin_fma / __builtin_fmaf: single rounding (an instruction or a libm `fma` call)
//! fn vfma(a: *f64, b: *f64, c: *f64, d: *f64, n: u32)
//! arg n = 400
//! buf a: f64[n] in = uniform(-1e3, 1e3) edges(3%)
//! buf b: f64[n] in = uniform(-1e3, 1e3)
//! buf c: f64[n] in = uniform(-1e6, 1e6)
//! buf d: f64[n] out
//! tolerance ulp 0

void vfma(const double *a, const double *b, const double *c, double *d, unsigned n) {
    for (unsigned i = 0; i < n; i++)
        d[i] = __builtin_fma(a[i], b[i], c[i]);
}
