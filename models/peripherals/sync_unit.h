// A core's sync unit: hardware semaphores for firmware on many cores. Each 64-bit counter can be
// set, atomically added to (one store, from this core, another core through the network, or the
// DMA engine), used as a ticket dispenser (a read that also increments), and watched: the unit's
// interrupt line is high while any enabled counter has reached its threshold, so firmware waits in
// WFI instead of spinning. See docs/models/sync-unit.md.
#pragma once

#include <cstdint>
#include <functional>
#include <systemc>
#include <tlm>
#include <vector>

#include "bus/blocking_target_socket.h"
#include "peripherals/register_file.h"
#include "peripherals/sync_registers.h"

namespace dojo::peripherals {

class SyncUnit : public sc_core::sc_module {
 public:
  bus::BlockingTargetSocket<SyncUnit> socket;

  // `counters` is 1..max_counters (throws std::invalid_argument otherwise). `set_irq` hears of
  // level changes of the interrupt line, which starts low. `latency` is added to every register
  // access.
  SyncUnit(sc_core::sc_module_name name, unsigned counters, std::function<void(bool)> set_irq,
           sc_core::sc_time latency);

  unsigned counters() const { return static_cast<unsigned>(counters_.size()); }
  uint64_t value(unsigned counter) const { return counters_.at(counter).value; }
  uint64_t threshold(unsigned counter) const { return counters_.at(counter).threshold; }
  uint64_t irq_enable() const { return irq_enable_; }
  // Bit i: counter i has reached its threshold (as a signed 64-bit comparison).
  uint64_t status() const;
  bool irq() const { return irq_level_; }

  // The register map is sync_registers.yaml (dojo::sync::registers): its arrays have one element
  // per counter, and the mask registers one bit each.
  static constexpr unsigned max_counters = sync::registers::value_count;
  static_assert(max_counters <= 64, "one bit per counter in a 64-bit mask register");

 private:
  struct Counter {
    uint64_t value = 0;
    uint64_t threshold = sync::registers::threshold_reset;
  };

  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload& trans) {
    return registers_.transport_dbg(trans);  // debug reads of fetch_increment do not increment
  }
  std::vector<Register> register_table();         // irq_enable, status, pending, counters
  std::vector<RegisterArray> counter_registers();  // one element per counter
  void update_irq();

  std::vector<Counter> counters_;
  uint64_t irq_enable_ = sync::registers::irq_enable_reset;
  std::function<void(bool)> set_irq_;
  bool irq_level_ = false;
  RegisterFile registers_;
};

}  // namespace dojo::peripherals
