#include <catch2/catch.hpp>
#include <vector>

#include "peripherals/exit_device.h"
#include "tlm_test_initiator.h"

using dojo::peripherals::ExitDevice;
using dojo::test::TestInitiator;
using sc_core::sc_time;
using sc_core::SC_NS;

namespace {

const sc_time latency(20, SC_NS);

// An exit device that records every status it reports.
struct Bench {
  std::vector<int> statuses;
  ExitDevice device{"exit", [this](int status) { statuses.push_back(status); }, latency};
  TestInitiator cpu{"cpu"};
  Bench() {
    cpu.socket.bind(device.socket);
    // Keep the expected warnings quiet; their count is still kept.
    sc_core::sc_report_handler::set_actions(sc_core::SC_WARNING, sc_core::SC_DO_NOTHING);
  }
};

unsigned warnings() { return sc_core::sc_report_handler::get_count(sc_core::SC_WARNING); }

}  // namespace

TEST_CASE("ExitDevice: writing 0x5555 passes") {
  Bench bench;
  CHECK_FALSE(bench.device.exited());
  REQUIRE(bench.cpu.write(0, 4, 0x5555).ok());
  CHECK(bench.statuses == std::vector<int>{0});
  CHECK(bench.device.exited());
  CHECK(bench.device.exit_status() == 0);
}

TEST_CASE("ExitDevice: writing (code << 16) | 0x3333 fails with the code") {
  Bench bench;
  REQUIRE(bench.cpu.write(0, 4, (0xbeefu << 16) | 0x3333).ok());
  CHECK(bench.statuses == std::vector<int>{0xbeef});
}

TEST_CASE("ExitDevice: a failure with code 0 still reports a failure") {
  Bench bench;
  REQUIRE(bench.cpu.write(0, 4, 0x3333).ok());
  CHECK(bench.statuses == std::vector<int>{ExitDevice::fail_without_code_status});
  CHECK(ExitDevice::fail_without_code_status != 0);
}

TEST_CASE("ExitDevice: a reset request is reported as unsupported") {
  Bench bench;
  REQUIRE(bench.cpu.write(0, 4, 0x7777).ok());
  CHECK(bench.statuses == std::vector<int>{ExitDevice::reset_unsupported_status});
  CHECK(ExitDevice::reset_unsupported_status != 0);
  CHECK(bench.device.last_error().find("reset") != std::string::npos);
  CHECK(bench.device.ignored_writes() == 0);
  CHECK(warnings() == 1);
}

TEST_CASE("ExitDevice: any other value is ignored, counted and reported") {
  Bench bench;
  REQUIRE(bench.cpu.write(0, 4, 0x12345678).ok());
  REQUIRE(bench.cpu.write(0, 4, 0).ok());
  CHECK(bench.statuses.empty());
  CHECK_FALSE(bench.device.exited());
  CHECK(bench.device.ignored_writes() == 2);
  CHECK(bench.device.last_error().find("0x00000000") != std::string::npos);
  CHECK(warnings() == 2);
}

TEST_CASE("ExitDevice: only the first exit request is reported") {
  Bench bench;
  REQUIRE(bench.cpu.write(0, 4, (3u << 16) | 0x3333).ok());
  REQUIRE(bench.cpu.write(0, 4, 0x5555).ok());
  REQUIRE(bench.cpu.write(0, 4, (3u << 16) | 0x3333).ok());
  CHECK(bench.statuses == std::vector<int>{3});
  CHECK(bench.device.exit_status() == 3);
}

TEST_CASE("ExitDevice: a 16-bit write of 0x5555 passes, as on QEMU") {
  Bench bench;
  REQUIRE(bench.cpu.write(0, 2, 0x5555).ok());
  CHECK(bench.statuses == std::vector<int>{0});
}

TEST_CASE("ExitDevice: reads return 0 and other sizes and offsets are refused") {
  Bench bench;
  auto read = bench.cpu.read(0, 4);
  CHECK(read.ok());
  CHECK(read.value == 0);
  CHECK(bench.cpu.write(0, 8, 0x5555).status == tlm::TLM_BURST_ERROR_RESPONSE);
  CHECK(bench.cpu.write(0, 1, 0x55).status == tlm::TLM_BURST_ERROR_RESPONSE);
  CHECK(bench.cpu.write(4, 4, 0x5555).status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(bench.cpu.write(1, 2, 0x5555).status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(bench.statuses.empty());
}

TEST_CASE("ExitDevice adds its latency and answers debug transport") {
  Bench bench;
  CHECK(bench.cpu.read(0, 4, sc_time(1, SC_NS)).delay == sc_time(21, SC_NS));
  auto write = bench.cpu.debug_write(0, 4, 0x5555);
  CHECK(write.debug_bytes == 4);
  CHECK(bench.statuses == std::vector<int>{0});
}
