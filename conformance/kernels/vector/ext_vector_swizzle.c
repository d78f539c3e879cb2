//! about clang `ext_vector_type` swizzles (.xyzw, .s0123, hi/lo/even/odd) and vector compares
//! fn swz(a: *i32, out: *i32, n: u32)
//! arg n = 50
//! buf a: i32[n*4] in = uniform(-1000, 1000)
//! buf out: i32[n*8] out
//! flags -Wno-deprecated-altivec-src-compat

typedef int int4 __attribute__((ext_vector_type(4)));
typedef int int2 __attribute__((ext_vector_type(2)));

void swz(const int *a, int *out, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        int4 v;
        __builtin_memcpy(&v, a + 4 * i, 16);
        int4 s = v.wzyx + v.xxyy * 2;
        int2 h = v.hi - v.lo;
        int2 e = v.even * v.odd;
        // `(int4)1`, not `(int4)(1)`: with AltiVec (ppc64le) a parenthesised
        // list after a vector cast is a vector literal, {1, 0, 0, 0}.
        int4 m = (v > (int4)0) & (int4)1;
        int4 r1 = s;
        int4 r2 = (int4){h.x, h.y, e.x, e.y} ^ m;
        __builtin_memcpy(out + 8 * i, &r1, 16);
        __builtin_memcpy(out + 8 * i + 4, &r2, 16);
    }
}
