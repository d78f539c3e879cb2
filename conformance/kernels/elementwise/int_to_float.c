//! about integer -> float conversions (i32->f32, u64->f64, i64->f32, u32->f64)
//! fn i2f(a: *i32, b: *u64, c: *i64, d: *u32, fa: *f32, fb: *f64, fc: *f32, fd: *f64, n: u32)
//! arg n = 256
//! buf a: i32[n] in = bits edges
//! buf b: u64[n] in = bits edges
//! buf c: i64[n] in = bits edges
//! buf d: u32[n] in = bits edges
//! buf fa: f32[n] out
//! buf fb: f64[n] out
//! buf fc: f32[n] out
//! buf fd: f64[n] out

void i2f(const int *a, const unsigned long long *b, const long long *c, const unsigned *d,
         float *fa, double *fb, float *fc, double *fd, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        fa[i] = (float)a[i];
        fb[i] = (double)b[i];
        fc[i] = (float)c[i];
        fd[i] = (double)d[i];
    }
}
