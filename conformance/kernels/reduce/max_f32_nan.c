//! about maximum with explicit NaN policy (NaN is skipped), fmax builtin and ternary
//! fn maxf(x: *f32, n: u32, out: *f32)
//! arg n = 999
//! buf x: f32[n] in = uniform(-50, 50) edges
//! buf out: f32[2] out

void maxf(const float *x, unsigned n, float *out) {
    float m = -__builtin_inff();
    float b = -__builtin_inff();
    for (unsigned i = 0; i < n; i++) {
        float v = x[i];
        if (v > m) m = v;
        b = __builtin_fmaxf(b, v);
    }
    out[0] = m;
    out[1] = b;
}
