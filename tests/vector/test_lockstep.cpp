// LockstepEngine: the reference model and the RTL agree on a directed program; a deliberately
// wrong engine (a model that flips one bit of a result) is caught with a report naming the pc,
// the instruction and both results, and the RTL waveform is closed at the mismatch.
#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "engine_timing.h"
#include "vector/lockstep_engine.h"
#include "vector/rtl_engine.h"
#include "vector/vector_model.h"

using namespace dojo::vector;

namespace {

constexpr uint32_t insn(uint32_t funct7, uint32_t type, uint32_t rd, uint32_t rs1, uint32_t rs2) {
  return funct7 << 25 | rs2 << 20 | rs1 << 15 | type << 12 | rd << 7 | custom0_opcode;
}

// The reference model, except that the destination of the last vadd reads with bit 0 of lane 3
// flipped.
class BitFlippingModel : public VectorModel {
 public:
  Outcome execute(uint32_t instruction, uint64_t rs1_value, uint64_t pc) override {
    if (instruction >> 25 == 0x03) flipped_ = (instruction >> 7) & 31;  // before it retires
    return VectorModel::execute(instruction, rs1_value, pc);
  }
  Register read_register(unsigned index) override {
    Register value = VectorModel::read_register(index);
    if (index == flipped_) value[12] ^= 1;
    return value;
  }

 private:
  unsigned flipped_ = register_count;
};

Register ramp() {
  Register r{};
  for (unsigned lane = 0; lane < 16; ++lane) {
    const float value = 0.75f * float(lane) - 3.0f;
    std::memcpy(&r[4 * lane], &value, 4);
  }
  return r;
}

}  // namespace

TEST_CASE("the model and the RTL agree on a directed program", "[lockstep]") {
  LockstepEngine lockstep(2, std::make_unique<VectorModel>(), std::make_unique<RtlEngine>());
  REQUIRE(lockstep.load(insn(0x00, 0, 1, 10, 0), ramp(), 0x1000).status == Outcome::Status::ok);
  REQUIRE(lockstep.write_csr(csr_vcfg, 0x10F07));  // stochastic narrowing
  REQUIRE(lockstep.write_csr(csr_vseed, 99));
  const uint32_t program[] = {
      insn(0x02, 0, 2, 5, 0),           // vbcast.f32 v2, x5
      insn(0x05, 0, 3, 1, 2),           // vmul.f32 v3, v1, v2
      insn(0x06, 0, 3, 1, 1),           // vfma.f32 v3, v1, v1
      insn(0x0B, 1, 4, 3, 0 << 2 | 0),  // vcvt.bf16.f32 v4, v3, 0
      insn(0x0B, 1, 4, 1, 0 << 2 | 1),  // vcvt.bf16.f32 v4, v1, 1
      insn(0x03, 1, 5, 4, 4),           // vadd.bf16 v5, v4, v4
      insn(0x0D, 1, 8, 5, 4),           // vmma.bf16 v8, v5, v4
      insn(0x0B, 4, 6, 3, 0 << 2 | 2),  // vcvt.e4m3.f32 v6, v3, 2
      insn(0x0D, 4, 12, 6, 6),          // vmma.e4m3 v12, v6, v6
      insn(0x09, 0, 7, 3, 0),           // vrelu.f32 v7, v3
      insn(0x0C, 0, 9, 8, 0),           // vhsum.f32 x9, v8
      insn(0x0C, 3, 9, 6, 0),           // vhsum.i8 x9, v6
  };
  uint64_t pc = 0x1004;
  for (uint32_t instruction : program) {
    INFO(disassemble(instruction));
    const Outcome outcome = lockstep.execute(instruction, 0x3FC00000, pc += 4);
    REQUIRE(outcome.status == Outcome::Status::ok);
  }
  // The RTL's cycles: the core goes on after the issue; the unit settles when vmma retires.
  CHECK(lockstep.execute(insn(0x0D, 1, 8, 5, 4), 0, pc).cycles == 1);
  CHECK(lockstep.settle().cycles == 16 + 1 + built_pipeline().mma_stages);
  Register stored{};
  const Outcome store = lockstep.store(insn(0x01, 0, 0, 10, 12), stored, pc + 4);
  INFO(store.message);
  REQUIRE(store.status == Outcome::Status::ok);
  CHECK(stored == lockstep.reference().read_register(12));
  CHECK(lockstep.execute(insn(0x0E, 0, 1, 2, 3), 0, pc + 8).status == Outcome::Status::illegal);
  CHECK(lockstep.instructions_compared() == std::size(program) + 4);
  for (unsigned r = 0; r < register_count; ++r)
    CHECK(lockstep.reference().read_register(r) == lockstep.checked().read_register(r));
}

TEST_CASE("lockstep follows the unit's documented timing", "[lockstep]") {
  LockstepEngine lockstep(0, std::make_unique<VectorModel>(), std::make_unique<RtlEngine>());
  dojo::vector::test::check_documented_timing(lockstep);
}

// The reference model, except that every instruction keeps the core one cycle longer.
class SlowModel : public VectorModel {
 public:
  Outcome execute(uint32_t instruction, uint64_t rs1_value, uint64_t pc) override {
    Outcome outcome = VectorModel::execute(instruction, rs1_value, pc);
    ++outcome.cycles;
    return outcome;
  }
};

TEST_CASE("different cycles are a timing mismatch, reported as such", "[lockstep]") {
  LockstepEngine lockstep(3, std::make_unique<VectorModel>(), std::make_unique<SlowModel>());
  const Outcome outcome = lockstep.execute(insn(0x02, 0, 2, 5, 0), 0, 0x3000);
  REQUIRE(outcome.status == Outcome::Status::fatal);
  CHECK_THAT(outcome.message, Catch::StartsWith("vector lockstep timing mismatch on core 3 at pc 0x3000"));
  CHECK_THAT(outcome.message, Catch::Contains("vector instruction 0, issued at core cycle 0: the core "
                                              "waits 1 cycles under the model, 2 under the rtl"));
}

// The reference model, except that every vadd also writes v31, which it must not touch.
class StrayWriteModel : public VectorModel {
 public:
  Outcome execute(uint32_t instruction, uint64_t rs1_value, uint64_t pc) override {
    if (instruction >> 25 == 0x03) write_register(31, ramp());
    return VectorModel::execute(instruction, rs1_value, pc);
  }
};

TEST_CASE("comparing the whole register file catches a write outside the destination", "[lockstep]") {
  for (const uint64_t interval : {0, 1, 2}) {
    INFO("every " << interval);
    LockstepEngine lockstep(1, std::make_unique<VectorModel>(), std::make_unique<StrayWriteModel>());
    lockstep.compare_all_registers_every(interval);
    const Outcome first = lockstep.execute(insn(0x03, 0, 3, 1, 2), 0, 0x500);  // instruction 0
    const Outcome second = lockstep.execute(insn(0x03, 0, 4, 1, 2), 0, 0x504);  // instruction 1
    if (interval == 0) {
      CHECK(first.status == Outcome::Status::ok);  // each destination alone compares the same
      CHECK(second.status == Outcome::Status::ok);
    } else {
      const Outcome& caught = interval == 1 ? first : second;
      REQUIRE(caught.status == Outcome::Status::fatal);
      CHECK_THAT(caught.message, Catch::Contains("comparing the whole register file after it, v31 "
                                                 "differs"));
      CHECK_THAT(caught.message,
                 Catch::Contains(interval == 1 ? "vector instruction 0," : "vector instruction 1,"));
    }
  }
}

TEST_CASE("a wrong result is fatal, with a report naming pc, instruction and both results", "[lockstep]") {
  LockstepEngine lockstep(7, std::make_unique<VectorModel>(), std::make_unique<BitFlippingModel>());
  REQUIRE(lockstep.load(insn(0x00, 0, 1, 10, 0), ramp(), 0x2000).status == Outcome::Status::ok);
  REQUIRE(lockstep.execute(insn(0x05, 0, 2, 1, 1), 0, 0x2004).status == Outcome::Status::ok);
  const Outcome outcome = lockstep.execute(insn(0x03, 0, 3, 1, 2), 0, 0x2008);
  REQUIRE(outcome.status == Outcome::Status::fatal);
  const std::string& report = outcome.message;
  CHECK_THAT(report, Catch::Contains("on core 7 at pc 0x2008"));
  CHECK_THAT(report, Catch::Contains("vector instruction 2, issued at core cycle 3"));
  CHECK_THAT(report, Catch::Contains("0x0620818b vadd.f32 v3, v1, v2"));
  CHECK_THAT(report, Catch::Contains("v3 (model, * = lane differs)"));
  // Lane 3: -0.75 + 0.5625 = -0.1875 (0xbe400000); the double flips bit 0.
  CHECK_THAT(report, Catch::Contains("be400000*"));
  CHECK_THAT(report, Catch::Contains("be400001*"));
  // Everything after the mismatch repeats it rather than running on.
  CHECK(lockstep.execute(insn(0x03, 0, 4, 1, 2), 0, 0x200C).message == report);
}

TEST_CASE("a mismatch closes the RTL waveform around it", "[lockstep]") {
  const auto path = std::filesystem::temp_directory_path() / "dojo_test_lockstep_mismatch.fst";
  std::filesystem::remove(path);
  auto rtl = std::make_unique<RtlEngine>();
  RtlEngine& rtl_view = *rtl;
  rtl->start_trace(path.string());
  // Here the reference is the wrong one: the comparison does not care which side is right.
  LockstepEngine lockstep(0, std::make_unique<BitFlippingModel>(), std::move(rtl));
  REQUIRE(lockstep.load(insn(0x00, 0, 1, 10, 0), ramp(), 0).status == Outcome::Status::ok);
  // The RTL's vadd retires (and compares) after the core has gone on: here as the unit settles.
  REQUIRE(lockstep.execute(insn(0x03, 0, 3, 1, 1), 0, 0x40).status == Outcome::Status::ok);
  const Outcome outcome = lockstep.settle();
  REQUIRE(outcome.status == Outcome::Status::fatal);
  CHECK_THAT(outcome.message, Catch::Contains("at pc 0x40: 0x0610818b vadd.f32 v3, v1, v1"));
  CHECK_THAT(outcome.message, Catch::Contains("the RTL waveform ends with this instruction, at "));
  CHECK_FALSE(rtl_view.trace_open());
  REQUIRE(std::filesystem::exists(path));
  CHECK(std::filesystem::file_size(path) > 100);
  std::filesystem::remove(path);
}

TEST_CASE("keeping the last cycles writes their waveform at a mismatch, and only theirs", "[lockstep]") {
  const auto path = std::filesystem::temp_directory_path() / "dojo_test_lockstep_last.vcd";
  std::filesystem::remove(path);
  auto rtl = std::make_unique<RtlEngine>();
  RtlEngine& rtl_view = *rtl;
  rtl->keep_last_cycles(40, path.string());
  LockstepEngine lockstep(0, std::make_unique<BitFlippingModel>(), std::move(rtl));
  // 20 instructions 30 cycles apart: the ones more than 40 cycles before the end are not needed.
  uint64_t cycle = 0;
  for (unsigned n = 0; n < 20; ++n) {
    lockstep.advance_to(cycle += 30);
    REQUIRE(lockstep.execute(insn(0x02, 0, 1 + n % 8, 5, 0), n, 0x40 + 4 * n).status ==
            Outcome::Status::ok);
  }
  lockstep.advance_to(cycle += 30);
  REQUIRE(lockstep.execute(insn(0x03, 0, 9, 1, 1), 0, 0x100).status == Outcome::Status::ok);
  const Outcome outcome = lockstep.settle();
  REQUIRE(outcome.status == Outcome::Status::fatal);
  CHECK_THAT(outcome.message, Catch::Contains("the RTL waveform of the cycles up to this mismatch is "
                                              "in " + path.string()));
  CHECK(rtl_view.keeping_last_cycles());
  std::ifstream in(path);
  std::vector<uint64_t> times;
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] == '#') times.push_back(std::stoull(line.substr(1)));
  REQUIRE(times.size() >= 4);
  // Cycle n is at 2n ps here: at least the last 40 cycles, from a checkpoint (every other
  // instruction here, 60 cycles apart), never from the run's start.
  CHECK(times.front() <= 2 * (cycle - 40));
  CHECK(times.front() >= 2 * (cycle - 40 - 60));
  CHECK(times.back() >= 2 * cycle);
  std::filesystem::remove(path);
}

TEST_CASE("disassemble names every instruction form", "[lockstep]") {
  CHECK(disassemble(insn(0x00, 0, 4, 10, 0)) == "vld v4, (x10)");
  CHECK(disassemble(insn(0x01, 0, 0, 11, 6)) == "vst v6, (x11)");
  CHECK(disassemble(insn(0x02, 5, 1, 12, 0)) == "vbcast.e5m2 v1, x12");
  CHECK(disassemble(insn(0x0B, 4, 2, 3, 0 << 2 | 3)) == "vcvt.e4m3.f32 v2, v3, 3");
  CHECK(disassemble(insn(0x0C, 1, 9, 8, 0)) == "vhsum.bf16 x9, v8");
  CHECK(disassemble(insn(0x0D, 4, 8, 1, 2)) == "vmma.e4m3 v8, v1, v2");
  CHECK(disassemble(insn(0x0D, 4, 9, 1, 2)) == "illegal 0x1a20c48b");
}
