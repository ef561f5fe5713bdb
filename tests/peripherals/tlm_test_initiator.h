// A test initiator for the peripheral tests: one access at a time through blocking or debug
// transport, values little-endian as the devices expect. Lengths up to 64 bytes; values carry the
// first 8.
#pragma once

#include <cstdint>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

namespace dojo::test {

struct AccessResult {
  tlm::tlm_response_status status;
  uint64_t value;          // the data read (0 for writes)
  sc_core::sc_time delay;  // the delay after the call (blocking transport only)
  unsigned debug_bytes;    // the value transport_dbg returned (debug transport only)
  bool ok() const { return status == tlm::TLM_OK_RESPONSE; }
};

class TestInitiator : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<TestInitiator> socket;

  explicit TestInitiator(sc_core::sc_module_name name) : sc_module(name), socket("socket") {}

  AccessResult read(uint64_t address, unsigned length,
                    sc_core::sc_time delay = sc_core::SC_ZERO_TIME) {
    return transact(tlm::TLM_READ_COMMAND, address, length, 0, delay, false);
  }
  AccessResult write(uint64_t address, unsigned length, uint64_t value,
                     sc_core::sc_time delay = sc_core::SC_ZERO_TIME) {
    return transact(tlm::TLM_WRITE_COMMAND, address, length, value, delay, false);
  }
  AccessResult debug_read(uint64_t address, unsigned length) {
    return transact(tlm::TLM_READ_COMMAND, address, length, 0, sc_core::SC_ZERO_TIME, true);
  }
  AccessResult debug_write(uint64_t address, unsigned length, uint64_t value) {
    return transact(tlm::TLM_WRITE_COMMAND, address, length, value, sc_core::SC_ZERO_TIME, true);
  }
  // A write with byte enables, which the devices refuse.
  AccessResult write_with_byte_enables(uint64_t address, unsigned length, uint64_t value) {
    unsigned char enables[8] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    return transact(tlm::TLM_WRITE_COMMAND, address, length, value, sc_core::SC_ZERO_TIME, false,
                    enables);
  }

 private:
  AccessResult transact(tlm::tlm_command command, uint64_t address, unsigned length,
                        uint64_t value, sc_core::sc_time delay, bool debug,
                        unsigned char* byte_enables = nullptr) {
    unsigned char data[64] = {};  // room for the over-long accesses the error tests send
    for (unsigned i = 0; i < length && i < 8; ++i)
      data[i] = static_cast<unsigned char>(value >> 8 * i);
    tlm::tlm_generic_payload trans;
    trans.set_command(command);
    trans.set_address(address);
    trans.set_data_ptr(data);
    trans.set_data_length(length);
    trans.set_streaming_width(length);
    if (byte_enables) {
      trans.set_byte_enable_ptr(byte_enables);
      trans.set_byte_enable_length(length);
    }
    trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    AccessResult result{};
    if (debug) {
      result.debug_bytes = socket->transport_dbg(trans);
    } else {
      socket->b_transport(trans, delay);
      result.delay = delay;
    }
    result.status = trans.get_response_status();
    if (command == tlm::TLM_READ_COMMAND)
      for (unsigned i = 0; i < length && i < 8; ++i) result.value |= uint64_t{data[i]} << 8 * i;
    return result;
  }
};

}  // namespace dojo::test
