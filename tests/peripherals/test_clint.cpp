#include <catch2/catch.hpp>
#include <stdexcept>
#include <utility>
#include <vector>

#include "peripherals/clint.h"
#include "tlm_test_initiator.h"

using dojo::peripherals::Clint;
namespace registers = dojo::clint::registers;
using dojo::test::TestInitiator;
using sc_core::sc_start;
using sc_core::sc_time;
using sc_core::sc_time_stamp;
using sc_core::SC_NS;
using sc_core::SC_US;

namespace {

const sc_time tick(100, SC_NS);  // 10 MHz
const sc_time latency(5, SC_NS);

using Edges = std::vector<std::pair<sc_time, bool>>;  // (time of the call, new level)

// A CLINT whose interrupt lines record every change with the simulated time it happened at.
struct Bench {
  Edges software_edges;
  Edges timer_edges;
  Clint clint{"clint", tick,
              [this](bool level) { software_edges.emplace_back(sc_time_stamp(), level); },
              [this](bool level) { timer_edges.emplace_back(sc_time_stamp(), level); }, latency};
  TestInitiator cpu{"cpu"};
  Bench() { cpu.socket.bind(clint.socket); }

  void set_mtimecmp(uint64_t value, sc_time delay = sc_core::SC_ZERO_TIME) {
    REQUIRE(cpu.write(registers::mtimecmp_offset, 8, value, delay).ok());
  }
  uint64_t mtime(sc_time delay = sc_core::SC_ZERO_TIME) {
    auto result = cpu.read(registers::mtime_offset, 8, delay);
    REQUIRE(result.ok());
    return result.value;
  }
};

}  // namespace

TEST_CASE("Clint: mtime is simulated time in ticks, rounded down") {
  Bench bench;
  CHECK(bench.mtime() == 0);
  CHECK(bench.clint.mtime_at(sc_time(99, SC_NS)) == 0);
  CHECK(bench.clint.mtime_at(sc_time(100, SC_NS)) == 1);
  CHECK(bench.clint.mtime_at(sc_time(1999, SC_NS)) == 19);
  sc_start(sc_time(1, SC_US));
  CHECK(bench.mtime() == 10);
  // A decoupled initiator is ahead by its delay: the access happens at 1 us + 250 ns.
  CHECK(bench.mtime(sc_time(250, SC_NS)) == 12);
  sc_start(sc_time(3, SC_US));
  CHECK(bench.mtime() == 40);
}

TEST_CASE("Clint: reset state is mtimecmp all ones and both lines low") {
  Bench bench;
  CHECK(bench.cpu.read(registers::mtimecmp_offset, 8).value == ~uint64_t{0});
  CHECK(bench.cpu.read(registers::msip_offset, 4).value == 0);
  sc_start(sc_time(100, SC_US));
  CHECK_FALSE(bench.clint.timer_irq());
  CHECK_FALSE(bench.clint.software_irq());
  CHECK(bench.timer_edges.empty());
  CHECK(bench.software_edges.empty());
}

TEST_CASE("Clint: the timer interrupt rises exactly when mtime reaches mtimecmp") {
  Bench bench;
  bench.set_mtimecmp(50);  // 50 ticks = 5 us
  CHECK(bench.timer_edges.empty());
  sc_start(sc_time(4999, SC_NS));
  CHECK_FALSE(bench.clint.timer_irq());
  sc_start(sc_time(10, SC_US));
  REQUIRE(bench.timer_edges.size() == 1);
  CHECK(bench.timer_edges[0] == std::make_pair(sc_time(5, SC_US), true));
  CHECK(bench.clint.timer_irq());
}

TEST_CASE("Clint: mtimecmp already reached raises the interrupt at once") {
  Bench bench;
  sc_start(sc_time(1, SC_US));
  // The initiator is 3 us ahead of simulated time, so mtime is 40 for this access.
  bench.set_mtimecmp(20, sc_time(3, SC_US));
  REQUIRE(bench.timer_edges.size() == 1);
  CHECK(bench.timer_edges[0] == std::make_pair(sc_time(1, SC_US), true));
  bench.set_mtimecmp(40, sc_time(3, SC_US));  // equal counts as reached: stays high
  CHECK(bench.timer_edges.size() == 1);
  CHECK(bench.clint.timer_irq());
}

TEST_CASE("Clint: rewriting mtimecmp lowers the interrupt and moves the deadline") {
  Bench bench;
  bench.set_mtimecmp(10);
  sc_start(sc_time(2, SC_US));
  REQUIRE(bench.clint.timer_irq());
  bench.set_mtimecmp(100);  // 10 us
  CHECK_FALSE(bench.clint.timer_irq());
  sc_start(sc_time(20, SC_US));
  CHECK(bench.timer_edges == Edges{{sc_time(1, SC_US), true},
                                   {sc_time(2, SC_US), false},
                                   {sc_time(10, SC_US), true}});
}

TEST_CASE("Clint: a deadline replaced before it comes never fires") {
  Bench bench;
  bench.set_mtimecmp(10);  // 1 us
  sc_start(sc_time(500, SC_NS));
  bench.set_mtimecmp(30);  // 3 us
  sc_start(sc_time(500, SC_NS));
  bench.set_mtimecmp(~uint64_t{0});  // never
  sc_start(sc_time(10, SC_US));
  CHECK(bench.timer_edges.empty());
  bench.set_mtimecmp(200);  // 20 us
  sc_start(sc_time(20, SC_US));
  CHECK(bench.timer_edges == Edges{{sc_time(20, SC_US), true}});
}

TEST_CASE("Clint: mtimecmp and mtime have 32-bit halves and mtime ignores writes") {
  Bench bench;
  REQUIRE(bench.cpu.write(registers::mtimecmp_offset, 4, 0x89abcdef).ok());
  REQUIRE(bench.cpu.write(registers::mtimecmp_offset + 4, 4, 0x01234567).ok());
  CHECK(bench.cpu.read(registers::mtimecmp_offset, 8).value == 0x0123456789abcdefull);
  CHECK(bench.cpu.read(registers::mtimecmp_offset + 4, 4).value == 0x01234567);
  CHECK(bench.cpu.read(registers::mtimecmp_offset, 4).value == 0x89abcdef);
  CHECK(bench.clint.mtimecmp() == 0x0123456789abcdefull);

  // 2^32 + 5 ticks: both halves of mtime are non-zero.
  sc_start(tick * double((uint64_t{1} << 32) + 5));
  CHECK(bench.cpu.read(registers::mtime_offset, 4).value == 5);
  CHECK(bench.cpu.read(registers::mtime_offset + 4, 4).value == 1);
  REQUIRE(bench.cpu.write(registers::mtime_offset, 8, 0).ok());
  REQUIRE(bench.cpu.write(registers::mtime_offset + 4, 4, 0).ok());
  CHECK(bench.mtime() == (uint64_t{1} << 32) + 5);
}

TEST_CASE("Clint: a write to one half of mtimecmp reschedules the deadline") {
  Bench bench;
  REQUIRE(bench.cpu.write(registers::mtimecmp_offset + 4, 4, 0).ok());  // 0x00000000_ffffffff
  REQUIRE(bench.cpu.write(registers::mtimecmp_offset, 4, 30).ok());      // 30 ticks = 3 us
  sc_start(sc_time(5, SC_US));
  CHECK(bench.timer_edges == Edges{{sc_time(3, SC_US), true}});
}

TEST_CASE("Clint: msip bit 0 drives the software interrupt") {
  Bench bench;
  REQUIRE(bench.cpu.write(registers::msip_offset, 4, 1).ok());
  CHECK(bench.clint.software_irq());
  CHECK(bench.cpu.read(registers::msip_offset, 4).value == 1);
  REQUIRE(bench.cpu.write(registers::msip_offset, 4, 0xfffffffe).ok());  // bit 0 clear
  CHECK_FALSE(bench.clint.software_irq());
  CHECK(bench.cpu.read(registers::msip_offset, 4).value == 0);
  REQUIRE(bench.software_edges.size() == 2);
  CHECK(bench.software_edges[0].second);
  CHECK_FALSE(bench.software_edges[1].second);
  CHECK(bench.timer_edges.empty());
}

TEST_CASE("Clint: bad sizes and offsets are refused") {
  Bench bench;
  CHECK(bench.cpu.read(registers::msip_offset, 8).status == tlm::TLM_BURST_ERROR_RESPONSE);
  CHECK(bench.cpu.write(registers::msip_offset, 1, 1).status == tlm::TLM_BURST_ERROR_RESPONSE);
  CHECK(bench.cpu.write(registers::mtimecmp_offset, 2, 1).status == tlm::TLM_BURST_ERROR_RESPONSE);
  CHECK(bench.cpu.read(registers::msip_offset + 4, 4).status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(bench.cpu.read(registers::mtimecmp_offset + 4, 8).status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(bench.cpu.read(registers::mtimecmp_offset + 8, 8).status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(bench.cpu.read(registers::size, 4).status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK_FALSE(bench.clint.software_irq());
  CHECK(bench.clint.mtimecmp() == ~uint64_t{0});
}

TEST_CASE("Clint: latency, debug transport, and a far-away mtimecmp") {
  Bench bench;
  CHECK(bench.cpu.read(registers::mtime_offset, 8, sc_time(1, SC_NS)).delay == sc_time(6, SC_NS));
  CHECK(bench.cpu.debug_write(registers::mtimecmp_offset, 8, uint64_t{1} << 63).debug_bytes == 8);
  CHECK(bench.clint.mtimecmp() == uint64_t{1} << 63);  // beyond sc_time's range: never fires
  sc_start(sc_time(1, SC_US));
  auto mtime = bench.cpu.debug_read(registers::mtime_offset, 8);
  CHECK(mtime.debug_bytes == 8);
  CHECK(mtime.value == 10);
  CHECK(bench.timer_edges.empty());
}

TEST_CASE("Clint: a zero tick period is refused") {
  CHECK_THROWS_AS(Clint("clint", sc_core::SC_ZERO_TIME, nullptr, nullptr, latency),
                  std::invalid_argument);
}
