#ifndef DPSYNTH_CGMP_SHIM_H
#define DPSYNTH_CGMP_SHIM_H
#include <gmp.h>

/* GMP's mpz_sgn and mpq_sgn are function-like macros that Swift cannot import. */
static inline int dpsynth_mpz_sgn(const mpz_t value) { return mpz_sgn(value); }
static inline int dpsynth_mpq_sgn(const mpq_t value) { return mpq_sgn(value); }
/* mpz_odd_p is a macro as well. */
static inline int dpsynth_mpz_odd(const mpz_t value) { return mpz_odd_p(value); }
/* mpq_numref / mpq_denref are macros returning the parts of a rational. */
static inline mpz_ptr dpsynth_mpq_num(mpq_ptr value) { return mpq_numref(value); }
static inline mpz_ptr dpsynth_mpq_den(mpq_ptr value) { return mpq_denref(value); }
#endif
