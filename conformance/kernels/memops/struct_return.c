//! about returning a large struct by value (sret pointer + copies) from a non-inlined function
//! fn sret(x: *f64, out: *f64, n: u32)
//! arg n = 20
//! buf x: f64[n*16] in = uniform(-1, 1)
//! buf out: f64[16] out
//! flags -ffp-contract=off

struct mat { double m[16]; };

__attribute__((noinline)) static struct mat mulm(struct mat a, struct mat b) {
    struct mat c;
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            double s = 0.0;
            for (int k = 0; k < 4; k++) s += a.m[i * 4 + k] * b.m[k * 4 + j];
            c.m[i * 4 + j] = s;
        }
    return c;
}

void sret(const double *x, double *out, unsigned n) {
    struct mat acc = {{1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1}};
    for (unsigned i = 0; i < n; i++) {
        struct mat t;
        __builtin_memcpy(&t, x + 16 * i, sizeof t);
        acc = mulm(acc, t);
    }
    __builtin_memcpy(out, &acc, sizeof acc);
}
