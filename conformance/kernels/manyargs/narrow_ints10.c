//! about 10 narrow integer arguments (i8/u8/i16/u16 sign/zero extension at the ABI boundary) plus a pointer at the end
//! fn narrow(a: i8, b: u8, c: i16, d: u16, e: i8, f: u8, g: i16, h: u16, i: i32, j: u32, out: *i64) -> i32
//! arg a = -128
//! arg b = 255
//! arg c = -32768
//! arg d = 65535
//! arg e = -1
//! arg f = 128
//! arg g = 12345
//! arg h = 40000
//! arg i = -2000000000
//! arg j = 4000000000
//! buf out: i64[10] out

int narrow(signed char a, unsigned char b, short c, unsigned short d, signed char e, unsigned char f,
           short g, unsigned short h, int i, unsigned j, long long *out) {
    out[0] = a; out[1] = b; out[2] = c; out[3] = d; out[4] = e;
    out[5] = f; out[6] = g; out[7] = h; out[8] = i; out[9] = j;
    return a + b + c + d + e + f + g + h;
}
