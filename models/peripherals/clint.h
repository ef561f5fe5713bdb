// A core's CLINT: machine timer and software interrupt for one hart, in the SiFive / QEMU virt
// layout (clint_registers.yaml, dojo::clint::registers). mtime is derived from simulated time,
// never stored, so it costs nothing while the core runs. See docs/models/clint.md.
#pragma once

#include <cstdint>
#include <functional>
#include <systemc>
#include <tlm>

#include "bus/blocking_target_socket.h"
#include "peripherals/clint_registers.h"
#include "peripherals/register_file.h"

namespace dojo::peripherals {

class Clint : public sc_core::sc_module {
 public:
  bus::BlockingTargetSocket<Clint> socket;

  // `tick_period` is one mtime tick (1 / timer frequency); it must not be zero (throws
  // std::invalid_argument). The irq callbacks are called when a line changes level; both lines
  // start low. `latency` is added to every register access.
  Clint(sc_core::sc_module_name name, sc_core::sc_time tick_period,
        std::function<void(bool)> set_software_irq, std::function<void(bool)> set_timer_irq,
        sc_core::sc_time latency);

  // mtime at absolute simulated time `t`: floor(t / tick_period).
  uint64_t mtime_at(const sc_core::sc_time& t) const { return t.value() / tick_period_.value(); }
  uint64_t mtimecmp() const { return mtimecmp_; }
  bool software_irq() const { return software_irq_.level; }
  bool timer_irq() const { return timer_irq_.level; }

 private:
  // An interrupt output: the callback hears of level changes only.
  struct IrqLine {
    std::function<void(bool)> notify;
    bool level = false;
    void set(bool high) {
      if (high == level) return;
      level = high;
      if (notify) notify(high);
    }
  };

  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    registers_.b_transport(trans, delay);
  }
  unsigned int transport_dbg(tlm::tlm_generic_payload& trans) {
    return registers_.transport_dbg(trans);
  }
  void write_mtimecmp(uint64_t value, const sc_core::sc_time& now);
  void update_timer(const sc_core::sc_time& now);
  void on_deadline();  // method process, triggered when mtime reaches mtimecmp

  sc_core::sc_time tick_period_;
  IrqLine software_irq_;
  IrqLine timer_irq_;
  uint64_t mtimecmp_ = clint::registers::mtimecmp_reset;  // never
  sc_core::sc_event deadline_;
  RegisterFile registers_;
};

}  // namespace dojo::peripherals
