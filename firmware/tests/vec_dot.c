/*
 * Dot products on the vector unit against the scalar C reference, bit for bit:
 * - INT8: vdot.i8 over 4096-element arrays into 16 INT32 lanes, then vhsum.i32, equal to the
 *   exact scalar dot product; wrap-around of the INT32 lanes; vhsum.i8.
 * - FP32: vfma.f32 over 1024-element arrays (lane i accumulates elements 16c + i in order), then
 *   vhsum.f32 with the spec's pairwise tree; vhsum.f32 of special values (NaN, overflow,
 *   subnormals, sign extension) and vhsum.bf16.
 */
#include "vec_check.h"

enum { INT8_ELEMENTS = 4096, F32_ELEMENTS = 1024 };

static int8_t int8_x[INT8_ELEMENTS] __attribute__((aligned(64)));
static int8_t int8_y[INT8_ELEMENTS] __attribute__((aligned(64)));
static uint32_t f32_x[F32_ELEMENTS] __attribute__((aligned(64)));
static uint32_t f32_y[F32_ELEMENTS] __attribute__((aligned(64)));

static dojo_vec_t actual, expected;

static void make_data(void)
{
    uint64_t state = 0x2545F4914F6CDD1Dull;
    for (unsigned i = 0; i < INT8_ELEMENTS; i++) {
        /* every 16th pair at the extremes, where products are largest */
        int8_x[i] = i % 16 == 0 ? -128 : (int8_t)test_random(&state);
        int8_y[i] = i % 16 == 0 ? (i % 32 ? -128 : 127) : (int8_t)test_random(&state);
    }
    for (unsigned i = 0; i < F32_ELEMENTS; i++) {
        f32_x[i] = test_random_f32(&state, -8, 8);
        f32_y[i] = test_random_f32(&state, -8, 8);
    }
}

static void int8_dot_product(const struct vec_env *env)
{
    /* The accumulator starts with distinct lanes, so lane order matters. */
    static dojo_vec_t initial;
    for (unsigned i = 0; i < 16; i++)
        initial.i32[i] = (int32_t)(i * 1000) - 7000;
    DOJO_VLD(0, &initial);
    for (unsigned c = 0; c < INT8_ELEMENTS / 64; c++) {
        DOJO_VLD(1, &int8_x[64 * c]);
        DOJO_VLD(2, &int8_y[64 * c]);
        DOJO_VDOT_I8(0, 1, 2);
    }
    DOJO_VST(0, &actual);
    const uint64_t total = DOJO_VHSUM_I32(0);

    int64_t dot = 0;
    for (unsigned i = 0; i < 16; i++)
        expected.i32[i] = initial.i32[i];
    for (unsigned e = 0; e < INT8_ELEMENTS; e++) {
        const int32_t product = (int32_t)int8_x[e] * int8_y[e];
        expected.u32[(e % 64) / 4] += (uint32_t)product;
        dot += product;
    }
    check_vec_result(&actual, &expected, 1, 4, env, 0, "vdot.i8 over 4096 elements: lanes");
    int64_t initial_sum = 0;
    for (unsigned i = 0; i < 16; i++)
        initial_sum += initial.i32[i];
    printf("  scalar dot product %lld\n", (long long)dot);
    check_scalar_result(total, (uint64_t)(dot + initial_sum), env, 0,
                        "vhsum.i32 = initial lanes + the scalar dot product");
}

/* INT32 lanes wrap modulo 2^32; vhsum.i32 sums the wrapped lanes as signed 64-bit values. */
static void int8_wrap_around(const struct vec_env *env)
{
    static dojo_vec_t initial, x, y;
    for (unsigned i = 0; i < 16; i++)
        initial.u32[i] = i % 2 ? 0x7FFFFFF0u : 0x80000010u;
    for (unsigned i = 0; i < 64; i++) {
        /* odd lanes go up past INT32_MAX, even lanes down past INT32_MIN */
        x.i8[i] = (i / 4) % 2 ? 127 : -128;
        y.i8[i] = 127;
    }
    DOJO_VLD(5, &initial);
    DOJO_VLD(6, &x);
    DOJO_VLD(7, &y);
    DOJO_VDOT_I8(5, 6, 7);
    DOJO_VST(5, &actual);
    const uint64_t total = DOJO_VHSUM_I32(5);
    int64_t sum = 0;
    for (unsigned i = 0; i < 16; i++) {
        uint32_t lane = initial.u32[i];
        for (unsigned k = 0; k < 4; k++)
            lane += (uint32_t)((int32_t)x.i8[4 * i + k] * y.i8[4 * i + k]);
        expected.u32[i] = lane;
        sum += (int32_t)lane;
    }
    check_vec_result(&actual, &expected, 1, 4, env, 0, "vdot.i8 wraps INT32 lanes");
    check_scalar_result(total, (uint64_t)sum, env, 0, "vhsum.i32 of wrapped lanes");

    /* vhsum.i8: exact sum of 64 sign-extended lanes */
    int64_t bytes = 0;
    for (unsigned i = 0; i < 64; i++)
        bytes += x.i8[i];
    check_scalar_result(DOJO_VHSUM_I8(6), (uint64_t)bytes, env, 0, "vhsum.i8");
}

static void f32_dot_product(const struct vec_env *env)
{
    DOJO_VBCAST_F32(0, 0);
    for (unsigned c = 0; c < F32_ELEMENTS / 16; c++) {
        DOJO_VLD(1, &f32_x[16 * c]);
        DOJO_VLD(2, &f32_y[16 * c]);
        DOJO_VFMA_F32(0, 1, 2);
    }
    DOJO_VST(0, &actual);
    const uint64_t total = DOJO_VHSUM_F32(0);

    unsigned flags = 0;
    for (unsigned i = 0; i < 16; i++)
        expected.u32[i] = 0;
    for (unsigned e = 0; e < F32_ELEMENTS; e++)
        expected.u32[e % 16] = ref_f32_fma(f32_x[e], f32_y[e], expected.u32[e % 16], &flags);
    check_vec_result(&actual, &expected, 1, 4, env, flags, "vfma.f32 over 1024 elements: lanes");
    uint32_t tree[16];
    memcpy(tree, expected.u32, sizeof tree);
    const uint32_t sum = ref_f32_tree_sum(tree, 16, &flags);
    printf("  FP32 dot product 0x%08lx (about %ld)\n", (unsigned long)sum,
           (long)dojo_f32_from_bits(sum));
    check_scalar_result(total, (uint64_t)(int64_t)(int32_t)sum, env, flags,
                        "vhsum.f32 (pairwise tree) of the lanes");
}

/* vhsum.f32 / .bf16 of special lanes: canonical NaN, Overflow, Denormal, Invalid, and the
   sign-extension of a negative sum. */
static void special_sums(const struct vec_env *env)
{
    static const uint32_t cases[][16] = {
        /* a negative sum: sign-extended to 64 bits */
        {0xBF800000, 0xC0000000, 0x3F000000, 0, 0, 0, 0, 0, 0xC2C80000, 0, 0, 0, 0, 0, 0, 0},
        /* max + max overflows at the first level */
        {0x7F7FFFFF, 0x7F7FFFFF, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
        /* subnormal lanes: Denormal, the exact sum of subnormals */
        {1, 2, 3, 0x007FFFFF, 0x80000005, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00400000},
        /* inf + -inf in the last level: Invalid, canonical NaN */
        {0x7F800000, 0, 0, 0, 0, 0, 0, 0, 0xFF800000, 0, 0, 0, 0, 0, 0, 0},
        /* a signalling NaN lane */
        {0x3F800000, 0x7F800001, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
        /* the order matters: the tree gives 11 (2^24 + 1 rounds once), a sequential sum 9 */
        {0x4B800000, 0x3F800000, 0x3F800000, 0x3F800000, 0xCB800000, 0x3F800000, 0, 0,
         0x3F800000, 0x3F800000, 0x3F800000, 0x3F800000, 0x3F800000, 0x3F800000, 0x3F800000,
         0x3F800000},
    };
    static dojo_vec_t lanes;
    char what[64];
    for (unsigned c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        memcpy(lanes.u32, cases[c], sizeof lanes.u32);
        DOJO_VLD(9, &lanes);
        const uint64_t total = DOJO_VHSUM_F32(9);
        unsigned flags = 0;
        uint32_t tree[16];
        memcpy(tree, cases[c], sizeof tree);
        const uint32_t sum = ref_f32_tree_sum(tree, 16, &flags);
        snprintf(what, sizeof what, "vhsum.f32, special case %u", c);
        check_scalar_result(total, (uint64_t)(int64_t)(int32_t)sum, env, flags, what);
    }

    /* vhsum.bf16: 32 lanes widened, a 5-level tree */
    uint64_t state = 0x5851F42D4C957F2Dull;
    uint32_t tree[32];
    for (unsigned i = 0; i < 32; i++) {
        lanes.bf16[i] = (uint16_t)(test_random_f32(&state, -130, 10) >> 16);
        tree[i] = (uint32_t)lanes.bf16[i] << 16;
    }
    DOJO_VLD(9, &lanes);
    const uint64_t total = DOJO_VHSUM_BF16(9);
    unsigned flags = 0;
    const uint32_t sum = ref_f32_tree_sum(tree, 32, &flags);
    check_scalar_result(total, (uint64_t)(int64_t)(int32_t)sum, env, flags, "vhsum.bf16");
}

int main(void)
{
    puts("vec_dot: INT8 and FP32 dot products against the scalar reference");
    make_data();
    const struct vec_env env = vec_configure(7, 15, DOJO_VEC_ROUND_NEAREST_EVEN, 0);
    int8_dot_product(&env);
    int8_wrap_around(&env);
    f32_dot_product(&env);
    special_sums(&env);
    return check_verdict("vec_dot");
}
