//! about Welford running mean and variance, results through an out buffer
//! fn welford(x: *f64, n: u32, out: *f64)
//! arg n = 2000
//! buf x: f64[n] in = uniform(10, 20)
//! buf out: f64[2] out
//! flags -ffp-contract=off

void welford(const double *x, unsigned n, double *out) {
    double mean = 0.0, m2 = 0.0;
    for (unsigned i = 0; i < n; i++) {
        double d = x[i] - mean;
        mean += d / (double)(i + 1);
        m2 += d * (x[i] - mean);
    }
    out[0] = mean;
    out[1] = n > 1 ? m2 / (double)(n - 1) : 0.0;
}
