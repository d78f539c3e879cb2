//! about less common libm builtins: cbrt, erf, tgamma, log1p, expm1
//! fn rare(x: *f64, out: *f64, n: u32)
//! arg n = 200
//! buf x: f64[n] in = uniform(0.1, 5)
//! buf out: f64[n*5] out
//! tolerance ulp 4

void rare(const double *x, double *out, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        out[5 * i + 0] = __builtin_cbrt(x[i]);
        out[5 * i + 1] = __builtin_erf(x[i]);
        out[5 * i + 2] = __builtin_tgamma(x[i]);
        out[5 * i + 3] = __builtin_log1p(x[i]);
        out[5 * i + 4] = __builtin_expm1(-x[i]);
    }
}
