//! about an extern i32 array supplied by the harness, used as a lookup table
//! fn lookup(idx: *u8, out: *i32, n: u32) -> i64
//! arg n = 300
//! buf idx: u8[n] in = bits
//! buf out: i32[n] out
//! extern g_table: i32[256] = uniform(-100000, 100000)

extern int g_table[256];

long long lookup(const unsigned char *idx, int *out, unsigned n) {
    long long s = 0;
    for (unsigned i = 0; i < n; i++) {
        out[i] = g_table[idx[i]];
        s += out[i];
    }
    return s;
}
