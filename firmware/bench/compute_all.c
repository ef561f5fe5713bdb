/*
 * Scale benchmark: every core runs BENCH_ROUNDS rounds of the compute kernels (CRC-32, quicksort,
 * matrix multiply) on its own SRAM, independently, and checks the folded checksum that
 * workloads/reference.py computed. scripts/scale-bench runs it on all cores of a D1 chip and on
 * one core, to compare aggregate with single-core speed.
 */
#include "workloads.h"

#include <stdio.h>

#define BENCH_ROUNDS 10
#define EXPECTED_FOLDED_CHECKSUM 0x5eec63df /* workloads/reference.py 10 */

int main(void)
{
    unsigned unsorted_rounds = 0;
    const uint32_t folded = workload_run_rounds(BENCH_ROUNDS, &unsorted_rounds);
    if (unsorted_rounds != 0 || folded != EXPECTED_FOLDED_CHECKSUM) {
        printf("compute_all: checksum 0x%08lx (expected 0x%08lx), %u unsorted: FAIL\n",
               (unsigned long)folded, (unsigned long)EXPECTED_FOLDED_CHECKSUM, unsorted_rounds);
        return 1;
    }
    return 0;
}
