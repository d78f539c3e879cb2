//! about a mutable function-pointer pipeline in .data, re-ordered on every call (3 calls)
//! fn pipeline(x: *f64, n: u32)
//! arg n = 100
//! buf x: f64[n] inout = uniform(-2, 2)
//! calls 3
//! flags -ffp-contract=off

typedef double (*stage)(double);
static double twice(double v) { return v * 2.0; }
static double plus1(double v) { return v + 1.0; }
static double square(double v) { return v * v; }
static double halve(double v) { return v * 0.5; }

static stage stages[4] = {twice, plus1, square, halve};

void pipeline(double *x, unsigned n) {
    for (unsigned i = 0; i < n; i++) {
        double v = x[i];
        for (int s = 0; s < 4; s++) v = stages[s](v);
        x[i] = v;
    }
    stage first = stages[0];
    for (int s = 0; s < 3; s++) stages[s] = stages[s + 1];
    stages[3] = first;
}
