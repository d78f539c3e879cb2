//! about matching words of an input text against a table of keyword literals (strcmp written by hand)
//! fn kw(text: *u8, n: u32, counts: *u32) -> u32
//! arg n = 200
//! buf text: u8[n] in = text("if x then return else while for if do return struct union if else goto case switch default break continue while return sizeof typedef if")
//! buf counts: u32[16] out

static const char *const keywords[16] = {
    "if", "else", "while", "for", "do", "return", "struct", "union",
    "goto", "case", "switch", "default", "break", "continue", "sizeof", "typedef",
};

static int eq(const unsigned char *w, unsigned len, const char *k) {
    unsigned i = 0;
    for (; i < len && k[i]; i++)
        if (w[i] != (unsigned char)k[i]) return 0;
    return i == len && k[i] == 0;
}

unsigned kw(const unsigned char *text, unsigned n, unsigned *counts) {
    unsigned unknown = 0;
    for (int k = 0; k < 16; k++) counts[k] = 0;
    unsigned i = 0;
    while (i < n) {
        while (i < n && (text[i] == ' ' || text[i] == 0)) i++;
        unsigned start = i;
        while (i < n && text[i] != ' ' && text[i] != 0) i++;
        if (i == start) break;
        int found = 0;
        for (int k = 0; k < 16 && !found; k++)
            if (eq(text + start, i - start, keywords[k])) { counts[k]++; found = 1; }
        if (!found) unknown++;
    }
    return unknown;
}
