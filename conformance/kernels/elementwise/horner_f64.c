//! about degree-7 polynomial by Horner's rule, coefficients passed in a buffer
//! fn horner(x: *f64, c: *f64, y: *f64, n: u32)
//! arg n = 1000
//! buf x: f64[n] in = uniform(-2, 2)
//! buf c: f64[8] in = uniform(-1, 1)
//! buf y: f64[n] out
//! flags -ffp-contract=off

void horner(const double *x, const double *c, double *y, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        double acc = c[7];
        for (int k = 6; k >= 0; k--)
            acc = acc * x[i] + c[k];
        y[i] = acc;
    }
}
