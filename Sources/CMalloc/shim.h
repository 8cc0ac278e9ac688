#ifndef DPSYNTH_CMALLOC_SHIM_H
#define DPSYNTH_CMALLOC_SHIM_H
/* glibc's allocator settings (mallopt). */
#include <malloc.h>
#endif
