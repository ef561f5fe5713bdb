#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "peripherals/console.h"
#include "tlm_test_initiator.h"

using dojo::peripherals::Console;
namespace registers = dojo::uart::registers;
using dojo::test::TestInitiator;
using sc_core::sc_time;
using sc_core::SC_NS;

namespace {

const sc_time latency(10, SC_NS);
constexpr size_t kMaxLine = 4096;

// A console with its initiator bound, printing into `out`.
struct Bench {
  std::ostringstream out;
  Console console;
  TestInitiator cpu{"cpu"};
  explicit Bench(const std::string& prefix = "", size_t max_line = kMaxLine)
      : console("console", out, prefix, latency, max_line) {
    cpu.socket.bind(console.socket);
  }
  void print(const std::string& text) {
    for (char c : text) REQUIRE(cpu.write(registers::rbr_thr_offset, 1, uint8_t(c)).ok());
  }
};

}  // namespace

TEST_CASE("Console writes a line, with its prefix, only once the newline arrives") {
  Bench bench("[core 3] ");
  bench.print("hello");
  CHECK(bench.out.str().empty());
  bench.print("\n");
  CHECK(bench.out.str() == "[core 3] hello\n");
  CHECK(bench.console.bytes_written() == 6);
}

TEST_CASE("Console without a prefix writes the bytes unchanged") {
  Bench bench;
  bench.print("a\tb\n\n");
  CHECK(bench.out.str() == "a\tb\n\n");
}

TEST_CASE("Console status registers read as an idle transmitter with no input") {
  Bench bench;
  CHECK(bench.cpu.read(registers::lsr_offset, 1).value == 0x60);
  CHECK(bench.cpu.read(registers::rbr_thr_offset, 1).value == 0);
  CHECK(bench.cpu.read(registers::iir_fcr_offset, 1).value == 0x01);
  CHECK(bench.cpu.read(registers::msr_offset, 1).value == 0);
  // LSR bit 0 (data ready) stays clear, so a polling reader never sees input.
  CHECK((bench.cpu.read(registers::lsr_offset, 1).value & 1) == 0);
}

TEST_CASE("Console control registers accept writes and IER, LCR, MCR and SCR read back") {
  Bench bench;
  REQUIRE(bench.cpu.write(registers::ier_offset, 1, 0x0f).ok());
  REQUIRE(bench.cpu.write(registers::iir_fcr_offset, 1, 0xc7).ok());
  REQUIRE(bench.cpu.write(registers::lcr_offset, 1, 0x03).ok());
  REQUIRE(bench.cpu.write(registers::mcr_offset, 1, 0x0b).ok());
  REQUIRE(bench.cpu.write(registers::scr_offset, 1, 0x5a).ok());
  REQUIRE(bench.cpu.write(registers::lsr_offset, 1, 0x00).ok());
  CHECK(bench.cpu.read(registers::ier_offset, 1).value == 0x0f);
  CHECK(bench.cpu.read(registers::iir_fcr_offset, 1).value == 0x01);
  CHECK(bench.cpu.read(registers::lcr_offset, 1).value == 0x03);
  CHECK(bench.cpu.read(registers::mcr_offset, 1).value == 0x0b);
  CHECK(bench.cpu.read(registers::scr_offset, 1).value == 0x5a);
  CHECK(bench.cpu.read(registers::lsr_offset, 1).value == 0x60);
  CHECK(bench.out.str().empty());
}

TEST_CASE("Console divisor latch writes do not print, and the transmitter works after") {
  Bench bench;
  // What a 16550 driver's init does: set DLAB, write the divisor, clear DLAB.
  REQUIRE(bench.cpu.write(registers::lcr_offset, 1, 0x80).ok());
  REQUIRE(bench.cpu.write(registers::rbr_thr_offset, 1, 0x36).ok());
  REQUIRE(bench.cpu.write(registers::ier_offset, 1, 0x01).ok());
  CHECK(bench.cpu.read(registers::rbr_thr_offset, 1).value == 0x36);
  CHECK(bench.cpu.read(registers::ier_offset, 1).value == 0x01);
  REQUIRE(bench.cpu.write(registers::lcr_offset, 1, 0x03).ok());
  CHECK(bench.cpu.read(registers::ier_offset, 1).value == 0);  // IER, not DLM
  bench.print("ok\n");
  CHECK(bench.out.str() == "ok\n");
  CHECK(bench.console.bytes_written() == 3);
}

TEST_CASE("Console flush writes a pending partial line, and the destructor flushes too") {
  std::ostringstream out;
  {
    Console console("console", out, "> ", latency, kMaxLine);
    console.put('a');
    console.flush();
    CHECK(out.str() == "> a\n");
    console.flush();  // nothing pending: nothing written
    CHECK(out.str() == "> a\n");
    console.put('b');
    CHECK(console.bytes_written() == 2);
  }
  CHECK(out.str() == "> a\n> b\n");
}

TEST_CASE("Console writes a line that reaches the longest it keeps in pieces of that length") {
  Bench bench("> ", 16);
  bench.print(std::string(40, 'x') + "\nshort\n");
  CHECK(bench.out.str() == "> " + std::string(16, 'x') + "\n> " + std::string(16, 'x') + "\n> " +
                               std::string(8, 'x') + "\n> short\n");
  CHECK(bench.console.bytes_written() == 47);
}

TEST_CASE("Console keeps finished lines, with their times, while held, and writes them at release") {
  Bench bench("> ");
  std::vector<std::pair<std::string, sc_time>> sunk;
  const auto put = [&](const std::string& text, sc_time at) {
    for (char c : text) bench.console.put(c, at);
  };
  bench.console.hold_lines(true);
  put("one\n", sc_time(5, SC_NS));
  put("two\nthr", sc_time(7, SC_NS));
  CHECK(bench.out.str().empty());
  bench.console.line_sink = [&](std::string line, sc_time at) { sunk.emplace_back(line, at); };
  bench.console.hold_lines(false);
  REQUIRE(sunk.size() == 2);
  CHECK(sunk[0] == std::make_pair(std::string("> one\n"), sc_time(5, SC_NS)));
  CHECK(sunk[1] == std::make_pair(std::string("> two\n"), sc_time(7, SC_NS)));
  put("ee\n", sc_time(9, SC_NS));  // released: the line in progress goes on, and out at once
  REQUIRE(sunk.size() == 3);
  CHECK(sunk[2] == std::make_pair(std::string("> three\n"), sc_time(9, SC_NS)));
  CHECK(bench.out.str().empty());
}

TEST_CASE("Consoles sharing a stream interleave whole lines only") {
  std::ostringstream out;
  Console core0("core0", out, "[core 0] ", latency, kMaxLine);
  Console core1("core1", out, "[core 1] ", latency, kMaxLine);
  for (char c : std::string("abc")) core0.put(c);
  for (char c : std::string("xyz\n")) core1.put(c);
  core0.put('\n');
  CHECK(out.str() == "[core 1] xyz\n[core 0] abc\n");
}

TEST_CASE("Console refuses wide accesses, unknown offsets and byte enables without printing") {
  Bench bench;
  CHECK(bench.cpu.write(registers::rbr_thr_offset, 4, 'x').status == tlm::TLM_BURST_ERROR_RESPONSE);
  CHECK(bench.cpu.read(registers::lsr_offset, 2).status == tlm::TLM_BURST_ERROR_RESPONSE);
  CHECK(bench.cpu.write(8, 1, 'x').status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(bench.cpu.read(0x100, 1).status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(bench.cpu.write_with_byte_enables(registers::rbr_thr_offset, 1, 'x').status ==
        tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
  bench.console.flush();
  CHECK(bench.out.str().empty());
  CHECK(bench.console.bytes_written() == 0);
}

TEST_CASE("Console adds its latency to the delay of every access") {
  Bench bench;
  CHECK(bench.cpu.write(registers::rbr_thr_offset, 1, 'x', sc_time(5, SC_NS)).delay ==
        sc_time(15, SC_NS));
  CHECK(bench.cpu.read(registers::lsr_offset, 1, sc_time(1, SC_NS)).delay == sc_time(11, SC_NS));
  CHECK(bench.cpu.read(9, 1).delay == latency);  // errors take the latency too
}

TEST_CASE("Console answers debug transport like blocking transport") {
  Bench bench;
  auto lsr = bench.cpu.debug_read(registers::lsr_offset, 1);
  CHECK(lsr.ok());
  CHECK(lsr.debug_bytes == 1);
  CHECK(lsr.value == 0x60);
  CHECK(bench.cpu.debug_write(registers::rbr_thr_offset, 1, '\n').debug_bytes == 1);
  CHECK(bench.out.str() == "\n");
  CHECK(bench.cpu.debug_read(registers::lsr_offset, 4).debug_bytes == 0);
}
