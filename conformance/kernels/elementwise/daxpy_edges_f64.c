//! about y = a*x + y over f64 with edge values (NaN, inf, -0, denormals) in x
//! fn daxpy(n: u64, a: f64, x: *f64, y: *f64)
//! arg n = 777
//! arg a = 1.5
//! buf x: f64[n] in = uniform(-1e6, 1e6) edges
//! buf y: f64[n] inout = uniform(-1, 1) edges(5%)
//! flags -ffp-contract=off
//! tolerance ulp 0

void daxpy(unsigned long n, double a, const double *x, double *y) {
    for (unsigned long i = 0; i < n; i++)
        y[i] = a * x[i] + y[i];
}
