#ifndef DPSYNTH_CSODIUM_SHIM_H
#define DPSYNTH_CSODIUM_SHIM_H
#include <sodium.h>
#endif
