// The element-wise parts of the forward pass, compiled once per instruction-set tier and chosen
// by the engine at run time (with the matrix kernels' tier, so a lowered tier lowers these too).
// Swift builds for the x86-64 baseline, where its loops vectorise to 4 lanes; here they get 8
// (AVX2) or 16 (AVX-512). The loops are plain C that the compiler vectorises for each target.
#include "afa_kernels.h"

#include <math.h>
#include <string.h>

// exp(x) with relative error below 2e-7: x = n ln2 + r, |r| <= ln2/2, a degree-6 polynomial for
// e^r and 2^n written into the exponent bits. Branch-free, so loops over it vectorise.
static inline __attribute__((always_inline)) float fast_exp(float x) {
    float clamped = fminf(fmaxf(x, -87.3f), 88.3f);
    const float shift = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer in the low bits
    float shifted = clamped * 1.44269504f + shift;
    float n = shifted - shift;
    float r = clamped - n * 0.69314575f - n * 1.4286068e-6f;
    float p = 1.0f / 720;
    p = p * r + 1.0f / 120;
    p = p * r + 1.0f / 24;
    p = p * r + 1.0f / 6;
    p = p * r + 0.5f;
    p = p * r + 1;
    p = p * r + 1;
    int32_t bits;
    memcpy(&bits, &shifted, sizeof bits);
    bits = (bits - 0x4B400000 + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

#define AFA_ELEMENTWISE(SUFFIX, ATTRIBUTES)                                                                      \
    ATTRIBUTES void afa_quick_gelu_##SUFFIX(float *x, size_t count) {                                          \
        for (size_t i = 0; i < count; i++) x[i] = x[i] / (1.0f + fast_exp(-1.702f * x[i]));                    \
    }                                                                                                          \
                                                                                                               \
    ATTRIBUTES void afa_softmax_##SUFFIX(float *row, int count, int length) {                                  \
        float maximum = -INFINITY;                                                                             \
        for (int j = 0; j < count; j++) maximum = fmaxf(maximum, row[j]);                                      \
        float sum = 0;                                                                                         \
        for (int j = 0; j < count; j++) {                                                                      \
            row[j] = fast_exp(row[j] - maximum);                                                               \
            sum += row[j];                                                                                     \
        }                                                                                                      \
        float inverse = 1 / sum;                                                                               \
        for (int j = 0; j < count; j++) row[j] *= inverse;                                                     \
        for (int j = count; j < length; j++) row[j] = 0;                                                       \
    }                                                                                                          \
                                                                                                               \
    ATTRIBUTES float afa_quantize_row_##SUFFIX(const float *x, int count, int8_t *out) {                       \
        float largest = 0;                                                                                     \
        for (int j = 0; j < count; j++) largest = fmaxf(largest, fabsf(x[j]));                                 \
        float scale = largest > 0 && largest <= 3.4e38f ? largest / 127 : 1;                                   \
        float inverse = 1 / scale;                                                                             \
        for (int j = 0; j < count; j++) {                                                                      \
            /* Rounds to nearest even through the 1.5 * 2^23 shift; clamped, so a NaN cannot trap. */          \
            float shifted = fminf(fmaxf(x[j] * inverse, -127), 127) + 12582912.0f;                             \
            int32_t bits;                                                                                      \
            memcpy(&bits, &shifted, sizeof bits);                                                              \
            out[j] = (int8_t)(bits - 0x4B400000);                                                              \
        }                                                                                                      \
        return scale;                                                                                          \
    }                                                                                                          \
                                                                                                               \
    ATTRIBUTES void afa_scale_rows_##SUFFIX(                                                                   \
        const float *product, int rows, int width, const float *rowScales, const float *bias, float *y, int ldy, \
        int accumulate) {                                                                                      \
        for (int r = 0; r < rows; r++) {                                                                       \
            const float *p = product + (size_t)r * width;                                                      \
            float *restrict out = y + (size_t)r * ldy;                                                         \
            float scale = rowScales[r];                                                                        \
            if (accumulate) {                                                                                  \
                for (int j = 0; j < width; j++) out[j] += p[j] * scale + (bias ? bias[j] : 0);                 \
            } else {                                                                                           \
                for (int j = 0; j < width; j++) out[j] = p[j] * scale + (bias ? bias[j] : 0);                  \
            }                                                                                                  \
        }                                                                                                      \
    }

AFA_ELEMENTWISE(avx512, __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma"))))
AFA_ELEMENTWISE(avx2, __attribute__((target("avx2,fma"))))
AFA_ELEMENTWISE(baseline, )
