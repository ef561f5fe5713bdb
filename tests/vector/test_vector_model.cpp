// The vector unit's reference model: every instruction, lane order, the CSRs, flags, stochastic
// rounding state, timing and every illegal-encoding rule of docs/isa-vector.md.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <vector>

#include "engine_timing.h"
#include "vector/vector_model.h"

using namespace dojo::vector;
using namespace dojo::vector::numerics;

namespace {

enum Type : unsigned { f32 = 0, bf16 = 1, i32 = 2, i8 = 3, e4m3 = 4, e5m2 = 5 };
enum Funct7 : unsigned {
  VLD, VST, VBCAST, VADD, VSUB, VMUL, VFMA, VMIN, VMAX, VRELU, VDOT, VCVT, VHSUM, VMMA
};

uint32_t encode(unsigned funct7, unsigned funct3, unsigned rd, unsigned rs1, unsigned rs2) {
  return funct7 << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | custom0_opcode;
}
uint32_t cvt(unsigned destination, unsigned source, unsigned part, unsigned rd, unsigned rs1) {
  return encode(VCVT, destination, rd, rs1, source << 2 | part);
}

template <typename T>
Register pack(const std::vector<T>& values) {
  REQUIRE(values.size() * sizeof(T) == register_bytes);
  Register reg;
  std::memcpy(reg.data(), values.data(), register_bytes);
  return reg;
}

template <typename T, typename Function>
Register make(Function value_of_lane) {
  std::vector<T> values(register_bytes / sizeof(T));
  for (unsigned i = 0; i < values.size(); ++i) values[i] = T(value_of_lane(i));
  return pack(values);
}

uint64_t csr(VectorModel& model, unsigned number) {
  uint64_t value = 0;
  REQUIRE(model.read_csr(number, value));
  return value;
}

Outcome run(VectorModel& model, uint32_t instruction, uint64_t rs1_value = 0) {
  Outcome outcome = model.execute(instruction, rs1_value, 0x1000);
  REQUIRE(outcome.status == Outcome::Status::ok);
  return outcome;
}

constexpr uint64_t stochastic = 1 << 16;

}  // namespace

TEST_CASE("Reset state and CSR masks", "[csr]") {
  VectorModel model;
  CHECK(csr(model, csr_vcfg) == 0x0F07);
  CHECK(csr(model, csr_vseed) == 0);
  CHECK(csr(model, csr_vflags) == 0);
  for (unsigned r = 0; r < register_count; ++r) CHECK(model.read_register(r) == Register{});
  CHECK(model.write_csr(csr_vcfg, ~0ull));
  CHECK(csr(model, csr_vcfg) == 0x13F3F);
  CHECK(model.write_csr(csr_vflags, ~0ull));
  CHECK(csr(model, csr_vflags) == 0xF);
  CHECK(model.write_csr(csr_vseed, 0xFEDCBA9876543210ull));
  CHECK(csr(model, csr_vseed) == 0xFEDCBA9876543210ull);
  uint64_t value = 0;
  CHECK_FALSE(model.read_csr(0x803, value));
  CHECK_FALSE(model.write_csr(0x7FF, 1));
  model.write_register(3, make<uint8_t>([](unsigned i) { return i + 1; }));
  model.reset();
  CHECK(csr(model, csr_vcfg) == 0x0F07);
  CHECK(csr(model, csr_vflags) == 0);
  CHECK(model.read_register(3) == Register{});
}

TEST_CASE("vld and vst move 64 bytes in lane order", "[memory]") {
  VectorModel model;
  const Register bytes = make<uint8_t>([](unsigned i) { return i * 3 + 1; });
  Outcome outcome = model.load(encode(VLD, 0, 5, 10, 0), bytes, 0);
  REQUIRE(outcome.status == Outcome::Status::ok);
  CHECK(outcome.cycles == 1);  // the core goes on once the unit has taken it
  CHECK(lane<uint32_t>(model.read_register(5), 1) == (uint32_t(4 * 3 + 1) | uint32_t(5 * 3 + 1) << 8 |
                                                       uint32_t(6 * 3 + 1) << 16 | uint32_t(7 * 3 + 1) << 24));
  Register out{};
  outcome = model.store(encode(VST, 0, 0, 10, 5), out, 0);
  REQUIRE(outcome.status == Outcome::Status::ok);
  CHECK(outcome.cycles == 4);  // reads v5: waits for the vld's result, then for its own
  CHECK(out == bytes);
  CHECK(csr(model, csr_vflags) == 0);
}

TEST_CASE("the model charges the unit's documented timing", "[timing]") {
  VectorModel model;
  dojo::vector::test::check_documented_timing(model);
}

TEST_CASE("the model retires each instruction at once, in order", "[timing]") {
  VectorModel model;
  std::vector<uint64_t> retired;
  model.on_retire([&](uint64_t number) { retired.push_back(number); });
  const Register bytes{};
  model.load(encode(VLD, 0, 5, 10, 0), bytes, 0);
  model.load(encode(VST, 0, 0, 10, 5), bytes, 0);  // not a vld: never reaches the unit
  run(model, encode(VBCAST, f32, 1, 0, 0));
  model.execute(0xFFFFFFFF, 0, 0);  // illegal: reaches the unit, answered at once
  CHECK(retired == std::vector<uint64_t>{0, 1, 2});
}

TEST_CASE("vld/vst with a wrong encoding or through the wrong entry", "[memory][illegal]") {
  VectorModel model;
  Register data{};
  CHECK(model.load(encode(VLD, 1, 5, 10, 0), data, 0).status == Outcome::Status::illegal);
  CHECK(model.load(encode(VLD, 0, 5, 10, 1), data, 0).status == Outcome::Status::illegal);
  CHECK(model.load(encode(VST, 0, 0, 10, 5), data, 0).status == Outcome::Status::illegal);
  CHECK(model.store(encode(VST, 0, 1, 10, 5), data, 0).status == Outcome::Status::illegal);
  CHECK(model.store(encode(VST, 2, 0, 10, 5), data, 0).status == Outcome::Status::illegal);
  CHECK(model.store(encode(VLD, 0, 5, 10, 0), data, 0).status == Outcome::Status::illegal);
  const Outcome wrong_entry = model.execute(encode(VLD, 0, 5, 10, 0), 0, 0);
  CHECK(wrong_entry.status == Outcome::Status::fatal);
  CHECK_FALSE(wrong_entry.message.empty());
}

TEST_CASE("vbcast fills every lane with the low bits of x[rs1] for each type", "[vbcast]") {
  VectorModel model;
  const uint64_t value = 0x123456789ABCDEF1ull;
  run(model, encode(VBCAST, f32, 1, 7, 0), value);
  run(model, encode(VBCAST, i32, 2, 7, 0), value);
  run(model, encode(VBCAST, bf16, 3, 7, 0), value);
  for (unsigned type : {i8, e4m3, e5m2}) run(model, encode(VBCAST, type, 4 + type, 7, 0), value);
  for (unsigned i = 0; i < 16; ++i) {
    CHECK(lane<uint32_t>(model.read_register(1), i) == 0x9ABCDEF1u);
    CHECK(lane<uint32_t>(model.read_register(2), i) == 0x9ABCDEF1u);
  }
  for (unsigned i = 0; i < 32; ++i) CHECK(lane<uint16_t>(model.read_register(3), i) == 0xDEF1);
  for (unsigned type : {i8, e4m3, e5m2})
    for (unsigned i = 0; i < 64; ++i) CHECK(lane<uint8_t>(model.read_register(4 + type), i) == 0xF1);
  CHECK(csr(model, csr_vflags) == 0);
}

TEST_CASE("f32 vadd, vsub, vmul, vfma per lane", "[fp32]") {
  VectorModel model;
  model.write_register(1, make<float>([](unsigned i) { return 1.5f * float(i) - 4; }));
  model.write_register(2, make<float>([](unsigned i) { return 0.25f * float(i * i) + 1; }));
  model.write_register(3, make<float>([](unsigned i) { return float(i) * 1e-3f; }));
  run(model, encode(VADD, f32, 4, 1, 2));
  run(model, encode(VSUB, f32, 5, 1, 2));
  run(model, encode(VMUL, f32, 6, 1, 2));
  run(model, encode(VFMA, f32, 3, 1, 2));  // v3 = v1 * v2 + v3
  for (unsigned i = 0; i < 16; ++i) {
    const float a = 1.5f * float(i) - 4, b = 0.25f * float(i * i) + 1;
    CHECK(lane<float>(model.read_register(4), i) == a + b);
    CHECK(lane<float>(model.read_register(5), i) == a - b);
    CHECK(lane<float>(model.read_register(6), i) == a * b);
    CHECK(lane<float>(model.read_register(3), i) == std::fmaf(a, b, float(i) * 1e-3f));
  }
  CHECK(csr(model, csr_vflags) == 0);
}

TEST_CASE("Integer vadd, vsub, vmul wrap and set no flags", "[integer]") {
  VectorModel model;
  model.write_register(1, make<uint32_t>([](unsigned i) { return 0x7FFFFFF0u + i; }));
  model.write_register(2, make<uint32_t>([](unsigned i) { return i * 0x10001u; }));
  run(model, encode(VADD, i32, 3, 1, 2));
  run(model, encode(VSUB, i32, 4, 2, 1));
  run(model, encode(VMUL, i32, 5, 1, 2));
  for (unsigned i = 0; i < 16; ++i) {
    const uint32_t a = 0x7FFFFFF0u + i, b = i * 0x10001u;
    CHECK(lane<uint32_t>(model.read_register(3), i) == a + b);
    CHECK(lane<uint32_t>(model.read_register(4), i) == b - a);
    CHECK(lane<uint32_t>(model.read_register(5), i) == a * b);
  }
  model.write_register(6, make<int8_t>([](unsigned i) { return int(i) * 5 - 100; }));
  model.write_register(7, make<int8_t>([](unsigned i) { return 127 - int(i); }));
  run(model, encode(VADD, i8, 8, 6, 7));
  run(model, encode(VSUB, i8, 9, 6, 7));
  run(model, encode(VMUL, i8, 10, 6, 7));
  for (unsigned i = 0; i < 64; ++i) {
    const int a = int8_t(int(i) * 5 - 100), b = 127 - int(i);
    CHECK(lane<uint8_t>(model.read_register(8), i) == uint8_t(a + b));
    CHECK(lane<uint8_t>(model.read_register(9), i) == uint8_t(a - b));
    CHECK(lane<uint8_t>(model.read_register(10), i) == uint8_t(a * b));
  }
  CHECK(lane<int8_t>(model.read_register(8), 63) == int8_t(uint8_t(215 + 64)));  // 215-100+64 wraps
  CHECK(csr(model, csr_vflags) == 0);
}

TEST_CASE("bf16 arithmetic: RNE and stochastic per lane, vseed steps once per rounding instruction", "[bf16][stochastic]") {
  VectorModel model;
  // 1 + k * 2^-10 + 1: the bf16 sum rounds (2 has ulp 2^-6).
  model.write_register(1, make<uint16_t>([](unsigned i) { return 0x3F80 + (i % 8); }));
  model.write_register(2, make<uint16_t>([](unsigned) { return 0x3F80; }));
  run(model, encode(VADD, bf16, 3, 1, 2));
  Flags flags = 0;
  for (unsigned i = 0; i < 32; ++i) {
    const uint16_t expected = bf16_add(0x3F80 + (i % 8), 0x3F80, Rounding::nearest_even, 0, flags);
    CHECK(lane<uint16_t>(model.read_register(3), i) == expected);
  }
  CHECK(csr(model, csr_vseed) == 0);
  const uint64_t seed = 0x0000000500000123ull;
  model.write_csr(csr_vseed, seed);
  model.write_csr(csr_vcfg, 0x0F07 | stochastic);
  model.write_register(4, make<uint16_t>([](unsigned i) { return 0x3F80 + 2 * i; }));
  run(model, encode(VFMA, bf16, 4, 1, 2));  // v4 = v1 * v2 + v4
  run(model, encode(VSUB, bf16, 5, 1, 2));
  run(model, encode(VMUL, bf16, 6, 1, 1));
  int rounded_up = 0, rounded_down = 0;
  for (unsigned i = 0; i < 32; ++i) {
    const uint16_t a = 0x3F80 + (i % 8);
    const uint16_t fused = bf16_fma(a, 0x3F80, 0x3F80 + 2 * i, Rounding::stochastic, lane_random(seed, i), flags);
    CHECK(lane<uint16_t>(model.read_register(4), i) == fused);
    CHECK(lane<uint16_t>(model.read_register(5), i) ==
          bf16_sub(a, 0x3F80, Rounding::stochastic, lane_random(seed + 1, i), flags));
    CHECK(lane<uint16_t>(model.read_register(6), i) ==
          bf16_mul(a, a, Rounding::stochastic, lane_random(seed + 2, i), flags));
    const uint16_t nearest = bf16_fma(a, 0x3F80, 0x3F80 + 2 * i, Rounding::nearest_even, 0, flags);
    if (fused > nearest) ++rounded_up;
    if (fused < nearest) ++rounded_down;
  }
  CHECK(rounded_up + rounded_down > 0);  // stochastic rounding did differ from RNE somewhere
  CHECK(csr(model, csr_vseed) == seed + 3);
  // Selections, f32 arithmetic and widening conversions round nothing: vseed stays.
  run(model, encode(VMIN, bf16, 7, 1, 2));
  run(model, encode(VMAX, bf16, 7, 1, 2));
  run(model, encode(VADD, f32, 7, 1, 2));
  run(model, encode(VRELU, bf16, 7, 1, 0));
  run(model, cvt(f32, bf16, 0, 7, 1));
  run(model, encode(VHSUM, bf16, 7, 1, 0));
  run(model, encode(VMMA, e4m3, 8, 1, 2));
  run(model, encode(VMMA, bf16, 8, 1, 2));
  CHECK(csr(model, csr_vseed) == seed + 3);
  // The seed's high half does not enter r.
  CHECK(lane_random(seed, 5) == lane_random(0x123, 5));
}

TEST_CASE("vmin and vmax: minimumNumber/maximumNumber per lane", "[minmax]") {
  VectorModel model;
  const std::vector<uint32_t> a = {0x80000000, 0x00000000, 0x7FC00000, 0xFF800000, 0x3F800000, 0x7F800001,
                                   0xC0000000, 0x00000001, 0x40400000, 0xFFC00000, 0x7F7FFFFF, 0x80800000,
                                   0x3F800000, 0x00000000, 0x7FC00000, 0x12345678};
  const std::vector<uint32_t> b = {0x00000000, 0x80000000, 0xBF800000, 0x7F7FFFFF, 0x7FC00000, 0x40000000,
                                   0xBF800000, 0x80000001, 0x40400000, 0xFFC12345, 0x7F800000, 0x00800000,
                                   0x3F800001, 0x00000000, 0x40000000, 0x92345678};
  model.write_register(1, pack(a));
  model.write_register(2, pack(b));
  run(model, encode(VMIN, f32, 3, 1, 2));
  run(model, encode(VMAX, f32, 4, 1, 2));
  const std::vector<uint32_t> low = {0x80000000, 0x80000000, 0xBF800000, 0xFF800000, 0x3F800000, 0x40000000,
                                     0xC0000000, 0x80000001, 0x40400000, f32_canonical_nan, 0x7F7FFFFF, 0x80800000,
                                     0x3F800000, 0x00000000, 0x40000000, 0x92345678};
  const std::vector<uint32_t> high = {0x00000000, 0x00000000, 0xBF800000, 0x7F7FFFFF, 0x3F800000, 0x40000000,
                                      0xBF800000, 0x00000001, 0x40400000, f32_canonical_nan, 0x7F800000, 0x00800000,
                                      0x3F800001, 0x00000000, 0x40000000, 0x12345678};
  CHECK(model.read_register(3) == pack(low));
  CHECK(model.read_register(4) == pack(high));
  CHECK(csr(model, csr_vflags) == (flag_invalid | flag_denormal));  // lane 5 sNaN, lane 7 subnormals
  // bf16: the same selection on the upper halves.
  model.write_csr(csr_vflags, 0);
  model.write_register(5, make<uint16_t>([&](unsigned i) { return i < 16 ? a[i] >> 16 : 0x3F80; }));
  model.write_register(6, make<uint16_t>([&](unsigned i) { return i < 16 ? b[i] >> 16 : 0xBF80; }));
  run(model, encode(VMIN, bf16, 7, 5, 6));
  for (unsigned i = 0; i < 16; ++i) {
    Flags flags = 0;
    CHECK(lane<uint16_t>(model.read_register(7), i) == bf16_min(uint16_t(a[i] >> 16), uint16_t(b[i] >> 16), flags));
  }
  CHECK(lane<uint16_t>(model.read_register(7), 2) == 0xBF80);
  CHECK(lane<uint16_t>(model.read_register(7), 31) == 0xBF80);
}

TEST_CASE("vrelu for every type: -0 and negatives to +0, NaNs canonical, Invalid only for sNaN", "[relu]") {
  VectorModel model;
  const std::vector<uint32_t> in = {0xBF800000, 0x80000000, 0x40000000, 0xFFC00001, 0x7F800001, 0x00000001,
                                    0xFF800000, 0x7F800000, 0x00000000, 0x80000001, 0x7FC00000, 0x3F800000,
                                    0xC2000000, 0x12345678, 0x92345678, 0x7F7FFFFF};
  const std::vector<uint32_t> out = {0, 0, 0x40000000, f32_canonical_nan, f32_canonical_nan, 0x00000001,
                                     0, 0x7F800000, 0, 0, f32_canonical_nan, 0x3F800000,
                                     0, 0x12345678, 0, 0x7F7FFFFF};
  model.write_register(1, pack(in));
  run(model, encode(VRELU, f32, 2, 1, 0));
  CHECK(model.read_register(2) == pack(out));
  CHECK(csr(model, csr_vflags) == flag_invalid);  // no Denormal for the subnormal lanes
  model.write_csr(csr_vflags, 0);
  model.write_register(3, make<uint16_t>([](unsigned i) {
    const uint16_t values[] = {0x8000, 0xBF80, 0x3F80, 0xFFC1, 0x0001, 0x7F80};
    return values[i % 6];
  }));
  run(model, encode(VRELU, bf16, 4, 3, 0));
  for (unsigned i = 0; i < 32; ++i) {
    const uint16_t expected[] = {0, 0, 0x3F80, bf16_canonical_nan, 0x0001, 0x7F80};
    CHECK(lane<uint16_t>(model.read_register(4), i) == expected[i % 6]);
  }
  CHECK(csr(model, csr_vflags) == 0);  // a quiet NaN sets nothing
  run(model, encode(VRELU, i32, 5, 1, 0));
  run(model, encode(VRELU, i8, 6, 1, 0));
  for (unsigned i = 0; i < 16; ++i) CHECK(lane<uint32_t>(model.read_register(5), i) == (int32_t(in[i]) < 0 ? 0 : in[i]));
  for (unsigned i = 0; i < 64; ++i) {
    const int8_t byte = lane<int8_t>(model.read_register(1), i);
    CHECK(lane<int8_t>(model.read_register(6), i) == (byte < 0 ? 0 : byte));
  }
}

TEST_CASE("vdot.i8 accumulates four signed products per i32 lane, wrapping", "[vdot]") {
  VectorModel model;
  model.write_register(1, make<int8_t>([](unsigned i) { return i % 5 == 0 ? -128 : int(i) - 30; }));
  model.write_register(2, make<int8_t>([](unsigned i) { return i % 7 == 0 ? -128 : 100 - int(i) * 3; }));
  model.write_register(3, make<uint32_t>([](unsigned i) { return i == 0 ? 0x7FFFFFFFu : i * 1000u; }));
  run(model, encode(VDOT, i8, 3, 1, 2));
  const Register a = model.read_register(1), b = model.read_register(2);
  for (unsigned i = 0; i < 16; ++i) {
    int64_t sum = i == 0 ? 0x7FFFFFFF : int64_t(i) * 1000;
    for (unsigned k = 0; k < 4; ++k) sum += int(lane<int8_t>(a, 4 * i + k)) * int(lane<int8_t>(b, 4 * i + k));
    CHECK(lane<uint32_t>(model.read_register(3), i) == uint32_t(uint64_t(sum)));
  }
  CHECK(lane<int32_t>(model.read_register(3), 0) < 0);  // 0x7FFFFFFF + 16384 + ... wrapped
  // In place: vd may also be a source.
  model.write_register(4, make<uint32_t>([](unsigned) { return 0x01010101u; }));
  run(model, encode(VDOT, i8, 4, 4, 4));
  CHECK(lane<uint32_t>(model.read_register(4), 9) == 0x01010101u + 4);
  CHECK(csr(model, csr_vflags) == 0);
}

TEST_CASE("vcvt: narrowing parts merge, widening parts select, same width converts all lanes", "[vcvt]") {
  VectorModel model;
  const Cfp8Formats formats{e4m3_format(7), e5m2_format(15)};
  model.write_register(1, make<float>([](unsigned i) { return 1 + float(i) / 64; }));
  SECTION("f32 -> bf16, parts 0 and 1, the other half untouched; in place") {
    model.write_register(2, make<uint16_t>([](unsigned i) { return 0xAA00 + i; }));
    run(model, cvt(bf16, f32, 1, 2, 1));
    for (unsigned i = 0; i < 32; ++i) {
      Flags flags = 0;
      const uint16_t expected = i < 16 ? 0xAA00 + i : f32_narrow_to_bf16(bits_of(1 + float(i - 16) / 64), Rounding::nearest_even, 0, flags);
      CHECK(lane<uint16_t>(model.read_register(2), i) == expected);
    }
    run(model, cvt(bf16, f32, 0, 1, 1));  // vd = vs1: lanes 0..15 from the original f32 lanes
    for (unsigned i = 0; i < 16; ++i) {
      Flags flags = 0;
      CHECK(lane<uint16_t>(model.read_register(1), i) ==
            f32_narrow_to_bf16(bits_of(1 + float(i) / 64), Rounding::nearest_even, 0, flags));
      CHECK(lane<float>(model.read_register(1), 8 + i / 2) == 1 + float(8 + i / 2) / 64);  // upper half kept
    }
  }
  SECTION("f32 -> e4m3 in four parts; e4m3 -> f32 part 3; e4m3 -> e5m2") {
    for (unsigned part = 0; part < 4; ++part) {
      model.write_register(1, make<float>([part](unsigned i) { return float(part * 16 + i) / 4 - 8; }));
      run(model, cvt(e4m3, f32, part, 2, 1));
    }
    for (unsigned i = 0; i < 64; ++i) {
      Flags flags = 0;
      CHECK(lane<uint8_t>(model.read_register(2), i) ==
            f32_narrow_to_cfp8(bits_of(float(i) / 4 - 8), formats.e4m3, Rounding::nearest_even, 0, flags));
    }
    run(model, cvt(f32, e4m3, 3, 3, 2));
    for (unsigned i = 0; i < 16; ++i)
      CHECK(lane<uint32_t>(model.read_register(3), i) == cfp8_decode(lane<uint8_t>(model.read_register(2), 48 + i), formats.e4m3));
    CHECK(lane<float>(model.read_register(3), 15) == 8.0f);  // 7.75: the tie between 7.5 and 8 goes to even
    run(model, cvt(e5m2, e4m3, 0, 4, 2));
    for (unsigned i = 0; i < 64; ++i) {
      Flags flags = 0;
      CHECK(lane<uint8_t>(model.read_register(4), i) ==
            convert(ElementType::e4m3, ElementType::e5m2, lane<uint8_t>(model.read_register(2), i), formats,
                    Rounding::nearest_even, 0, flags));
    }
  }
  SECTION("bf16 -> f32 part 1 and e5m2 -> bf16 part 1 widen the upper slice") {
    model.write_register(5, make<uint16_t>([](unsigned i) { return 0x3F80 + i; }));
    run(model, cvt(f32, bf16, 1, 6, 5));
    for (unsigned i = 0; i < 16; ++i) CHECK(lane<uint32_t>(model.read_register(6), i) == uint32_t(0x3F80 + 16 + i) << 16);
    model.write_register(7, make<uint8_t>([](unsigned i) { return i; }));
    run(model, cvt(bf16, e5m2, 1, 8, 7));
    for (unsigned i = 0; i < 32; ++i)
      CHECK(uint32_t(lane<uint16_t>(model.read_register(8), i)) << 16 == cfp8_decode(uint8_t(32 + i), formats.e5m2));
  }
  SECTION("stochastic narrowing draws r for the destination lane index; the bias comes from vcfg") {
    const uint64_t seed = 77;
    model.write_csr(csr_vseed, seed);
    model.write_csr(csr_vcfg, 3 | (20 << 8) | stochastic);
    model.write_register(1, make<float>([](unsigned i) { return 1 + float(i) / 100; }));
    run(model, cvt(e5m2, f32, 2, 9, 1));
    for (unsigned i = 0; i < 16; ++i) {
      Flags flags = 0;
      CHECK(lane<uint8_t>(model.read_register(9), 32 + i) ==
            f32_narrow_to_cfp8(bits_of(1 + float(i) / 100), e5m2_format(20), Rounding::stochastic,
                               lane_random(seed, 32 + i), flags));
      CHECK(lane<uint8_t>(model.read_register(9), i) == 0);
    }
    CHECK(csr(model, csr_vseed) == seed + 1);
    run(model, cvt(f32, e4m3, 0, 10, 9));  // widening to f32 is exact: no draw
    CHECK(csr(model, csr_vseed) == seed + 1);
    run(model, cvt(bf16, e4m3, 0, 10, 9));  // a bf16 result is a narrowing rounding
    CHECK(csr(model, csr_vseed) == seed + 2);
  }
}

TEST_CASE("vcvt flags: saturation, Invalid, Denormal, Underflow from all lanes", "[vcvt][flags]") {
  VectorModel model;
  model.write_register(1, make<uint32_t>([](unsigned i) { return i == 3 ? 0x7F800000u : i == 9 ? 0x45000000u : 0x3F800000u; }));
  run(model, cvt(e4m3, f32, 0, 2, 1));
  CHECK(lane<uint8_t>(model.read_register(2), 3) == 0x7F);   // +inf -> +max
  CHECK(lane<uint8_t>(model.read_register(2), 9) == 0x7F);   // 2048 -> 480
  CHECK(csr(model, csr_vflags) == (flag_invalid | flag_overflow));
  model.write_csr(csr_vflags, 0);
  model.write_register(1, make<uint32_t>([](unsigned i) { return i == 15 ? 0x00000005u : 0u; }));
  run(model, cvt(bf16, f32, 0, 2, 1));
  CHECK(csr(model, csr_vflags) == (flag_denormal | flag_underflow));
}

TEST_CASE("vhsum: the pairwise tree in its fixed order, sign-extended, integers exact", "[vhsum]") {
  VectorModel model;
  // 2^24 followed by ones: a sequential sum stays 2^24 (each +1 ties to even), the tree does not.
  std::vector<float> values(16, 1.0f);
  values[0] = 0x1p24f;
  model.write_register(1, pack(values));
  Outcome outcome = run(model, encode(VHSUM, f32, 0, 1, 0));
  CHECK(outcome.writes_scalar);
  float sequential = 0;
  for (float v : values) sequential += v;
  std::vector<float> level = values;
  while (level.size() > 1) {
    std::vector<float> next;
    for (size_t i = 0; i < level.size(); i += 2) next.push_back(level[i] + level[i + 1]);
    level = next;
  }
  CHECK(level[0] == 0x1p24f + 14);
  CHECK(sequential == 0x1p24f);
  CHECK(outcome.scalar == bits_of(level[0]));
  // Negative results are sign-extended.
  model.write_register(1, make<float>([](unsigned i) { return -float(i); }));
  outcome = run(model, encode(VHSUM, f32, 5, 1, 0));
  CHECK(outcome.scalar == (0xFFFFFFFF00000000ull | bits_of(-120.0f)));
  // bf16: 32 lanes widened, 5 levels; overflow of a partial sum sets Overflow.
  model.write_register(2, make<uint16_t>([](unsigned i) { return i < 2 ? 0x7F7F : 0x3F80; }));
  outcome = run(model, encode(VHSUM, bf16, 5, 2, 0));
  CHECK(outcome.scalar == 0x7F800000);
  CHECK(csr(model, csr_vflags) == flag_overflow);
  model.write_register(2, make<uint16_t>([](unsigned i) { return 0x3F80 + (i == 31 ? 0x0080 : 0); }));  // 31 ones and a 2
  outcome = run(model, encode(VHSUM, bf16, 5, 2, 0));
  CHECK(outcome.scalar == bits_of(32.0f + 1.0f));
  // Integers: the exact 64-bit sum of the sign-extended lanes.
  model.write_register(3, make<uint32_t>([](unsigned) { return 0x7FFFFFFFu; }));
  CHECK(run(model, encode(VHSUM, i32, 5, 3, 0)).scalar == 16ull * 0x7FFFFFFF);
  model.write_register(3, make<int8_t>([](unsigned i) { return i == 0 ? 5 : -128; }));
  CHECK(run(model, encode(VHSUM, i8, 5, 3, 0)).scalar == uint64_t(int64_t(5 - 63 * 128)));
}

namespace {

// The reference: C[i][j] = fma(A[i][k], B[k][j], C[i][j]) for k = 0..3, in FP32 on the host.
void check_vmma(VectorModel& model, unsigned type, unsigned vd, unsigned vs1, unsigned vs2, const Cfp8Formats& formats) {
  const Register a_reg = model.read_register(vs1), b_reg = model.read_register(vs2);
  auto element = [&](const Register& reg, unsigned index) {
    Flags ignored = 0;
    if (type == bf16) return float_of(uint32_t(lane<uint16_t>(reg, index)) << 16);
    return float_of(widen_to_f32(type == e4m3 ? ElementType::e4m3 : ElementType::e5m2, lane<uint8_t>(reg, index),
                                 formats, ignored));
  };
  float c[8][8];
  for (unsigned i = 0; i < 8; ++i)
    for (unsigned j = 0; j < 8; ++j) c[i][j] = lane<float>(model.read_register(vd + (8 * i + j) / 16), (8 * i + j) % 16);
  for (unsigned i = 0; i < 8; ++i)
    for (unsigned j = 0; j < 8; ++j)
      for (unsigned k = 0; k < 4; ++k) c[i][j] = std::fmaf(element(a_reg, 4 * i + k), element(b_reg, 8 * k + j), c[i][j]);
  run(model, encode(VMMA, type, vd, vs1, vs2));
  for (unsigned i = 0; i < 8; ++i)
    for (unsigned j = 0; j < 8; ++j) {
      INFO("C[" << i << "][" << j << "]");
      CHECK(lane<uint32_t>(model.read_register(vd + (8 * i + j) / 16), (8 * i + j) % 16) == bits_of(c[i][j]));
    }
}

}  // namespace

TEST_CASE("vmma: 8x8x4 in k order against a reference loop, for bf16, e4m3 and e5m2", "[vmma]") {
  VectorModel model;
  const Cfp8Formats formats{e4m3_format(7), e5m2_format(15)};
  uint32_t state = 1;
  auto next = [&state] { return state = state * 1664525u + 1013904223u; };
  for (unsigned type : {bf16, e4m3, e5m2}) {
    for (unsigned trial = 0; trial < 5; ++trial) {
      model.write_register(1, make<uint16_t>([&](unsigned) { return uint16_t(0x3C00 + next() % 0x0800) ^ (next() & 0x8000); }));
      model.write_register(2, make<uint16_t>([&](unsigned) { return uint16_t(0x3E00 + next() % 0x0400) ^ (next() & 0x8000); }));
      for (unsigned r = 4; r < 8; ++r) model.write_register(r, make<float>([&](unsigned) { return float(int(next() % 2001) - 1000) / 37; }));
      check_vmma(model, type, 4, 1, 2, formats);
    }
  }
  CHECK(csr(model, csr_vflags) == 0);
}

TEST_CASE("vmma: accumulation order, register group layout, overlap, unused CFP8 lanes", "[vmma]") {
  VectorModel model;
  // Row 0 of A = [2^24, 1, -2^24, 1], column j of B all ones: in k order the result is 1
  // (2^24 + 1 ties back to 2^24); any other order gives 0 or 2.
  model.write_register(1, make<uint16_t>([](unsigned i) {
    const uint16_t row0[] = {0x4B80, 0x3F80, 0xCB80, 0x3F80};
    return i < 4 ? row0[i] : 0;
  }));
  model.write_register(2, make<uint16_t>([](unsigned) { return 0x3F80; }));
  run(model, encode(VMMA, bf16, 8, 1, 2));
  for (unsigned j = 0; j < 8; ++j) CHECK(lane<float>(model.read_register(8), j) == 1.0f);
  CHECK(lane<float>(model.read_register(8), 8) == 0.0f);  // C[1][0]: row 1 of A is zero
  // C[i][j] lives in register vd + (8i+j)/16, lane (8i+j) mod 16: A = identity-like rows.
  model.write_register(1, make<uint16_t>([](unsigned i) { return i % 4 == 0 ? uint16_t(bits_of(float(i / 4 + 1)) >> 16) : 0; }));
  model.write_register(2, make<uint16_t>([](unsigned i) { return i < 8 ? uint16_t(bits_of(float(10 * i)) >> 16) : 0; }));
  for (unsigned r = 12; r < 16; ++r) model.write_register(r, Register{});
  run(model, encode(VMMA, bf16, 12, 1, 2));
  for (unsigned i = 0; i < 8; ++i)
    for (unsigned j = 0; j < 8; ++j) CHECK(lane<float>(model.read_register(12 + (8 * i + j) / 16), (8 * i + j) % 16) == float((i + 1) * 10 * j));
  CHECK(csr(model, csr_vflags) == 0);
  // The group may hold the sources: A and B are read before C is written.
  const Cfp8Formats formats{e4m3_format(7), e5m2_format(15)};
  for (unsigned r = 16; r < 20; ++r) model.write_register(r, make<uint8_t>([r](unsigned i) { return (i * 7 + r) & 0x5F; }));
  check_vmma(model, e4m3, 16, 17, 19, formats);
  // CFP8 lanes 32..63 do not matter.
  model.write_register(20, make<uint8_t>([](unsigned i) { return i < 32 ? 0x30 + i % 8 : 0x7F; }));
  model.write_register(21, make<uint8_t>([](unsigned i) { return i < 32 ? 0x38 : 0xFF; }));
  for (unsigned r = 24; r < 28; ++r) model.write_register(r, Register{});
  run(model, encode(VMMA, e5m2, 24, 20, 21));
  const Register first = model.read_register(24);
  model.write_register(20, make<uint8_t>([](unsigned i) { return i < 32 ? 0x30 + i % 8 : 0; }));
  model.write_register(21, make<uint8_t>([](unsigned i) { return i < 32 ? 0x38 : 0; }));
  for (unsigned r = 24; r < 28; ++r) model.write_register(r, Register{});
  run(model, encode(VMMA, e5m2, 24, 20, 21));
  CHECK(model.read_register(24) == first);
}

TEST_CASE("vmma flags: Denormal for subnormal CFP8 inputs, Overflow, Invalid", "[vmma][flags]") {
  VectorModel model;
  model.write_register(1, make<uint8_t>([](unsigned i) { return i == 5 ? 0x03 : 0x38; }));  // e4m3 subnormal
  model.write_register(2, make<uint8_t>([](unsigned) { return 0x38; }));
  run(model, encode(VMMA, e4m3, 4, 1, 2));
  CHECK(csr(model, csr_vflags) == flag_denormal);
  model.write_csr(csr_vflags, 0);
  model.write_register(8, make<uint32_t>([](unsigned i) { return i == 0 ? 0x7F7FFFFFu : 0u; }));
  model.write_register(1, make<uint16_t>([](unsigned) { return 0x7F00; }));  // 2^127
  model.write_register(2, make<uint16_t>([](unsigned) { return 0x3F80; }));
  run(model, encode(VMMA, bf16, 8, 1, 2));
  CHECK(lane<uint32_t>(model.read_register(8), 0) == 0x7F800000);
  CHECK(csr(model, csr_vflags) == flag_overflow);
  model.write_register(1, make<uint16_t>([](unsigned i) { return i == 0 ? 0x7F80 : 0; }));  // inf * 0
  model.write_register(2, make<uint16_t>([](unsigned) { return 0; }));
  run(model, encode(VMMA, bf16, 8, 1, 2));
  CHECK(lane<uint32_t>(model.read_register(8), 0) == f32_canonical_nan);
  CHECK(csr(model, csr_vflags) == (flag_overflow | flag_invalid));  // sticky: both
}

TEST_CASE("Flags accumulate over lanes and instructions until software clears them", "[flags]") {
  VectorModel model;
  model.write_register(1, make<uint32_t>([](unsigned i) { return i == 7 ? 0x7F800000u : 0x3F800000u; }));
  model.write_register(2, make<uint32_t>([](unsigned i) { return i == 7 ? 0xFF800000u : i == 12 ? 0x00000003u : 0u; }));
  run(model, encode(VADD, f32, 3, 1, 2));
  CHECK(csr(model, csr_vflags) == (flag_invalid | flag_denormal));
  model.write_register(4, make<uint32_t>([](unsigned i) { return i == 15 ? 0x7F000000u : 0x3F800000u; }));
  run(model, encode(VMUL, f32, 5, 4, 4));
  CHECK(csr(model, csr_vflags) == (flag_invalid | flag_denormal | flag_overflow));
  model.write_register(6, make<uint32_t>([](unsigned i) { return i == 0 ? 0x00800000u : 0x3F800000u; }));
  model.write_register(7, make<uint32_t>([](unsigned) { return 0x3F000001u; }));  // min normal * (0.5+) underflows
  run(model, encode(VMUL, f32, 8, 6, 7));
  CHECK(csr(model, csr_vflags) == 0xF);
  model.write_csr(csr_vflags, 0);
  run(model, encode(VADD, i32, 3, 1, 2));
  run(model, encode(VBCAST, f32, 3, 1, 0), 0x7F800001);
  CHECK(csr(model, csr_vflags) == 0);
}

namespace {

// The spec's table, written out independently of the decoder: may funct7 take funct3?
bool type_allowed(unsigned funct7, unsigned funct3) {
  switch (funct7) {
    case VLD: case VST: return funct3 == f32;
    case VBCAST: return funct3 <= e5m2;
    case VADD: case VSUB: case VMUL: case VRELU: case VHSUM: return funct3 <= i8;
    case VFMA: case VMIN: case VMAX: return funct3 == f32 || funct3 == bf16;
    case VDOT: return funct3 == i8;
    case VCVT: return funct3 == f32 || funct3 == bf16 || funct3 == e4m3 || funct3 == e5m2;
    case VMMA: return funct3 == bf16 || funct3 == e4m3 || funct3 == e5m2;
    default: return false;
  }
}

unsigned width(unsigned type) { return type == f32 || type == i32 ? 32 : type == bf16 ? 16 : 8; }

}  // namespace

TEST_CASE("Illegal encodings: every rule", "[illegal]") {
  VectorModel model;
  model.write_register(2, make<uint8_t>([](unsigned i) { return i; }));
  const Register before = model.read_register(1);
  auto illegal = [&](uint32_t instruction) {
    const Outcome outcome = model.execute(instruction, 0, 0x2000);
    return outcome.status == Outcome::Status::illegal;
  };
  SECTION("opcode, funct7 and type table, reserved types") {
    CHECK(illegal((encode(VADD, f32, 1, 2, 3) & ~0x7Fu) | 0x2B));  // custom-1
    for (unsigned funct7 = 0x0E; funct7 < 0x80; ++funct7) CHECK(illegal(encode(funct7, f32, 4, 2, 3)));
    for (unsigned funct7 = 0x02; funct7 <= 0x0D; ++funct7)
      for (unsigned funct3 = 0; funct3 < 8; ++funct3) {
        // Operands that satisfy every other rule: rs2 = 0, vd a multiple of 4, a legal vcvt source.
        const unsigned rs2 = funct7 == VCVT ? (funct3 == f32 ? bf16 : f32) << 2 : 0;
        INFO("funct7 " << funct7 << " funct3 " << funct3);
        CHECK(illegal(encode(funct7, funct3, 4, 2, rs2)) == !type_allowed(funct7, funct3));
        CHECK(decode(encode(funct7, funct3, 4, 2, rs2)).has_value() == type_allowed(funct7, funct3));
      }
  }
  SECTION("must-be-zero fields") {
    CHECK(illegal(encode(VBCAST, i8, 1, 2, 1)));
    CHECK(illegal(encode(VRELU, f32, 1, 2, 16)));
    CHECK(illegal(encode(VHSUM, i32, 1, 2, 3)));
    CHECK(!decode(encode(VLD, f32, 1, 2, 4)));
    CHECK(!decode(encode(VST, f32, 1, 2, 4)));
    CHECK(decode(encode(VST, f32, 0, 2, 4)).has_value());
  }
  SECTION("vmma register group") {
    for (unsigned vd = 0; vd < 32; ++vd) CHECK(illegal(encode(VMMA, bf16, vd, 1, 2)) == (vd % 4 != 0));
  }
  SECTION("vcvt: source type, S equal to T, part range") {
    for (unsigned t = 0; t < 8; ++t)
      for (unsigned s = 0; s < 8; ++s)
        for (unsigned part = 0; part < 4; ++part) {
          const bool floats = type_allowed(VCVT, t) && type_allowed(VCVT, s);
          const unsigned parts = floats ? std::max(width(s), width(t)) / std::min(width(s), width(t)) : 0;
          const bool legal = floats && s != t && part < parts;
          INFO("T " << t << " S " << s << " part " << part);
          CHECK(illegal(cvt(t, s, part, 4, 2)) == !legal);
        }
  }
  CHECK(model.read_register(1) == before);
}

TEST_CASE("An illegal instruction changes no state", "[illegal]") {
  VectorModel model;
  model.write_csr(csr_vcfg, 0x0F07 | stochastic);
  model.write_register(1, make<uint32_t>([](unsigned) { return 0x7F800001u; }));  // sNaN lanes
  const Outcome outcome = model.execute(encode(VFMA, i32, 1, 1, 1), 0, 0x2000);
  CHECK(outcome.status == Outcome::Status::illegal);
  CHECK(outcome.message.find("0x2000") != std::string::npos);
  CHECK(model.execute(cvt(bf16, bf16, 0, 1, 1), 0, 0).status == Outcome::Status::illegal);
  CHECK(model.read_register(1) == make<uint32_t>([](unsigned) { return 0x7F800001u; }));
  CHECK(csr(model, csr_vflags) == 0);
  CHECK(csr(model, csr_vseed) == 0);
}
