//! about 12 scalar arguments alternating integer and floating point, so both register files overflow onto the stack on some ABIs
//! fn mixed12(a: i32, b: f64, c: i64, d: f32, e: u8, f: f64, g: i16, h: f32, i: u64, j: f64, k: i32, l: f32) -> f64
//! arg a = -7
//! arg b = 1.25
//! arg c = 123456789012
//! arg d = -0.5
//! arg e = 200
//! arg f = 3.0e10
//! arg g = -1234
//! arg h = 0.75
//! arg i = 18000000000000000000
//! arg j = -2.5
//! arg k = 2147483647
//! arg l = 8.0
//! flags -ffp-contract=off

double mixed12(int a, double b, long long c, float d, unsigned char e, double f, short g, float h,
               unsigned long long i, double j, int k, float l) {
    return (double)a * b + (double)c * 1e-9 + (double)d + (double)e + f * 1e-10 + (double)g +
           (double)h * (double)l + (double)(i >> 40) + j * (double)k;
}
