//! about exp, log, pow, sqrt declared extern (sqrt may stay a call or become an instruction)
//! fn elp(x: *f64, y: *f64, out: *f64, n: u32)
//! arg n = 300
//! buf x: f64[n] in = uniform(0.01, 20)
//! buf y: f64[n] in = uniform(-3, 3)
//! buf out: f64[n*4] out
//! tolerance ulp 2

extern double exp(double);
extern double log(double);
extern double pow(double, double);
extern double sqrt(double);

void elp(const double *x, const double *y, double *out, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        out[4 * i] = exp(y[i]);
        out[4 * i + 1] = log(x[i]);
        out[4 * i + 2] = pow(x[i], y[i]);
        out[4 * i + 3] = sqrt(x[i]);
    }
}
