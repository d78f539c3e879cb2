//! about branch-free select through masks on i64
//! fn selmask(a: *i64, b: *i64, c: *i64, out: *i64, n: u32)
//! arg n = 333
//! buf a: i64[n] in = bits edges
//! buf b: i64[n] in = bits
//! buf c: i64[n] in = uniform(-5, 5)
//! buf out: i64[n] out

typedef long long i64;
typedef unsigned long long u64;
void selmask(const i64 *a, const i64 *b, const i64 *c, i64 *out, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        u64 m = (u64)0 - (u64)(c[i] > 0);
        out[i] = (i64)(((u64)a[i] & m) | ((u64)b[i] & ~m));
    }
}
