//! about mutually recursive global functions (is_even / is_odd) plus a Collatz helper in another function
//! fn parity(x: *u32, out: *u8, n: u32) -> u32
//! arg n = 200
//! buf x: u32[n] in = uniform(0, 300)
//! buf out: u8[n] out

int is_odd(unsigned v);
__attribute__((noinline)) int is_even(unsigned v) { return v == 0 ? 1 : is_odd(v - 1); }
__attribute__((noinline)) int is_odd(unsigned v) { return v == 0 ? 0 : is_even(v - 1); }
__attribute__((noinline)) unsigned collatz_len(unsigned v) {
    unsigned steps = 0;
    while (v > 1) { v = is_even(v % 64u) ? v / 2 : 3 * v + 1; steps++; }
    return steps;
}

unsigned parity(const unsigned *x, unsigned char *out, unsigned n) {
    unsigned total = 0;
    for (unsigned i = 0; i < n; i++) {
        out[i] = (unsigned char)is_even(x[i]);
        total += collatz_len(x[i] + 1);
    }
    return total;
}
