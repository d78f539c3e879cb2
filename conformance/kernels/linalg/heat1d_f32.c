//! about explicit 1-D heat equation with fixed ends, 6 steps per call, called 3 times
//! fn heat(u: *f32, n: u32, alpha: f32)
//! arg n = 200
//! arg alpha = 0.2
//! buf u: f32[n] inout = uniform(0, 1)
//! calls 3
//! flags -ffp-contract=off

void heat(float *u, unsigned n, float alpha) {
    for (int step = 0; step < 6; step++) {
        float prev = u[0];
        for (unsigned i = 1; i + 1 < n; i++) {
            float cur = u[i];
            u[i] = cur + alpha * (prev - 2.0f * cur + u[i + 1]);
            prev = cur;
        }
    }
}
