//! about outer product of i16 vectors into i32 with accumulation (inout), 2 calls
//! fn outer(x: *i16, y: *i16, acc: *i32, n: u32)
//! arg n = 48
//! buf x: i16[n] in = uniform(-1000, 1000)
//! buf y: i16[n] in = uniform(-1000, 1000)
//! buf acc: i32[n*n] inout = uniform(-100000, 100000)
//! calls 2

void outer(const short *x, const short *y, int *acc, unsigned n) {
    for (unsigned i = 0; i < n; i++)
        for (unsigned j = 0; j < n; j++)
            acc[i * n + j] += (int)x[i] * (int)y[j];
}
