#ifndef DPSYNTH_WIDE_EXPONENTIAL_H
#define DPSYNTH_WIDE_EXPONENTIAL_H
#include <stddef.h>

/* The widest lanes this processor and operating system run (checked once with CPUID and XGETBV):
   8 (AVX-512F), 4 (AVX2) or 0 (neither). */
int dpsynth_wide_exponential_width(void);

/* out[i] = exp(x[i] - shift) for i below count rounded down to a multiple of 8, in lanes of
   `width` doubles (4 or 8, at most dpsynth_wide_exponential_width()), by exactly the operations
   of DPGenerators' FastExponential.exp (so the same bits); returns how many values it wrote
   (0 when the width is not available). `out` may be `x`. */
size_t dpsynth_wide_exponential(const double *x, double shift, double *out, size_t count, int width);

#endif
