//! about an extern f32 array viewed as an array of structs {x, y, z, w}, plus an extern u64 seed
//! fn norms(out: *f32, n: u32) -> u64
//! arg n = 32
//! buf out: f32[n] out
//! extern g_points: f32[128] = uniform(-3, 3)
//! extern g_seed: u64 = 0x123456789abcdef0
//! flags -ffp-contract=off

struct p4 { float x, y, z, w; };
extern struct p4 g_points[32];
extern unsigned long long g_seed;

unsigned long long norms(float *out, unsigned n) {
    for (unsigned i = 0; i < n && i < 32; i++) {
        const struct p4 *p = &g_points[i];
        out[i] = __builtin_sqrtf(p->x * p->x + p->y * p->y + p->z * p->z) + p->w;
    }
    return g_seed ^ (unsigned long long)n;
}
