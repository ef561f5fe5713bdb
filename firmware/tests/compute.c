/*
 * CRC-32, quicksort and integer matrix multiply, checked against constants computed
 * independently by workloads/reference.py (zlib's CRC-32, Python's sort and arithmetic).
 */
#include "check.h"
#include "workloads.h"

#include <string.h>

int main(void)
{
    puts("compute: CRC-32, quicksort, matrix multiply");

    const char *crc_check_input = "123456789";
    uint32_t check_crc = workload_crc32((const uint8_t *)crc_check_input, strlen(crc_check_input));
    check_equal(check_crc, 0xcbf43926, "CRC-32 of \"123456789\" is the standard check value");

    struct workload_results results;
    workload_run_round(1, &results);
    printf("  crc=0x%08lx sort_checksum=0x%08lx matrix_checksum=0x%08lx\n",
           (unsigned long)results.crc, (unsigned long)results.sort_checksum,
           (unsigned long)results.matrix_checksum);
    check_equal(results.crc, 0x5b24a61a, "CRC-32 of 4096 pseudo-random bytes");
    check(results.sorted, "quicksort output is ascending");
    check_equal(results.sort_checksum, 0x13e6a06a, "weighted checksum of the sorted words");
    check_equal(results.matrix_checksum, 0xec646592, "checksum of the 24x24 matrix product");

    return check_verdict("compute");
}
