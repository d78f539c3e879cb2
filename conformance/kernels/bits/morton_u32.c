//! about 2-D Morton (Z-order) interleave of two u16 coordinates with magic masks
//! fn morton(x: *u16, y: *u16, z: *u32, n: u32)
//! arg n = 400
//! buf x: u16[n] in = bits edges
//! buf y: u16[n] in = bits edges
//! buf z: u32[n] out

static unsigned spread(unsigned v) {
    v &= 0xFFFFu;
    v = (v | (v << 8)) & 0x00FF00FFu;
    v = (v | (v << 4)) & 0x0F0F0F0Fu;
    v = (v | (v << 2)) & 0x33333333u;
    v = (v | (v << 1)) & 0x55555555u;
    return v;
}

void morton(const unsigned short *x, const unsigned short *y, unsigned *z, unsigned n) {
    for (unsigned i = 0; i < n; i++)
        z[i] = spread(x[i]) | (spread(y[i]) << 1);
}
