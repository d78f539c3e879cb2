//! about fabs and negation (sign-bit operations, bit exact even for NaN)
//! fn absneg(x: *f64, a: *f64, m: *f64, n: u32)
//! arg n = 300
//! buf x: f64[n] in = bits edges
//! buf a: f64[n] out
//! buf m: f64[n] out

void absneg(const double *x, double *a, double *m, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        a[i] = __builtin_fabs(x[i]);
        m[i] = -x[i];
    }
}
