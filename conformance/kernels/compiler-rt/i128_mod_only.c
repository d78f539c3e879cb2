//! about remainders alone (`__modti3`, `__umodti3`): 128-bit modular hashing of a buffer
//! fn modhash(x: *u64, n: u32, out: *u64) -> u64
//! arg n = 100
//! buf x: u64[n] in = bits edges
//! buf out: u64[4] out

typedef __int128 i128;
typedef unsigned __int128 u128;
typedef unsigned long long u64;

__attribute__((noinline)) static u128 umod(u128 a, u128 b) { return a % b; }
__attribute__((noinline)) static i128 smod(i128 a, i128 b) { return a % b; }

u64 modhash(const u64 *x, unsigned n, u64 *out) {
    const u128 p = ((u128)0x1ffffffffffffffull << 64) | 0xffffffffffffff61ull;
    u128 h = 1;
    i128 s = 0;
    for (unsigned i = 0; i < n; i++) {
        h = umod((h << 7) ^ ((u128)x[i] << 32) ^ x[i], p);
        s = smod((i128)(s * 3) - (i128)x[i], (i128)0x7fffffffffffffffll + 2);
    }
    out[0] = (u64)h;
    out[1] = (u64)(h >> 64);
    out[2] = (u64)(u128)s;
    out[3] = (u64)((u128)s >> 64);
    return (u64)h ^ (u64)(u128)s;
}
