//! about index of the first minimum and first maximum, packed into one i64
//! fn minmax_idx(x: *i32, n: i32) -> i64
//! arg n = 1500
//! buf x: i32[n] in = bits edges

long long minmax_idx(const int *x, int n) {
    int lo = 0, hi = 0;
    for (int i = 1; i < n; i++) {
        if (x[i] < x[lo]) lo = i;
        if (x[i] > x[hi]) hi = i;
    }
    return ((long long)lo << 32) | (long long)(unsigned)hi;
}
