#ifndef AFA_KERNELS_H
#define AFA_KERNELS_H
// Matrix kernels of the CLIP engine's own, for the CPUs whose libraries lack a good one.
// Each is compiled for its instruction set with a function attribute and chosen at run time, so
// the binary still runs (and never calls them) on CPUs without it.
#include <stddef.h>
#include <stdint.h>

// The spin-wait hint (x86 `pause`): a thread waiting for another in a tight loop tells the core,
// which lets the sibling hyper-thread run and saves power. Nothing elsewhere.
static inline void afa_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

// int8 products without VNNI, widened to int16 (vpmaddwd): full 8-bit weights and inputs, no
// saturation, int32 accumulation.
//
// Weights W [n, k] (row-major int8) are packed once into panels of 16 output columns, each k pair
// of a panel 16 x 2 int8, widened to int16 as the kernel loads them: afa_widened_count(n, k) bytes.
size_t afa_widened_count(int n, int k);
void afa_widened_pack(const int8_t *w, int n, int k, int8_t *packed);

// y[r * ldy + c] (+)= rowScales[r] * scales[c] * sum_j x[r * k + j] * W[c, j] + bias[c], for rows
// r < m and the columns c in [first, last) (first a multiple of 16); bias may be NULL.
// AVX2 + FMA only.
void afa_widened_gemm_avx2(
    const int8_t *x, const float *rowScales, int m, int k, const int8_t *packed, const float *scales, const float *bias,
    int first, int last, float *y, int ldy, int accumulate);

// float32 products with weights packed once, for CPUs whose oneDNN kernels repack them on every
// call (oneDNN 2.6 below AVX-512). W [n, k] (row-major) is packed into panels of 16 output
// columns, each k of a panel 16 floats (one 64-byte line): afa_panels_count(n, k) floats.
size_t afa_panels_count(int n, int k);
void afa_panels_pack(const float *w, int n, int k, float *packed);

// y[r * ldy + c] (+)= bias[c] + sum_j x[r * ldx + j] * W[c, j] for rows r < m and the columns c
// in [first, last) (first a multiple of 16); bias may be NULL. AVX2 + FMA only.
void afa_sgemm_avx2(
    const float *x, int m, int k, int ldx, const float *packed, const float *bias, int first, int last, float *y,
    int ldy, int accumulate);

// Element-wise kernels, one of each per tier (suffix avx512, avx2 or baseline); the engine calls
// the one of its tier.
//   quick_gelu:   x = x * sigmoid(1.702 x), in place
//   softmax:      the first `count` of a row of `length` become their softmax, the rest 0
//   quantize_row: symmetric int8 of one row (round to nearest even); returns its scale
//   scale_rows:   y[r, j] (+)= product[r, j] * rowScales[r] + bias[j] (bias may be NULL)
#define AFA_ELEMENTWISE_DECLARATIONS(SUFFIX)                                                                   \
    void afa_quick_gelu_##SUFFIX(float *x, size_t count);                                                      \
    void afa_softmax_##SUFFIX(float *row, int count, int length);                                              \
    float afa_quantize_row_##SUFFIX(const float *x, int count, int8_t *out);                                   \
    void afa_scale_rows_##SUFFIX(                                                                              \
        const float *product, int rows, int width, const float *rowScales, const float *bias, float *y, int ldy, \
        int accumulate);
AFA_ELEMENTWISE_DECLARATIONS(avx512)
AFA_ELEMENTWISE_DECLARATIONS(avx2)
AFA_ELEMENTWISE_DECLARATIONS(baseline)

// Whether the calling thread is in a latency-bound forward pass (a text query), whose parallel
// regions are short: a thread-local flag the engine's worker team reads for each region (Swift has
// no thread-local storage of its own).
void afa_set_short_regions(int on);
int afa_short_regions(void);

#endif
