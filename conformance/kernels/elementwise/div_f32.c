//! about f32 division and reciprocal with edges (inf, NaN, division by zero)
//! fn fdiv(a: *f32, b: *f32, q: *f32, r: *f32, n: u32)
//! arg n = 500
//! buf a: f32[n] in = uniform(-10, 10) edges
//! buf b: f32[n] in = uniform(-3, 3) edges
//! buf q: f32[n] out
//! buf r: f32[n] out
//! tolerance ulp 0

void fdiv(const float *a, const float *b, float *q, float *r, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        q[i] = a[i] / b[i];
        r[i] = 1.0f / b[i];
    }
}
