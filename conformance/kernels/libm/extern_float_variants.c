//! about the f32 libm entry points sinf, cosf, expf, atan2f declared extern
//! fn fl(x: *f32, out: *f32, n: u32)
//! arg n = 256
//! buf x: f32[n] in = uniform(-5, 5)
//! buf out: f32[n*4] out
//! tolerance ulp 2

extern float sinf(float);
extern float cosf(float);
extern float expf(float);
extern float atan2f(float, float);

void fl(const float *x, float *out, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        out[4 * i] = sinf(x[i]);
        out[4 * i + 1] = cosf(x[i]);
        out[4 * i + 2] = expf(x[i]);
        out[4 * i + 3] = atan2f(x[i], 1.5f);
    }
}
