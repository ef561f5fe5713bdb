#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <sstream>
#include <string>
#include <tlm_utils/simple_target_socket.h>
#include <vector>

#include "peripherals/console.h"
#include "peripherals/htif.h"
#include "tlm_test_initiator.h"

using dojo::peripherals::Htif;
using dojo::test::TestInitiator;
using sc_core::sc_time;
using sc_core::SC_NS;

namespace {

const sc_time latency(3, SC_NS);
constexpr uint64_t memory_size = 0x1000;
constexpr uint64_t block_address = 0x40;  // the program's magic_mem
constexpr uint64_t buffer_address = 0x100;

// The program's memory: debug transport only, which is all the HTIF uses. An access that runs
// past the end transfers the bytes that exist.
class TestMemory : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<TestMemory> socket;
  std::vector<unsigned char> bytes = std::vector<unsigned char>(memory_size);

  explicit TestMemory(sc_core::sc_module_name name) : sc_module(name), socket("socket") {
    socket.register_transport_dbg(this, &TestMemory::transport_dbg);
  }
  uint64_t load64(uint64_t address) const {
    uint64_t value = 0;
    for (unsigned i = 0; i < 8; ++i) value |= uint64_t{bytes.at(address + i)} << 8 * i;
    return value;
  }
  void store64(uint64_t address, uint64_t value) {
    for (unsigned i = 0; i < 8; ++i) bytes.at(address + i) = static_cast<unsigned char>(value >> 8 * i);
  }

 private:
  unsigned int transport_dbg(tlm::tlm_generic_payload& trans) {
    const uint64_t address = trans.get_address();
    if (address >= bytes.size()) return 0;
    const unsigned length =
        static_cast<unsigned>(std::min<uint64_t>(trans.get_data_length(), bytes.size() - address));
    if (trans.is_read())
      std::memcpy(trans.get_data_ptr(), &bytes[address], length);
    else
      std::memcpy(&bytes[address], trans.get_data_ptr(), length);
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    return length;
  }
};

// An HTIF with its memory, a core on the tohost word and one on the fromhost word.
struct Bench {
  std::vector<int> statuses;
  std::string printed;
  Htif htif{"htif", [this](int status) { statuses.push_back(status); },
            [this](char c) { printed += c; }, latency};
  TestMemory memory{"memory"};
  TestInitiator tohost{"tohost_core"};
  TestInitiator fromhost{"fromhost_core"};
  Bench() {
    htif.memory.bind(memory.socket);
    tohost.socket.bind(htif.socket);
    fromhost.socket.bind(htif.fromhost_socket);
    sc_core::sc_report_handler::set_actions(sc_core::SC_WARNING, sc_core::SC_DO_NOTHING);
  }
  // Lays out a system call the way Spike-style programs do and sends it.
  void syscall(uint64_t which, uint64_t arg0, uint64_t arg1 = 0, uint64_t arg2 = 0) {
    const uint64_t words[] = {which, arg0, arg1, arg2};
    for (unsigned i = 0; i < 8; ++i) memory.store64(block_address + 8 * i, i < 4 ? words[i] : 0);
    REQUIRE(tohost.write(0, 8, block_address).ok());
  }
  void put_in_memory(uint64_t address, const std::string& text) {
    std::copy(text.begin(), text.end(), memory.bytes.begin() + address);
  }
};

constexpr uint64_t command(uint64_t device, uint64_t cmd, uint64_t payload) {
  return device << 56 | cmd << 48 | payload;
}

}  // namespace

TEST_CASE("Htif: tohost = 1 passes") {
  Bench bench;
  REQUIRE(bench.tohost.write(0, 8, 1).ok());
  CHECK(bench.statuses == std::vector<int>{0});
  CHECK(bench.htif.exited());
  CHECK(bench.tohost.read(0, 8).value == 0);  // taken, as Spike's host does
}

TEST_CASE("Htif: tohost = (code << 1) | 1 fails with the code, and only the first counts") {
  Bench bench;
  REQUIRE(bench.tohost.write(0, 8, (42 << 1) | 1).ok());
  REQUIRE(bench.tohost.write(0, 8, 1).ok());
  CHECK(bench.statuses == std::vector<int>{42});
  CHECK(bench.htif.exit_status() == 42);
}

TEST_CASE("Htif: a 32-bit write to the low half of tohost is a command too") {
  Bench bench;
  REQUIRE(bench.tohost.write(0, 4, (7 << 1) | 1).ok());
  REQUIRE(bench.tohost.write(4, 4, 0).ok());  // the rv32 idiom's second store changes nothing
  CHECK(bench.statuses == std::vector<int>{7});
}

TEST_CASE("Htif: sys_write prints the buffer, returns its length and answers in fromhost") {
  Bench bench;
  bench.put_in_memory(buffer_address, "hello, world\n");
  bench.syscall(Htif::sys_write, 1, buffer_address, 13);
  CHECK(bench.printed == "hello, world\n");
  CHECK(bench.memory.load64(block_address) == 13);
  CHECK(bench.tohost.read(0, 8).value == 0);
  CHECK(bench.fromhost.read(0, 8).value == 1);
  CHECK(bench.statuses.empty());
  // The program acknowledges by clearing fromhost.
  REQUIRE(bench.fromhost.write(0, 8, 0).ok());
  CHECK(bench.htif.fromhost() == 0);
  bench.syscall(Htif::sys_write, 2, buffer_address, 5);  // stderr goes to the console too
  CHECK(bench.printed == "hello, world\nhello");
  CHECK(bench.htif.fromhost() == 1);
}

TEST_CASE("Htif: sys_write to another descriptor returns -EBADF and prints nothing") {
  Bench bench;
  bench.put_in_memory(buffer_address, "x");
  bench.syscall(Htif::sys_write, 3, buffer_address, 1);
  CHECK(bench.printed.empty());
  CHECK(static_cast<int64_t>(bench.memory.load64(block_address)) == -9);
  CHECK(bench.htif.fromhost() == 1);
}

TEST_CASE("Htif: sys_write running past memory prints what exists or returns -EFAULT") {
  Bench bench;
  bench.put_in_memory(memory_size - 3, "end");
  bench.syscall(Htif::sys_write, 1, memory_size - 3, 100);
  CHECK(bench.printed == "end");
  CHECK(bench.memory.load64(block_address) == 3);
  bench.syscall(Htif::sys_write, 1, memory_size + 0x100, 4);
  CHECK(bench.printed == "end");
  CHECK(static_cast<int64_t>(bench.memory.load64(block_address)) == -14);
  CHECK(bench.statuses.empty());
}

TEST_CASE("Htif: sys_exit ends the run with its argument") {
  Bench bench;
  bench.syscall(Htif::sys_exit, 5);
  CHECK(bench.statuses == std::vector<int>{5});
}

TEST_CASE("Htif: an unknown system call is an error that ends the run") {
  Bench bench;
  bench.syscall(1234, 0);
  CHECK(bench.statuses == std::vector<int>{Htif::protocol_error_status});
  CHECK(bench.htif.last_error().find("system call 1234") != std::string::npos);
  CHECK(bench.htif.fromhost() == 0);
  CHECK(sc_core::sc_report_handler::get_count(sc_core::SC_WARNING) == 1);
}

TEST_CASE("Htif: a system-call block outside memory is an error that ends the run") {
  Bench bench;
  REQUIRE(bench.tohost.write(0, 8, 0x10000).ok());
  CHECK(bench.statuses == std::vector<int>{Htif::protocol_error_status});
  CHECK(bench.htif.last_error().find("0x10000") != std::string::npos);
}

TEST_CASE("Htif: console putchar prints and answers in fromhost") {
  Bench bench;
  REQUIRE(bench.tohost.write(0, 8, command(1, 1, 'A')).ok());
  REQUIRE(bench.tohost.write(0, 8, command(1, 1, 0x100 | '\n')).ok());  // only the low byte
  CHECK(bench.printed == "A\n");
  CHECK(bench.fromhost.read(0, 8).value == command(1, 1, 0));
  CHECK(bench.tohost.read(0, 8).value == 0);
  CHECK(bench.statuses.empty());
}

TEST_CASE("Htif: console read never answers, since there is no input") {
  Bench bench;
  REQUIRE(bench.tohost.write(0, 8, command(1, 0, 0)).ok());
  CHECK(bench.htif.fromhost() == 0);
  CHECK(bench.htif.tohost() == 0);
  CHECK(bench.statuses.empty());
}

TEST_CASE("Htif: an unknown device or command is an error that ends the run") {
  Bench bench;
  REQUIRE(bench.tohost.write(0, 8, command(2, 0, 1)).ok());
  CHECK(bench.statuses == std::vector<int>{Htif::protocol_error_status});
  CHECK(bench.htif.last_error().find("device 2") != std::string::npos);
}

TEST_CASE("Htif: fromhost keeps what is written and has 32-bit halves") {
  Bench bench;
  REQUIRE(bench.fromhost.write(0, 4, 0x89abcdef).ok());
  REQUIRE(bench.fromhost.write(4, 4, 0x01234567).ok());
  CHECK(bench.fromhost.read(0, 8).value == 0x0123456789abcdefull);
  CHECK(bench.fromhost.read(4, 4).value == 0x01234567);
  CHECK(bench.fromhost.read(0, 8, sc_time(1, SC_NS)).delay == sc_time(4, SC_NS));
  CHECK(bench.fromhost.debug_read(0, 8).value == 0x0123456789abcdefull);
  CHECK(bench.statuses.empty());
}

TEST_CASE("Htif: bad sizes and offsets are refused on both words") {
  Bench bench;
  CHECK(bench.tohost.write(0, 2, 1).status == tlm::TLM_BURST_ERROR_RESPONSE);
  CHECK(bench.tohost.write(8, 8, 1).status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(bench.tohost.write(2, 4, 1).status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(bench.fromhost.read(0, 16).status == tlm::TLM_BURST_ERROR_RESPONSE);
  CHECK(bench.fromhost.read(8, 4).status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(bench.statuses.empty());
}

TEST_CASE("Htif: console output reaches a Console line by line") {
  std::ostringstream out;
  dojo::peripherals::Console console("console", out, "[core 0] ", latency, 4096);
  Htif htif("htif", nullptr, [&console](char c) { console.put(c); }, latency);
  TestInitiator core("core");
  core.socket.bind(htif.socket);
  for (char c : std::string("hi\n")) REQUIRE(core.write(0, 8, command(1, 1, uint8_t(c))).ok());
  CHECK(out.str() == "[core 0] hi\n");
}
