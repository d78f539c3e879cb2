//! about lerp with the default -ffp-contract (may become fma on some arches): no Rust reference, JIT vs dlopen must agree bit for bit
//! fn lerp(a: *f32, b: *f32, t: *f32, y: *f32, n: u32)
//! arg n = 1024
//! buf a: f32[n] in = uniform(-10, 10)
//! buf b: f32[n] in = uniform(-10, 10)
//! buf t: f32[n] in = uniform(0, 1)
//! buf y: f32[n] out
//! tolerance ulp 2
//! cross-arch ulp 256 aarch64, loongarch64, ppc64le, riscv64: the point of the kernel: a + t*(b-a) becomes an fma where the target has one (x86-64-v2 has none); results near 0 differ by up to 228 ulp (measured, all four)

void lerp(const float *a, const float *b, const float *t, float *y, unsigned n) {
    for (unsigned i = 0; i < n; i++)
        y[i] = a[i] + t[i] * (b[i] - a[i]);
}
