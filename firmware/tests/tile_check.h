/*
 * Checks for the tile programs, which run on thousands of cores: rank 0 prints every check as
 * check.h does, the other ranks print only their failures, naming their rank.
 */
#ifndef DOJO_TEST_TILE_CHECK_H
#define DOJO_TEST_TILE_CHECK_H

#include "check.h"

#include <dojo/tile.h>

static inline void tile_check_equal(uint64_t actual, uint64_t expected, const char *what)
{
    uint32_t rank = dojo_my_rank();
    if (rank == 0) {
        check_equal(actual, expected, what);
    } else if (actual != expected) {
        printf("  FAIL rank %u: %s: got 0x%llx, expected 0x%llx\n", (unsigned)rank, what,
               (unsigned long long)actual, (unsigned long long)expected);
        check_failures++;
    }
}

static inline void tile_check(int ok, const char *what)
{
    tile_check_equal(ok != 0, 1, what);
}

/* Rank 0 prints its verdict, the others only a failure; returns this core's exit status. */
static inline int tile_verdict(const char *program)
{
    uint32_t rank = dojo_my_rank();
    if (rank == 0)
        return check_verdict(program);
    if (check_failures == 0)
        return 0;
    printf("%s: FAIL on rank %u (%u checks failed)\n", program, (unsigned)rank, check_failures);
    return 1;
}

#endif
