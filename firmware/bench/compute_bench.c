/*
 * Compute benchmark: BENCH_ROUNDS rounds of the compute kernels (CRC-32, quicksort, matrix
 * multiply) on fresh data each round, folded into one checksum that workloads/reference.py
 * computed independently. Exits 0 only if every round sorted correctly and the checksum matches.
 */
#include "workloads.h"

#include <stdio.h>

#define BENCH_ROUNDS 1000
#define EXPECTED_FOLDED_CHECKSUM 0xcc75fd05 /* workloads/reference.py 1000 */

int main(void)
{
    unsigned unsorted_rounds = 0;
    const uint32_t folded = workload_run_rounds(BENCH_ROUNDS, &unsorted_rounds);
    int ok = unsorted_rounds == 0 && folded == EXPECTED_FOLDED_CHECKSUM;
    printf("compute_bench: %d rounds, checksum 0x%08lx (expected 0x%08lx), %u unsorted: %s\n",
           BENCH_ROUNDS, (unsigned long)folded, (unsigned long)EXPECTED_FOLDED_CHECKSUM,
           unsorted_rounds, ok ? "PASS" : "FAIL");
    return ok ? 0 : 1;
}
