//! about signed __int128 division and modulo (`__divti3`, remainder derived from it): no division by zero, no INT128_MIN / -1
//! fn sdiv128(a: *i64, b: *i64, out: *i64, n: u32)
//! arg n = 200
//! buf a: i64[n*2] in = bits edges
//! buf b: i64[n*2] in = bits edges
//! buf out: i64[n*4] out

typedef __int128 i128;
typedef unsigned __int128 u128;
typedef long long i64;
typedef unsigned long long u64;

static i128 make(const i64 *p) { return (i128)(((u128)(u64)p[1] << 64) | (u64)p[0]); }

void sdiv128(const i64 *a, const i64 *b, i64 *out, unsigned n) {
    const i128 min = (i128)((u128)1 << 127);
    for (unsigned i = 0; i < n; i++) {
        i128 x = make(a + 2 * i);
        i128 y = (i % 2) ? (i128)b[2 * i] : make(b + 2 * i);
        if (y == 0) y = -3;
        if (x == min && y == -1) y = 5;
        i128 q = x / y, r = x % y;
        out[4 * i + 0] = (i64)(u64)(u128)q;
        out[4 * i + 1] = (i64)(u64)((u128)q >> 64);
        out[4 * i + 2] = (i64)(u64)(u128)r;
        out[4 * i + 3] = (i64)(u64)((u128)r >> 64);
    }
}
