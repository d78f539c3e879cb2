//! about 5-point Jacobi sweep, one sweep per call, ping-pong through a static scratch grid (.bss), 4 calls
//! fn jacobi(grid: *f64, n: u32)
//! arg n = 32
//! buf grid: f64[n*n] inout = uniform(0, 100)
//! calls 4
//! flags -ffp-contract=off

static double tmp[64 * 64];

void jacobi(double *grid, unsigned n) {
    if (n > 64) return;
    for (unsigned i = 0; i < n; i++)
        for (unsigned j = 0; j < n; j++) {
            if (i == 0 || j == 0 || i == n - 1 || j == n - 1) {
                tmp[i * n + j] = grid[i * n + j];
            } else {
                tmp[i * n + j] = 0.25 * (grid[(i - 1) * n + j] + grid[(i + 1) * n + j] +
                                         grid[i * n + j - 1] + grid[i * n + j + 1]);
            }
        }
    for (unsigned i = 0; i < n * n; i++)
        grid[i] = tmp[i];
}
