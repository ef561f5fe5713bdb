/*
 * Scalar C reference of the vector unit (docs/isa-vector.md) for the vec_* test programs, and
 * helpers to compare a register's lanes against it bit for bit.
 *
 * FP32 arithmetic is the compiler's soft-float (libgcc: IEEE 754, round-to-nearest-even,
 * subnormals); flags and canonical NaNs follow the spec's rules, derived here from the operands
 * and exact results. The fused multiply-add is computed here too (from the exact double product,
 * an error-free sum and rounding to odd), not taken from the C library. BF16 and CFP8 narrowing
 * is dojo_vec_narrow() of dojo/vec.h.
 */
#ifndef DOJO_TEST_VEC_CHECK_H
#define DOJO_TEST_VEC_CHECK_H

#include "check.h"

#include <dojo/vec.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define F32_CANONICAL_NAN 0x7FC00000u
#define BF16_CANONICAL_NAN 0x7FC0u

/* ---- The unit's configuration as the reference sees it ---------------------------------------- */

/* What vcfg and vseed hold; `seed` advances as the unit's vseed does. */
struct vec_env {
    int stochastic;
    uint64_t seed;
    struct dojo_vec_format e4m3;
    struct dojo_vec_format e5m2;
};

/* Programs the unit and returns the matching reference environment; clears vflags. */
static inline struct vec_env vec_configure(unsigned e4m3_bias, unsigned e5m2_bias,
                                           enum dojo_vec_rounding rounding, uint64_t seed)
{
    dojo_vcfg_write(dojo_vcfg_make(e4m3_bias, e5m2_bias, rounding));
    dojo_vseed_write(seed);
    dojo_vflags_clear();
    struct vec_env env = {rounding == DOJO_VEC_ROUND_STOCHASTIC, seed,
                          DOJO_VEC_FORMAT_E4M3(e4m3_bias), DOJO_VEC_FORMAT_E5M2(e5m2_bias)};
    return env;
}

/* The lane's random number for the current instruction (0 under RNE, where it is unused). */
static inline uint32_t vec_random(const struct vec_env *env, unsigned lane)
{
    return env->stochastic ? dojo_vec_lane_random(env->seed, lane) : 0;
}

/* After an instruction that narrows to BF16/CFP8: vseed moves on iff rounding is stochastic. */
static inline void vec_env_retire_narrowing(struct vec_env *env)
{
    if (env->stochastic)
        env->seed++;
}

/* ---- FP32 (bit patterns) --------------------------------------------------------------------- */

static inline int f32_is_nan(uint32_t x) { return (x & 0x7FFFFFFFu) > 0x7F800000u; }
static inline int f32_is_signaling_nan(uint32_t x) { return f32_is_nan(x) && !(x & 0x00400000u); }
static inline int f32_is_inf(uint32_t x) { return (x & 0x7FFFFFFFu) == 0x7F800000u; }
static inline int f32_is_zero(uint32_t x) { return (x & 0x7FFFFFFFu) == 0; }
static inline int f32_is_subnormal(uint32_t x)
{
    return (x & 0x7F800000u) == 0 && (x & 0x007FFFFFu) != 0;
}

static inline uint64_t f64_bits(double value)
{
    uint64_t bits;
    memcpy(&bits, &value, sizeof bits);
    return bits;
}

static inline double f64_from_bits(uint64_t bits)
{
    double value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

static inline double f64_abs(double value) { return value < 0 ? -value : value; }

/* A nonzero exact value below this rounds (24 bits, unbounded exponent) below 2^-126: the
   midpoint between 2^-126 and its predecessor, which ties up to the even 2^-126. */
#define F32_TINY_BOUND (0x1p-126 - 0x1p-151)

static inline unsigned f32_denormal_flag(uint32_t x)
{
    return f32_is_subnormal(x) ? DOJO_VFLAG_DENORMAL : 0;
}

/* The flags and canonical NaN of an infinite or NaN result of an operation on a, b, c (c = 0 for
   two operands); `product_invalid`: zero times infinity. */
static inline uint32_t f32_special_result(uint32_t result, uint32_t a, uint32_t b, uint32_t c,
                                          int product_invalid, unsigned *flags)
{
    if (f32_is_nan(result)) {
        const int any_nan = f32_is_nan(a) || f32_is_nan(b) || f32_is_nan(c);
        const int any_signaling =
            f32_is_signaling_nan(a) || f32_is_signaling_nan(b) || f32_is_signaling_nan(c);
        if (!any_nan || any_signaling || product_invalid)
            *flags |= DOJO_VFLAG_INVALID;
        return F32_CANONICAL_NAN;
    }
    if (!f32_is_inf(a) && !f32_is_inf(b) && !f32_is_inf(c))
        *flags |= DOJO_VFLAG_OVERFLOW;
    return result;
}

static inline uint32_t ref_f32_add(uint32_t a, uint32_t b, unsigned *flags)
{
    *flags |= f32_denormal_flag(a) | f32_denormal_flag(b);
    const uint32_t result = dojo_f32_bits(dojo_f32_from_bits(a) + dojo_f32_from_bits(b));
    if ((result & 0x7FFFFFFFu) >= 0x7F800000u)
        return f32_special_result(result, a, b, 0, 0, flags);
    return result; /* a sum below 2^-126 is a multiple of 2^-149, exact: never Underflow */
}

static inline uint32_t ref_f32_sub(uint32_t a, uint32_t b, unsigned *flags)
{
    return ref_f32_add(a, b ^ 0x80000000u, flags);
}

static inline uint32_t ref_f32_mul(uint32_t a, uint32_t b, unsigned *flags)
{
    *flags |= f32_denormal_flag(a) | f32_denormal_flag(b);
    const uint32_t result = dojo_f32_bits(dojo_f32_from_bits(a) * dojo_f32_from_bits(b));
    if ((result & 0x7FFFFFFFu) >= 0x7F800000u)
        return f32_special_result(result, a, b, 0, 0, flags);
    /* 24 x 24 bits: the double product is exact */
    const double product = (double)dojo_f32_from_bits(a) * (double)dojo_f32_from_bits(b);
    if (product != 0 && (double)dojo_f32_from_bits(result) != product &&
        f64_abs(product) < F32_TINY_BOUND)
        *flags |= DOJO_VFLAG_UNDERFLOW;
    return result;
}

/* a*b + c with one rounding. The product is exact in double; s + e = product + c exactly
   (TwoSum); s rounded to odd keeps e's sticky bit, so the final double -> float rounding is the
   correct rounding of the exact sum. */
static inline uint32_t ref_f32_fma(uint32_t a, uint32_t b, uint32_t c, unsigned *flags)
{
    *flags |= f32_denormal_flag(a) | f32_denormal_flag(b) | f32_denormal_flag(c);
    const double product = (double)dojo_f32_from_bits(a) * (double)dojo_f32_from_bits(b);
    const double addend = (double)dojo_f32_from_bits(c);
    const double sum = product + addend;
    const int finite_operands = ((a | 0x80000000u) < 0xFF800000u) &&
                                ((b | 0x80000000u) < 0xFF800000u) &&
                                ((c | 0x80000000u) < 0xFF800000u);
    if (!finite_operands) {
        const int product_invalid =
            (f32_is_inf(a) && f32_is_zero(b)) || (f32_is_zero(a) && f32_is_inf(b));
        const uint32_t result = dojo_f32_bits((float)sum);
        if ((result & 0x7FFFFFFFu) >= 0x7F800000u)
            return f32_special_result(result, a, b, c, product_invalid, flags);
        return result;
    }
    const double addend_part = sum - product;
    const double error = (product - (sum - addend_part)) + (addend - addend_part);
    double odd = sum;
    if (error != 0 && !(f64_bits(sum) & 1))
        odd = f64_from_bits(f64_bits(sum) + (((error > 0) == (sum > 0)) ? 1 : (uint64_t)-1));
    const uint32_t result = dojo_f32_bits((float)odd);
    if ((result & 0x7FFFFFFFu) >= 0x7F800000u)
        return f32_special_result(result, a, b, c, 0, flags);
    const int inexact = error != 0 || (double)dojo_f32_from_bits(result) != sum;
    if (inexact) {
        /* |sum + error| < bound, decided exactly: sum is within half an ulp of the bound only
           when equal to it (the bound has 25 bits). */
        const double magnitude = f64_abs(sum);
        const int tiny = magnitude < F32_TINY_BOUND ||
                         (magnitude == F32_TINY_BOUND && error != 0 && (error > 0) != (sum > 0));
        if (tiny)
            *flags |= DOJO_VFLAG_UNDERFLOW;
    }
    return result;
}

/* minimumNumber / maximumNumber: one NaN operand -> the other operand; -0 < +0. */
static inline uint32_t ref_f32_select(uint32_t a, uint32_t b, int maximum, unsigned *flags)
{
    *flags |= f32_denormal_flag(a) | f32_denormal_flag(b);
    if (f32_is_signaling_nan(a) || f32_is_signaling_nan(b))
        *flags |= DOJO_VFLAG_INVALID;
    if (f32_is_nan(a) && f32_is_nan(b))
        return F32_CANONICAL_NAN;
    if (f32_is_nan(a))
        return b;
    if (f32_is_nan(b))
        return a;
    const float x = dojo_f32_from_bits(a), y = dojo_f32_from_bits(b);
    if (x < y)
        return maximum ? b : a;
    if (y < x)
        return maximum ? a : b;
    return maximum ? (a & b) : (a | b); /* equal: the same bits or +0/-0 */
}

static inline uint32_t ref_f32_min(uint32_t a, uint32_t b, unsigned *flags)
{
    return ref_f32_select(a, b, 0, flags);
}

static inline uint32_t ref_f32_max(uint32_t a, uint32_t b, unsigned *flags)
{
    return ref_f32_select(a, b, 1, flags);
}

static inline uint32_t ref_f32_relu(uint32_t x, unsigned *flags)
{
    if (f32_is_nan(x)) {
        if (f32_is_signaling_nan(x))
            *flags |= DOJO_VFLAG_INVALID;
        return F32_CANONICAL_NAN;
    }
    return (x >> 31) ? 0 : x;
}

/* vhsum's tree: level by level s[i] = v[2i] + v[2i+1], in place; `count` a power of two. */
static inline uint32_t ref_f32_tree_sum(uint32_t *values, unsigned count, unsigned *flags)
{
    for (; count > 1; count /= 2)
        for (unsigned i = 0; i < count / 2; i++)
            values[i] = ref_f32_add(values[2 * i], values[2 * i + 1], flags);
    return values[0];
}

/* ---- BF16 and CFP8 --------------------------------------------------------------------------- */

enum ref_fp_op { REF_ADD, REF_SUB, REF_MUL, REF_FMA, REF_MIN, REF_MAX, REF_RELU };

/* Whether the operation rounds (and so narrows a BF16 result and draws random numbers). */
static inline int ref_op_rounds(enum ref_fp_op op) { return op <= REF_FMA; }

static inline uint32_t ref_f32_op(enum ref_fp_op op, uint32_t a, uint32_t b, uint32_t acc,
                                  unsigned *flags)
{
    switch (op) {
    case REF_ADD: return ref_f32_add(a, b, flags);
    case REF_SUB: return ref_f32_sub(a, b, flags);
    case REF_MUL: return ref_f32_mul(a, b, flags);
    case REF_FMA: return ref_f32_fma(a, b, acc, flags);
    case REF_MIN: return ref_f32_min(a, b, flags);
    case REF_MAX: return ref_f32_max(a, b, flags);
    default: return ref_f32_relu(a, flags);
    }
}

/* A BF16 lane: widen, the FP32 operation, narrow with the mode (min, max and relu select
   exactly: the canonical FP32 NaN's top half is the canonical BF16 NaN). */
static inline uint16_t ref_bf16_op(enum ref_fp_op op, uint16_t a, uint16_t b, uint16_t acc,
                                   const struct vec_env *env, unsigned lane, unsigned *flags)
{
    const uint32_t wide = ref_f32_op(op, (uint32_t)a << 16, (uint32_t)b << 16, (uint32_t)acc << 16,
                                     flags);
    if (!ref_op_rounds(op))
        return (uint16_t)(wide >> 16);
    return (uint16_t)dojo_vec_narrow(wide, DOJO_VEC_FORMAT_BF16, env->stochastic,
                                     vec_random(env, lane), flags);
}

static inline int ref_is_cfp8(unsigned type) { return type == DOJO_VEC_E4M3 || type == DOJO_VEC_E5M2; }

static inline struct dojo_vec_format ref_format(const struct vec_env *env, unsigned type)
{
    return type == DOJO_VEC_E4M3 ? env->e4m3 : type == DOJO_VEC_E5M2 ? env->e5m2 : DOJO_VEC_FORMAT_BF16;
}

static inline int ref_cfp8_is_subnormal(uint8_t code, struct dojo_vec_format format)
{
    return (code & 0x7F) != 0 && ((code >> format.mantissa_bits) & ((1u << format.exponent_bits) - 1)) == 0;
}

/* An FP element widened exactly to FP32: Denormal for a subnormal source, NaN -> canonical
   (Invalid if signalling). */
static inline uint32_t ref_widen(unsigned type, uint32_t bits, const struct vec_env *env,
                                 unsigned *flags)
{
    if (ref_is_cfp8(type)) {
        const struct dojo_vec_format format = ref_format(env, type);
        if (ref_cfp8_is_subnormal((uint8_t)bits, format))
            *flags |= DOJO_VFLAG_DENORMAL;
        return dojo_cfp8_decode((uint8_t)bits, format);
    }
    const uint32_t x = type == DOJO_VEC_BF16 ? bits << 16 : bits;
    *flags |= f32_denormal_flag(x);
    if (!f32_is_nan(x))
        return x;
    if (f32_is_signaling_nan(x))
        *flags |= DOJO_VFLAG_INVALID;
    return F32_CANONICAL_NAN;
}

/* vcvt of one element: widen, then narrow to `destination` (nothing more for FP32). */
static inline uint32_t ref_convert(unsigned source, unsigned destination, uint32_t bits,
                                   const struct vec_env *env, unsigned lane, unsigned *flags)
{
    const uint32_t wide = ref_widen(source, bits, env, flags);
    if (destination == DOJO_VEC_F32)
        return wide;
    return dojo_vec_narrow(wide, ref_format(env, destination), env->stochastic,
                           vec_random(env, lane), flags);
}

/* ---- Lanes and comparisons ------------------------------------------------------------------- */

static inline uint32_t vec_lane(const dojo_vec_t *v, unsigned bytes, unsigned lane)
{
    return bytes == 4 ? v->u32[lane] : bytes == 2 ? v->bf16[lane] : v->u8[lane];
}

static inline void vec_set_lane(dojo_vec_t *v, unsigned bytes, unsigned lane, uint32_t value)
{
    if (bytes == 4)
        v->u32[lane] = value;
    else if (bytes == 2)
        v->bf16[lane] = (uint16_t)value;
    else
        v->u8[lane] = (uint8_t)value;
}

/* The first lane where `count` registers differ (`bytes` per lane); 0 if none. */
static inline int vec_find_mismatch(const dojo_vec_t *actual, const dojo_vec_t *expected,
                                    unsigned count, unsigned bytes, unsigned *reg, unsigned *lane)
{
    for (*reg = 0; *reg < count; ++*reg)
        for (*lane = 0; *lane < DOJO_VEC_BYTES / bytes; ++*lane)
            if (vec_lane(&actual[*reg], bytes, *lane) != vec_lane(&expected[*reg], bytes, *lane))
                return 1;
    return 0;
}

/* vflags (then cleared) equals `expected_flags` and vseed equals env->seed; else prints why. */
static inline int vec_state_matches(const struct vec_env *env, unsigned expected_flags,
                                    const char *what)
{
    const uint64_t flags = dojo_vflags_read(), seed = dojo_vseed_read();
    dojo_vflags_clear();
    if (flags == expected_flags && seed == env->seed)
        return 1;
    printf("  FAIL %s: vflags 0x%lx vseed 0x%llx, expected 0x%x and 0x%llx\n", what,
           (unsigned long)flags, (unsigned long long)seed, expected_flags,
           (unsigned long long)env->seed);
    return 0;
}

/* One check line for one instruction's outcome: `count` result registers equal the reference
   lane for lane, and vflags and vseed are as expected. */
static inline void check_vec_result(const dojo_vec_t *actual, const dojo_vec_t *expected,
                                    unsigned count, unsigned bytes, const struct vec_env *env,
                                    unsigned expected_flags, const char *what)
{
    unsigned reg, lane;
    int ok = 0;
    if (vec_find_mismatch(actual, expected, count, bytes, &reg, &lane)) {
        printf("  FAIL %s: register %u lane %u is 0x%lx, expected 0x%lx\n", what, reg, lane,
               (unsigned long)vec_lane(&actual[reg], bytes, lane),
               (unsigned long)vec_lane(&expected[reg], bytes, lane));
        dojo_vflags_clear();
    } else {
        ok = vec_state_matches(env, expected_flags, what);
    }
    if (ok)
        printf("  ok   %s (vflags 0x%x)\n", what, expected_flags);
    else
        check_failures++;
}

/* The same for a scalar result (vhsum). */
static inline void check_scalar_result(uint64_t actual, uint64_t expected, const struct vec_env *env,
                                       unsigned expected_flags, const char *what)
{
    int ok = 0;
    if (actual != expected) {
        printf("  FAIL %s: got 0x%llx, expected 0x%llx\n", what, (unsigned long long)actual,
               (unsigned long long)expected);
        dojo_vflags_clear();
    } else {
        ok = vec_state_matches(env, expected_flags, what);
    }
    if (ok)
        printf("  ok   %s = 0x%llx (vflags 0x%x)\n", what, (unsigned long long)expected,
               expected_flags);
    else
        check_failures++;
}

/* ---- Test data ------------------------------------------------------------------------------- */

/* xorshift64: reproducible pseudo-random test data. */
static inline uint64_t test_random(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *state = x;
}

/* A nonzero finite FP32 value: random sign and mantissa, exponent in [min, max] (unbiased; below
   -126 the value is subnormal with that leading exponent). */
static inline uint32_t test_random_f32(uint64_t *state, int min_exponent, int max_exponent)
{
    const uint64_t r = test_random(state);
    const int exponent = min_exponent + (int)((r >> 32) % (uint64_t)(max_exponent - min_exponent + 1));
    const uint32_t sign = (uint32_t)r & 0x80000000u, mantissa = (uint32_t)r & 0x007FFFFFu;
    if (exponent >= -126)
        return sign | (uint32_t)(exponent + 127) << 23 | mantissa;
    return sign | (0x00800000u | mantissa) >> (-126 - exponent);
}

#endif
