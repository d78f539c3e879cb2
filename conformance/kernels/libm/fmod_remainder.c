//! about fmod, remainder, fdim, nextafter declared extern (exactly specified by IEEE/C, so bit exact)
//! fn rem(a: *f64, b: *f64, out: *f64, n: u32)
//! arg n = 300
//! buf a: f64[n] in = uniform(-1000, 1000) edges(5%)
//! buf b: f64[n] in = uniform(-30, 30) edges(5%)
//! buf out: f64[n*4] out
//! tolerance ulp 0

extern double fmod(double, double);
extern double remainder(double, double);
extern double fdim(double, double);
extern double nextafter(double, double);

void rem(const double *a, const double *b, double *out, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        out[4 * i] = fmod(a[i], b[i]);
        out[4 * i + 1] = remainder(a[i], b[i]);
        out[4 * i + 2] = fdim(a[i], b[i]);
        out[4 * i + 3] = nextafter(a[i], b[i]);
    }
}
