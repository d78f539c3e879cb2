//! about recursive quicksort (Lomuto partition, recursion on both sides) of i64 values
//! fn qsort_k(x: *i64, n: u32)
//! arg n = 700
//! buf x: i64[n] inout = bits edges

static void qs(long long *x, long lo, long hi) {
    if (lo >= hi) return;
    long long p = x[(lo + hi) / 2];
    long long t = x[(lo + hi) / 2]; x[(lo + hi) / 2] = x[hi]; x[hi] = t;
    long i = lo;
    for (long j = lo; j < hi; j++)
        if (x[j] < p) { t = x[i]; x[i] = x[j]; x[j] = t; i++; }
    t = x[i]; x[i] = x[hi]; x[hi] = t;
    qs(x, lo, i - 1);
    qs(x, i + 1, hi);
}

void qsort_k(long long *x, unsigned n) { qs(x, 0, (long)n - 1); }
