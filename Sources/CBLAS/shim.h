#ifndef DPSYNTH_CBLAS_SHIM_H
#define DPSYNTH_CBLAS_SHIM_H
#include <cblas.h>
/* OpenBLAS: set the number of threads its kernels use. */
void openblas_set_num_threads(int num_threads);
#endif
