//! about libm functions with pointer out-parameters and int arguments: frexp, ldexp, modf
//! fn fx(x: *f64, mant: *f64, ex: *i32, frac: *f64, n: u32)
//! arg n = 300
//! buf x: f64[n] in = uniform(-1e10, 1e10) edges
//! buf mant: f64[n] out
//! buf ex: i32[n] out
//! buf frac: f64[n] out
//! tolerance ulp 0

extern double frexp(double, int *);
extern double ldexp(double, int);
extern double modf(double, double *);

void fx(const double *x, double *mant, int *ex, double *frac, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        int e = 0;
        double m = frexp(x[i], &e);
        double ip;
        mant[i] = ldexp(m, 3);
        ex[i] = e;
        frac[i] = modf(x[i], &ip) + ip * 0.0;
    }
}
