//! about extern scalar data supplied by the harness through the resolver (GOT-indirect access from -fPIC code)
//! fn scale(x: *f64, y: *f64, n: u32)
//! arg n = 200
//! buf x: f64[n] in = uniform(-10, 10)
//! buf y: f64[n] out
//! extern g_scale: f64 = 2.5
//! extern g_offset: i32 = -17
//! flags -ffp-contract=off

extern double g_scale;
extern int g_offset;

void scale(const double *x, double *y, unsigned n) {
    for (unsigned i = 0; i < n; i++)
        y[i] = x[i] * g_scale + (double)g_offset;
}
