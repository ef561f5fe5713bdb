#include <catch2/catch.hpp>
#include <sstream>
#include <string>

#include "peripherals/console.h"
#include "tlm_test_initiator.h"

using dojo::peripherals::Console;
using dojo::test::TestInitiator;
using sc_core::sc_time;
using sc_core::SC_NS;

namespace {

const sc_time latency(10, SC_NS);

// A console with its initiator bound, printing into `out`.
struct Bench {
  std::ostringstream out;
  Console console;
  TestInitiator cpu{"cpu"};
  explicit Bench(const std::string& prefix = "") : console("console", out, prefix, latency) {
    cpu.socket.bind(console.socket);
  }
  void print(const std::string& text) {
    for (char c : text) REQUIRE(cpu.write(Console::rbr_thr_dll, 1, uint8_t(c)).ok());
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
  CHECK(bench.cpu.read(Console::lsr, 1).value == 0x60);
  CHECK(bench.cpu.read(Console::rbr_thr_dll, 1).value == 0);
  CHECK(bench.cpu.read(Console::iir_fcr, 1).value == 0x01);
  CHECK(bench.cpu.read(Console::msr, 1).value == 0);
  // LSR bit 0 (data ready) stays clear, so a polling reader never sees input.
  CHECK((bench.cpu.read(Console::lsr, 1).value & 1) == 0);
}

TEST_CASE("Console control registers accept writes and IER, LCR, MCR and SCR read back") {
  Bench bench;
  REQUIRE(bench.cpu.write(Console::ier_dlm, 1, 0x0f).ok());
  REQUIRE(bench.cpu.write(Console::iir_fcr, 1, 0xc7).ok());
  REQUIRE(bench.cpu.write(Console::lcr, 1, 0x03).ok());
  REQUIRE(bench.cpu.write(Console::mcr, 1, 0x0b).ok());
  REQUIRE(bench.cpu.write(Console::scr, 1, 0x5a).ok());
  REQUIRE(bench.cpu.write(Console::lsr, 1, 0x00).ok());
  CHECK(bench.cpu.read(Console::ier_dlm, 1).value == 0x0f);
  CHECK(bench.cpu.read(Console::iir_fcr, 1).value == 0x01);
  CHECK(bench.cpu.read(Console::lcr, 1).value == 0x03);
  CHECK(bench.cpu.read(Console::mcr, 1).value == 0x0b);
  CHECK(bench.cpu.read(Console::scr, 1).value == 0x5a);
  CHECK(bench.cpu.read(Console::lsr, 1).value == 0x60);
  CHECK(bench.out.str().empty());
}

TEST_CASE("Console divisor latch writes do not print, and the transmitter works after") {
  Bench bench;
  // What a 16550 driver's init does: set DLAB, write the divisor, clear DLAB.
  REQUIRE(bench.cpu.write(Console::lcr, 1, 0x80).ok());
  REQUIRE(bench.cpu.write(Console::rbr_thr_dll, 1, 0x36).ok());
  REQUIRE(bench.cpu.write(Console::ier_dlm, 1, 0x01).ok());
  CHECK(bench.cpu.read(Console::rbr_thr_dll, 1).value == 0x36);
  CHECK(bench.cpu.read(Console::ier_dlm, 1).value == 0x01);
  REQUIRE(bench.cpu.write(Console::lcr, 1, 0x03).ok());
  CHECK(bench.cpu.read(Console::ier_dlm, 1).value == 0);  // IER, not DLM
  bench.print("ok\n");
  CHECK(bench.out.str() == "ok\n");
  CHECK(bench.console.bytes_written() == 3);
}

TEST_CASE("Console flush writes a pending partial line, and the destructor flushes too") {
  std::ostringstream out;
  {
    Console console("console", out, "> ", latency);
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

TEST_CASE("Consoles sharing a stream interleave whole lines only") {
  std::ostringstream out;
  Console core0("core0", out, "[core 0] ", latency);
  Console core1("core1", out, "[core 1] ", latency);
  for (char c : std::string("abc")) core0.put(c);
  for (char c : std::string("xyz\n")) core1.put(c);
  core0.put('\n');
  CHECK(out.str() == "[core 1] xyz\n[core 0] abc\n");
}

TEST_CASE("Console writes a line longer than max_line_bytes in pieces, each ended with a newline") {
  std::ostringstream out;
  Console console("console", out, "> ", latency);
  const std::string text(Console::max_line_bytes * 2 + 10, 'x');
  for (char c : text) console.put(c);
  const std::string piece = "> " + std::string(Console::max_line_bytes, 'x') + "\n";
  CHECK(out.str() == piece + piece);  // the 10 bytes left wait for their newline
  console.put('\n');
  CHECK(out.str() == piece + piece + "> xxxxxxxxxx\n");
  CHECK(console.bytes_written() == text.size() + 1);
}

TEST_CASE("Console refuses wide accesses, unknown offsets and byte enables without printing") {
  Bench bench;
  CHECK(bench.cpu.write(Console::rbr_thr_dll, 4, 'x').status == tlm::TLM_BURST_ERROR_RESPONSE);
  CHECK(bench.cpu.read(Console::lsr, 2).status == tlm::TLM_BURST_ERROR_RESPONSE);
  CHECK(bench.cpu.write(8, 1, 'x').status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(bench.cpu.read(0x100, 1).status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(bench.cpu.write_with_byte_enables(Console::rbr_thr_dll, 1, 'x').status ==
        tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
  bench.console.flush();
  CHECK(bench.out.str().empty());
  CHECK(bench.console.bytes_written() == 0);
}

TEST_CASE("Console adds its latency to the delay of every access") {
  Bench bench;
  CHECK(bench.cpu.write(Console::rbr_thr_dll, 1, 'x', sc_time(5, SC_NS)).delay ==
        sc_time(15, SC_NS));
  CHECK(bench.cpu.read(Console::lsr, 1, sc_time(1, SC_NS)).delay == sc_time(11, SC_NS));
  CHECK(bench.cpu.read(9, 1).delay == latency);  // errors take the latency too
}

TEST_CASE("Console answers debug transport like blocking transport") {
  Bench bench;
  auto lsr = bench.cpu.debug_read(Console::lsr, 1);
  CHECK(lsr.ok());
  CHECK(lsr.debug_bytes == 1);
  CHECK(lsr.value == 0x60);
  CHECK(bench.cpu.debug_write(Console::rbr_thr_dll, 1, '\n').debug_bytes == 1);
  CHECK(bench.out.str() == "\n");
  CHECK(bench.cpu.debug_read(Console::lsr, 4).debug_bytes == 0);
}
