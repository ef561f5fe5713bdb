// The vector ISA's functional coverage (models/vector/vector_coverage.h): the bins an instruction
// falls in, named so a report's holes read as what was never tried.
#include <catch2/catch.hpp>

#include <cstring>
#include <set>
#include <string>

#include "vector/vector_coverage.h"
#include "vector/vector_model.h"

using namespace dojo::vector;

namespace {

constexpr uint32_t insn(uint32_t funct7, uint32_t type, uint32_t rd, uint32_t rs1, uint32_t rs2) {
  return funct7 << 25 | rs2 << 20 | rs1 << 15 | type << 12 | rd << 7 | custom0_opcode;
}

uint64_t count(const VectorCoverage& coverage, const std::string& name) {
  for (const VectorCoverage::Bin& bin : coverage.bins())
    if (bin.name == name) return bin.count;
  FAIL("no bin '" << name << "'");
  return 0;
}

Register f32_lanes(std::initializer_list<uint32_t> values) {
  Register r{};
  unsigned lane = 0;
  for (const uint32_t v : values) std::memcpy(&r[4 * lane++], &v, 4);
  return r;
}

}  // namespace

TEST_CASE("bins are unique and name every legal instruction form", "[coverage]") {
  const VectorCoverage coverage;
  std::set<std::string> names;
  for (const VectorCoverage::Bin& bin : coverage.bins()) CHECK(names.insert(bin.name).second);
  CHECK(names.count("vmma.e4m3 CFP8 bias 63") == 1);
  CHECK(names.count("vcvt.e5m2.bf16 tie, stochastic") == 1);
  CHECK(names.count("vhsum.i8 operand most negative") == 1);
  CHECK(names.count("vadd.i32 stochastic rounding") == 0);  // nothing to round
  CHECK(names.count("vld.f32 operand zero") == 0);          // its data comes from memory
  CHECK(names.count("vmma.f32") == 0);                      // not an instruction
}

TEST_CASE("an instruction counts its form, its operands' classes, rounding and flags", "[coverage]") {
  VectorCoverage coverage;
  const Register a = f32_lanes({0x00000000, 0x7FC00000, 0x00000001, 0x7F7FFFFF});
  const Register b = f32_lanes({0x3F800000, 0xFF800000});
  const auto read = [&](unsigned index) { return index == 1 ? a : index == 2 ? b : Register{}; };
  coverage.sample(insn(0x03, 0, 3, 1, 2), 0x0F07, 0, read, 1);  // vadd.f32 v3, v1, v2
  CHECK(count(coverage, "vadd.f32") == 1);
  for (const char* kind : {"zero", "NaN", "subnormal", "largest finite", "normal", "infinity"})
    CHECK(count(coverage, std::string("vadd.f32 operand ") + kind) == 1);
  CHECK(count(coverage, "flag invalid raised") == 1);
  CHECK(count(coverage, "flag overflow raised") == 0);

  // vcvt.bf16.f32 of a tie (the 16 dropped bits are exactly half), stochastic, vseed wrapping.
  const Register tie = f32_lanes({0x3F808000});
  const auto read_tie = [&](unsigned) { return tie; };
  const uint64_t stochastic = 1u << 16 | 0x0F07;
  coverage.sample(insn(0x0B, 1, 4, 1, 0 << 2), stochastic, UINT64_MAX, read_tie, 0);
  CHECK(count(coverage, "vcvt.bf16.f32") == 1);
  CHECK(count(coverage, "vcvt.bf16.f32 tie, stochastic") == 1);
  CHECK(count(coverage, "vcvt.bf16.f32 tie, nearest even") == 0);
  CHECK(count(coverage, "vcvt.bf16.f32 stochastic rounding") == 1);
  CHECK(count(coverage, "vseed wraps in stochastic rounding") == 1);

  // CFP8 biases at their extremes; an illegal encoding counts nothing.
  coverage.sample(insn(0x0D, 4, 8, 1, 2), 63 | 15 << 8, 0, read, 0);  // vmma.e4m3, bias 63
  CHECK(count(coverage, "vmma.e4m3 CFP8 bias 63") == 1);
  CHECK(count(coverage, "vmma.e4m3 CFP8 bias 0") == 0);
  uint64_t before = 0;
  for (const VectorCoverage::Bin& bin : coverage.bins()) before += bin.count;
  coverage.sample(0xFFFFFFFF, 0, 0, read, 0);
  uint64_t after = 0;
  for (const VectorCoverage::Bin& bin : coverage.bins()) after += bin.count;
  CHECK(after == before);
}
