//! about a 64 KiB .bss scratch array (must be mapped and zeroed by the loader): sieve of Eratosthenes
//! fn sieve(limit: u32, primes: *u32) -> u32
//! arg limit = 65000
//! buf primes: u32[1024] out

static unsigned char composite[65536];

unsigned sieve(unsigned limit, unsigned *primes) {
    unsigned count = 0;
    if (limit > 65536) limit = 65536;
    for (unsigned i = 2; i < limit; i++) {
        if (composite[i]) continue;
        if (count < 1024) primes[count] = i;
        count++;
        for (unsigned j = i * 2; j < limit; j += i) composite[j] = 1;
    }
    for (unsigned i = count; i < 1024; i++) primes[i] = 0;
    return count;
}
