//! about copying string literals into an out buffer (byte loops, no libc), separated by '|'
//! fn cat(out: *u8, cap: u32) -> u32
//! arg cap = 256
//! buf out: u8[cap] out

static unsigned put(unsigned char *out, unsigned pos, unsigned cap, const char *s) {
    while (*s && pos < cap) out[pos++] = (unsigned char)*s++;
    if (pos < cap) out[pos++] = '|';
    return pos;
}

unsigned cat(unsigned char *out, unsigned cap) {
    unsigned pos = 0;
    pos = put(out, pos, cap, "The quick brown fox");
    pos = put(out, pos, cap, "jumps over");
    pos = put(out, pos, cap, "the lazy dog.");
    pos = put(out, pos, cap, "\x01\x7f\xff escapes \t\n");
    pos = put(out, pos, cap, "");
    pos = put(out, pos, cap, "0123456789abcdefghijklmnopqrstuvwxyz");
    for (unsigned i = pos; i < cap; i++) out[i] = 0;
    return pos;
}
