//! about RC4 keystream with its state (S, i, j) in static .data initialised on the first call; 3 calls continue the stream
//! fn rc4(out: *u8, n: u32)
//! arg n = 300
//! buf out: u8[n] out
//! calls 3

static unsigned char S[256];
static unsigned char si = 0, sj = 0;
static int ready = 0;
static const unsigned char key[] = "Conformance";

void rc4(unsigned char *out, unsigned n) {
    if (!ready) {
        for (int k = 0; k < 256; k++) S[k] = (unsigned char)k;
        unsigned char j = 0;
        for (int k = 0; k < 256; k++) {
            j = (unsigned char)(j + S[k] + key[k % 11]);
            unsigned char t = S[k]; S[k] = S[j]; S[j] = t;
        }
        ready = 1;
    }
    for (unsigned k = 0; k < n; k++) {
        si = (unsigned char)(si + 1);
        sj = (unsigned char)(sj + S[si]);
        unsigned char t = S[si]; S[si] = S[sj]; S[sj] = t;
        out[k] ^= S[(unsigned char)(S[si] + S[sj])];
    }
}
