// dojo::memory::Sram as a TLM-2.0 target. Each test case elaborates once (CTest runs each in its
// own process); transactions are issued from the test body after elaboration, since the SRAM
// never waits.
#include <catch2/catch.hpp>

#include <array>
#include <cstring>
#include <stdexcept>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <vector>

#include "memory/sram.h"

using dojo::memory::Sram;
using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

constexpr uint64_t kSize = 64 * 1024;
const sc_time kReadLatency(10, SC_NS);
const sc_time kWriteLatency(20, SC_NS);

struct Bench : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Bench> socket{"socket"};
  Sram sram{"sram", kSize, kReadLatency, kWriteLatency};

  explicit Bench(sc_core::sc_module_name name) : sc_core::sc_module(name) {
    socket.bind(sram.socket);
  }

  // Ends elaboration, so the socket can be used.
  void elaborate() { sc_core::sc_start(sc_core::SC_ZERO_TIME); }

  tlm::tlm_response_status access(tlm::tlm_command command, uint64_t address, uint8_t* data,
                                  unsigned length, sc_time& delay,
                                  const std::vector<uint8_t>& byte_enables = {},
                                  unsigned streaming_width = 0) {
    tlm::tlm_generic_payload trans;
    trans.set_command(command);
    trans.set_address(address);
    trans.set_data_ptr(data);
    trans.set_data_length(length);
    trans.set_streaming_width(streaming_width ? streaming_width : length);
    trans.set_byte_enable_ptr(byte_enables.empty() ? nullptr
                                                   : const_cast<uint8_t*>(byte_enables.data()));
    trans.set_byte_enable_length(static_cast<unsigned>(byte_enables.size()));
    trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    socket->b_transport(trans, delay);
    return trans.get_response_status();
  }

  unsigned debug(tlm::tlm_command command, uint64_t address, uint8_t* data, unsigned length) {
    tlm::tlm_generic_payload trans;
    trans.set_command(command);
    trans.set_address(address);
    trans.set_data_ptr(data);
    trans.set_data_length(length);
    return socket->transport_dbg(trans);
  }
};

}  // namespace

TEST_CASE("Sram: a write is read back and each access adds its latency") {
  Bench bench("bench");
  bench.elaborate();
  std::array<uint8_t, 8> written{1, 2, 3, 4, 5, 6, 7, 8};
  sc_time delay(5, SC_NS);
  REQUIRE(bench.access(tlm::TLM_WRITE_COMMAND, 0x100, written.data(), 8, delay) ==
          tlm::TLM_OK_RESPONSE);
  CHECK(delay == sc_time(25, SC_NS));

  std::array<uint8_t, 8> read{};
  REQUIRE(bench.access(tlm::TLM_READ_COMMAND, 0x100, read.data(), 8, delay) ==
          tlm::TLM_OK_RESPONSE);
  CHECK(read == written);
  CHECK(delay == sc_time(35, SC_NS));
  CHECK(std::memcmp(bench.sram.data() + 0x100, written.data(), 8) == 0);
}

TEST_CASE("Sram: memory starts zeroed, up to its last byte") {
  Bench bench("bench");
  bench.elaborate();
  std::array<uint8_t, 4> read{9, 9, 9, 9};
  sc_time delay;
  REQUIRE(bench.access(tlm::TLM_READ_COMMAND, kSize - 4, read.data(), 4, delay) ==
          tlm::TLM_OK_RESPONSE);
  CHECK(read == std::array<uint8_t, 4>{});
  CHECK(bench.sram.size() == kSize);
}

TEST_CASE("Sram: byte enables mask writes and reads") {
  Bench bench("bench");
  bench.elaborate();
  std::array<uint8_t, 8> ones;
  ones.fill(0xff);
  sc_time delay;
  // The enable pattern repeats every two bytes: only even bytes are written.
  REQUIRE(bench.access(tlm::TLM_WRITE_COMMAND, 0x40, ones.data(), 8, delay, {0xff, 0x00}) ==
          tlm::TLM_OK_RESPONSE);
  CHECK(std::vector<uint8_t>(bench.sram.data() + 0x40, bench.sram.data() + 0x48) ==
        std::vector<uint8_t>{0xff, 0, 0xff, 0, 0xff, 0, 0xff, 0});

  std::array<uint8_t, 4> read{0x11, 0x22, 0x33, 0x44};
  REQUIRE(bench.access(tlm::TLM_READ_COMMAND, 0x40, read.data(), 4, delay,
                       {0x00, 0x00, 0xff, 0xff}) == tlm::TLM_OK_RESPONSE);
  CHECK(read == std::array<uint8_t, 4>{0x11, 0x22, 0xff, 0x00});
}

TEST_CASE("Sram: a streaming width below the length rewrites the same window") {
  Bench bench("bench");
  bench.elaborate();
  std::array<uint8_t, 8> data{1, 2, 3, 4, 5, 6, 7, 8};
  sc_time delay;
  REQUIRE(bench.access(tlm::TLM_WRITE_COMMAND, 0x10, data.data(), 8, delay, {}, 4) ==
          tlm::TLM_OK_RESPONSE);
  CHECK(std::vector<uint8_t>(bench.sram.data() + 0x10, bench.sram.data() + 0x18) ==
        std::vector<uint8_t>{5, 6, 7, 8, 0, 0, 0, 0});
}

TEST_CASE("Sram: accesses past the end and unknown commands are refused untouched") {
  Bench bench("bench");
  bench.elaborate();
  std::array<uint8_t, 8> data;
  data.fill(0xab);
  sc_time delay;
  CHECK(bench.access(tlm::TLM_WRITE_COMMAND, kSize - 4, data.data(), 8, delay) ==
        tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(bench.access(tlm::TLM_READ_COMMAND, kSize, data.data(), 1, delay) ==
        tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(bench.access(tlm::TLM_READ_COMMAND, ~uint64_t{0}, data.data(), 2, delay) ==
        tlm::TLM_ADDRESS_ERROR_RESPONSE);
  // A command TLM does not define: 3 is the only one tlm_command can hold (enumerators 0..2 give
  // it the values 0..3); anything larger is undefined behaviour, which UBSan reports.
  CHECK(bench.access(static_cast<tlm::tlm_command>(3), 0, data.data(), 8, delay) ==
        tlm::TLM_COMMAND_ERROR_RESPONSE);
  CHECK(bench.access(tlm::TLM_IGNORE_COMMAND, 0, data.data(), 8, delay) == tlm::TLM_OK_RESPONSE);
  CHECK(bench.sram.data()[kSize - 4] == 0);
  CHECK(bench.sram.data()[0] == 0);
  CHECK(delay == sc_core::SC_ZERO_TIME);
}

TEST_CASE("Sram: DMI grants read/write access to the whole array with its latencies") {
  Bench bench("bench");
  bench.elaborate();
  tlm::tlm_generic_payload trans;
  trans.set_command(tlm::TLM_READ_COMMAND);
  trans.set_address(0x1234);
  tlm::tlm_dmi dmi;
  REQUIRE(bench.socket->get_direct_mem_ptr(trans, dmi));
  CHECK(dmi.get_dmi_ptr() == bench.sram.data());
  CHECK(dmi.get_start_address() == 0);
  CHECK(dmi.get_end_address() == kSize - 1);
  CHECK(dmi.is_read_write_allowed());
  CHECK(dmi.get_read_latency() == kReadLatency);
  CHECK(dmi.get_write_latency() == kWriteLatency);

  dmi.get_dmi_ptr()[0x200] = 0x5a;
  uint8_t read = 0;
  sc_time delay;
  REQUIRE(bench.access(tlm::TLM_READ_COMMAND, 0x200, &read, 1, delay) == tlm::TLM_OK_RESPONSE);
  CHECK(read == 0x5a);
}

TEST_CASE("Sram: debug transport reads and writes without delay, clipped at the end") {
  Bench bench("bench");
  bench.elaborate();
  std::array<uint8_t, 4> data{0xde, 0xad, 0xbe, 0xef};
  CHECK(bench.debug(tlm::TLM_WRITE_COMMAND, 0x80, data.data(), 4) == 4);
  std::array<uint8_t, 4> read{};
  CHECK(bench.debug(tlm::TLM_READ_COMMAND, 0x80, read.data(), 4) == 4);
  CHECK(read == data);

  CHECK(bench.debug(tlm::TLM_WRITE_COMMAND, kSize - 2, data.data(), 4) == 2);
  CHECK(bench.sram.data()[kSize - 1] == 0xad);
  CHECK(bench.debug(tlm::TLM_READ_COMMAND, kSize, read.data(), 4) == 0);
}

TEST_CASE("Sram: writes through transport are reported to the observer but reads are not") {
  Bench bench("bench");
  std::vector<std::pair<uint64_t, uint64_t>> writes;
  bench.sram.on_write = [&](uint64_t offset, uint64_t length) { writes.emplace_back(offset, length); };
  bench.elaborate();
  std::array<uint8_t, 8> data{};
  sc_time delay;
  bench.access(tlm::TLM_WRITE_COMMAND, 0x40, data.data(), 8, delay);
  bench.access(tlm::TLM_READ_COMMAND, 0x40, data.data(), 8, delay);
  bench.access(tlm::TLM_WRITE_COMMAND, 0x80, data.data(), 8, delay, {}, 4);  // streaming: 4 bytes
  bench.access(tlm::TLM_WRITE_COMMAND, kSize, data.data(), 8, delay);        // refused
  bench.debug(tlm::TLM_WRITE_COMMAND, kSize - 2, data.data(), 4);            // clipped to 2
  CHECK(writes == std::vector<std::pair<uint64_t, uint64_t>>{{0x40, 8}, {0x80, 4}, {kSize - 2, 2}});
}

TEST_CASE("Sram: a zero size is refused") {
  CHECK_THROWS_AS(Sram("empty", 0, sc_core::SC_ZERO_TIME, sc_core::SC_ZERO_TIME),
                  std::invalid_argument);
}

TEST_CASE("Sram: a large array costs no host memory until written") {
  // 64 GiB would not fit in this machine's RAM if the array were committed up front.
  Sram big("big", uint64_t{64} << 30, sc_core::SC_ZERO_TIME, sc_core::SC_ZERO_TIME);
  CHECK(big.data()[0] == 0);
  CHECK(big.data()[big.size() - 1] == 0);
  big.data()[big.size() / 2] = 1;
  CHECK(big.data()[big.size() / 2] == 1);
}
