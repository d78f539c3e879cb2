//! about GCC vector extension `vector_size(16)` f32x4 arithmetic; loads through memcpy (no alignment assumptions)
//! fn v4(a: *f32, b: *f32, c: *f32, n: u32)
//! arg n = 64
//! buf a: f32[n*4] in = uniform(-10, 10)
//! buf b: f32[n*4] in = uniform(-10, 10)
//! buf c: f32[n*4] out
//! flags -ffp-contract=off

typedef float f32x4 __attribute__((vector_size(16)));

void v4(const float *a, const float *b, float *c, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        f32x4 x, y;
        __builtin_memcpy(&x, a + 4 * i, 16);
        __builtin_memcpy(&y, b + 4 * i, 16);
        f32x4 r = x * y + (x - y) / (f32x4){2.0f, 4.0f, 8.0f, 16.0f};
        __builtin_memcpy(c + 4 * i, &r, 16);
    }
}
