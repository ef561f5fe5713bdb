#include "peripherals/exit_device.h"

#include <cstdio>
#include <utility>

namespace dojo::peripherals {

namespace regs = exit::registers;

ExitDevice::ExitDevice(sc_core::sc_module_name name, std::function<void(int status)> on_exit,
                       sc_core::sc_time latency)
    : sc_module(name),
      socket("socket"),
      exit_(std::move(on_exit)),
      // 16-bit writes are accepted as QEMU does: a lone 0x5555 or 0x3333 is a complete request.
      registers_(this->name(), latency,
                 {{"FINISHER", regs::finisher_offset, regs::finisher_bytes,
                   regs::finisher_min_access, nullptr,
                   [this](uint64_t value, const sc_core::sc_time&) {
                     write_finisher(static_cast<uint32_t>(value));
                   }}}) {
  socket.register_b_transport(this, &ExitDevice::b_transport);
  socket.register_transport_dbg(this, &ExitDevice::transport_dbg);
}

void ExitDevice::write_finisher(uint32_t value) {
  const uint64_t request = value >> regs::finisher_request_shift & regs::finisher_request_mask;
  const int code = static_cast<int>(value >> regs::finisher_code_shift & regs::finisher_code_mask);
  if (request == regs::request_pass) {
    exit_.request(0);
    return;
  }
  if (request == regs::request_fail) {
    exit_.request(code == 0 ? fail_without_code_status : code);
    return;
  }
  char message[128];
  if (request == regs::request_reset)
    std::snprintf(message, sizeof message,
                  "reset requested (0x%08x), which is not supported: ending the run with status %d",
                  value, reset_unsupported_status);
  else
    std::snprintf(message, sizeof message,
                  "ignored write 0x%08x: not a request (0x%04x pass, 0x%04x fail, 0x%04x reset)",
                  value, unsigned{regs::request_pass}, unsigned{regs::request_fail},
                  unsigned{regs::request_reset});
  last_error_ = message;
  SC_REPORT_WARNING(name(), message);
  if (request == regs::request_reset)
    exit_.request(reset_unsupported_status);
  else
    ++ignored_writes_;
}

}  // namespace dojo::peripherals
