//! about lazy initialisation guarded by a .bss flag; a .bss table filled on the first of 3 calls
//! fn sq(x: *u16, y: *u32, n: u32)
//! arg n = 200
//! buf x: u16[n] in = uniform(0, 1023)
//! buf y: u32[n] inout = zero
//! calls 3

static int initialised;
static unsigned squares[1024];

void sq(const unsigned short *x, unsigned *y, unsigned n) {
    if (!initialised) {
        for (unsigned i = 0; i < 1024; i++) squares[i] = i * i + initialised;
        initialised = 1;
    }
    for (unsigned i = 0; i < n; i++)
        y[i] += squares[x[i] & 1023u];
}
