/* FastExponential.exp in AVX2 lanes. The operations, their order and their constants are those of
   Sources/DPGenerators/FastExponential.swift, each rounded on its own (no fused multiply-add, so
   this file is compiled with contraction off), so both give the same bits for every input. */
#include "wide_exponential.h"

#include <cpuid.h>
#include <immintrin.h>
#include <stdint.h>

#pragma STDC FP_CONTRACT OFF

int dpsynth_wide_exponential_available(void) {
    static int known = -1;
    if (known >= 0) return known;
    unsigned int a, b, c, d;
    int available = 0;
    if (__get_cpuid(1, &a, &b, &c, &d) && (c & bit_OSXSAVE) && (c & bit_AVX)) {
        unsigned int low, high;
        __asm__ volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
        if ((low & 6) == 6 && __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_AVX2)) available = 1;
    }
    known = available;
    return available;
}

__attribute__((target("avx2"))) static inline __m256d exponential4(__m256d y) {
    const __m256d low = _mm256_set1_pd(-708.0);
    const __m256d high = _mm256_set1_pd(709.0);
    const __m256d rounding = _mm256_set1_pd(6755399441055744.0);
    __m256d x = _mm256_blendv_pd(y, low, _mm256_cmp_pd(y, low, _CMP_NGE_UQ));
    x = _mm256_blendv_pd(x, high, _mm256_cmp_pd(y, high, _CMP_GT_OQ));
    __m256d shifted = _mm256_add_pd(_mm256_mul_pd(x, _mm256_set1_pd(1.4426950408889634)), rounding);
    __m256d k = _mm256_sub_pd(shifted, rounding);
    __m256d r = _mm256_sub_pd(
        _mm256_sub_pd(x, _mm256_mul_pd(k, _mm256_set1_pd(6.93147180369123816490e-01))),
        _mm256_mul_pd(k, _mm256_set1_pd(1.90821492927058770002e-10)));
    static const double coefficients[] = {
        2.505210838544172e-08, 2.755731922398589e-07, 2.7557319223985893e-06, 2.48015873015873e-05,
        0.0001984126984126984, 0.001388888888888889, 0.008333333333333333, 0.041666666666666664,
        0.16666666666666666, 0.5, 1.0, 1.0,
    };
    __m256d p = _mm256_set1_pd(2.08767569878681e-09);
    for (int term = 0; term < 12; term++)
        p = _mm256_add_pd(_mm256_mul_pd(p, r), _mm256_set1_pd(coefficients[term]));
    __m256i bits = _mm256_slli_epi64(_mm256_add_epi64(_mm256_castpd_si256(shifted), _mm256_set1_epi64x(1023)), 52);
    __m256d result = _mm256_mul_pd(p, _mm256_castsi256_pd(bits));
    result = _mm256_blendv_pd(result, _mm256_setzero_pd(), _mm256_cmp_pd(y, low, _CMP_LT_OQ));
    result = _mm256_blendv_pd(result, _mm256_set1_pd(__builtin_inf()), _mm256_cmp_pd(y, high, _CMP_GT_OQ));
    result = _mm256_blendv_pd(result, y, _mm256_cmp_pd(y, y, _CMP_NEQ_UQ));
    return result;
}

/* Sixteen values at a time: four independent chains of Horner steps keep the multiplier and
   adder busy while each step waits for the one before it. */
__attribute__((target("avx2"))) size_t dpsynth_wide_exponential(const double *x, double shift, double *out, size_t count) {
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
