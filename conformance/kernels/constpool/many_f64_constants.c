//! about a rational approximation with 12 distinct f64 literals: constant-pool loads (.rodata.cst8)
//! fn ratapprox(x: *f64, y: *f64, n: u32)
//! arg n = 500
//! buf x: f64[n] in = uniform(-3, 3)
//! buf y: f64[n] out
//! flags -ffp-contract=off

void ratapprox(const double *x, double *y, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        double v = x[i];
        double p = ((((0.0009765625 * v + 0.0421316758) * v + 0.2335416487) * v + 0.7311623745) * v +
                    1.1282173913) * v + 0.9999999471;
        double q = ((((0.0000123457 * v - 0.0019845312) * v + 0.0714285714) * v - 0.3333333333) * v +
                    1.6180339887) * v + 1.0000000001;
        y[i] = p / q;
    }
}
