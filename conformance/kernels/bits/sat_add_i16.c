//! about signed saturating add and sub on i16 via widening (no overflow UB)
//! fn sat16(a: *i16, b: *i16, s: *i16, d: *i16, n: u32)
//! arg n = 800
//! buf a: i16[n] in = bits edges
//! buf b: i16[n] in = bits edges
//! buf s: i16[n] out
//! buf d: i16[n] out

static short sat(int v) { return (short)(v > 32767 ? 32767 : v < -32768 ? -32768 : v); }

void sat16(const short *a, const short *b, short *s, short *d, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        s[i] = sat((int)a[i] + (int)b[i]);
        d[i] = sat((int)a[i] - (int)b[i]);
    }
}
