//! about unsigned __int128 products 64x64->128 and 128x128->128 (clang-19 inlines both on all five 64-bit targets; no `__multi3`)
//! fn mul128(a: *u64, b: *u64, out: *u64, n: u32)
//! arg n = 256
//! buf a: u64[n*2] in = bits edges
//! buf b: u64[n*2] in = bits edges
//! buf out: u64[n*4] out

typedef unsigned __int128 u128;
typedef unsigned long long u64;

__attribute__((noinline)) static u128 load(const u64 *p) { return ((u128)p[1] << 64) | p[0]; }

void mul128(const u64 *a, const u64 *b, u64 *out, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        u128 wide = (u128)a[2 * i] * b[2 * i];
        u128 full = load(a + 2 * i) * load(b + 2 * i);
        out[4 * i + 0] = (u64)wide;
        out[4 * i + 1] = (u64)(wide >> 64);
        out[4 * i + 2] = (u64)full;
        out[4 * i + 3] = (u64)(full >> 64);
    }
}
