// A core's DMA engine: firmware writes the address of a chain of descriptors in memory and starts
// it; the engine fetches each descriptor, moves its 1D or 2D block in bursts, optionally writes a
// completion notification, and reports done or error in its status (and its interrupt line).
//
// Everything the engine reads or writes (descriptors, data, notifications) goes through its
// initiator socket with blocking transport, so local SRAM, devices and other cores' memory through
// the global window all work alike. The engine runs as one method process woken by an event: an
// idle engine costs nothing, and no engine has a thread stack. Where a target on its path may call
// wait() (the cycle-level network, noc.h), `path_waits` makes it a thread instead, and a
// descriptor's bursts move through up to `bursts_in_flight` lanes (thread processes spawned on
// first use), each carrying one burst from its read to its write's completion.
//
// Timing (docs/dma.md): read and write channels each move `port_bytes_per_cycle` bytes per cycle;
// burst k of a descriptor is read as soon as the read channel is free and written as soon as its
// data has arrived and the write channel is free, so consecutive bursts overlap. Every access of
// b bytes issued at time t completes at t + ceil(b / port_bytes_per_cycle) cycles + the delay the
// socket's target annotates (its latency, or the network's time for a remote address).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <vector>

#include "bus/blocking_target_socket.h"
#include "dma/dma_descriptor.h"  // generated from dma_descriptor.yaml
#include "dma/dma_registers.h"  // generated from dma_registers.yaml
#include "dma/dma_settings.h"
#include "peripherals/register_file.h"

namespace dojo::dma {

struct DmaParams : DmaSettings {
  sc_core::sc_time clock_period;    // one engine cycle
  sc_core::sc_time register_latency;  // added to every register access
  uint64_t max_descriptor_bytes = 0;  // row_bytes * rows above this is a size error
  bool path_waits = false;  // a target on the initiator's path may call wait(): run as a thread
};

// The engine's states, as STATUS.STATE reports them (values from the register map).
enum class State : uint32_t {
  idle = registers::state_idle,
  busy = registers::state_busy,
  done = registers::state_done,
  error = registers::state_error,
};

// Why the engine stopped with State::error (STATUS.CAUSE), and what ERROR_ADDR then holds.
enum class Cause : uint32_t {
  none = registers::cause_none,
  descriptor_misaligned = registers::cause_desc_misaligned,  // that address
  descriptor_read = registers::cause_desc_read,  // a descriptor read (first or next): its address
  bad_size = registers::cause_bad_size,    // row_bytes or rows is 0, or too large: descriptor
  bad_flags = registers::cause_bad_flags,  // a flag bit with no meaning: the descriptor's address
  source = registers::cause_source,        // a data read: the first address of that burst
  destination = registers::cause_destination,  // a data write: the first address of that burst
  notify = registers::cause_notify,        // the notification write: the notification address
  chain_too_long = registers::cause_chain_too_long,  // over max_chain_descriptors: the next one's
};

// A descriptor, decoded from its layout in memory (dma_descriptor.yaml: 64 bytes, little-endian,
// 8-byte aligned).
struct Descriptor {
  uint64_t source = 0;
  uint64_t destination = 0;
  uint64_t next = 0;  // the next descriptor, 0 ends the chain
  uint64_t notify_address = 0;
  uint64_t notify_value = 0;  // written (8 bytes) to notify_address with flag_notify
  uint32_t row_bytes = 0;
  uint32_t rows = 0;  // 1 for a 1D copy
  int32_t source_stride = 0;  // bytes from one row's start to the next
  int32_t destination_stride = 0;
  uint32_t flags = 0;
  static constexpr unsigned bytes = dma_descriptor::registers::size;
  static constexpr unsigned alignment = 8;
  // Raise the interrupt when this descriptor retires; write the notification after the data.
  static constexpr uint32_t flag_irq = dma_descriptor::registers::flags_irq;
  static constexpr uint32_t flag_notify = dma_descriptor::registers::flags_notify;
  static constexpr uint32_t known_flags = flag_irq | flag_notify;

  static Descriptor decode(const uint8_t (&raw)[bytes]);
};

class Dma : public sc_core::sc_module {
 public:
  bus::BlockingTargetSocket<Dma> socket;        // the registers
  tlm_utils::simple_initiator_socket<Dma> initiator;  // descriptors, data and notifications

  // Throws std::invalid_argument naming the parameter if one of `params` is zero. `set_irq` hears
  // of level changes of the interrupt line, which starts low.
  Dma(sc_core::sc_module_name name, const DmaParams& params, std::function<void(bool)> set_irq);

  State state() const { return state_; }
  Cause cause() const { return cause_; }
  uint64_t error_address() const { return error_address_; }
  uint32_t completed() const { return completed_; }
  bool irq() const { return irq_level_; }

  // Since the start of the simulation, for statistics: descriptors retired, their data bytes,
  // runs that ended in an error, and the engine's cycles from each start to its done or error
  // (where a path that waits, or a busy network, shows).
  struct Totals {
    uint64_t descriptors = 0;
    uint64_t bytes = 0;
    uint64_t errors = 0;
    uint64_t busy_cycles = 0;
  };
  const Totals& totals() const { return totals_; }

  // Observer of every retired descriptor (e.g. for a trace): from its fetch to its retirement.
  std::function<void(const Descriptor&, sc_core::sc_time start, sc_core::sc_time end)>
      on_descriptor;

 private:
  enum class Step { fetch, notify, retire, fail };
  struct Completion {
    bool ok;
    sc_core::sc_time done;  // when the access completes (or its refusal arrives)
  };

  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    registers_.b_transport(trans, delay);
  }
  unsigned int transport_dbg(tlm::tlm_generic_payload& trans) {
    return registers_.transport_dbg(trans);
  }

  uint32_t status() const;
  void write_control(uint64_t value, const sc_core::sc_time& now);
  void set_irq_pending(bool pending);
  void start(const sc_core::sc_time& now);

  void run();  // method process: performs next_step_ when wake_ fires
  void run_thread();  // the same, as a thread process (path_waits)
  void schedule(Step step, const sc_core::sc_time& at);
  void fail_at(Cause cause, uint64_t address, const sc_core::sc_time& at);
  void fetch();
  // One burst of the current descriptor: its place in row order, its addresses and size.
  struct Burst {
    uint64_t index = 0;
    uint64_t source = 0;
    uint64_t destination = 0;
    unsigned length = 0;
  };
  // Where a walk over the current descriptor's bursts has got to.
  struct BurstCursor {
    uint32_t row = 0;
    uint32_t offset = 0;
    uint64_t index = 0;
  };
  // The burst at `cursor`, which moves on to the next; false after the last.
  bool next_burst(BurstCursor& cursor, Burst& burst) const;
  // Moves the current descriptor's block from `start`; the time its last write completes, or
  // false (after scheduling the failure) if an access was refused.
  bool move_data(const sc_core::sc_time& start, sc_core::sc_time& done);
  // The same through the lanes (path_waits): accesses wait, several bursts at once.
  bool move_data_in_lanes(const sc_core::sc_time& start, sc_core::sc_time& done);
  void lane(unsigned index);  // a lane's thread: move_bursts each time lanes_start_ fires
  struct Lane;
  void move_bursts(Lane& lane);  // takes bursts until none are left
  void notify();
  void retire();
  void fail();
  void end_chain();  // counts the chain's busy cycles

  sc_core::sc_time transfer_time(uint64_t bytes) const;
  // One access through `trans`, a payload kept for the engine's thread or a lane's (no
  // allocation per access).
  Completion access(tlm::tlm_generic_payload& trans, tlm::tlm_command command, uint64_t address,
                    uint8_t* data, unsigned length, const sc_core::sc_time& issue);

  DmaParams params_;
  std::function<void(bool)> set_irq_;

  // Registers.
  uint64_t descriptor_address_ = 0;
  bool irq_enable_ = false;
  bool irq_pending_ = false;
  bool irq_level_ = false;
  State state_ = State::idle;
  Cause cause_ = Cause::none;
  uint64_t error_address_ = 0;
  uint32_t completed_ = 0;
  Totals totals_;
  sc_core::sc_time descriptor_start_;  // when the current descriptor's fetch began
  sc_core::sc_time chain_start_;       // when the running chain was started
  uint64_t current_descriptor_ = 0;

  // The running chain.
  Step next_step_ = Step::fetch;
  uint64_t next_descriptor_ = 0;
  uint32_t fetched_ = 0;
  Descriptor descriptor_;
  Cause failure_cause_ = Cause::none;  // reported when the failure step runs
  uint64_t failure_address_ = 0;
  std::vector<uint8_t> burst_;  // sized on first use: idle engines hold no buffer
  tlm::tlm_generic_payload payload_;  // the engine's own thread's accesses
  sc_core::sc_event wake_;

  // The descriptor the lanes are moving (path_waits), and the lanes.
  struct InLanes {
    BurstCursor cursor;  // the next burst a lane takes
    sc_core::sc_time read_channel_free, write_channel_free;
    sc_core::sc_time done;  // the latest write's completion
    unsigned busy_lanes = 0;
    // The refused access of the earliest burst (in row order): no lane takes a burst after one.
    bool failed = false;
    uint64_t failed_burst = 0;
    Cause failed_cause = Cause::none;
    uint64_t failed_address = 0;
    sc_core::sc_time failed_at;
  } in_lanes_;
  struct Lane {
    explicit Lane(unsigned burst_bytes) : buffer(burst_bytes) {}
    std::vector<uint8_t> buffer;
    tlm::tlm_generic_payload payload;
  };
  std::vector<std::unique_ptr<Lane>> lanes_;
  sc_core::sc_event lanes_start_;
  sc_core::sc_event lanes_idle_;

  peripherals::RegisterFile registers_;
};

}  // namespace dojo::dma
