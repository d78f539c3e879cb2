//! about ordered f32 dot product, no contraction
//! fn dotf(a: *f32, b: *f32, n: u32) -> f32
//! arg n = 2048
//! buf a: f32[n] in = uniform(-1, 1)
//! buf b: f32[n] in = uniform(-1, 1)
//! flags -ffp-contract=off

float dotf(const float *a, const float *b, unsigned n) {
    float s = 0.0f;
    for (unsigned i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}
