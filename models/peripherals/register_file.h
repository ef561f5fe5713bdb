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

// `count` registers `stride` bytes apart from `offset` (name0, name1, ...), whose hooks take the
// register's index: one entry where a device has one register per counter or channel, so that a
// tile's thousands of instances do not each build a closure and a name for every element.
struct RegisterArray {
  using ReadHook = std::function<uint64_t(unsigned index, const sc_core::sc_time& now)>;
  using WriteHook =
      std::function<void(unsigned index, uint64_t value, const sc_core::sc_time& now)>;

  std::string name;
  uint64_t offset = 0;
  uint64_t stride = 0;
  unsigned count = 1;
  unsigned size = 4;
  unsigned min_access = 4;
  ReadHook read;   // as Register::read, for element `index`
  WriteHook write;
};

class RegisterFile {
 public:
  // `owner` names the device in error messages. Throws std::invalid_argument for a malformed
  // table (bad size, misaligned or overlapping registers).
  RegisterFile(std::string owner, sc_core::sc_time latency, std::vector<Register> registers,
               std::vector<RegisterArray> arrays = {})
      : owner_(std::move(owner)), latency_(latency), registers_(std::move(registers)),
        arrays_(std::move(arrays)) {
    std::sort(registers_.begin(), registers_.end(),
              [](const Register& a, const Register& b) { return a.offset < b.offset; });
    struct Span {
      uint64_t begin, end;
      const std::string* name;
      int index;  // in an array, or -1
      std::string label() const { return *name + (index < 0 ? "" : std::to_string(index)); }
    };
    std::vector<Span> spans;  // every register's bytes, to find overlaps
    const auto check_shape = [this](const std::string& name, unsigned size, unsigned min_access,
                                    uint64_t offset) {
      if (!is_access_size(size) || !is_access_size(min_access) || min_access > size ||
          offset % size != 0)
        throw std::invalid_argument(owner_ + ": register " + name +
                                    " has a bad size, narrowest access or alignment");
    };
    for (const Register& reg : registers_) {
      check_shape(reg.name, reg.size, reg.min_access, reg.offset);
      spans.push_back({reg.offset, reg.offset + reg.size, &reg.name, -1});
    }
    for (const RegisterArray& array : arrays_) {
      // Every element is aligned when the first is and the stride is a multiple of the size.
      check_shape(array.name, array.size, array.min_access, array.offset);
      if (array.count == 0 ||
          (array.count > 1 && (array.stride < array.size || array.stride % array.size != 0)))
        throw std::invalid_argument(owner_ + ": register array " + array.name +
                                    " has no element, or a stride below or not a multiple of its "
                                    "size");
      for (unsigned i = 0; i < array.count; ++i) {
        const uint64_t offset = array.offset + i * array.stride;
        spans.push_back({offset, offset + array.size, &array.name, static_cast<int>(i)});
      }
    }
    std::sort(spans.begin(), spans.end(),
              [](const Span& a, const Span& b) { return a.begin < b.begin; });
    for (size_t i = 1; i < spans.size(); ++i) {
      if (spans[i - 1].end > spans[i].begin)
        throw std::invalid_argument(owner_ + ": register " + spans[i].label() + " overlaps " +
                                    spans[i - 1].label());
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

  // The register an offset falls in: a single one or an array's element.
  struct Target {
    const Register* reg = nullptr;
    const RegisterArray* array = nullptr;
    unsigned index = 0;  // in the array
    uint64_t offset = 0;
    unsigned size = 0, min_access = 0;

    bool readable() const { return reg ? bool(reg->read) : bool(array->read); }
    bool writable() const { return reg ? bool(reg->write) : bool(array->write); }
    uint64_t read(const sc_core::sc_time& now) const {
      if (!readable()) return 0;
      return reg ? reg->read(now) : array->read(index, now);
    }
    void write(uint64_t value, const sc_core::sc_time& now) const {
      if (reg)
        reg->write(value, now);
      else
        array->write(index, value, now);
    }
  };

  bool find(uint64_t offset, Target& target) const {
    auto after = std::upper_bound(registers_.begin(), registers_.end(), offset,
                                  [](uint64_t o, const Register& reg) { return o < reg.offset; });
    if (after != registers_.begin()) {
      const Register& reg = *std::prev(after);
      if (offset < reg.offset + reg.size) {
        target = {&reg, nullptr, 0, reg.offset, reg.size, reg.min_access};
        return true;
      }
    }
    for (const RegisterArray& array : arrays_) {
      if (offset < array.offset) continue;
      const uint64_t from_start = offset - array.offset;
      const uint64_t index = array.count == 1 ? 0 : from_start / array.stride;
      const uint64_t base = array.offset + index * array.stride;
      if (index < array.count && offset < base + array.size) {
        target = {nullptr, &array, static_cast<unsigned>(index), base, array.size,
                  array.min_access};
        return true;
      }
    }
    return false;
  }

  tlm::tlm_response_status access(tlm::tlm_generic_payload& trans, const sc_core::sc_time& now) {
    const uint64_t offset = trans.get_address();
    const unsigned length = trans.get_data_length();
    unsigned char* data = trans.get_data_ptr();
    if (trans.get_byte_enable_ptr() != nullptr) return tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE;
    if (data == nullptr) return tlm::TLM_GENERIC_ERROR_RESPONSE;

    Target reg;
    if (!find(offset, reg)) return tlm::TLM_ADDRESS_ERROR_RESPONSE;
    if (!is_access_size(length) || length < reg.min_access || length > reg.size ||
        trans.get_streaming_width() < length)
      return tlm::TLM_BURST_ERROR_RESPONSE;
    const uint64_t byte_in_register = offset - reg.offset;
    if (byte_in_register % length != 0) return tlm::TLM_ADDRESS_ERROR_RESPONSE;

    const unsigned shift = 8 * byte_in_register;
    const uint64_t slice_mask = length == 8 ? ~uint64_t{0} : ((uint64_t{1} << 8 * length) - 1);
    if (trans.is_read()) {
      const uint64_t value = reg.read(now) >> shift;
      for (unsigned i = 0; i < length; ++i) data[i] = static_cast<unsigned char>(value >> 8 * i);
    } else if (trans.is_write() && reg.writable()) {
      uint64_t slice = 0;
      for (unsigned i = 0; i < length; ++i) slice |= uint64_t{data[i]} << 8 * i;
      uint64_t value = slice << shift;
      if (length < reg.size) value |= reg.read(now) & ~(slice_mask << shift);
      reg.write(value, now);
    }
    return tlm::TLM_OK_RESPONSE;
  }

  std::string owner_;
  sc_core::sc_time latency_;
  std::vector<Register> registers_;  // by offset
  std::vector<RegisterArray> arrays_;
};

}  // namespace dojo::peripherals
