//! about zero-initialised large locals and __builtin_memset with a non-zero byte (`memset` calls)
//! fn zinit(x: *u8, n: u32, out: *u32) -> u32
//! arg n = 1000
//! buf x: u8[n] in = bits
//! buf out: u32[256] out

unsigned zinit(const unsigned char *x, unsigned n, unsigned *out) {
    unsigned counts[256] = {0};
    unsigned char marks[1024];
    __builtin_memset(marks, 0x5a, sizeof marks);
    for (unsigned i = 0; i < n; i++) {
        counts[x[i]]++;
        marks[(x[i] * 4u + i) & 1023u] ^= x[i];
    }
    unsigned h = 0;
    for (int i = 0; i < 1024; i++) h = h * 31u + marks[i];
    __builtin_memcpy(out, counts, sizeof counts);
    return h;
}
