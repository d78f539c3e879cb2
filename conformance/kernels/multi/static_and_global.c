//! about a mix of static helpers (local calls) and global helpers (symbol calls) and a global const table used by both
//! fn poly_eval(x: *i64, y: *i64, n: u32)
//! arg n = 256
//! buf x: i64[n] in = uniform(-1000, 1000)
//! buf y: i64[n] out

const long long coeffs[5] = {3, -7, 11, -13, 17};

__attribute__((noinline)) static long long horner_s(long long v) {
    long long acc = 0;
    for (int k = 4; k >= 0; k--) acc = acc * v + coeffs[k];
    return acc;
}
__attribute__((noinline)) long long deriv_g(long long v) {
    long long acc = 0;
    for (int k = 4; k >= 1; k--) acc = acc * v + k * coeffs[k];
    return acc;
}

void poly_eval(const long long *x, long long *y, unsigned n) {
    for (unsigned i = 0; i < n; i++)
        y[i] = horner_s(x[i]) - deriv_g(x[i]);
}
