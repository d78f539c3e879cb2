//! about FNV-1a hashes of string literals (.rodata.str1.1, mergeable strings) selected by index
//! fn hashes(idx: *u8, out: *u32, n: u32) -> u32
//! arg n = 64
//! buf idx: u8[n] in = uniform(0, 255)
//! buf out: u32[n] out

static const char *const words[] = {
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
    "india", "juliett", "kilo", "lima", "mike", "november", "oscar", "papa",
};

static unsigned fnv(const char *s) {
    unsigned h = 2166136261u;
    while (*s) {
        h ^= (unsigned char)*s++;
        h *= 16777619u;
    }
    return h;
}

unsigned hashes(const unsigned char *idx, unsigned *out, unsigned n) {
    unsigned all = 0;
    for (unsigned i = 0; i < n; i++) {
        out[i] = fnv(words[idx[i] & 15u]);
        all ^= out[i] + i;
    }
    return all ^ fnv("a literal used directly");
}
