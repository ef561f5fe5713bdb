#include "memory/sram.h"

#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace dojo::memory {

namespace {

// Reserves `size` zeroed bytes. MAP_NORESERVE plus the kernel's zero page make untouched memory
// free, which matters when a tile instantiates thousands of SRAMs.
uint8_t* reserve_zeroed(const std::string& owner, uint64_t size) {
  void* memory = mmap(nullptr, size, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (memory == MAP_FAILED) {
    throw std::runtime_error(owner + ": cannot reserve " + std::to_string(size) +
                             " bytes of host memory: " + std::strerror(errno));
  }
  return static_cast<uint8_t*>(memory);
}

}  // namespace

Sram::Sram(sc_core::sc_module_name name, uint64_t size, sc_core::sc_time read_latency,
           sc_core::sc_time write_latency)
    : sc_core::sc_module(name),
      socket("socket"),
      size_(size),
      read_latency_(read_latency),
      write_latency_(write_latency) {
  if (size == 0) throw std::invalid_argument(std::string(this->name()) + ": size must not be 0");
  data_ = reserve_zeroed(this->name(), size);
  socket.register_b_transport(this, &Sram::b_transport);
  socket.register_transport_dbg(this, &Sram::transport_dbg);
  socket.register_get_direct_mem_ptr(this, &Sram::get_direct_mem_ptr);
}

Sram::~Sram() { munmap(data_, size_); }

void Sram::b_transport(int, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  const tlm::tlm_command command = trans.get_command();
  if (command != tlm::TLM_READ_COMMAND && command != tlm::TLM_WRITE_COMMAND &&
      command != tlm::TLM_IGNORE_COMMAND) {
    trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }

  const uint64_t address = trans.get_address();
  const unsigned length = trans.get_data_length();
  // A streaming width of 0 (left unset by many initiators) means no streaming.
  const unsigned streaming_width = trans.get_streaming_width();
  const unsigned window =
      streaming_width == 0 ? length : std::min(streaming_width, length);  // bytes touched
  if (address > size_ || window > size_ - address) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }

  trans.set_dmi_allowed(true);
  if (command == tlm::TLM_IGNORE_COMMAND) {
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }

  const bool is_read = command == tlm::TLM_READ_COMMAND;
  uint8_t* memory = data_ + address;
  uint8_t* payload = trans.get_data_ptr();
  const uint8_t* byte_enables = trans.get_byte_enable_ptr();
  const unsigned byte_enable_length = byte_enables ? trans.get_byte_enable_length() : 0;

  if (byte_enable_length == 0 && window == length) {
    if (is_read) {
      std::memcpy(payload, memory, length);
    } else {
      std::memcpy(memory, payload, length);
    }
  } else {
    // Byte enables repeat every byte_enable_length bytes; streaming wraps every `window` bytes.
    for (unsigned i = 0; i < length; ++i) {
      if (byte_enable_length != 0 &&
          byte_enables[i % byte_enable_length] != TLM_BYTE_ENABLED) {
        continue;
      }
      uint8_t& cell = memory[i % window];
      if (is_read) {
        payload[i] = cell;
      } else {
        cell = payload[i];
      }
    }
  }

  delay += is_read ? read_latency_ : write_latency_;
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
  if (!is_read && on_write) on_write(address, window);
}

unsigned int Sram::transport_dbg(int, tlm::tlm_generic_payload& trans) {
  const uint64_t address = trans.get_address();
  const tlm::tlm_command command = trans.get_command();
  if (address >= size_ ||
      (command != tlm::TLM_READ_COMMAND && command != tlm::TLM_WRITE_COMMAND)) {
    return 0;
  }
  // Debug accesses are clipped at the end of the array rather than refused, as debuggers expect.
  const unsigned count =
      static_cast<unsigned>(std::min<uint64_t>(trans.get_data_length(), size_ - address));
  if (command == tlm::TLM_READ_COMMAND) {
    std::memcpy(trans.get_data_ptr(), data_ + address, count);
  } else {
    std::memcpy(data_ + address, trans.get_data_ptr(), count);
    if (on_write) on_write(address, count);
  }
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
  return count;
}

bool Sram::get_direct_mem_ptr(int, tlm::tlm_generic_payload&, tlm::tlm_dmi& dmi) {
  dmi.set_dmi_ptr(data_);
  dmi.set_start_address(0);
  dmi.set_end_address(size_ - 1);
  dmi.set_granted_access(tlm::tlm_dmi::DMI_ACCESS_READ_WRITE);
  dmi.set_read_latency(read_latency_);
  dmi.set_write_latency(write_latency_);
  return true;
}

}  // namespace dojo::memory
