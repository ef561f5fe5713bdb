// dojo::bus::Bus: routing, address translation, nested mappings, DMI clipping, invalidation and
// debug transport, with small recording initiators and targets. Transactions are issued from the
// test body after elaboration (nothing here waits).
#include <catch2/catch.hpp>

#include <array>
#include <memory>
#include <stdexcept>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <utility>
#include <vector>

#include "bus/bus.h"

using Catch::Matchers::Contains;
using dojo::bus::Bus;
using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

using Range = std::pair<uint64_t, uint64_t>;

struct Initiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Initiator> socket{"socket"};
  std::vector<Range> invalidations;

  explicit Initiator(sc_core::sc_module_name name) : sc_core::sc_module(name) {
    socket.register_invalidate_direct_mem_ptr(this, &Initiator::invalidate);
  }
  void invalidate(sc_dt::uint64 start, sc_dt::uint64 end) { invalidations.emplace_back(start, end); }
};

// A memory-like target that records the offsets it is accessed at and, if asked, grants DMI over
// all of its storage.
struct Target : sc_core::sc_module {
  tlm_utils::simple_target_socket<Target> socket{"socket"};
  std::vector<uint8_t> storage;
  std::vector<uint64_t> seen;  // offsets of b_transport and debug accesses
  sc_time latency;

  Target(sc_core::sc_module_name name, size_t size, bool grants_dmi, sc_time latency)
      : sc_core::sc_module(name), storage(size), latency(latency) {
    socket.register_b_transport(this, &Target::b_transport);
    socket.register_transport_dbg(this, &Target::transport_dbg);
    if (grants_dmi) socket.register_get_direct_mem_ptr(this, &Target::get_direct_mem_ptr);
  }

  void copy(tlm::tlm_generic_payload& trans) {
    uint8_t* cell = &storage.at(trans.get_address());
    if (trans.is_read()) {
      std::copy(cell, cell + trans.get_data_length(), trans.get_data_ptr());
    } else {
      std::copy(trans.get_data_ptr(), trans.get_data_ptr() + trans.get_data_length(), cell);
    }
  }
  void b_transport(tlm::tlm_generic_payload& trans, sc_time& delay) {
    seen.push_back(trans.get_address());
    copy(trans);
    delay += latency;
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  unsigned transport_dbg(tlm::tlm_generic_payload& trans) {
    seen.push_back(trans.get_address());
    copy(trans);
    return trans.get_data_length();
  }
  bool get_direct_mem_ptr(tlm::tlm_generic_payload&, tlm::tlm_dmi& dmi) {
    dmi.set_dmi_ptr(storage.data());
    dmi.set_start_address(0);
    dmi.set_end_address(storage.size() - 1);
    dmi.set_granted_access(tlm::tlm_dmi::DMI_ACCESS_READ_WRITE);
    return true;
  }
  void invalidate(uint64_t start, uint64_t end) { socket->invalidate_direct_mem_ptr(start, end); }
};

constexpr uint64_t kRamBase = 0x8000'0000;
constexpr uint64_t kRamSize = 0x1'0000;
constexpr uint64_t kHoleBase = kRamBase + 0x1000;  // an HTIF-like word inside the RAM
constexpr uint64_t kHoleSize = 8;
constexpr uint64_t kUartBase = 0x1000'0000;

// Two initiators; a RAM with DMI (port 0), a device nested inside the RAM (port 1) and a UART
// (port 2), both without DMI.
struct Bench : sc_core::sc_module {
  Bus bus{"bus"};
  Initiator cpu0{"cpu0"};
  Initiator cpu1{"cpu1"};
  Target ram{"ram", kRamSize, true, sc_time(10, SC_NS)};
  Target hole{"hole", kHoleSize, false, sc_time(1, SC_NS)};
  Target uart{"uart", 0x100, false, sc_time(100, SC_NS)};

  explicit Bench(sc_core::sc_module_name name) : sc_core::sc_module(name) {
    cpu0.socket.bind(bus.target);
    cpu1.socket.bind(bus.target);
    bus.initiator.bind(ram.socket);
    bus.initiator.bind(hole.socket);
    bus.initiator.bind(uart.socket);
    bus.map(0, kRamBase, kRamSize, "ram");
    bus.map(1, kHoleBase, kHoleSize, "htif");
    bus.map(2, kUartBase, 0x100, "uart");
  }

  void elaborate() { sc_core::sc_start(sc_core::SC_ZERO_TIME); }

  tlm::tlm_response_status access(Initiator& cpu, tlm::tlm_command command, uint64_t address,
                                  uint8_t* data, unsigned length, sc_time& delay,
                                  uint64_t* address_after = nullptr) {
    tlm::tlm_generic_payload trans;
    trans.set_command(command);
    trans.set_address(address);
    trans.set_data_ptr(data);
    trans.set_data_length(length);
    trans.set_streaming_width(length);
    trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    cpu.socket->b_transport(trans, delay);
    if (address_after) *address_after = trans.get_address();
    return trans.get_response_status();
  }

  bool dmi(uint64_t address, tlm::tlm_dmi& dmi) {
    tlm::tlm_generic_payload trans;
    trans.set_command(tlm::TLM_READ_COMMAND);
    trans.set_address(address);
    return cpu0.socket->get_direct_mem_ptr(trans, dmi);
  }
};

}  // namespace

TEST_CASE("Bus: routes by address and hands targets offsets from the mapping base") {
  Bench bench("bench");
  bench.elaborate();
  std::array<uint8_t, 4> data{1, 2, 3, 4};
  sc_time delay(5, SC_NS);
  uint64_t address_after = 0;
  REQUIRE(bench.access(bench.cpu0, tlm::TLM_WRITE_COMMAND, kRamBase + 0x10, data.data(), 4, delay,
                       &address_after) == tlm::TLM_OK_RESPONSE);
  CHECK(bench.ram.seen == std::vector<uint64_t>{0x10});
  CHECK(bench.ram.storage[0x13] == 4);
  CHECK(address_after == kRamBase + 0x10);  // restored for the initiator
  CHECK(delay == sc_time(15, SC_NS));       // the target's latency passes through

  REQUIRE(bench.access(bench.cpu1, tlm::TLM_READ_COMMAND, kUartBase + 4, data.data(), 1, delay) ==
          tlm::TLM_OK_RESPONSE);
  CHECK(bench.uart.seen == std::vector<uint64_t>{4});
  CHECK(delay == sc_time(115, SC_NS));
}

TEST_CASE("Bus: the innermost mapping wins inside a nested range") {
  Bench bench("bench");
  bench.elaborate();
  std::array<uint8_t, 8> data{};
  sc_time delay;
  REQUIRE(bench.access(bench.cpu0, tlm::TLM_WRITE_COMMAND, kHoleBase, data.data(), 8, delay) ==
          tlm::TLM_OK_RESPONSE);
  REQUIRE(bench.access(bench.cpu0, tlm::TLM_WRITE_COMMAND, kHoleBase + 8, data.data(), 8, delay) ==
          tlm::TLM_OK_RESPONSE);
  REQUIRE(bench.access(bench.cpu0, tlm::TLM_WRITE_COMMAND, kHoleBase - 8, data.data(), 8, delay) ==
          tlm::TLM_OK_RESPONSE);
  CHECK(bench.hole.seen == std::vector<uint64_t>{0});
  CHECK(bench.ram.seen == std::vector<uint64_t>{0x1008, 0xff8});
}

TEST_CASE("Bus: unmapped and boundary-crossing accesses get an address error") {
  Bench bench("bench");
  bench.elaborate();
  std::array<uint8_t, 8> data{};
  sc_time delay;
  CHECK(bench.access(bench.cpu0, tlm::TLM_READ_COMMAND, 0, data.data(), 4, delay) ==
        tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(bench.access(bench.cpu0, tlm::TLM_READ_COMMAND, ~uint64_t{0}, data.data(), 1, delay) ==
        tlm::TLM_ADDRESS_ERROR_RESPONSE);
  // Off the end of the RAM, and from the RAM into the nested device.
  CHECK(bench.access(bench.cpu0, tlm::TLM_READ_COMMAND, kRamBase + kRamSize - 4, data.data(), 8,
                     delay) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(bench.access(bench.cpu0, tlm::TLM_WRITE_COMMAND, kHoleBase - 4, data.data(), 8, delay) ==
        tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(bench.ram.seen.empty());
  CHECK(bench.hole.seen.empty());
  CHECK(delay == sc_core::SC_ZERO_TIME);
}

TEST_CASE("Bus: map() refuses partial overlaps, duplicates, empty and wrapping ranges") {
  Bus bus("bus");
  bus.map(0, 0x1000, 0x1000, "outer");
  bus.map(1, 0x1100, 0x100, "inner");
  CHECK_THROWS_WITH(bus.map(2, 0x1f00, 0x200, "straddler"),
                    Contains("'straddler' [0x1f00, 0x20ff]") &&
                        Contains("partially overlaps 'outer' [0x1000, 0x1fff]"));
  CHECK_THROWS_WITH(bus.map(2, 0x10f0, 0x20, "edge"),
                    Contains("'edge'") && Contains("'inner' [0x1100, 0x11ff]"));
  CHECK_THROWS_WITH(bus.map(2, 0x1000, 0x1000, "twin"),
                    Contains("'twin'") && Contains("same range as 'outer'"));
  CHECK_THROWS_AS(bus.map(2, 0x5000, 0, "empty"), std::invalid_argument);
  CHECK_THROWS_AS(bus.map(2, ~uint64_t{0}, 2, "wrap"), std::invalid_argument);
  // Nesting either way round is fine, and so is the very top of the address space.
  CHECK_NOTHROW(bus.map(2, 0x1180, 0x10, "innermost"));
  CHECK_NOTHROW(bus.map(2, 0x0, 0x10000, "around"));
  CHECK_NOTHROW(bus.map(2, ~uint64_t{0} - 0xff, 0x100, "top"));
}

TEST_CASE("Bus: DMI below an inner mapping is clipped to end before it") {
  Bench bench("bench");
  bench.elaborate();
  tlm::tlm_dmi dmi;
  REQUIRE(bench.dmi(kRamBase + 0x100, dmi));
  CHECK(dmi.get_start_address() == kRamBase);
  CHECK(dmi.get_end_address() == kHoleBase - 1);
  CHECK(dmi.get_dmi_ptr() == bench.ram.storage.data());
}

TEST_CASE("Bus: DMI above an inner mapping starts after it, with the pointer moved along") {
  Bench bench("bench");
  bench.elaborate();
  tlm::tlm_dmi dmi;
  REQUIRE(bench.dmi(kRamBase + 0x2000, dmi));
  CHECK(dmi.get_start_address() == kHoleBase + kHoleSize);
  CHECK(dmi.get_end_address() == kRamBase + kRamSize - 1);
  CHECK(dmi.get_dmi_ptr() == bench.ram.storage.data() + 0x1008);
}

TEST_CASE("Bus: DMI is refused inside the inner mapping and on unmapped addresses") {
  Bench bench("bench");
  bench.elaborate();
  tlm::tlm_dmi in_hole;
  CHECK_FALSE(bench.dmi(kHoleBase + 4, in_hole));
  CHECK(in_hole.get_start_address() == kHoleBase);
  CHECK(in_hole.get_end_address() == kHoleBase + kHoleSize - 1);

  tlm::tlm_dmi unmapped;
  CHECK_FALSE(bench.dmi(0x2000'0000, unmapped));
  CHECK(unmapped.get_start_address() == kUartBase + 0x100);
  CHECK(unmapped.get_end_address() == kRamBase - 1);
}

TEST_CASE("Bus: a target's DMI invalidation reaches every initiator in bus addresses") {
  Bench bench("bench");
  bench.bus.map(0, 0x9000'0000, kRamSize, "ram-alias");  // the same RAM seen twice
  bench.elaborate();
  bench.ram.invalidate(0x100, 0x1ff);
  const std::vector<Range> expected{{kRamBase + 0x100, kRamBase + 0x1ff},
                                    {0x9000'0100, 0x9000'01ff}};
  CHECK(bench.cpu0.invalidations == expected);
  CHECK(bench.cpu1.invalidations == expected);

  // An "everything" invalidation is limited to what the bus maps of the target.
  bench.cpu0.invalidations.clear();
  bench.uart.invalidate(0, ~uint64_t{0});
  CHECK(bench.cpu0.invalidations == std::vector<Range>{{kUartBase, kUartBase + 0xff}});
}

TEST_CASE("Bus: mapping during simulation invalidates DMI over the new range") {
  Bench bench("bench");
  bench.elaborate();
  bench.bus.map(1, kRamBase + 0x3000, kHoleSize, "late");
  CHECK(bench.cpu1.invalidations == std::vector<Range>{{kRamBase + 0x3000, kRamBase + 0x3007}});
  tlm::tlm_dmi dmi;
  REQUIRE(bench.dmi(kRamBase + 0x2000, dmi));
  CHECK(dmi.get_end_address() == kRamBase + 0x2fff);
}

TEST_CASE("Bus: debug transport is translated and split across nested targets") {
  Bench bench("bench");
  bench.elaborate();
  std::array<uint8_t, 32> image;
  for (unsigned i = 0; i < image.size(); ++i) image[i] = static_cast<uint8_t>(i + 1);
  tlm::tlm_generic_payload trans;
  trans.set_command(tlm::TLM_WRITE_COMMAND);
  trans.set_address(kHoleBase - 16);
  trans.set_data_ptr(image.data());
  trans.set_data_length(32);
  CHECK(bench.cpu0.socket->transport_dbg(trans) == 32);
  CHECK(trans.get_address() == kHoleBase - 16);
  CHECK(trans.get_data_length() == 32);
  CHECK(bench.ram.seen == std::vector<uint64_t>{0xff0, 0x1008});
  CHECK(bench.hole.seen == std::vector<uint64_t>{0});
  CHECK(bench.ram.storage[0xff0] == 1);
  CHECK(bench.hole.storage[0] == 17);
  CHECK(bench.ram.storage[0x1008] == 25);

  trans.set_address(0x10);
  CHECK(bench.cpu0.socket->transport_dbg(trans) == 0);
  // A debug read running off the end of the RAM stops there.
  trans.set_command(tlm::TLM_READ_COMMAND);
  trans.set_address(kRamBase + kRamSize - 8);
  CHECK(bench.cpu0.socket->transport_dbg(trans) == 8);
}

TEST_CASE("Bus: decodes through many mappings of one target") {
  Bus bus("bus");
  Initiator cpu("cpu");
  Target ram("ram", 0x100, false, sc_core::SC_ZERO_TIME);
  cpu.socket.bind(bus.target);
  bus.initiator.bind(ram.socket);
  for (uint64_t i = 0; i < 1000; ++i) {
    bus.map(0, 0x10'0000 * (i + 1), 0x100, "tile" + std::to_string(i));
  }
  sc_core::sc_start(sc_core::SC_ZERO_TIME);

  uint8_t byte = 0;
  sc_time delay;
  tlm::tlm_generic_payload trans;
  trans.set_data_ptr(&byte);
  trans.set_data_length(1);
  trans.set_streaming_width(1);
  for (uint64_t address : {0x10'0000 * 1 + 0x7, 0x10'0000 * 500 + 0xff, 0x10'0000 * 1000 + 0x0,
                           0x10'0000 * 2 + 0x100}) {
    trans.set_command(tlm::TLM_READ_COMMAND);
    trans.set_address(address);
    trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    cpu.socket->b_transport(trans, delay);
    CHECK(trans.get_response_status() == ((address & 0xfffff) < 0x100
                                              ? tlm::TLM_OK_RESPONSE
                                              : tlm::TLM_ADDRESS_ERROR_RESPONSE));
  }
  CHECK(ram.seen == std::vector<uint64_t>{0x7, 0xff, 0x0});
}

TEST_CASE("Bus: a mapping to an unbound port is reported at the end of elaboration") {
  Bus bus("bus");
  Initiator cpu("cpu");
  Target ram("ram", 0x100, false, sc_core::SC_ZERO_TIME);
  cpu.socket.bind(bus.target);
  bus.initiator.bind(ram.socket);
  bus.map(3, 0x1000, 0x100, "ghost");
  CHECK_THROWS_WITH(sc_core::sc_start(sc_core::SC_ZERO_TIME),
                    Contains("'ghost' [0x1000, 0x10ff]") && Contains("initiator port 3"));
}
