// Test fixture for the instruction-set engine: a Hart with a flat RAM at 0x8000_0000 registered as
// a fast region, and a HartBus mock that serves the same RAM, a slow RAM right after it (so
// accesses can cross the edge of fast memory), and an MMIO window. The mock records every bus
// access, faults unmapped addresses and returns a settable mtime.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <optional>
#include <ostream>
#include <vector>

#include "core/hart.h"
#include "rv_encode.h"

namespace dojo::test {

// Values the instruction tests meet everywhere: all ones and the most negative 64/32-bit numbers
// (the 32-bit one sign-extended, as W instructions leave it).
constexpr uint64_t kAllOnes = ~uint64_t{0};
constexpr uint64_t kMin64 = uint64_t{1} << 63;
constexpr uint64_t kMin32 = 0xFFFFFFFF80000000;

struct BusAccess {
  bool write;
  uint64_t addr;
  unsigned len;
  uint64_t data;    // little-endian value read or written (0 if the access faulted)
  uint64_t cycles;  // the hart's cycle count passed with the access
  bool ok;
};

class BusMock : public core::HartBus {
 public:
  struct Region {
    uint64_t base;
    uint64_t size;
    uint8_t* bytes;
  };

  void add_region(uint64_t base, uint64_t size, uint8_t* bytes) { regions_.push_back({base, size, bytes}); }

  // Host pointer for [addr, addr+len) if one region holds all of it, else nullptr.
  uint8_t* host(uint64_t addr, unsigned len) const {
    for (const Region& r : regions_)
      if (addr >= r.base && addr - r.base + len <= r.size) return r.bytes + (addr - r.base);
    return nullptr;
  }

  bool bus_read(uint64_t addr, void* data, unsigned len, uint64_t cycles) override {
    uint8_t* src = host(addr, len);
    uint64_t value = 0;
    if (src) {
      std::memcpy(data, src, len);
      std::memcpy(&value, src, len);
    }
    return record({false, addr, len, value, cycles, src != nullptr});
  }

  bool bus_write(uint64_t addr, const void* data, unsigned len, uint64_t cycles) override {
    uint8_t* dst = host(addr, len);
    uint64_t value = 0;
    if (dst) {
      std::memcpy(dst, data, len);
      std::memcpy(&value, data, len);
    }
    return record({true, addr, len, value, cycles, dst != nullptr});
  }

  uint64_t bus_mtime(uint64_t cycles) override {
    mtime_queries.push_back(cycles);
    return mtime;
  }

  // Accesses that touch [base, base+size).
  std::vector<BusAccess> accesses_in(uint64_t base, uint64_t size) const {
    std::vector<BusAccess> result;
    for (const BusAccess& a : accesses)
      if (a.addr < base + size && a.addr + a.len > base) result.push_back(a);
    return result;
  }

  std::vector<BusAccess> accesses;
  std::vector<uint64_t> mtime_queries;
  uint64_t mtime = 0;
  // Called after every access is served (e.g. to call request_stop() or set_irq() from inside).
  std::function<void(const BusAccess&)> on_access;

 private:
  bool record(const BusAccess& access) {
    accesses.push_back(access);
    if (on_access) on_access(access);
    return access.ok;
  }

  std::vector<Region> regions_;
};

// One program instruction: a 32-bit encoding or a compressed one.
struct Insn {
  Insn(uint32_t bits) : bits(bits), length(4) {}
  Insn(rv::CInsn c) : bits(c.bits), length(2) {}
  uint32_t bits;
  unsigned length;
};
using Program = std::vector<Insn>;

// The trap CSRs after a trap.
struct Trap {
  uint64_t cause;
  uint64_t epc;
  uint64_t tval;
  bool operator==(const Trap& o) const { return cause == o.cause && epc == o.epc && tval == o.tval; }
};
inline std::ostream& operator<<(std::ostream& os, const Trap& t) {
  return os << std::hex << "{mcause 0x" << t.cause << ", mepc 0x" << t.epc << ", mtval 0x" << t.tval
            << "}" << std::dec;
}

constexpr uint64_t kInterrupt = uint64_t{1} << 63;
constexpr uint64_t cause(core::Exception e) { return static_cast<uint64_t>(e); }
constexpr uint64_t interrupt_cause(core::Irq irq) { return kInterrupt | static_cast<unsigned>(irq); }
constexpr uint64_t irq_bit(core::Irq irq) { return uint64_t{1} << static_cast<unsigned>(irq); }

// How a fixture run ended.
enum class Outcome { finished, trapped, wfi, stopped, fatal, step_limit };
inline std::ostream& operator<<(std::ostream& os, Outcome o) {
  static const char* const names[] = {"finished", "trapped", "wfi", "stopped", "fatal", "step_limit"};
  return os << names[static_cast<int>(o)];
}

// test_hart_translated runs test_hart's tests again with DOJO_TEST_ENGINE=translator: every
// fixture then translates each trace head the first time it runs, and runs programs through
// Hart::run (as the platform does) instead of stepping, so every instruction test also tests the
// translator's code for that instruction.
inline bool testing_translator() {
  const char* engine = std::getenv("DOJO_TEST_ENGINE");
  return engine != nullptr && std::strcmp(engine, "translator") == 0;
}

inline core::HartConfig engine_under_test(core::HartConfig config) {
  if (testing_translator()) {
    config.engine = core::Engine::translator;
    config.translate_after = 1;
  }
  return config;
}

class HartFixture {
 public:
  static constexpr uint64_t kRamBase = 0x80000000;
  static constexpr uint64_t kRamSize = 0x10000;
  static constexpr uint64_t kCode = kRamBase;
  static constexpr uint64_t kHandler = kRamBase + 0x4000;   // mtvec (direct) unless a test says not
  static constexpr uint64_t kData = kRamBase + 0x8000;
  static constexpr uint64_t kSlowRam = kRamBase + kRamSize;  // bus-only RAM right after fast RAM
  static constexpr uint64_t kSlowRamSize = 0x2000;
  static constexpr uint64_t kMmio = 0x10000000;
  static constexpr uint64_t kMmioSize = 0x1000;
  static constexpr uint64_t kUnmapped = 0x20000000;
  static constexpr uint64_t kPoison = 0xDEADBEEFCAFEF00D;  // a register value no result has

  explicit HartFixture(const core::HartConfig& config = {})
      : ram(kRamSize), slow_ram(kSlowRamSize), mmio(kMmioSize), hart(engine_under_test(config), bus) {
    bus.add_region(kRamBase, kRamSize, ram.data());
    bus.add_region(kSlowRam, kSlowRamSize, slow_ram.data());
    bus.add_region(kMmio, kMmioSize, mmio.data());
    hart.add_fast_region(kRamBase, kRamSize, ram.data());
    set_csr(rv::csr::mtvec, kHandler);
  }

  // Writes `program` at `addr` (fast or bus memory) without going through the hart; returns the
  // address after it. Drops the hart's decoded instructions, as a loader would.
  uint64_t place(uint64_t addr, const Program& program) {
    for (const Insn& insn : program) {
      poke(addr, insn.bits, insn.length);
      addr += insn.length;
    }
    hart.flush_decode_cache();
    return addr;
  }

  // Places `program` at `at` and points the hart there, for tests that drive step()/run().
  void start(const Program& program, uint64_t at = kCode) {
    place(at, program);
    hart.set_pc(at);
  }

  // Places `program` at `at`, starts the hart there and steps until the pc reaches the end of the
  // program or the trap handler (or the hart stops).
  Outcome run(const Program& program, uint64_t at = kCode, uint64_t max_steps = 10000) {
    uint64_t end = place(at, program);
    hart.set_pc(at);
    return run_until(end, max_steps);
  }

  // Places `handler` at the trap vector; from then on runs go through traps instead of stopping.
  void install_handler(const Program& handler) {
    place(handler_, handler);
    stop_at_handler_ = false;
  }

  // Steps from the current pc until it equals `stop_pc` or the trap handler.
  Outcome run_until(uint64_t stop_pc, uint64_t max_steps = 10000) {
    if (testing_translator()) return run_through_engine(stop_pc, max_steps);
    for (uint64_t i = 0; i < max_steps; ++i) {
      if (hart.pc() == stop_pc) return Outcome::finished;
      if (stop_at_handler_ && hart.pc() == handler_) return Outcome::trapped;
      switch (hart.step(1)) {
        case core::StopReason::wfi: return Outcome::wfi;
        case core::StopReason::stopped:
        case core::StopReason::breakpoint:
        case core::StopReason::watchpoint:
        case core::StopReason::shared:
        case core::StopReason::translate: return Outcome::stopped;
        case core::StopReason::fatal: return Outcome::fatal;
        case core::StopReason::limit: break;
      }
    }
    if (hart.pc() == stop_pc) return Outcome::finished;
    return stop_at_handler_ && hart.pc() == handler_ ? Outcome::trapped : Outcome::step_limit;
  }

  // run_until through Hart::run, with breakpoints where the run stops; at most max_steps cycles
  // (at least one per instruction), so a program that never gets there still ends.
  Outcome run_through_engine(uint64_t stop_pc, uint64_t max_steps) {
    const auto arrived = [&]() -> std::optional<Outcome> {
      if (hart.pc() == stop_pc) return Outcome::finished;
      if (stop_at_handler_ && hart.pc() == handler_) return Outcome::trapped;
      return std::nullopt;
    };
    if (const auto outcome = arrived()) return *outcome;
    hart.add_breakpoint(stop_pc);
    if (stop_at_handler_) hart.add_breakpoint(handler_);
    const core::StopReason reason = hart.run(hart.cycles() + max_steps);
    hart.remove_breakpoint(stop_pc);
    if (stop_at_handler_) hart.remove_breakpoint(handler_);
    if (const auto outcome = arrived()) return *outcome;
    switch (reason) {
      case core::StopReason::wfi: return Outcome::wfi;
      case core::StopReason::stopped:
      case core::StopReason::breakpoint:
      case core::StopReason::watchpoint:
      case core::StopReason::shared:
      case core::StopReason::translate: return Outcome::stopped;
      case core::StopReason::fatal: return Outcome::fatal;
      case core::StopReason::limit: break;
    }
    return Outcome::step_limit;
  }

  // Runs the single instruction `insn` with a1 = `rs1_value` and a2 = `rs2_value` and returns a0
  // (which starts out as kPoison).
  uint64_t eval(Insn insn, uint64_t rs1_value, uint64_t rs2_value = 0) {
    set_x(rv::a0, kPoison);
    set_x(rv::a1, rs1_value);
    set_x(rv::a2, rs2_value);
    // A trace needs two instructions: the nop lets the translator take `insn`.
    REQUIRE(run({insn, rv::nop()}) == Outcome::finished);
    return x(rv::a0);
  }

  Trap trap() const { return {csr(rv::csr::mcause), csr(rv::csr::mepc), csr(rv::csr::mtval)}; }

  uint64_t csr(unsigned number) const {
    uint64_t value = 0;
    if (!hart.read_csr(number, value)) FAIL("CSR 0x" << std::hex << number << " does not exist");
    return value;
  }
  void set_csr(unsigned number, uint64_t value) {
    if (!hart.write_csr(number, value)) FAIL("CSR 0x" << std::hex << number << " does not exist");
    if (number == rv::csr::mtvec) handler_ = value & ~uint64_t{3};
  }

  uint64_t x(unsigned r) const { return hart.x(r); }
  void set_x(unsigned r, uint64_t value) { hart.set_x(r, value); }

  // Memory seen from outside the hart, little-endian, byte by byte so it may span regions.
  void poke(uint64_t addr, uint64_t value, unsigned len) {
    for (unsigned i = 0; i < len; ++i) *byte(addr + i) = uint8_t(value >> (8 * i));
  }
  uint64_t peek(uint64_t addr, unsigned len) const {
    uint64_t value = 0;
    for (unsigned i = 0; i < len; ++i) value |= uint64_t(*byte(addr + i)) << (8 * i);
    return value;
  }

  // Drops to user mode at `user_pc` by executing an mret (placed at the trap handler's address
  // minus 4, which no test uses for code).
  void enter_user_mode(uint64_t user_pc) {
    set_csr(rv::csr::mstatus, csr(rv::csr::mstatus) & ~rv::mstatus::mpp);
    set_csr(rv::csr::mepc, user_pc);
    const uint64_t stub = kHandler - 4;
    place(stub, {rv::mret()});
    hart.set_pc(stub);
    hart.step(1);
    REQUIRE(hart.priv() == core::Priv::user);
    REQUIRE(hart.pc() == user_pc);
  }

  uint64_t handler() const { return handler_; }

  std::vector<uint8_t> ram;
  std::vector<uint8_t> slow_ram;
  std::vector<uint8_t> mmio;
  BusMock bus;
  core::Hart hart;

 private:
  uint8_t* byte(uint64_t addr) const {
    uint8_t* p = bus.host(addr, 1);
    if (!p) FAIL("test memory access outside the mapped regions at 0x" << std::hex << addr);
    return p;
  }

  uint64_t handler_ = kHandler;
  bool stop_at_handler_ = true;
};

// A 64-bit value that Catch prints in hex.
struct Hex {
  uint64_t value;
  bool operator==(const Hex& o) const { return value == o.value; }
};
inline std::ostream& operator<<(std::ostream& os, const Hex& h) {
  return os << "0x" << std::hex << h.value << std::dec;
}

// One row of a table-driven test: `insn` reads a1 (rs1) and a2 (rs2) and writes a0.
struct EvalCase {
  const char* what;
  Insn insn;
  uint64_t rs1;
  uint64_t rs2;
  uint64_t expected;
};

inline void check_eval(HartFixture& f, std::initializer_list<EvalCase> cases) {
  for (const EvalCase& c : cases) {
    INFO(c.what << ": rs1=" << Hex{c.rs1} << " rs2=" << Hex{c.rs2});
    CHECK(Hex{f.eval(c.insn, c.rs1, c.rs2)} == Hex{c.expected});
  }
}

}  // namespace dojo::test
