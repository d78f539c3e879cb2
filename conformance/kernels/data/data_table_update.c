//! about a 32-entry static f64 table in .data, updated from input and read back on every call (3 calls)
//! fn upd(x: *f64, out: *f64) -> f64
//! buf x: f64[32] in = uniform(-1, 1)
//! buf out: f64[32] out
//! calls 3
//! flags -ffp-contract=off

static double table[32] = {
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
    -1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12, -13, -14, -15, -16,
};

double upd(const double *x, double *out) {
    double s = 0.0;
    for (int i = 0; i < 32; i++) {
        table[i] = table[i] * 0.5 + x[i];
        out[i] = table[i];
        s += table[(i * 5) & 31];
    }
    return s;
}
