// How the kernels cut the rows of a product and write a tile's rows, shared by packed_sgemm.c and
// widened_int8.c.
#ifndef AFA_TILING_H
#define AFA_TILING_H

#include <immintrin.h>

// Rows the next block takes: `block_rows`, except that a last block shorter than half of one joins
// the one before, so 50 rows (one image) pass over every panel once, not as 48 and then 2.
static inline int afa_block_count(int left, int block_rows) {
    return left < block_rows + block_rows / 2 ? left : block_rows;
}

// Rows the next tile takes: `tile_rows`, except that a little more than one tile goes as two
// near-equal ones (7 as 4 + 3, 8 as 4 + 4, 9 as 5 + 4): a tile of one or two rows streams the whole
// panel for almost no work.
static inline int afa_tile_count(int left, int tile_rows) {
    if (left > tile_rows && left <= tile_rows + tile_rows / 2) return (left + 1) / 2;
    return left < tile_rows ? left : tile_rows;
}

// Writes (or adds) one row of a 16-column tile, y0 its columns 0-7 and y1 8-15, to `out`, of which
// only `columns` exist (the last panel of a product may be narrower).
__attribute__((target("avx2,fma"), always_inline)) static inline void afa_store_row(
    float *out, __m256 y0, __m256 y1, int columns, int accumulate) {
    if (columns == 16) {
        if (accumulate) {
            y0 = _mm256_add_ps(y0, _mm256_loadu_ps(out));
            y1 = _mm256_add_ps(y1, _mm256_loadu_ps(out + 8));
        }
        _mm256_storeu_ps(out, y0);
        _mm256_storeu_ps(out + 8, y1);
    } else {
        float full[16];
        _mm256_storeu_ps(full, y0);
        _mm256_storeu_ps(full + 8, y1);
        for (int c = 0; c < columns; c++) out[c] = accumulate ? out[c] + full[c] : full[c];
    }
}
#endif
