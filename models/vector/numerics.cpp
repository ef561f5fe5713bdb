#include "vector/numerics.h"

#include <cmath>
#include <cstring>
#include <stdexcept>

namespace dojo::vector::numerics {
namespace {

uint64_t double_bits(double value) {
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

constexpr uint32_t f32_magnitude_mask = 0x7FFFFFFFu;
constexpr uint32_t f32_infinity = 0x7F800000u;
constexpr uint32_t f32_smallest_normal = 0x00800000u;

bool f32_is_inf_or_nan(uint32_t x) { return (x & f32_magnitude_mask) >= f32_infinity; }
bool f32_is_zero(uint32_t x) { return (x & f32_magnitude_mask) == 0; }
bool f32_is_inf(uint32_t x) { return (x & f32_magnitude_mask) == f32_infinity; }
Flags denormal_flag(uint32_t x) { return f32_is_subnormal(x) ? flag_denormal : 0; }

// IEEE 754 tininess after rounding of a nonzero value given as a double (exact, or rounded to
// odd, which 53 >= 24 + 2 bits make innocuous): rounded to 24 bits with an unbounded exponent,
// is it below 2^-126? Scaling by 2^64 moves the boundary into float's normal range.
bool f32_tiny_after_rounding(double value) {
  return std::fabs(static_cast<float>(value * 0x1p64)) < 0x1p-62f;
}

// The flags and canonical NaN of an FP32 result that is an infinity or a NaN. `product_invalid`:
// the operation multiplied zero by infinity (Invalid even if the addend is a quiet NaN).
uint32_t f32_special_result(uint32_t result, uint32_t a, uint32_t b, uint32_t c, bool product_invalid,
                            Flags& flags) {
  if (f32_is_nan(result)) {
    const bool any_nan = f32_is_nan(a) || f32_is_nan(b) || f32_is_nan(c);
    const bool any_signaling =
        f32_is_signaling_nan(a) || f32_is_signaling_nan(b) || f32_is_signaling_nan(c);
    if (!any_nan || any_signaling || product_invalid) flags |= flag_invalid;
    return f32_canonical_nan;
  }
  if (!f32_is_inf(a) && !f32_is_inf(b) && !f32_is_inf(c)) flags |= flag_overflow;
  return result;
}

struct Rounded {
  uint64_t magnitude;
  bool inexact;
};

// Drops the low `discard` bits of `significand` by the narrowing rule (a negative `discard`
// shifts left, exactly).
Rounded round_off(uint64_t significand, int discard, Rounding rounding, uint32_t random) {
  if (discard <= 0) return {significand << -discard, false};
  const uint64_t kept = discard >= 64 ? 0 : significand >> discard;
  const uint64_t rest = discard >= 64 ? significand : significand & ((uint64_t(1) << discard) - 1);
  if (rest == 0) return {kept, false};
  bool up;
  if (rounding == Rounding::nearest_even) {
    if (discard > 64) {
      up = false;  // rest < 2^64 <= half an ulp
    } else {
      const uint64_t half = uint64_t(1) << (discard - 1);
      up = rest > half || (rest == half && (kept & 1));
    }
  } else {
    // t: the top 32 discarded bits as a fraction of one ulp.
    const uint32_t fraction = discard <= 32        ? uint32_t(rest << (32 - discard))
                              : discard - 32 < 64 ? uint32_t(rest >> (discard - 32))
                                                   : 0;
    up = random < fraction;
  }
  return {kept + (up ? 1 : 0), true};
}

uint32_t sign_bit(const FloatFormat& format) { return 1u << (format.exponent_bits + format.mantissa_bits); }
uint32_t max_exponent_field(const FloatFormat& format) {
  return (1u << format.exponent_bits) - (format.saturating ? 1 : 2);
}
uint32_t max_finite(const FloatFormat& format) {
  return (max_exponent_field(format) << format.mantissa_bits) | ((1u << format.mantissa_bits) - 1);
}

// FP32 -> any format: specials by the format's kind, finite values through round_to_format.
uint32_t narrow_f32(uint32_t x, const FloatFormat& format, Rounding rounding, uint32_t random,
                    Flags& flags) {
  const bool negative = x >> 31;
  const uint32_t sign = negative ? sign_bit(format) : 0;
  if (f32_is_inf_or_nan(x)) {
    if (format.saturating) {
      flags |= flag_invalid;
      return f32_is_nan(x) ? max_finite(format) : sign | max_finite(format);
    }
    const uint32_t infinity = (max_exponent_field(format) + 1) << format.mantissa_bits;
    if (f32_is_inf(x)) return sign | infinity;
    if (f32_is_signaling_nan(x)) flags |= flag_invalid;
    return infinity | (1u << (format.mantissa_bits - 1));
  }
  if (f32_is_zero(x)) return sign;
  const uint32_t exponent_field = (x >> 23) & 0xFF;
  const uint32_t mantissa = x & 0x007FFFFFu;
  if (exponent_field == 0) return round_to_format(negative, mantissa, -149, format, rounding, random, flags);
  return round_to_format(negative, mantissa | 0x00800000u, int(exponent_field) - 150, format, rounding,
                         random, flags);
}

uint32_t f32_select(uint32_t a, uint32_t b, bool maximum, Flags& flags) {
  flags |= denormal_flag(a) | denormal_flag(b);
  if (f32_is_signaling_nan(a) || f32_is_signaling_nan(b)) flags |= flag_invalid;
  const bool a_nan = f32_is_nan(a), b_nan = f32_is_nan(b);
  if (a_nan && b_nan) return f32_canonical_nan;
  if (a_nan) return b;
  if (b_nan) return a;
  const float fa = float_of(a), fb = float_of(b);
  if (fa < fb) return maximum ? b : a;
  if (fb < fa) return maximum ? a : b;
  // Equal: the same bits, or +0 and -0 (-0 is the smaller).
  return maximum ? (a & b) : (a | b);
}

}  // namespace

uint32_t round_to_format(bool negative, uint64_t significand, int exponent, const FloatFormat& format,
                         Rounding rounding, uint32_t random, Flags& flags) {
  const int mantissa_bits = format.mantissa_bits;
  const int min_exponent = 1 - format.bias;
  const int leading = 63 - __builtin_clzll(significand) + exponent;
  const bool normal = leading >= min_exponent;
  const int quantum = (normal ? leading : min_exponent) - mantissa_bits;
  const Rounded rounded = round_off(significand, quantum - exponent, rounding, random);
  // A normal magnitude has its leading one at bit mantissa_bits (or carried to the next bit, which
  // increments the exponent field); a subnormal's carry makes the smallest normal.
  uint64_t bits = normal ? (uint64_t(leading - min_exponent) << mantissa_bits) + rounded.magnitude
                         : rounded.magnitude;
  if (bits > max_finite(format)) {
    flags |= flag_overflow;
    bits = format.saturating ? max_finite(format) : uint64_t(max_exponent_field(format) + 1) << mantissa_bits;
  } else if (rounded.inexact && leading < min_exponent) {
    bool tiny = true;
    if (leading == min_exponent - 1) {
      // With an unbounded exponent the value would keep one more bit; tiny unless that rounding
      // carries up to the smallest normal.
      const Rounded unbounded = round_off(significand, leading - mantissa_bits - exponent, rounding, random);
      tiny = unbounded.magnitude < (uint64_t(1) << (mantissa_bits + 1));
    }
    if (tiny) flags |= flag_underflow;
  }
  return uint32_t(bits) | (negative ? sign_bit(format) : 0);
}

uint32_t f32_add(uint32_t a, uint32_t b, Flags& flags) {
  flags |= denormal_flag(a) | denormal_flag(b);
  const uint32_t result = bits_of(float_of(a) + float_of(b));
  // A sum below 2^-126 is a multiple of 2^-149 and so exact: addition never underflows.
  if (f32_is_inf_or_nan(result)) return f32_special_result(result, a, b, 0, false, flags);
  return result;
}

uint32_t f32_sub(uint32_t a, uint32_t b, Flags& flags) { return f32_add(a, b ^ 0x80000000u, flags); }

uint32_t f32_mul(uint32_t a, uint32_t b, Flags& flags) {
  flags |= denormal_flag(a) | denormal_flag(b);
  const uint32_t result = bits_of(float_of(a) * float_of(b));
  if (f32_is_inf_or_nan(result)) return f32_special_result(result, a, b, 0, false, flags);
  if ((result & f32_magnitude_mask) <= f32_smallest_normal) {
    const double product = double(float_of(a)) * double(float_of(b));  // exact: 48 bits
    if (product != 0 && double(float_of(result)) != product && f32_tiny_after_rounding(product))
      flags |= flag_underflow;
  }
  return result;
}

uint32_t f32_fma(uint32_t a, uint32_t b, uint32_t c, Flags& flags) {
  flags |= denormal_flag(a) | denormal_flag(b) | denormal_flag(c);
  const uint32_t result = bits_of(std::fmaf(float_of(a), float_of(b), float_of(c)));
  if (f32_is_inf_or_nan(result)) {
    const bool product_invalid =
        (f32_is_inf(a) && f32_is_zero(b)) || (f32_is_zero(a) && f32_is_inf(b));
    return f32_special_result(result, a, b, c, product_invalid, flags);
  }
  if ((result & f32_magnitude_mask) <= f32_smallest_normal) {
    // The exact a*b + c as sum + error (TwoSum over the exact double product).
    const double product = double(float_of(a)) * double(float_of(b));
    const double addend = float_of(c);
    const double sum = product + addend;
    const double addend_part = sum - product;
    const double error = (product - (sum - addend_part)) + (addend - addend_part);
    const bool inexact = error != 0 || double(float_of(result)) != sum;
    if (inexact) {
      double odd = sum;  // round to odd: keeps the sticky information of `error`
      if (error != 0 && !(double_bits(sum) & 1)) odd = std::nextafter(sum, error > 0 ? HUGE_VAL : -HUGE_VAL);
      if (f32_tiny_after_rounding(odd)) flags |= flag_underflow;
    }
  }
  return result;
}

uint32_t f32_min(uint32_t a, uint32_t b, Flags& flags) { return f32_select(a, b, false, flags); }
uint32_t f32_max(uint32_t a, uint32_t b, Flags& flags) { return f32_select(a, b, true, flags); }

uint16_t f32_narrow_to_bf16(uint32_t x, Rounding rounding, uint32_t random, Flags& flags) {
  return uint16_t(narrow_f32(x, bf16_format, rounding, random, flags));
}

uint16_t bf16_add(uint16_t a, uint16_t b, Rounding rounding, uint32_t random, Flags& flags) {
  return f32_narrow_to_bf16(f32_add(bf16_widen(a), bf16_widen(b), flags), rounding, random, flags);
}
uint16_t bf16_sub(uint16_t a, uint16_t b, Rounding rounding, uint32_t random, Flags& flags) {
  return f32_narrow_to_bf16(f32_sub(bf16_widen(a), bf16_widen(b), flags), rounding, random, flags);
}
uint16_t bf16_mul(uint16_t a, uint16_t b, Rounding rounding, uint32_t random, Flags& flags) {
  return f32_narrow_to_bf16(f32_mul(bf16_widen(a), bf16_widen(b), flags), rounding, random, flags);
}
uint16_t bf16_fma(uint16_t a, uint16_t b, uint16_t c, Rounding rounding, uint32_t random, Flags& flags) {
  return f32_narrow_to_bf16(f32_fma(bf16_widen(a), bf16_widen(b), bf16_widen(c), flags), rounding, random,
                            flags);
}
uint16_t bf16_min(uint16_t a, uint16_t b, Flags& flags) {
  return uint16_t(f32_min(bf16_widen(a), bf16_widen(b), flags) >> 16);
}
uint16_t bf16_max(uint16_t a, uint16_t b, Flags& flags) {
  return uint16_t(f32_max(bf16_widen(a), bf16_widen(b), flags) >> 16);
}

bool cfp8_is_subnormal(uint8_t x, const FloatFormat& format) {
  return (x & 0x7F) != 0 && (x >> format.mantissa_bits & ((1u << format.exponent_bits) - 1)) == 0;
}

uint32_t cfp8_decode(uint8_t x, const FloatFormat& format) {
  const int mantissa_bits = format.mantissa_bits;
  const bool negative = x >> 7;
  const int exponent_field = (x >> mantissa_bits) & ((1 << format.exponent_bits) - 1);
  const uint32_t mantissa = x & ((1u << mantissa_bits) - 1);
  if (exponent_field == 0 && mantissa == 0) return negative ? 0x80000000u : 0;
  // Every CFP8 value lies in FP32's normal range, so this rounding is exact.
  Flags none = 0;
  if (exponent_field == 0)
    return round_to_format(negative, mantissa, 1 - format.bias - mantissa_bits, f32_format,
                           Rounding::nearest_even, 0, none);
  return round_to_format(negative, mantissa | (1u << mantissa_bits), exponent_field - format.bias - mantissa_bits,
                         f32_format, Rounding::nearest_even, 0, none);
}

uint8_t f32_narrow_to_cfp8(uint32_t x, const FloatFormat& format, Rounding rounding, uint32_t random,
                           Flags& flags) {
  return uint8_t(narrow_f32(x, format, rounding, random, flags));
}

uint32_t widen_to_f32(ElementType source, uint32_t bits, const Cfp8Formats& cfp8, Flags& flags) {
  switch (source) {
    case ElementType::f32:
    case ElementType::bf16: {
      const uint32_t x = source == ElementType::bf16 ? bf16_widen(uint16_t(bits)) : bits;
      flags |= denormal_flag(x);
      if (!f32_is_nan(x)) return x;
      if (f32_is_signaling_nan(x)) flags |= flag_invalid;
      return f32_canonical_nan;
    }
    case ElementType::e4m3:
    case ElementType::e5m2: {
      const FloatFormat& format = source == ElementType::e4m3 ? cfp8.e4m3 : cfp8.e5m2;
      if (cfp8_is_subnormal(uint8_t(bits), format)) flags |= flag_denormal;
      return cfp8_decode(uint8_t(bits), format);
    }
    default:
      throw std::invalid_argument("widen_to_f32: not a floating-point element type");
  }
}

uint32_t narrow_from_f32(ElementType destination, uint32_t f32, const Cfp8Formats& cfp8,
                         Rounding rounding, uint32_t random, Flags& flags) {
  switch (destination) {
    case ElementType::f32: return f32;
    case ElementType::bf16: return f32_narrow_to_bf16(f32, rounding, random, flags);
    case ElementType::e4m3: return f32_narrow_to_cfp8(f32, cfp8.e4m3, rounding, random, flags);
    case ElementType::e5m2: return f32_narrow_to_cfp8(f32, cfp8.e5m2, rounding, random, flags);
    default:
      throw std::invalid_argument("narrow_from_f32: not a floating-point element type");
  }
}

uint32_t convert(ElementType source, ElementType destination, uint32_t bits, const Cfp8Formats& cfp8,
                 Rounding rounding, uint32_t random, Flags& flags) {
  return narrow_from_f32(destination, widen_to_f32(source, bits, cfp8, flags), cfp8, rounding, random, flags);
}

}  // namespace dojo::vector::numerics
