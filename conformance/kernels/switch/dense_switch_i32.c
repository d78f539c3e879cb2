//! about dense 10-case switch on (x mod 12): a jump table in .rodata with relocations or PC-relative entries
//! fn dense(x: *u32, y: *i32, n: u32)
//! arg n = 600
//! buf x: u32[n] in = bits
//! buf y: i32[n] out

__attribute__((noinline)) static int op(unsigned k, unsigned v) {
    switch (k) {
    case 0: return (int)(v & 0xffu);
    case 1: return (int)(v >> 3) ^ 0x55;
    case 2: return -(int)(v & 0xfffu);
    case 3: return (int)(v * 7u & 0x7fffffffu);
    case 4: return (int)__builtin_popcount(v);
    case 5: return (int)(v % 1000u);
    case 6: return 123456;
    case 7: return (int)((v << 4) & 0xffffu) - 5;
    case 8: return (int)(v / 3u & 0xffffu);
    case 9: return -77;
    default: return 0;
    }
}

void dense(const unsigned *x, int *y, unsigned n) {
    for (unsigned i = 0; i < n; i++)
        y[i] = op(x[i] % 12u, x[i]);
}
