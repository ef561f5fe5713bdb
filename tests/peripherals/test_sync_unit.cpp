#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <stdexcept>
#include <utility>
#include <vector>

#include "bus/bus.h"
#include "peripherals/sync_unit.h"
#include "tlm_test_initiator.h"

using dojo::peripherals::SyncUnit;
namespace registers = dojo::sync::registers;
using dojo::test::TestInitiator;
using sc_core::sc_start;
using sc_core::sc_time;
using sc_core::sc_time_stamp;
using sc_core::SC_NS;

namespace {

const sc_time latency(3, SC_NS);
constexpr unsigned kCounters = 4;

uint64_t value_at(unsigned i) { return registers::value_offset + i * registers::value_stride; }
uint64_t add_at(unsigned i) { return registers::add_offset + i * registers::add_stride; }
uint64_t threshold_at(unsigned i) { return registers::threshold_offset + i * registers::threshold_stride; }
uint64_t fetch_increment_at(unsigned i) { return registers::fetch_increment_offset + i * registers::fetch_increment_stride; }

using Edges = std::vector<bool>;

// A sync unit whose interrupt line records every level change.
struct Bench {
  Edges edges;
  SyncUnit sync{"sync", kCounters, [this](bool level) { edges.push_back(level); }, latency};
  TestInitiator cpu{"cpu"};
  Bench() { cpu.socket.bind(sync.socket); }

  void write(uint64_t offset, uint64_t value) { REQUIRE(cpu.write(offset, 8, value).ok()); }
  uint64_t read(uint64_t offset) {
    auto result = cpu.read(offset, 8);
    REQUIRE(result.ok());
    return result.value;
  }
};

}  // namespace

TEST_CASE("SyncUnit: counters reset to 0 with threshold 1, interrupts disabled") {
  Bench bench;
  for (unsigned i = 0; i < kCounters; ++i) {
    CHECK(bench.read(value_at(i)) == 0);
    CHECK(bench.read(add_at(i)) == 0);
    CHECK(bench.read(threshold_at(i)) == registers::threshold_reset);
  }
  CHECK(bench.read(registers::irq_enable_offset) == 0);
  CHECK(bench.read(registers::status_offset) == 0);
  CHECK(bench.read(registers::pending_offset) == 0);
  CHECK(bench.cpu.read(registers::counters_offset, 4).value == kCounters);
  CHECK_FALSE(bench.sync.irq());
}

TEST_CASE("SyncUnit: value writes set, add writes add modulo 2^64") {
  Bench bench;
  bench.write(value_at(1), 40);
  bench.write(add_at(1), 2);
  CHECK(bench.read(value_at(1)) == 42);
  CHECK(bench.read(add_at(1)) == 42);  // the add register reads the value too
  bench.write(add_at(1), static_cast<uint64_t>(-50));
  CHECK(bench.sync.value(1) == static_cast<uint64_t>(-8));
  bench.write(add_at(1), 8);
  CHECK(bench.sync.value(1) == 0);
  bench.write(value_at(2), ~uint64_t{0});
  bench.write(add_at(2), 2);  // wraps
  CHECK(bench.sync.value(2) == 1);
  CHECK(bench.sync.value(0) == 0);
  CHECK(bench.sync.value(3) == 0);
}

TEST_CASE("SyncUnit: value and threshold have 32-bit halves, add is 64-bit only") {
  Bench bench;
  REQUIRE(bench.cpu.write(value_at(0), 4, 0x89abcdef).ok());
  REQUIRE(bench.cpu.write(value_at(0) + 4, 4, 0x01234567).ok());
  CHECK(bench.sync.value(0) == 0x0123456789abcdefull);
  CHECK(bench.cpu.read(value_at(0) + 4, 4).value == 0x01234567);
  CHECK(bench.cpu.read(value_at(0), 4).value == 0x89abcdef);
  REQUIRE(bench.cpu.write(threshold_at(3) + 4, 4, 7).ok());
  CHECK(bench.sync.threshold(3) == (uint64_t{7} << 32 | registers::threshold_reset));
  CHECK(bench.cpu.write(add_at(0), 4, 1).status == tlm::TLM_BURST_ERROR_RESPONSE);
  CHECK(bench.cpu.write(add_at(0) + 4, 4, 1).status == tlm::TLM_BURST_ERROR_RESPONSE);
  CHECK(bench.cpu.read(add_at(0), 4).status == tlm::TLM_BURST_ERROR_RESPONSE);
  CHECK(bench.sync.value(0) == 0x0123456789abcdefull);
}

TEST_CASE("SyncUnit: the interrupt follows enabled counters reaching their thresholds") {
  Bench bench;
  bench.write(threshold_at(2), 3);
  bench.write(registers::irq_enable_offset, 1u << 2);
  bench.write(add_at(2), 1);
  bench.write(add_at(2), 1);
  CHECK(bench.edges.empty());
  CHECK(bench.read(registers::pending_offset) == 0);
  bench.write(add_at(2), 1);  // reaches 3
  CHECK(bench.edges == Edges{true});
  CHECK(bench.sync.irq());
  CHECK(bench.read(registers::status_offset) == 1u << 2);
  CHECK(bench.read(registers::pending_offset) == 1u << 2);
  bench.write(add_at(2), 5);  // already high: no new edge
  CHECK(bench.edges == Edges{true});
  bench.write(add_at(2), static_cast<uint64_t>(-6));  // consumed below the threshold
  CHECK(bench.edges == Edges{true, false});
  bench.write(threshold_at(2), 2);  // lowering the threshold reaches it again
  CHECK(bench.edges == Edges{true, false, true});
  bench.write(registers::irq_enable_offset, 0);  // disabling lowers the line
  CHECK(bench.edges == Edges{true, false, true, false});
  CHECK(bench.read(registers::status_offset) == 1u << 2);  // still reached
  CHECK(bench.read(registers::pending_offset) == 0);
}

TEST_CASE("SyncUnit: a disabled counter never raises the line, an enabled one at once") {
  Bench bench;
  bench.write(value_at(0), 10);
  bench.write(value_at(1), 10);
  CHECK(bench.read(registers::status_offset) == 0b11);
  CHECK(bench.edges.empty());
  bench.write(registers::irq_enable_offset, 0b10);  // enabling a reached counter raises the line
  CHECK(bench.edges == Edges{true});
  bench.write(value_at(1), 0);
  CHECK(bench.edges == Edges{true, false});
}

TEST_CASE("SyncUnit: thresholds compare as signed numbers") {
  Bench bench;
  bench.write(registers::irq_enable_offset, 1);
  bench.write(add_at(0), static_cast<uint64_t>(-1));  // -1 < 1: not reached
  CHECK_FALSE(bench.sync.irq());
  bench.write(threshold_at(0), static_cast<uint64_t>(-5));
  CHECK(bench.sync.irq());  // -1 >= -5
  bench.write(value_at(0), uint64_t{1} << 63);  // the most negative value
  CHECK_FALSE(bench.sync.irq());
  CHECK(bench.edges == Edges{true, false});
}

TEST_CASE("SyncUnit: the enable mask keeps only bits of existing counters") {
  Bench bench;
  bench.write(registers::irq_enable_offset, ~uint64_t{0});
  CHECK(bench.read(registers::irq_enable_offset) == (1u << kCounters) - 1);
  CHECK(bench.sync.irq_enable() == (1u << kCounters) - 1);
}

TEST_CASE("SyncUnit: fetch_increment reads hand out tickets, debug reads do not take one") {
  Bench bench;
  bench.write(value_at(3), 7);
  CHECK(bench.read(fetch_increment_at(3)) == 7);
  CHECK(bench.read(fetch_increment_at(3)) == 8);
  CHECK(bench.sync.value(3) == 9);
  auto peek = bench.cpu.debug_read(fetch_increment_at(3), 8);
  CHECK(peek.debug_bytes == 8);
  CHECK(peek.value == 9);
  CHECK(bench.sync.value(3) == 9);
  REQUIRE(bench.cpu.write(fetch_increment_at(3), 8, 100).ok());  // ignored
  CHECK(bench.sync.value(3) == 9);
  CHECK(bench.cpu.read(fetch_increment_at(3), 4).status == tlm::TLM_BURST_ERROR_RESPONSE);
  CHECK(bench.sync.value(3) == 9);  // a refused read takes no ticket
  // A ticket can reach the threshold like any other change.
  bench.write(threshold_at(3), 10);
  bench.write(registers::irq_enable_offset, 1u << 3);
  CHECK(bench.edges.empty());
  CHECK(bench.read(fetch_increment_at(3)) == 9);
  CHECK(bench.edges == Edges{true});
}

TEST_CASE("SyncUnit: debug transport reads and writes like blocking transport") {
  Bench bench;
  CHECK(bench.cpu.debug_write(add_at(1), 8, 5).debug_bytes == 8);
  CHECK(bench.cpu.debug_write(add_at(1), 8, 5).debug_bytes == 8);
  CHECK(bench.sync.value(1) == 10);
  CHECK(bench.cpu.debug_read(value_at(1), 8).value == 10);
  CHECK(bench.cpu.debug_read(value_at(kCounters), 8).debug_bytes == 0);
}

TEST_CASE("SyncUnit: bad offsets, sizes and byte enables are refused") {
  Bench bench;
  const uint64_t unmapped[] = {value_at(kCounters), add_at(kCounters), threshold_at(kCounters),
                               fetch_increment_at(kCounters), registers::counters_offset + 4,
                               registers::size, 0x3f8};
  for (uint64_t offset : unmapped) {
    INFO("offset " << offset);
    CHECK(bench.cpu.read(offset, 8).status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(bench.cpu.write(offset, 8, 1).status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  }
  CHECK(bench.cpu.read(value_at(0) + 2, 2).status == tlm::TLM_BURST_ERROR_RESPONSE);
  CHECK(bench.cpu.read(value_at(0), 16).status == tlm::TLM_BURST_ERROR_RESPONSE);
  CHECK(bench.cpu.write(value_at(0) + 4, 8, 1).status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(bench.cpu.write(registers::counters_offset, 8, 1).status ==
        tlm::TLM_BURST_ERROR_RESPONSE);
  CHECK(bench.cpu.write_with_byte_enables(add_at(0), 8, 1).status ==
        tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
  REQUIRE(bench.cpu.write(registers::status_offset, 8, ~uint64_t{0}).ok());  // read-only: ignored
  REQUIRE(bench.cpu.write(registers::counters_offset, 4, 99).ok());
  CHECK(bench.read(registers::status_offset) == 0);
  CHECK(bench.cpu.read(registers::counters_offset, 4).value == kCounters);
  for (unsigned i = 0; i < kCounters; ++i) CHECK(bench.sync.value(i) == 0);
}

TEST_CASE("SyncUnit: every access is annotated with the latency") {
  Bench bench;
  CHECK(bench.cpu.read(value_at(0), 8, sc_time(10, SC_NS)).delay == sc_time(13, SC_NS));
  CHECK(bench.cpu.write(add_at(0), 8, 1, sc_time(1, SC_NS)).delay == sc_time(4, SC_NS));
  CHECK(bench.cpu.read(fetch_increment_at(0), 8).delay == latency);
  CHECK(bench.cpu.read(registers::size, 8).delay == latency);  // errors take the time too
}

TEST_CASE("SyncUnit: the number of counters is 1 to 64") {
  CHECK_THROWS_AS(SyncUnit("none", 0, nullptr, latency), std::invalid_argument);
  CHECK_THROWS_AS(SyncUnit("too_many", SyncUnit::max_counters + 1, nullptr, latency),
                  std::invalid_argument);
  SyncUnit widest("widest", SyncUnit::max_counters, nullptr, latency);
  TestInitiator cpu("cpu");
  cpu.socket.bind(widest.socket);
  REQUIRE(cpu.write(registers::irq_enable_offset, 8, ~uint64_t{0}).ok());
  REQUIRE(cpu.write(add_at(63), 8, 1).ok());  // no callback: the line is only state
  CHECK(widest.irq());
  CHECK(cpu.read(registers::pending_offset, 8).value == uint64_t{1} << 63);
  CHECK(cpu.read(registers::counters_offset, 4).value == 64);
}

namespace {

// Two initiators (say, two cores through the network) adding to and taking tickets from one
// counter through a bus, interleaved in simulated time.
struct Contender : sc_core::sc_module {
  TestInitiator port{"port"};
  uint64_t base;
  int64_t amount;
  unsigned rounds;
  sc_time period;
  std::vector<uint64_t> tickets;
  bool all_ok = true;

  Contender(sc_core::sc_module_name name, uint64_t base, int64_t amount, unsigned rounds,
            sc_time period)
      : sc_module(name), base(base), amount(amount), rounds(rounds), period(period) {
    SC_HAS_PROCESS(Contender);
    SC_THREAD(run);
  }
  void run() {
    for (unsigned i = 0; i < rounds; ++i) {
      all_ok &= port.write(base + add_at(0), 8, static_cast<uint64_t>(amount)).ok();
      auto ticket = port.read(base + fetch_increment_at(1), 8);
      all_ok &= ticket.ok();
      tickets.push_back(ticket.value);
      wait(period);
    }
  }
};

}  // namespace

TEST_CASE("SyncUnit: adds and tickets from two initiators through a bus all count") {
  constexpr uint64_t base = 0x03010000;
  constexpr unsigned rounds = 500;
  SyncUnit sync("sync", kCounters, nullptr, latency);
  dojo::bus::Bus bus("bus");
  Contender a("a", base, 3, rounds, sc_time(7, SC_NS));
  Contender b("b", base, -1, rounds, sc_time(5, SC_NS));
  a.port.socket.bind(bus.target);
  b.port.socket.bind(bus.target);
  bus.initiator.bind(sync.socket);
  bus.map(0, base, registers::size, "sync");
  sc_start();
  CHECK(a.all_ok);
  CHECK(b.all_ok);
  CHECK(sync.value(0) == rounds * 3 - rounds);
  std::vector<uint64_t> tickets = a.tickets;
  tickets.insert(tickets.end(), b.tickets.begin(), b.tickets.end());
  std::sort(tickets.begin(), tickets.end());
  REQUIRE(tickets.size() == 2 * rounds);
  for (unsigned i = 0; i < tickets.size(); ++i) CHECK(tickets[i] == i);  // each handed out once
  CHECK(sync.value(1) == 2 * rounds);
  CHECK(sc_time_stamp() >= sc_time(7 * (rounds - 1), SC_NS));
}
