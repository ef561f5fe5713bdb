// The exit device: a SiFive test finisher, as on QEMU's virt machine. Firmware ends the run by
// writing a 32-bit word to its one register: a pass request, or a fail request with a code
// (exit_device_registers.yaml, dojo::exit::registers). See docs/models/exit-device.md.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <systemc>
#include <tlm>

#include "bus/blocking_target_socket.h"
#include "peripherals/exit_device_registers.h"
#include "peripherals/exit_reporter.h"
#include "peripherals/register_file.h"

namespace dojo::peripherals {

class ExitDevice : public sc_core::sc_module {
 public:
  bus::BlockingTargetSocket<ExitDevice> socket;

  // `on_exit(status)` is called once, for the first exit request: status 0 is a pass, anything
  // else a failure. `latency` is added to every register access.
  ExitDevice(sc_core::sc_module_name name, std::function<void(int status)> on_exit,
             sc_core::sc_time latency);

  // Status reported for a failure written with code 0, so that a failure never reads as a pass.
  static constexpr int fail_without_code_status = 1;
  // Status reported for a reset request, which the platform does not support.
  static constexpr int reset_unsupported_status = -1;

  bool exited() const { return exit_.exited(); }
  int exit_status() const { return exit_.status(); }  // meaningful once exited()
  // Writes that were not a request; each is reported with SC_REPORT_WARNING.
  uint64_t ignored_writes() const { return ignored_writes_; }
  // Describes the last ignored write or reset request.
  const std::string& last_error() const { return last_error_; }

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    registers_.b_transport(trans, delay);
  }
  unsigned int transport_dbg(tlm::tlm_generic_payload& trans) {
    return registers_.transport_dbg(trans);
  }
  void write_finisher(uint32_t value);

  ExitReporter exit_;
  uint64_t ignored_writes_ = 0;
  std::string last_error_;
  RegisterFile registers_;
};

}  // namespace dojo::peripherals
