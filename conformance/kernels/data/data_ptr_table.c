//! about a static table of pointers to static arrays (pointers in .data.rel), the arrays rotated each call; 3 calls
//! fn rot(out: *i32) -> i32
//! buf out: i32[12] out
//! calls 3

static int a[4] = {1, 2, 3, 4};
static int b[4] = {10, 20, 30, 40};
static int c[4] = {-5, -6, -7, -8};
static int *rows[3] = {a, b, c};

int rot(int *out) {
    int *t = rows[0];
    rows[0] = rows[1];
    rows[1] = rows[2];
    rows[2] = t;
    for (int r = 0; r < 3; r++) {
        rows[r][r] += r + 1;
        for (int k = 0; k < 4; k++) out[r * 4 + k] = rows[r][k];
    }
    return rows[0][0] * 100 + rows[2][3];
}
