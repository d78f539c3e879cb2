//! about __int128 <-> double conversions (`__floatuntidf`, `__floattidf`, `__fixdfti`, `__fixunsdfti`), in-range only
//! fn conv128(a: *u64, d: *f64, fo: *f64, io: *u64, n: u32)
//! arg n = 200
//! buf a: u64[n*2] in = bits edges
//! buf d: f64[n] in = uniform(-1e30, 1e30)
//! buf fo: f64[n*2] out
//! buf io: u64[n*4] out

typedef __int128 i128;
typedef unsigned __int128 u128;
typedef unsigned long long u64;

void conv128(const u64 *a, const double *d, double *fo, u64 *io, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        u128 u = ((u128)a[2 * i + 1] << 64) | a[2 * i];
        fo[2 * i] = (double)u;
        fo[2 * i + 1] = (double)(i128)u;
        i128 s = (i128)d[i]; /* |d| < 2^127: defined */
        u128 v = (u128)(d[i] < 0 ? -d[i] : d[i]);
        io[4 * i + 0] = (u64)(u128)s;
        io[4 * i + 1] = (u64)((u128)s >> 64);
        io[4 * i + 2] = (u64)v;
        io[4 * i + 3] = (u64)(v >> 64);
    }
}
