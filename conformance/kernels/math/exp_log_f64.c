//! about __builtin_exp / __builtin_log / __builtin_log2 / __builtin_exp2
//! fn explog(x: *f64, out: *f64, n: u32)
//! arg n = 400
//! buf x: f64[n] in = uniform(0.001, 50) edges(2%)
//! buf out: f64[n*4] out
//! tolerance ulp 2

void explog(const double *x, double *out, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        out[4 * i + 0] = __builtin_exp(x[i]);
        out[4 * i + 1] = __builtin_log(x[i]);
        out[4 * i + 2] = __builtin_log2(x[i]);
        out[4 * i + 3] = __builtin_exp2(-x[i]);
    }
}
