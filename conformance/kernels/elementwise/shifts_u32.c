//! about shifts with masked counts: logical, arithmetic (on non-negative and via unsigned)
//! fn shifts(a: *u32, s: *u8, shl: *u32, shr: *u32, sar: *i32, n: u32)
//! arg n = 256
//! buf a: u32[n] in = bits edges
//! buf s: u8[n] in = bits
//! buf shl: u32[n] out
//! buf shr: u32[n] out
//! buf sar: i32[n] out

typedef unsigned char u8;
typedef unsigned int u32;
void shifts(const u32 *a, const u8 *s, u32 *shl, u32 *shr, int *sar, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        unsigned k = s[i] & 31u;
        shl[i] = a[i] << k;
        shr[i] = a[i] >> k;
        /* arithmetic shift right without implementation-defined behaviour */
        u32 x = a[i];
        u32 sign = 0u - (x >> 31);
        sar[i] = (int)(((x ^ sign) >> k) ^ sign);
    }
}
