//! about 256-bin histogram of bytes
//! fn hist(x: *u8, n: u32, h: *u32)
//! arg n = 10000
//! buf x: u8[n] in = bits
//! buf h: u32[256] inout = zero

void hist(const unsigned char *x, unsigned n, unsigned *h) {
    for (unsigned i = 0; i < n; i++)
        h[x[i]]++;
}
