#include "peripherals/sync_unit.h"

#include <stdexcept>
#include <string>
#include <utility>

namespace dojo::peripherals {

namespace {

namespace regs = sync::registers;

unsigned checked_counter_count(const char* module, unsigned counters) {
  if (counters == 0 || counters > SyncUnit::max_counters)
    throw std::invalid_argument(std::string(module) + ": the number of counters must be 1.." +
                                std::to_string(SyncUnit::max_counters) + ", not " +
                                std::to_string(counters));
  return counters;
}

uint64_t mask_of(unsigned counters) {
  return counters == 64 ? ~uint64_t{0} : (uint64_t{1} << counters) - 1;
}

}  // namespace

SyncUnit::SyncUnit(sc_core::sc_module_name name, unsigned counters,
                   std::function<void(bool)> set_irq, sc_core::sc_time latency)
    : sc_module(name),
      socket("socket"),
      counters_(checked_counter_count(this->name(), counters)),
      set_irq_(std::move(set_irq)),
      registers_(this->name(), latency, register_table(), counter_registers()) {
  socket.register_b_transport(this, &SyncUnit::b_transport);
  socket.register_transport_dbg(this, &SyncUnit::transport_dbg);
}

std::vector<RegisterArray> SyncUnit::counter_registers() {
  const unsigned count = counters();
  auto value = [this](unsigned i, const sc_core::sc_time&) { return counters_[i].value; };
  // The increment is done in b_transport: read hooks have no side effects.
  return {
      {"value", regs::value_offset, regs::value_stride, count, regs::value_bytes,
       regs::value_min_access, value,
       [this](unsigned i, uint64_t set, const sc_core::sc_time&) {
         counters_[i].value = set;
         update_irq();
       }},
      // 64-bit only: a narrower write would be merged with the current value before the add.
      {"add", regs::add_offset, regs::add_stride, count, regs::add_bytes, regs::add_min_access,
       value,
       [this](unsigned i, uint64_t amount, const sc_core::sc_time&) {
         counters_[i].value += amount;  // modulo 2^64: negative amounts subtract
         update_irq();
       }},
      {"threshold", regs::threshold_offset, regs::threshold_stride, count, regs::threshold_bytes,
       regs::threshold_min_access,
       [this](unsigned i, const sc_core::sc_time&) { return counters_[i].threshold; },
       [this](unsigned i, uint64_t set, const sc_core::sc_time&) {
         counters_[i].threshold = set;
         update_irq();
       }},
      {"fetch_increment", regs::fetch_increment_offset, regs::fetch_increment_stride, count,
       regs::fetch_increment_bytes, regs::fetch_increment_min_access, value, nullptr},
  };
}

std::vector<Register> SyncUnit::register_table() {
  std::vector<Register> table;
  table.reserve(4);
  table.push_back({"irq_enable", regs::irq_enable_offset, regs::irq_enable_bytes,
                   regs::irq_enable_min_access,
                   [this](const sc_core::sc_time&) { return irq_enable_; },
                   [this](uint64_t value, const sc_core::sc_time&) {
                     irq_enable_ = value & mask_of(this->counters());
                     update_irq();
                   }});
  table.push_back({"status", regs::status_offset, regs::status_bytes, regs::status_min_access,
                   [this](const sc_core::sc_time&) { return status(); }, nullptr});
  table.push_back({"pending", regs::pending_offset, regs::pending_bytes, regs::pending_min_access,
                   [this](const sc_core::sc_time&) { return status() & irq_enable_; }, nullptr});
  table.push_back({"counters", regs::counters_offset, regs::counters_bytes,
                   regs::counters_min_access,
                   [this](const sc_core::sc_time&) { return uint64_t{this->counters()}; },
                   nullptr});
  return table;
}

void SyncUnit::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  registers_.b_transport(trans, delay);
  const uint64_t address = trans.get_address();
  if (trans.is_read() && trans.get_response_status() == tlm::TLM_OK_RESPONSE &&
      address >= regs::fetch_increment_offset &&
      address < regs::fetch_increment_offset + regs::fetch_increment_stride * counters()) {
    counters_[(address - regs::fetch_increment_offset) / regs::fetch_increment_stride].value += 1;
    update_irq();
  }
}

uint64_t SyncUnit::status() const {
  uint64_t reached = 0;
  for (unsigned i = 0; i < counters_.size(); ++i)
    if (static_cast<int64_t>(counters_[i].value) >= static_cast<int64_t>(counters_[i].threshold))
      reached |= uint64_t{1} << i;
  return reached;
}

void SyncUnit::update_irq() {
  const bool level = (status() & irq_enable_) != 0;
  if (level == irq_level_) return;
  irq_level_ = level;
  if (set_irq_) set_irq_(level);
}

}  // namespace dojo::peripherals
