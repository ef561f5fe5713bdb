// A core's local SRAM as a loosely-timed TLM-2.0 target: blocking transport, debug transport and
// read/write DMI over the whole array. Addresses are offsets from the SRAM's start (the bus
// subtracts the mapping base).
//
// Storage is a zero-filled anonymous mapping reserved without swap, so pages cost host memory only
// once they are written: a tile holds thousands of these.
#pragma once

#include <cstdint>
#include <functional>
#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>

namespace dojo::memory {

class Sram : public sc_core::sc_module {
 public:
  // Any number of ports (e.g. the core's bus and the network's SRAM space): all see the same array.
  tlm_utils::multi_passthrough_target_socket<Sram> socket;

  // `read_latency`/`write_latency` are added to the delay of every access and announced in DMI
  // grants. Throws std::invalid_argument for a zero size and std::runtime_error if the host cannot
  // reserve the address space.
  Sram(sc_core::sc_module_name name, uint64_t size, sc_core::sc_time read_latency,
       sc_core::sc_time write_latency);
  ~Sram() override;
  Sram(const Sram&) = delete;
  Sram& operator=(const Sram&) = delete;

  // Called after every write through b_transport or transport_dbg with the offset and length
  // written, so the platform can tell the owning core (decoded code, LR/SC reservation). Writes
  // through DMI pointers do not call it: their holder knows what it wrote.
  std::function<void(uint64_t offset, uint64_t length)> on_write;

  // The backing store, for loaders and the platform (e.g. to dump memory).
  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  uint64_t size() const { return size_; }

 private:
  void b_transport(int port, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned int transport_dbg(int port, tlm::tlm_generic_payload& trans);
  bool get_direct_mem_ptr(int port, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);

  uint8_t* data_ = nullptr;
  uint64_t size_;
  sc_core::sc_time read_latency_;
  sc_core::sc_time write_latency_;
};

}  // namespace dojo::memory
