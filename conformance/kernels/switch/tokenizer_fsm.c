//! about character-class state machine over text: switch on state and on char class (two jump tables)
//! fn lex(s: *u8, n: u32, counts: *u32)
//! arg n = 256
//! buf s: u8[n] in = text("int main(void) { return 42 + x1 * (y_2 - 0x1f); } // done\n\tfoo = bar3;  baz(7,8,9); if (a<=b) { c = d ? e : f; } 12.5e3 'q' \"str\"")
//! buf counts: u32[8] out

enum { S_START, S_IDENT, S_NUMBER, S_PUNCT, S_SPACE, S_OTHER };

static int cls(unsigned char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') return 0;
    if (c >= '0' && c <= '9') return 1;
    if (c == ' ' || c == '\t' || c == '\n') return 2;
    if (c == 0) return 4;
    return 3;
}

void lex(const unsigned char *s, unsigned n, unsigned *counts) {
    int state = S_START;
    for (int i = 0; i < 8; i++) counts[i] = 0;
    for (unsigned i = 0; i < n; i++) {
        int c = cls(s[i]);
        int next;
        switch (state) {
        case S_START:
        case S_SPACE:
        case S_PUNCT:
        case S_OTHER:
            switch (c) {
            case 0: next = S_IDENT; break;
            case 1: next = S_NUMBER; break;
            case 2: next = S_SPACE; break;
            case 3: next = S_PUNCT; break;
            default: next = S_OTHER; break;
            }
            break;
        case S_IDENT:
            next = (c == 0 || c == 1) ? S_IDENT : c == 2 ? S_SPACE : c == 3 ? S_PUNCT : S_OTHER;
            break;
        case S_NUMBER:
            next = c == 1 ? S_NUMBER : c == 0 ? S_IDENT : c == 2 ? S_SPACE : c == 3 ? S_PUNCT : S_OTHER;
            break;
        default:
            next = S_OTHER;
            break;
        }
        if (next != state || next == S_PUNCT) counts[next]++;
        state = next;
    }
    counts[7] = (unsigned)state;
}
