// How the kernels cut the rows of a product, shared by packed_sgemm.c and widened_int8.c.
#ifndef AFA_TILING_H
#define AFA_TILING_H

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
#endif
