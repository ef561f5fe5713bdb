// The hart's commit records (what each retired instruction wrote) and their Spike-format lines.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "core/commit_log.h"
#include "core/csr_table.h"
#include "hart_fixture.h"

using dojo::core::CommitFilter;
using dojo::core::CommitLog;
using dojo::core::CommitRecord;
using dojo::core::Priv;
using dojo::core::StopReason;
using dojo::test::HartFixture;
namespace rv = dojo::test::rv;

namespace {

// Keeps every record (and optionally detaches the hart after `detach_after` of them).
class Recorder : public dojo::core::CommitSink {
 public:
  explicit Recorder(dojo::core::Hart& hart) : hart_(hart) {}
  void on_commit(const CommitRecord& record) override {
    records.push_back(record);
    if (records.size() == detach_after) hart_.set_commit_sink(nullptr);
  }
  std::vector<CommitRecord> records;
  size_t detach_after = 0;

 private:
  dojo::core::Hart& hart_;
};

struct TraceFixture : HartFixture {
  Recorder recorder{hart};
  TraceFixture() { hart.set_commit_sink(&recorder); }
  const std::vector<CommitRecord>& records() const { return recorder.records; }
  std::string lines() const {
    std::string text;
    for (const CommitRecord& record : records()) text += dojo::core::format_commit(record);
    return text;
  }
};

uint64_t value_of(const CommitRecord::MemoryAccess& access) {
  uint64_t value = 0;
  for (unsigned i = access.size; i-- > 0;) value = value << 8 | access.data[i];
  return value;
}

}  // namespace

TEST_CASE("commit log: a register write is reported with pc, bits and privilege") {
  TraceFixture f;
  REQUIRE(f.run({rv::addi(rv::a0, rv::zero, 5), rv::lui(rv::t0, 0x12345)}) ==
          dojo::test::Outcome::finished);
  REQUIRE(f.records().size() == 2);
  const CommitRecord& first = f.records()[0];
  CHECK(first.pc == HartFixture::kCode);
  CHECK(first.raw == rv::addi(rv::a0, rv::zero, 5));
  CHECK(first.length() == 4);
  CHECK(first.priv == Priv::machine);
  REQUIRE(first.registers.size() == 1);
  CHECK(first.registers[0].index == rv::a0);
  CHECK(first.registers[0].value == 5);
  CHECK(first.loads.empty());
  CHECK(first.stores.empty());
  CHECK(first.csrs.empty());
  CHECK(f.lines() ==
        "core   0: 3 0x0000000080000000 (0x00500513) x10 0x0000000000000005\n"
        "core   0: 3 0x0000000080000004 (0x123452b7) x5  0x0000000012345000\n");
}

TEST_CASE("commit log: writes to x0 are left out, the instruction is still there") {
  TraceFixture f;
  REQUIRE(f.run({rv::addi(rv::zero, rv::zero, 1), rv::jal(rv::zero, 4)}) ==
          dojo::test::Outcome::finished);
  REQUIRE(f.records().size() == 2);
  CHECK(f.records()[0].registers.empty());
  CHECK(f.records()[1].registers.empty());
  CHECK(f.lines() == "core   0: 3 0x0000000080000000 (0x00100013)\n"
                     "core   0: 3 0x0000000080000004 (0x0040006f)\n");
}

TEST_CASE("commit log: loads give their address, stores their address, size and value") {
  TraceFixture f;
  f.poke(HartFixture::kData, 0x8877665544332211, 8);
  f.set_x(rv::a1, HartFixture::kData);
  f.set_x(rv::a2, 0x0102030405060708);
  REQUIRE(f.run({rv::ld(rv::a0, rv::a1, 0), rv::lbu(rv::a3, rv::a1, 1), rv::sb(rv::a2, rv::a1, 16),
                 rv::sh(rv::a2, rv::a1, 18), rv::sw(rv::a2, rv::a1, 20),
                 rv::sd(rv::a2, rv::a1, 24)}) == dojo::test::Outcome::finished);
  REQUIRE(f.records().size() == 6);
  const CommitRecord& ld = f.records()[0];
  REQUIRE(ld.loads.size() == 1);
  CHECK(ld.loads[0].addr == HartFixture::kData);
  CHECK(ld.loads[0].size == 8);
  CHECK(ld.registers[0].value == 0x8877665544332211);
  CHECK(f.records()[1].loads[0].size == 1);
  const unsigned sizes[] = {1, 2, 4, 8}, offsets[] = {16, 18, 20, 24};
  for (unsigned i = 0; i < 4; ++i) {
    const CommitRecord& store = f.records()[2 + i];
    REQUIRE(store.stores.size() == 1);
    CHECK(store.registers.empty());
    CHECK(store.stores[0].addr == HartFixture::kData + offsets[i]);
    CHECK(store.stores[0].size == sizes[i]);
    CHECK(value_of(store.stores[0]) ==
          (0x0102030405060708 & (sizes[i] == 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * sizes[i])) - 1)));
  }
  CHECK(f.lines() ==
        "core   0: 3 0x0000000080000000 (0x0005b503) x10 0x8877665544332211 mem 0x0000000080008000\n"
        "core   0: 3 0x0000000080000004 (0x0015c683) x13 0x0000000000000022 mem 0x0000000080008001\n"
        "core   0: 3 0x0000000080000008 (0x00c58823) mem 0x0000000080008010 0x08\n"
        "core   0: 3 0x000000008000000c (0x00c59923) mem 0x0000000080008012 0x0708\n"
        "core   0: 3 0x0000000080000010 (0x00c5aa23) mem 0x0000000080008014 0x05060708\n"
        "core   0: 3 0x0000000080000014 (0x00c5bc23) mem 0x0000000080008018 0x0102030405060708\n");
}

TEST_CASE("commit log: accesses through the bus (slow memory) are reported too") {
  TraceFixture f;
  f.set_x(rv::a1, HartFixture::kSlowRam);
  f.set_x(rv::a2, 0xabcd);
  REQUIRE(f.run({rv::sh(rv::a2, rv::a1, 6), rv::lhu(rv::a0, rv::a1, 6)}) ==
          dojo::test::Outcome::finished);
  REQUIRE(f.records().size() == 2);
  CHECK(f.records()[0].stores[0].addr == HartFixture::kSlowRam + 6);
  CHECK(value_of(f.records()[0].stores[0]) == 0xabcd);
  CHECK(f.records()[1].loads[0].addr == HartFixture::kSlowRam + 6);
  CHECK(f.records()[1].registers[0].value == 0xabcd);
}

TEST_CASE("commit log: CSR instructions report their CSR writes (legal values), not their reads") {
  TraceFixture f;
  f.set_x(rv::a1, 0x1234);
  f.set_x(rv::a2, HartFixture::kHandler | 2);  // mode 2 is reserved: mtvec keeps mode 0
  REQUIRE(f.run({rv::csrrw(rv::a0, rv::csr::mscratch, rv::a1), rv::csrr(rv::a3, rv::csr::mscratch),
                 rv::csrw(rv::csr::mtvec, rv::a2), rv::csrrs(rv::a4, rv::csr::mscratch, rv::zero)}) ==
          dojo::test::Outcome::finished);
  REQUIRE(f.records().size() == 4);
  CHECK(f.lines() ==
        "core   0: 3 0x0000000080000000 (0x34059573) x10 0x0000000000000000 c832_mscratch "
        "0x0000000000001234\n"
        "core   0: 3 0x0000000080000004 (0x340026f3) x13 0x0000000000001234\n"
        "core   0: 3 0x0000000080000008 (0x30561073) c773_mtvec 0x0000000080004000\n"
        "core   0: 3 0x000000008000000c (0x34002773) x14 0x0000000000001234\n");
}

TEST_CASE("commit log: a counter write shows the value written") {
  TraceFixture f;
  f.set_x(rv::a1, 1000);
  REQUIRE(f.run({rv::csrw(rv::csr::minstret, rv::a1), rv::csrw(rv::csr::mcycle, rv::a1)}) ==
          dojo::test::Outcome::finished);
  REQUIRE(f.records().size() == 2);
  CHECK(f.records()[0].csrs[0].csr == rv::csr::minstret);
  CHECK(f.records()[0].csrs[0].value == 1000);
  CHECK(f.records()[1].csrs[0].csr == rv::csr::mcycle);
  CHECK(f.records()[1].csrs[0].value == 1000);
}

TEST_CASE("commit log: a compressed instruction shows its 16 bits") {
  TraceFixture f;
  REQUIRE(f.run({rv::c_li(rv::a0, 3), rv::c_addi(rv::a0, -1)}) == dojo::test::Outcome::finished);
  REQUIRE(f.records().size() == 2);
  CHECK(f.records()[0].length() == 2);
  CHECK(f.records()[0].raw == rv::c_li(rv::a0, 3).bits);
  CHECK(f.lines() == "core   0: 3 0x0000000080000000 (0x450d) x10 0x0000000000000003\n"
                     "core   0: 3 0x0000000080000002 (0x157d) x10 0x0000000000000002\n");
}

TEST_CASE("commit log: an instruction that traps is not reported, the handler's are") {
  TraceFixture f;
  f.set_x(rv::a1, HartFixture::kUnmapped);
  // The handler returns past the trapping instruction.
  f.install_handler({rv::csrr(rv::t0, rv::csr::mepc), rv::addi(rv::t0, rv::t0, 4),
                     rv::csrw(rv::csr::mepc, rv::t0), rv::mret()});
  REQUIRE(f.run({rv::ecall(), rv::ld(rv::a0, rv::a1, 0), rv::addi(rv::a2, rv::zero, 1)}) ==
          dojo::test::Outcome::finished);
  std::vector<uint64_t> pcs;
  for (const CommitRecord& record : f.records()) pcs.push_back(record.pc);
  const uint64_t h = HartFixture::kHandler;
  CHECK(pcs == std::vector<uint64_t>{h, h + 4, h + 8, h + 12, h, h + 4, h + 8, h + 12,
                                     HartFixture::kCode + 8});
  // The faulting load's access is not reported anywhere.
  for (const CommitRecord& record : f.records()) CHECK(record.loads.empty());
  // mret writes mstatus (MPIE set, MPP back to U; UXL reads 64-bit).
  const CommitRecord& mret = f.records()[3];
  REQUIRE(mret.csrs.size() == 1);
  CHECK(mret.csrs[0].csr == rv::csr::mstatus);
  CHECK(mret.csrs[0].value == 0x0000000200000080);
  CHECK(mret.priv == Priv::machine);
}

TEST_CASE("commit log: user-mode instructions show privilege 0") {
  TraceFixture f;
  f.enter_user_mode(HartFixture::kCode);
  f.recorder.records.clear();
  REQUIRE(f.run({rv::addi(rv::a0, rv::zero, 1)}) == dojo::test::Outcome::finished);
  REQUIRE(f.records().size() == 1);
  CHECK(f.records()[0].priv == Priv::user);
  CHECK(f.lines() == "core   0: 0 0x0000000080000000 (0x00100513) x10 0x0000000000000001\n");
}

TEST_CASE("commit log: a fused addi + branch pair is two instructions") {
  TraceFixture f;
  f.set_x(rv::t0, 3);
  // loop: addi t0, t0, -1; bnez t0, loop  (fused into one superinstruction when decoded)
  f.start({rv::addi(rv::t0, rv::t0, -1), rv::bne(rv::t0, rv::zero, -4), rv::jal(rv::zero, 0)});
  REQUIRE(f.hart.run(100) == StopReason::limit);
  std::vector<uint64_t> pcs;
  for (size_t i = 0; i < 6 && i < f.records().size(); ++i) pcs.push_back(f.records()[i].pc);
  const uint64_t c = HartFixture::kCode;
  CHECK(pcs == std::vector<uint64_t>{c, c + 4, c, c + 4, c, c + 4});
  REQUIRE(f.records().size() >= 6);
  CHECK(f.records()[0].registers[0].value == 2);
  CHECK(f.records()[1].registers.empty());
  CHECK(f.records()[4].registers[0].value == 0);
}

TEST_CASE("commit log: AMOs report their load, their store and rd, SC its store only if it succeeds") {
  TraceFixture f;
  f.poke(HartFixture::kData, 40, 4);
  f.set_x(rv::a1, HartFixture::kData);
  f.set_x(rv::a2, 2);
  REQUIRE(f.run({rv::amoadd_w(rv::a0, rv::a2, rv::a1), rv::lr_w(rv::a3, rv::a1),
                 rv::sc_w(rv::a4, rv::a2, rv::a1), rv::sc_w(rv::a5, rv::a2, rv::a1)}) ==
          dojo::test::Outcome::finished);
  REQUIRE(f.records().size() == 4);
  CHECK(f.lines() ==
        "core   0: 3 0x0000000080000000 (0x00c5a52f) x10 0x0000000000000028 mem 0x0000000080008000 "
        "mem 0x0000000080008000 0x0000002a\n"
        "core   0: 3 0x0000000080000004 (0x1005a6af) x13 0x000000000000002a mem 0x0000000080008000\n"
        "core   0: 3 0x0000000080000008 (0x18c5a72f) x14 0x0000000000000000 mem 0x0000000080008000 "
        "0x00000002\n"
        "core   0: 3 0x000000008000000c (0x18c5a7af) x15 0x0000000000000001\n");
}

TEST_CASE("commit log: run() stops exactly at its cycle limit, a sink may detach itself") {
  dojo::test::Program program;
  for (int i = 0; i < 20; ++i) program.push_back(rv::addi(rv::a0, rv::a0, 1));
  program.push_back(rv::jal(rv::zero, 0));

  TraceFixture f;
  f.start(program);
  CHECK(f.hart.run(5) == StopReason::limit);
  CHECK(f.hart.instret() == 5);
  CHECK(f.records().size() == 5);

  TraceFixture g;
  g.recorder.detach_after = 3;
  g.start(program);
  CHECK(g.hart.run(100) == StopReason::limit);
  CHECK(g.records().size() == 3);  // the rest ran untraced
  CHECK(g.x(rv::a0) == 20);
}

TEST_CASE("commit log: step() with a sink steps like without, traps included") {
  TraceFixture f;
  f.install_handler({rv::mret()});
  f.start({rv::ecall(), rv::addi(rv::a0, rv::zero, 7)});
  CHECK(f.hart.step(1) == StopReason::limit);  // the trap is the step
  CHECK(f.records().empty());
  CHECK(f.hart.pc() == HartFixture::kHandler);
  CHECK(f.hart.step(2) == StopReason::limit);  // mret, then the ecall again
  REQUIRE(f.records().size() == 1);
  CHECK(f.records()[0].pc == HartFixture::kHandler);
}

namespace {

// A vector unit whose vhsum answers 0x55 and whose vst writes bytes 0, 1, 2, ...
class VectorStub : public dojo::vector::VectorEngine {
 public:
  void advance_to(uint64_t) override {}
  dojo::vector::Outcome settle() override { return {}; }
  void on_retire(RetireObserver) override {}
  dojo::vector::Outcome execute(uint32_t, uint64_t, uint64_t) override {
    dojo::vector::Outcome outcome;
    outcome.writes_scalar = true;
    outcome.scalar = 0x55;
    return outcome;
  }
  dojo::vector::Outcome load(uint32_t, const dojo::vector::Register&, uint64_t) override { return {}; }
  dojo::vector::Outcome store(uint32_t, dojo::vector::Register& data, uint64_t) override {
    for (unsigned i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i);
    return {};
  }
  bool read_csr(unsigned, uint64_t&) override { return false; }
  bool write_csr(unsigned, uint64_t) override { return false; }
  dojo::vector::Register read_register(unsigned) override { return {}; }
};

constexpr uint32_t custom0(unsigned funct7, unsigned funct3, unsigned rd, unsigned rs1) {
  return (funct7 << 25) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | 0x0B;
}

}  // namespace

TEST_CASE("commit log: vector instructions show vhsum's rd and vld/vst's 64-byte accesses") {
  TraceFixture f;
  VectorStub engine;
  f.hart.set_vector_engine(&engine);
  f.set_x(rv::a1, HartFixture::kData);
  const uint32_t vld = custom0(0x00, 0, 1, rv::a1), vst = custom0(0x01, 0, 0, rv::a1) | (1 << 20),
                 vhsum = custom0(0x0C, 2, rv::a0, 1);
  REQUIRE(f.run({vld, vst, vhsum}) == dojo::test::Outcome::finished);
  REQUIRE(f.records().size() == 3);
  CHECK(f.records()[0].loads.size() == 1);
  CHECK(f.records()[0].loads[0].size == 64);
  CHECK(f.records()[0].registers.empty());
  REQUIRE(f.records()[1].stores.size() == 1);
  CHECK(f.records()[1].stores[0].size == 64);
  const std::string line = dojo::core::format_commit(f.records()[1]);
  CHECK(line.find(" mem 0x0000000080008000 0x3f3e3d3c") != std::string::npos);
  CHECK(line.find("0100\n") == line.size() - 5);
  REQUIRE(f.records()[2].registers.size() == 1);
  CHECK(f.records()[2].registers[0].index == rv::a0);
  CHECK(f.records()[2].registers[0].value == 0x55);
}

TEST_CASE("commit log: CSR names follow Spike's, numbered families included") {
  CHECK(dojo::core::csr_name(0x300) == "mstatus");
  CHECK(dojo::core::csr_name(0xb03) == "mhpmcounter3");
  CHECK(dojo::core::csr_name(0x3b5) == "pmpaddr5");
  CHECK(dojo::core::csr_name(0x3a2) == "pmpcfg2");
  CHECK(dojo::core::csr_name(0x802) == "vflags");
  CHECK(dojo::core::csr_name(0x7c0) == "0x7c0");
}

TEST_CASE("commit log: the hart id is the core number, filters pick pcs and a window") {
  dojo::core::HartConfig config;
  config.hartid = 33;
  HartFixture f(config);
  std::ostringstream out;
  CommitFilter filter;
  filter.pc_begin = HartFixture::kCode + 4;
  filter.pc_end = HartFixture::kCode + 0x100;
  filter.first_index = 2;
  filter.last_index = 4;
  CommitLog log(out, filter);
  log.attach(f.hart);
  // Instruction 1 (pc kCode) is before the window; 2..4 are in it; pc kCode + 0x100 is out of range.
  dojo::test::Program program;
  for (int i = 0; i < 6; ++i) program.push_back(rv::addi(rv::a0, rv::a0, 1));
  f.start(program);
  REQUIRE(f.hart.step(6) == StopReason::limit);
  CHECK(out.str() ==
        "core  33: 3 0x0000000080000004 (0x00150513) x10 0x0000000000000002\n"
        "core  33: 3 0x0000000080000008 (0x00150513) x10 0x0000000000000003\n"
        "core  33: 3 0x000000008000000c (0x00150513) x10 0x0000000000000004\n");
  CHECK(f.x(rv::a0) == 6);
}
