//! about the Ackermann function for small arguments (deep, non-tail recursion)
//! fn ack(m: u32, n: u32) -> u32
//! arg m = 2
//! arg n = 300

unsigned ack(unsigned m, unsigned n) {
    if (m == 0) return n + 1;
    if (n == 0) return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}
