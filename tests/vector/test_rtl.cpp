// Directed tests of the vector unit's RTL through RtlEngine: a few hand-computed cases per
// instruction class (docs/isa-vector.md), illegal encodings, CSRs, the documented cycle counts,
// the waveform, and FP32 arithmetic against the host FPU (which the spec names as the reference).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cfenv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "engine_timing.h"
#include "vector/lane_random.h"
#include "vector/rtl_engine.h"

using namespace dojo::vector;

namespace {

enum Funct7 : uint32_t {
  VLD = 0x00, VST = 0x01, VBCAST = 0x02, VADD = 0x03, VSUB = 0x04, VMUL = 0x05, VFMA = 0x06,
  VMIN = 0x07, VMAX = 0x08, VRELU = 0x09, VDOT = 0x0A, VCVT = 0x0B, VHSUM = 0x0C, VMMA = 0x0D
};
enum Type : uint32_t { F32 = 0, BF16 = 1, I32 = 2, I8 = 3, E4M3 = 4, E5M2 = 5 };

constexpr uint32_t insn(uint32_t funct7, uint32_t type, uint32_t rd, uint32_t rs1, uint32_t rs2) {
  return funct7 << 25 | rs2 << 20 | rs1 << 15 | type << 12 | rd << 7 | custom0_opcode;
}

uint32_t bits(float value) {
  uint32_t b;
  std::memcpy(&b, &value, 4);
  return b;
}

float from_bits(uint32_t b) {
  float value;
  std::memcpy(&value, &b, 4);
  return value;
}

template <typename T>
Register splat(T value) {
  Register r{};
  for (unsigned i = 0; i < register_bytes / sizeof(T); ++i) set_lane(r, i, value);
  return r;
}

// The engine once every instruction in flight has retired: its state is theirs.
RtlEngine& settled(RtlEngine& e) {
  REQUIRE(e.settle().status == Outcome::Status::ok);
  return e;
}

uint64_t flags(RtlEngine& e) {
  uint64_t value = 0;
  REQUIRE(settled(e).read_csr(csr_vflags, value));
  return value;
}

constexpr uint64_t invalid = 1, denormal = 2, overflow = 4, underflow = 8;

// Loads `value` into v[index] and checks the load worked.
void put(RtlEngine& e, unsigned index, const Register& value) {
  REQUIRE(e.load(insn(VLD, F32, index, 10, 0), value, 0).status == Outcome::Status::ok);
}

// Runs vOP.T vd, v1, v2 with lane 0 of v1/v2 (and vd) set, and returns lane 0 of vd.
template <typename T>
T lane0_op(RtlEngine& e, uint32_t funct7, uint32_t type, T a, T b, T d = T{}) {
  put(e, 1, splat(a));
  put(e, 2, splat(b));
  put(e, 3, splat(d));
  REQUIRE(e.execute(insn(funct7, type, 3, 1, 2), 0, 0).status == Outcome::Status::ok);
  return lane<T>(settled(e).read_register(3), 0);
}

}  // namespace

TEST_CASE("vld and vst move 64 bytes, malformed encodings are illegal", "[rtl]") {
  RtlEngine e;
  Register data{};
  for (unsigned i = 0; i < register_bytes; ++i) data[i] = static_cast<uint8_t>(i * 7 + 1);
  Outcome loaded = e.load(insn(VLD, F32, 5, 10, 0), data, 0x100);
  CHECK(loaded.status == Outcome::Status::ok);
  CHECK(settled(e).read_register(5) == data);
  Register stored{};
  Outcome st = e.store(insn(VST, F32, 0, 10, 5), stored, 0x104);
  CHECK(st.status == Outcome::Status::ok);
  CHECK(st.cycles == 3);  // the core waits for the data: docs/cosim.md's latency table
  CHECK(stored == data);
  CHECK(e.load(insn(VLD, F32, 5, 10, 1), data, 0).status == Outcome::Status::illegal);
  CHECK(e.load(insn(VLD, BF16, 5, 10, 0), data, 0).status == Outcome::Status::illegal);
  CHECK(e.store(insn(VST, F32, 1, 10, 5), stored, 0).status == Outcome::Status::illegal);
  CHECK(flags(e) == 0);
}

TEST_CASE("vbcast fills every lane with the low bits of x[rs1]", "[rtl]") {
  RtlEngine e;
  const uint64_t x = 0x1122334455667788;
  REQUIRE(e.execute(insn(VBCAST, F32, 1, 5, 0), x, 0).status == Outcome::Status::ok);
  CHECK(settled(e).read_register(1) == splat<uint32_t>(0x55667788));
  REQUIRE(e.execute(insn(VBCAST, BF16, 2, 5, 0), x, 0).status == Outcome::Status::ok);
  CHECK(settled(e).read_register(2) == splat<uint16_t>(0x7788));
  REQUIRE(e.execute(insn(VBCAST, E5M2, 3, 5, 0), x, 0).status == Outcome::Status::ok);
  CHECK(settled(e).read_register(3) == splat<uint8_t>(0x88));
  CHECK(e.execute(insn(VBCAST, 6, 3, 5, 0), x, 0).status == Outcome::Status::illegal);
  CHECK(e.execute(insn(VBCAST, F32, 3, 5, 1), x, 0).status == Outcome::Status::illegal);
}

TEST_CASE("f32 add, sub, mul, fma: rounding, signed zeros, specials and flags", "[rtl]") {
  RtlEngine e;
  CHECK(lane0_op<uint32_t>(e, VADD, F32, bits(1.0f), bits(2.0f)) == bits(3.0f));
  CHECK(flags(e) == 0);
  CHECK(lane0_op<uint32_t>(e, VADD, F32, 0x80000000, 0x80000000) == 0x80000000);  // -0 + -0
  CHECK(lane0_op<uint32_t>(e, VADD, F32, 0x00000000, 0x80000000) == 0x00000000);
  CHECK(lane0_op<uint32_t>(e, VSUB, F32, bits(1.5f), bits(1.5f)) == 0x00000000);
  CHECK(lane0_op<uint32_t>(e, VMUL, F32, 0x80000000, bits(5.0f)) == 0x80000000);
  CHECK(lane0_op<uint32_t>(e, VMUL, F32, bits(1.5f), bits(1.5f)) == bits(2.25f));
  CHECK(flags(e) == 0);
  // Smallest subnormals: exact sum, Denormal only.
  CHECK(lane0_op<uint32_t>(e, VADD, F32, 1, 1) == 2);
  CHECK(flags(e) == denormal);
  // 3 * 2^-149 * 0.5 is a tie between 1 and 2 ulps: to even.
  REQUIRE(e.write_csr(csr_vflags, 0));
  CHECK(lane0_op<uint32_t>(e, VMUL, F32, 3, bits(0.5f)) == 2);
  CHECK(flags(e) == (denormal | underflow));
  REQUIRE(e.write_csr(csr_vflags, 0));
  CHECK(lane0_op<uint32_t>(e, VMUL, F32, bits(0x1p-100f), bits(0x1p-100f)) == 0);
  CHECK(flags(e) == underflow);
  REQUIRE(e.write_csr(csr_vflags, 0));
  CHECK(lane0_op<uint32_t>(e, VADD, F32, 0x7F7FFFFF, 0x7F7FFFFF) == 0x7F800000);
  CHECK(flags(e) == overflow);
  REQUIRE(e.write_csr(csr_vflags, 0));
  CHECK(lane0_op<uint32_t>(e, VSUB, F32, 0x7F800000, 0x7F800000) == 0x7FC00000);
  CHECK(flags(e) == invalid);
  REQUIRE(e.write_csr(csr_vflags, 0));
  CHECK(lane0_op<uint32_t>(e, VADD, F32, 0x7FC12345, bits(1.0f)) == 0x7FC00000);  // quiet NaN
  CHECK(flags(e) == 0);
  // (1 + 2^-23)^2 - 1 = 2^-22 + 2^-46: fused, one rounding gives 2^-22.
  CHECK(lane0_op<uint32_t>(e, VFMA, F32, 0x3F800001, 0x3F800001, bits(-1.0f)) == 0x34800000);
  // 0 * inf + qNaN is invalid (as RISC-V fmadd).
  REQUIRE(e.write_csr(csr_vflags, 0));
  CHECK(lane0_op<uint32_t>(e, VFMA, F32, 0, 0x7F800000, 0x7FC00000) == 0x7FC00000);
  CHECK(flags(e) == invalid);
}

TEST_CASE("f32 arithmetic equals the host FPU, flags included", "[rtl]") {
  RtlEngine e;
  std::mt19937 random(12345);
  const uint32_t specials[] = {0x00000000, 0x80000000, 0x00000001, 0x807FFFFF, 0x00800000,
                               0x3F800000, 0xBF800000, 0x7F7FFFFF, 0xFF7FFFFF, 0x7F800000,
                               0xFF800000, 0x7FC00000, 0x7F800001, 0x34000000, 0x0C000000,
                               0x33800000, 0x00400000, 0x3F7FFFFF, 0x4B800000, 0x1F800000};
  auto operand = [&]() -> uint32_t {
    switch (random() % 4) {
      case 0: return specials[random() % std::size(specials)];
      case 1: return random() & 0x807FFFFF;  // subnormal or zero
      case 2: return (random() & 0x80FFFFFF) | ((random() % 60 + 50) << 24);  // near 2^-126
      default: return random();
    }
  };
  for (int round = 0; round < 60; ++round) {
    Register va{}, vb{}, vc{};
    for (unsigned l = 0; l < 16; ++l) {
      set_lane(va, l, operand());
      set_lane(vb, l, operand());
      set_lane(vc, l, operand());
    }
    put(e, 1, va);
    put(e, 2, vb);
    for (uint32_t funct7 : {VADD, VSUB, VMUL, VFMA}) {
      put(e, 3, vc);
      REQUIRE(e.write_csr(csr_vflags, 0));
      REQUIRE(e.execute(insn(funct7, F32, 3, 1, 2), 0, 0).status == Outcome::Status::ok);
      const Register result = settled(e).read_register(3);
      uint64_t expected_flags = 0;
      for (unsigned l = 0; l < 16; ++l) {
        const uint32_t a = lane<uint32_t>(va, l), b = lane<uint32_t>(vb, l), c = lane<uint32_t>(vc, l);
        volatile float fa = from_bits(a), fb = from_bits(b), fc = from_bits(c);
        std::feclearexcept(FE_ALL_EXCEPT);
        volatile float r = funct7 == VADD ? fa + fb : funct7 == VSUB ? fa - fb
                         : funct7 == VMUL ? fa * fb : std::fmaf(fa, fb, fc);
        const int raised = std::fetestexcept(FE_INVALID | FE_OVERFLOW | FE_UNDERFLOW);
        uint32_t expected = std::isnan(r) ? 0x7FC00000 : bits(r);
        auto subnormal = [](uint32_t x) { return (x & 0x7F800000) == 0 && (x & 0x7FFFFF) != 0; };
        INFO("op " << funct7 << " a " << std::hex << a << " b " << b << " c " << c);
        CHECK(lane<uint32_t>(result, l) == expected);
        expected_flags |= (raised & FE_INVALID ? invalid : 0) | (raised & FE_OVERFLOW ? overflow : 0) |
                          (raised & FE_UNDERFLOW ? underflow : 0) |
                          (subnormal(a) || subnormal(b) || (funct7 == VFMA && subnormal(c)) ? denormal : 0);
      }
      CHECK(flags(e) == expected_flags);
    }
  }
}

TEST_CASE("f32 and bf16 min and max are minimumNumber and maximumNumber", "[rtl]") {
  RtlEngine e;
  CHECK(lane0_op<uint32_t>(e, VMIN, F32, 0x00000000, 0x80000000) == 0x80000000);
  CHECK(lane0_op<uint32_t>(e, VMAX, F32, 0x80000000, 0x00000000) == 0x00000000);
  CHECK(lane0_op<uint32_t>(e, VMAX, F32, 0x7FC00000, bits(-3.0f)) == bits(-3.0f));
  CHECK(lane0_op<uint32_t>(e, VMIN, F32, 0x7FC00000, 0xFFC00001) == 0x7FC00000);
  CHECK(flags(e) == 0);
  CHECK(lane0_op<uint32_t>(e, VMIN, F32, 0x7F800001, bits(2.0f)) == bits(2.0f));
  CHECK(flags(e) == invalid);
  CHECK(lane0_op<uint16_t>(e, VMIN, BF16, 0xC000, 0x3F80) == 0xC000);
  CHECK(lane0_op<uint16_t>(e, VMAX, BF16, 0xFFC0, 0x3F80) == 0x3F80);
}

TEST_CASE("bf16 arithmetic rounds the FP32 result with RNE or stochastic rounding", "[rtl]") {
  RtlEngine e;
  // 1 + 2^-8 is a tie between 1 and 1 + 2^-7: to even.
  CHECK(lane0_op<uint16_t>(e, VADD, BF16, 0x3F80, 0x3B80) == 0x3F80);
  // 1 + 3 * 2^-9 rounds up.
  CHECK(lane0_op<uint16_t>(e, VADD, BF16, 0x3F80, 0x3BC0) == 0x3F81);
  CHECK(lane0_op<uint16_t>(e, VMUL, BF16, 0x4040, 0x4040) == 0x4110);  // 3 * 3 = 9
  CHECK(lane0_op<uint16_t>(e, VFMA, BF16, 0x4000, 0x4000, 0x3F80) == 0x40A0);  // 2*2 + 1
  CHECK(flags(e) == 0);
  CHECK(lane0_op<uint16_t>(e, VMUL, BF16, 0x7F00, 0x7F00) == 0x7F80);
  CHECK(flags(e) == overflow);

  // Stochastic: lane i rounds 1 + 2^-8 up when its number (lane_random.h) is below 2^31.
  const uint64_t seed = 0x123456789;
  REQUIRE(e.write_csr(csr_vcfg, 0x10F07));
  REQUIRE(e.write_csr(csr_vseed, seed));
  put(e, 1, splat<uint16_t>(0x3F80));
  put(e, 2, splat<uint16_t>(0x3B80));
  REQUIRE(e.execute(insn(VADD, BF16, 3, 1, 2), 0, 0).status == Outcome::Status::ok);
  const Register result = settled(e).read_register(3);
  unsigned up = 0;
  for (unsigned i = 0; i < 32; ++i) {
    const bool rounds_up = dojo_lane_random(seed, i) < 0x80000000u;
    CHECK(lane<uint16_t>(result, i) == (rounds_up ? 0x3F81 : 0x3F80));
    up += rounds_up;
  }
  CHECK(up > 0);
  CHECK(up < 32);
  uint64_t next_seed = 0;
  REQUIRE(settled(e).read_csr(csr_vseed, next_seed));
  CHECK(next_seed == seed + 1);
  // Exact results do not depend on the draw, but the seed still advances.
  CHECK(lane0_op<uint16_t>(e, VADD, BF16, 0x3F80, 0x3F80) == 0x4000);
  REQUIRE(settled(e).read_csr(csr_vseed, next_seed));
  CHECK(next_seed == seed + 2);
  // f32 and vmin.bf16 do not round to a narrow type: no draw.
  CHECK(lane0_op<uint16_t>(e, VMIN, BF16, 0x3F80, 0x3F81) == 0x3F80);
  lane0_op<uint32_t>(e, VADD, F32, 1, 2);
  REQUIRE(settled(e).read_csr(csr_vseed, next_seed));
  CHECK(next_seed == seed + 2);
}

TEST_CASE("integer add, sub, mul wrap, vdot accumulates, vrelu", "[rtl]") {
  RtlEngine e;
  CHECK(lane0_op<int32_t>(e, VADD, I32, 0x7FFFFFFF, 1) == INT32_MIN);
  CHECK(lane0_op<int32_t>(e, VSUB, I32, 5, 7) == -2);
  CHECK(lane0_op<int32_t>(e, VMUL, I32, 0x10000, 0x10001) == 0x10000);
  CHECK(lane0_op<int8_t>(e, VMUL, I8, -128, -1) == -128);
  CHECK(lane0_op<int8_t>(e, VADD, I8, 100, 100) == -56);
  // vdot: 4 * (-128 * -128) + 7 = 65543 in every i32 lane.
  put(e, 1, splat<int8_t>(-128));
  put(e, 2, splat<int8_t>(-128));
  put(e, 3, splat<int32_t>(7));
  REQUIRE(e.execute(insn(VDOT, I8, 3, 1, 2), 0, 0).status == Outcome::Status::ok);
  CHECK(settled(e).read_register(3) == splat<int32_t>(65543));
  CHECK(e.execute(insn(VDOT, I32, 3, 1, 2), 0, 0).status == Outcome::Status::illegal);
  CHECK(e.execute(insn(VFMA, I32, 3, 1, 2), 0, 0).status == Outcome::Status::illegal);
  CHECK(e.execute(insn(VADD, E4M3, 3, 1, 2), 0, 0).status == Outcome::Status::illegal);
  CHECK(flags(e) == 0);

  Register values{};
  const uint32_t f32_in[4] = {0x80000000, bits(-2.0f), bits(3.0f), 0x7F800001};
  for (unsigned i = 0; i < 4; ++i) set_lane(values, i, f32_in[i]);
  put(e, 1, values);
  REQUIRE(e.execute(insn(VRELU, F32, 2, 1, 0), 0, 0).status == Outcome::Status::ok);
  const Register relu = settled(e).read_register(2);
  CHECK(lane<uint32_t>(relu, 0) == 0);
  CHECK(lane<uint32_t>(relu, 1) == 0);
  CHECK(lane<uint32_t>(relu, 2) == bits(3.0f));
  CHECK(lane<uint32_t>(relu, 3) == 0x7FC00000);
  CHECK(flags(e) == invalid);
  put(e, 1, splat<int8_t>(-3));
  REQUIRE(e.execute(insn(VRELU, I8, 2, 1, 0), 0, 0).status == Outcome::Status::ok);
  CHECK(settled(e).read_register(2) == splat<int8_t>(0));
  CHECK(e.execute(insn(VRELU, I8, 2, 1, 3), 0, 0).status == Outcome::Status::illegal);
}

TEST_CASE("vcvt narrows into a part, widens from a part, saturates CFP8", "[rtl]") {
  RtlEngine e;
  // f32 -> bf16, part 1: lanes 16..31 of vd; lanes 0..15 keep their value.
  put(e, 1, splat<uint32_t>(bits(1.5f)));
  put(e, 2, splat<uint16_t>(0x1234));
  Outcome narrowing = e.execute(insn(VCVT, BF16, 2, 1, (F32 << 2) | 1), 0, 0);
  REQUIRE(narrowing.status == Outcome::Status::ok);
  CHECK(narrowing.cycles == 2);
  Register r = settled(e).read_register(2);
  CHECK(lane<uint16_t>(r, 0) == 0x1234);
  CHECK(lane<uint16_t>(r, 15) == 0x1234);
  CHECK(lane<uint16_t>(r, 16) == 0x3FC0);
  CHECK(lane<uint16_t>(r, 31) == 0x3FC0);

  // f32 -> e4m3 (bias 7): 1.0 = 0x38, 480 = max = 0x7F, 1000 saturates, -inf saturates.
  Register values{};
  const float in[5] = {1.0f, 480.0f, 1000.0f, -INFINITY, -0.0f};
  for (unsigned i = 0; i < 5; ++i) set_lane(values, i, bits(in[i]));
  put(e, 1, values);
  REQUIRE(e.write_csr(csr_vflags, 0));
  REQUIRE(e.execute(insn(VCVT, E4M3, 3, 1, (F32 << 2) | 3), 0, 0).status == Outcome::Status::ok);
  r = settled(e).read_register(3);
  CHECK(lane<uint8_t>(r, 48) == 0x38);
  CHECK(lane<uint8_t>(r, 49) == 0x7F);
  CHECK(lane<uint8_t>(r, 50) == 0x7F);
  CHECK(lane<uint8_t>(r, 51) == 0xFF);
  CHECK(lane<uint8_t>(r, 52) == 0x80);
  CHECK(flags(e) == (invalid | overflow));

  // e4m3 -> f32 from part 3 (lanes 48..63), back exactly; e4m3 -> e5m2 with bias 15.
  REQUIRE(e.write_csr(csr_vflags, 0));
  REQUIRE(e.execute(insn(VCVT, F32, 4, 3, (E4M3 << 2) | 3), 0, 0).status == Outcome::Status::ok);
  r = settled(e).read_register(4);
  CHECK(lane<uint32_t>(r, 0) == bits(1.0f));
  CHECK(lane<uint32_t>(r, 1) == bits(480.0f));
  CHECK(lane<uint32_t>(r, 3) == bits(-480.0f));
  CHECK(lane<uint32_t>(r, 4) == 0x80000000);
  Outcome same_width = e.execute(insn(VCVT, E5M2, 5, 3, E4M3 << 2), 0, 0);
  REQUIRE(same_width.status == Outcome::Status::ok);
  r = settled(e).read_register(5);
  CHECK(lane<uint8_t>(r, 48) == 0x3C);  // 1.0: exponent 15, mantissa 0
  CHECK(lane<uint8_t>(r, 49) == 0x60);  // 480 = 1.111b * 2^8: a tie, to even: 2^9
  CHECK(flags(e) == 0);
  // The E4M3 subnormal 2^-9 (code 0x01, bias 7) widens exactly and sets Denormal.
  put(e, 1, splat<uint8_t>(0x01));
  REQUIRE(e.execute(insn(VCVT, F32, 4, 1, E4M3 << 2), 0, 0).status == Outcome::Status::ok);
  CHECK(lane<uint32_t>(settled(e).read_register(4), 0) == bits(0x1p-9f));
  CHECK(flags(e) == denormal);

  CHECK(e.execute(insn(VCVT, BF16, 2, 1, (F32 << 2) | 2), 0, 0).status == Outcome::Status::illegal);
  CHECK(e.execute(insn(VCVT, F32, 2, 1, F32 << 2), 0, 0).status == Outcome::Status::illegal);
  CHECK(e.execute(insn(VCVT, I32, 2, 1, F32 << 2), 0, 0).status == Outcome::Status::illegal);
  CHECK(e.execute(insn(VCVT, F32, 2, 1, I8 << 2), 0, 0).status == Outcome::Status::illegal);
  CHECK(e.execute(insn(VCVT, E5M2, 2, 1, (E4M3 << 2) | 1), 0, 0).status == Outcome::Status::illegal);
}

TEST_CASE("vhsum sums in the documented tree order", "[rtl]") {
  RtlEngine e;
  // Sequentially 1e8 + 1 - 1e8 + 1 + ... would not be 0; the tree pairs (1e8, 1) and (-1e8, 1).
  Register values{};
  const float in[4] = {1e8f, 1.0f, -1e8f, 1.0f};
  for (unsigned i = 0; i < 4; ++i) set_lane(values, i, bits(in[i]));
  put(e, 1, values);
  Outcome sum = e.execute(insn(VHSUM, F32, 7, 1, 0), 0, 0);
  REQUIRE(sum.status == Outcome::Status::ok);
  CHECK(sum.writes_scalar);
  CHECK(sum.scalar == 0);
  put(e, 1, splat<uint32_t>(bits(-1.5f)));
  sum = e.execute(insn(VHSUM, F32, 7, 1, 0), 0, 0);
  CHECK(sum.scalar == 0xFFFFFFFFC1C00000);  // -24.0, sign-extended
  put(e, 1, splat<uint16_t>(0x3F80));
  sum = e.execute(insn(VHSUM, BF16, 7, 1, 0), 0, 0);
  CHECK(sum.scalar == bits(32.0f));
  put(e, 1, splat<int8_t>(-1));
  sum = e.execute(insn(VHSUM, I8, 7, 1, 0), 0, 0);
  CHECK(sum.scalar == static_cast<uint64_t>(-64));
  put(e, 1, splat<int32_t>(INT32_MAX));
  sum = e.execute(insn(VHSUM, I32, 7, 1, 0), 0, 0);
  CHECK(sum.scalar == 16ull * INT32_MAX);
}

TEST_CASE("vmma accumulates C += A*B in k order into a register group", "[rtl]") {
  RtlEngine e;
  put(e, 1, splat<uint16_t>(0x3F80));  // A = 1.0
  put(e, 2, splat<uint16_t>(0x4000));  // B = 2.0
  for (unsigned r = 8; r < 12; ++r) put(e, r, splat<uint32_t>(bits(0.5f)));
  Outcome mma = e.execute(insn(VMMA, BF16, 8, 1, 2), 0, 0);
  REQUIRE(mma.status == Outcome::Status::ok);
  for (unsigned r = 8; r < 12; ++r) CHECK(settled(e).read_register(r) == splat<uint32_t>(bits(8.5f)));

  // C[0][0] = 1 + 2^24 * 1 + 1 * 1 - 2^24 * 1 + 1 * 1 in k order = 1 (2^24 + 1 rounds to 2^24).
  Register a{}, b{};
  const uint16_t a_row0[4] = {0x4B80, 0x3F80, 0xCB80, 0x3F80};
  for (unsigned k = 0; k < 4; ++k) {
    set_lane<uint16_t>(a, k, a_row0[k]);
    set_lane<uint16_t>(b, 8 * k, 0x3F80);
  }
  put(e, 1, a);
  put(e, 2, b);
  put(e, 12, splat<uint32_t>(bits(1.0f)));
  for (unsigned r = 13; r < 16; ++r) put(e, r, Register{});
  REQUIRE(e.execute(insn(VMMA, BF16, 12, 1, 2), 0, 0).status == Outcome::Status::ok);
  CHECK(lane<uint32_t>(settled(e).read_register(12), 0) == bits(1.0f));

  // e4m3 with bias 7: 0x38 = 1.0, 0x40 = 2.0: C = 4 * 2 = 8 (C starts at 0).
  put(e, 1, splat<uint8_t>(0x38));
  put(e, 2, splat<uint8_t>(0x40));
  for (unsigned r = 16; r < 20; ++r) put(e, r, Register{});
  REQUIRE(e.execute(insn(VMMA, E4M3, 16, 1, 2), 0, 0).status == Outcome::Status::ok);
  for (unsigned r = 16; r < 20; ++r) CHECK(settled(e).read_register(r) == splat<uint32_t>(bits(8.0f)));
  CHECK(e.execute(insn(VMMA, BF16, 6, 1, 2), 0, 0).status == Outcome::Status::illegal);
  CHECK(e.execute(insn(VMMA, F32, 8, 1, 2), 0, 0).status == Outcome::Status::illegal);
}

TEST_CASE("CSRs: reset values, writable bits, sticky flags, unknown numbers", "[rtl]") {
  RtlEngine e;
  uint64_t value = 1;
  REQUIRE(settled(e).read_csr(csr_vcfg, value));
  CHECK(value == 0x0F07);
  REQUIRE(settled(e).read_csr(csr_vseed, value));
  CHECK(value == 0);
  CHECK(flags(e) == 0);
  REQUIRE(e.write_csr(csr_vcfg, ~0ull));
  REQUIRE(settled(e).read_csr(csr_vcfg, value));
  CHECK(value == 0x13F3F);
  REQUIRE(e.write_csr(csr_vflags, ~0ull));
  CHECK(flags(e) == 0xF);
  REQUIRE(e.write_csr(csr_vseed, 0xFEDCBA9876543210));
  REQUIRE(settled(e).read_csr(csr_vseed, value));
  CHECK(value == 0xFEDCBA9876543210);
  CHECK_FALSE(settled(e).read_csr(0x803, value));
  CHECK_FALSE(e.write_csr(0x300, 1));
  CHECK_FALSE(settled(e).read_csr(0x10800, value));
  // Flags are sticky: an exact add leaves Overflow set.
  REQUIRE(e.write_csr(csr_vflags, overflow));
  lane0_op<uint32_t>(e, VADD, F32, bits(1.0f), bits(1.0f));
  CHECK(flags(e) == overflow);
}

TEST_CASE("every instruction class takes the cycles docs/cosim.md documents", "[rtl]") {
  RtlEngine e;
  dojo::vector::test::check_documented_timing(e);
  const uint64_t before = e.cycle_count();
  REQUIRE(e.write_csr(csr_vseed, 1));
  CHECK(e.cycle_count() == before + 1);
}

TEST_CASE("instructions retire at their responses, in order, while the core goes on", "[rtl]") {
  RtlEngine e;
  std::vector<uint64_t> retired;
  e.on_retire([&](uint64_t number) { retired.push_back(number); });
  REQUIRE(e.execute(insn(VMMA, E5M2, 4, 2, 3), 0, 0).cycles == 1);
  CHECK(retired.empty());  // in flight
  e.advance_to(e.cycle_count() + 5);
  CHECK(retired.empty());
  e.advance_to(e.cycle_count() + 10);  // up to its last pass
  CHECK(retired.empty());
  // Taken at vmma's last pass; vmma retires meanwhile; 4 passes, write-back and the FMA stages.
  REQUIRE(e.execute(insn(VHSUM, F32, 1, 2, 0), 0, 0).cycles ==
          4 + 2 + dojo::vector::built_pipeline().fma_stages);
  CHECK(retired == std::vector<uint64_t>{0, 1});
}

TEST_CASE("unknown funct7, reserved types and other opcodes are illegal after one empty pass", "[rtl]") {
  RtlEngine e;
  for (uint32_t instruction : {insn(0x0E, F32, 1, 2, 3), insn(0x7F, F32, 1, 2, 3),
                               insn(VADD, 6, 1, 2, 3), insn(VADD, 7, 1, 2, 3),
                               insn(VHSUM, E4M3, 1, 2, 0), insn(VMIN, I32, 1, 2, 3),
                               insn(VADD, F32, 1, 2, 3) ^ 0x0B ^ 0x2B}) {
    Outcome outcome = e.execute(instruction, 0, 0);
    CHECK(outcome.status == Outcome::Status::illegal);
    CHECK(outcome.cycles == 3);  // taken, the pass, the answer
  }
  CHECK(settled(e).read_register(1) == Register{});
}

namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(file), {});
}

// The times (#t lines) of a VCD, in order.
std::vector<uint64_t> vcd_times(const std::string& vcd) {
  std::vector<uint64_t> times;
  std::istringstream lines(vcd);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty() && line[0] == '#') times.push_back(std::stoull(line.substr(1)));
  return times;
}

// The value changes of the first one-bit signal named `name` in a VCD: time -> '0', '1' or 'x'.
std::map<uint64_t, char> vcd_changes(const std::string& vcd, const std::string& name) {
  std::istringstream lines(vcd);
  std::string id;
  std::map<uint64_t, char> changes;
  uint64_t time = 0;
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string kind, type, width, code, signal;
    if (line.rfind("$var", 0) == 0) {
      words >> kind >> type >> width >> code >> signal;
      if (id.empty() && signal == name) id = code;
    } else if (!line.empty() && line[0] == '#') {
      time = std::stoull(line.substr(1));
    } else if (!id.empty() && line.size() == id.size() + 1 && line.compare(1, id.size(), id) == 0) {
      changes[time] = line[0];
    }
  }
  return changes;
}

// The value a signal with these changes has at `time` (' ' before its first change).
char value_at(const std::map<uint64_t, char>& changes, uint64_t time) {
  auto after = changes.upper_bound(time);
  return after == changes.begin() ? ' ' : std::prev(after)->second;
}

std::filesystem::path scratch(const std::string& name) {
  const auto path = std::filesystem::temp_directory_path() / ("dojo_test_rtl_" + name);
  std::filesystem::remove(path);
  return path;
}

}  // namespace

TEST_CASE("the waveform is an FST file from the requested instruction", "[rtl]") {
  const auto path = scratch("trace.fst");
  {
    RtlEngine e;
    CHECK_THROWS_WITH(e.start_trace("/tmp/wave.txt"),
                      Catch::Contains("/tmp/wave.txt") && Catch::Contains(".fst") &&
                          Catch::Contains(".vcd"));
    TraceWindow window;
    window.first_instruction = 2;
    e.start_trace(path.string(), window);
    CHECK_FALSE(e.trace_open());
    lane0_op<uint32_t>(e, VADD, F32, bits(1.0f), bits(1.0f));
    CHECK(e.trace_open());
    CHECK_THROWS(e.start_trace(path.string()));
    e.stop_trace();
    CHECK_FALSE(e.trace_open());
  }
  REQUIRE(std::filesystem::exists(path));
  CHECK(std::filesystem::file_size(path) > 100);
  std::filesystem::remove(path);
}

TEST_CASE("a .vcd waveform is a VCD file from the requested instruction", "[rtl]") {
  const auto path = scratch("trace.vcd");
  RtlEngine e;
  TraceWindow window;
  window.first_instruction = 2;
  e.start_trace(path.string(), window);
  put(e, 1, splat(bits(1.0f)));
  put(e, 2, splat(bits(2.0f)));
  const uint64_t first_cycle = e.cycle_count();
  put(e, 3, splat(0u));
  REQUIRE(e.execute(insn(VADD, F32, 3, 1, 2), 0, 0).status == Outcome::Status::ok);
  const uint64_t end_cycle = e.cycle_count();
  e.stop_trace();

  const std::string vcd = read_file(path);
  CHECK(vcd.rfind("$date", 0) == 0);
  for (const char* keyword : {"$timescale", "$scope module", "cmd_valid", "$enddefinitions"})
    CHECK(vcd.find(keyword) != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(path.string() + ".fst"));  // the FST it was recorded as
  // Without a clock, cycle n spans [2n, 2n + 2] ps: from the third instruction to the end.
  const std::vector<uint64_t> times = vcd_times(vcd);
  REQUIRE(!times.empty());
  CHECK(times.front() == 2 * first_cycle);
  CHECK(times.back() == 2 * end_cycle);
  std::filesystem::remove(path);
}

TEST_CASE("a waveform window of simulated time records the instructions that start in it", "[rtl]") {
  const auto path = scratch("window.vcd");
  RtlEngine e;
  uint64_t now = 0;
  const uint64_t period = 1000;
  e.set_clock([&now] { return now; }, period);
  TraceWindow window;
  window.start_ps = 10'000;
  window.end_ps = 20'000;
  e.start_trace(path.string(), window);
  put(e, 1, splat(bits(1.0f)));  // before the window
  CHECK_FALSE(e.trace_open());
  now = 10'000;
  const uint64_t first_cycle = e.cycle_count();
  put(e, 2, splat(bits(2.0f)));
  CHECK(e.trace_open());
  // A core can charge fewer cycles than the RTL took: the next cycles follow the last ones.
  REQUIRE(e.execute(insn(VADD, F32, 3, 1, 2), 0, 0).status == Outcome::Status::ok);
  REQUIRE(e.settle().status == Outcome::Status::ok);  // the vadd's pass
  now = 19'999;
  REQUIRE(e.write_csr(csr_vflags, 0));
  const uint64_t end_cycle = e.cycle_count();
  now = 20'000;
  put(e, 4, splat(bits(4.0f)));  // after: the waveform is complete already
  CHECK_FALSE(e.trace_open());
  const std::vector<uint64_t> times = vcd_times(read_file(path));
  e.stop_trace();

  REQUIRE(times.size() >= 3);
  CHECK(times[0] == 10'000);
  CHECK(times[1] == 10'000 + period / 2);  // the first rising edge
  CHECK(std::is_sorted(times.begin(), times.end()));
  CHECK(std::adjacent_find(times.begin(), times.end()) == times.end());
  CHECK(times.back() == 20'999);  // the CSR write's cycle, at 19 999 ps
  // The state at the start, then two edges for every cycle of the vld, vadd and CSR write.
  CHECK(times.size() == 1 + 2 * (end_cycle - first_cycle));
  std::filesystem::remove(path);
}

TEST_CASE("a window without instructions leaves the signals without value changes", "[rtl]") {
  const auto vcd_path = scratch("empty.vcd");
  const auto fst_path = scratch("empty.fst");
  {
    RtlEngine e;
    TraceWindow window;
    window.first_instruction = 100;
    e.start_trace(vcd_path.string(), window);
    put(e, 1, splat(1u));
    e.stop_trace();
    RtlEngine f;
    f.start_trace(fst_path.string(), window);
    put(f, 1, splat(1u));
  }
  const std::string vcd = read_file(vcd_path);
  CHECK(vcd.find("$enddefinitions") != std::string::npos);
  CHECK(vcd.find("cmd_valid") != std::string::npos);
  CHECK(vcd_times(vcd).empty());
  CHECK(std::filesystem::file_size(fst_path) > 100);
  std::filesystem::remove(vcd_path);
  std::filesystem::remove(fst_path);

  RtlEngine e;
  TraceWindow empty;
  empty.start_ps = empty.end_ps = 5;
  CHECK_THROWS_WITH(e.start_trace(vcd_path.string(), empty), Catch::Contains("empty"));
  CHECK_THROWS_WITH(e.start_trace("/nonexistent/dir/wave.vcd"), Catch::Contains("cannot write"));
}

// The kept-last waveform is a replay on a fresh copy of the unit, which must refuse responses in
// the same cycles as the run did: its back-pressure follows the run's cycles, not its own.
TEST_CASE("the last cycles' waveform replays the run's response back-pressure", "[rtl]") {
  const auto full_path = scratch("backpressure_full.vcd");
  const auto last_path = scratch("backpressure_last.vcd");
  RtlEngine full, last;
  full.start_trace(full_path.string());
  last.keep_last_cycles(40, last_path.string());
  uint64_t cycle = 0;
  for (RtlEngine* e : {&full, &last}) {
    e->set_response_backpressure(0.5, 7);
    put(*e, 9, splat(bits(1.5f)));
    // Bursts of four, 30 cycles apart: the queue fills, responses wait, checkpoints fall between.
    for (unsigned burst = 0; burst < 12; ++burst) {
      e->advance_to(cycle = e->cycle_count() + 30);
      for (unsigned n = 0; n < 4; ++n)
        REQUIRE(e->execute(insn(VADD, F32, 1 + n, 9, 9), 0, 0).status == Outcome::Status::ok);
    }
    settled(*e);
    e->stop_trace();
  }
  CHECK(full.cycle_count() == last.cycle_count());
  CHECK(full.response_held_cycles() == last.response_held_cycles());
  REQUIRE(full.response_held_cycles() > 0);

  const std::string full_vcd = read_file(full_path), last_vcd = read_file(last_path);
  const std::vector<uint64_t> last_times = vcd_times(last_vcd);
  REQUIRE(!last_times.empty());
  // Cycle n is at 2n ps: a replay of the end, from past the run's middle, not of the whole run.
  CHECK(last_times.front() > cycle);
  CHECK(last_times.back() == vcd_times(full_vcd).back());
  // From the replay's first change on (its start shows a fresh unit, not the run's last answer).
  for (const char* signal : {"rsp_ready", "rsp_valid"}) {
    const auto in_full = vcd_changes(full_vcd, signal), in_last = vcd_changes(last_vcd, signal);
    REQUIRE(in_last.size() > 2);
    for (auto time = std::next(last_times.begin()); time != last_times.end(); ++time) {
      INFO(signal << " at " << *time << " ps");
      CHECK(value_at(in_last, *time) == value_at(in_full, *time));
    }
  }
  std::filesystem::remove(full_path);
  std::filesystem::remove(last_path);
}
