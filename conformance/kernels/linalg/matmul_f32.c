//! about C = A*B, row-major f32, naive i-k-j loop order (vectorised inner loop)
//! fn matmul(a: *f32, b: *f32, c: *f32, m: u32, k: u32, n: u32)
//! arg m = 33
//! arg k = 47
//! arg n = 29
//! buf a: f32[m*k] in = uniform(-1, 1)
//! buf b: f32[k*n] in = uniform(-1, 1)
//! buf c: f32[m*n] out
//! flags -ffp-contract=off

void matmul(const float *a, const float *b, float *c, unsigned m, unsigned k, unsigned n) {
    for (unsigned i = 0; i < m; i++) {
        for (unsigned j = 0; j < n; j++)
            c[i * n + j] = 0.0f;
        for (unsigned p = 0; p < k; p++) {
            float av = a[i * k + p];
            for (unsigned j = 0; j < n; j++)
                c[i * n + j] += av * b[p * n + j];
        }
    }
}
