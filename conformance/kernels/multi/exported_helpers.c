//! about several non-static, noinline functions calling each other through their global symbols (PLT-style call relocations)
//! fn multi_entry(x: *u32, n: u32) -> u32
//! arg n = 400
//! buf x: u32[n] inout = bits

__attribute__((noinline)) unsigned mix32(unsigned v) {
    v ^= v >> 16; v *= 0x7feb352du; v ^= v >> 15; v *= 0x846ca68bu; v ^= v >> 16;
    return v;
}
__attribute__((noinline)) unsigned combine(unsigned a, unsigned b) { return mix32(a ^ (b * 0x9e3779b9u)); }
__attribute__((noinline)) unsigned fold(const unsigned *x, unsigned n) {
    unsigned h = 0;
    for (unsigned i = 0; i < n; i++) h = combine(h, x[i]);
    return h;
}

unsigned multi_entry(unsigned *x, unsigned n) {
    unsigned h = fold(x, n);
    for (unsigned i = 0; i < n; i++) x[i] = mix32(x[i] + h);
    return h;
}
