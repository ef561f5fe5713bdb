#include "peripherals/clint.h"

#include <limits>
#include <stdexcept>
#include <utility>

namespace dojo::peripherals {

namespace {

namespace regs = clint::registers;

sc_core::sc_time checked_tick_period(const char* module, const sc_core::sc_time& tick_period) {
  if (tick_period == sc_core::SC_ZERO_TIME)
    throw std::invalid_argument(std::string(module) + ": the mtime tick period must not be zero");
  return tick_period;
}

}  // namespace

Clint::Clint(sc_core::sc_module_name name, sc_core::sc_time tick_period,
             std::function<void(bool)> set_software_irq, std::function<void(bool)> set_timer_irq,
             sc_core::sc_time latency)
    : sc_module(name),
      socket("socket"),
      tick_period_(checked_tick_period(this->name(), tick_period)),
      software_irq_{std::move(set_software_irq)},
      timer_irq_{std::move(set_timer_irq)},
      deadline_("deadline"),
      registers_(
          this->name(), latency,
          {
              {"msip", regs::msip_offset, regs::msip_bytes, regs::msip_min_access,
               [this](const sc_core::sc_time&) { return uint64_t{software_irq_.level}; },
               [this](uint64_t value, const sc_core::sc_time&) {
                 software_irq_.set(value & regs::msip_irq);
               }},
              {"mtimecmp", regs::mtimecmp_offset, regs::mtimecmp_bytes, regs::mtimecmp_min_access,
               [this](const sc_core::sc_time&) { return mtimecmp_; },
               [this](uint64_t value, const sc_core::sc_time& now) { write_mtimecmp(value, now); }},
              // Read-only (QEMU lets firmware set it): writes are ignored.
              {"mtime", regs::mtime_offset, regs::mtime_bytes, regs::mtime_min_access,
               [this](const sc_core::sc_time& now) { return mtime_at(now); }, nullptr},
          }) {
  socket.register_b_transport(this, &Clint::b_transport);
  socket.register_transport_dbg(this, &Clint::transport_dbg);
  SC_HAS_PROCESS(Clint);
  SC_METHOD(on_deadline);
  sensitive << deadline_;
  dont_initialize();
}

void Clint::write_mtimecmp(uint64_t value, const sc_core::sc_time& now) {
  mtimecmp_ = value;
  deadline_.cancel();
  update_timer(now);
}

void Clint::update_timer(const sc_core::sc_time& now) {
  if (mtime_at(now) >= mtimecmp_) {
    timer_irq_.set(true);
    return;
  }
  timer_irq_.set(false);
  // The deadline is the first instant with mtime == mtimecmp; beyond sc_time's range it never
  // comes.
  const uint64_t tick = tick_period_.value();
  if (mtimecmp_ > std::numeric_limits<uint64_t>::max() / tick) return;
  const sc_core::sc_time deadline = sc_core::sc_time::from_value(mtimecmp_ * tick);
  deadline_.notify(deadline - sc_core::sc_time_stamp());
}

void Clint::on_deadline() { update_timer(sc_core::sc_time_stamp()); }

}  // namespace dojo::peripherals
