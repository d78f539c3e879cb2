//! about vector compares producing masks, used for blends, on u32x4 and i64x2, aligned vector typedefs over buffers
//! fn blend(a: *u32, b: *u32, out: *u32, n: u32) -> u64
//! arg n = 100
//! buf a: u32[n*4] in = bits edges
//! buf b: u32[n*4] in = bits edges
//! buf out: u32[n*4] out
//! flags -Wno-deprecated-altivec-src-compat

typedef unsigned u32x4 __attribute__((vector_size(16)));
typedef long long i64x2 __attribute__((vector_size(16)));

unsigned long long blend(const unsigned *a, const unsigned *b, unsigned *out, unsigned n) {
    /* buffers are 64-byte aligned by the harness: direct vector access is fine */
    const u32x4 *va = (const u32x4 *)a, *vb = (const u32x4 *)b;
    u32x4 *vo = (u32x4 *)out;
    i64x2 acc = {0, 0};
    for (unsigned i = 0; i < n; i++) {
        u32x4 m = (u32x4)(va[i] > vb[i]);
        u32x4 r = (va[i] & m) | (vb[i] & ~m);
        vo[i] = r;
        i64x2 wide;
        __builtin_memcpy(&wide, &r, 16);
        acc ^= wide;
    }
    return (unsigned long long)(acc[0] ^ acc[1]);
}
