//! about unsigned saturating add/sub and averaging on u8 pixels (vectorises to saturating ops)
//! fn pix(a: *u8, b: *u8, add: *u8, sub: *u8, avg: *u8, n: u32)
//! arg n = 1000
//! buf a: u8[n] in = bits
//! buf b: u8[n] in = bits
//! buf add: u8[n] out
//! buf sub: u8[n] out
//! buf avg: u8[n] out

typedef unsigned char u8;
void pix(const u8 *a, const u8 *b, u8 *add, u8 *sub, u8 *avg, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        unsigned s = (unsigned)a[i] + b[i];
        add[i] = (u8)(s > 255 ? 255 : s);
        sub[i] = (u8)(a[i] > b[i] ? a[i] - b[i] : 0);
        avg[i] = (u8)((s + 1) >> 1);
    }
}
