//! about f64 -> i32 with explicit saturation and NaN -> 0 (no UB on out-of-range)
//! fn f2i(x: *f64, y: *i32, n: u32)
//! arg n = 400
//! buf x: f64[n] in = uniform(-3e9, 3e9) edges
//! buf y: i32[n] out

int to_i32(double v) {
    if (v != v) return 0;
    if (v >= 2147483647.0) return 2147483647;
    if (v <= -2147483648.0) return -2147483647 - 1;
    return (int)v;
}

void f2i(const double *x, int *y, unsigned n) {
    for (unsigned i = 0; i < n; i++)
        y[i] = to_i32(x[i]);
}
