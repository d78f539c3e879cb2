//! about f32 -> f64 widening and f64 -> f32 narrowing (rounding, overflow to inf, NaN)
//! fn conv(a: *f32, b: *f64, wa: *f64, nb: *f32, n: u32)
//! arg n = 300
//! buf a: f32[n] in = bits edges
//! buf b: f64[n] in = uniform(-1e40, 1e40) edges
//! buf wa: f64[n] out
//! buf nb: f32[n] out
//! tolerance ulp 0

void conv(const float *a, const double *b, double *wa, float *nb, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        wa[i] = (double)a[i];
        nb[i] = (float)b[i];
    }
}
