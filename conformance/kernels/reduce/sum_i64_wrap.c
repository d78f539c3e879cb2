//! about wrapping i64 sum through u64 arithmetic
//! fn suml(x: *i64, n: u32) -> i64
//! arg n = 3000
//! buf x: i64[n] in = bits edges

long long suml(const long long *x, unsigned n) {
    unsigned long long s = 0;
    for (unsigned i = 0; i < n; i++)
        s += (unsigned long long)x[i];
    return (long long)s;
}
