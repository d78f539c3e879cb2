//! about ordered f64 sum (no reassociation without -ffast-math)
//! fn sumd(x: *f64, n: u64) -> f64
//! arg n = 4096
//! buf x: f64[n] in = uniform(-1000, 1000)

double sumd(const double *x, unsigned long n) {
    double s = 0.0;
    for (unsigned long i = 0; i < n; i++)
        s += x[i];
    return s;
}
