//! about __builtin_shufflevector and __builtin_convertvector on u8x16 / i16x8 / f32x4
//! fn shuf(a: *u8, b: *u8, out: *u8, f: *f32, n: u32)
//! arg n = 32
//! buf a: u8[n*16] in = bits
//! buf b: u8[n*16] in = bits
//! buf out: u8[n*16] out
//! buf f: f32[n*8] out

typedef unsigned char u8x16 __attribute__((vector_size(16)));
typedef unsigned char u8x8 __attribute__((vector_size(8)));
typedef short i16x8 __attribute__((vector_size(16)));
typedef float f32x8 __attribute__((vector_size(32)));

void shuf(const unsigned char *a, const unsigned char *b, unsigned char *out, float *f, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        u8x16 x, y;
        __builtin_memcpy(&x, a + 16 * i, 16);
        __builtin_memcpy(&y, b + 16 * i, 16);
        u8x16 z = __builtin_shufflevector(x, y, 15, 16, 3, 27, 0, 0, 31, 8, 9, 20, 21, 1, 2, 30, 7, 6);
        __builtin_memcpy(out + 16 * i, &z, 16);
        u8x8 lo = __builtin_shufflevector(z, z, 0, 2, 4, 6, 8, 10, 12, 14);
        i16x8 w = __builtin_convertvector(lo, i16x8) - (i16x8){100, 50, 0, -50, 1, 2, 3, 4};
        f32x8 fl = __builtin_convertvector(w, f32x8);
        __builtin_memcpy(f + 8 * i, &fl, 32);
    }
}
