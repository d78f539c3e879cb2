//! about two entry points sharing static state: `feed` accumulates, `report` summarises; 3 rounds of (feed, report)
//! fn feed(x: *f64, n: u32)
//! fn report(stats: *f64) -> u32
//! arg n = 50
//! buf x: f64[n] in = uniform(-10, 10)
//! buf stats: f64[3] out
//! calls 3
//! flags -ffp-contract=off

static double sum, sumsq, mx = -1e308;
static unsigned count;

void feed(const double *x, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        sum += x[i];
        sumsq += x[i] * x[i];
        if (x[i] > mx) mx = x[i];
    }
    count += n;
}

unsigned report(double *stats) {
    stats[0] = sum / (double)count;
    stats[1] = sumsq / (double)count - stats[0] * stats[0];
    stats[2] = mx;
    return count;
}
