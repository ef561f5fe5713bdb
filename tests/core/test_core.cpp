// dojo::core::Core, the SystemC wrapper around the hart, in a small system:
//
//   core --> bus --+--> link --> sram   (0x8000_0000, 64 KiB; the link counts what reaches it)
//   loader -->     +--> mmio            (0x1000_0000, and nested in SRAM at 0x8000_8000)
//
// Programs are raw instruction words loaded through debug transport. The clock is 2 GHz (500 ps)
// and the default cycle model applies: 1 cycle per instruction, 2 per taken branch or jump.
#include <catch2/catch.hpp>

#include <cstring>
#include <functional>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <vector>

#include "bus/bus.h"
#include "core/core.h"
#include "core/parallel_runner.h"
#include "memory/sram.h"

using Catch::Matchers::StartsWith;
using dojo::core::Core;
using dojo::core::CoreParams;
using dojo::core::Irq;
using sc_core::SC_NS;
using sc_core::SC_PS;
using sc_core::SC_US;
using sc_core::sc_time;

namespace {

// Just the encodings these programs use.
namespace rv {
constexpr uint32_t i_type(uint32_t opcode, unsigned funct3, unsigned rd, unsigned rs1,
                          int32_t imm) {
  return (static_cast<uint32_t>(imm) & 0xfff) << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | opcode;
}
constexpr uint32_t addi(unsigned rd, unsigned rs1, int32_t imm) {
  return i_type(0x13, 0, rd, rs1, imm);
}
constexpr uint32_t slli(unsigned rd, unsigned rs1, unsigned shamt) {
  return i_type(0x13, 1, rd, rs1, static_cast<int32_t>(shamt));
}
constexpr uint32_t lui(unsigned rd, uint32_t imm20) { return imm20 << 12 | rd << 7 | 0x37; }
constexpr uint32_t auipc(unsigned rd, uint32_t imm20) { return imm20 << 12 | rd << 7 | 0x17; }
constexpr uint32_t sw(unsigned rs2, unsigned rs1, int32_t imm) {
  const uint32_t bits = static_cast<uint32_t>(imm) & 0xfff;
  return (bits >> 5) << 25 | rs2 << 20 | rs1 << 15 | 2 << 12 | (bits & 0x1f) << 7 | 0x23;
}
constexpr uint32_t bne(unsigned rs1, unsigned rs2, int32_t offset) {
  const uint32_t o = static_cast<uint32_t>(offset);
  return ((o >> 12) & 1) << 31 | ((o >> 5) & 0x3f) << 25 | rs2 << 20 | rs1 << 15 | 1 << 12 |
         ((o >> 1) & 0xf) << 8 | ((o >> 11) & 1) << 7 | 0x63;
}
constexpr uint32_t jal(unsigned rd, int32_t offset) {
  const uint32_t o = static_cast<uint32_t>(offset);
  return ((o >> 20) & 1) << 31 | ((o >> 1) & 0x3ff) << 21 | ((o >> 11) & 1) << 20 |
         ((o >> 12) & 0xff) << 12 | rd << 7 | 0x6f;
}
constexpr uint32_t csrrw(unsigned rd, unsigned csr, unsigned rs1) {
  return csr << 20 | rs1 << 15 | 1 << 12 | rd << 7 | 0x73;
}
constexpr uint32_t csrrs(unsigned rd, unsigned csr, unsigned rs1) {
  return csr << 20 | rs1 << 15 | 2 << 12 | rd << 7 | 0x73;
}
constexpr uint32_t wfi() { return 0x10500073; }
constexpr unsigned kMie = 0x304, kTime = 0xc01;
}  // namespace rv

constexpr uint64_t kSramBase = 0x8000'0000;
constexpr uint64_t kSramSize = 0x1'0000;
constexpr uint64_t kMmioBase = 0x1000'0000;
constexpr uint64_t kHoleBase = kSramBase + 0x8000;  // the MMIO target again, inside SRAM
const sc_time kPeriod(500, SC_PS);
const sc_time kMmioLatency(10, SC_NS);  // 20 cycles of stall

// Forwards everything between the bus and the SRAM, counting what passes.
struct CountingLink : sc_core::sc_module {
  tlm_utils::simple_target_socket<CountingLink> target{"target"};
  tlm_utils::simple_initiator_socket<CountingLink> initiator{"initiator"};
  unsigned transports = 0;
  unsigned dmi_requests = 0;

  explicit CountingLink(sc_core::sc_module_name name) : sc_core::sc_module(name) {
    target.register_b_transport(this, &CountingLink::b_transport);
    target.register_transport_dbg(this, &CountingLink::transport_dbg);
    target.register_get_direct_mem_ptr(this, &CountingLink::get_direct_mem_ptr);
    initiator.register_invalidate_direct_mem_ptr(this, &CountingLink::invalidate);
  }
  void b_transport(tlm::tlm_generic_payload& trans, sc_time& delay) {
    ++transports;
    initiator->b_transport(trans, delay);
  }
  unsigned transport_dbg(tlm::tlm_generic_payload& trans) {
    return initiator->transport_dbg(trans);
  }
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi) {
    ++dmi_requests;
    return initiator->get_direct_mem_ptr(trans, dmi);
  }
  void invalidate(sc_dt::uint64 start, sc_dt::uint64 end) {
    target->invalidate_direct_mem_ptr(start, end);
  }
};

// A device that records writes (offset, value, and the time they happen at) and reads as 0.
struct Mmio : sc_core::sc_module {
  struct Write {
    uint64_t offset;
    uint64_t value;
    sc_time time;
  };
  tlm_utils::simple_target_socket<Mmio> socket{"socket"};
  std::vector<Write> writes;
  std::function<void(uint64_t offset)> on_write;

  explicit Mmio(sc_core::sc_module_name name) : sc_core::sc_module(name) {
    socket.register_b_transport(this, &Mmio::b_transport);
  }
  void b_transport(tlm::tlm_generic_payload& trans, sc_time& delay) {
    if (trans.is_write()) {
      uint64_t value = 0;
      std::memcpy(&value, trans.get_data_ptr(), std::min(trans.get_data_length(), 8u));
      writes.push_back({trans.get_address(), value, sc_core::sc_time_stamp() + delay});
    } else {
      std::memset(trans.get_data_ptr(), 0, trans.get_data_length());
    }
    delay += kMmioLatency;
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    if (trans.is_write() && on_write) on_write(trans.get_address());
  }
};

// Writes the program through the bus's debug transport before the core starts.
struct Loader : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Loader> socket{"socket"};
  std::vector<std::pair<uint64_t, std::vector<uint32_t>>> chunks;

  explicit Loader(sc_core::sc_module_name name) : sc_core::sc_module(name) {}
  void start_of_simulation() override {
    for (auto& [address, words] : chunks) {
      tlm::tlm_generic_payload trans;
      trans.set_command(tlm::TLM_WRITE_COMMAND);
      trans.set_address(address);
      trans.set_data_ptr(reinterpret_cast<unsigned char*>(words.data()));
      trans.set_data_length(static_cast<unsigned>(words.size() * 4));
      REQUIRE(socket->transport_dbg(trans) == words.size() * 4);
    }
  }
};

CoreParams default_params() {
  CoreParams params;
  params.hart.reset_pc = kSramBase;
  params.clock_period = kPeriod;
  params.fast_base = kSramBase;
  params.fast_size = kSramSize;
  return params;
}

struct System : sc_core::sc_module {
  Core core;
  dojo::bus::Bus bus{"bus"};
  CountingLink link{"link"};
  dojo::memory::Sram sram{"sram", kSramSize, sc_time(1, SC_NS), sc_time(1, SC_NS)};
  Mmio mmio{"mmio"};
  Loader loader{"loader"};

  // A write to MMIO offset 0 halts the core; offset 0x10 invalidates the SRAM's DMI.
  System(sc_core::sc_module_name name, const std::vector<uint32_t>& program,
         const CoreParams& params = default_params(), sc_time quantum = sc_time(1, SC_US))
      : sc_core::sc_module(name), core("core", params) {
    tlm::tlm_global_quantum::instance().set(quantum);
    core.socket.bind(bus.target);
    loader.socket.bind(bus.target);
    bus.initiator.bind(link.target);
    bus.initiator.bind(mmio.socket);
    link.initiator.bind(sram.socket);
    bus.map(0, kSramBase, kSramSize, "sram");
    bus.map(1, kMmioBase, 0x100, "mmio");
    bus.map(1, kHoleBase, 8, "hole");
    loader.chunks.push_back({kSramBase, program});
    mmio.on_write = [this](uint64_t offset) {
      if (offset == 0) core.halt();
      if (offset == 0x10) link.target->invalidate_direct_mem_ptr(0, kSramSize - 1);
    };
  }

  void run() { sc_core::sc_start(sc_time(1, sc_core::SC_MS), sc_core::SC_EXIT_ON_STARVATION); }
};

// x1 counts to 100, then is stored to the MMIO device, which halts the core.
std::vector<uint32_t> counting_program() {
  return {
      rv::addi(1, 0, 0),    // 0x00
      rv::addi(2, 0, 100),  // 0x04
      rv::addi(1, 1, 1),    // 0x08 loop
      rv::bne(1, 2, -4),    // 0x0c
      rv::lui(3, 0x10000),  // 0x10 x3 = MMIO
      rv::sw(1, 3, 0),      // 0x14 halts
      rv::jal(0, 0),        // 0x18
  };
}
// Cycles before the store: 2 + 100 addi + 99 taken branches (2 each) + 1 not taken + lui.
constexpr uint64_t kCyclesBeforeStore = 2 + 100 + 99 * 2 + 1 + 1;
// The store's own cycle and the device's latency (10 ns = 20 cycles) as stall.
constexpr uint64_t kCyclesAtHalt = kCyclesBeforeStore + 1 + 20;

void check_counting_run(System& system) {
  REQUIRE(system.core.state() == Core::State::halted);
  CHECK(system.core.hart().x(1) == 100);
  CHECK(system.core.stop_message().empty());
  REQUIRE(system.mmio.writes.size() == 1);
  CHECK(system.mmio.writes[0].value == 100);
  CHECK(system.mmio.writes[0].time == kPeriod * static_cast<double>(kCyclesBeforeStore));
  CHECK(system.core.hart().cycles() == kCyclesAtHalt);
  CHECK(sc_core::sc_time_stamp() == kPeriod * static_cast<double>(kCyclesAtHalt));
}

}  // namespace

TEST_CASE("Core: runs a loop, stops on halt() from a device, time is cycles times the period") {
  System system("system", counting_program());
  system.run();
  check_counting_run(system);
  // Code and data came through DMI: the SRAM never saw a transaction.
  CHECK(system.link.transports == 0);
  CHECK(system.link.dmi_requests == 2);  // below and above the nested device
}

TEST_CASE("Core: the quantum does not change simulated times") {
  System system("system", counting_program(), default_params(), sc_time(10, SC_NS));
  system.run();
  check_counting_run(system);
}

TEST_CASE("Core: finished_event is notified when the core stops") {
  System system("system", counting_program());
  sc_time finished_at;
  sc_core::sc_spawn([&] {
    sc_core::wait(system.core.finished_event());
    finished_at = sc_core::sc_time_stamp();
  });
  system.run();
  CHECK(finished_at == kPeriod * static_cast<double>(kCyclesAtHalt));
}

TEST_CASE("Core: slices on the parallel runner reach a slice device, held until their batch ends") {
  System system("system", {
                              rv::lui(3, 0x10000),  // 0x00 x3 = MMIO
                              rv::addi(1, 0, 5),    // 0x04
                              rv::sw(1, 3, 0x80),   // 0x08 loop: to the slice device
                              rv::addi(1, 1, -1),   // 0x0c
                              rv::bne(1, 0, -8),    // 0x10
                              rv::sw(1, 3, 0),      // 0x14 halts: not a slice device
                              rv::jal(0, 0),        // 0x18
                          });
  dojo::core::ParallelRunner runner("runner", 2, 256);
  system.core.set_parallel_runner(&runner);
  bool held = false;
  std::vector<bool> holds, held_at_write;
  system.core.add_slice_device(kMmioBase + 0x80, 0x80, [&](bool hold) {
    held = hold;
    holds.push_back(hold);
  });
  system.mmio.on_write = [&, halt = system.mmio.on_write](uint64_t offset) {
    held_at_write.push_back(held);
    halt(offset);
  };
  system.run();
  REQUIRE(system.core.state() == Core::State::halted);
  // The loop's stores came from the slice, the halting one from the core's thread.
  CHECK(held_at_write == std::vector<bool>{true, true, true, true, true, false});
  // One batch: held at its first store, released when the halting store ended it.
  CHECK(holds == std::vector<bool>{true, false});
  // At the times they have without the runner: each round is the store and its 20 cycles of
  // stall, addi and the taken branch.
  REQUIRE(system.mmio.writes.size() == 6);
  for (unsigned i = 0; i < 5; ++i) {
    CHECK(system.mmio.writes[i].value == 5 - i);
    CHECK(system.mmio.writes[i].time == kPeriod * static_cast<double>(2 + 24 * i));
  }
}

TEST_CASE("Core: DMI covers SRAM on both sides of a nested device, which still sees its accesses") {
  System system("system", {
      rv::auipc(3, 0x8),     // 0x0000 x3 = the nested device at 0x8000_8000
      rv::jal(0, 0x9000 - 4) // 0x0004 continue above it
  });
  system.loader.chunks.push_back({kSramBase + 0x9000,
                                  {
                                      rv::addi(6, 0, 77),   // 0x9000
                                      rv::sw(6, 3, 0x100),  // 0x9004 SRAM above the device
                                      rv::sw(6, 3, 0),      // 0x9008 the device: halts
                                      rv::jal(0, 0),
                                  }});
  system.run();
  REQUIRE(system.core.state() == Core::State::halted);
  REQUIRE(system.mmio.writes.size() == 1);
  CHECK(system.mmio.writes[0].offset == 0);
  CHECK(system.mmio.writes[0].value == 77);
  CHECK(system.sram.data()[0x8100] == 77);
  CHECK(system.sram.data()[0x8000] == 0);
  CHECK(system.link.transports == 0);
}

TEST_CASE("Core: after a DMI invalidation the core asks again and keeps running") {
  System system("system", {
      rv::lui(3, 0x10000),  // x3 = MMIO
      rv::addi(6, 0, 5),
      rv::sw(6, 3, 0x10),  // the device invalidates the SRAM's DMI
      rv::addi(6, 6, 1),
      rv::sw(6, 3, 0),  // halts
      rv::jal(0, 0),
  });
  system.run();
  REQUIRE(system.core.state() == Core::State::halted);
  CHECK(system.core.hart().x(6) == 6);
  CHECK(system.link.dmi_requests == 4);  // two pieces at start, two again
  CHECK(system.link.transports == 0);
}

TEST_CASE("Core: WFI sleeps until set_irq and resumes at the next clock edge") {
  System system("system", {
      rv::addi(5, 0, 1),
      rv::slli(5, 5, 11),          // mie.MEIE
      rv::csrrw(0, rv::kMie, 5),   // mstatus.MIE stays 0: the wake-up takes no trap
      rv::wfi(),                   // cycle 3; sleeps from cycle 4
      rv::addi(6, 0, 42),
      rv::lui(3, 0x10000),
      rv::sw(6, 3, 0),             // halts
      rv::jal(0, 0),
  });
  Core::State state_while_asleep = Core::State::running;
  sc_core::sc_spawn([&] {
    sc_core::wait(sc_time(5, SC_US));
    state_while_asleep = system.core.state();
    sc_core::wait(sc_time(5'000'250, SC_PS));  // wakes between two clock edges, at 10.00025 us
    system.core.set_irq(Irq::external, true);
  });
  system.run();
  CHECK(state_while_asleep == Core::State::waiting);
  REQUIRE(system.core.state() == Core::State::halted);
  CHECK(system.core.hart().x(6) == 42);
  REQUIRE(system.mmio.writes.size() == 1);
  // The first edge at or after 10.00025 us is cycle 20001; addi and lui follow.
  CHECK(system.mmio.writes[0].time == kPeriod * 20003.0);
  CHECK(system.core.hart().cycles() == 20003 + 1 + 20);
  CHECK(system.core.wfi_cycles() == 20001 - 4);
  CHECK(system.core.stall_cycles() == 20);  // the device's 10 ns
}

// A debugger that lets the core run and records what it is told.
struct RecordingDebugger : dojo::core::CoreDebugger {
  std::vector<dojo::core::WatchHit> watched_writes;
  Resume before_slice(Core&, Event) override { return Resume::run; }
  void core_finished(Core&) override {}
  void watched_write(Core& core) override { watched_writes.push_back(core.hart().watch_hit()); }
};

TEST_CASE("Core: another initiator's write to watched memory or its alias tells the debugger") {
  CoreParams params = default_params();
  params.fast_alias = 0x1'0000'0000;
  System system("system", {
      rv::wfi(),  // sleeps: nothing wakes it but the debugger
      rv::addi(6, 0, 42),
      rv::lui(3, 0x10000),
      rv::sw(6, 3, 0),  // halts
      rv::jal(0, 0),
  }, params);
  RecordingDebugger debugger;
  system.core.set_debugger(&debugger);
  sc_core::sc_spawn([&] {
    sc_core::wait(sc_time(5, SC_US));
    system.core.memory_written(kSramBase + 0x100, 8);  // no watchpoint yet
    system.core.hart().set_watchpoints({{kSramBase + 0x104, 4, false, true},
                                        {kSramBase + 0x200, 8, true, false},
                                        {params.fast_alias + 0x300, 4, true, true}});
    system.core.memory_written(kSramBase + 0x100, 8);  // overlaps the write watchpoint
    system.core.memory_written(kSramBase + 0x200, 8);  // a read watchpoint: writes pass
    system.core.memory_written(kSramBase + 0x108, 8);  // next to it
    system.core.memory_written(kSramBase + 0x302, 1);  // the access watchpoint, by its alias
    system.core.wake_for_debugger();
  });
  system.run();
  REQUIRE(debugger.watched_writes.size() == 2);
  CHECK(debugger.watched_writes[0].addr == kSramBase + 0x100);
  CHECK(debugger.watched_writes[0].len == 8);
  CHECK(debugger.watched_writes[0].write);
  CHECK(debugger.watched_writes[1].addr == params.fast_alias + 0x302);
  // The debugger's wake-up ended the WFI sleep without an interrupt.
  REQUIRE(system.core.state() == Core::State::halted);
  CHECK(system.core.hart().x(6) == 42);
  system.core.set_debugger(nullptr);
}

TEST_CASE("Core: a core held in reset starts its clock when released") {
  CoreParams params = default_params();
  params.start_in_reset = true;
  System system("system", counting_program(), params);
  Core::State state_before = Core::State::running;
  sc_time local_before = sc_time(1, SC_NS);
  sc_core::sc_spawn([&] {
    sc_core::wait(sc_time(1, SC_US));
    state_before = system.core.state();
    local_before = system.core.local_time();
    system.core.release(sc_time(2, SC_US));  // an absolute time, a microsecond from now
  });
  system.run();
  CHECK(state_before == Core::State::reset);
  CHECK(local_before == sc_core::SC_ZERO_TIME);
  REQUIRE(system.core.state() == Core::State::halted);
  REQUIRE(system.mmio.writes.size() == 1);
  CHECK(system.mmio.writes[0].time ==
        sc_time(2, SC_US) + kPeriod * static_cast<double>(kCyclesBeforeStore));
  CHECK(system.core.hart().cycles() == kCyclesAtHalt);  // no cycles counted in reset
  CHECK(system.core.local_time() == sc_time(2, SC_US) + kPeriod * static_cast<double>(kCyclesAtHalt));
}

TEST_CASE("Core: the watchdog stops a core that runs too long") {
  CoreParams params = default_params();
  params.hart.hartid = 3;
  params.max_instructions = 1000;
  System system("system", {rv::jal(0, 0)}, params);
  system.run();
  REQUIRE(system.core.state() == Core::State::watchdog);
  CHECK(system.core.hart().instret() == 1000);
  CHECK(system.core.stop_message() ==
        "core 3: executed 1000 instructions without finishing (pc 0x80000000)");
  CHECK(sc_core::sc_time_stamp() == kPeriod * 2000.0);  // two cycles per jump
}

TEST_CASE("Core: a hart that cannot go on stops the core with a fatal message") {
  // An illegal instruction traps to mtvec = 0, where nothing is mapped: the handler cannot even
  // be fetched.
  System system("system", {0x00000000});
  system.run();
  REQUIRE(system.core.state() == Core::State::fatal);
  CHECK_THAT(system.core.stop_message(), StartsWith("core 0: hart 0: the trap handler at 0x0"));
}

TEST_CASE("Core: the time CSR reads mtime_source at the core's local time") {
  System system("system", {
      rv::addi(1, 0, 1),
      rv::addi(1, 0, 2),
      rv::addi(1, 0, 3),
      rv::addi(1, 0, 4),
      rv::csrrs(7, rv::kTime, 0),  // cycle 4, at 2 ns
      rv::lui(3, 0x10000),
      rv::sw(0, 3, 0),
  });
  system.core.mtime_source = [](sc_time time) { return time.value(); };  // picoseconds
  system.run();
  CHECK(system.core.hart().x(7) == 2000);
}

TEST_CASE("Core: a zero clock period is refused") {
  CoreParams params = default_params();
  params.clock_period = sc_core::SC_ZERO_TIME;
  CHECK_THROWS_WITH(Core("core", params), Catch::Matchers::Contains("clock_period"));
}
