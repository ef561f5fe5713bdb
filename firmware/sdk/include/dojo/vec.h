/*
 * The D1 vector unit (docs/isa-vector.md): an intrinsic for every instruction, its three CSRs,
 * and scalar conversions between FP32, BF16 and CFP8 (to prepare data and to check results).
 *
 * The compiler does not know the vector registers, so intrinsics name them by NUMBER (0..31),
 * which must be an integer constant expression; a number out of range does not compile. Integer
 * operands (addresses, broadcast values, vhsum results) are ordinary C values:
 *
 *     static dojo_vec_t a, b, sum;          // 64 bytes, 64-byte aligned
 *     DOJO_VLD(1, &a);                      // v1 = a
 *     DOJO_VLD(2, &b);
 *     DOJO_VADD_F32(3, 1, 2);               // v3 = v1 + v2, 16 FP32 lanes
 *     DOJO_VST(3, &sum);
 *     uint32_t total = (uint32_t)DOJO_VHSUM_F32(3);  // FP32 bits of the lanes' sum
 *
 * Each intrinsic is one `asm volatile` (GNU as `.insn r 0x0B, funct3, funct7, rd, rs1, rs2`), so
 * vector instructions and vector CSR accesses stay in program order; DOJO_VLD and DOJO_VST also
 * clobber "memory", so C stores before a vld and C loads after a vst see the right data.
 */
#ifndef DOJO_VEC_H
#define DOJO_VEC_H

#include <dojo/csr.h>
#include <dojo/lane_random.h>
#include <stdint.h>

/* ---- State ----------------------------------------------------------------------------------- */

#define DOJO_VEC_BYTES 64    /* bytes per vector register */
#define DOJO_VEC_REGISTERS 32

/* Element types: the funct3 of an instruction. */
#define DOJO_VEC_F32 0
#define DOJO_VEC_BF16 1
#define DOJO_VEC_I32 2
#define DOJO_VEC_I8 3
#define DOJO_VEC_E4M3 4
#define DOJO_VEC_E5M2 5

/* CSR numbers and fields. */
#define DOJO_CSR_VCFG 0x800
#define DOJO_CSR_VSEED 0x801
#define DOJO_CSR_VFLAGS 0x802
#define DOJO_VCFG_E4M3_BIAS_SHIFT 0
#define DOJO_VCFG_E5M2_BIAS_SHIFT 8
#define DOJO_VCFG_BIAS_MASK 0x3F
#define DOJO_VCFG_STOCHASTIC (1u << 16) /* narrowing rounding: 0 RNE, 1 stochastic */
#define DOJO_VCFG_RESET (7u | 15u << 8) /* E4M3 bias 7, E5M2 bias 15, RNE */

/* vflags bits (sticky). */
#define DOJO_VFLAG_INVALID 0x1
#define DOJO_VFLAG_DENORMAL 0x2
#define DOJO_VFLAG_OVERFLOW 0x4
#define DOJO_VFLAG_UNDERFLOW 0x8

/* One register's worth of memory, aligned as vld/vst require. */
typedef union dojo_vec {
    uint8_t u8[64];
    int8_t i8[64];   /* i8, and e4m3/e5m2 codes in u8 */
    uint16_t bf16[32];
    uint32_t u32[16]; /* f32 bit patterns */
    int32_t i32[16];
    float f32[16];
} __attribute__((aligned(DOJO_VEC_BYTES))) dojo_vec_t;

/* ---- Instructions ---------------------------------------------------------------------------- */

/* Register numbers are checked at compile time: a negative array size fails the build. */
#define DOJO_VREG_(v) ((v) + 0 * sizeof(char[(unsigned)(v) < DOJO_VEC_REGISTERS ? 1 : -1]))
#define DOJO_VREG_GROUP4_(v) ((v) + 0 * sizeof(char[(unsigned)(v) < 32 && (v) % 4 == 0 ? 1 : -1]))

/* funct7 of each operation. */
#define DOJO_VOP_VLD 0x00
#define DOJO_VOP_VST 0x01
#define DOJO_VOP_VBCAST 0x02
#define DOJO_VOP_VADD 0x03
#define DOJO_VOP_VSUB 0x04
#define DOJO_VOP_VMUL 0x05
#define DOJO_VOP_VFMA 0x06
#define DOJO_VOP_VMIN 0x07
#define DOJO_VOP_VMAX 0x08
#define DOJO_VOP_VRELU 0x09
#define DOJO_VOP_VDOT 0x0A
#define DOJO_VOP_VCVT 0x0B
#define DOJO_VOP_VHSUM 0x0C
#define DOJO_VOP_VMMA 0x0D

/* An instruction whose rd, rs1, rs2 fields are all numbers (vector registers, or the vcvt
   selector). `.insn r` wants register operands: x<n> encodes the number n. */
#define DOJO_VEC_INSN_(funct7, type, rd, rs1, rs2)                                         \
    __asm__ volatile(".insn r 0x0B, %0, %1, x%2, x%3, x%4" ::"i"(type), "i"(funct7), "i"(rd), \
                     "i"(rs1), "i"(rs2))

#define DOJO_VEC_BINARY_(funct7, type, vd, vs1, vs2) \
    DOJO_VEC_INSN_(funct7, type, DOJO_VREG_(vd), DOJO_VREG_(vs1), DOJO_VREG_(vs2))

/* vld vd, (address): vd = the 64 bytes at `address` (64-byte aligned). */
#define DOJO_VLD(vd, address)                                                                  \
    __asm__ volatile(".insn r 0x0B, 0, 0x00, x%0, %1, x0" ::"i"(DOJO_VREG_(vd)),               \
                     "r"((const void *)(address))                                              \
                     : "memory")

/* vst vs2, (address): the 64 bytes at `address` (64-byte aligned) = vs2. */
#define DOJO_VST(vs2, address)                                                                 \
    __asm__ volatile(".insn r 0x0B, 0, 0x01, x0, %1, x%0" ::"i"(DOJO_VREG_(vs2)),              \
                     "r"((void *)(address))                                                    \
                     : "memory")

/* vbcast.T vd, value: every lane of vd = the low bits of `value` (a bit pattern for FP types). */
#define DOJO_VBCAST_(type, vd, value)                                                          \
    __asm__ volatile(".insn r 0x0B, %0, 0x02, x%1, %2, x0" ::"i"(type), "i"(DOJO_VREG_(vd)),   \
                     "r"((uint64_t)(value)))
#define DOJO_VBCAST_F32(vd, bits) DOJO_VBCAST_(DOJO_VEC_F32, vd, bits)
#define DOJO_VBCAST_BF16(vd, bits) DOJO_VBCAST_(DOJO_VEC_BF16, vd, bits)
#define DOJO_VBCAST_I32(vd, value) DOJO_VBCAST_(DOJO_VEC_I32, vd, value)
#define DOJO_VBCAST_I8(vd, value) DOJO_VBCAST_(DOJO_VEC_I8, vd, value)
#define DOJO_VBCAST_E4M3(vd, code) DOJO_VBCAST_(DOJO_VEC_E4M3, vd, code)
#define DOJO_VBCAST_E5M2(vd, code) DOJO_VBCAST_(DOJO_VEC_E5M2, vd, code)

/* vd[i] = vs1[i] op vs2[i]. */
#define DOJO_VADD_F32(vd, vs1, vs2) DOJO_VEC_BINARY_(DOJO_VOP_VADD, DOJO_VEC_F32, vd, vs1, vs2)
#define DOJO_VADD_BF16(vd, vs1, vs2) DOJO_VEC_BINARY_(DOJO_VOP_VADD, DOJO_VEC_BF16, vd, vs1, vs2)
#define DOJO_VADD_I32(vd, vs1, vs2) DOJO_VEC_BINARY_(DOJO_VOP_VADD, DOJO_VEC_I32, vd, vs1, vs2)
#define DOJO_VADD_I8(vd, vs1, vs2) DOJO_VEC_BINARY_(DOJO_VOP_VADD, DOJO_VEC_I8, vd, vs1, vs2)
#define DOJO_VSUB_F32(vd, vs1, vs2) DOJO_VEC_BINARY_(DOJO_VOP_VSUB, DOJO_VEC_F32, vd, vs1, vs2)
#define DOJO_VSUB_BF16(vd, vs1, vs2) DOJO_VEC_BINARY_(DOJO_VOP_VSUB, DOJO_VEC_BF16, vd, vs1, vs2)
#define DOJO_VSUB_I32(vd, vs1, vs2) DOJO_VEC_BINARY_(DOJO_VOP_VSUB, DOJO_VEC_I32, vd, vs1, vs2)
#define DOJO_VSUB_I8(vd, vs1, vs2) DOJO_VEC_BINARY_(DOJO_VOP_VSUB, DOJO_VEC_I8, vd, vs1, vs2)
#define DOJO_VMUL_F32(vd, vs1, vs2) DOJO_VEC_BINARY_(DOJO_VOP_VMUL, DOJO_VEC_F32, vd, vs1, vs2)
#define DOJO_VMUL_BF16(vd, vs1, vs2) DOJO_VEC_BINARY_(DOJO_VOP_VMUL, DOJO_VEC_BF16, vd, vs1, vs2)
#define DOJO_VMUL_I32(vd, vs1, vs2) DOJO_VEC_BINARY_(DOJO_VOP_VMUL, DOJO_VEC_I32, vd, vs1, vs2)
#define DOJO_VMUL_I8(vd, vs1, vs2) DOJO_VEC_BINARY_(DOJO_VOP_VMUL, DOJO_VEC_I8, vd, vs1, vs2)
/* vd[i] = vs1[i] * vs2[i] + vd[i], one rounding (BF16: then narrowed). */
#define DOJO_VFMA_F32(vd, vs1, vs2) DOJO_VEC_BINARY_(DOJO_VOP_VFMA, DOJO_VEC_F32, vd, vs1, vs2)
#define DOJO_VFMA_BF16(vd, vs1, vs2) DOJO_VEC_BINARY_(DOJO_VOP_VFMA, DOJO_VEC_BF16, vd, vs1, vs2)
/* IEEE 754-2019 minimumNumber / maximumNumber. */
#define DOJO_VMIN_F32(vd, vs1, vs2) DOJO_VEC_BINARY_(DOJO_VOP_VMIN, DOJO_VEC_F32, vd, vs1, vs2)
#define DOJO_VMIN_BF16(vd, vs1, vs2) DOJO_VEC_BINARY_(DOJO_VOP_VMIN, DOJO_VEC_BF16, vd, vs1, vs2)
#define DOJO_VMAX_F32(vd, vs1, vs2) DOJO_VEC_BINARY_(DOJO_VOP_VMAX, DOJO_VEC_F32, vd, vs1, vs2)
#define DOJO_VMAX_BF16(vd, vs1, vs2) DOJO_VEC_BINARY_(DOJO_VOP_VMAX, DOJO_VEC_BF16, vd, vs1, vs2)

/* vd[i] = max(vs1[i], 0) (FP: sign bit set -> +0, NaN -> canonical NaN). */
#define DOJO_VRELU_F32(vd, vs1) DOJO_VEC_BINARY_(DOJO_VOP_VRELU, DOJO_VEC_F32, vd, vs1, 0)
#define DOJO_VRELU_BF16(vd, vs1) DOJO_VEC_BINARY_(DOJO_VOP_VRELU, DOJO_VEC_BF16, vd, vs1, 0)
#define DOJO_VRELU_I32(vd, vs1) DOJO_VEC_BINARY_(DOJO_VOP_VRELU, DOJO_VEC_I32, vd, vs1, 0)
#define DOJO_VRELU_I8(vd, vs1) DOJO_VEC_BINARY_(DOJO_VOP_VRELU, DOJO_VEC_I8, vd, vs1, 0)

/* vd.i32[i] += sum over k < 4 of vs1.i8[4i+k] * vs2.i8[4i+k]. */
#define DOJO_VDOT_I8(vd, vs1, vs2) DOJO_VEC_BINARY_(DOJO_VOP_VDOT, DOJO_VEC_I8, vd, vs1, vs2)

/*
 * vcvt.T.S vd, vs1, part: converts FP type `source` to FP type `destination` (DOJO_VEC_F32, _BF16,
 * _E4M3, _E5M2). Narrowing writes lanes part*n.. of vd (others keep their values), widening reads
 * lanes part*n.. of vs1, with n the lane count of the wider type; `part` is below the ratio of the
 * two widths (0 for E4M3 <-> E5M2). A bad combination does not compile.
 */
#define DOJO_VEC_TYPE_BYTES_(t) ((t) == DOJO_VEC_F32 || (t) == DOJO_VEC_I32 ? 4 : (t) == DOJO_VEC_BF16 ? 2 : 1)
#define DOJO_VEC_IS_FLOAT_(t) \
    ((t) == DOJO_VEC_F32 || (t) == DOJO_VEC_BF16 || (t) == DOJO_VEC_E4M3 || (t) == DOJO_VEC_E5M2)
#define DOJO_VEC_CVT_PARTS_(t, s)                                                            \
    (DOJO_VEC_TYPE_BYTES_(t) > DOJO_VEC_TYPE_BYTES_(s)                                        \
         ? DOJO_VEC_TYPE_BYTES_(t) / DOJO_VEC_TYPE_BYTES_(s)                                  \
         : DOJO_VEC_TYPE_BYTES_(s) / DOJO_VEC_TYPE_BYTES_(t))
#define DOJO_VEC_CVT_SELECTOR_(t, s, part)                                                    \
    (((s) << 2 | (part)) +                                                                    \
     0 * sizeof(char[DOJO_VEC_IS_FLOAT_(t) && DOJO_VEC_IS_FLOAT_(s) && (t) != (s) &&          \
                             (unsigned)(part) < (unsigned)DOJO_VEC_CVT_PARTS_(t, s)           \
                         ? 1                                                                  \
                         : -1]))
#define DOJO_VCVT(destination, source, vd, vs1, part)                                          \
    DOJO_VEC_INSN_(DOJO_VOP_VCVT, destination, DOJO_VREG_(vd), DOJO_VREG_(vs1),                \
                   DOJO_VEC_CVT_SELECTOR_(destination, source, part))
#define DOJO_VCVT_F32_BF16(vd, vs1, part) DOJO_VCVT(DOJO_VEC_F32, DOJO_VEC_BF16, vd, vs1, part)
#define DOJO_VCVT_F32_E4M3(vd, vs1, part) DOJO_VCVT(DOJO_VEC_F32, DOJO_VEC_E4M3, vd, vs1, part)
#define DOJO_VCVT_F32_E5M2(vd, vs1, part) DOJO_VCVT(DOJO_VEC_F32, DOJO_VEC_E5M2, vd, vs1, part)
#define DOJO_VCVT_BF16_F32(vd, vs1, part) DOJO_VCVT(DOJO_VEC_BF16, DOJO_VEC_F32, vd, vs1, part)
#define DOJO_VCVT_BF16_E4M3(vd, vs1, part) DOJO_VCVT(DOJO_VEC_BF16, DOJO_VEC_E4M3, vd, vs1, part)
#define DOJO_VCVT_BF16_E5M2(vd, vs1, part) DOJO_VCVT(DOJO_VEC_BF16, DOJO_VEC_E5M2, vd, vs1, part)
#define DOJO_VCVT_E4M3_F32(vd, vs1, part) DOJO_VCVT(DOJO_VEC_E4M3, DOJO_VEC_F32, vd, vs1, part)
#define DOJO_VCVT_E4M3_BF16(vd, vs1, part) DOJO_VCVT(DOJO_VEC_E4M3, DOJO_VEC_BF16, vd, vs1, part)
#define DOJO_VCVT_E4M3_E5M2(vd, vs1) DOJO_VCVT(DOJO_VEC_E4M3, DOJO_VEC_E5M2, vd, vs1, 0)
#define DOJO_VCVT_E5M2_F32(vd, vs1, part) DOJO_VCVT(DOJO_VEC_E5M2, DOJO_VEC_F32, vd, vs1, part)
#define DOJO_VCVT_E5M2_BF16(vd, vs1, part) DOJO_VCVT(DOJO_VEC_E5M2, DOJO_VEC_BF16, vd, vs1, part)
#define DOJO_VCVT_E5M2_E4M3(vd, vs1) DOJO_VCVT(DOJO_VEC_E5M2, DOJO_VEC_E4M3, vd, vs1, 0)

/* vhsum.T xd, vs1: the sum of the lanes as a uint64_t. F32/BF16: the FP32 bits of the tree sum,
   sign-extended; I32/I8: the exact 64-bit sum. */
#define DOJO_VHSUM_(type, vs1)                                                                 \
    ({                                                                                         \
        uint64_t dojo_vhsum_value_;                                                            \
        __asm__ volatile(".insn r 0x0B, %1, 0x0C, %0, x%2, x0"                                 \
                         : "=r"(dojo_vhsum_value_)                                             \
                         : "i"(type), "i"(DOJO_VREG_(vs1)));                                   \
        dojo_vhsum_value_;                                                                     \
    })
#define DOJO_VHSUM_F32(vs1) DOJO_VHSUM_(DOJO_VEC_F32, vs1)
#define DOJO_VHSUM_BF16(vs1) DOJO_VHSUM_(DOJO_VEC_BF16, vs1)
#define DOJO_VHSUM_I32(vs1) DOJO_VHSUM_(DOJO_VEC_I32, vs1)
#define DOJO_VHSUM_I8(vs1) DOJO_VHSUM_(DOJO_VEC_I8, vs1)

/* vmma.T vd, vs1, vs2: C (8x8 FP32 in vd..vd+3, vd a multiple of 4) += A (8x4 in vs1, lane 4i+k)
   * B (4x8 in vs2, lane 8k+j). */
#define DOJO_VEC_MMA_(type, vd, vs1, vs2) \
    DOJO_VEC_INSN_(DOJO_VOP_VMMA, type, DOJO_VREG_GROUP4_(vd), DOJO_VREG_(vs1), DOJO_VREG_(vs2))
#define DOJO_VMMA_BF16(vd, vs1, vs2) DOJO_VEC_MMA_(DOJO_VEC_BF16, vd, vs1, vs2)
#define DOJO_VMMA_E4M3(vd, vs1, vs2) DOJO_VEC_MMA_(DOJO_VEC_E4M3, vd, vs1, vs2)
#define DOJO_VMMA_E5M2(vd, vs1, vs2) DOJO_VEC_MMA_(DOJO_VEC_E5M2, vd, vs1, vs2)

/* ---- CSRs ------------------------------------------------------------------------------------ */

#define DOJO_VEC_CSR_READ_(number)                                                            \
    ({                                                                                        \
        uint64_t dojo_vec_csr_value_;                                                         \
        __asm__ volatile(DOJO_CSR_ASM("csrr %0, " #number) : "=r"(dojo_vec_csr_value_));     \
        dojo_vec_csr_value_;                                                                  \
    })
#define DOJO_VEC_CSR_WRITE_(number, value) \
    __asm__ volatile(DOJO_CSR_ASM("csrw " #number ", %0") ::"r"((uint64_t)(value)) : "memory")

static inline uint64_t dojo_vcfg_read(void) { return DOJO_VEC_CSR_READ_(0x800); }
static inline void dojo_vcfg_write(uint64_t value) { DOJO_VEC_CSR_WRITE_(0x800, value); }
static inline uint64_t dojo_vseed_read(void) { return DOJO_VEC_CSR_READ_(0x801); }
static inline void dojo_vseed_write(uint64_t value) { DOJO_VEC_CSR_WRITE_(0x801, value); }
static inline uint64_t dojo_vflags_read(void) { return DOJO_VEC_CSR_READ_(0x802); }
static inline void dojo_vflags_write(uint64_t value) { DOJO_VEC_CSR_WRITE_(0x802, value); }
static inline void dojo_vflags_clear(void) { dojo_vflags_write(0); }

enum dojo_vec_rounding { DOJO_VEC_ROUND_NEAREST_EVEN = 0, DOJO_VEC_ROUND_STOCHASTIC = 1 };

/* The vcfg value for these biases (0..63) and narrowing rounding mode. */
static inline uint64_t dojo_vcfg_make(unsigned e4m3_bias, unsigned e5m2_bias,
                                      enum dojo_vec_rounding rounding)
{
    return (uint64_t)(e4m3_bias & DOJO_VCFG_BIAS_MASK) << DOJO_VCFG_E4M3_BIAS_SHIFT |
           (uint64_t)(e5m2_bias & DOJO_VCFG_BIAS_MASK) << DOJO_VCFG_E5M2_BIAS_SHIFT |
           (rounding == DOJO_VEC_ROUND_STOCHASTIC ? DOJO_VCFG_STOCHASTIC : 0);
}

static inline void dojo_vec_set_e4m3_bias(unsigned bias)
{
    const uint64_t mask = (uint64_t)DOJO_VCFG_BIAS_MASK << DOJO_VCFG_E4M3_BIAS_SHIFT;
    dojo_vcfg_write((dojo_vcfg_read() & ~mask) |
                    (uint64_t)(bias & DOJO_VCFG_BIAS_MASK) << DOJO_VCFG_E4M3_BIAS_SHIFT);
}

static inline void dojo_vec_set_e5m2_bias(unsigned bias)
{
    const uint64_t mask = (uint64_t)DOJO_VCFG_BIAS_MASK << DOJO_VCFG_E5M2_BIAS_SHIFT;
    dojo_vcfg_write((dojo_vcfg_read() & ~mask) |
                    (uint64_t)(bias & DOJO_VCFG_BIAS_MASK) << DOJO_VCFG_E5M2_BIAS_SHIFT);
}

static inline void dojo_vec_set_rounding(enum dojo_vec_rounding rounding)
{
    const uint64_t others = dojo_vcfg_read() & ~(uint64_t)DOJO_VCFG_STOCHASTIC;
    dojo_vcfg_write(others | (rounding == DOJO_VEC_ROUND_STOCHASTIC ? DOJO_VCFG_STOCHASTIC : 0));
}

/* ---- Scalar conversions (the spec's rules, bit for bit) -------------------------------------- */

/* A floating-point element format: IEEE-like (BF16: all-ones exponent = infinity/NaN, overflow to
   infinity) or saturating (CFP8: no infinity or NaN, overflow to +-max). */
struct dojo_vec_format {
    int exponent_bits;
    int mantissa_bits;
    int bias;
    int saturating;
};
#define DOJO_VEC_FORMAT_BF16 ((struct dojo_vec_format){8, 7, 127, 0})
#define DOJO_VEC_FORMAT_E4M3(bias) ((struct dojo_vec_format){4, 3, (bias), 1})
#define DOJO_VEC_FORMAT_E5M2(bias) ((struct dojo_vec_format){5, 2, (bias), 1})

static inline uint32_t dojo_f32_bits(float value)
{
    union { float f; uint32_t u; } pun = {.f = value};
    return pun.u;
}

static inline float dojo_f32_from_bits(uint32_t bits)
{
    union { uint32_t u; float f; } pun = {.u = bits};
    return pun.f;
}

/* The lane's stochastic-rounding number: the vector unit's own definition (<dojo/lane_random.h>). */
static inline uint32_t dojo_vec_lane_random(uint64_t vseed, unsigned lane)
{
    return dojo_lane_random(vseed, lane);
}

/* Drops the low `discard` bits of `significand` (RNE, or stochastic: up iff random < the top 32
   discarded bits as a fraction of an ulp); *inexact tells whether any nonzero bit was dropped. */
static inline uint64_t dojo_vec_round_off_(uint64_t significand, int discard, int stochastic,
                                           uint32_t random, int *inexact)
{
    if (discard <= 0) {
        *inexact = 0;
        return significand << -discard;
    }
    const uint64_t kept = discard >= 64 ? 0 : significand >> discard;
    const uint64_t rest = discard >= 64 ? significand : significand & ((1ull << discard) - 1);
    *inexact = rest != 0;
    if (rest == 0)
        return kept;
    int up;
    if (stochastic) {
        const uint32_t fraction = discard <= 32      ? (uint32_t)(rest << (32 - discard))
                                  : discard - 32 < 64 ? (uint32_t)(rest >> (discard - 32))
                                                      : 0;
        up = random < fraction;
    } else if (discard > 64) {
        up = 0; /* rest < 2^64 is below half an ulp */
    } else {
        const uint64_t half = 1ull << (discard - 1);
        up = rest > half || (rest == half && (kept & 1));
    }
    return kept + (uint64_t)up;
}

/*
 * Narrows the FP32 value `x` (bits) to `format` as the vector unit does: RNE or stochastic
 * rounding (`random` is the lane's number), tininess after rounding. ORs DOJO_VFLAG_* into *flags:
 * Overflow (infinity for BF16, saturation to +-max for CFP8), Underflow (tiny and inexact),
 * Invalid (CFP8 from an infinity or NaN: +-max / +max; BF16 from a signalling NaN). NaN -> the
 * canonical BF16 NaN 0x7FC0. Returns the encoding.
 */
static inline uint32_t dojo_vec_narrow(uint32_t x, struct dojo_vec_format format, int stochastic,
                                       uint32_t random, unsigned *flags)
{
    const int mantissa_bits = format.mantissa_bits;
    const uint32_t sign = (x >> 31) << (format.exponent_bits + mantissa_bits);
    const uint32_t max_field = (1u << format.exponent_bits) - (format.saturating ? 1 : 2);
    const uint32_t max_finite = max_field << mantissa_bits | ((1u << mantissa_bits) - 1);
    const uint32_t infinity = (max_field + 1) << mantissa_bits;
    const uint32_t magnitude = x & 0x7FFFFFFFu;
    if (magnitude >= 0x7F800000u) {
        const int nan = magnitude > 0x7F800000u;
        if (format.saturating) {
            *flags |= DOJO_VFLAG_INVALID;
            return nan ? max_finite : sign | max_finite;
        }
        if (!nan)
            return sign | infinity;
        if (!(x & 0x00400000u))
            *flags |= DOJO_VFLAG_INVALID;
        return infinity | 1u << (mantissa_bits - 1);
    }
    if (magnitude == 0)
        return sign;
    /* |x| = significand * 2^exponent, leading = floor(log2 |x|). */
    const uint32_t exponent_field = magnitude >> 23;
    const uint64_t significand = exponent_field ? (magnitude & 0x7FFFFFu) | 0x800000u : magnitude;
    const int exponent = exponent_field ? (int)exponent_field - 150 : -149;
    const int leading = 63 - __builtin_clzll(significand) + exponent;
    const int min_exponent = 1 - format.bias;
    const int normal = leading >= min_exponent;
    const int quantum = (normal ? leading : min_exponent) - mantissa_bits;
    int inexact;
    const uint64_t rounded =
        dojo_vec_round_off_(significand, quantum - exponent, stochastic, random, &inexact);
    /* Normal: the leading one sits at bit mantissa_bits, a carry bumps the exponent field. */
    const uint64_t bits =
        normal ? ((uint64_t)(leading - min_exponent) << mantissa_bits) + rounded : rounded;
    if (bits > max_finite) {
        *flags |= DOJO_VFLAG_OVERFLOW;
        return sign | (format.saturating ? max_finite : infinity);
    }
    if (inexact && !normal) {
        /* Tiny unless, rounded with one more bit (an unbounded exponent), it reaches 2^min. */
        int tiny = 1;
        if (leading == min_exponent - 1) {
            int unused;
            tiny = dojo_vec_round_off_(significand, leading - mantissa_bits - exponent, stochastic,
                                       random, &unused) < (2ull << mantissa_bits);
        }
        if (tiny)
            *flags |= DOJO_VFLAG_UNDERFLOW;
    }
    return sign | (uint32_t)bits;
}

/* The exact FP32 value (bits) of a CFP8 code; every code is a finite number. */
static inline uint32_t dojo_cfp8_decode(uint8_t code, struct dojo_vec_format format)
{
    const int mantissa_bits = format.mantissa_bits;
    const uint32_t sign = (uint32_t)(code >> 7) << 31;
    const uint32_t field = (code >> mantissa_bits) & ((1u << format.exponent_bits) - 1);
    const uint32_t mantissa = code & ((1u << mantissa_bits) - 1);
    if (field == 0 && mantissa == 0)
        return sign;
    /* value = significand * 2^exponent, always in FP32's normal range */
    const uint32_t significand = field ? 1u << mantissa_bits | mantissa : mantissa;
    const int exponent = (int)(field ? field : 1) - format.bias - mantissa_bits;
    const int top = 31 - __builtin_clz(significand);
    return sign | (uint32_t)(top + exponent + 127) << 23 | ((significand << (23 - top)) & 0x7FFFFFu);
}

/* Round-to-nearest-even conversions for preparing data (flags ignored). */
static inline uint16_t dojo_bf16_from_float(float value)
{
    unsigned ignored = 0;
    return (uint16_t)dojo_vec_narrow(dojo_f32_bits(value), DOJO_VEC_FORMAT_BF16, 0, 0, &ignored);
}

static inline float dojo_float_from_bf16(uint16_t bits)
{
    return dojo_f32_from_bits((uint32_t)bits << 16);
}

static inline uint8_t dojo_cfp8_from_float(float value, struct dojo_vec_format format)
{
    unsigned ignored = 0;
    return (uint8_t)dojo_vec_narrow(dojo_f32_bits(value), format, 0, 0, &ignored);
}

static inline float dojo_float_from_cfp8(uint8_t code, struct dojo_vec_format format)
{
    return dojo_f32_from_bits(dojo_cfp8_decode(code, format));
}

#endif
