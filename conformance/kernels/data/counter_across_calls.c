//! about a static counter initialised in .data (not zero, so not .bss), incremented per call; 5 calls
//! fn tick(step: u32) -> u32
//! arg step = iota(3, 4) per-call
//! calls 5

static unsigned counter = 1000;

unsigned tick(unsigned step) {
    counter = counter * 3u + step;
    return counter;
}
