//! about integer matrix product modulo 2^32
//! fn matmulu(a: *u32, b: *u32, c: *u32, n: u32)
//! arg n = 24
//! buf a: u32[n*n] in = bits
//! buf b: u32[n*n] in = bits
//! buf c: u32[n*n] out

void matmulu(const unsigned *a, const unsigned *b, unsigned *c, unsigned n) {
    for (unsigned i = 0; i < n; i++)
        for (unsigned j = 0; j < n; j++) {
            unsigned s = 0;
            for (unsigned p = 0; p < n; p++)
                s += a[i * n + p] * b[p * n + j];
            c[i * n + j] = s;
        }
}
