/*
 * A small GEMM on the matrix unit: C[32x32 FP32] += A[32x32 BF16] * B[32x32 BF16], tiled 8x8x4
 * with vmma.bf16 on tiles loaded from and stored to SRAM with vld/vst. The result is checked bit
 * for bit against scalar C with the same order per element (k = 0..31, one FP32 FMA each), then
 * the kernel runs GEMM_RUNS times in all from the same C (the load for scripts/vector-bench),
 * each run's result compared with the first.
 *
 * Tile layouts (one register per A or B tile, four per C tile):
 *   A tile (it, kt): lane 4i+k = A[8it+i][4kt+k]      (8x4)
 *   B tile (kt, jt): lane 8k+j = B[4kt+k][8jt+j]      (4x8)
 *   C tile (it, jt): FP32 lane 8i+j of the group = C[8it+i][8jt+j]
 */
#include "vec_check.h"

#ifndef GEMM_RUNS
#define GEMM_RUNS 64
#endif

enum { N = 32, ROW_TILES = N / 8, K_TILES = N / 4, COLUMN_TILES = N / 8 };

static uint16_t a[N][N], b[N][N];
static uint32_t c_initial[N][N], c_reference[N][N];

static dojo_vec_t a_tiles[ROW_TILES][K_TILES];
static dojo_vec_t b_tiles[K_TILES][COLUMN_TILES];
static dojo_vec_t c_tiles_initial[ROW_TILES][COLUMN_TILES][4];
static dojo_vec_t c_tiles[ROW_TILES][COLUMN_TILES][4];
static dojo_vec_t c_tiles_first[ROW_TILES][COLUMN_TILES][4];

static void make_data(void)
{
    uint64_t state = 0x6A09E667F3BCC908ull;
    for (unsigned i = 0; i < N; i++)
        for (unsigned j = 0; j < N; j++) {
            a[i][j] = dojo_bf16_from_float(dojo_f32_from_bits(test_random_f32(&state, -4, 4)));
            b[i][j] = dojo_bf16_from_float(dojo_f32_from_bits(test_random_f32(&state, -4, 4)));
            c_initial[i][j] = test_random_f32(&state, -2, 6);
        }
}

static void pack_tiles(void)
{
    for (unsigned it = 0; it < ROW_TILES; it++)
        for (unsigned kt = 0; kt < K_TILES; kt++)
            for (unsigned i = 0; i < 8; i++)
                for (unsigned k = 0; k < 4; k++)
                    a_tiles[it][kt].bf16[4 * i + k] = a[8 * it + i][4 * kt + k];
    for (unsigned kt = 0; kt < K_TILES; kt++)
        for (unsigned jt = 0; jt < COLUMN_TILES; jt++)
            for (unsigned k = 0; k < 4; k++)
                for (unsigned j = 0; j < 8; j++)
                    b_tiles[kt][jt].bf16[8 * k + j] = b[4 * kt + k][8 * jt + j];
    for (unsigned it = 0; it < ROW_TILES; it++)
        for (unsigned jt = 0; jt < COLUMN_TILES; jt++)
            for (unsigned e = 0; e < 64; e++)
                c_tiles_initial[it][jt][e / 16].u32[e % 16] = c_initial[8 * it + e / 8][8 * jt + e % 8];
}

/* The vector kernel on c_tiles: per row of tiles, the eight A tiles stay in v8..v15; per C tile,
   C in v0..v3 and each B tile through v16. */
#define GEMM_STEP(kt)                       \
    do {                                    \
        DOJO_VLD(16, &b_tiles[kt][jt]);     \
        DOJO_VMMA_BF16(0, 8 + (kt), 16);    \
    } while (0)

static void gemm_kernel(void)
{
    for (unsigned it = 0; it < ROW_TILES; it++) {
        DOJO_VLD(8, &a_tiles[it][0]);
        DOJO_VLD(9, &a_tiles[it][1]);
        DOJO_VLD(10, &a_tiles[it][2]);
        DOJO_VLD(11, &a_tiles[it][3]);
        DOJO_VLD(12, &a_tiles[it][4]);
        DOJO_VLD(13, &a_tiles[it][5]);
        DOJO_VLD(14, &a_tiles[it][6]);
        DOJO_VLD(15, &a_tiles[it][7]);
        for (unsigned jt = 0; jt < COLUMN_TILES; jt++) {
            dojo_vec_t *c = c_tiles[it][jt];
            DOJO_VLD(0, &c[0]);
            DOJO_VLD(1, &c[1]);
            DOJO_VLD(2, &c[2]);
            DOJO_VLD(3, &c[3]);
            GEMM_STEP(0);
            GEMM_STEP(1);
            GEMM_STEP(2);
            GEMM_STEP(3);
            GEMM_STEP(4);
            GEMM_STEP(5);
            GEMM_STEP(6);
            GEMM_STEP(7);
            DOJO_VST(0, &c[0]);
            DOJO_VST(1, &c[1]);
            DOJO_VST(2, &c[2]);
            DOJO_VST(3, &c[3]);
        }
    }
}
_Static_assert(K_TILES == 8, "gemm_kernel keeps a row of eight A tiles in v8..v15");

/* Vector instructions per kernel run: per row of tiles 8 vld; per C tile 4 vld, 8 x (vld, vmma),
   4 vst. */
#define GEMM_VECTOR_INSTRUCTIONS (ROW_TILES * (K_TILES + COLUMN_TILES * (4 + 2 * K_TILES + 4)))

/* Scalar reference: per element, k = 0..31, one FP32 FMA each (the kernel's order). */
static unsigned reference_gemm(void)
{
    unsigned flags = 0;
    for (unsigned i = 0; i < N; i++)
        for (unsigned j = 0; j < N; j++) {
            uint32_t sum = c_initial[i][j];
            for (unsigned k = 0; k < N; k++)
                sum = ref_f32_fma((uint32_t)a[i][k] << 16, (uint32_t)b[k][j] << 16, sum, &flags);
            c_reference[i][j] = sum;
        }
    return flags;
}

/* FNV-1a over the result's bits, row-major. */
static uint32_t checksum(const uint32_t matrix[N][N])
{
    uint32_t hash = 2166136261u;
    for (unsigned i = 0; i < N; i++)
        for (unsigned j = 0; j < N; j++)
            for (unsigned byte = 0; byte < 4; byte++)
                hash = (hash ^ ((matrix[i][j] >> (8 * byte)) & 0xFF)) * 16777619u;
    return hash;
}

int main(void)
{
    printf("vec_gemm: C[%dx%d] += A * B (BF16), 8x8x4 vmma tiles, %d runs\n", N, N, GEMM_RUNS);
    make_data();
    pack_tiles();
    const struct vec_env env = vec_configure(7, 15, DOJO_VEC_ROUND_NEAREST_EVEN, 0);

    unsigned identical_runs = 0;
    for (unsigned run = 0; run < GEMM_RUNS; run++) {
        memcpy(c_tiles, c_tiles_initial, sizeof c_tiles);
        gemm_kernel();
        if (run == 0)
            memcpy(c_tiles_first, c_tiles, sizeof c_tiles);
        else if (memcmp(c_tiles, c_tiles_first, sizeof c_tiles) == 0)
            identical_runs++;
    }
    const unsigned expected_flags = reference_gemm();

    /* Back to row-major for the comparison with the reference. */
    static uint32_t c_vector[N][N];
    static dojo_vec_t actual[N * N / 16], expected[N * N / 16];
    for (unsigned it = 0; it < ROW_TILES; it++)
        for (unsigned jt = 0; jt < COLUMN_TILES; jt++)
            for (unsigned e = 0; e < 64; e++)
                c_vector[8 * it + e / 8][8 * jt + e % 8] = c_tiles_first[it][jt][e / 16].u32[e % 16];
    memcpy(actual, c_vector, sizeof actual);
    memcpy(expected, c_reference, sizeof expected);
    check_vec_result(actual, expected, N * N / 16, 4, &env, expected_flags,
                     "C (row-major) equals the scalar reference bit for bit");
    check_equal(identical_runs, GEMM_RUNS - 1, "every run gives the first run's result");
    printf("  checksum 0x%08lx, %d vector instructions per run (%d vmma)\n",
           (unsigned long)checksum(c_vector), GEMM_VECTOR_INSTRUCTIONS,
           ROW_TILES * COLUMN_TILES * K_TILES);
    return check_verdict("vec_gemm");
}
