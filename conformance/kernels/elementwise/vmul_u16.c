//! about c = a * b mod 2^16 on u16 (integer promotion done right)
//! fn vmul16(a: *u16, b: *u16, c: *u16, n: u32)
//! arg n = 513
//! buf a: u16[n] in = bits edges
//! buf b: u16[n] in = uniform(0, 300)
//! buf c: u16[n] out

typedef unsigned short u16;
void vmul16(const u16 *a, const u16 *b, u16 *c, unsigned n) {
    for (unsigned i = 0; i < n; i++)
        c[i] = (u16)((unsigned)a[i] * (unsigned)b[i]);
}
