//! about zero-initialised static state (.bss): a running sum and call count across 4 calls
//! fn acc(x: *i32, n: u32) -> i64
//! arg n = 100
//! buf x: i32[n] in = uniform(-1000, 1000)
//! calls 4

static long long total;
static unsigned calls;

long long acc(const int *x, unsigned n) {
    calls++;
    for (unsigned i = 0; i < n; i++)
        total += x[i];
    return total * 16 + calls;
}
