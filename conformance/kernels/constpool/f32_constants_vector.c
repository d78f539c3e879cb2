//! about f32 literals used in a vectorisable loop: splatted 16-byte constants (.rodata.cst16 / cst4)
//! fn fconst(x: *f32, y: *f32, n: u32)
//! arg n = 1000
//! buf x: f32[n] in = uniform(-100, 100)
//! buf y: f32[n] out
//! flags -ffp-contract=off

void fconst(const float *x, float *y, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        float v = x[i] * 0.017453292f + 1.5707964f;
        v = v < -3.1415927f ? -3.1415927f : v;
        y[i] = v * 0.31830987f - 0.125f;
    }
}
