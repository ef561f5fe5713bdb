/*
 * Vector unit throughput (scripts/vector-bench): BENCH_ITERATIONS laps of a vector-heavy block,
 * the matrix unit's 8x8x4 tiles (eight vld + vmma.bf16 pairs into one accumulator group) and one
 * of each lane-wise kind (vfma, vadd, vmul, vdot, vcvt, vrelu, vmax, vhsum), with as little
 * scalar code as possible. Prints the number of vector instructions executed and a checksum of
 * the final state, which must be the same under every vector.model.
 */
#include <dojo/vec.h>
#include <stdio.h>

#ifndef BENCH_ITERATIONS
#define BENCH_ITERATIONS 10000
#endif

enum { SETUP_INSTRUCTIONS = 8 + 4 + 7, LAP_INSTRUCTIONS = 2 * 8 + 8, FINAL_INSTRUCTIONS = 4 + 2 };

static dojo_vec_t a_tiles[8], b_tiles[8], accumulator[4], lanes[7];

/* Small values, so that the accumulators stay finite for many laps. */
static void make_data(void)
{
    uint32_t x = 12345;
    for (unsigned t = 0; t < 8; t++)
        for (unsigned lane = 0; lane < 32; lane++) {
            x = x * 1103515245u + 12345u;
            a_tiles[t].bf16[lane] = dojo_bf16_from_float((float)((x >> 16) % 17) / 64.0f - 0.125f);
            x = x * 1103515245u + 12345u;
            b_tiles[t].bf16[lane] = dojo_bf16_from_float((float)((x >> 16) % 13) / 128.0f - 0.05f);
        }
    for (unsigned r = 0; r < 7; r++)
        for (unsigned lane = 0; lane < 16; lane++) {
            x = x * 1103515245u + 12345u;
            lanes[r].u32[lane] = x;
        }
    for (unsigned r = 0; r < 4; r++)
        for (unsigned lane = 0; lane < 16; lane++)
            accumulator[r].f32[lane] = 0.0f;
}

#define MMA_STEP(t)                        \
    do {                                   \
        DOJO_VLD(16, &b_tiles[t]);         \
        DOJO_VMMA_BF16(0, 8 + (t), 16);    \
    } while (0)

int main(void)
{
    make_data();
    dojo_vcfg_write(DOJO_VCFG_RESET);
    DOJO_VLD(8, &a_tiles[0]);
    DOJO_VLD(9, &a_tiles[1]);
    DOJO_VLD(10, &a_tiles[2]);
    DOJO_VLD(11, &a_tiles[3]);
    DOJO_VLD(12, &a_tiles[4]);
    DOJO_VLD(13, &a_tiles[5]);
    DOJO_VLD(14, &a_tiles[6]);
    DOJO_VLD(15, &a_tiles[7]);
    DOJO_VLD(0, &accumulator[0]);
    DOJO_VLD(1, &accumulator[1]);
    DOJO_VLD(2, &accumulator[2]);
    DOJO_VLD(3, &accumulator[3]);
    DOJO_VLD(20, &lanes[0]);
    DOJO_VLD(21, &lanes[1]);
    DOJO_VLD(22, &lanes[2]);
    DOJO_VLD(23, &lanes[3]);
    DOJO_VLD(24, &lanes[4]);
    DOJO_VLD(25, &lanes[5]);
    DOJO_VLD(26, &lanes[6]);

    uint64_t hsum_checksum = 0;
    for (unsigned lap = 0; lap < BENCH_ITERATIONS; lap++) {
        MMA_STEP(0);
        MMA_STEP(1);
        MMA_STEP(2);
        MMA_STEP(3);
        MMA_STEP(4);
        MMA_STEP(5);
        MMA_STEP(6);
        MMA_STEP(7);
        DOJO_VFMA_F32(20, 21, 22);
        DOJO_VADD_BF16(23, 21, 22);
        DOJO_VMUL_I8(24, 24, 25);
        DOJO_VDOT_I8(26, 24, 25);
        DOJO_VCVT_E4M3_BF16(27, 23, 0);
        DOJO_VRELU_F32(28, 20);
        DOJO_VMAX_BF16(29, 23, 28);
        hsum_checksum = hsum_checksum * 31 + DOJO_VHSUM_F32(0);
    }

    DOJO_VST(0, &accumulator[0]);
    DOJO_VST(1, &accumulator[1]);
    DOJO_VST(2, &accumulator[2]);
    DOJO_VST(3, &accumulator[3]);
    hsum_checksum = hsum_checksum * 31 + DOJO_VHSUM_I32(26) + DOJO_VHSUM_I8(27);
    uint32_t checksum = (uint32_t)hsum_checksum ^ (uint32_t)(hsum_checksum >> 32);
    for (unsigned r = 0; r < 4; r++)
        for (unsigned lane = 0; lane < 16; lane++)
            checksum = (checksum ^ accumulator[r].u32[lane]) * 16777619u;
    const unsigned long long count =
        SETUP_INSTRUCTIONS + (unsigned long long)BENCH_ITERATIONS * LAP_INSTRUCTIONS + FINAL_INSTRUCTIONS;
    printf("vec_throughput: %llu vector instructions (%d laps of %d, %d vmma each), checksum "
           "0x%08lx, vflags 0x%lx\n",
           count, BENCH_ITERATIONS, LAP_INSTRUCTIONS, 8, (unsigned long)checksum,
           (unsigned long)dojo_vflags_read());
    return 0;
}
