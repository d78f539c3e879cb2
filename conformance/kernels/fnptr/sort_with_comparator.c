//! about insertion sort through a comparator function pointer chosen at run time (descending / by absolute value)
//! fn sortk(x: *i32, n: u32, mode: u32)
//! arg n = 150
//! arg mode = 1
//! buf x: i32[n] inout = uniform(-10000, 10000)

typedef int (*cmp_fn)(int, int);
static int asc(int a, int b) { return (a > b) - (a < b); }
static int desc(int a, int b) { return (a < b) - (a > b); }
static int byabs(int a, int b) {
    int x = a < 0 ? -a : a, y = b < 0 ? -b : b;
    return x != y ? (x > y) - (x < y) : asc(a, b);
}

__attribute__((noinline)) static void isort(int *x, unsigned n, cmp_fn cmp) {
    for (unsigned i = 1; i < n; i++) {
        int v = x[i];
        unsigned j = i;
        while (j > 0 && cmp(x[j - 1], v) > 0) { x[j] = x[j - 1]; j--; }
        x[j] = v;
    }
}

void sortk(int *x, unsigned n, unsigned mode) {
    cmp_fn fns[3] = {asc, desc, byabs};
    isort(x, n, fns[mode % 3u]);
    isort(x, n / 2, fns[(mode + 1u) % 3u]);
}
