/*
 * The matrix unit: one 8x8x4 tile, C += A * B, with vmma.bf16, vmma.e4m3 and vmma.e5m2 (default
 * and other exponent biases), against the scalar C reference with the spec's exact order: for
 * each C[i][j], k = 0..3, C[i][j] = fma(A[i][k], B[k][j], C[i][j]) in FP32 with RNE. Checks C
 * (FP32 in a group of four registers), vflags (Denormal for subnormal inputs, Overflow, Invalid)
 * and that CFP8 ignores lanes 32..63 and stochastic mode leaves vseed alone.
 */
#include "vec_check.h"

/* The reference: C (64 FP32 values, row-major) += A (lane 4i+k) * B (lane 8k+j) of `type`. */
static unsigned ref_mma(unsigned type, const dojo_vec_t *a, const dojo_vec_t *b, dojo_vec_t c[4],
                        const struct vec_env *env)
{
    unsigned flags = 0;
    uint32_t wide_a[32], wide_b[32];
    for (unsigned lane = 0; lane < 32; lane++) {
        /* ref_widen flags Denormal for subnormal inputs (BF16 ones would also flag in the FMA) */
        wide_a[lane] = type == DOJO_VEC_BF16 ? (uint32_t)a->bf16[lane] << 16
                                             : ref_widen(type, a->u8[lane], env, &flags);
        wide_b[lane] = type == DOJO_VEC_BF16 ? (uint32_t)b->bf16[lane] << 16
                                             : ref_widen(type, b->u8[lane], env, &flags);
    }
    for (unsigned i = 0; i < 8; i++)
        for (unsigned j = 0; j < 8; j++) {
            uint32_t *sum = &c[(8 * i + j) / 16].u32[(8 * i + j) % 16];
            for (unsigned k = 0; k < 4; k++)
                *sum = ref_f32_fma(wide_a[4 * i + k], wide_b[8 * k + j], *sum, &flags);
        }
    return flags;
}

/* Each runner: v24 = A, v25 = B, the group at `group` = C, vmma, C stored back. */
typedef void (*mma_runner)(const dojo_vec_t *a, const dojo_vec_t *b, dojo_vec_t c[4]);
#define MMA_RUNNER(INTRINSIC, group)                                                 \
    static void run_##INTRINSIC##_##group(const dojo_vec_t *a, const dojo_vec_t *b,  \
                                          dojo_vec_t c[4])                           \
    {                                                                                \
        DOJO_VLD(24, a);                                                             \
        DOJO_VLD(25, b);                                                             \
        DOJO_VLD(group, &c[0]);                                                      \
        DOJO_VLD(group + 1, &c[1]);                                                  \
        DOJO_VLD(group + 2, &c[2]);                                                  \
        DOJO_VLD(group + 3, &c[3]);                                                  \
        INTRINSIC(group, 24, 25);                                                    \
        DOJO_VST(group, &c[0]);                                                      \
        DOJO_VST(group + 1, &c[1]);                                                  \
        DOJO_VST(group + 2, &c[2]);                                                  \
        DOJO_VST(group + 3, &c[3]);                                                  \
    }
MMA_RUNNER(DOJO_VMMA_BF16, 4)
MMA_RUNNER(DOJO_VMMA_BF16, 28)
MMA_RUNNER(DOJO_VMMA_E4M3, 4)
MMA_RUNNER(DOJO_VMMA_E4M3, 16)
MMA_RUNNER(DOJO_VMMA_E5M2, 4)
MMA_RUNNER(DOJO_VMMA_E5M2, 0)

/* BF16 operands: random, or with infinities, NaNs and subnormals (CFP8 codes are always random:
   every code is a number). */
enum data_kind { RANDOM, SPECIAL };

struct mma_case {
    const char *name;
    mma_runner run;
    unsigned type;
    unsigned e4m3_bias, e5m2_bias;
    enum data_kind data;
};

static const struct mma_case cases[] = {
    {"vmma.bf16 v4, random", run_DOJO_VMMA_BF16_4, DOJO_VEC_BF16, 7, 15, RANDOM},
    {"vmma.bf16 v28, special values", run_DOJO_VMMA_BF16_28, DOJO_VEC_BF16, 7, 15, SPECIAL},
    {"vmma.e4m3 v4, bias 7", run_DOJO_VMMA_E4M3_4, DOJO_VEC_E4M3, 7, 15, RANDOM},
    {"vmma.e4m3 v16, bias 20", run_DOJO_VMMA_E4M3_16, DOJO_VEC_E4M3, 20, 15, RANDOM},
    {"vmma.e4m3 v4, bias 0 (large values)", run_DOJO_VMMA_E4M3_4, DOJO_VEC_E4M3, 0, 15, RANDOM},
    {"vmma.e5m2 v4, bias 15", run_DOJO_VMMA_E5M2_4, DOJO_VEC_E5M2, 7, 15, RANDOM},
    {"vmma.e5m2 v0, bias 3", run_DOJO_VMMA_E5M2_0, DOJO_VEC_E5M2, 7, 3, RANDOM},
    {"vmma.e5m2 v4, bias 40 (small values)", run_DOJO_VMMA_E5M2_4, DOJO_VEC_E5M2, 7, 40, RANDOM},
};

/* A, B and C for one case. CFP8 registers get junk in lanes 32..63, which vmma must ignore. */
static void make_operands(const struct mma_case *c, uint64_t *state, dojo_vec_t *a, dojo_vec_t *b,
                          dojo_vec_t acc[4])
{
    static const uint16_t bf16_specials[] = {0x7F80, 0xFF80, 0x7FC0, 0x7F81, 0x0001, 0x8040,
                                             0x7F7F, 0x0000};
    for (unsigned lane = 0; lane < 64; lane++) {
        a->u8[lane] = (uint8_t)test_random(state);
        b->u8[lane] = (uint8_t)test_random(state);
    }
    if (c->type == DOJO_VEC_BF16) {
        for (unsigned lane = 0; lane < 32; lane++) {
            a->bf16[lane] = (uint16_t)(test_random_f32(state, -8, 8) >> 16);
            b->bf16[lane] = (uint16_t)(test_random_f32(state, -8, 8) >> 16);
        }
        if (c->data == SPECIAL) /* row 1 of A and column 2 of B: infinities, NaNs, subnormals */
            for (unsigned k = 0; k < 4; k++) {
                a->bf16[4 * 1 + k] = bf16_specials[k];
                b->bf16[8 * k + 2] = bf16_specials[4 + k];
            }
    }
    for (unsigned r = 0; r < 4; r++)
        for (unsigned lane = 0; lane < 16; lane++)
            acc[r].u32[lane] = test_random_f32(state, -6, 6);
    if (c->data == SPECIAL && c->type == DOJO_VEC_BF16)
        acc[3].u32[15] = 0x7F7FFFFF; /* C[7][7] near the top: may overflow */
}

int main(void)
{
    puts("vec_mma: 8x8x4 matrix multiply-accumulate against the scalar reference");
    uint64_t state = 0x8C6A1F29D0E3B547ull;
    static dojo_vec_t a, b, actual[4], expected[4];
    for (unsigned stochastic = 0; stochastic < 2; stochastic++)
        for (unsigned n = 0; n < sizeof cases / sizeof cases[0]; n++) {
            const struct mma_case *c = &cases[n];
            /* vmma accumulates in FP32: stochastic mode draws nothing, vseed stays */
            const struct vec_env env = vec_configure(
                c->e4m3_bias, c->e5m2_bias,
                stochastic ? DOJO_VEC_ROUND_STOCHASTIC : DOJO_VEC_ROUND_NEAREST_EVEN, 1234);
            make_operands(c, &state, &a, &b, actual);
            memcpy(expected, actual, sizeof expected);
            c->run(&a, &b, actual);
            const unsigned flags = ref_mma(c->type, &a, &b, expected, &env);
            char what[80];
            snprintf(what, sizeof what, "%s, %s", c->name, stochastic ? "stochastic" : "RNE");
            check_vec_result(actual, expected, 4, 4, &env, flags, what);
        }
    return check_verdict("vec_mma");
}
