//! about Towers of Hanoi: recursion recording moves into an out buffer
//! fn hanoi(disks: u32, moves: *u8) -> u32
//! arg disks = 9
//! buf moves: u8[1024] out

static unsigned count;
static void move(unsigned k, unsigned from, unsigned to, unsigned via, unsigned char *moves) {
    if (k == 0) return;
    move(k - 1, from, via, to, moves);
    if (count < 1024) moves[count] = (unsigned char)(from * 16 + to);
    count++;
    move(k - 1, via, to, from, moves);
}

unsigned hanoi(unsigned disks, unsigned char *moves) {
    count = 0;
    for (int i = 0; i < 1024; i++) moves[i] = 0;
    move(disks, 1, 3, 2, moves);
    return count;
}
