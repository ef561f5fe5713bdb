/*
 * The vector unit's lane-wise instructions against the scalar C reference, bit for bit, with
 * vflags and vseed: vadd, vsub, vmul, vfma, vmin, vmax, vrelu on FP32 and BF16 (IEEE special
 * values, random values, overflow, underflow, subnormals), vadd, vsub, vmul, vrelu on INT32 and
 * INT8 (wrap-around), and vbcast of every type. Everything runs with RNE and again with
 * stochastic narrowing (BF16 results round differently and vseed advances; nothing else changes).
 */
#include "vec_check.h"

/* ---- Test data: sets of (a, b, accumulator) registers ---------------------------------------- */

struct data_set {
    dojo_vec_t a, b, acc;
    const char *name;
};

enum { SETS_PER_TYPE = 5 };
static struct data_set f32_sets[SETS_PER_TYPE], bf16_sets[SETS_PER_TYPE], i32_sets[SETS_PER_TYPE],
    i8_sets[SETS_PER_TYPE];

/* FP32 operand pairs that reach every flag and special case (one per lane). */
static const uint32_t f32_special_pairs[16][3] = {
    /* a, b, accumulator */
    {0x00000000, 0x80000000, 0x80000000}, /* +0 and -0 */
    {0x80000000, 0x80000000, 0x00000000},
    {0x3F800000, 0xBF800000, 0x3F800000}, /* 1, -1 */
    {0x7F800000, 0xFF800000, 0x00000000}, /* inf - inf: Invalid for add */
    {0x7F800000, 0x00000000, 0x7FC00000}, /* inf * 0: Invalid for mul and fma (acc quiet NaN) */
    {0x7FC00000, 0x3F800000, 0x3F800000}, /* quiet NaN */
    {0x7F800001, 0x3F800000, 0x3F800000}, /* signalling NaN: Invalid */
    {0xFFC12345, 0x7FA00000, 0x00000000}, /* quiet NaN with payload, signalling NaN */
    {0x7F7FFFFF, 0x7F7FFFFF, 0x7F7FFFFF}, /* max + max, max * max: Overflow */
    {0xFF7FFFFF, 0xFF7FFFFF, 0xFF7FFFFF},
    {0x00000001, 0x00800000, 0x00000001}, /* min subnormal, min normal: Denormal */
    {0x007FFFFF, 0x80000001, 0x00000000}, /* max subnormal */
    {0x3FC00000, 0x40400000, 0xC0900000}, /* 1.5, 3, -4.5: exact */
    {0xFF800000, 0x40000000, 0x7F800000}, /* -inf * 2 + inf: Invalid for fma */
    {0x00800000, 0x3F000000, 0x00000000}, /* 2^-126 * 0.5 = 2^-127: exact subnormal */
    {0x00800001, 0x3F000000, 0x80000000}, /* inexact subnormal product: Underflow */
};

/* BF16 operand triples with the same purposes (lanes 16..31 get random values). */
static const uint16_t bf16_special_pairs[16][3] = {
    {0x0000, 0x8000, 0x8000}, {0x8000, 0x8000, 0x0000}, {0x3F80, 0xBF80, 0x3F80},
    {0x7F80, 0xFF80, 0x0000}, {0x7F80, 0x0000, 0x7FC0}, {0x7FC0, 0x3F80, 0x3F80},
    {0x7F81, 0x3F80, 0x3F80}, {0xFFC5, 0x7FA0, 0x0000}, {0x7F7F, 0x7F7F, 0x7F7F},
    {0xFF7F, 0xFF7F, 0xFF7F}, {0x0001, 0x0080, 0x0001}, {0x007F, 0x8001, 0x0000},
    {0x3FC0, 0x4040, 0xC090}, {0xFF80, 0x4000, 0x7F80}, {0x0080, 0x3F00, 0x0000},
    {0x0081, 0x3F00, 0x8000},
};

static const uint32_t i32_special_pairs[16][2] = {
    {0x7FFFFFFF, 1},          {0x80000000, 0xFFFFFFFF}, {0x80000000, 0x80000000},
    {0x00010000, 0x00010000}, {0xFFFFFFFB, 7},          {0, 0},
    {0xFFFFFFFF, 0xFFFFFFFF}, {12345, 0xFFFF0000},      {0x40000000, 4},
    {1, 0x7FFFFFFF},          {0xDEADBEEF, 0x12345678}, {0x80000001, 2},
    {3, 0xFFFFFFFD},          {0x7FFFFFFF, 0x7FFFFFFF}, {0xFFFFFFFF, 1},
    {0x00000002, 0x80000000},
};

/* FP32 set `index`: random values with exponents in [min, max] for a and the accumulator and
   [min_b, max_b] for b. */
static void fill_random_f32(struct data_set *set, uint64_t *state, int min, int max, int min_b,
                            int max_b)
{
    for (unsigned i = 0; i < 16; i++) {
        set->a.u32[i] = test_random_f32(state, min, max);
        set->b.u32[i] = test_random_f32(state, min_b, max_b);
        set->acc.u32[i] = test_random_f32(state, min, max);
    }
}

/* BF16 lanes from random FP32 values (their top halves). */
static void fill_random_bf16(struct data_set *set, unsigned first_lane, uint64_t *state, int min,
                             int max, int min_b, int max_b)
{
    for (unsigned i = first_lane; i < 32; i++) {
        set->a.bf16[i] = (uint16_t)(test_random_f32(state, min, max) >> 16);
        set->b.bf16[i] = (uint16_t)(test_random_f32(state, min_b, max_b) >> 16);
        set->acc.bf16[i] = (uint16_t)(test_random_f32(state, min, max) >> 16);
    }
}

/*
 * Where one rounding differs from two. FP32 vfma: a*b + c lies just off a midpoint between two
 * floats, with c too small to survive a rounding to double first (so fmaf done as a double sum
 * would round the other way); each case scaled by 2^-15..2^15. BF16 vfma (lanes 0..3): the FP32
 * result rounds onto a BF16 midpoint, which then ties to even: the spec's two roundings, unlike
 * one rounding of the exact value.
 */
static void make_fused_rounding_cases(struct data_set *f32, struct data_set *bf16)
{
    static const uint32_t cases[4][3] = {
        {0x3F800800, 0x3F800800, 0x17800000}, /* (1+2^-12)^2 + 2^-80: up to 0x3F801001 */
        {0x3F801000, 0x3F800400, 0x24800000}, /* (1+2^-11)(1+2^-13) + 2^-54: up */
        {0x3F800800, 0xBF800800, 0x97800000}, /* the negative of the first: down to -0x3F801001 */
        {0x3F800800, 0x3F800800, 0x97800000}, /* just below the midpoint: to 0x3F801000 */
    };
    for (unsigned lane = 0; lane < 16; lane++) {
        const uint32_t scale = (uint32_t)((int)(lane / 4) * 10 - 15) << 23; /* exponent step */
        f32->a.u32[lane] = cases[lane % 4][0] + scale;
        f32->b.u32[lane] = cases[lane % 4][1];
        f32->acc.u32[lane] = cases[lane % 4][2] + scale;
    }
    /* 1.75 * 0.578125 = 1 + 3 * 2^-8, minus 2^-40: FP32 rounds it to the BF16 midpoint between
       0x3F81 and 0x3F82, which ties to 0x3F82 (one rounding would give 0x3F81) */
    static const uint16_t bf16_cases[4][3] = {
        {0x3FE0, 0x3F14, 0xAB80}, {0xBFE0, 0x3F14, 0x2B80}, {0x3F14, 0x3FE0, 0xAB80},
        {0x40E0, 0x3F14, 0xAC00}};
    for (unsigned lane = 0; lane < 4; lane++) {
        bf16->a.bf16[lane] = bf16_cases[lane][0];
        bf16->b.bf16[lane] = bf16_cases[lane][1];
        bf16->acc.bf16[lane] = bf16_cases[lane][2];
    }
}

static void make_data(void)
{
    static const char *const names[SETS_PER_TYPE] = {"special", "random", "wide range", "tiny",
                                                     "fused rounding"};
    static const char *const integer_names[SETS_PER_TYPE] = {"edges", "random 1", "random 2",
                                                             "random 3", "random 4"};
    /* exponent ranges of a (and the accumulator) and b per set, after the special one */
    static const int ranges[SETS_PER_TYPE][4] = {{0, 0, 0, 0}, {-20, 20, -20, 20},
                                                 {-90, 90, -90, 90}, {-149, -115, -4, 4},
                                                 {-20, 20, -20, 20}};
    uint64_t state = 0x9E3779B97F4A7C15ull;
    for (unsigned s = 0; s < SETS_PER_TYPE; s++) {
        f32_sets[s].name = bf16_sets[s].name = names[s];
        i32_sets[s].name = i8_sets[s].name = integer_names[s];
        const int *r = ranges[s];
        if (s == 0) {
            for (unsigned i = 0; i < 16; i++) {
                f32_sets[0].a.u32[i] = f32_special_pairs[i][0];
                f32_sets[0].b.u32[i] = f32_special_pairs[i][1];
                f32_sets[0].acc.u32[i] = f32_special_pairs[i][2];
                bf16_sets[0].a.bf16[i] = bf16_special_pairs[i][0];
                bf16_sets[0].b.bf16[i] = bf16_special_pairs[i][1];
                bf16_sets[0].acc.bf16[i] = bf16_special_pairs[i][2];
                i32_sets[0].a.u32[i] = i32_special_pairs[i][0];
                i32_sets[0].b.u32[i] = i32_special_pairs[i][1];
            }
            fill_random_bf16(&bf16_sets[0], 16, &state, -10, 10, -10, 10);
        } else {
            fill_random_f32(&f32_sets[s], &state, r[0], r[1], r[2], r[3]);
            fill_random_bf16(&bf16_sets[s], 0, &state, r[0], r[1], r[2], r[3]);
            for (unsigned i = 0; i < 16; i++) {
                i32_sets[s].a.u32[i] = (uint32_t)test_random(&state);
                i32_sets[s].b.u32[i] = (uint32_t)test_random(&state);
            }
        }
        for (unsigned i = 0; i < 64; i++) {
            /* INT8: set 0 walks the edges (-128..127 pairs), the others are random */
            i8_sets[s].a.u8[i] = s == 0 ? (uint8_t)(0x80 + i * 5) : (uint8_t)test_random(&state);
            i8_sets[s].b.u8[i] = s == 0 ? (uint8_t)(0x7F - i * 3) : (uint8_t)test_random(&state);
        }
    }
    make_fused_rounding_cases(&f32_sets[4], &bf16_sets[4]);
}

/* ---- The instructions under test -------------------------------------------------------------- */

/* Each runner executes one instruction on v1 (a), v2 (b), v3 (accumulator, result). */
typedef void (*vec_runner)(void);
#define BINARY_RUNNER(INTRINSIC) \
    static void run_##INTRINSIC(void) { INTRINSIC(3, 1, 2); }
#define UNARY_RUNNER(INTRINSIC) \
    static void run_##INTRINSIC(void) { INTRINSIC(3, 1); }

BINARY_RUNNER(DOJO_VADD_F32)
BINARY_RUNNER(DOJO_VSUB_F32)
BINARY_RUNNER(DOJO_VMUL_F32)
BINARY_RUNNER(DOJO_VFMA_F32)
BINARY_RUNNER(DOJO_VMIN_F32)
BINARY_RUNNER(DOJO_VMAX_F32)
UNARY_RUNNER(DOJO_VRELU_F32)
BINARY_RUNNER(DOJO_VADD_BF16)
BINARY_RUNNER(DOJO_VSUB_BF16)
BINARY_RUNNER(DOJO_VMUL_BF16)
BINARY_RUNNER(DOJO_VFMA_BF16)
BINARY_RUNNER(DOJO_VMIN_BF16)
BINARY_RUNNER(DOJO_VMAX_BF16)
UNARY_RUNNER(DOJO_VRELU_BF16)
BINARY_RUNNER(DOJO_VADD_I32)
BINARY_RUNNER(DOJO_VSUB_I32)
BINARY_RUNNER(DOJO_VMUL_I32)
UNARY_RUNNER(DOJO_VRELU_I32)
BINARY_RUNNER(DOJO_VADD_I8)
BINARY_RUNNER(DOJO_VSUB_I8)
BINARY_RUNNER(DOJO_VMUL_I8)
UNARY_RUNNER(DOJO_VRELU_I8)

struct lane_case {
    const char *name;
    vec_runner run;
    unsigned type;
    enum ref_fp_op op;
};

#define CASE(mnemonic, INTRINSIC, type, op) {mnemonic, run_##INTRINSIC, type, op}
static const struct lane_case cases[] = {
    CASE("vadd.f32", DOJO_VADD_F32, DOJO_VEC_F32, REF_ADD),
    CASE("vsub.f32", DOJO_VSUB_F32, DOJO_VEC_F32, REF_SUB),
    CASE("vmul.f32", DOJO_VMUL_F32, DOJO_VEC_F32, REF_MUL),
    CASE("vfma.f32", DOJO_VFMA_F32, DOJO_VEC_F32, REF_FMA),
    CASE("vmin.f32", DOJO_VMIN_F32, DOJO_VEC_F32, REF_MIN),
    CASE("vmax.f32", DOJO_VMAX_F32, DOJO_VEC_F32, REF_MAX),
    CASE("vrelu.f32", DOJO_VRELU_F32, DOJO_VEC_F32, REF_RELU),
    CASE("vadd.bf16", DOJO_VADD_BF16, DOJO_VEC_BF16, REF_ADD),
    CASE("vsub.bf16", DOJO_VSUB_BF16, DOJO_VEC_BF16, REF_SUB),
    CASE("vmul.bf16", DOJO_VMUL_BF16, DOJO_VEC_BF16, REF_MUL),
    CASE("vfma.bf16", DOJO_VFMA_BF16, DOJO_VEC_BF16, REF_FMA),
    CASE("vmin.bf16", DOJO_VMIN_BF16, DOJO_VEC_BF16, REF_MIN),
    CASE("vmax.bf16", DOJO_VMAX_BF16, DOJO_VEC_BF16, REF_MAX),
    CASE("vrelu.bf16", DOJO_VRELU_BF16, DOJO_VEC_BF16, REF_RELU),
    CASE("vadd.i32", DOJO_VADD_I32, DOJO_VEC_I32, REF_ADD),
    CASE("vsub.i32", DOJO_VSUB_I32, DOJO_VEC_I32, REF_SUB),
    CASE("vmul.i32", DOJO_VMUL_I32, DOJO_VEC_I32, REF_MUL),
    CASE("vrelu.i32", DOJO_VRELU_I32, DOJO_VEC_I32, REF_RELU),
    CASE("vadd.i8", DOJO_VADD_I8, DOJO_VEC_I8, REF_ADD),
    CASE("vsub.i8", DOJO_VSUB_I8, DOJO_VEC_I8, REF_SUB),
    CASE("vmul.i8", DOJO_VMUL_I8, DOJO_VEC_I8, REF_MUL),
    CASE("vrelu.i8", DOJO_VRELU_I8, DOJO_VEC_I8, REF_RELU),
};

/* A wrapping integer lane of `bits` bits (the low bits of the result; relu clears negatives). */
static uint32_t ref_integer(enum ref_fp_op op, uint32_t a, uint32_t b, unsigned bits)
{
    const uint32_t mask = bits == 32 ? 0xFFFFFFFFu : (1u << bits) - 1;
    const uint32_t sign = 1u << (bits - 1);
    switch (op) {
    case REF_ADD: return (a + b) & mask;
    case REF_SUB: return (a - b) & mask;
    case REF_MUL: return (a * b) & mask;
    default: return (a & sign) ? 0 : a;
    }
}

/* The reference result of `c` on `set` into `out`; returns the flags, advances env->seed. */
static unsigned reference(const struct lane_case *c, const struct data_set *set, dojo_vec_t *out,
                          struct vec_env *env)
{
    unsigned flags = 0;
    switch (c->type) {
    case DOJO_VEC_F32:
        for (unsigned i = 0; i < 16; i++)
            out->u32[i] = ref_f32_op(c->op, set->a.u32[i], set->b.u32[i], set->acc.u32[i], &flags);
        break;
    case DOJO_VEC_BF16:
        for (unsigned i = 0; i < 32; i++)
            out->bf16[i] = ref_bf16_op(c->op, set->a.bf16[i], set->b.bf16[i], set->acc.bf16[i], env,
                                       i, &flags);
        if (ref_op_rounds(c->op))
            vec_env_retire_narrowing(env);
        break;
    case DOJO_VEC_I32:
        for (unsigned i = 0; i < 16; i++)
            out->u32[i] = ref_integer(c->op, set->a.u32[i], set->b.u32[i], 32);
        break;
    default:
        for (unsigned i = 0; i < 64; i++)
            out->u8[i] = (uint8_t)ref_integer(c->op, set->a.u8[i], set->b.u8[i], 8);
        break;
    }
    return flags;
}

static const struct data_set *sets_of(unsigned type)
{
    switch (type) {
    case DOJO_VEC_F32: return f32_sets;
    case DOJO_VEC_BF16: return bf16_sets;
    case DOJO_VEC_I32: return i32_sets;
    default: return i8_sets;
    }
}

static const unsigned lane_bytes[] = {4, 2, 4, 1};

static void run_lane_cases(struct vec_env *env, const char *mode)
{
    static dojo_vec_t actual, expected;
    char what[80];
    for (unsigned c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const struct data_set *sets = sets_of(cases[c].type);
        for (unsigned s = 0; s < SETS_PER_TYPE; s++) {
            DOJO_VLD(1, &sets[s].a);
            DOJO_VLD(2, &sets[s].b);
            DOJO_VLD(3, &sets[s].acc);
            cases[c].run();
            DOJO_VST(3, &actual);
            const unsigned flags = reference(&cases[c], &sets[s], &expected, env);
            snprintf(what, sizeof what, "%s, %s, %s", cases[c].name, sets[s].name, mode);
            check_vec_result(&actual, &expected, 1, lane_bytes[cases[c].type], env, flags, what);
        }
    }
}

/* vbcast.T: every lane = the low bits of the integer register; no flags even for a NaN. */
static void run_broadcasts(const struct vec_env *env)
{
    static const unsigned bytes[] = {4, 2, 4, 1, 1, 1};
    static const char *const names[] = {"vbcast.f32", "vbcast.bf16", "vbcast.i32",
                                        "vbcast.i8", "vbcast.e4m3", "vbcast.e5m2"};
    const uint64_t value = 0x123456787F800001ull; /* FP32 low half: a signalling NaN */
    static dojo_vec_t actual, expected;
    for (unsigned type = 0; type < 6; type++) {
        switch (type) {
        case DOJO_VEC_F32: DOJO_VBCAST_F32(4, value); break;
        case DOJO_VEC_BF16: DOJO_VBCAST_BF16(4, value); break;
        case DOJO_VEC_I32: DOJO_VBCAST_I32(4, value); break;
        case DOJO_VEC_I8: DOJO_VBCAST_I8(4, value); break;
        case DOJO_VEC_E4M3: DOJO_VBCAST_E4M3(4, value); break;
        default: DOJO_VBCAST_E5M2(4, value); break;
        }
        DOJO_VST(4, &actual);
        for (unsigned lane = 0; lane < DOJO_VEC_BYTES / bytes[type]; lane++)
            vec_set_lane(&expected, bytes[type], lane, (uint32_t)value);
        check_vec_result(&actual, &expected, 1, bytes[type], env, 0, names[type]);
    }
}

int main(void)
{
    puts("vec_add: lane-wise vector instructions against the scalar reference");
    make_data();

    struct vec_env env = vec_configure(7, 15, DOJO_VEC_ROUND_NEAREST_EVEN, 0);
    run_broadcasts(&env);
    run_lane_cases(&env, "RNE");
    env = vec_configure(7, 15, DOJO_VEC_ROUND_STOCHASTIC, 0x0123456789ABCDEFull);
    run_lane_cases(&env, "stochastic");

    return check_verdict("vec_add");
}
