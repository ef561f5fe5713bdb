/*
 * Compute kernels shared by the compute test and the compute benchmark. reference.py
 * reimplements them in Python to produce the expected checksums; the sizes below must match.
 */
#ifndef DOJO_WORKLOADS_H
#define DOJO_WORKLOADS_H

#include <stddef.h>
#include <stdint.h>

#define WORKLOAD_CRC_BYTES 4096
#define WORKLOAD_SORT_COUNT 1000
#define WORKLOAD_MATRIX_N 24

/* 32-bit linear congruential generator (Numerical Recipes constants). */
struct workload_rng {
    uint32_t state;
};

uint32_t workload_rng_next(struct workload_rng *rng);

/* Bytes are the top 8 bits of successive draws. */
void workload_fill_bytes(struct workload_rng *rng, uint8_t *bytes, size_t count);
void workload_fill_words(struct workload_rng *rng, uint32_t *words, size_t count);
/* Entries in [-128, 127], so an N x N product cannot overflow. */
void workload_fill_matrix(struct workload_rng *rng, int32_t *matrix, size_t n);

/* CRC-32 as in zlib/Ethernet (reflected polynomial 0xEDB88320). */
uint32_t workload_crc32(const uint8_t *data, size_t length);

void workload_quicksort(uint32_t *values, size_t count);
int workload_is_sorted(const uint32_t *values, size_t count);
/* sum of (i + 1) * values[i], modulo 2^32: depends on order and content. */
uint32_t workload_weighted_sum(const uint32_t *values, size_t count);

/* product = a * b, all row-major n x n. */
void workload_matrix_multiply(const int32_t *a, const int32_t *b, int32_t *product, size_t n);
/* sum of (i * n + j + 1) * m[i][j], modulo 2^32. */
uint32_t workload_matrix_checksum(const int32_t *matrix, size_t n);

/* One round of all kernels on data drawn from an RNG seeded with `seed`, in this order:
   WORKLOAD_CRC_BYTES bytes -> CRC-32; WORKLOAD_SORT_COUNT words -> quicksort; two
   WORKLOAD_MATRIX_N square matrices a, b -> a * b. */
struct workload_results {
    uint32_t crc;
    int sorted;             /* the quicksort output is in ascending order */
    uint32_t sort_checksum; /* weighted sum of the sorted words */
    uint32_t matrix_checksum;
};

void workload_run_round(uint32_t seed, struct workload_results *results);

/* Rounds with seeds 1..rounds, their results folded (folded = folded * 31 + each checksum) into
   the value reference.py prints for `rounds`; counts rounds that did not sort in *unsorted. */
uint32_t workload_run_rounds(uint32_t rounds, unsigned *unsorted);

#endif
