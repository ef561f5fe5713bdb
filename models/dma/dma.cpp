#include "dma/dma.h"

#include <algorithm>
#include <sysc/kernel/sc_dynamic_processes.h>  // sc_spawn, for the lanes
#include <stdexcept>
#include <string>
#include <utility>

namespace dojo::dma {

using namespace registers;

namespace {

// A lane's SystemC stack. A burst's accesses through the bus and the network need little (16 KiB
// run a D1 chip's transposes; sanitizers' frames are larger): SystemC's default, 256 KiB, would
// reserve 0.7 GB of address space for a chip's 2,832 lanes.
constexpr std::size_t kLaneStackBytes = 64 << 10;

template <typename T>
T little_endian(const uint8_t* bytes) {
  uint64_t value = 0;
  for (unsigned i = 0; i < sizeof(T); ++i) value |= uint64_t{bytes[i]} << 8 * i;
  return static_cast<T>(value);
}

const DmaParams& checked(const char* module, const DmaParams& params) {
  auto require = [module](bool ok, const char* field) {
    if (!ok)
      throw std::invalid_argument(std::string(module) + ": DMA parameter " + field +
                                  " must not be zero");
  };
  require(params.clock_period != sc_core::SC_ZERO_TIME, "clock_period");
  require(params.port_bytes_per_cycle != 0, "port_bytes_per_cycle");
  require(params.burst_bytes != 0, "burst_bytes");
  require(params.max_descriptor_bytes != 0, "max_descriptor_bytes");
  require(params.max_chain_descriptors != 0, "max_chain_descriptors");
  return params;
}

}  // namespace

Descriptor Descriptor::decode(const uint8_t (&raw)[bytes]) {
  Descriptor d;
  namespace layout = dma_descriptor::registers;
  d.source = little_endian<uint64_t>(raw + layout::src_offset);
  d.destination = little_endian<uint64_t>(raw + layout::dst_offset);
  d.next = little_endian<uint64_t>(raw + layout::next_offset);
  d.notify_address = little_endian<uint64_t>(raw + layout::notify_addr_offset);
  d.notify_value = little_endian<uint64_t>(raw + layout::notify_value_offset);
  d.row_bytes = little_endian<uint32_t>(raw + layout::row_bytes_offset);
  d.rows = little_endian<uint32_t>(raw + layout::rows_offset);
  d.source_stride = little_endian<int32_t>(raw + layout::src_stride_offset);
  d.destination_stride = little_endian<int32_t>(raw + layout::dst_stride_offset);
  d.flags = little_endian<uint32_t>(raw + layout::flags_offset);
  return d;
}

Dma::Dma(sc_core::sc_module_name name, const DmaParams& params,
         std::function<void(bool)> set_irq)
    : sc_module(name),
      socket("socket"),
      initiator("initiator"),
      params_(checked(this->name(), params)),
      set_irq_(std::move(set_irq)),
      wake_("wake"),
      registers_(
          this->name(), params.register_latency,
          {
              {"desc_addr", desc_addr_offset, desc_addr_bytes, desc_addr_min_access,
               [this](const sc_core::sc_time&) { return descriptor_address_; },
               [this](uint64_t value, const sc_core::sc_time&) { descriptor_address_ = value; }},
              {"control", control_offset, control_bytes, control_min_access,
               [this](const sc_core::sc_time&) {
                 return irq_enable_ ? control_irq_enable : 0;
               },
               [this](uint64_t value, const sc_core::sc_time& now) { write_control(value, now); }},
              {"status", status_offset, status_bytes, status_min_access,
               [this](const sc_core::sc_time&) { return uint64_t{status()}; }, nullptr},
              {"error_addr", error_addr_offset, error_addr_bytes, error_addr_min_access,
               [this](const sc_core::sc_time&) { return error_address_; }, nullptr},
              {"completed", completed_offset, completed_bytes, completed_min_access,
               [this](const sc_core::sc_time&) { return uint64_t{completed_}; }, nullptr},
              {"irq_ack", irq_ack_offset, irq_ack_bytes, irq_ack_min_access, nullptr,
               [this](uint64_t value, const sc_core::sc_time&) {
                 if (value & irq_ack_clear) set_irq_pending(false);
               }},
              {"current_desc", current_desc_offset, current_desc_bytes, current_desc_min_access,
               [this](const sc_core::sc_time&) { return current_descriptor_; }, nullptr},
          }) {
  socket.register_b_transport(this, &Dma::b_transport);
  socket.register_transport_dbg(this, &Dma::transport_dbg);
  SC_HAS_PROCESS(Dma);
  if (params.path_waits) {
    SC_THREAD(run_thread);
  } else {
    SC_METHOD(run);
  }
  sensitive << wake_;
  dont_initialize();
}

uint32_t Dma::status() const {
  return static_cast<uint32_t>(static_cast<uint32_t>(state_) << status_state_shift |
                               (irq_pending_ ? status_irq_pending : 0) |
                               static_cast<uint32_t>(cause_) << status_cause_shift);
}

void Dma::write_control(uint64_t value, const sc_core::sc_time& now) {
  irq_enable_ = value & control_irq_enable;
  set_irq_pending(irq_pending_);  // the line follows the new enable
  if (value & control_start) start(now);
}

void Dma::set_irq_pending(bool pending) {
  irq_pending_ = pending;
  const bool level = irq_enable_ && irq_pending_;
  if (level == irq_level_) return;
  irq_level_ = level;
  if (set_irq_) set_irq_(level);
}

void Dma::start(const sc_core::sc_time& now) {
  if (state_ == State::busy) return;  // documented: a start while busy is ignored
  state_ = State::busy;
  cause_ = Cause::none;
  error_address_ = 0;
  completed_ = 0;
  fetched_ = 0;
  next_descriptor_ = descriptor_address_;
  chain_start_ = now;
  schedule(Step::fetch, now);
}

void Dma::schedule(Step step, const sc_core::sc_time& at) {
  next_step_ = step;
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  wake_.notify(at > now ? at - now : sc_core::SC_ZERO_TIME);
}

void Dma::run_thread() {
  for (;;) {
    run();
    sc_core::wait();
  }
}

void Dma::run() {
  switch (next_step_) {
    case Step::fetch: fetch(); break;
    case Step::notify: notify(); break;
    case Step::retire: retire(); break;
    case Step::fail: fail(); break;
  }
}

void Dma::fail_at(Cause cause, uint64_t address, const sc_core::sc_time& at) {
  failure_cause_ = cause;
  failure_address_ = address;
  schedule(Step::fail, at);
}

void Dma::fetch() {
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  descriptor_start_ = now;
  current_descriptor_ = next_descriptor_;
  if (fetched_ == params_.max_chain_descriptors)
    return fail_at(Cause::chain_too_long, current_descriptor_, now);
  ++fetched_;
  if (current_descriptor_ % Descriptor::alignment != 0)
    return fail_at(Cause::descriptor_misaligned, current_descriptor_, now);

  uint8_t raw[Descriptor::bytes];
  const Completion read =
      access(payload_, tlm::TLM_READ_COMMAND, current_descriptor_, raw, Descriptor::bytes, now);
  if (!read.ok) return fail_at(Cause::descriptor_read, current_descriptor_, read.done);
  descriptor_ = Descriptor::decode(raw);

  const uint64_t total = uint64_t{descriptor_.row_bytes} * descriptor_.rows;
  if (total == 0 || total > params_.max_descriptor_bytes)
    return fail_at(Cause::bad_size, current_descriptor_, read.done);
  if (descriptor_.flags & ~Descriptor::known_flags)
    return fail_at(Cause::bad_flags, current_descriptor_, read.done);

  sc_core::sc_time data_done;
  const bool moved = params_.path_waits ? move_data_in_lanes(read.done, data_done)
                                        : move_data(read.done, data_done);
  if (!moved) return;
  schedule(descriptor_.flags & Descriptor::flag_notify ? Step::notify : Step::retire, data_done);
}

bool Dma::next_burst(BurstCursor& cursor, Burst& burst) const {
  if (cursor.offset >= descriptor_.row_bytes) {
    ++cursor.row;
    cursor.offset = 0;
  }
  if (cursor.row >= descriptor_.rows) return false;
  // Addresses wrap modulo 2^64, so a negative stride walks backwards.
  const uint64_t source_row =
      descriptor_.source + static_cast<uint64_t>(int64_t{cursor.row} * descriptor_.source_stride);
  const uint64_t destination_row =
      descriptor_.destination +
      static_cast<uint64_t>(int64_t{cursor.row} * descriptor_.destination_stride);
  burst.index = cursor.index++;
  burst.source = source_row + cursor.offset;
  burst.destination = destination_row + cursor.offset;
  burst.length = std::min(params_.burst_bytes, descriptor_.row_bytes - cursor.offset);
  cursor.offset += burst.length;
  return true;
}

bool Dma::move_data(const sc_core::sc_time& start, sc_core::sc_time& done) {
  if (burst_.empty()) burst_.resize(params_.burst_bytes);
  sc_core::sc_time read_channel_free = start;
  sc_core::sc_time write_channel_free = start;
  done = start;
  BurstCursor cursor;
  Burst burst;
  while (next_burst(cursor, burst)) {
    const Completion read = access(payload_, tlm::TLM_READ_COMMAND, burst.source, burst_.data(),
                                   burst.length, read_channel_free);
    if (!read.ok) {
      fail_at(Cause::source, burst.source, read.done);
      return false;
    }
    read_channel_free += transfer_time(burst.length);
    const sc_core::sc_time write_issue = std::max(read.done, write_channel_free);
    const Completion write = access(payload_, tlm::TLM_WRITE_COMMAND, burst.destination,
                                    burst_.data(), burst.length, write_issue);
    if (!write.ok) {
      fail_at(Cause::destination, burst.destination, write.done);
      return false;
    }
    write_channel_free = write_issue + transfer_time(burst.length);
    done = std::max(done, write.done);
  }
  return true;
}

bool Dma::move_data_in_lanes(const sc_core::sc_time& start, sc_core::sc_time& done) {
  in_lanes_ = InLanes{};
  in_lanes_.read_channel_free = in_lanes_.write_channel_free = in_lanes_.done = start;
  // As many lanes as the block has bursts, up to bursts_in_flight; a lane, once spawned, stays.
  const uint64_t row_bursts =
      (descriptor_.row_bytes + params_.burst_bytes - 1) / params_.burst_bytes;
  const unsigned lanes = static_cast<unsigned>(
      std::min<uint64_t>(params_.bursts_in_flight, row_bursts * descriptor_.rows));
  while (lanes_.size() < lanes) {
    const unsigned index = static_cast<unsigned>(lanes_.size());
    lanes_.push_back(std::make_unique<Lane>(params_.burst_bytes));
    sc_core::sc_spawn_options options;
    options.set_stack_size(kLaneStackBytes);
    sc_core::sc_spawn([this, index] { lane(index); }, ("lane" + std::to_string(index)).c_str(),
                      &options);
  }
  // Every lane is waiting for the start by the time it comes (the new ones start in this delta).
  in_lanes_.busy_lanes = static_cast<unsigned>(lanes_.size());
  lanes_start_.notify(sc_core::SC_ZERO_TIME);
  sc_core::wait(lanes_idle_);
  if (in_lanes_.failed) {
    fail_at(in_lanes_.failed_cause, in_lanes_.failed_address, in_lanes_.failed_at);
    return false;
  }
  done = in_lanes_.done;
  return true;
}

void Dma::lane(unsigned index) {
  for (;;) {
    sc_core::wait(lanes_start_);
    move_bursts(*lanes_[index]);
    if (--in_lanes_.busy_lanes == 0) lanes_idle_.notify(sc_core::SC_ZERO_TIME);
  }
}

void Dma::move_bursts(Lane& lane) {
  const auto refused = [this](const Burst& burst, Cause cause, uint64_t address,
                              const sc_core::sc_time& at) {
    if (in_lanes_.failed && in_lanes_.failed_burst < burst.index) return;
    in_lanes_.failed = true;
    in_lanes_.failed_burst = burst.index;
    in_lanes_.failed_cause = cause;
    in_lanes_.failed_address = address;
    in_lanes_.failed_at = at;
  };
  Burst burst;
  while (!in_lanes_.failed && next_burst(in_lanes_.cursor, burst)) {
    // Each channel is claimed before the access, which may wait while other lanes go on.
    const sc_core::sc_time read_issue =
        std::max(sc_core::sc_time_stamp(), in_lanes_.read_channel_free);
    in_lanes_.read_channel_free = read_issue + transfer_time(burst.length);
    const Completion read = access(lane.payload, tlm::TLM_READ_COMMAND, burst.source,
                                   lane.buffer.data(), burst.length, read_issue);
    if (!read.ok) return refused(burst, Cause::source, burst.source, read.done);
    const sc_core::sc_time write_issue = std::max(read.done, in_lanes_.write_channel_free);
    in_lanes_.write_channel_free = write_issue + transfer_time(burst.length);
    const Completion write = access(lane.payload, tlm::TLM_WRITE_COMMAND, burst.destination,
                                    lane.buffer.data(), burst.length, write_issue);
    if (!write.ok) return refused(burst, Cause::destination, burst.destination, write.done);
    in_lanes_.done = std::max(in_lanes_.done, write.done);
    // The burst holds its lane until its write completes.
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    if (write.done > now) sc_core::wait(write.done - now);
  }
}

void Dma::notify() {
  uint8_t value[8];
  for (unsigned i = 0; i < sizeof value; ++i)
    value[i] = static_cast<uint8_t>(descriptor_.notify_value >> 8 * i);
  const Completion write = access(payload_, tlm::TLM_WRITE_COMMAND, descriptor_.notify_address,
                                  value, sizeof value, sc_core::sc_time_stamp());
  if (!write.ok) return fail_at(Cause::notify, descriptor_.notify_address, write.done);
  schedule(Step::retire, write.done);
}

void Dma::retire() {
  ++completed_;
  ++totals_.descriptors;
  totals_.bytes += uint64_t{descriptor_.row_bytes} * descriptor_.rows;
  if (on_descriptor) on_descriptor(descriptor_, descriptor_start_, sc_core::sc_time_stamp());
  if (descriptor_.flags & Descriptor::flag_irq) set_irq_pending(true);
  if (descriptor_.next == 0) {
    state_ = State::done;
    end_chain();
    return;
  }
  next_descriptor_ = descriptor_.next;
  fetch();
}

void Dma::fail() {
  ++totals_.errors;
  state_ = State::error;
  cause_ = failure_cause_;
  error_address_ = failure_address_;
  end_chain();
  set_irq_pending(true);
}

void Dma::end_chain() {
  const sc_core::sc_time busy = sc_core::sc_time_stamp() - chain_start_;
  totals_.busy_cycles += busy.value() / params_.clock_period.value();
}

sc_core::sc_time Dma::transfer_time(uint64_t bytes) const {
  const uint64_t cycles = (bytes + params_.port_bytes_per_cycle - 1) / params_.port_bytes_per_cycle;
  return sc_core::sc_time::from_value(params_.clock_period.value() * cycles);
}

Dma::Completion Dma::access(tlm::tlm_generic_payload& trans, tlm::tlm_command command,
                            uint64_t address, uint8_t* data, unsigned length,
                            const sc_core::sc_time& issue) {
  trans.set_command(command);
  trans.set_address(address);
  trans.set_data_ptr(data);
  trans.set_data_length(length);
  trans.set_streaming_width(length);
  trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  trans.set_dmi_allowed(false);
  // The delay carries the issue time to the target (the network uses it for its reservations);
  // what the target adds is its latency. A path that waits may have left the issue time behind.
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  sc_core::sc_time delay = issue > now ? issue - now : sc_core::SC_ZERO_TIME;
  initiator->b_transport(trans, delay);
  return {trans.is_response_ok(), sc_core::sc_time_stamp() + delay + transfer_time(length)};
}

}  // namespace dojo::dma
