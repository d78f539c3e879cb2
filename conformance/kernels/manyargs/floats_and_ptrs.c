//! about 10 f32 arguments and 3 pointers interleaved: more floats than FP argument registers, so the ABI spills to integer registers or the stack
//! fn fp(x: *f32, f0: f32, f1: f32, f2: f32, y: *f32, f3: f32, f4: f32, f5: f32, f6: f32, \
//!       z: *f32, f7: f32, f8: f32, f9: f32, n: u32)
//! arg n = 32
//! buf x: f32[n] in = uniform(-1, 1)
//! buf y: f32[n] in = uniform(-1, 1)
//! buf z: f32[n] out
//! arg f0 = 0.5
//! arg f1 = -1.5
//! arg f2 = 2.0
//! arg f3 = 0.25
//! arg f4 = -0.125
//! arg f5 = 3.5
//! arg f6 = 1.0e-3
//! arg f7 = -7.0
//! arg f8 = 64.0
//! arg f9 = uniform(1, 2)
//! flags -ffp-contract=off

void fp(const float *x, float f0, float f1, float f2, const float *y, float f3, float f4, float f5,
        float f6, float *z, float f7, float f8, float f9, unsigned n) {
    float c[10] = {f0, f1, f2, f3, f4, f5, f6, f7, f8, f9};
    for (unsigned i = 0; i < n; i++)
        z[i] = x[i] * c[i % 10] + y[i] * c[(i + 3) % 10];
}
