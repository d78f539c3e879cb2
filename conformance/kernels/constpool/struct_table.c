//! about a static const table of structs mixing f64, i32 and u16 fields (alignment padding in .rodata)
//! fn tab(idx: *u8, out: *f64, n: u32)
//! arg n = 300
//! buf idx: u8[n] in = uniform(0, 7)
//! buf out: f64[n] out
//! flags -ffp-contract=off

struct entry { double scale; int offset; unsigned short mul; };
static const struct entry T[8] = {
    {1.0, 0, 1}, {0.5, -3, 7}, {2.25, 100, 3}, {-1.0, 5, 65535},
    {1e-3, -1000, 2}, {3.5, 42, 11}, {-0.125, -7, 13}, {1e10, 1, 1},
};

void tab(const unsigned char *idx, double *out, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        const struct entry *e = &T[idx[i] & 7u];
        out[i] = e->scale * (double)((int)(i % 100u) * (int)e->mul + e->offset);
    }
}
