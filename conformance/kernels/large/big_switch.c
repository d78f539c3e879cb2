//! about a 256-case switch with distinct bodies (a large jump table and a long function)
//! fn bigsw(x: *u8, out: *u32, n: u32) -> u32
//! arg n = 2000
//! buf x: u8[n] in = bits
//! buf out: u32[n] out

#define C(k) case k: v = (v * (k * 2u + 1u)) ^ ((k) * 0x01010101u) ^ (v >> ((k) % 13u + 1u)); break;
#define C8(k) C(k) C(k + 1) C(k + 2) C(k + 3) C(k + 4) C(k + 5) C(k + 6) C(k + 7)
#define C64(k) C8(k) C8(k + 8) C8(k + 16) C8(k + 24) C8(k + 32) C8(k + 40) C8(k + 48) C8(k + 56)

unsigned bigsw(const unsigned char *x, unsigned *out, unsigned n) {
    unsigned v = 0x811c9dc5u;
    for (unsigned i = 0; i < n; i++) {
        switch (x[i]) {
            C64(0) C64(64) C64(128) C64(192)
        }
        out[i] = v;
    }
    return v;
}
