//! about 16 f64 arguments (8+ spill to the stack on x86_64, aarch64 and riscv64), order-sensitive combination
//! fn d16(a0: f64, a1: f64, a2: f64, a3: f64, a4: f64, a5: f64, a6: f64, a7: f64, \
//!        a8: f64, a9: f64, a10: f64, a11: f64, a12: f64, a13: f64, a14: f64, a15: f64) -> f64
//! arg a0 = uniform(-1, 1)
//! arg a1 = uniform(-1, 1)
//! arg a2 = uniform(-1, 1)
//! arg a3 = uniform(-1, 1)
//! arg a4 = uniform(-1, 1)
//! arg a5 = uniform(-1, 1)
//! arg a6 = uniform(-1, 1)
//! arg a7 = uniform(-1, 1)
//! arg a8 = uniform(-1, 1)
//! arg a9 = uniform(-1, 1)
//! arg a10 = uniform(-1, 1)
//! arg a11 = uniform(-1, 1)
//! arg a12 = uniform(-1, 1)
//! arg a13 = uniform(-1, 1)
//! arg a14 = uniform(-1, 1)
//! arg a15 = uniform(-1, 1)
//! flags -ffp-contract=off

double d16(double a0, double a1, double a2, double a3, double a4, double a5, double a6, double a7,
           double a8, double a9, double a10, double a11, double a12, double a13, double a14, double a15) {
    double v[16] = {a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15};
    double s = 0.0;
    for (int i = 0; i < 16; i++) s = s * 1.5 + v[i] * (double)(i + 1);
    return s;
}
