#include "workloads.h"

uint32_t workload_rng_next(struct workload_rng *rng)
{
    rng->state = rng->state * 1664525u + 1013904223u;
    return rng->state;
}

void workload_fill_bytes(struct workload_rng *rng, uint8_t *bytes, size_t count)
{
    for (size_t i = 0; i < count; i++)
        bytes[i] = (uint8_t)(workload_rng_next(rng) >> 24);
}

void workload_fill_words(struct workload_rng *rng, uint32_t *words, size_t count)
{
    for (size_t i = 0; i < count; i++)
        words[i] = workload_rng_next(rng);
}

void workload_fill_matrix(struct workload_rng *rng, int32_t *matrix, size_t n)
{
    for (size_t i = 0; i < n * n; i++)
        matrix[i] = (int32_t)(workload_rng_next(rng) >> 24) - 128;
}

uint32_t workload_crc32(const uint8_t *data, size_t length)
{
    /* CRC of each 4-bit value: a 64-byte table instead of the usual 1 KiB one. */
    static const uint32_t nibble_table[16] = {
        0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4,
        0x4db26158, 0x5005713c, 0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
        0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
    };
    uint32_t crc = 0xffffffffu;
    for (size_t i = 0; i < length; i++) {
        crc = (crc >> 4) ^ nibble_table[(crc ^ data[i]) & 0xf];
        crc = (crc >> 4) ^ nibble_table[(crc ^ (data[i] >> 4)) & 0xf];
    }
    return ~crc;
}

static void swap_words(uint32_t *a, uint32_t *b)
{
    uint32_t t = *a;
    *a = *b;
    *b = t;
}

/* Lomuto partition around the middle element; returns the pivot's final index. */
static size_t partition(uint32_t *values, size_t count)
{
    swap_words(&values[count / 2], &values[count - 1]);
    uint32_t pivot = values[count - 1];
    size_t store = 0;
    for (size_t i = 0; i + 1 < count; i++) {
        if (values[i] < pivot)
            swap_words(&values[i], &values[store++]);
    }
    swap_words(&values[store], &values[count - 1]);
    return store;
}

void workload_quicksort(uint32_t *values, size_t count)
{
    /* Recurse into the smaller side, loop on the larger: stack depth stays O(log n). */
    while (count > 1) {
        size_t pivot = partition(values, count);
        size_t right_count = count - pivot - 1;
        if (pivot < right_count) {
            workload_quicksort(values, pivot);
            values += pivot + 1;
            count = right_count;
        } else {
            workload_quicksort(values + pivot + 1, right_count);
            count = pivot;
        }
    }
}

int workload_is_sorted(const uint32_t *values, size_t count)
{
    for (size_t i = 1; i < count; i++) {
        if (values[i - 1] > values[i])
            return 0;
    }
    return 1;
}

uint32_t workload_weighted_sum(const uint32_t *values, size_t count)
{
    uint32_t sum = 0;
    for (size_t i = 0; i < count; i++)
        sum += (uint32_t)(i + 1) * values[i];
    return sum;
}

void workload_matrix_multiply(const int32_t *a, const int32_t *b, int32_t *product, size_t n)
{
    for (size_t row = 0; row < n; row++) {
        for (size_t column = 0; column < n; column++) {
            int32_t sum = 0;
            for (size_t k = 0; k < n; k++)
                sum += a[row * n + k] * b[k * n + column];
            product[row * n + column] = sum;
        }
    }
}

uint32_t workload_matrix_checksum(const int32_t *matrix, size_t n)
{
    uint32_t sum = 0;
    for (size_t i = 0; i < n * n; i++)
        sum += (uint32_t)(i + 1) * (uint32_t)matrix[i];
    return sum;
}

void workload_run_round(uint32_t seed, struct workload_results *results)
{
    struct workload_rng rng = {seed};
    uint8_t bytes[WORKLOAD_CRC_BYTES];
    uint32_t words[WORKLOAD_SORT_COUNT];
    int32_t a[WORKLOAD_MATRIX_N * WORKLOAD_MATRIX_N];
    int32_t b[WORKLOAD_MATRIX_N * WORKLOAD_MATRIX_N];
    int32_t product[WORKLOAD_MATRIX_N * WORKLOAD_MATRIX_N];

    workload_fill_bytes(&rng, bytes, WORKLOAD_CRC_BYTES);
    results->crc = workload_crc32(bytes, WORKLOAD_CRC_BYTES);

    workload_fill_words(&rng, words, WORKLOAD_SORT_COUNT);
    workload_quicksort(words, WORKLOAD_SORT_COUNT);
    results->sorted = workload_is_sorted(words, WORKLOAD_SORT_COUNT);
    results->sort_checksum = workload_weighted_sum(words, WORKLOAD_SORT_COUNT);

    workload_fill_matrix(&rng, a, WORKLOAD_MATRIX_N);
    workload_fill_matrix(&rng, b, WORKLOAD_MATRIX_N);
    workload_matrix_multiply(a, b, product, WORKLOAD_MATRIX_N);
    results->matrix_checksum = workload_matrix_checksum(product, WORKLOAD_MATRIX_N);
}

uint32_t workload_run_rounds(uint32_t rounds, unsigned *unsorted)
{
    uint32_t folded = 0;
    *unsorted = 0;
    for (uint32_t seed = 1; seed <= rounds; seed++) {
        struct workload_results results;
        workload_run_round(seed, &results);
        *unsorted += !results.sorted;
        folded = folded * 31 + results.crc;
        folded = folded * 31 + results.sort_checksum;
        folded = folded * 31 + results.matrix_checksum;
    }
    return folded;
}
