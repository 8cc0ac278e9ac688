#ifndef DPSYNTH_WIDE_EXPONENTIAL_H
#define DPSYNTH_WIDE_EXPONENTIAL_H
#include <stddef.h>

/* Whether this processor and operating system run AVX2 (checked once with CPUID and XGETBV). */
int dpsynth_wide_exponential_available(void);

/* out[i] = exp(x[i] - shift) for i below count rounded down to a multiple of 8, in AVX2 lanes,
   by exactly the operations of DPGenerators' FastExponential.exp (so the same bits); returns how
   many values it wrote. Call only when dpsynth_wide_exponential_available() is nonzero. */
size_t dpsynth_wide_exponential(const double *x, double shift, double *out, size_t count);

#endif
