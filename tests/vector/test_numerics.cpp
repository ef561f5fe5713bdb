// The vector unit's numerics: FP32 against the host FPU and its exception flags and against an
// exact software reference, the generic rounder against the host's double->float conversion,
// CFP8 encodings, every rounding boundary of the narrowings, saturation, stochastic rounding.
#include <catch2/catch.hpp>

#include <cfenv>
#include <cmath>
#include <cstring>
#include <iterator>
#include <stdexcept>
#include <vector>

#include "vector/numerics.h"

using namespace dojo::vector::numerics;

namespace {

// splitmix64: a fixed, reproducible operand stream.
struct Random {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint32_t below(uint32_t n) { return uint32_t(next() % n); }
};

// Operands: half uniform bit patterns, half weighted toward the special classes and the
// exponents whose sums and products land near the overflow and underflow thresholds.
uint32_t random_operand(Random& random) {
  const uint64_t bits = random.next();
  if (bits & 1) return uint32_t(bits >> 32);
  static const uint32_t exponents[] = {0x00, 0x00, 0x01, 0x02, 0x17, 0x18, 0x3E, 0x3F, 0x40, 0x41, 0x7E,
                                       0x7F, 0x80, 0xBE, 0xBF, 0xC0, 0xFD, 0xFE, 0xFE, 0xFF, 0xFF};
  const uint32_t exponent = exponents[(bits >> 1) % std::size(exponents)];
  uint32_t mantissa = uint32_t(bits >> 40) & 0x7FFFFF;
  switch ((bits >> 8) & 7) {
    case 0: mantissa = 0; break;
    case 1: mantissa = 0x7FFFFF; break;
    case 2: mantissa &= 0xF; break;
    case 3: mantissa |= 0x7FFFF0; break;
    default: break;
  }
  return uint32_t((bits >> 16) & 1) << 31 | exponent << 23 | mantissa;
}

enum class Op { add, sub, mul, fma };

struct Result {
  uint32_t bits;
  Flags flags;
};

// The host FPU with its exception flags; NaN results canonical and Denormal from the operand
// classes, as the spec defines them.
Result host(Op op, uint32_t a, uint32_t b, uint32_t c) {
  volatile float x = float_of(a), y = float_of(b), z = float_of(c);
  std::feclearexcept(FE_ALL_EXCEPT);
  volatile float r;
  switch (op) {
    case Op::add: r = x + y; break;
    case Op::sub: r = x - y; break;
    case Op::mul: r = x * y; break;
    case Op::fma: r = std::fmaf(x, y, z); break;
  }
  const int raised = std::fetestexcept(FE_INVALID | FE_OVERFLOW | FE_UNDERFLOW);
  Flags flags = (raised & FE_INVALID ? flag_invalid : 0) | (raised & FE_OVERFLOW ? flag_overflow : 0) |
                (raised & FE_UNDERFLOW ? flag_underflow : 0);
  const bool uses_c = op == Op::fma;
  if (std::fpclassify(float_of(a)) == FP_SUBNORMAL || std::fpclassify(float_of(b)) == FP_SUBNORMAL ||
      (uses_c && std::fpclassify(float_of(c)) == FP_SUBNORMAL))
    flags |= flag_denormal;
  // The spec, as RISC-V: 0 x inf is invalid even with a quiet-NaN addend (x86 does not signal it).
  if (uses_c && std::isnan(float_of(c)) &&
      ((std::isinf(float_of(a)) && float_of(b) == 0) || (float_of(a) == 0 && std::isinf(float_of(b)))))
    flags |= flag_invalid;
  const float value = r;
  return {std::isnan(value) ? f32_canonical_nan : bits_of(value), flags};
}

Result library(Op op, uint32_t a, uint32_t b, uint32_t c) {
  Flags flags = 0;
  uint32_t bits = 0;
  switch (op) {
    case Op::add: bits = f32_add(a, b, flags); break;
    case Op::sub: bits = f32_sub(a, b, flags); break;
    case Op::mul: bits = f32_mul(a, b, flags); break;
    case Op::fma: bits = f32_fma(a, b, c, flags); break;
  }
  return {bits, flags};
}

// An independent reference for finite operands with a nonzero exact result: the exact value in
// 128-bit integers (a far smaller term only as a sticky bit), rounded by round_to_format.
bool exact_reference(Op op, uint32_t a, uint32_t b, uint32_t c, Result& out) {
  auto finite = [](uint32_t x) { return (x & 0x7F800000) != 0x7F800000; };
  if (!finite(a) || !finite(b) || !finite(c)) return false;
  struct Term {
    bool negative;
    unsigned __int128 significand;
    int exponent;
  };
  auto unpack = [](uint32_t x) {
    const uint32_t e = (x >> 23) & 0xFF, m = x & 0x7FFFFF;
    return Term{bool(x >> 31), e ? m | 0x800000u : m, e ? int(e) - 150 : -149};
  };
  Term first = unpack(a), second;
  if (op == Op::add || op == Op::sub) {
    second = unpack(b);
    if (op == Op::sub) second.negative = !second.negative;
  } else {
    const Term factor = unpack(b);
    first = {first.negative != factor.negative, first.significand * factor.significand,
             first.exponent + factor.exponent};
    second = op == Op::fma ? unpack(c) : Term{false, 0, 0};
  }
  if (first.significand == 0 && second.significand == 0) return false;
  // Aligned 72 bits below the larger nonzero term's last bit: the other term either fits or is
  // too far below the rounding position to matter beyond a sticky bit.
  const int base = (first.significand == 0    ? second.exponent
                    : second.significand == 0 ? first.exponent
                                              : std::max(first.exponent, second.exponent)) -
                   72;
  // A zero term's exponent can be anywhere (a +0 addend beside a tiny product is 200 bits above
  // base): it is zero, not shifted, since shifting 128 bits by 128 or more is undefined.
  auto aligned = [base](const Term& t) -> __int128 {
    if (t.significand == 0) return 0;
    unsigned __int128 magnitude;
    if (t.exponent >= base) {
      magnitude = t.significand << (t.exponent - base);  // at most 72: base is below the larger term
    } else {
      const int shift = base - t.exponent;
      magnitude = shift >= 128 ? 1 : (t.significand >> shift) | ((t.significand << (128 - shift)) != 0);
    }
    return t.negative ? -__int128(magnitude) : __int128(magnitude);
  };
  const __int128 sum = aligned(first) + aligned(second);
  if (sum == 0) return false;
  unsigned __int128 magnitude = sum < 0 ? -(unsigned __int128)sum : sum;
  int exponent = base;
  while (magnitude >> 64) {
    magnitude = (magnitude >> 1) | (magnitude & 1);
    ++exponent;
  }
  out.flags = 0;
  out.bits = round_to_format(sum < 0, uint64_t(magnitude), exponent, f32_format, Rounding::nearest_even, 0, out.flags);
  return true;
}

void check_random(Op op, uint64_t seed, int count) {
  Random random{seed};
  int mismatches = 0, referenced = 0;
  for (int i = 0; i < count; ++i) {
    const uint32_t a = random_operand(random), b = random_operand(random), c = random_operand(random);
    const Result expected = host(op, a, b, c);
    const Result actual = library(op, a, b, c);
    if (actual.bits != expected.bits || actual.flags != expected.flags) {
      if (++mismatches <= 5) {
        INFO("a=" << std::hex << a << " b=" << b << " c=" << c << " host=" << expected.bits << "/" << expected.flags
                  << " library=" << actual.bits << "/" << actual.flags);
        CHECK(false);
      }
    }
    Result exact;
    if (exact_reference(op, a, b, c, exact)) {
      ++referenced;
      const Flags rounding_flags = actual.flags & (flag_overflow | flag_underflow);
      if (exact.bits != actual.bits || exact.flags != rounding_flags) {
        if (++mismatches <= 5) {
          INFO("a=" << std::hex << a << " b=" << b << " c=" << c << " exact=" << exact.bits << "/" << exact.flags
                    << " library=" << actual.bits << "/" << actual.flags);
          CHECK(false);
        }
      }
    }
  }
  CHECK(mismatches == 0);
  CHECK(referenced > count / 3);
}

const std::vector<uint32_t>& special_operands() {
  static const std::vector<uint32_t> values = [] {
    std::vector<uint32_t> v;
    for (uint32_t magnitude : {0x00000000u, 0x00000001u, 0x00000002u, 0x007FFFFFu, 0x00800000u, 0x00800001u,
                               0x00FFFFFFu, 0x1F800000u, 0x3F7FFFFFu, 0x3F800000u, 0x3F800001u, 0x5F800000u,
                               0x7F000000u, 0x7F7FFFFEu, 0x7F7FFFFFu, 0x7F800000u, 0x7FC00000u, 0x7FC12345u,
                               0x7F800001u, 0x7FA00000u})
      for (uint32_t sign : {0u, 0x80000000u}) v.push_back(sign | magnitude);
    return v;
  }();
  return values;
}

}  // namespace

TEST_CASE("FP32 add matches the host FPU and the exact reference on random operands", "[fp32]") {
  check_random(Op::add, 1, 2'600'000);
}
TEST_CASE("FP32 sub matches the host FPU and the exact reference on random operands", "[fp32]") {
  check_random(Op::sub, 2, 2'600'000);
}
TEST_CASE("FP32 mul matches the host FPU and the exact reference on random operands", "[fp32]") {
  check_random(Op::mul, 3, 2'600'000);
}
TEST_CASE("FP32 fma matches the host FPU and the exact reference on random operands", "[fp32]") {
  check_random(Op::fma, 4, 2'600'000);
}

// The oracle itself on a zero term far above base: the smallest subnormal times 2^-126, alone
// (mul) and plus +0 (fma), is 2^-275, which rounds to +0 with underflow. A sanitized build
// (docs/testing.md) checks the alignment stays defined.
TEST_CASE("The exact reference handles a zero term far from a tiny product", "[fp32]") {
  for (Op op : {Op::mul, Op::fma}) {
    Result exact;
    REQUIRE(exact_reference(op, 0x00000001u, 0x00800000u, 0x00000000u, exact));
    CHECK(exact.bits == 0x00000000u);
    CHECK((exact.flags & flag_underflow) != 0);
  }
}

TEST_CASE("FP32 operations on every pair and triple of special operands", "[fp32]") {
  const auto& values = special_operands();
  int mismatches = 0;
  for (uint32_t a : values)
    for (uint32_t b : values) {
      for (Op op : {Op::add, Op::sub, Op::mul}) {
        const Result expected = host(op, a, b, 0), actual = library(op, a, b, 0);
        if (expected.bits != actual.bits || expected.flags != actual.flags) ++mismatches;
      }
      for (uint32_t c : values) {
        const Result expected = host(Op::fma, a, b, c), actual = library(Op::fma, a, b, c);
        if (expected.bits != actual.bits || expected.flags != actual.flags) {
          if (++mismatches <= 5) FAIL_CHECK("fma " << std::hex << a << " " << b << " " << c);
        }
      }
    }
  CHECK(mismatches == 0);
}

TEST_CASE("FP32 flags on constructed cases", "[fp32]") {
  Flags flags = 0;
  SECTION("tininess is detected after rounding") {
    // (1 - 2^-24) * 2^-126 rounds to 2^-126 but is tiny with an unbounded exponent.
    CHECK(f32_mul(0x3F7FFFFF, 0x00800000, flags) == 0x00800000);
    CHECK(flags == flag_underflow);
    // (1 - 2^-23)(1 + 2^-23) * 2^-126 = (1 - 2^-46) * 2^-126 rounds to 2^-126 even unbounded.
    flags = 0;
    CHECK(f32_mul(0x3F7FFFFE, 0x00800001, flags) == 0x00800000);
    CHECK(flags == 0);
    // The same through fma with a zero addend, and an exact subnormal result sets nothing.
    flags = 0;
    CHECK(f32_fma(0x3F7FFFFF, 0x00800000, 0x80000000, flags) == 0x00800000);
    CHECK(flags == flag_underflow);
    // a*b + c = 2^-126 - 2^-151 - 3 * 2^-195: just below the unbounded tie, so tiny; a double
    // sum alone would land on the tie and round up (the library rounds to odd first).
    flags = 0;
    CHECK(f32_fma(0x1A400003, 0x19FFFFFC, 0x007FFFFF, flags) == 0x00800000);
    CHECK(flags == (flag_underflow | flag_denormal));
    CHECK(host(Op::fma, 0x1A400003, 0x19FFFFFC, 0x007FFFFF).flags == (flag_underflow | flag_denormal));
    flags = 0;
    CHECK(f32_mul(0x3F000000, 0x00000002, flags) == 0x00000001);
    CHECK(flags == flag_denormal);
  }
  SECTION("underflow to zero keeps the sign") {
    CHECK(f32_mul(0x80000001, 0x3E800000, flags) == 0x80000000);  // -2^-149 * 0.25
    CHECK(flags == (flag_underflow | flag_denormal));
  }
  SECTION("invalid operations give the canonical NaN") {
    CHECK(f32_sub(0x7F800000, 0x7F800000, flags) == f32_canonical_nan);
    CHECK(flags == flag_invalid);
    flags = 0;
    CHECK(f32_fma(0x00000000, 0xFF800000, 0x7FC00001, flags) == f32_canonical_nan);
    CHECK(flags == flag_invalid);
    flags = 0;
    CHECK(f32_add(0xFFC00001, 0x3F800000, flags) == f32_canonical_nan);  // quiet NaN: no flag
    CHECK(flags == 0);
    CHECK(f32_add(0x7F800001, 0x3F800000, flags) == f32_canonical_nan);
    CHECK(flags == flag_invalid);
  }
  SECTION("overflow to infinity, but not from an infinite operand") {
    CHECK(f32_add(0x7F7FFFFF, 0x7F7FFFFF, flags) == 0x7F800000);
    CHECK(flags == flag_overflow);
    flags = 0;
    CHECK(f32_mul(0xFF800000, 0x40000000, flags) == 0xFF800000);
    CHECK(flags == 0);
  }
  SECTION("fma rounds once") {
    // (1 + 2^-12)^2 - 1 = 2^-11 + 2^-24: a separate multiply would lose the 2^-24.
    CHECK(f32_fma(0x3F800800, 0x3F800800, 0xBF800000, flags) == bits_of(0x1p-11f + 0x1p-24f));
    CHECK(flags == 0);
  }
}

TEST_CASE("FP32 minimumNumber and maximumNumber", "[fp32]") {
  Flags flags = 0;
  CHECK(f32_min(0x80000000, 0x00000000, flags) == 0x80000000);
  CHECK(f32_min(0x00000000, 0x80000000, flags) == 0x80000000);
  CHECK(f32_max(0x80000000, 0x00000000, flags) == 0x00000000);
  CHECK(f32_max(0x00000000, 0x80000000, flags) == 0x00000000);
  CHECK(f32_min(0x7FC00000, 0xBF800000, flags) == 0xBF800000);
  CHECK(f32_max(0x3F800000, 0xFFC00000, flags) == 0x3F800000);
  CHECK(f32_max(0x7FC12345, 0xFFC00000, flags) == f32_canonical_nan);
  CHECK(f32_min(0xFF800000, 0x7F7FFFFF, flags) == 0xFF800000);
  CHECK(f32_max(0xFF800000, 0x7F7FFFFF, flags) == 0x7F7FFFFF);
  CHECK(flags == 0);
  CHECK(f32_min(0x7F800001, 0x40000000, flags) == 0x40000000);
  CHECK(flags == flag_invalid);
  flags = 0;
  CHECK(f32_max(0x00000001, 0x80000001, flags) == 0x00000001);
  CHECK(flags == flag_denormal);
  // On all special pairs: the result is an operand (or the canonical NaN) and orders correctly.
  for (uint32_t a : special_operands())
    for (uint32_t b : special_operands()) {
      Flags ignored = 0;
      const uint32_t low = f32_min(a, b, ignored), high = f32_max(a, b, ignored);
      if (std::isnan(float_of(a)) && std::isnan(float_of(b))) {
        CHECK((low == f32_canonical_nan && high == f32_canonical_nan));
        continue;
      }
      CHECK((low == a || low == b));
      CHECK((high == a || high == b));
      CHECK(!(float_of(high) < float_of(low)));
      if (!std::isnan(float_of(a)) && !std::isnan(float_of(b)) && a != b) CHECK(low != high);
    }
}

TEST_CASE("round_to_format on FP32 equals the host's double-to-float conversion and its flags", "[rounding]") {
  Random random{5};
  int mismatches = 0;
  for (int i = 0; i < 2'000'000; ++i) {
    // Doubles around FP32's range, weighted to the subnormal and overflow boundaries.
    uint64_t bits = random.next();
    const int exponents[] = {1023 - 150, 1023 - 149, 1023 - 127, 1023 - 126, 1023 + 127, 1023 + 128};
    const int exponent = (i & 1) ? 1023 - 160 + int(random.below(300)) : exponents[random.below(6)];
    bits = (bits & 0x800FFFFFFFFFFFFFull) | uint64_t(exponent) << 52;
    if (i % 7 == 0) bits &= ~0x000000001FFFFFFFull;  // exact ties among the discarded bits
    double value;
    std::memcpy(&value, &bits, sizeof value);
    volatile double input = value;
    std::feclearexcept(FE_ALL_EXCEPT);
    volatile float converted = static_cast<float>(input);
    const int raised = std::fetestexcept(FE_OVERFLOW | FE_UNDERFLOW);
    const Flags host_flags = (raised & FE_OVERFLOW ? flag_overflow : 0) | (raised & FE_UNDERFLOW ? flag_underflow : 0);
    Flags flags = 0;
    const uint64_t significand = (bits & 0x000FFFFFFFFFFFFFull) | (1ull << 52);
    const uint32_t rounded =
        round_to_format(bits >> 63, significand, exponent - 1075, f32_format, Rounding::nearest_even, 0, flags);
    if (rounded != bits_of(converted) || flags != host_flags) ++mismatches;
  }
  CHECK(mismatches == 0);
}

namespace {

// The positive finite values of a format in increasing order (index = encoding).
std::vector<float> positive_values(const FloatFormat& format) {
  std::vector<float> values;
  const uint32_t count = format.saturating ? 1u << (format.exponent_bits + format.mantissa_bits)
                                           : ((1u << format.exponent_bits) - 1) << format.mantissa_bits;
  for (uint32_t code = 0; code < count; ++code) {
    if (format.saturating) {
      values.push_back(float_of(cfp8_decode(uint8_t(code), format)));
    } else {
      values.push_back(float_of(code << 16));  // bf16
    }
  }
  return values;
}

uint32_t narrow(const FloatFormat& format, uint32_t x, Rounding rounding, uint32_t random, Flags& flags) {
  return format.saturating ? f32_narrow_to_cfp8(x, format, rounding, random, flags)
                           : f32_narrow_to_bf16(x, rounding, random, flags);
}

std::vector<FloatFormat> narrow_formats() {
  std::vector<FloatFormat> formats{bf16_format};
  for (unsigned bias : {0u, 1u, 7u, 15u, 31u, 63u}) {
    formats.push_back(e4m3_format(bias));
    formats.push_back(e5m2_format(bias));
  }
  return formats;
}

}  // namespace

TEST_CASE("CFP8: all encodings of both formats at every bias decode exactly and round-trip", "[cfp8]") {
  for (unsigned bias = 0; bias < 64; ++bias)
    for (const FloatFormat& format : {e4m3_format(bias), e5m2_format(bias)}) {
      const int m_bits = format.mantissa_bits;
      float previous = -1;
      for (unsigned code = 0; code < 256; ++code) {
        const uint32_t decoded = cfp8_decode(uint8_t(code), format);
        const unsigned e = (code & 0x7F) >> m_bits, m = code & ((1u << m_bits) - 1);
        const double magnitude = e == 0 ? std::ldexp(double(m), 1 - int(bias) - m_bits)
                                        : std::ldexp(1.0 + std::ldexp(double(m), -m_bits), int(e) - int(bias));
        const float value = float_of(decoded);
        INFO("bias " << bias << " mantissa bits " << m_bits << " code " << code);
        CHECK(double(value) == ((code & 0x80) ? -magnitude : magnitude));
        CHECK((decoded >> 31) == (code >> 7));  // signed zero too
        CHECK(cfp8_is_subnormal(uint8_t(code), format) == (e == 0 && m != 0));
        if (code < 128) {
          CHECK(value > previous);  // strictly increasing over the positive codes
          previous = value;
        }
        for (Rounding rounding : {Rounding::nearest_even, Rounding::stochastic}) {
          Flags flags = 0;
          CHECK(f32_narrow_to_cfp8(decoded, format, rounding, 0, flags) == code);
          CHECK(flags == 0);
        }
      }
    }
}

TEST_CASE("Narrowing: every rounding boundary rounds to nearest, ties to even", "[rounding]") {
  for (const FloatFormat& format : narrow_formats()) {
    const std::vector<float> values = positive_values(format);
    const float min_normal = values[size_t(1) << format.mantissa_bits];
    for (size_t i = 0; i + 1 < values.size(); ++i) {
      const float low = values[i], high = values[i + 1];
      const float middle = float((double(low) + double(high)) / 2);
      REQUIRE(double(middle) == (double(low) + double(high)) / 2);
      const uint32_t even = (i % 2 == 0) ? uint32_t(i) : uint32_t(i + 1);
      const Flags underflow = high <= min_normal ? flag_underflow : 0;
      INFO("format e" << format.exponent_bits << "m" << format.mantissa_bits << " bias " << format.bias << " low "
                      << low);
      for (uint32_t sign : {0u, 1u}) {
        const uint32_t sign_f32 = sign << 31, sign_narrow = sign << (format.exponent_bits + format.mantissa_bits);
        Flags flags = 0;
        CHECK(narrow(format, sign_f32 | bits_of(middle), Rounding::nearest_even, 0, flags) == (sign_narrow | even));
        CHECK(flags == underflow);
        flags = 0;
        CHECK(narrow(format, sign_f32 | (bits_of(middle) + 1), Rounding::nearest_even, 0, flags) ==
              (sign_narrow | uint32_t(i + 1)));
        CHECK(flags == underflow);
        flags = 0;
        CHECK(narrow(format, sign_f32 | (bits_of(middle) - 1), Rounding::nearest_even, 0, flags) ==
              (sign_narrow | uint32_t(i)));
        CHECK(flags == ((bits_of(middle) - 1 == bits_of(low)) ? 0 : underflow));
      }
    }
  }
}

TEST_CASE("Narrowing: the boundary between the largest subnormal and the smallest normal", "[rounding]") {
  // E4M3 bias 7: largest subnormal 7 * 2^-9, smallest normal 2^-6; the tie rounds to the even
  // smallest normal and is tiny with an unbounded exponent: Underflow.
  const FloatFormat format = e4m3_format(7);
  Flags flags = 0;
  CHECK(f32_narrow_to_cfp8(bits_of(15 * 0x1p-10f), format, Rounding::nearest_even, 0, flags) == 0x08);
  CHECK(flags == flag_underflow);
  // 2^-6 - 2^-12 lies above the unbounded tie 2^-6 - 2^-11: it rounds up even unbounded.
  flags = 0;
  CHECK(f32_narrow_to_cfp8(bits_of(0x1p-6f - 0x1p-12f), format, Rounding::nearest_even, 0, flags) == 0x08);
  CHECK(flags == 0);
  // A value below half the smallest subnormal rounds to a signed zero.
  flags = 0;
  CHECK(f32_narrow_to_cfp8(bits_of(-0x1p-11f), format, Rounding::nearest_even, 0, flags) == 0x80);
  CHECK(flags == flag_underflow);
}

TEST_CASE("Narrowing: saturation, infinities and NaNs", "[rounding]") {
  for (const FloatFormat& format : narrow_formats()) {
    const std::vector<float> values = positive_values(format);
    const float max = values.back();
    const uint32_t max_code = uint32_t(values.size() - 1);
    const uint32_t sign_narrow = 1u << (format.exponent_bits + format.mantissa_bits);
    const float ulp = max - values[values.size() - 2];
    const uint32_t overflowed = format.saturating ? max_code : max_code + 1;  // +max or +infinity
    INFO("format e" << format.exponent_bits << "m" << format.mantissa_bits << " bias " << format.bias);
    Flags flags = 0;
    const uint32_t just_below_tie = bits_of(max + ulp / 2) - 1;
    CHECK(narrow(format, just_below_tie, Rounding::nearest_even, 0, flags) == max_code);
    CHECK(flags == 0);
    CHECK(narrow(format, bits_of(max + ulp / 2), Rounding::nearest_even, 0, flags) == overflowed);
    CHECK(flags == flag_overflow);
    flags = 0;
    CHECK(narrow(format, 0xFF7FFFFF, Rounding::nearest_even, 0, flags) == (sign_narrow | overflowed));
    CHECK(flags == flag_overflow);
    // Stochastic rounding that truncates stays at max; rounding up past it overflows.
    flags = 0;
    CHECK(narrow(format, just_below_tie, Rounding::stochastic, 0xFFFFFFFF, flags) == max_code);
    CHECK(flags == 0);
    CHECK(narrow(format, just_below_tie, Rounding::stochastic, 0, flags) == overflowed);
    CHECK(flags == flag_overflow);
    flags = 0;
    if (format.saturating) {
      CHECK(narrow(format, 0xFF800000, Rounding::nearest_even, 0, flags) == (sign_narrow | max_code));
      CHECK(flags == flag_invalid);
      flags = 0;
      CHECK(narrow(format, 0xFFC00000, Rounding::nearest_even, 0, flags) == max_code);  // NaN -> +max
      CHECK(flags == flag_invalid);
    } else {
      CHECK(narrow(format, 0xFF800000, Rounding::nearest_even, 0, flags) == 0xFF80);
      CHECK(narrow(format, 0xFFC12345, Rounding::nearest_even, 0, flags) == bf16_canonical_nan);
      CHECK(flags == 0);
      CHECK(narrow(format, 0x7F800001, Rounding::nearest_even, 0, flags) == bf16_canonical_nan);
      CHECK(flags == flag_invalid);
    }
    flags = 0;
    CHECK(narrow(format, 0x80000000, Rounding::nearest_even, 0, flags) == sign_narrow);
    CHECK(narrow(format, 0x00000000, Rounding::nearest_even, 0, flags) == 0);
    CHECK(flags == 0);
  }
}

TEST_CASE("Stochastic rounding rounds the magnitude up iff r < t", "[stochastic]") {
  // bf16: 1 + 2^-7 is one ulp above 1; 1 + 2^-9 is a quarter ulp, t = 0x40000000.
  const uint32_t quarter = bits_of(1 + 0x1p-9f), negative_quarter = quarter | 0x80000000;
  Flags flags = 0;
  CHECK(f32_narrow_to_bf16(quarter, Rounding::stochastic, 0x3FFFFFFF, flags) == 0x3F81);
  CHECK(f32_narrow_to_bf16(quarter, Rounding::stochastic, 0x40000000, flags) == 0x3F80);
  CHECK(f32_narrow_to_bf16(negative_quarter, Rounding::stochastic, 0x3FFFFFFF, flags) == 0xBF81);
  CHECK(f32_narrow_to_bf16(negative_quarter, Rounding::stochastic, 0x40000000, flags) == 0xBF80);
  // t takes the top 32 discarded bits: 16 discarded bits 0x0001 make t = 0x00010000.
  CHECK(f32_narrow_to_bf16(0x3F800001, Rounding::stochastic, 0x0000FFFF, flags) == 0x3F81);
  CHECK(f32_narrow_to_bf16(0x3F800001, Rounding::stochastic, 0x00010000, flags) == 0x3F80);
  // Exact values never round up.
  CHECK(f32_narrow_to_bf16(0x3F800000, Rounding::stochastic, 0, flags) == 0x3F80);
  CHECK(flags == 0);
  // E4M3 bias 7 around 1: ulp 1/8; 1 + 3/64 is 3/8 of an ulp, t = 0x60000000.
  const FloatFormat e4m3 = e4m3_format(7);
  CHECK(f32_narrow_to_cfp8(bits_of(1 + 3 / 64.0f), e4m3, Rounding::stochastic, 0x5FFFFFFF, flags) == 0x39);
  CHECK(f32_narrow_to_cfp8(bits_of(1 + 3 / 64.0f), e4m3, Rounding::stochastic, 0x60000000, flags) == 0x38);
  // More than 32 discarded bits (E5M2 bias 63, deep in its subnormals): bits beyond are ignored.
  const FloatFormat e5m2 = e5m2_format(63);  // smallest subnormal 2^-64
  const uint32_t below = bits_of(0x1p-74f) + 1;  // 2^-10 + 2^-33 ulps: t = 0x00400000
  CHECK(f32_narrow_to_cfp8(below, e5m2, Rounding::stochastic, 0x003FFFFF, flags) == 0x01);
  CHECK(f32_narrow_to_cfp8(below, e5m2, Rounding::stochastic, 0x00400000, flags) == 0x00);
  CHECK(flags == flag_underflow);
}

TEST_CASE("Stochastic rounding: reproducible per seed and unbiased on average", "[stochastic]") {
  CHECK(mix32(0) == 0);
  CHECK(mix32(1) == 0x514E28B7u);
  CHECK(lane_random(0x1234567800000000ull, 0) == mix32(0));
  CHECK(lane_random(5, 3) == mix32(5 + 3 * 0x9E3779B9u));
  CHECK(lane_random(0xFFFFFFFFull, 1) == mix32(0x9E3779B8u));
  const float exact = 1 + 0.3f * 0x1p-7f;  // 0.3 of a bf16 ulp above 1
  double sum = 0;
  const int seeds = 200'000;
  for (int seed = 0; seed < seeds; ++seed) {
    Flags flags = 0;
    const uint16_t first = f32_narrow_to_bf16(bits_of(exact), Rounding::stochastic, lane_random(seed, 7), flags);
    const uint16_t again = f32_narrow_to_bf16(bits_of(exact), Rounding::stochastic, lane_random(seed, 7), flags);
    REQUIRE(first == again);
    REQUIRE((first == 0x3F80 || first == 0x3F81));
    sum += float_of(uint32_t(first) << 16);
  }
  const double mean_in_ulps = (sum / seeds - 1) / 0x1p-7;
  CHECK(mean_in_ulps == Approx(0.3).margin(0.01));
}

TEST_CASE("BF16 arithmetic rounds the FP32 result with the narrowing rounding", "[bf16]") {
  Flags flags = 0;
  // 1 + 2^-8: the FP32 sum is exact, the bf16 tie goes to even (1).
  CHECK(bf16_add(0x3F80, 0x3B80, Rounding::nearest_even, 0, flags) == 0x3F80);
  CHECK(bf16_add(0x3F80, 0x3B80, Rounding::stochastic, 0x7FFFFFFF, flags) == 0x3F81);
  CHECK(bf16_sub(0x3F80, 0x3F80, Rounding::nearest_even, 0, flags) == 0x0000);
  CHECK(bf16_mul(0x3FC0, 0x3FC0, Rounding::nearest_even, 0, flags) == 0x4010);  // 1.5^2 = 2.25
  CHECK(bf16_fma(0x3FC0, 0x4000, 0xBF80, Rounding::nearest_even, 0, flags) == 0x4000);  // 1.5*2-1
  CHECK(flags == 0);
  CHECK(bf16_mul(0x7F00, 0x7F00, Rounding::nearest_even, 0, flags) == 0x7F80);
  CHECK(flags == flag_overflow);
  flags = 0;
  CHECK(bf16_add(0x7F80, 0xFF80, Rounding::nearest_even, 0, flags) == bf16_canonical_nan);
  CHECK(flags == flag_invalid);
  flags = 0;
  CHECK(bf16_min(0x8000, 0x0000, flags) == 0x8000);
  CHECK(bf16_max(0x7FC1, 0x0001, flags) == 0x0001);
  CHECK(flags == flag_denormal);
  flags = 0;
  // An FP32 result in bf16's subnormal range narrows with Underflow, without Denormal.
  CHECK(bf16_mul(0x0080, 0x3F00, Rounding::nearest_even, 0, flags) == 0x0040);  // exact 2^-127
  CHECK(flags == 0);
  CHECK(bf16_mul(0x0081, 0x3F00, Rounding::nearest_even, 0, flags) == 0x0040);  // tie to even
  CHECK(flags == flag_underflow);
}

TEST_CASE("Conversions among f32, bf16, e4m3, e5m2 and their flags", "[convert]") {
  const Cfp8Formats cfp8{e4m3_format(7), e5m2_format(15)};
  Flags flags = 0;
  using T = ElementType;
  CHECK(convert(T::bf16, T::f32, 0xC0A0, cfp8, Rounding::nearest_even, 0, flags) == 0xC0A00000);
  CHECK(convert(T::e4m3, T::f32, 0x38, cfp8, Rounding::nearest_even, 0, flags) == 0x3F800000);  // 1.0
  CHECK(convert(T::e5m2, T::f32, 0xBC, cfp8, Rounding::nearest_even, 0, flags) == 0xBF800000);  // -1.0
  CHECK(convert(T::e4m3, T::e5m2, 0x38, cfp8, Rounding::nearest_even, 0, flags) == 0x3C);
  CHECK(convert(T::e5m2, T::bf16, 0x7B, cfp8, Rounding::nearest_even, 0, flags) == 0x4760);  // 57344
  CHECK(flags == 0);
  // e4m3 1.125 (0x39) to e5m2: the tie between 1.0 and 1.25 rounds to even (1.0).
  CHECK(convert(T::e4m3, T::e5m2, 0x39, cfp8, Rounding::nearest_even, 0, flags) == 0x3C);
  CHECK(convert(T::e4m3, T::e5m2, 0x3B, cfp8, Rounding::nearest_even, 0, flags) == 0x3E);  // 1.375 -> 1.5
  // 57344 in E4M3 bias 7 (max 480) saturates.
  CHECK(convert(T::e5m2, T::e4m3, 0xFB, cfp8, Rounding::nearest_even, 0, flags) == 0xFF);
  CHECK(flags == flag_overflow);
  flags = 0;
  // bf16 -> CFP8 at the rounding boundary: 1.0625 = 1 + ulp/2 of E4M3 ties to even, just above up.
  CHECK(convert(T::bf16, T::e4m3, 0x3F88, cfp8, Rounding::nearest_even, 0, flags) == 0x38);
  CHECK(convert(T::bf16, T::e4m3, 0x3F89, cfp8, Rounding::nearest_even, 0, flags) == 0x39);
  CHECK(convert(T::bf16, T::e4m3, 0x3F98, cfp8, Rounding::nearest_even, 0, flags) == 0x3A);  // 1.1875 tie -> 1.25
  CHECK(flags == 0);
  // Denormal for a subnormal source of any type; none for the conversion of a normal one.
  CHECK(convert(T::e4m3, T::f32, 0x01, cfp8, Rounding::nearest_even, 0, flags) == bits_of(0x1p-9f));
  CHECK(flags == flag_denormal);
  flags = 0;
  CHECK(convert(T::bf16, T::f32, 0x0001, cfp8, Rounding::nearest_even, 0, flags) == 0x00010000);
  CHECK(flags == flag_denormal);
  flags = 0;
  CHECK(convert(T::f32, T::bf16, 0x00000001, cfp8, Rounding::nearest_even, 0, flags) == 0x0000);
  CHECK(flags == (flag_denormal | flag_underflow));
  flags = 0;
  // NaNs: widening gives the canonical NaN (Invalid if signalling); to CFP8, +max and Invalid.
  CHECK(convert(T::bf16, T::f32, 0xFFC1, cfp8, Rounding::nearest_even, 0, flags) == f32_canonical_nan);
  CHECK(flags == 0);
  CHECK(convert(T::bf16, T::f32, 0x7F81, cfp8, Rounding::nearest_even, 0, flags) == f32_canonical_nan);
  CHECK(flags == flag_invalid);
  flags = 0;
  CHECK(convert(T::bf16, T::e5m2, 0xFFC0, cfp8, Rounding::nearest_even, 0, flags) == 0x7F);
  CHECK(flags == flag_invalid);
  flags = 0;
  CHECK(convert(T::f32, T::e4m3, 0xFF800000, cfp8, Rounding::nearest_even, 0, flags) == 0xFF);
  CHECK(flags == flag_invalid);
  CHECK_THROWS_AS(convert(T::i32, T::f32, 0, cfp8, Rounding::nearest_even, 0, flags), std::invalid_argument);
}
