//! about __builtin_bitreverse32 and __builtin_bitreverse8
//! fn brev(x: *u32, y: *u32, b: *u8, n: u32)
//! arg n = 256
//! buf x: u32[n] in = bits edges
//! buf y: u32[n] out
//! buf b: u8[n] inout = iota

void brev(const unsigned *x, unsigned *y, unsigned char *b, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        y[i] = __builtin_bitreverse32(x[i]);
        b[i] = __builtin_bitreverse8(b[i]);
    }
}
