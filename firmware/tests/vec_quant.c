/*
 * Quantisation on the vector unit against the scalar C reference, bit for bit, with vflags and
 * vseed: BF16 -> CFP8 (E4M3 and E5M2, several exponent biases) with vcvt's two parts, RNE and
 * stochastic rounding (the spec's per-lane random numbers and vseed increments), saturation with
 * Overflow, Invalid for infinities and NaNs, Underflow, Denormal inputs, then back to BF16; and
 * the other conversions: FP32 <-> CFP8 (four parts), E4M3 <-> E5M2, FP32 <-> BF16.
 */
#include "vec_check.h"

static unsigned type_bytes(unsigned type)
{
    return type == DOJO_VEC_F32 ? 4 : type == DOJO_VEC_BF16 ? 2 : 1;
}

static const char *type_name(unsigned type)
{
    static const char *const names[] = {"f32", "bf16", "i32", "i8", "e4m3", "e5m2"};
    return names[type];
}

/* The reference vcvt.T.S with `part`: updates *destination (other lanes keep their values),
   advances env->seed for a BF16/CFP8 result, returns the flags. */
static unsigned ref_vcvt(unsigned destination_type, unsigned source_type, unsigned part,
                         const dojo_vec_t *source, dojo_vec_t *destination, struct vec_env *env)
{
    const unsigned source_bytes = type_bytes(source_type);
    const unsigned destination_bytes = type_bytes(destination_type);
    const unsigned wider = source_bytes > destination_bytes ? source_bytes : destination_bytes;
    const unsigned count = DOJO_VEC_BYTES / wider;
    const unsigned source_first = source_bytes < destination_bytes ? part * count : 0;
    const unsigned destination_first = destination_bytes < source_bytes ? part * count : 0;
    unsigned flags = 0;
    for (unsigned i = 0; i < count; i++) {
        const unsigned lane = destination_first + i;
        const uint32_t value = ref_convert(source_type, destination_type,
                                           vec_lane(source, source_bytes, source_first + i), env,
                                           lane, &flags);
        vec_set_lane(destination, destination_bytes, lane, value);
    }
    if (destination_type != DOJO_VEC_F32)
        vec_env_retire_narrowing(env);
    return flags;
}

/* Runners: vcvt.T.S v10, v1, part. */
typedef void (*vec_runner)(void);
#define CVT_RUNNER(T, S, part) \
    static void run_##T##_##S##_##part(void) { DOJO_VCVT(DOJO_VEC_##T, DOJO_VEC_##S, 10, 1, part); }
#define CVT_RUNNERS_2(T, S) CVT_RUNNER(T, S, 0) CVT_RUNNER(T, S, 1)
#define CVT_RUNNERS_4(T, S) CVT_RUNNERS_2(T, S) CVT_RUNNER(T, S, 2) CVT_RUNNER(T, S, 3)
CVT_RUNNERS_2(E4M3, BF16)
CVT_RUNNERS_2(E5M2, BF16)
CVT_RUNNERS_2(BF16, E4M3)
CVT_RUNNERS_2(BF16, E5M2)
CVT_RUNNERS_4(E4M3, F32)
CVT_RUNNERS_4(E5M2, F32)
CVT_RUNNERS_4(F32, E4M3)
CVT_RUNNERS_4(F32, E5M2)
CVT_RUNNER(E4M3, E5M2, 0)
CVT_RUNNER(E5M2, E4M3, 0)
CVT_RUNNERS_2(BF16, F32)
CVT_RUNNERS_2(F32, BF16)

/* The runners of one conversion by part. */
struct conversion {
    unsigned destination, source;
    vec_runner parts[4];
};
#define PARTS_2(T, S) {run_##T##_##S##_0, run_##T##_##S##_1}
#define PARTS_4(T, S) {run_##T##_##S##_0, run_##T##_##S##_1, run_##T##_##S##_2, run_##T##_##S##_3}
static const struct conversion e4m3_from_bf16 = {DOJO_VEC_E4M3, DOJO_VEC_BF16, PARTS_2(E4M3, BF16)};
static const struct conversion e5m2_from_bf16 = {DOJO_VEC_E5M2, DOJO_VEC_BF16, PARTS_2(E5M2, BF16)};
static const struct conversion bf16_from_e4m3 = {DOJO_VEC_BF16, DOJO_VEC_E4M3, PARTS_2(BF16, E4M3)};
static const struct conversion bf16_from_e5m2 = {DOJO_VEC_BF16, DOJO_VEC_E5M2, PARTS_2(BF16, E5M2)};
static const struct conversion e4m3_from_f32 = {DOJO_VEC_E4M3, DOJO_VEC_F32, PARTS_4(E4M3, F32)};
static const struct conversion e5m2_from_f32 = {DOJO_VEC_E5M2, DOJO_VEC_F32, PARTS_4(E5M2, F32)};
static const struct conversion f32_from_e4m3 = {DOJO_VEC_F32, DOJO_VEC_E4M3, PARTS_4(F32, E4M3)};
static const struct conversion f32_from_e5m2 = {DOJO_VEC_F32, DOJO_VEC_E5M2, PARTS_4(F32, E5M2)};
static const struct conversion e4m3_from_e5m2 = {DOJO_VEC_E4M3, DOJO_VEC_E5M2, {run_E4M3_E5M2_0}};
static const struct conversion e5m2_from_e4m3 = {DOJO_VEC_E5M2, DOJO_VEC_E4M3, {run_E5M2_E4M3_0}};
static const struct conversion bf16_from_f32 = {DOJO_VEC_BF16, DOJO_VEC_F32, PARTS_2(BF16, F32)};
static const struct conversion f32_from_bf16 = {DOJO_VEC_F32, DOJO_VEC_BF16, PARTS_2(F32, BF16)};

/* One vcvt on the unit (v1 = source, v10 = *destination before) against the reference, which
   then becomes *destination for the next step. */
static void convert_step(const struct conversion *c, unsigned part, const dojo_vec_t *source,
                         dojo_vec_t *destination, struct vec_env *env, const char *context)
{
    static dojo_vec_t actual;
    DOJO_VLD(1, source);
    DOJO_VLD(10, destination);
    c->parts[part]();
    DOJO_VST(10, &actual);
    const unsigned flags = ref_vcvt(c->destination, c->source, part, source, destination, env);
    char what[96];
    snprintf(what, sizeof what, "vcvt.%s.%s part %u, %s", type_name(c->destination),
             type_name(c->source), part, context);
    check_vec_result(&actual, destination, 1, type_bytes(c->destination), env, flags, what);
}

static void fill(dojo_vec_t *v, uint8_t byte) { memset(v->u8, byte, sizeof v->u8); }

/* A random FP32 value around a CFP8 format's range: exponents from below its smallest subnormal
   (rounds to zero) to above its largest value (saturates). */
static uint32_t value_for(struct dojo_vec_format format, uint64_t *state)
{
    const int min_exponent = 1 - format.bias - format.mantissa_bits - 2;
    const int max_exponent = (1 << format.exponent_bits) - 1 - format.bias + 1;
    return test_random_f32(state, min_exponent, max_exponent);
}

/* Zeros, infinities, a quiet and a signalling NaN, a subnormal and a huge value (as FP32, and
   as BF16 from their top halves). */
static const uint32_t f32_specials[8] = {0x00000000, 0x80000000, 0x7F800000, 0xFF800000,
                                         0x7FC00000, 0x7F810000, 0x00010000, 0xFF7F0000};

/* BF16 -> CFP8 in two parts and back, for one format, bias and rounding mode. */
static void bf16_round_trip(unsigned type, unsigned bias, enum dojo_vec_rounding rounding,
                            uint64_t *state)
{
    const int e4m3 = type == DOJO_VEC_E4M3;
    struct vec_env env = vec_configure(e4m3 ? bias : 15, e4m3 ? 7 : bias, rounding,
                                       0xC0FFEE0000000000ull + bias);
    const struct dojo_vec_format format = ref_format(&env, type);
    static dojo_vec_t source[2], quantised, restored[2];
    for (unsigned p = 0; p < 2; p++)
        for (unsigned i = 0; i < 32; i++)
            source[p].bf16[i] = (uint16_t)((p == 0 && i < 8 ? f32_specials[i]
                                                             : value_for(format, state)) >> 16);
    char context[48];
    snprintf(context, sizeof context, "bias %u, %s", bias,
             rounding == DOJO_VEC_ROUND_STOCHASTIC ? "stochastic" : "RNE");
    fill(&quantised, 0xA5);
    const struct conversion *to = e4m3 ? &e4m3_from_bf16 : &e5m2_from_bf16;
    const struct conversion *back = e4m3 ? &bf16_from_e4m3 : &bf16_from_e5m2;
    convert_step(to, 0, &source[0], &quantised, &env, context); /* lanes 32..63 stay 0xA5 */
    convert_step(to, 1, &source[1], &quantised, &env, context);
    for (unsigned p = 0; p < 2; p++) {
        fill(&restored[p], 0x5A);
        convert_step(back, p, &quantised, &restored[p], &env, context);
    }
}

/* FP32 -> CFP8 in four parts and back, both formats at their default biases, then E4M3 <-> E5M2. */
static void f32_conversions(enum dojo_vec_rounding rounding, uint64_t *state)
{
    struct vec_env env = vec_configure(7, 15, rounding, 0xFEEDFACECAFEBEEFull);
    const char *context = rounding == DOJO_VEC_ROUND_STOCHASTIC ? "stochastic" : "RNE";
    static const struct conversion *const to[2] = {&e4m3_from_f32, &e5m2_from_f32};
    static const struct conversion *const back[2] = {&f32_from_e4m3, &f32_from_e5m2};
    static dojo_vec_t source[4], quantised[2], restored, other_format;
    for (unsigned f = 0; f < 2; f++) {
        const struct dojo_vec_format format = ref_format(&env, to[f]->destination);
        for (unsigned p = 0; p < 4; p++)
            for (unsigned i = 0; i < 16; i++)
                source[p].u32[i] = p == 0 && i < 8 ? f32_specials[i] : value_for(format, state);
        fill(&quantised[f], 0x3C);
        for (unsigned p = 0; p < 4; p++)
            convert_step(to[f], p, &source[p], &quantised[f], &env, context);
        for (unsigned p = 0; p < 4; p++) {
            fill(&restored, 0x77);
            convert_step(back[f], p, &quantised[f], &restored, &env, context);
        }
    }
    /* E4M3 codes of many magnitudes as E5M2 (and back): rounding, but never saturation */
    fill(&other_format, 0);
    convert_step(&e5m2_from_e4m3, 0, &quantised[0], &other_format, &env, context);
    convert_step(&e4m3_from_e5m2, 0, &quantised[1], &other_format, &env, context);
}

/* FP32 <-> BF16: narrowing rounds (RNE or stochastic), keeps infinities and NaNs, overflows to
   infinity and underflows; widening is exact. */
static void bf16_f32_conversions(enum dojo_vec_rounding rounding, uint64_t *state)
{
    struct vec_env env = vec_configure(7, 15, rounding, 0x0DDB1A5E5BAD5EEDull);
    const char *context = rounding == DOJO_VEC_ROUND_STOCHASTIC ? "stochastic" : "RNE";
    static const uint32_t specials[16] = {
        0x7F800000, 0xFF800000, 0x7FC00001, 0x7F800001, 0x7F7FFFFF, 0xFF7F8000, 0x7F7F7FFF,
        0x00000001, 0x807FFFFF, 0x00800000, 0x007F8000, 0x00008000, 0x3F808000, 0x3F818000,
        0x80000000, 0x00000000};
    static dojo_vec_t source[2], narrowed, widened;
    for (unsigned p = 0; p < 2; p++)
        for (unsigned i = 0; i < 16; i++)
            source[p].u32[i] = p == 0 ? specials[i] : test_random_f32(state, -140, 127);
    fill(&narrowed, 0xEE);
    for (unsigned p = 0; p < 2; p++)
        convert_step(&bf16_from_f32, p, &source[p], &narrowed, &env, context);
    for (unsigned p = 0; p < 2; p++) {
        fill(&widened, 0x11);
        convert_step(&f32_from_bf16, p, &narrowed, &widened, &env, context);
    }
}

int main(void)
{
    puts("vec_quant: conversions to and from CFP8 and BF16 against the scalar reference");
    static const unsigned e4m3_biases[] = {7, 2, 12};
    static const unsigned e5m2_biases[] = {15, 9, 24};
    uint64_t state = 0xB5AD4ECEDA1CE2A9ull;
    for (int stochastic = 0; stochastic < 2; stochastic++) {
        const enum dojo_vec_rounding rounding =
            stochastic ? DOJO_VEC_ROUND_STOCHASTIC : DOJO_VEC_ROUND_NEAREST_EVEN;
        for (unsigned b = 0; b < 3; b++) {
            bf16_round_trip(DOJO_VEC_E4M3, e4m3_biases[b], rounding, &state);
            bf16_round_trip(DOJO_VEC_E5M2, e5m2_biases[b], rounding, &state);
        }
        f32_conversions(rounding, &state);
        bf16_f32_conversions(rounding, &state);
    }
    return check_verdict("vec_quant");
}
