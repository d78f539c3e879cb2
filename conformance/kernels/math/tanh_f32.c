//! about float libm builtins: tanhf, expf, logf (f32 entry points of libm)
//! fn ft(x: *f32, out: *f32, n: u32)
//! arg n = 300
//! buf x: f32[n] in = uniform(0.01, 8) edges(2%)
//! buf out: f32[n*3] out
//! tolerance ulp 2

void ft(const float *x, float *out, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        out[3 * i + 0] = __builtin_tanhf(x[i]);
        out[3 * i + 1] = __builtin_expf(-x[i]);
        out[3 * i + 2] = __builtin_logf(x[i]);
    }
}
