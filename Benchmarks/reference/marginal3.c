/* Reference for the 10-million-row marginal benchmark: the plain C counting loop over the same
 * layout (three uint16 code columns, uint32 counts), compiled with gcc -O3. Prints the median
 * milliseconds of 15 runs. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { ROWS = 10000000, A = 100, B = 50, C = 20, RUNS = 15 };

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int compare(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

int main(void) {
    uint16_t *a = malloc(ROWS * sizeof *a), *b = malloc(ROWS * sizeof *b), *c = malloc(ROWS * sizeof *c);
    uint32_t *counts = malloc(A * B * C * sizeof *counts);
    uint64_t state = 88172645463325252ULL;
    for (int r = 0; r < ROWS; r++) {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17;
        a[r] = state % A; b[r] = (state >> 20) % B; c[r] = (state >> 40) % C;
    }
    double times[RUNS];
    uint64_t check = 0;
    for (int run = 0; run < RUNS; run++) {
        double start = now_ms();
        memset(counts, 0, A * B * C * sizeof *counts);
        for (int r = 0; r < ROWS; r++) counts[((uint32_t)a[r] * B + b[r]) * C + c[r]]++;
        times[run] = now_ms() - start;
        check += counts[run];
    }
    qsort(times, RUNS, sizeof *times, compare);
    printf("C -O3 10M-row 3-way marginal: median %.2f ms (checksum %llu)\n", times[RUNS / 2], (unsigned long long)check);
    return 0;
}
