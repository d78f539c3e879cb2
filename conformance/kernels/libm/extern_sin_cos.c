//! about explicit `extern double sin(double)` style declarations: plain external calls the loader resolves
//! fn trig(x: *f64, out: *f64, n: u32)
//! arg n = 300
//! buf x: f64[n] in = uniform(-100, 100)
//! buf out: f64[n*3] out
//! tolerance ulp 2

extern double sin(double);
extern double cos(double);
extern double tan(double);

void trig(const double *x, double *out, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        out[3 * i] = sin(x[i]);
        out[3 * i + 1] = cos(x[i]);
        out[3 * i + 2] = tan(x[i] * 0.01);
    }
}
