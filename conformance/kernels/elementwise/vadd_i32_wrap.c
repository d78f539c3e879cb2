//! about c = a + b on i32 with wrapping through unsigned arithmetic (no UB)
//! fn vadd(a: *i32, b: *i32, c: *i32, n: i32)
//! arg n = 1024
//! buf a: i32[n] in = bits edges
//! buf b: i32[n] in = bits edges
//! buf c: i32[n] out

void vadd(const int *a, const int *b, int *c, int n) {
    for (int i = 0; i < n; i++)
        c[i] = (int)((unsigned)a[i] + (unsigned)b[i]);
}
