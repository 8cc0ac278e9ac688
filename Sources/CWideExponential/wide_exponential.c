/* FastExponential.exp in AVX2 or AVX-512 lanes. The operations, their order and their constants are those of
   Sources/DPGenerators/FastExponential.swift, each rounded on its own (no fused multiply-add, so
   this file is compiled with contraction off), so both give the same bits for every input. The two
   widths are written out in their own intrinsics (AVX2 compares into vectors, AVX-512 into mask
   registers) rather than in generic vectors, so that no multiply and add can be fused; the tests
   compare each with the Swift lanes bit for bit, which keeps the three copies of the formula equal. */
#include "wide_exponential.h"

#include <cpuid.h>
#include <immintrin.h>
#include <stdint.h>

#pragma STDC FP_CONTRACT OFF

int dpsynth_wide_exponential_width(void) {
    static int known = -1;
    if (known >= 0) return known;
    unsigned int a, b, c, d;
    int available = 0;
    if (__get_cpuid(1, &a, &b, &c, &d) && (c & bit_OSXSAVE) && (c & bit_AVX)) {
        unsigned int low, high;
        __asm__ volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
        if ((low & 6) == 6 && __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_AVX2)) {
            available = 4;
            /* AVX-512 as well, with the operating system saving its mask and upper registers. */
            if ((low & 0xE6) == 0xE6 && (b & bit_AVX512F)) available = 8;
        }
    }
    known = available;
    return available;
}

/* The formula's constants, once for both lane widths: the clamp, the round-to-integer shift
   (2^52 + 2^51), log2(e), ln 2 split in a high and a low part, and the Taylor polynomial's
   coefficients 1/12!, 1/11!, ..., 1/0! by Horner steps (the first outside the table). */
static const double clamp_low = -708.0, clamp_high = 709.0, rounding_shift = 6755399441055744.0;
static const double log2_e = 1.4426950408889634;
static const double ln2_high = 6.93147180369123816490e-01, ln2_low = 1.90821492927058770002e-10;
static const double leading_coefficient = 2.08767569878681e-09;
static const double coefficients[12] = {
    2.505210838544172e-08, 2.755731922398589e-07, 2.7557319223985893e-06, 2.48015873015873e-05,
    0.0001984126984126984, 0.001388888888888889, 0.008333333333333333, 0.041666666666666664,
    0.16666666666666666, 0.5, 1.0, 1.0,
};

__attribute__((target("avx2"))) static inline __m256d exponential4(__m256d y) {
    const __m256d low = _mm256_set1_pd(clamp_low);
    const __m256d high = _mm256_set1_pd(clamp_high);
    const __m256d rounding = _mm256_set1_pd(rounding_shift);
    __m256d x = _mm256_blendv_pd(y, low, _mm256_cmp_pd(y, low, _CMP_NGE_UQ));
    x = _mm256_blendv_pd(x, high, _mm256_cmp_pd(y, high, _CMP_GT_OQ));
    __m256d shifted = _mm256_add_pd(_mm256_mul_pd(x, _mm256_set1_pd(log2_e)), rounding);
    __m256d k = _mm256_sub_pd(shifted, rounding);
    __m256d r = _mm256_sub_pd(
        _mm256_sub_pd(x, _mm256_mul_pd(k, _mm256_set1_pd(ln2_high))),
        _mm256_mul_pd(k, _mm256_set1_pd(ln2_low)));
    __m256d p = _mm256_set1_pd(leading_coefficient);
    for (int term = 0; term < 12; term++)
        p = _mm256_add_pd(_mm256_mul_pd(p, r), _mm256_set1_pd(coefficients[term]));
    __m256i bits = _mm256_slli_epi64(_mm256_add_epi64(_mm256_castpd_si256(shifted), _mm256_set1_epi64x(1023)), 52);
    __m256d result = _mm256_mul_pd(p, _mm256_castsi256_pd(bits));
    result = _mm256_blendv_pd(result, _mm256_setzero_pd(), _mm256_cmp_pd(y, low, _CMP_LT_OQ));
    result = _mm256_blendv_pd(result, _mm256_set1_pd(__builtin_inf()), _mm256_cmp_pd(y, high, _CMP_GT_OQ));
    result = _mm256_blendv_pd(result, y, _mm256_cmp_pd(y, y, _CMP_NEQ_UQ));
    return result;
}

__attribute__((target("avx512f"))) static inline __m512d exponential8(__m512d y) {
    const __m512d low = _mm512_set1_pd(clamp_low);
    const __m512d high = _mm512_set1_pd(clamp_high);
    const __m512d rounding = _mm512_set1_pd(rounding_shift);
    __m512d x = _mm512_mask_blend_pd(_mm512_cmp_pd_mask(y, low, _CMP_NGE_UQ), y, low);
    x = _mm512_mask_blend_pd(_mm512_cmp_pd_mask(y, high, _CMP_GT_OQ), x, high);
    __m512d shifted = _mm512_add_pd(_mm512_mul_pd(x, _mm512_set1_pd(log2_e)), rounding);
    __m512d k = _mm512_sub_pd(shifted, rounding);
    __m512d r = _mm512_sub_pd(
        _mm512_sub_pd(x, _mm512_mul_pd(k, _mm512_set1_pd(ln2_high))),
        _mm512_mul_pd(k, _mm512_set1_pd(ln2_low)));
    __m512d p = _mm512_set1_pd(leading_coefficient);
    for (int term = 0; term < 12; term++)
        p = _mm512_add_pd(_mm512_mul_pd(p, r), _mm512_set1_pd(coefficients[term]));
    __m512i bits = _mm512_slli_epi64(_mm512_add_epi64(_mm512_castpd_si512(shifted), _mm512_set1_epi64(1023)), 52);
    __m512d result = _mm512_mul_pd(p, _mm512_castsi512_pd(bits));
    result = _mm512_mask_blend_pd(_mm512_cmp_pd_mask(y, low, _CMP_LT_OQ), result, _mm512_setzero_pd());
    result = _mm512_mask_blend_pd(_mm512_cmp_pd_mask(y, high, _CMP_GT_OQ), result, _mm512_set1_pd(__builtin_inf()));
    result = _mm512_mask_blend_pd(_mm512_cmp_pd_mask(y, y, _CMP_NEQ_UQ), result, y);
    return result;
}

/* Thirty-two values at a time in AVX-512 lanes, four chains as below. */
__attribute__((target("avx512f"))) static size_t exponential512(const double *x, double shift, double *out, size_t count) {
    const __m512d by = _mm512_set1_pd(shift);
    size_t start = 0;
    for (; start + 32 <= count; start += 32) {
        __m512d a = exponential8(_mm512_sub_pd(_mm512_loadu_pd(x + start), by));
        __m512d b = exponential8(_mm512_sub_pd(_mm512_loadu_pd(x + start + 8), by));
        __m512d c = exponential8(_mm512_sub_pd(_mm512_loadu_pd(x + start + 16), by));
        __m512d d = exponential8(_mm512_sub_pd(_mm512_loadu_pd(x + start + 24), by));
        _mm512_storeu_pd(out + start, a);
        _mm512_storeu_pd(out + start + 8, b);
        _mm512_storeu_pd(out + start + 16, c);
        _mm512_storeu_pd(out + start + 24, d);
    }
    for (; start + 8 <= count; start += 8)
        _mm512_storeu_pd(out + start, exponential8(_mm512_sub_pd(_mm512_loadu_pd(x + start), by)));
    return start;
}

/* Sixteen values at a time: four independent chains of Horner steps keep the multiplier and
   adder busy while each step waits for the one before it. */
__attribute__((target("avx2"))) static size_t exponential256(const double *x, double shift, double *out, size_t count) {
    const __m256d by = _mm256_set1_pd(shift);
    size_t start = 0;
    for (; start + 16 <= count; start += 16) {
        __m256d a = exponential4(_mm256_sub_pd(_mm256_loadu_pd(x + start), by));
        __m256d b = exponential4(_mm256_sub_pd(_mm256_loadu_pd(x + start + 4), by));
        __m256d c = exponential4(_mm256_sub_pd(_mm256_loadu_pd(x + start + 8), by));
        __m256d d = exponential4(_mm256_sub_pd(_mm256_loadu_pd(x + start + 12), by));
        _mm256_storeu_pd(out + start, a);
        _mm256_storeu_pd(out + start + 4, b);
        _mm256_storeu_pd(out + start + 8, c);
        _mm256_storeu_pd(out + start + 12, d);
    }
    for (; start + 8 <= count; start += 8) {
        __m256d a = exponential4(_mm256_sub_pd(_mm256_loadu_pd(x + start), by));
        __m256d b = exponential4(_mm256_sub_pd(_mm256_loadu_pd(x + start + 4), by));
        _mm256_storeu_pd(out + start, a);
        _mm256_storeu_pd(out + start + 4, b);
    }
    return start;
}

size_t dpsynth_wide_exponential(const double *x, double shift, double *out, size_t count, int width) {
    int available = dpsynth_wide_exponential_width();
    if (width == 8 && available >= 8) return exponential512(x, shift, out, count);
    if (width == 4 && available >= 4) return exponential256(x, shift, out, count);
    return 0;
}
