//! about Kahan compensated summation (must survive -O2 without fast-math)
//! fn kahan(x: *f64, n: u32) -> f64
//! arg n = 5000
//! buf x: f64[n] in = uniform(0, 1e-3)
//! flags -ffp-contract=off

double kahan(const double *x, unsigned n) {
    double s = 0.0, c = 0.0;
    for (unsigned i = 0; i < n; i++) {
        double y = x[i] - c;
        double t = s + y;
        c = (t - s) - y;
        s = t;
    }
    return s;
}
