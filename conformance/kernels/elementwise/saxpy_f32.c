//! about y = a*x + y over f32 (contraction off so every arch rounds twice)
//! fn saxpy(n: u32, a: f32, x: *f32, y: *f32)
//! arg n = 1000
//! arg a = uniform(-2, 2)
//! buf x: f32[n] in = uniform(-100, 100)
//! buf y: f32[n] inout = uniform(-1, 1)
//! flags -ffp-contract=off

void saxpy(unsigned n, float a, const float *x, float *y) {
    for (unsigned i = 0; i < n; i++)
        y[i] = a * x[i] + y[i];
}
