//! about __builtin_memmove on overlapping ranges, both directions (`memmove` calls)
//! fn shift(x: *u8, n: u32, k: u32)
//! arg n = 700
//! arg k = 37
//! buf x: u8[n] inout = iota

void shift(unsigned char *x, unsigned n, unsigned k) {
    if (k >= n) return;
    __builtin_memmove(x + k, x, n - k);        /* forward overlap */
    __builtin_memmove(x, x + 2 * k / 3, n - 2 * k / 3); /* backward overlap */
    for (unsigned i = 0; i < k; i++) x[n - 1 - i] = (unsigned char)(i * 3u);
}
