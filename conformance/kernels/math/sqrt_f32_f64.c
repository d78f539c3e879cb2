//! about __builtin_sqrt/sqrtf: correctly rounded everywhere (an instruction, not a libm call, with -fno-math-errno)
//! fn vsqrt(x: *f64, y: *f64, xf: *f32, yf: *f32, n: u32)
//! arg n = 500
//! buf x: f64[n] in = uniform(0, 1e6) edges
//! buf y: f64[n] out
//! buf xf: f32[n] in = uniform(0, 1e3) edges
//! buf yf: f32[n] out
//! tolerance ulp 0

void vsqrt(const double *x, double *y, const float *xf, float *yf, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        y[i] = __builtin_sqrt(x[i]);
        yf[i] = __builtin_sqrtf(xf[i]);
    }
}
