#include "core/core.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <utility>

#include "support/hex.h"

namespace dojo::core {

Core::Core(sc_core::sc_module_name name, const CoreParams& params)
    : sc_core::sc_module(name),
      socket("socket"),
      params_(params),
      hart_(params.hart, *this),
      period_(params.clock_period.value()) {
  if (period_ == 0) {
    throw std::invalid_argument(std::string(this->name()) + ": clock_period must not be 0");
  }
  if (params.fast_size != 0 &&
      params.fast_size - 1 > std::numeric_limits<uint64_t>::max() - params.fast_base) {
    throw std::invalid_argument(std::string(this->name()) + ": fast range at " +
                                hex(params.fast_base) + " passes the end of the address space");
  }
  socket.register_invalidate_direct_mem_ptr(this, &Core::invalidate_direct_mem_ptr);
  SC_HAS_PROCESS(Core);
  SC_THREAD(thread);
}

void Core::set_irq(Irq irq, bool level) {
  hart_.set_irq(irq, level);
  if (sc_core::sc_is_running()) wake_event_.notify(sc_core::SC_ZERO_TIME);
}

void Core::halt() {
  halt_requested_ = true;
  hart_.request_stop();
  if (sc_core::sc_is_running()) wake_event_.notify(sc_core::SC_ZERO_TIME);
}

void Core::release(const sc_core::sc_time& at) {
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  release_event_.notify(at > now ? at - now : sc_core::SC_ZERO_TIME);
}

void Core::memory_written(uint64_t addr, uint64_t len) {
  if (in_run_) {
    // Nothing else runs during a slice (SystemC schedules cooperatively), so this is the core's
    // own store (through its global-window alias), which the hart checked for watchpoints before
    // making it. It may be executing the very code written: let it finish the instruction first.
    deferred_writes_.emplace_back(addr, len);
    hart_.request_stop();
    return;
  }
  hart_.memory_written(addr, len);
  if (!debugger_) return;
  const bool in_alias = params_.fast_alias != 0 && addr - params_.fast_base < params_.fast_size;
  if (hart_.watches_write(addr, len) ||
      (in_alias && hart_.watches_write(params_.fast_alias + (addr - params_.fast_base), len))) {
    debugger_->watched_write(*this);
  }
}

void Core::pause() {
  if (in_run_) hart_.request_stop();
}

void Core::wake_for_debugger() {
  if (state_ != State::waiting) return;
  debugger_wake_ = true;
  wake_event_.notify(sc_core::SC_ZERO_TIME);
}

void Core::thread() {
  if (params_.start_in_reset) {
    state_ = State::reset;
    sc_core::wait(release_event_);
    state_ = State::running;
  }
  // Cycle 0 of the timeline is when the hart's current cycle count was reached: now.
  start_time_ = sc_core::sc_time_stamp().value() - hart_.cycles() * period_;
  segment_start_ = sc_core::sc_time_stamp().value();
  request_fast_regions();
  while (run_slice()) {
  }
  // The core has finished, but its thread does not end: SystemC removes an ended thread by a
  // linear search of all processes, which made the end of a tile's 8,850 cores quadratic. A
  // thread waiting for an event nothing notifies keeps nothing alive (the simulation still ends
  // when nothing else is to be done).
  sc_core::wait(never_);
}

bool Core::run_slice() {
  if (halt_requested_) {
    stop(State::halted, "");
    return false;
  }
  bool single_step = false;
  if (debugger_) {
    const auto event = std::exchange(debug_event_, CoreDebugger::Event::none);
    single_step = debugger_->before_slice(*this, event) == CoreDebugger::Resume::step;
    catch_up();
  }
  refresh_fast_regions();

  const StopReason reason = execute(slice_limit(), single_step);
  for (const auto& [addr, len] : deferred_writes_) hart_.memory_written(addr, len);
  deferred_writes_.clear();

  if (reason == StopReason::fatal) {
    stop(State::fatal, "core " + std::to_string(params_.hart.hartid) + ": " +
                           hart_.fatal_message());
    return false;
  }
  if (halt_requested_) {
    stop(State::halted, "");
    return false;
  }
  if (params_.max_instructions != 0 && hart_.instret() >= params_.max_instructions) {
    stop(State::watchdog, "core " + std::to_string(params_.hart.hartid) + ": executed " +
                              std::to_string(hart_.instret()) +
                              " instructions without finishing (pc " + hex(hart_.pc()) + ")");
    return false;
  }
  // A debugger hears of its stop at once, before the core sleeps or synchronises (a step that
  // executed a WFI leaves the core awake: WFI may complete at any time).
  if (reason == StopReason::breakpoint) debug_event_ = CoreDebugger::Event::breakpoint;
  if (reason == StopReason::watchpoint) debug_event_ = CoreDebugger::Event::watchpoint;
  if (single_step && debug_event_ == CoreDebugger::Event::none)
    debug_event_ = CoreDebugger::Event::stepped;
  if (debug_event_ != CoreDebugger::Event::none) return true;
  // StopReason::stopped without a halt request: DMI was invalidated; the next slice refreshes it.
  if (reason == StopReason::wfi) {
    wait_for_interrupt();
  } else {
    sync_to_quantum();
  }
  return true;
}

uint64_t Core::slice_limit() const {
  // Run to the first cycle at or after the quantum's end; always at least one cycle, so a zero
  // global quantum still makes progress.
  const uint64_t cycles = current_cycles();
  const uint64_t quantum = tlm::tlm_global_quantum::instance().get().value();
  const uint64_t now = sc_core::sc_time_stamp().value();
  const uint64_t boundary = quantum == 0 ? now : (now / quantum + 1) * quantum;
  uint64_t limit = std::max(first_cycle_at(boundary), cycles + 1);
  if (params_.max_instructions != 0) {
    // Every instruction takes at least one cycle, so stopping this many cycles ahead bounds the
    // watchdog's overshoot to one basic block.
    const uint64_t retired = hart_.instret();
    const uint64_t left = params_.max_instructions > retired ? params_.max_instructions - retired : 0;
    limit = std::min(limit, cycles + std::max<uint64_t>(left, 1));
  }
  return limit;
}

uint64_t Core::quantum_sync_time() const {
  const uint64_t local = time_at(current_cycles());
  const uint64_t quantum = tlm::tlm_global_quantum::instance().get().value();
  return quantum == 0 ? local : local - local % quantum;
}

void Core::sync_to_quantum() {
  const uint64_t target = quantum_sync_time();
  const uint64_t now = sc_core::sc_time_stamp().value();
  if (target > now) sc_core::wait(sc_core::sc_time::from_value(target - now));
}

void Core::sync_to_local_time() {
  const sc_core::sc_time offset = local_offset(current_cycles());
  if (offset != sc_core::SC_ZERO_TIME) sc_core::wait(offset);
}

void Core::add_slice_device(uint64_t base, uint64_t size, std::function<void(bool)> hold) {
  hart_.add_slice_device(base, size);
  if (hold) slice_device_holds_.push_back(std::move(hold));
}

void Core::release_slice_devices() {
  if (!slice_devices_held_) return;
  slice_devices_held_ = false;
  for (const auto& hold : slice_device_holds_) hold(false);
}

bool Core::next_slice_time(uint64_t& time) {
  time = quantum_sync_time();
  return true;
}

bool Core::next_slice_limit(uint64_t& cycle_limit) {
  // What run_slice checks before a slice, but for the debugger (attached to cores from the start).
  if (halt_requested_ || fast_regions_stale_ || debugger_) return false;
  if (params_.max_instructions != 0 && hart_.instret() >= params_.max_instructions) return false;
  cycle_limit = slice_limit();
  return true;
}

StopReason Core::execute(uint64_t limit, bool single_step) {
  const auto run_here = [&](uint64_t cycle_limit) {
    in_run_ = true;
    const StopReason reason =
        single_step ? hart_.step_over_breakpoint() : hart_.run(cycle_limit);
    in_run_ = false;
    unfolded_stall_ = 0;
    return reason;
  };
  if (!runner_ || single_step || debugger_ || hart_.commit_sink()) return run_here(limit);
  // Other cores run meanwhile (once the slices are done, in SystemC's thread): what they do to
  // this core (stores into its memory, interrupts, halt) is seen as between slices.
  StopReason reason = runner_->run_isolated(*this, limit, isolated_done_);
  for (;;) {
    unfolded_stall_ = 0;
    if (reason != StopReason::shared) return reason;
    // The instruction at the pc needs the platform. A core that talks tends to go on talking (a
    // message, a polling loop), so it runs on here, the platform at hand, in windows of
    // serial_cycles for as long as each window made a bus access, and only then goes back to
    // the runner (a round trip of a delta cycle).
    for (bool talked = true; talked;) {
      refresh_fast_regions();
      const uint64_t accesses = bus_accesses_;
      reason = run_here(std::min(limit, current_cycles() + runner_->serial_cycles()));
      if (reason != StopReason::limit || current_cycles() >= limit || halt_requested_)
        return reason;
      talked = bus_accesses_ != accesses;
    }
    reason = runner_->run_isolated(*this, limit, isolated_done_);
  }
}

void Core::wait_for_interrupt() {
  const uint64_t sleep_start = time_at(current_cycles());
  report_segment(Segment::run, segment_start_, sleep_start);
  // Catch SystemC time up with the WFI first, so the interrupt can come from any later time.
  sync_to_local_time();
  state_ = State::waiting;
  // The line may have been raised while syncing; mip & mie is the hart's own wake-up condition
  // (whatever mstatus.MIE says).
  uint64_t pending = 0, enabled = 0;
  while (!halt_requested_ && !debugger_wake_ && hart_.read_csr(csr::mip, pending) &&
         hart_.read_csr(csr::mie, enabled) && (pending & enabled) == 0) {
    sc_core::wait(wake_event_);
  }
  debugger_wake_ = false;
  state_ = State::running;
  // The sleep counts as stall cycles; the core resumes at its first clock edge after waking.
  wfi_cycles_ += catch_up();
  segment_start_ = time_at(current_cycles());
  report_segment(Segment::wfi, sleep_start, segment_start_);
}

uint64_t Core::catch_up() {
  const uint64_t cycles = current_cycles();
  const uint64_t resume = std::max(first_cycle_at(sc_core::sc_time_stamp().value()), cycles);
  if (resume == cycles) return 0;
  hart_.add_stall_cycles(resume - cycles);
  unfolded_stall_ += resume - cycles;
  return resume - cycles;
}

void Core::report_segment(Segment segment, uint64_t start, uint64_t end) const {
  if (on_segment)
    on_segment(segment, sc_core::sc_time::from_value(start), sc_core::sc_time::from_value(end));
}

void Core::stop(State state, std::string message) {
  report_segment(Segment::run, segment_start_, time_at(current_cycles()));
  sync_to_local_time();
  state_ = state;
  stop_message_ = std::move(message);
  finished_event_.notify(sc_core::SC_ZERO_TIME);
  if (debugger_) debugger_->core_finished(*this);
}

void Core::request_fast_regions() {
  if (params_.fast_size == 0) return;
  const uint64_t last = params_.fast_base + (params_.fast_size - 1);
  uint64_t address = params_.fast_base;
  for (;;) {
    tlm::tlm_dmi dmi;
    payload_.set_command(tlm::TLM_READ_COMMAND);
    payload_.set_address(address);
    payload_.set_data_length(0);
    const bool granted = socket->get_direct_mem_ptr(payload_, dmi);
    const uint64_t first = dmi.get_start_address();
    // A range that does not hold the address gives no safe way forward: the rest stays slow.
    if (first > address || dmi.get_end_address() < address) return;
    const uint64_t piece_last = std::min<uint64_t>(dmi.get_end_address(), last);
    if (granted && dmi.is_read_write_allowed()) {
      hart_.add_fast_region(address, piece_last - address + 1,
                            dmi.get_dmi_ptr() + (address - first));
    }
    if (piece_last == last) return;
    address = piece_last + 1;
  }
}

void Core::refresh_fast_regions() {
  if (!fast_regions_stale_) return;
  fast_regions_stale_ = false;
  hart_.clear_fast_regions();
  request_fast_regions();
}

void Core::invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end) {
  const uint64_t fast_last = params_.fast_base + (params_.fast_size - 1);
  if (params_.fast_size == 0 || end < params_.fast_base || start > fast_last) return;
  fast_regions_stale_ = true;
  // The pointers must not be used once this returns: stop the hart after the current instruction
  // if this comes from inside one of its accesses.
  if (in_run_) hart_.request_stop();
}

sc_core::sc_time Core::local_time() const {
  if (state_ == State::reset) return sc_core::SC_ZERO_TIME;
  return sc_core::sc_time::from_value(time_at(current_cycles()));
}

sc_core::sc_time Core::local_offset(uint64_t cycles) const {
  const uint64_t time = time_at(cycles);
  const uint64_t now = sc_core::sc_time_stamp().value();
  return time > now ? sc_core::sc_time::from_value(time - now) : sc_core::SC_ZERO_TIME;
}

uint64_t Core::first_cycle_at(uint64_t time) const {
  return (time - start_time_ + period_ - 1) / period_;
}

bool Core::bus_read(uint64_t addr, void* data, unsigned len, uint64_t cycles) {
  return transport(tlm::TLM_READ_COMMAND, addr, data, len, cycles);
}

bool Core::bus_write(uint64_t addr, const void* data, unsigned len, uint64_t cycles) {
  // TLM payloads carry a mutable pointer; a target never writes through it on a write command.
  return transport(tlm::TLM_WRITE_COMMAND, addr, const_cast<void*>(data), len, cycles);
}

bool Core::transport(tlm::tlm_command command, uint64_t addr, void* data, unsigned len,
                     uint64_t cycles) {
  if (!hart_.slice_device_for(addr, len)) {
    ++bus_accesses_;
  } else if (hart_.isolated() && !slice_devices_held_) {
    slice_devices_held_ = true;
    for (const auto& hold : slice_device_holds_) hold(true);
  }
  payload_.set_command(command);
  payload_.set_address(addr);
  payload_.set_data_ptr(static_cast<unsigned char*>(data));
  payload_.set_data_length(len);
  payload_.set_streaming_width(len);
  payload_.set_byte_enable_ptr(nullptr);
  payload_.set_byte_enable_length(0);
  payload_.set_dmi_allowed(false);
  payload_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time delay = local_offset(cycles);
  socket->b_transport(payload_, delay);

  // The access ends at sc_time_stamp() + delay (the target may even have waited); whatever lies
  // beyond the core's own time for it is stall, rounded up to whole cycles.
  const uint64_t done = sc_core::sc_time_stamp().value() + delay.value();
  const uint64_t issued = time_at(cycles);
  if (done > issued) {
    const uint64_t stall = (done - issued + period_ - 1) / period_;
    hart_.add_stall_cycles(stall);
    stall_cycles_ += stall;
  }
  return payload_.is_response_ok();
}

unsigned Core::debug_access(tlm::tlm_command command, uint64_t addr, uint8_t* data, unsigned len) {
  tlm::tlm_generic_payload payload;
  payload.set_command(command);
  payload.set_address(addr);
  payload.set_data_ptr(data);
  payload.set_data_length(len);
  payload.set_streaming_width(len);
  return socket->transport_dbg(payload);
}

uint64_t Core::bus_mtime(uint64_t cycles) {
  if (!mtime_source) return 0;
  const uint64_t time = std::max<uint64_t>(time_at(cycles), sc_core::sc_time_stamp().value());
  return mtime_source(sc_core::sc_time::from_value(time));
}

}  // namespace dojo::core
