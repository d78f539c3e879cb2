//! about numerically stable softmax over rows (expf calls, max subtraction, division)
//! fn softmax(x: *f32, y: *f32, rows: u32, cols: u32)
//! arg rows = 16
//! arg cols = 33
//! buf x: f32[rows*cols] in = uniform(-20, 20)
//! buf y: f32[rows*cols] out
//! tolerance ulp 4

void softmax(const float *x, float *y, unsigned rows, unsigned cols) {
    for (unsigned r = 0; r < rows; r++) {
        const float *xr = x + r * cols;
        float *yr = y + r * cols;
        float m = xr[0];
        for (unsigned c = 1; c < cols; c++)
            if (xr[c] > m) m = xr[c];
        float s = 0.0f;
        for (unsigned c = 0; c < cols; c++) {
            yr[c] = __builtin_expf(xr[c] - m);
            s += yr[c];
        }
        for (unsigned c = 0; c < cols; c++)
            yr[c] /= s;
    }
}
