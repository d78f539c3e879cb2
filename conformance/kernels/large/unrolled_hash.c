//! about a macro-generated 4096-step mixing function (tens of KiB of straight-line code: long intra-function branches and big offsets)
//! fn bighash(x: *u64, n: u32) -> u64
//! arg n = 64
//! buf x: u64[n] in = bits

typedef unsigned long long u64;

#define STEP(i) h = (h ^ x[((i) * 7u + (h >> 60)) & 63u]) * 0x9E3779B97F4A7C15ull + (u64)(i); \
                h ^= h >> (((i) % 29) + 3);
#define S4(i) STEP(i) STEP((i) + 1) STEP((i) + 2) STEP((i) + 3)
#define S16(i) S4(i) S4((i) + 4) S4((i) + 8) S4((i) + 12)
#define S64(i) S16(i) S16((i) + 16) S16((i) + 32) S16((i) + 48)
#define S256(i) S64(i) S64((i) + 64) S64((i) + 128) S64((i) + 192)
#define S1024(i) S256(i) S256((i) + 256) S256((i) + 512) S256((i) + 768)

u64 bighash(const u64 *x, unsigned n) {
    if (n < 64) return 0;
    u64 h = 0x0123456789abcdefull;
    S1024(0) S1024(1024) S1024(2048) S1024(3072)
    return h;
}
