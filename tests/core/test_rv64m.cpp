// RV64M: multiplication (low and high halves, all signedness combinations), division and
// remainder with the spec's results for division by zero and signed overflow, and the W forms.
#include <catch2/catch.hpp>

#include "hart_fixture.h"

using namespace dojo::test;
using namespace dojo::test::rv;

namespace {
constexpr uint64_t kMax64 = kMin64 - 1;
}  // namespace

TEST_CASE("mul, mulh, mulhsu, mulhu give the low and high halves of the 128-bit product") {
  HartFixture f;
  check_eval(f, {
      {"mul small", mul(a0, a1, a2), 3, 7, 21},
      {"mul -1 * -1", mul(a0, a1, a2), kAllOnes, kAllOnes, 1},
      {"mul wraps", mul(a0, a1, a2), kMin64, 2, 0},
      {"mul big", mul(a0, a1, a2), 0x123456789ABCDEF0, 0x0FEDCBA987654321, 0x2236D88FE5618CF0},
      {"mul -2 * 3", mul(a0, a1, a2), 0xFFFFFFFFFFFFFFFE, 3, 0xFFFFFFFFFFFFFFFA},
      {"mulh big", mulh(a0, a1, a2), 0x123456789ABCDEF0, 0x0FEDCBA987654321, 0x0121FA00AD77D742},
      {"mulh min * -1", mulh(a0, a1, a2), kMin64, kAllOnes, 0},
      {"mulh max * max", mulh(a0, a1, a2), kMax64, kMax64, 0x3FFFFFFFFFFFFFFF},
      {"mulh min * min", mulh(a0, a1, a2), kMin64, kMin64, 0x4000000000000000},
      {"mulh -1 * -1", mulh(a0, a1, a2), kAllOnes, kAllOnes, 0},
      {"mulh -2 * 3", mulh(a0, a1, a2), 0xFFFFFFFFFFFFFFFE, 3, kAllOnes},
      {"mulhsu min * max unsigned", mulhsu(a0, a1, a2), kMin64, kAllOnes, 0x8000000000000000},
      {"mulhsu min * 2^63", mulhsu(a0, a1, a2), kMin64, kMin64, 0xC000000000000000},
      {"mulhsu -1 * max unsigned", mulhsu(a0, a1, a2), kAllOnes, kAllOnes, kAllOnes},
      {"mulhsu 2 * max unsigned", mulhsu(a0, a1, a2), 2, kAllOnes, 1},
      {"mulhu -1 * -1", mulhu(a0, a1, a2), kAllOnes, kAllOnes, 0xFFFFFFFFFFFFFFFE},
      {"mulhu 2^63 * max", mulhu(a0, a1, a2), kMin64, kAllOnes, 0x7FFFFFFFFFFFFFFF},
      {"mulhu -2 * 3", mulhu(a0, a1, a2), 0xFFFFFFFFFFFFFFFE, 3, 2},
  });
}

TEST_CASE("multiplication matches a 128-bit reference for a grid of edge values") {
  const uint64_t values[] = {0, 1, 2, 3, 0x7F, 0xFFFFFFFF, 0x100000000, 0x80000000, kMax64, kMin64,
                             kAllOnes, 0xFFFFFFFFFFFFFFFE, 0x5555555555555555, 0xAAAAAAAAAAAAAAAB,
                             0x0123456789ABCDEF};
  HartFixture f;
  for (uint64_t a : values) {
    for (uint64_t b : values) {
      INFO("a=" << Hex{a} << " b=" << Hex{b});
      const __int128 sa = int64_t(a), sb = int64_t(b);
      const unsigned __int128 ua = a, ub = b;
      CHECK(Hex{f.eval(mul(a0, a1, a2), a, b)} == Hex{uint64_t(ua * ub)});
      CHECK(Hex{f.eval(mulh(a0, a1, a2), a, b)} == Hex{uint64_t((sa * sb) >> 64)});
      CHECK(Hex{f.eval(mulhsu(a0, a1, a2), a, b)} == Hex{uint64_t((sa * __int128(ub)) >> 64)});
      CHECK(Hex{f.eval(mulhu(a0, a1, a2), a, b)} == Hex{uint64_t((ua * ub) >> 64)});
    }
  }
}

TEST_CASE("div and rem truncate toward zero and the remainder takes the dividend's sign") {
  HartFixture f;
  check_eval(f, {
      {"div 20/6", div(a0, a1, a2), 20, 6, 3},
      {"div -20/6", div(a0, a1, a2), uint64_t(-20), 6, uint64_t(-3)},
      {"div 20/-6", div(a0, a1, a2), 20, uint64_t(-6), uint64_t(-3)},
      {"div -20/-6", div(a0, a1, a2), uint64_t(-20), uint64_t(-6), 3},
      {"div min/1", div(a0, a1, a2), kMin64, 1, kMin64},
      {"rem 20%6", rem(a0, a1, a2), 20, 6, 2},
      {"rem -20%6", rem(a0, a1, a2), uint64_t(-20), 6, uint64_t(-2)},
      {"rem 20%-6", rem(a0, a1, a2), 20, uint64_t(-6), 2},
      {"rem -20%-6", rem(a0, a1, a2), uint64_t(-20), uint64_t(-6), uint64_t(-2)},
      {"divu 20/6", divu(a0, a1, a2), 20, 6, 3},
      {"divu max/1", divu(a0, a1, a2), kAllOnes, 1, kAllOnes},
      {"divu 2^63/2", divu(a0, a1, a2), kMin64, 2, 0x4000000000000000},
      {"divu is unsigned", divu(a0, a1, a2), uint64_t(-20), 6, 0x2AAAAAAAAAAAAAA7},
      {"remu 20%6", remu(a0, a1, a2), 20, 6, 2},
      {"remu max%10", remu(a0, a1, a2), kAllOnes, 10, 5},
      {"remu is unsigned", remu(a0, a1, a2), uint64_t(-20), 6, 2},
  });
}

TEST_CASE("division by zero: quotient all ones, remainder the dividend (no trap)") {
  HartFixture f;
  check_eval(f, {
      {"div x/0", div(a0, a1, a2), 12345, 0, kAllOnes},
      {"div -x/0", div(a0, a1, a2), uint64_t(-12345), 0, kAllOnes},
      {"div 0/0", div(a0, a1, a2), 0, 0, kAllOnes},
      {"divu x/0", divu(a0, a1, a2), 12345, 0, kAllOnes},
      {"rem x%0", rem(a0, a1, a2), uint64_t(-12345), 0, uint64_t(-12345)},
      {"rem min%0", rem(a0, a1, a2), kMin64, 0, kMin64},
      {"remu x%0", remu(a0, a1, a2), 0xFEDCBA9876543210, 0, 0xFEDCBA9876543210},
      {"divw x/0", divw(a0, a1, a2), 0x1234, 0xFFFFFFFF00000000, kAllOnes},
      {"divuw x/0", divuw(a0, a1, a2), 0x1234, 0x100000000, kAllOnes},
      {"remw x%0 sign-extends the dividend", remw(a0, a1, a2), 0x12345678FFFFFFF0, 0, 0xFFFFFFFFFFFFFFF0},
      {"remuw x%0 sign-extends the dividend", remuw(a0, a1, a2), 0xFFFFFFFF, 0, kAllOnes},
      {"remuw x%0 positive", remuw(a0, a1, a2), 0xABCD00000007, 0, 7},
  });
}

TEST_CASE("signed division overflow: INT_MIN / -1 = INT_MIN, remainder 0 (no trap)") {
  HartFixture f;
  check_eval(f, {
      {"div", div(a0, a1, a2), kMin64, kAllOnes, kMin64},
      {"rem", rem(a0, a1, a2), kMin64, kAllOnes, 0},
      {"divw", divw(a0, a1, a2), 0x80000000, 0xFFFFFFFF, kMin32},
      {"divw, upper bits ignored", divw(a0, a1, a2), 0x1234567880000000, 0x00000000FFFFFFFF, kMin32},
      {"remw", remw(a0, a1, a2), 0x80000000, kAllOnes, 0},
  });
}

TEST_CASE("mulw, divw, divuw, remw, remuw use the low 32 bits and sign-extend the result") {
  HartFixture f;
  check_eval(f, {
      {"mulw overflow", mulw(a0, a1, a2), 0x7FFFFFFF, 2, 0xFFFFFFFFFFFFFFFE},
      {"mulw ignores upper bits", mulw(a0, a1, a2), 0x100000001, 0x100000001, 1},
      {"mulw -1 * -1", mulw(a0, a1, a2), kAllOnes, kAllOnes, 1},
      {"mulw bit 31 set", mulw(a0, a1, a2), 0x80000000, 1, kMin32},
      {"mulw 2^32 is 0", mulw(a0, a1, a2), 0x10000, 0x10000, 0},
      {"divw -20/6", divw(a0, a1, a2), 0xFFFFFFEC, 6, uint64_t(-3)},
      {"divw ignores upper bits", divw(a0, a1, a2), 0x100000014, 0xFFFFFFFF00000006, 3},
      {"divuw 2^31/2", divuw(a0, a1, a2), 0x80000000, 2, 0x40000000},
      {"divuw result bit 31 sign-extends", divuw(a0, a1, a2), 0xFFFFFFFF, 1, kAllOnes},
      {"divuw ignores upper bits", divuw(a0, a1, a2), 0xFFFFFFFF00000014, 0x100000006, 3},
      {"divuw unsigned 32-bit", divuw(a0, a1, a2), 0xFFFFFFEC, 6, 0x2AAAAAA7},
      {"remw -20%6", remw(a0, a1, a2), 0xFFFFFFEC, 6, uint64_t(-2)},
      {"remw 20%-6", remw(a0, a1, a2), 20, 0xFFFFFFFA, 2},
      {"remw ignores upper bits", remw(a0, a1, a2), 0x7700000014, 0x8800000006, 2},
      {"remuw", remuw(a0, a1, a2), 0xFFFFFFFF, 10, 5},
      {"remuw ignores upper bits", remuw(a0, a1, a2), 0x100000007, 0x100000002, 1},
      {"remuw result bit 31 sign-extends", remuw(a0, a1, a2), 0x80000001, 0xFFFFFFFF, kMin32 | 1},
  });
}

TEST_CASE("M instructions read both sources before writing rd when registers alias") {
  HartFixture f;
  f.set_x(a1, 100);
  f.set_x(a2, 7);
  f.set_x(a3, 0xFFFFFFFF);
  f.set_x(a4, 3);
  REQUIRE(f.run({div(a1, a1, a2), rem(a2, a1, a2), mul(a3, a3, a3), mulhu(a4, a4, a4),
                 divw(zero, a1, zero)}) == Outcome::finished);
  CHECK(f.x(a1) == 14);
  CHECK(f.x(a2) == 0);   // 14 % 7
  CHECK(Hex{f.x(a3)} == Hex{0xFFFFFFFE00000001});
  CHECK(f.x(a4) == 0);
  CHECK(f.x(zero) == 0);
}
