//! about count leading/trailing zeros with the x == 0 case handled (the builtins are undefined for 0)
//! fn zeros(x: *u32, lz: *u8, tz: *u8, n: u32)
//! arg n = 600
//! buf x: u32[n] in = bits edges
//! buf lz: u8[n] out
//! buf tz: u8[n] out

void zeros(const unsigned *x, unsigned char *lz, unsigned char *tz, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        unsigned v = x[i];
        lz[i] = (unsigned char)(v ? __builtin_clz(v) : 32);
        tz[i] = (unsigned char)(v ? __builtin_ctz(v) : 32);
    }
}
