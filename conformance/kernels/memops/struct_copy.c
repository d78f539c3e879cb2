//! about large struct assignment (512 bytes): clang emits a `memcpy` call (or inline copies) even when freestanding
//! fn scopy(src: *u64, dst: *u64, reps: u32) -> u64
//! arg reps = 5
//! buf src: u64[64] in = bits
//! buf dst: u64[64] out

struct big { unsigned long long w[64]; };

__attribute__((noinline)) static void step(struct big *b, unsigned r) {
    for (int i = 0; i < 64; i++) b->w[i] = b->w[i] * 6364136223846793005ull + r;
}

unsigned long long scopy(const unsigned long long *src, unsigned long long *dst, unsigned reps) {
    struct big a, b;
    __builtin_memcpy(&a, src, sizeof a);
    for (unsigned r = 0; r < reps; r++) {
        b = a;          /* struct copy */
        step(&b, r);
        a = b;
    }
    __builtin_memcpy(dst, &a, sizeof a);
    return a.w[0] ^ a.w[63];
}
