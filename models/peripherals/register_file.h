// The register decoding shared by the memory-mapped peripherals: a device declares its registers
// once, in a table (offset, size, narrowest access, read and write behaviour), and the table
// answers blocking and debug transport for it.
//
// Access rules, the same for every device:
// - An access lies inside one register, its length is a power of two between the register's
//   narrowest access and its size, and it is aligned to its length. A length the register does not
//   accept is TLM_BURST_ERROR_RESPONSE (as is a streaming width shorter than the length); an
//   offset with no register, or a misaligned one, is TLM_ADDRESS_ERROR_RESPONSE; byte enables
//   are TLM_BYTE_ENABLE_ERROR_RESPONSE.
// - A write narrower than the register is merged into the register's current (read) value, so a
//   write hook always receives the whole register.
// - Data is little-endian: byte i of the payload is bits 8i..8i+7 of the register slice.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <iterator>
#include <stdexcept>
#include <string>
#include <systemc>
#include <tlm>
#include <utility>
#include <vector>

namespace dojo::peripherals {

struct Register {
  // `now` is the simulated time of the access (for blocking transport, sc_time_stamp() plus the
  // initiator's delay, before the register latency is added).
  using ReadHook = std::function<uint64_t(const sc_core::sc_time& now)>;
  using WriteHook = std::function<void(uint64_t value, const sc_core::sc_time& now)>;

  std::string name;
  uint64_t offset = 0;
  unsigned size = 4;        // bytes: 1, 2, 4 or 8
  unsigned min_access = 4;  // narrowest access accepted, e.g. 4 for a 64-bit register with halves
  ReadHook read;            // empty: reads as 0. Must have no side effects (debug reads use it).
  WriteHook write;          // empty: writes are ignored
};

class RegisterFile {
 public:
  // `owner` names the device in error messages. Throws std::invalid_argument for a malformed
  // table (bad size, misaligned or overlapping registers).
  RegisterFile(std::string owner, sc_core::sc_time latency, std::vector<Register> registers)
      : owner_(std::move(owner)), latency_(latency), registers_(std::move(registers)) {
    std::sort(registers_.begin(), registers_.end(),
              [](const Register& a, const Register& b) { return a.offset < b.offset; });
    for (size_t i = 0; i < registers_.size(); ++i) {
      const Register& reg = registers_[i];
      if (!is_access_size(reg.size) || !is_access_size(reg.min_access) ||
          reg.min_access > reg.size || reg.offset % reg.size != 0)
        throw std::invalid_argument(owner_ + ": register " + reg.name +
                                    " has a bad size, narrowest access or alignment");
      if (i > 0 && registers_[i - 1].offset + registers_[i - 1].size > reg.offset)
        throw std::invalid_argument(owner_ + ": register " + reg.name + " overlaps " +
                                    registers_[i - 1].name);
    }
  }

  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    trans.set_response_status(access(trans, sc_core::sc_time_stamp() + delay));
    delay += latency_;
  }

  unsigned int transport_dbg(tlm::tlm_generic_payload& trans) {
    tlm::tlm_response_status status = access(trans, sc_core::sc_time_stamp());
    trans.set_response_status(status);
    return status == tlm::TLM_OK_RESPONSE ? trans.get_data_length() : 0;
  }

 private:
  static bool is_access_size(unsigned n) { return n == 1 || n == 2 || n == 4 || n == 8; }

  const Register* find(uint64_t offset) const {
    auto after = std::upper_bound(registers_.begin(), registers_.end(), offset,
                                  [](uint64_t o, const Register& reg) { return o < reg.offset; });
    if (after == registers_.begin()) return nullptr;
    const Register& reg = *std::prev(after);
    return offset < reg.offset + reg.size ? &reg : nullptr;
  }

  tlm::tlm_response_status access(tlm::tlm_generic_payload& trans, const sc_core::sc_time& now) {
    const uint64_t offset = trans.get_address();
    const unsigned length = trans.get_data_length();
    unsigned char* data = trans.get_data_ptr();
    if (trans.get_byte_enable_ptr() != nullptr) return tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE;
    if (data == nullptr) return tlm::TLM_GENERIC_ERROR_RESPONSE;

    const Register* reg = find(offset);
    if (reg == nullptr) return tlm::TLM_ADDRESS_ERROR_RESPONSE;
    if (!is_access_size(length) || length < reg->min_access || length > reg->size ||
        trans.get_streaming_width() < length)
      return tlm::TLM_BURST_ERROR_RESPONSE;
    const uint64_t byte_in_register = offset - reg->offset;
    if (byte_in_register % length != 0) return tlm::TLM_ADDRESS_ERROR_RESPONSE;

    const unsigned shift = 8 * byte_in_register;
    const uint64_t slice_mask = length == 8 ? ~uint64_t{0} : ((uint64_t{1} << 8 * length) - 1);
    if (trans.is_read()) {
      const uint64_t value = reg->read ? reg->read(now) >> shift : 0;
      for (unsigned i = 0; i < length; ++i) data[i] = static_cast<unsigned char>(value >> 8 * i);
    } else if (trans.is_write() && reg->write) {
      uint64_t slice = 0;
      for (unsigned i = 0; i < length; ++i) slice |= uint64_t{data[i]} << 8 * i;
      uint64_t value = slice << shift;
      if (length < reg->size) {
        const uint64_t current = reg->read ? reg->read(now) : 0;
        value |= current & ~(slice_mask << shift);
      }
      reg->write(value, now);
    }
    return tlm::TLM_OK_RESPONSE;
  }

  std::string owner_;
  sc_core::sc_time latency_;
  std::vector<Register> registers_;
};

}  // namespace dojo::peripherals
