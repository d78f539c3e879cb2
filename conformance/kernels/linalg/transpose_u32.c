//! about out-of-place transpose of a rows x cols matrix, tiled 8x8
//! fn transpose(a: *u32, t: *u32, rows: u32, cols: u32)
//! arg rows = 37
//! arg cols = 53
//! buf a: u32[rows*cols] in = iota
//! buf t: u32[rows*cols] out

void transpose(const unsigned *a, unsigned *t, unsigned rows, unsigned cols) {
    for (unsigned bi = 0; bi < rows; bi += 8)
        for (unsigned bj = 0; bj < cols; bj += 8)
            for (unsigned i = bi; i < bi + 8 && i < rows; i++)
                for (unsigned j = bj; j < bj + 8 && j < cols; j++)
                    t[j * rows + i] = a[i * cols + j];
}
