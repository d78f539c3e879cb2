//! about valid 1-D convolution with a 9-tap filter
//! fn conv1d(x: *f32, w: *f32, y: *f32, n: u32)
//! arg n = 500
//! buf x: f32[n+8] in = uniform(-1, 1)
//! buf w: f32[9] in = list(0.25, -0.5, 1, 0.125, 2, 0.125, 1, -0.5, 0.25)
//! buf y: f32[n] out
//! flags -ffp-contract=off

void conv1d(const float *x, const float *w, float *y, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        float s = 0.0f;
        for (unsigned t = 0; t < 9; t++)
            s += x[i + t] * w[t];
        y[i] = s;
    }
}
