// The console: the transmit side of a 16550-compatible UART (byte-wide registers, as on QEMU's
// virt machine), so firmware written for that UART prints unchanged. There is no input and no
// interrupt. Output is line-buffered and every line is written whole, with a prefix, so the
// consoles of several cores sharing one stream never interleave mid-line. See
// docs/models/console.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <systemc>
#include <utility>
#include <vector>
#include <tlm>

#include "bus/blocking_target_socket.h"
#include "peripherals/console_registers.h"
#include "peripherals/register_file.h"

namespace dojo::peripherals {

class Console : public sc_core::sc_module {
 public:
  bus::BlockingTargetSocket<Console> socket;

  // `out` must outlive the console (the destructor flushes into it). `line_prefix` starts every
  // line written (e.g. "[core 3] ", or empty). `latency` is added to every register access. A
  // line reaching `max_line_bytes` (not counting the prefix) is written at once, as if it ended
  // there, so a program that never prints a newline cannot make the simulator hoard its output.
  Console(sc_core::sc_module_name name, std::ostream& out, std::string line_prefix,
          sc_core::sc_time latency, size_t max_line_bytes);
  ~Console() override;
  Console(const Console&) = delete;
  Console& operator=(const Console&) = delete;

  // Where finished lines go instead of `out`, with the simulated time of their newline: the
  // platform orders the lines of many consoles by time. Optional.
  std::function<void(std::string line, sc_core::sc_time at)> line_sink;
  // Called, with errno, after a line could not be written to `out` (e.g. a closed pipe). Optional.
  std::function<void(int error)> on_write_error;

  // Sends one byte, as a write to the transmit register does (for other devices, e.g. HTIF), at
  // simulated time `at` (default: now).
  void put(char c, sc_core::sc_time at = sc_core::sc_time_stamp());
  // While held, finished lines are kept (with their times) rather than written or given to the
  // line sink, so that a core's isolated slice may print on another host thread (Core::
  // add_slice_device); releasing the hold writes them, in order. Not held at first.
  void hold_lines(bool hold);
  // Writes a pending partial line, ended with a newline; nothing if there is none.
  void flush();
  // Bytes received so far (register writes and put()), newlines included.
  uint64_t bytes_written() const { return bytes_written_; }

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    registers_.b_transport(trans, delay);
  }
  unsigned int transport_dbg(tlm::tlm_generic_payload& trans) {
    return registers_.transport_dbg(trans);
  }
  void emit_line(const sc_core::sc_time& at);
  void write_line(std::string line, const sc_core::sc_time& at);
  bool dlab() const { return (lcr_ & uart::registers::lcr_dlab) != 0; }

  std::ostream& out_;
  std::string line_prefix_;
  size_t max_line_bytes_;
  std::string line_;
  bool holding_ = false;
  std::vector<std::pair<std::string, sc_core::sc_time>> held_lines_;
  uint64_t bytes_written_ = 0;
  uint8_t ier_ = 0, lcr_ = 0, mcr_ = 0, scr_ = 0, dll_ = 0, dlm_ = 0;
  RegisterFile registers_;
};

}  // namespace dojo::peripherals
