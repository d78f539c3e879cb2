//! about CRC-32 (IEEE, reflected) computed bitwise over a byte buffer
//! fn crc32(p: *u8, n: u32) -> u32
//! arg n = 777
//! buf p: u8[n] in = bits

unsigned crc32(const unsigned char *p, unsigned n) {
    unsigned c = 0xFFFFFFFFu;
    for (unsigned i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return ~c;
}
