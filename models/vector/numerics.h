// The vector unit's arithmetic on bit patterns (docs/isa-vector.md): FP32 operations with the
// spec's NaN and flag rules, BF16 and CFP8 (E4M3, E5M2 with a configurable bias) encoding,
// narrowing with round-to-nearest-even or stochastic rounding, and the per-lane random numbers.
// Pure functions: each takes the flags accumulator by reference and only ORs bits into it.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#include "vector/lane_random.h"

namespace dojo::vector::numerics {

// Flag bits, as in vflags bits 0..3.
using Flags = uint32_t;
inline constexpr Flags flag_invalid = 1u << 0;
inline constexpr Flags flag_denormal = 1u << 1;
inline constexpr Flags flag_overflow = 1u << 2;
inline constexpr Flags flag_underflow = 1u << 3;

inline constexpr uint32_t f32_canonical_nan = 0x7FC00000u;

// The float with these bits, and a float's bits.
inline float float_of(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}
inline uint32_t bits_of(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}
inline constexpr uint16_t bf16_canonical_nan = 0x7FC0u;

// Narrowing rounding (vcfg bit 16). `random` is the lane's r; ignored for nearest_even.
enum class Rounding { nearest_even, stochastic };

// A binary floating-point format: sign, `exponent_bits`, `mantissa_bits`, bias. IEEE formats
// (FP32, BF16) reserve the all-ones exponent for infinities and NaNs and overflow to infinity;
// saturating formats (CFP8) use it for normal numbers and overflow to the largest magnitude.
struct FloatFormat {
  int exponent_bits;
  int mantissa_bits;
  int bias;
  bool saturating;
};
inline constexpr FloatFormat f32_format{8, 23, 127, false};
inline constexpr FloatFormat bf16_format{8, 7, 127, false};
inline constexpr FloatFormat e4m3_format(unsigned bias) { return {4, 3, int(bias), true}; }
inline constexpr FloatFormat e5m2_format(unsigned bias) { return {5, 2, int(bias), true}; }

// Rounds the exact nonzero value (-1)^negative * significand * 2^exponent to `format` (the
// narrowing rule of the spec: RNE, or stochastic with t = the top 32 discarded bits as a fraction
// of an ulp, magnitude up iff random < t). Sets Overflow (result beyond the largest finite
// magnitude: infinity or saturation) and Underflow (tiny after rounding, i.e. the value rounded
// with an unbounded exponent range and the same rule is below the smallest normal, and inexact).
// Returns the encoding, sign in bit exponent_bits + mantissa_bits.
uint32_t round_to_format(bool negative, uint64_t significand, int exponent, const FloatFormat& format,
                         Rounding rounding, uint32_t random, Flags& flags);

// ---- FP32 (bit patterns) --------------------------------------------------------------------
inline bool f32_is_nan(uint32_t x) { return (x & 0x7FFFFFFFu) > 0x7F800000u; }
inline bool f32_is_signaling_nan(uint32_t x) { return f32_is_nan(x) && !(x & 0x00400000u); }
inline bool f32_is_subnormal(uint32_t x) { return (x & 0x7F800000u) == 0 && (x & 0x007FFFFFu) != 0; }

// RNE, subnormals, tininess after rounding; any NaN result is f32_canonical_nan. Flags: Invalid,
// Denormal (an operand is subnormal), Overflow, Underflow (tiny and inexact).
uint32_t f32_add(uint32_t a, uint32_t b, Flags& flags);
uint32_t f32_sub(uint32_t a, uint32_t b, Flags& flags);
uint32_t f32_mul(uint32_t a, uint32_t b, Flags& flags);
uint32_t f32_fma(uint32_t a, uint32_t b, uint32_t c, Flags& flags);  // a*b + c, one rounding
// f32_fma's common case, inline for loops of FMAs (vmma): when a, b, c and the result are all
// normal, no flag is raised and the host's fused multiply-add is the answer. false otherwise: then
// call f32_fma.
inline bool f32_fma_all_normal(uint32_t a, uint32_t b, uint32_t c, uint32_t& result) {
  auto normal = [](uint32_t x) { return (x >> 23 & 0xFFu) - 1u < 0xFEu; };
  if (!normal(a) || !normal(b) || !normal(c)) return false;
  float fa, fb, fc;
  std::memcpy(&fa, &a, sizeof fa);
  std::memcpy(&fb, &b, sizeof fb);
  std::memcpy(&fc, &c, sizeof fc);
  const float sum = std::fmaf(fa, fb, fc);
  std::memcpy(&result, &sum, sizeof result);
  return normal(result) && (result & 0x7FFFFFFFu) != 0x00800000u;  // 2^-126 may be tiny
}
// IEEE 754-2019 minimumNumber / maximumNumber: -0 < +0; one NaN operand yields the other
// operand; Invalid for a signalling NaN, Denormal for a subnormal operand.
uint32_t f32_min(uint32_t a, uint32_t b, Flags& flags);
uint32_t f32_max(uint32_t a, uint32_t b, Flags& flags);

// ---- BF16 -----------------------------------------------------------------------------------
inline uint32_t bf16_widen(uint16_t x) { return uint32_t(x) << 16; }  // exact, NaNs untouched
inline bool bf16_is_subnormal(uint16_t x) { return f32_is_subnormal(bf16_widen(x)); }

// FP32 -> BF16 narrowing of an FP32 result inside an operation: infinities kept, NaN ->
// bf16_canonical_nan (Invalid if signalling), Overflow to infinity, Underflow. Never Denormal.
uint16_t f32_narrow_to_bf16(uint32_t x, Rounding rounding, uint32_t random, Flags& flags);

// BF16 arithmetic = widen exactly, the FP32 operation, narrow (two roundings, per the spec).
uint16_t bf16_add(uint16_t a, uint16_t b, Rounding rounding, uint32_t random, Flags& flags);
uint16_t bf16_sub(uint16_t a, uint16_t b, Rounding rounding, uint32_t random, Flags& flags);
uint16_t bf16_mul(uint16_t a, uint16_t b, Rounding rounding, uint32_t random, Flags& flags);
uint16_t bf16_fma(uint16_t a, uint16_t b, uint16_t c, Rounding rounding, uint32_t random, Flags& flags);
uint16_t bf16_min(uint16_t a, uint16_t b, Flags& flags);  // selects an operand exactly
uint16_t bf16_max(uint16_t a, uint16_t b, Flags& flags);

// ---- CFP8 -----------------------------------------------------------------------------------
// E4M3 or E5M2 (format.exponent_bits 4 or 5) with a bias 0..63.
bool cfp8_is_subnormal(uint8_t x, const FloatFormat& format);
// The exact FP32 value of an encoding (all 256 are finite numbers); no flags.
uint32_t cfp8_decode(uint8_t x, const FloatFormat& format);
// FP32 -> CFP8: rounding, saturation to +-max with Overflow, infinity -> +-max and NaN -> +max
// with Invalid, Underflow, signed zero. Never Denormal.
uint8_t f32_narrow_to_cfp8(uint32_t x, const FloatFormat& format, Rounding rounding, uint32_t random,
                           Flags& flags);

// ---- Conversions (vcvt) ---------------------------------------------------------------------
// Element types of the ISA (funct3).
enum class ElementType : unsigned { f32 = 0, bf16 = 1, i32 = 2, i8 = 3, e4m3 = 4, e5m2 = 5 };

// The floating-point types' conversion: the source widened exactly to FP32 (Denormal for a
// subnormal source; a NaN becomes f32_canonical_nan, Invalid if signalling), then narrowed to the
// destination (nothing more for f32). `cfp8` formats give the current E4M3 and E5M2 biases.
struct Cfp8Formats {
  FloatFormat e4m3;
  FloatFormat e5m2;
};
uint32_t widen_to_f32(ElementType source, uint32_t bits, const Cfp8Formats& cfp8, Flags& flags);
uint32_t narrow_from_f32(ElementType destination, uint32_t f32, const Cfp8Formats& cfp8,
                         Rounding rounding, uint32_t random, Flags& flags);
uint32_t convert(ElementType source, ElementType destination, uint32_t bits, const Cfp8Formats& cfp8,
                 Rounding rounding, uint32_t random, Flags& flags);

// ---- Stochastic-rounding random numbers -----------------------------------------------------
// Declared in C for the model and the SDK alike (lane_random.h).
inline uint32_t mix32(uint32_t x) { return dojo_mix32(x); }
inline uint32_t lane_random(uint64_t seed, unsigned lane) { return dojo_lane_random(seed, lane); }

}  // namespace dojo::vector::numerics
