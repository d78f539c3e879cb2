//! about reversing each word of a text in place and upper-casing ASCII letters (signed char handled explicitly)
//! fn rev(s: *i8, n: u32) -> u32
//! arg n = 160
//! buf s: i8[n] inout = text("hello world, this is a test of \xc3\xa9 bytes above 0x7f and punctuation! 123 abc XYZ")

unsigned rev(signed char *s, unsigned n) {
    unsigned words = 0, i = 0;
    while (i < n) {
        while (i < n && (s[i] == ' ' || s[i] == 0)) i++;
        unsigned a = i;
        while (i < n && s[i] != ' ' && s[i] != 0) i++;
        if (i > a) {
            words++;
            for (unsigned l = a, r = i - 1; l < r; l++, r--) {
                signed char t = s[l]; s[l] = s[r]; s[r] = t;
            }
        }
    }
    for (unsigned k = 0; k < n; k++)
        if (s[k] >= 'a' && s[k] <= 'z') s[k] = (signed char)(s[k] - 32);
    return words;
}
