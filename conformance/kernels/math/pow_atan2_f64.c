//! about two-argument libm builtins: pow, atan2, hypot, fmod
//! fn two(a: *f64, b: *f64, out: *f64, n: u32)
//! arg n = 300
//! buf a: f64[n] in = uniform(0.1, 10)
//! buf b: f64[n] in = uniform(-4, 4) edges(3%)
//! buf out: f64[n*4] out
//! tolerance ulp 2

void two(const double *a, const double *b, double *out, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        out[4 * i + 0] = __builtin_pow(a[i], b[i]);
        out[4 * i + 1] = __builtin_atan2(b[i], a[i]);
        out[4 * i + 2] = __builtin_hypot(a[i], b[i]);
        out[4 * i + 3] = __builtin_fmod(b[i], a[i]);
    }
}
