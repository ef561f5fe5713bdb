#include "peripherals/htif.h"

#include <algorithm>
#include <climits>
#include <cstdio>
#include <utility>

#include "support/hex.h"

namespace dojo::peripherals {

namespace {

constexpr unsigned syscall_block_words = 8;  // [which, arg0, arg1, ...], as Spike reads it
constexpr int64_t ebadf = 9;                 // errno values returned negated, as by Spike's proxy
constexpr int64_t efault = 14;

uint64_t load_le64(const unsigned char* bytes) {
  uint64_t value = 0;
  for (unsigned i = 0; i < 8; ++i) value |= uint64_t{bytes[i]} << 8 * i;
  return value;
}

void store_le64(unsigned char* bytes, uint64_t value) {
  for (unsigned i = 0; i < 8; ++i) bytes[i] = static_cast<unsigned char>(value >> 8 * i);
}

// A 64-bit word with 32-bit halves, stored in `storage`; writes go to `on_write`.
Register word(const char* name, uint64_t& storage, std::function<void(uint64_t)> on_write) {
  return {name, 0, 8, 4, [&storage](const sc_core::sc_time&) { return storage; },
          [on_write = std::move(on_write)](uint64_t value, const sc_core::sc_time&) {
            on_write(value);
          }};
}

}  // namespace

Htif::Htif(sc_core::sc_module_name name, std::function<void(int status)> on_exit,
           std::function<void(char)> on_char, sc_core::sc_time latency)
    : sc_module(name),
      socket("socket"),
      fromhost_socket("fromhost_socket"),
      memory("memory"),
      on_char_(std::move(on_char)),
      exit_(std::move(on_exit)),
      tohost_register_(std::string(this->name()) + ".tohost", latency,
                       {word("tohost", tohost_, [this](uint64_t value) { write_tohost(value); })}),
      fromhost_register_(std::string(this->name()) + ".fromhost", latency,
                         {word("fromhost", fromhost_,
                               [this](uint64_t value) { fromhost_ = value; })}) {
  socket.register_b_transport(this, &Htif::tohost_b_transport);
  socket.register_transport_dbg(this, &Htif::tohost_transport_dbg);
  fromhost_socket.register_b_transport(this, &Htif::fromhost_b_transport);
  fromhost_socket.register_transport_dbg(this, &Htif::fromhost_transport_dbg);
}

void Htif::write_tohost(uint64_t value) {
  // Like Spike's host, take the command and clear tohost before carrying it out.
  tohost_ = 0;
  if (value == 0) return;
  const uint8_t device = static_cast<uint8_t>(value >> 56);
  const uint8_t command = static_cast<uint8_t>(value >> 48);
  const uint64_t payload = value & 0xffff'ffff'ffff;
  if (device == syscall_device && command == 0) {
    if (payload & 1) {
      const uint64_t code = payload >> 1;
      exit_.request(code > INT_MAX ? INT_MAX : static_cast<int>(code));
    } else {
      run_syscall(payload);
    }
  } else if (device == console_device && command == console_write) {
    if (on_char_) on_char_(static_cast<char>(payload & 0xff));
    fromhost_ = uint64_t{console_device} << 56 | uint64_t{console_write} << 48;
  } else if (device == console_device && command == console_read) {
    // There is no input: like Spike with nothing typed, the request stays unanswered.
  } else {
    fail("unsupported command " + hex(value) + " (device " + std::to_string(device) +
         ", command " + std::to_string(command) + ")");
  }
}

void Htif::run_syscall(uint64_t block_address) {
  unsigned char block[8 * syscall_block_words];
  if (access_memory(tlm::TLM_READ_COMMAND, block_address, block, sizeof block) != sizeof block) {
    fail("cannot read the system-call block at " + hex(block_address));
    return;
  }
  const uint64_t which = load_le64(block);
  const uint64_t arg0 = load_le64(block + 8);
  int64_t result = 0;
  switch (which) {
    case sys_write:
      result = write_to_console(arg0, load_le64(block + 16), load_le64(block + 24));
      break;
    case sys_exit:
      // exit() takes an int: its low 32 bits are the status.
      exit_.request(static_cast<int32_t>(arg0));
      return;
    default:
      fail("unsupported system call " + std::to_string(which) + " (block at " +
           hex(block_address) + ")");
      return;
  }
  store_le64(block, static_cast<uint64_t>(result));
  if (access_memory(tlm::TLM_WRITE_COMMAND, block_address, block, 8) != 8) {
    fail("cannot write the system-call result to " + hex(block_address));
    return;
  }
  fromhost_ = 1;  // device 0, command 0, payload 1: the call is done
}

int64_t Htif::write_to_console(uint64_t fd, uint64_t buffer, uint64_t length) {
  if (fd != 1 && fd != 2) return -ebadf;
  unsigned char chunk[256];
  uint64_t done = 0;
  while (done < length) {
    const unsigned wanted = static_cast<unsigned>(std::min<uint64_t>(sizeof chunk, length - done));
    const unsigned got = access_memory(tlm::TLM_READ_COMMAND, buffer + done, chunk, wanted);
    if (on_char_)
      for (unsigned i = 0; i < got; ++i) on_char_(static_cast<char>(chunk[i]));
    done += got;
    if (got < wanted) return done > 0 ? static_cast<int64_t>(done) : -efault;
  }
  return static_cast<int64_t>(done);
}

unsigned Htif::access_memory(tlm::tlm_command command, uint64_t address, unsigned char* data,
                             unsigned length) {
  tlm::tlm_generic_payload trans;
  trans.set_command(command);
  trans.set_address(address);
  trans.set_data_ptr(data);
  trans.set_data_length(length);
  trans.set_streaming_width(length);
  return std::min(memory->transport_dbg(trans), length);
}

void Htif::fail(const std::string& message) {
  last_error_ = message;
  SC_REPORT_WARNING(name(), message.c_str());
  exit_.request(protocol_error_status);
}

}  // namespace dojo::peripherals
