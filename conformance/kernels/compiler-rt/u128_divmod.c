//! about unsigned __int128 division and remainder (`__udivti3`; LLVM derives the remainder from the quotient), divisor forced non-zero
//! fn udiv128(a: *u64, b: *u64, out: *u64, n: u32)
//! arg n = 200
//! buf a: u64[n*2] in = bits edges
//! buf b: u64[n*2] in = bits edges
//! buf out: u64[n*4] out

typedef unsigned __int128 u128;
typedef unsigned long long u64;

void udiv128(const u64 *a, const u64 *b, u64 *out, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        u128 x = ((u128)a[2 * i + 1] << 64) | a[2 * i];
        /* vary the divisor width: full 128-bit, 64-bit, small */
        u128 y = ((u128)b[2 * i + 1] << 64) | b[2 * i];
        if (i % 3 == 1) y = b[2 * i];
        if (i % 3 == 2) y = b[2 * i] & 0xffff;
        if (y == 0) y = 7;
        u128 q = x / y, r = x % y;
        out[4 * i + 0] = (u64)q;
        out[4 * i + 1] = (u64)(q >> 64);
        out[4 * i + 2] = (u64)r;
        out[4 * i + 3] = (u64)(r >> 64);
    }
}
