//! about y[i] = a * x[i], a kernel with a corpus header
//! fn scale(n: u32, a: f32, x: *f32, y: *f32) -> f32
//! arg n = 4
//! arg a = 2.0
//! buf x: f32[n] in = iota
//! buf y: f32[n] out

float scale(unsigned n, float a, const float *x, float *y) {
    float sum = 0;
    for (unsigned i = 0; i < n; i++) {
        y[i] = a * x[i];
        sum += y[i];
    }
    return sum;
}
