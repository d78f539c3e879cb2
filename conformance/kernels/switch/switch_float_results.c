//! about switch selecting f64 constants (jump table or lookup table of constants in .rodata)
//! fn fsel(k: *u8, y: *f64, n: u32)
//! arg n = 400
//! buf k: u8[n] in = uniform(0, 9)
//! buf y: f64[n] out

static double pick(unsigned k) {
    switch (k) {
    case 0: return 3.141592653589793;
    case 1: return 2.718281828459045;
    case 2: return 1.4142135623730951;
    case 3: return -0.0;
    case 4: return 1e300;
    case 5: return 6.02214076e23;
    case 6: return 1.602176634e-19;
    case 7: return 0.5772156649015329;
    default: return -1.0;
    }
}

void fsel(const unsigned char *k, double *y, unsigned n) {
    for (unsigned i = 0; i < n; i++)
        y[i] = pick(k[i]);
}
