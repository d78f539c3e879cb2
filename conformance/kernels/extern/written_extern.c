//! about extern data written by the kernel (a counter and a ring log), compared after 4 calls
//! fn log_it(v: u32) -> u32
//! arg v = iota(100, 7) per-call
//! extern g_count: u32 inout = 0
//! extern g_log: u32[8] inout = zero
//! calls 4

extern unsigned g_count;
extern unsigned g_log[8];

unsigned log_it(unsigned v) {
    g_log[g_count & 7u] = v * 2u + g_count;
    g_count++;
    return g_count * 1000u + g_log[0];
}
