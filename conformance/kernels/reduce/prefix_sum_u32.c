//! about inclusive prefix sum, wrapping
//! fn scan(x: *u32, y: *u32, n: u32)
//! arg n = 1000
//! buf x: u32[n] in = bits
//! buf y: u32[n] out

void scan(const unsigned *x, unsigned *y, unsigned n) {
    unsigned s = 0;
    for (unsigned i = 0; i < n; i++) {
        s += x[i];
        y[i] = s;
    }
}
