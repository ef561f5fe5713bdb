// Dojo's interface processor at the tile's edge, as the agent that boots the tile: firmware images
// are kept once in its own memory (DRAM), travel as posted write transactions over its link and
// the network-on-chip into every core's SRAM, and each core is released from reset once its last
// chunk has been acknowledged. See docs/models/host-interface.md.
//
// The initiator socket is bound to the network, which decodes the global window and annotates
// each write with the network's time for the packet to arrive and be acknowledged.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>
#include <vector>

#include "host/host_settings.h"

namespace dojo::host {

struct HostInterfaceParams : HostSettings {
  sc_core::sc_time clock_period;      // clock of the link
  sc_core::sc_time start_latency;     // from the start of the simulation to the first injection
};

// A loadable piece of a firmware image at a core-local SRAM address: the file's `bytes`, then
// zeros up to `memory_size`. Only `bytes` are stored and sent: a core's SRAM is zero at reset.
struct ImageSegment {
  uint64_t address = 0;
  std::vector<uint8_t> bytes;
  uint64_t memory_size = 0;  // at least bytes.size()
};

// Releases a core from reset at an absolute simulated time, never earlier than the current time.
using ReleaseCallback = std::function<void(const sc_core::sc_time& at)>;

class HostInterface : public sc_core::sc_module {
 public:
  using ImageId = uint32_t;

  tlm_utils::simple_initiator_socket<HostInterface> socket;

  // Throws std::invalid_argument naming the parameter if a size, width or the clock period is 0.
  HostInterface(sc_core::sc_module_name name, const HostInterfaceParams& params);

  // Boot work, queued before the simulation starts (std::logic_error afterwards).
  //
  // Stores the image's file bytes once in the interface's memory; any number of targets may share
  // it. Throws std::invalid_argument naming the image if a segment's memory size is below its
  // file size or wraps past 2^64, or if the image does not fit in the memory that is left.
  ImageId add_image(const std::string& name, const std::vector<ImageSegment>& segments);
  // Boots the core whose SRAM appears at `window_base` in the global window and at `local_base`
  // in its own map: a segment at local address A is written to window_base + (A - local_base).
  // Targets are booted in the order they are added. Throws std::invalid_argument for an unknown
  // image, an empty callback, a segment below `local_base` or an image running past 2^64.
  void add_target(ImageId image, uint64_t window_base, uint64_t local_base,
                  ReleaseCallback release);
  // Selects fast loading (--fast-load): at time 0 every image is written through debug transport,
  // taking no simulated time, and every target is released at time 0.
  void use_fast_load();

  // The reason the boot stopped (empty if it did not): a write the network refused. The
  // simulation is stopped with sc_stop() and the failing target and those after it are not
  // released.
  const std::string& error() const { return error_; }
  bool boot_done() const { return boot_done_; }  // every target released
  // When the last target was released (meaningful once boot_done()).
  const sc_core::sc_time& boot_finished() const { return boot_finished_; }
  uint64_t bytes_sent() const { return bytes_sent_; }  // acknowledged payload bytes
  uint64_t chunks_sent() const { return chunks_sent_; }
  uint64_t targets_released() const { return targets_released_; }
  uint64_t memory_used() const { return memory_.size(); }

 private:
  // A write transaction's worth of one segment.
  struct Chunk {
    uint64_t memory_offset;  // in memory_
    uint64_t local_address;
    uint32_t length;
  };
  struct Image {
    std::string name;
    std::vector<Chunk> chunks;
    bool empty = true;         // no segment occupies memory
    uint64_t lowest = 0;       // lowest segment address
    uint64_t highest = 0;      // last byte of the highest segment
  };
  // Kept small: a tile boots thousands of cores.
  struct Target {
    ImageId image;
    uint64_t window_offset;  // window_base - local_base, modulo 2^64
    ReleaseCallback release;
  };

  void boot();
  // Both return false after reporting a refused write.
  bool stream();
  bool load_fast();
  void release(Target& target, const sc_core::sc_time& at);
  // Prepares payload_ to write `chunk` of the target's image.
  void prepare_write(const Target& target, const Chunk& chunk);
  void fail(const Target& target, const Chunk& chunk, const std::string& why);
  sc_core::sc_time serialisation_time(uint32_t bytes) const;
  void require_not_started(const char* what) const;

  HostInterfaceParams params_;
  std::vector<uint8_t> memory_;  // the images' file bytes, back to back
  std::vector<Image> images_;
  std::vector<Target> targets_;
  bool fast_load_ = false;
  bool started_ = false;
  tlm_utils::tlm_quantumkeeper quantum_keeper_;
  tlm::tlm_generic_payload payload_;  // reused by every write

  std::string error_;
  bool boot_done_ = false;
  sc_core::sc_time boot_finished_;
  uint64_t bytes_sent_ = 0;
  uint64_t chunks_sent_ = 0;
  uint64_t targets_released_ = 0;
};

}  // namespace dojo::host
