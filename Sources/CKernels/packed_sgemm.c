// float32 matrix products over weights packed once (AVX2 + FMA), for the CPUs where oneDNN 2.6
// has no kernel that reads packed weights: its AVX2 sgemm repacks W on every call, which is most
// of a text query's time (16 rows against 150 MB of weights) and a third of a small batch's.
#include "afa_kernels.h"
#include "tiling.h"

#include <immintrin.h>
#include <string.h>

enum {
    panel_width = 16,  // output columns per panel: two ymm registers
    tile_rows = 6,     // rows per tile: 12 accumulators + 2 weights + 1 input of the 16 ymm
    block_rows = 24,   // rows that stay in L2 while every panel passes over them
};

size_t afa_panels_count(int n, int k) {
    return (size_t)((n + panel_width - 1) / panel_width) * panel_width * (size_t)k;
}

void afa_panels_pack(const float *w, int n, int k, float *packed) {
    int panels = (n + panel_width - 1) / panel_width;
    for (int p = 0; p < panels; p++) {
        for (int j = 0; j < k; j++) {
            float *line = packed + ((size_t)p * k + j) * panel_width;
            for (int c = 0; c < panel_width; c++) {
                int column = p * panel_width + c;
                line[c] = column < n ? w[(size_t)column * k + j] : 0;
            }
        }
    }
}

// One tile: `rows` (at most tile_rows) rows of x times one panel. Inlined with a constant `rows`,
// so the loops unroll and the accumulators live in registers.
__attribute__((target("avx2,fma"), always_inline)) static inline void tile(
    int rows, const float *x, int ldx, const float *panel, int k, const float *bias, float *y, int ldy, int columns,
    int accumulate) {
    __m256 sum[tile_rows][2];
    for (int i = 0; i < rows; i++) {
        sum[i][0] = _mm256_setzero_ps();
        sum[i][1] = _mm256_setzero_ps();
    }
    for (int j = 0; j < k; j++) {
        __m256 w0 = _mm256_loadu_ps(panel + (size_t)j * panel_width);
        __m256 w1 = _mm256_loadu_ps(panel + (size_t)j * panel_width + 8);
        for (int i = 0; i < rows; i++) {
            __m256 a = _mm256_broadcast_ss(x + (size_t)i * ldx + j);
            sum[i][0] = _mm256_fmadd_ps(a, w0, sum[i][0]);
            sum[i][1] = _mm256_fmadd_ps(a, w1, sum[i][1]);
        }
    }
    __m256 b0 = _mm256_loadu_ps(bias), b1 = _mm256_loadu_ps(bias + 8);
    for (int i = 0; i < rows; i++) {
        afa_store_row(
            y + (size_t)i * ldy, _mm256_add_ps(sum[i][0], b0), _mm256_add_ps(sum[i][1], b1), columns, accumulate);
    }
}

__attribute__((target("avx2,fma"))) void afa_sgemm_avx2(
    const float *x, int m, int k, int ldx, const float *packed, const float *bias, int first, int last, float *y,
    int ldy, int accumulate) {
    for (int start = 0, count; start < m; start += count) {
        count = afa_block_count(m - start, block_rows);
        for (int column = first; column < last; column += panel_width) {
            int columns = last - column < panel_width ? last - column : panel_width;
            float panelBias[panel_width] = {0};
            if (bias) memcpy(panelBias, bias + column, sizeof(float) * (size_t)columns);
            const float *panel = packed + (size_t)(column / panel_width) * k * panel_width;
            const float *in = x + (size_t)start * ldx;
            float *out = y + (size_t)start * ldy + column;
            for (int r = 0, rows; r < count; r += rows) {
                rows = afa_tile_count(count - r, tile_rows);
                const float *at = in + (size_t)r * ldx;
                float *to = out + (size_t)r * ldy;
                switch (rows) {
                    case 6: tile(6, at, ldx, panel, k, panelBias, to, ldy, columns, accumulate); break;
                    case 5: tile(5, at, ldx, panel, k, panelBias, to, ldy, columns, accumulate); break;
                    case 4: tile(4, at, ldx, panel, k, panelBias, to, ldy, columns, accumulate); break;
                    case 3: tile(3, at, ldx, panel, k, panelBias, to, ldy, columns, accumulate); break;
                    case 2: tile(2, at, ldx, panel, k, panelBias, to, ldy, columns, accumulate); break;
                    default: tile(1, at, ldx, panel, k, panelBias, to, ldy, columns, accumulate); break;
                }
            }
        }
    }
}
