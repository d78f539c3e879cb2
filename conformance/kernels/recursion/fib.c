//! about naive doubly recursive Fibonacci (deep call trees, stack frames)
//! fn fib(n: u32) -> u64
//! arg n = 24

unsigned long long fib(unsigned n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
