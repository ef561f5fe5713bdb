// The core's side of the vector unit: custom-0 instructions reach the engine, vld/vst move their
// bytes through the hart's memory path with its alignment and fault rules, CSRs 0x800-0x802 are
// the engine's, and the engine's verdicts (illegal, fatal, cycles, scalar results) take effect.
#include <catch2/catch.hpp>

#include <vector>

#include "hart_fixture.h"

using dojo::core::Exception;
using dojo::core::StopReason;
using dojo::test::cause;
using dojo::test::HartFixture;
using dojo::vector::Outcome;
namespace rv = dojo::test::rv;

namespace {

// custom-0 R-type, as `.insn r 0x0B, funct3, funct7, rd, rs1, rs2` assembles it.
constexpr uint32_t custom0(unsigned funct7, unsigned funct3, unsigned rd, unsigned rs1,
                           unsigned rs2) {
  return (funct7 << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | 0x0B;
}
constexpr uint32_t vld(unsigned vd, unsigned rs1) { return custom0(0x00, 0, vd, rs1, 0); }
constexpr uint32_t vst(unsigned vs2, unsigned rs1) { return custom0(0x01, 0, 0, rs1, vs2); }
constexpr uint32_t vhsum_i32(unsigned rd, unsigned vs1) { return custom0(0x0C, 2, rd, vs1, 0); }

// An engine that records what the core hands it and answers as told.
class FakeEngine : public dojo::vector::VectorEngine {
 public:
  void advance_to(uint64_t cycle) override { advanced_to.push_back(cycle); }
  Outcome settle() override {
    ++settles;
    Outcome settled;
    settled.cycles = settle_cycles;
    return settled;
  }
  void on_retire(RetireObserver) override {}
  Outcome execute(uint32_t instruction, uint64_t rs1_value, uint64_t pc) override {
    executed.push_back({instruction, rs1_value, pc});
    return answer;
  }
  Outcome load(uint32_t instruction, const dojo::vector::Register& data, uint64_t) override {
    loaded.push_back({instruction, data});
    return answer;
  }
  Outcome store(uint32_t, dojo::vector::Register& data, uint64_t) override {
    data = to_store;
    return answer;
  }
  bool read_csr(unsigned csr, uint64_t& value) override {
    if (csr != dojo::vector::csr_vflags) return false;
    value = vflags;
    return true;
  }
  bool write_csr(unsigned csr, uint64_t value) override {
    if (csr != dojo::vector::csr_vflags) return false;
    vflags = value & 0xF;
    return true;
  }
  dojo::vector::Register read_register(unsigned) override { return {}; }

  struct Executed {
    uint32_t instruction;
    uint64_t rs1_value;
    uint64_t pc;
  };
  struct Loaded {
    uint32_t instruction;
    dojo::vector::Register data;
  };
  std::vector<Executed> executed;
  std::vector<Loaded> loaded;
  std::vector<uint64_t> advanced_to;  // the core's cycle before each instruction or settle
  unsigned settles = 0;
  uint64_t settle_cycles = 0;
  dojo::vector::Register to_store{};
  uint64_t vflags = 0;
  Outcome answer;
};

struct VectorFixture : HartFixture {
  FakeEngine engine;
  VectorFixture() { hart.set_vector_engine(&engine); }
};

}  // namespace

TEST_CASE("vector: without a vector unit a custom-0 instruction is illegal") {
  HartFixture f;
  const uint32_t insn = vhsum_i32(rv::a0, 3);
  REQUIRE(f.run({insn}) == dojo::test::Outcome::trapped);
  CHECK(f.trap() == dojo::test::Trap{cause(Exception::illegal_insn), HartFixture::kCode, insn});
  CHECK((f.csr(rv::csr::misa) >> ('X' - 'A') & 1) == 0);
}

TEST_CASE("vector: an instruction goes to the engine with x[rs1] and pc, a scalar result lands in rd") {
  VectorFixture f;
  f.engine.answer.writes_scalar = true;
  f.engine.answer.scalar = 0x1234;
  f.engine.answer.cycles = 5;
  f.set_x(rv::a1, 77);
  const uint32_t insn = vhsum_i32(rv::a0, rv::a1);
  const uint64_t cycles_before = f.hart.cycles();
  REQUIRE(f.run({insn}) == dojo::test::Outcome::finished);
  REQUIRE(f.engine.executed.size() == 1);
  CHECK(f.engine.executed[0].instruction == insn);
  CHECK(f.engine.executed[0].rs1_value == 77);
  CHECK(f.engine.executed[0].pc == HartFixture::kCode);
  CHECK(f.x(rv::a0) == 0x1234);
  CHECK(f.hart.cycles() - cycles_before == 5);
  CHECK(f.hart.instret() == 1);
  CHECK((f.csr(rv::csr::misa) >> ('X' - 'A') & 1) == 1);
}

TEST_CASE("vector: the engine's illegal verdict traps, its fatal verdict stops the hart in front") {
  VectorFixture f;
  f.engine.answer.status = Outcome::Status::illegal;
  const uint32_t insn = custom0(0x7F, 0, 1, 2, 3);
  REQUIRE(f.run({insn}) == dojo::test::Outcome::trapped);
  CHECK(f.trap() == dojo::test::Trap{cause(Exception::illegal_insn), HartFixture::kCode, insn});

  VectorFixture g;
  g.engine.answer.status = Outcome::Status::fatal;
  g.engine.answer.message = "vector lockstep mismatch at pc 0x80000000";
  g.start({insn});
  CHECK(g.hart.run(1000) == StopReason::fatal);
  CHECK(g.hart.fatal_message() == "vector lockstep mismatch at pc 0x80000000");
  CHECK(g.hart.pc() == HartFixture::kCode);
  CHECK(g.hart.instret() == 0);
}

TEST_CASE("vector: vld reads 64 aligned bytes from fast or bus memory and hands them over") {
  VectorFixture f;
  for (unsigned i = 0; i < 64; ++i) f.poke(HartFixture::kData + i, i * 3, 1);
  f.set_x(rv::a1, HartFixture::kData);
  REQUIRE(f.run({vld(5, rv::a1)}) == dojo::test::Outcome::finished);
  REQUIRE(f.engine.loaded.size() == 1);
  CHECK(f.engine.loaded[0].instruction == vld(5, rv::a1));
  for (unsigned i = 0; i < 64; ++i) CHECK(f.engine.loaded[0].data[i] == uint8_t(i * 3));

  // Slow (bus) memory: eight 8-byte reads.
  f.poke(HartFixture::kSlowRam + 64, 0xAB, 1);
  f.set_x(rv::a1, HartFixture::kSlowRam + 64);
  REQUIRE(f.run({vld(6, rv::a1)}) == dojo::test::Outcome::finished);
  CHECK(f.engine.loaded.back().data[0] == 0xAB);
  CHECK(f.bus.accesses_in(HartFixture::kSlowRam + 64, 64).size() == 8);
}

TEST_CASE("vector: vld and vst check alignment, access and encoding before the engine sees them") {
  VectorFixture f;
  f.set_x(rv::a1, HartFixture::kData + 8);
  REQUIRE(f.run({vld(1, rv::a1)}) == dojo::test::Outcome::trapped);
  CHECK(f.trap() == dojo::test::Trap{cause(Exception::load_misaligned), HartFixture::kCode,
                                     HartFixture::kData + 8});
  REQUIRE(f.run({vst(1, rv::a1)}) == dojo::test::Outcome::trapped);
  CHECK(f.trap().cause == cause(Exception::store_misaligned));

  f.set_x(rv::a1, HartFixture::kUnmapped);
  REQUIRE(f.run({vld(1, rv::a1)}) == dojo::test::Outcome::trapped);
  CHECK(f.trap() == dojo::test::Trap{cause(Exception::load_access_fault), HartFixture::kCode,
                                     HartFixture::kUnmapped});
  REQUIRE(f.run({vst(1, rv::a1)}) == dojo::test::Outcome::trapped);
  CHECK(f.trap().cause == cause(Exception::store_access_fault));

  // vld with rs2 != 0 is illegal even at a bad address.
  const uint32_t bad = custom0(0x00, 0, 1, rv::a1, 4);
  REQUIRE(f.run({bad}) == dojo::test::Outcome::trapped);
  CHECK(f.trap() == dojo::test::Trap{cause(Exception::illegal_insn), HartFixture::kCode, bad});
  CHECK(f.engine.loaded.empty());
}

TEST_CASE("vector: vst writes the engine's 64 bytes and drops code decoded from them") {
  VectorFixture f;
  // The vst overwrites the instruction after it with `addi a0, zero, 7`.
  const uint64_t target = HartFixture::kCode + 0x40;
  for (unsigned i = 0; i < 64; i += 4) {
    const uint32_t addi = rv::addi(rv::a0, rv::zero, 7);
    std::memcpy(f.engine.to_store.data() + i, &addi, 4);
  }
  f.set_x(rv::a1, target);
  f.set_x(rv::a0, 0);
  f.place(target, {rv::addi(rv::a0, rv::zero, 1)});
  f.start({vst(2, rv::a1), rv::jal(rv::zero, 0x40 - 4)});
  // Decode the old instruction at the target first, then let the vst replace it.
  f.hart.set_pc(target);
  f.hart.step(1);
  CHECK(f.x(rv::a0) == 1);
  f.hart.set_pc(HartFixture::kCode);
  f.hart.step(3);
  CHECK(f.peek(target, 4) == rv::addi(rv::a0, rv::zero, 7));
  CHECK(f.x(rv::a0) == 7);
}

TEST_CASE("vector: the engine learns the core's cycle, a vector CSR access waits for it to settle") {
  VectorFixture f;
  f.engine.answer.cycles = 3;
  f.engine.settle_cycles = 7;
  const uint64_t start = f.hart.cycles();
  // vhsum at the first cycle (3 cycles), an add, then a CSR read that waits 7 cycles.
  REQUIRE(f.run({vhsum_i32(rv::a0, rv::a1), rv::addi(rv::a2, rv::a2, 1),
                 rv::csrr(rv::a3, dojo::vector::csr_vflags)}) == dojo::test::Outcome::finished);
  REQUIRE(f.engine.advanced_to.size() == 2);
  CHECK(f.engine.advanced_to[0] == start);
  CHECK(f.engine.advanced_to[1] == start + 3 + 1);
  CHECK(f.engine.settles == 1);
  CHECK(f.hart.cycles() - start == 3 + 1 + 7 + 1);
}

TEST_CASE("vector: CSRs 0x800-0x802 are the engine's, from both privilege modes") {
  VectorFixture f;
  f.set_x(rv::a1, 0xFF);
  REQUIRE(f.run({rv::csrw(dojo::vector::csr_vflags, rv::a1), rv::csrr(rv::a0, dojo::vector::csr_vflags)}) ==
          dojo::test::Outcome::finished);
  CHECK(f.engine.vflags == 0xF);
  CHECK(f.x(rv::a0) == 0xF);
  f.enter_user_mode(HartFixture::kCode);
  REQUIRE(f.run({rv::csrr(rv::a0, dojo::vector::csr_vflags)}) == dojo::test::Outcome::finished);
  CHECK(f.x(rv::a0) == 0xF);

  HartFixture none;  // without a vector unit they do not exist
  REQUIRE(none.run({rv::csrr(rv::a0, dojo::vector::csr_vflags)}) == dojo::test::Outcome::trapped);
  CHECK(none.trap().cause == cause(Exception::illegal_insn));
}
