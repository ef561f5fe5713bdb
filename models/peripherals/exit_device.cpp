#include "peripherals/exit_device.h"

#include <cstdio>
#include <utility>

namespace dojo::peripherals {

ExitDevice::ExitDevice(sc_core::sc_module_name name, std::function<void(int status)> on_exit,
                       sc_core::sc_time latency)
    : sc_module(name),
      socket("socket"),
      exit_(std::move(on_exit)),
      // 16-bit writes are accepted as QEMU does: a lone 0x5555 or 0x3333 is a complete request.
      registers_(this->name(), latency,
                 {{"FINISHER", finisher_offset, 4, 2, nullptr,
                   [this](uint64_t value, const sc_core::sc_time&) {
                     write_finisher(static_cast<uint32_t>(value));
                   }}}) {
  socket.register_b_transport(this, &ExitDevice::b_transport);
  socket.register_transport_dbg(this, &ExitDevice::transport_dbg);
}

void ExitDevice::write_finisher(uint32_t value) {
  const uint32_t request = value & 0xffff;
  const int code = static_cast<int>(value >> 16);
  if (request == pass_request) {
    exit_.request(0);
    return;
  }
  if (request == fail_request) {
    exit_.request(code == 0 ? fail_without_code_status : code);
    return;
  }
  char message[128];
  if (request == reset_request)
    std::snprintf(message, sizeof message,
                  "reset requested (0x%08x), which is not supported: ending the run with status %d",
                  value, reset_unsupported_status);
  else
    std::snprintf(message, sizeof message,
                  "ignored write 0x%08x: not a request (0x5555 pass, 0x3333 fail, 0x7777 reset)",
                  value);
  last_error_ = message;
  SC_REPORT_WARNING(name(), message);
  if (request == reset_request)
    exit_.request(reset_unsupported_status);
  else
    ++ignored_writes_;
}

}  // namespace dojo::peripherals
