//! about a tiny stack-machine interpreter: switch on 16 opcodes in a loop (jump table), program generated
//! fn run(code: *u8, len: u32, stack: *i64) -> i64
//! arg len = 2000
//! buf code: u8[len] in = bits
//! buf stack: i64[64] out

typedef unsigned long long u64;
long long run(const unsigned char *code, unsigned len, long long *stack) {
    int sp = 0;
    u64 acc = 1;
    for (int i = 0; i < 64; i++) stack[i] = 0;
    for (unsigned pc = 0; pc < len; pc++) {
        unsigned op = code[pc] & 15u, arg = code[pc] >> 4;
        switch (op) {
        case 0: acc += arg; break;
        case 1: acc *= (u64)arg + 3u; break;
        case 2: acc ^= acc >> 7; break;
        case 3: acc = (acc << 5) | (acc >> 59); break;
        case 4: if (sp < 64) stack[sp++] = (long long)acc; break;
        case 5: if (sp > 0) acc += (u64)stack[--sp]; break;
        case 6: acc -= (u64)arg * 1000003u; break;
        case 7: acc = ~acc; break;
        case 8: acc = acc / ((u64)arg + 1u); break;
        case 9: acc = acc % ((u64)arg + 17u) + acc; break;
        case 10: if (sp > 0) stack[sp - 1] = (long long)((u64)stack[sp - 1] ^ acc); break;
        case 11: acc = acc * 0x9E3779B97F4A7C15ull; break;
        case 12: pc += arg & 3u; break;
        case 13: acc &= 0xFFFFFFFFFFull; break;
        case 14: acc |= (u64)arg << 40; break;
        default: acc += (u64)sp; break;
        }
    }
    return (long long)acc;
}
