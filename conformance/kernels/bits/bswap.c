//! about byte swaps of 16, 32 and 64-bit values
//! fn bswaps(a: *u16, b: *u32, c: *u64, n: u32)
//! arg n = 333
//! buf a: u16[n] inout = bits edges
//! buf b: u32[n] inout = bits edges
//! buf c: u64[n] inout = bits edges

void bswaps(unsigned short *a, unsigned *b, unsigned long long *c, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        a[i] = __builtin_bswap16(a[i]);
        b[i] = __builtin_bswap32(b[i]);
        c[i] = __builtin_bswap64(c[i]);
    }
}
