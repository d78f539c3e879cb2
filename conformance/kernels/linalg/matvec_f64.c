//! about y = A x + beta*y, f64
//! fn gemv(a: *f64, x: *f64, y: *f64, m: u32, n: u32, beta: f64)
//! arg m = 40
//! arg n = 37
//! arg beta = 0.5
//! buf a: f64[m*n] in = uniform(-2, 2)
//! buf x: f64[n] in = uniform(-2, 2)
//! buf y: f64[m] inout = uniform(-1, 1)
//! flags -ffp-contract=off

void gemv(const double *a, const double *x, double *y, unsigned m, unsigned n, double beta) {
    for (unsigned i = 0; i < m; i++) {
        double s = 0.0;
        for (unsigned j = 0; j < n; j++)
            s += a[i * n + j] * x[j];
        y[i] = s + beta * y[i];
    }
}
