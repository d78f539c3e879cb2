//! about clamp to [lo, hi] with the C ternary semantics (NaN passes through)
//! fn clampf(x: *f32, y: *f32, n: u32, lo: f32, hi: f32)
//! arg n = 600
//! arg lo = -1.5
//! arg hi = 2.25
//! buf x: f32[n] in = uniform(-4, 4) edges
//! buf y: f32[n] out
//! tolerance ulp 0

void clampf(const float *x, float *y, unsigned n, float lo, float hi) {
    for (unsigned i = 0; i < n; i++) {
        float v = x[i];
        y[i] = v < lo ? lo : (v > hi ? hi : v);
    }
}
