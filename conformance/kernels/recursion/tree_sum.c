//! about recursive traversal of an implicit binary heap tree computing per-subtree sums written to an out buffer
//! fn tree(v: *i32, sums: *i64, n: u32) -> i64
//! arg n = 1000
//! buf v: i32[n] in = uniform(-1000, 1000)
//! buf sums: i64[n] out

static long long sub(const int *v, long long *sums, unsigned n, unsigned i) {
    if (i >= n) return 0;
    long long s = v[i] + sub(v, sums, n, 2 * i + 1) + sub(v, sums, n, 2 * i + 2);
    sums[i] = s;
    return s;
}

long long tree(const int *v, long long *sums, unsigned n) { return sub(v, sums, n, 0); }
