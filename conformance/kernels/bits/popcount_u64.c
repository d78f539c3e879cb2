//! about __builtin_popcountll (an instruction, or a bit-twiddling sequence on baseline CPUs)
//! fn popc(x: *u64, y: *u8, n: u32) -> u64
//! arg n = 700
//! buf x: u64[n] in = bits edges
//! buf y: u8[n] out

unsigned long long popc(const unsigned long long *x, unsigned char *y, unsigned n) {
    unsigned long long total = 0;
    for (unsigned i = 0; i < n; i++) {
        unsigned c = (unsigned)__builtin_popcountll(x[i]);
        y[i] = (unsigned char)c;
        total += c;
    }
    return total;
}
