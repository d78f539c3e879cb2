//! about rotations written in the portable idiom (recognised as rotate instructions), count masked
//! fn rot(x: *u32, s: *u32, l: *u32, r: *u32, n: u32)
//! arg n = 500
//! buf x: u32[n] in = bits edges
//! buf s: u32[n] in = uniform(0, 100)
//! buf l: u32[n] out
//! buf r: u32[n] out

static unsigned rotl(unsigned v, unsigned k) { k &= 31; return (v << k) | (v >> ((32 - k) & 31)); }
static unsigned rotr(unsigned v, unsigned k) { k &= 31; return (v >> k) | (v << ((32 - k) & 31)); }

void rot(const unsigned *x, const unsigned *s, unsigned *l, unsigned *r, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        l[i] = rotl(x[i], s[i]);
        r[i] = rotr(x[i], s[i]);
    }
}
