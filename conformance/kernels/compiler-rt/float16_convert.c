//! about _Float16 conversions (`__truncsfhf2`, `__extendhfsf2` without native half support) and half arithmetic
//! fn f16(x: *f32, bits: *u16, back: *f32, n: u32)
//! arg n = 300
//! buf x: f32[n] in = uniform(-70000, 70000) edges
//! buf bits: u16[n] out
//! buf back: f32[n] out
//! skip loongarch64, ppc64le: clang-19 rejects _Float16 on these targets ("not supported on this target"); see compiler-rt/half_convert.ll
//! tolerance ulp 0
//! min-clang 15 x86_64: clang-14 rejects _Float16 on x86_64

void f16(const float *x, unsigned short *bits, float *back, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        _Float16 h = (_Float16)x[i];
        __builtin_memcpy(&bits[i], &h, 2);
        _Float16 g = h * (_Float16)0.5f;
        back[i] = (float)g;
    }
}
