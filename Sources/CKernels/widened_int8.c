// int8 matrix products through int16 multiply-adds (AVX2 vpmaddwd), for CPUs without VNNI.
//
// Without VNNI, oneDNN and most libraries multiply int8 with vpmaddubsw: u8 x s8 pairs summed
// into a saturating int16, so 8-bit weights overflow and they keep 7 bits; and oneDNN 2.6 has no
// AVX2 int8 kernel that reads weights packed in advance, so every product repacks them. Here
// weights are widened to int16 once, at load, and every product is vpmaddwd: two int16 x int16
// products summed into int32, which cannot overflow, at 16 multiply-adds per instruction (twice
// an fp32 FMA's 8). The weights stay int8 in memory (a text query streams all of them: half the
// bytes of int16) and are sign-extended to int16 as they are loaded, one instruction per 16.
#include "afa_kernels.h"
#include "tiling.h"

#include <immintrin.h>
#include <stdlib.h>
#include <string.h>

enum {
    panel_width = 16,  // output columns per panel: two ymm registers of int32
    tile_rows = 6,     // rows per tile: 12 accumulators + 2 weights + 1 input of the 16 ymm
    block_rows = 48,   // rows whose widened inputs stay in L2 while every panel passes over them
};

size_t afa_widened_count(int n, int k) {
    return (size_t)((n + panel_width - 1) / panel_width) * panel_width * (size_t)((k + 1) / 2) * 2;
}

void afa_widened_pack(const int8_t *w, int n, int k, int8_t *packed) {
    int pairs = (k + 1) / 2;
    int panels = (n + panel_width - 1) / panel_width;
    for (int p = 0; p < panels; p++) {
        for (int q = 0; q < pairs; q++) {
            int8_t *line = packed + ((size_t)p * pairs + q) * panel_width * 2;
            for (int c = 0; c < panel_width; c++) {
                int column = p * panel_width + c;
                for (int h = 0; h < 2; h++) {
                    int j = 2 * q + h;
                    line[2 * c + h] = column < n && j < k ? w[(size_t)column * k + j] : 0;
                }
            }
        }
    }
}

// One tile: `rows` (at most tile_rows) rows of widened input x (row stride `stride` int16) times
// one panel, over `pairs` k pairs. Inlined with a constant `rows`, so the loops unroll and the
// accumulators live in registers.
__attribute__((target("avx2,fma"), always_inline)) static inline void tile(
    int rows, const int16_t *x, int stride, const int8_t *panel, int pairs, const float *scales, const float *rowScales,
    const float *bias, float *y, int ldy, int columns, int accumulate) {
    __m256i sum[tile_rows][2];
    for (int i = 0; i < rows; i++) {
        sum[i][0] = _mm256_setzero_si256();
        sum[i][1] = _mm256_setzero_si256();
    }
    for (int q = 0; q < pairs; q++) {
        // Columns 0-7 and 8-15 of the pair, each column's two k adjacent: as vpmaddwd pairs them.
        __m256i w0 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(panel + (size_t)q * 32)));
        __m256i w1 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(panel + (size_t)q * 32 + 16)));
        for (int i = 0; i < rows; i++) {
            int32_t pair;  // x[i, 2q] and x[i, 2q+1], broadcast to every lane
            memcpy(&pair, x + (size_t)i * stride + 2 * q, sizeof pair);
            __m256i a = _mm256_set1_epi32(pair);
            sum[i][0] = _mm256_add_epi32(sum[i][0], _mm256_madd_epi16(a, w0));
            sum[i][1] = _mm256_add_epi32(sum[i][1], _mm256_madd_epi16(a, w1));
        }
    }
    __m256 s0 = _mm256_loadu_ps(scales), s1 = _mm256_loadu_ps(scales + 8);
    __m256 b0 = _mm256_loadu_ps(bias), b1 = _mm256_loadu_ps(bias + 8);
    for (int i = 0; i < rows; i++) {
        __m256 row = _mm256_set1_ps(rowScales[i]);
        __m256 y0 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sum[i][0]), _mm256_mul_ps(s0, row), b0);
        __m256 y1 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sum[i][1]), _mm256_mul_ps(s1, row), b1);
        afa_store_row(y + (size_t)i * ldy, y0, y1, columns, accumulate);
    }
}

__attribute__((target("avx2,fma"))) void afa_widened_gemm_avx2(
    const int8_t *x, const float *rowScales, int m, int k, const int8_t *packed, const float *scales, const float *bias,
    int first, int last, float *y, int ldy, int accumulate) {
    int pairs = (k + 1) / 2;
    int stride = pairs * 2;
    // The block's inputs widened once, padded to whole pairs; shared by every panel.
    int16_t *widened = malloc(sizeof(int16_t) * (size_t)(block_rows + block_rows / 2) * stride);
    if (!widened) abort();
    for (int start = 0, count; start < m; start += count) {
        count = afa_block_count(m - start, block_rows);
        for (int r = 0; r < count; r++) {
            const int8_t *source = x + (size_t)(start + r) * k;
            int16_t *row = widened + (size_t)r * stride;
            int j = 0;
            for (; j + 16 <= k; j += 16) {
                __m128i bytes = _mm_loadu_si128((const __m128i *)(source + j));
                _mm256_storeu_si256((__m256i *)(row + j), _mm256_cvtepi8_epi16(bytes));
            }
            for (; j < k; j++) row[j] = source[j];
            if (stride > k) row[k] = 0;
        }
        for (int column = first; column < last; column += panel_width) {
            int columns = last - column < panel_width ? last - column : panel_width;
            float panelScales[panel_width] = {0}, panelBias[panel_width] = {0};
            memcpy(panelScales, scales + column, sizeof(float) * (size_t)columns);
            if (bias) memcpy(panelBias, bias + column, sizeof(float) * (size_t)columns);
            const int8_t *panel = packed + (size_t)(column / panel_width) * pairs * panel_width * 2;
            float *out = y + (size_t)start * ldy + column;
            for (int r = 0, rows; r < count; r += rows) {
                rows = afa_tile_count(count - r, tile_rows);
                const int16_t *in = widened + (size_t)r * stride;
                const float *scale = rowScales + start + r;
                float *at = out + (size_t)r * ldy;
                switch (rows) {
                    case 6: tile(6, in, stride, panel, pairs, panelScales, scale, panelBias, at, ldy, columns, accumulate); break;
                    case 5: tile(5, in, stride, panel, pairs, panelScales, scale, panelBias, at, ldy, columns, accumulate); break;
                    case 4: tile(4, in, stride, panel, pairs, panelScales, scale, panelBias, at, ldy, columns, accumulate); break;
                    case 3: tile(3, in, stride, panel, pairs, panelScales, scale, panelBias, at, ldy, columns, accumulate); break;
                    case 2: tile(2, in, stride, panel, pairs, panelScales, scale, panelBias, at, ldy, columns, accumulate); break;
                    default: tile(1, in, stride, panel, pairs, panelScales, scale, panelBias, at, ldy, columns, accumulate); break;
                }
            }
        }
    }
    free(widened);
}
