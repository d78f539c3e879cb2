//! about in-place Cholesky factorisation of a 12x12 SPD matrix built inside the kernel (uses __builtin_sqrt)
//! fn chol(seed: *f64, l: *f64)
//! buf seed: f64[144] in = uniform(-1, 1)
//! buf l: f64[144] out
//! flags -ffp-contract=off

#define N 12
void chol(const double *seed, double *l) {
    double a[N][N];
    /* A = S^T S + N*I is symmetric positive definite */
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            double s = 0.0;
            for (int k = 0; k < N; k++)
                s += seed[k * N + i] * seed[k * N + j];
            a[i][j] = s + (i == j ? (double)N : 0.0);
        }
    for (int j = 0; j < N; j++) {
        double d = a[j][j];
        for (int k = 0; k < j; k++)
            d -= a[j][k] * a[j][k];
        d = __builtin_sqrt(d);
        a[j][j] = d;
        for (int i = j + 1; i < N; i++) {
            double s = a[i][j];
            for (int k = 0; k < j; k++)
                s -= a[i][k] * a[j][k];
            a[i][j] = s / d;
        }
    }
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            l[i * N + j] = j <= i ? a[i][j] : 0.0;
}
