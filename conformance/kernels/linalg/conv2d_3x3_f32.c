//! about 3x3 2-D convolution over a (h+2) x (w+2) image, kernel in a static const table
//! fn conv2d(img: *f32, out: *f32, h: u32, w: u32)
//! arg h = 30
//! arg w = 41
//! buf img: f32[h*w+2*h+2*w+4] in = uniform(0, 255)
//! buf out: f32[h*w] out
//! flags -ffp-contract=off

static const float K[3][3] = {
    {0.0625f, 0.125f, 0.0625f},
    {0.125f, 0.25f, 0.125f},
    {0.0625f, 0.125f, 0.0625f},
};

void conv2d(const float *img, float *out, unsigned h, unsigned w) {
    unsigned stride = w + 2;
    for (unsigned y = 0; y < h; y++)
        for (unsigned x = 0; x < w; x++) {
            float s = 0.0f;
            for (unsigned dy = 0; dy < 3; dy++)
                for (unsigned dx = 0; dx < 3; dx++)
                    s += img[(y + dy) * stride + x + dx] * K[dy][dx];
            out[y * w + x] = s;
        }
}
