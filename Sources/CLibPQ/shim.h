#ifndef DPSYNTH_CLIBPQ_SHIM_H
#define DPSYNTH_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
