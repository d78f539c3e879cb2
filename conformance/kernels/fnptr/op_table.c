//! about a static const table of function pointers (.data.rel.ro: absolute relocations to code), indirect calls per element
//! fn apply(op: *u8, a: *i32, b: *i32, out: *i32, n: u32)
//! arg n = 500
//! buf op: u8[n] in = uniform(0, 7)
//! buf a: i32[n] in = uniform(-100000, 100000)
//! buf b: i32[n] in = uniform(-1000, 1000)
//! buf out: i32[n] out

typedef int (*binop)(int, int);
static int add(int x, int y) { return x + y; }
static int sub(int x, int y) { return x - y; }
static int mul(int x, int y) { return (int)((unsigned)x * (unsigned)y); }
static int dv(int x, int y) { return y ? x / y : 0; }
static int mn(int x, int y) { return x < y ? x : y; }
static int mx(int x, int y) { return x > y ? x : y; }
static int xr(int x, int y) { return x ^ y; }
static int sh(int x, int y) { return (int)((unsigned)x >> (y & 31)); }

static binop const table[8] = {add, sub, mul, dv, mn, mx, xr, sh};

void apply(const unsigned char *op, const int *a, const int *b, int *out, unsigned n) {
    for (unsigned i = 0; i < n; i++)
        out[i] = table[op[i] & 7u](a[i], b[i]);
}
