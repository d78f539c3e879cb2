//! about floor, ceil, trunc, round (half away from zero), rint (current mode: nearest-even)
//! fn rnd(x: *f64, out: *f64, n: u32)
//! arg n = 300
//! buf x: f64[n] in = uniform(-1000, 1000) edges
//! buf out: f64[n*5] out
//! tolerance ulp 0

void rnd(const double *x, double *out, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        double v = x[i];
        out[5 * i + 0] = __builtin_floor(v);
        out[5 * i + 1] = __builtin_ceil(v);
        out[5 * i + 2] = __builtin_trunc(v);
        out[5 * i + 3] = __builtin_round(v);
        out[5 * i + 4] = __builtin_rint(v);
    }
}
