// dojo::bus::BlockingTargetSocket: what it forwards to the module's member functions, what it
// answers for those not registered, and that a non-blocking call is refused loudly. Called
// through the socket's export, bound at construction (no elaboration needed).
#include <catch2/catch.hpp>

#include <cstdint>
#include <systemc>
#include <tlm>

#include "bus/blocking_target_socket.h"

using dojo::bus::BlockingTargetSocket;

namespace {

struct Device : sc_core::sc_module {
  BlockingTargetSocket<Device> socket{"socket"};
  unsigned calls = 0;

  Device(sc_core::sc_module_name name, bool registered) : sc_core::sc_module(name) {
    if (!registered) return;
    socket.register_b_transport(this, &Device::b_transport);
    socket.register_transport_dbg(this, &Device::transport_dbg);
    socket.register_get_direct_mem_ptr(this, &Device::get_direct_mem_ptr);
  }
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    ++calls;
    delay += sc_core::sc_time(3, sc_core::SC_NS);
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  unsigned transport_dbg(tlm::tlm_generic_payload& trans) {
    ++calls;
    return trans.get_data_length();
  }
  bool get_direct_mem_ptr(tlm::tlm_generic_payload&, tlm::tlm_dmi& dmi) {
    ++calls;
    dmi.set_start_address(0x100);
    return true;
  }
};

// A 4-byte read, ready to go through the socket.
struct Read {
  uint8_t data[4] = {};
  tlm::tlm_generic_payload trans;
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  Read() {
    trans.set_command(tlm::TLM_READ_COMMAND);
    trans.set_data_ptr(data);
    trans.set_data_length(sizeof data);
    trans.set_streaming_width(sizeof data);
    trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  }
};

}  // namespace

TEST_CASE("a blocking target socket calls the module's registered functions") {
  Device device("registered_device", true);
  Read read;
  device.socket.get_base_export()->b_transport(read.trans, read.delay);
  CHECK(read.trans.is_response_ok());
  CHECK(read.delay == sc_core::sc_time(3, sc_core::SC_NS));
  CHECK(device.socket.get_base_export()->transport_dbg(read.trans) == 4);
  tlm::tlm_dmi dmi;
  CHECK(device.socket.get_base_export()->get_direct_mem_ptr(read.trans, dmi));
  CHECK(dmi.get_start_address() == 0x100);
  CHECK(device.calls == 3);
}

TEST_CASE("a blocking target socket without functions refuses commands and denies DMI") {
  Device device("bare_device", false);
  Read read;
  device.socket.get_base_export()->b_transport(read.trans, read.delay);
  CHECK(read.trans.get_response_status() == tlm::TLM_COMMAND_ERROR_RESPONSE);
  CHECK(device.socket.get_base_export()->transport_dbg(read.trans) == 0);
  tlm::tlm_dmi dmi;
  CHECK_FALSE(device.socket.get_base_export()->get_direct_mem_ptr(read.trans, dmi));
  CHECK(dmi.get_start_address() == 0);
  CHECK(dmi.get_end_address() == ~sc_dt::uint64{0});
  CHECK(device.calls == 0);
}

TEST_CASE("a blocking target socket reports a non-blocking call as an error naming itself") {
  Device device("nb_device", true);
  Read read;
  tlm::tlm_phase phase = tlm::BEGIN_REQ;
  try {
    device.socket.get_base_export()->nb_transport_fw(read.trans, phase, read.delay);
    FAIL("no error was reported");
  } catch (const sc_core::sc_report& report) {
    CHECK_THAT(report.what(),
               Catch::Matchers::Contains("nb_device.socket: takes blocking transport only"));
  }
  CHECK(device.calls == 0);
}
