//! about fmin/fmax (NaN-ignoring) and copysign on f32
//! fn mm(a: *f32, b: *f32, out: *f32, n: u32)
//! arg n = 400
//! buf a: f32[n] in = uniform(-5, 5) edges
//! buf b: f32[n] in = uniform(-5, 5) edges
//! buf out: f32[n*3] out
//! tolerance ulp 0

void mm(const float *a, const float *b, float *out, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        out[3 * i + 0] = __builtin_fminf(a[i], b[i]);
        out[3 * i + 1] = __builtin_fmaxf(a[i], b[i]);
        out[3 * i + 2] = __builtin_copysignf(a[i], b[i]);
    }
}
