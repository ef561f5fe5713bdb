// Spike's host-target interface (HTIF), for ELF programs that define `tohost` and `fromhost`:
// firmware writes a command to tohost, and the device acts at once, as Spike's host would: it
// ends the run, prints a character, or carries out a proxied system call (write, exit) by reading
// and writing the program's memory, then answers in fromhost. See docs/models/htif.md.
//
// The two words usually lie far apart (each is 64-byte aligned in its own section), so the device
// has one target socket per word: `socket` is the tohost word and `fromhost_socket` the fromhost
// word, each 8 bytes at offset 0. The platform maps them over the symbols' addresses.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "bus/blocking_target_socket.h"
#include "peripherals/exit_reporter.h"
#include "peripherals/register_file.h"

namespace dojo::peripherals {

class Htif : public sc_core::sc_module {
 public:
  bus::BlockingTargetSocket<Htif> socket;           // tohost
  bus::BlockingTargetSocket<Htif> fromhost_socket;  // fromhost
  // The program's memory, for system-call arguments; accessed with debug transport only.
  tlm_utils::simple_initiator_socket<Htif> memory;

  // `on_exit(status)` is called once, for the first exit request (status 0 is a pass).
  // `on_char` receives console output (the platform wires it to Console::put). `latency` is added
  // to every access of tohost or fromhost.
  Htif(sc_core::sc_module_name name, std::function<void(int status)> on_exit,
       std::function<void(char)> on_char, sc_core::sc_time latency);

  uint64_t tohost() const { return tohost_; }
  uint64_t fromhost() const { return fromhost_; }
  bool exited() const { return exit_.exited(); }
  int exit_status() const { return exit_.status(); }  // meaningful once exited()
  // The last command the device could not carry out (also reported as SC_REPORT_WARNING).
  const std::string& last_error() const { return last_error_; }

  // Status reported when a command cannot be carried out (unknown device, command or system
  // call; system-call block out of reach).
  static constexpr int protocol_error_status = -2;

  // Command fields: device (bits 63..56), command (55..48), payload (47..0).
  static constexpr uint8_t syscall_device = 0;  // command 0: exit or system call
  static constexpr uint8_t console_device = 1;  // command 0: read (no input), 1: write
  static constexpr uint8_t console_read = 0;
  static constexpr uint8_t console_write = 1;
  static constexpr uint64_t sys_write = 64;
  static constexpr uint64_t sys_exit = 93;

 private:
  void tohost_b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    tohost_register_.b_transport(trans, delay);
  }
  unsigned int tohost_transport_dbg(tlm::tlm_generic_payload& trans) {
    return tohost_register_.transport_dbg(trans);
  }
  void fromhost_b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    fromhost_register_.b_transport(trans, delay);
  }
  unsigned int fromhost_transport_dbg(tlm::tlm_generic_payload& trans) {
    return fromhost_register_.transport_dbg(trans);
  }

  void write_tohost(uint64_t value);
  void run_syscall(uint64_t block_address);
  // Performs sys_write and returns its result (bytes written, or a negated errno).
  int64_t write_to_console(uint64_t fd, uint64_t buffer, uint64_t length);
  // Debug transport through `memory`; returns the bytes transferred.
  unsigned access_memory(tlm::tlm_command command, uint64_t address, unsigned char* data,
                         unsigned length);
  void fail(const std::string& message);

  std::function<void(char)> on_char_;
  ExitReporter exit_;
  uint64_t tohost_ = 0;
  uint64_t fromhost_ = 0;
  std::string last_error_;
  RegisterFile tohost_register_;
  RegisterFile fromhost_register_;
};

}  // namespace dojo::peripherals
