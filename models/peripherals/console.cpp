#include "peripherals/console.h"

#include <cerrno>
#include <utility>

namespace dojo::peripherals {

namespace {

// The register map is console_registers.yaml: every register is one byte, taken whole.
namespace regs = uart::registers;

// A byte register that reads back what was written.
Register plain(std::string name, uint64_t offset, uint8_t& storage) {
  return {std::move(name), offset, 1, 1,
          [&storage](const sc_core::sc_time&) { return uint64_t{storage}; },
          [&storage](uint64_t value, const sc_core::sc_time&) {
            storage = static_cast<uint8_t>(value);
          }};
}

// A byte register with a fixed value; writes are ignored.
Register constant(std::string name, uint64_t offset, uint8_t value) {
  return {std::move(name), offset, 1, 1,
          [value](const sc_core::sc_time&) { return uint64_t{value}; }, nullptr};
}

}  // namespace

Console::Console(sc_core::sc_module_name name, std::ostream& out, std::string line_prefix,
                 sc_core::sc_time latency, size_t max_line_bytes)
    : sc_module(name),
      socket("socket"),
      out_(out),
      line_prefix_(std::move(line_prefix)),
      max_line_bytes_(max_line_bytes),
      registers_(
          this->name(), latency,
          {
              // RBR (no input: reads 0) / THR, or DLL while LCR.DLAB is set.
              {"RBR/THR/DLL", regs::rbr_thr_offset, 1, 1,
               [this](const sc_core::sc_time&) { return uint64_t{dlab() ? dll_ : uint8_t{0}}; },
               [this](uint64_t value, const sc_core::sc_time& now) {
                 if (dlab())
                   dll_ = static_cast<uint8_t>(value);
                 else
                   put(static_cast<char>(value), now);
               }},
              {"IER/DLM", regs::ier_offset, 1, 1,
               [this](const sc_core::sc_time&) { return uint64_t{dlab() ? dlm_ : ier_}; },
               [this](uint64_t value, const sc_core::sc_time&) {
                 (dlab() ? dlm_ : ier_) = static_cast<uint8_t>(value);
               }},
              // FIFO control is accepted and has no effect: output is immediate.
              constant("IIR/FCR", regs::iir_fcr_offset, regs::iir_fcr_reset),
              plain("LCR", regs::lcr_offset, lcr_),
              plain("MCR", regs::mcr_offset, mcr_),
              constant("LSR", regs::lsr_offset, regs::lsr_reset),
              constant("MSR", regs::msr_offset, regs::msr_reset),
              plain("SCR", regs::scr_offset, scr_),
          }) {
  socket.register_b_transport(this, &Console::b_transport);
  socket.register_transport_dbg(this, &Console::transport_dbg);
}

Console::~Console() { flush(); }

void Console::put(char c, sc_core::sc_time at) {
  ++bytes_written_;
  if (c == '\n') return emit_line(at);
  line_ += c;
  // Firmware that never sends a newline must not grow the line without bound.
  if (line_.size() >= max_line_bytes_) emit_line(at);
}

void Console::flush() {
  if (!line_.empty()) emit_line(sc_core::sc_time_stamp());
}

void Console::hold_lines(bool hold) {
  holding_ = hold;
  if (hold) return;
  for (auto& [line, at] : held_lines_) write_line(std::move(line), at);
  held_lines_.clear();
}

void Console::emit_line(const sc_core::sc_time& at) {
  std::string line = line_prefix_ + line_ + '\n';
  line_.clear();
  if (holding_) {
    held_lines_.emplace_back(std::move(line), at);
  } else {
    write_line(std::move(line), at);
  }
}

void Console::write_line(std::string line, const sc_core::sc_time& at) {
  if (line_sink) return line_sink(std::move(line), at);
  // One write per line, so consoles sharing a stream interleave only whole lines.
  out_ << line << std::flush;
  if (!out_ && on_write_error) on_write_error(errno);
}

}  // namespace dojo::peripherals
