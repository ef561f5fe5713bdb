// The D1 core as a loosely-timed TLM-2.0 initiator: one SystemC thread runs the instruction-set
// engine (Hart) a whole quantum at a time, with the core's local SRAM reached through DMI and
// everything else through blocking transport on `socket`.
//
// Time: the core has its own clock timeline, cycle c of the hart happening at
// start + c * clock_period. The thread runs ahead of SystemC time by at most one quantum plus one
// basic block and synchronises (waits) at quantum boundaries, before waiting in WFI and when it
// stops; every transaction carries the core's local time as its delay. Same inputs, same times.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <systemc>
#include <utility>
#include <vector>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "core/core_settings.h"
#include "core/hart.h"
#include "core/parallel_runner.h"

namespace dojo::core {

struct CoreParams {
  HartConfig hart;
  sc_core::sc_time clock_period;
  // The local SRAM range the core reads, writes and fetches through DMI.
  uint64_t fast_base = 0;
  uint64_t fast_size = 0;
  // Where the same range appears in the address space too (the global window's slot of this core,
  // an alias of its SRAM), for watchpoints set there; 0 for none.
  uint64_t fast_alias = 0;
  uint64_t max_instructions = 0;  // watchdog: stop once this many have retired; 0 = none
  // Held in reset (not executing) until release(): the tile boots cores as their images arrive.
  bool start_in_reset = false;
};

class Core;

// A debugger attached to cores (e.g. the GDB server). A core calls it from its own thread, outside
// the hart's run (its state complete and consistent) and outside any transaction. The debugger may
// block there (nothing else in the simulation runs meanwhile) or wait() for SystemC events.
class CoreDebugger {
 public:
  // Why the core comes to the debugger before a run slice.
  enum class Event {
    none,        // an ordinary slice boundary
    breakpoint,  // the hart stopped in front of a breakpoint
    watchpoint,  // the hart stopped in front of an access to watched memory (Hart::watch_hit())
    stepped,     // the single step the debugger asked for is done
  };
  enum class Resume { run, step };

  virtual ~CoreDebugger() = default;
  // Before every run slice: how to go on, a whole slice or one instruction (even over a
  // breakpoint at the pc), after which the core comes back with Event::stepped.
  virtual Resume before_slice(Core& core, Event event) = 0;
  // The core has stopped for good (halted, watchdog or fatal; see Core::state()).
  virtual void core_finished(Core& core) = 0;
  // Another initiator's write (another core's, a DMA engine's, the host's) touched one of `core`'s
  // watchpoints (Hart::watch_hit() tells where). Called from inside that initiator's transaction,
  // so the debugger must neither block nor wait() here: it stops the simulation soon after.
  virtual void watched_write(Core& core) = 0;
};

class Core : public sc_core::sc_module, private HartBus, private ParallelRunner::Participant {
 public:
  enum class State { reset, running, waiting, halted, watchdog, fatal };

  tlm_utils::simple_initiator_socket<Core> socket;

  // Observer of the core's timeline (e.g. for a trace): each stretch of execution (from release or
  // wake-up to the next WFI or the stop) and each WFI sleep, in simulated time. Optional.
  enum class Segment { run, wfi };
  std::function<void(Segment, sc_core::sc_time start, sc_core::sc_time end)> on_segment;

  sc_core::sc_time clock_period() const { return sc_core::sc_time::from_value(period_); }
  // The simulated time of a cycle of this core's clock (for observers of the hart that count in
  // cycles, e.g. Hart::on_vector).
  sc_core::sc_time time_of_cycle(uint64_t cycle) const {
    return sc_core::sc_time::from_value(time_at(cycle));
  }

  // Returns mtime at an absolute simulated time; set by the platform, read by the time CSR.
  // Unset, the time CSR reads 0.
  std::function<uint64_t(sc_core::sc_time)> mtime_source;

  // Throws std::invalid_argument for a zero clock period.
  Core(sc_core::sc_module_name name, const CoreParams& params);

  Hart& hart() { return hart_; }
  const Hart& hart() const { return hart_; }

  // Sets or clears an interrupt line; wakes the core if it sleeps in WFI.
  void set_irq(Irq irq, bool level);
  // Stops the core after its current instruction and ends its thread. Safe to call from a device
  // during one of this core's transactions.
  void halt();
  // Takes a core built with start_in_reset out of reset at absolute simulated time `at` (now, if
  // that has passed); it starts at the hart's pc.
  void release(const sc_core::sc_time& at);
  // Another initiator wrote [addr, addr + len) of the memory this core executes from (a remote
  // store, a DMA transfer, the loader): drops decoded instructions there, breaks an overlapping
  // LR/SC reservation and tells the debugger if a watchpoint covers it. Safe to call from inside
  // one of this core's own transactions.
  void memory_written(uint64_t addr, uint64_t len);

  // For a debugger: true while the hart executes a run slice (so the initiator of whatever
  // happens meanwhile is this core).
  bool executing() const { return in_run_; }
  // For a debugger: ends the current run slice after the current instruction, so the core comes
  // to before_slice at the next instruction boundary. No effect outside a slice.
  void pause();
  // For a debugger: ends a WFI sleep as if an interrupt had come (WFI may complete at any time),
  // so a sleeping core can be single-stepped.
  void wake_for_debugger();

  // Runs the core's slices isolated (Hart::run_isolated) on `runner`'s threads, with the other
  // cores' slices of the same instant; the rest of a quantum from an instruction that needs the
  // platform runs in the core's own thread. Not with a debugger attached or a commit sink. The
  // runner must outlive the core; null (the default) runs every slice in the core's thread.
  void set_parallel_runner(ParallelRunner* runner) { runner_ = runner; }
  // A device of this core alone at [base, base + size), which its isolated slices may access on
  // a runner thread (Hart::add_slice_device): it must touch nothing another core's slice could,
  // and keep what it would tell the rest of the platform while `hold(true)` is in force, telling
  // it at `hold(false)`. A slice's first access to a slice device in a batch holds them all (on
  // the slice's thread), and the runner releases them when the batch is over (in SystemC's
  // thread); `hold` may be empty for a device with nothing to tell.
  void add_slice_device(uint64_t base, uint64_t size, std::function<void(bool)> hold);

  // Attaches a debugger (null detaches); it must outlive its use.
  void set_debugger(CoreDebugger* debugger) { debugger_ = debugger; }
  // Reads or writes memory as this core sees it, through TLM debug transport: no simulated time
  // passes and devices see no access. Returns the bytes transferred (fewer at a hole).
  unsigned debug_access(tlm::tlm_command command, uint64_t addr, uint8_t* data, unsigned len);

  State state() const { return state_; }
  // The core's own simulated time: where its clock timeline has got to (it may run ahead of
  // SystemC time by up to a quantum). Zero while it is held in reset.
  sc_core::sc_time local_time() const;
  // Cycles the core spent stalled on transactions (beyond its cycle model) and asleep in WFI.
  uint64_t stall_cycles() const { return stall_cycles_; }
  uint64_t wfi_cycles() const { return wfi_cycles_; }
  // Notified (one delta cycle later) when the core stops for any reason.
  sc_core::sc_event& finished_event() { return finished_event_; }
  // Why the core stopped, for watchdog and fatal stops; empty otherwise.
  const std::string& stop_message() const { return stop_message_; }

 private:
  void thread();
  // Runs the hart up to the end of the current quantum; returns false once the core stops.
  bool run_slice();
  // Runs the hart up to cycle `limit` (or one step), isolated on the parallel runner where it
  // can be; the hart's stop reason.
  StopReason execute(uint64_t limit, bool single_step);
  // The cycle limit of a slice starting now: the first cycle at or after the next quantum
  // boundary (at least one cycle on), or sooner for the watchdog.
  uint64_t slice_limit() const;
  // Waits until the quantum boundary at or before the core's own time, so that it runs ahead of
  // SystemC time by less than a quantum (with a zero quantum, until its own time).
  void sync_to_quantum();
  // The time `sync_to_quantum` waits for, in time-resolution units.
  uint64_t quantum_sync_time() const;
  // Waits until SystemC time has caught up with the core's own.
  void sync_to_local_time();

  // ParallelRunner::Participant
  Hart& isolated_hart() override { return hart_; }
  bool next_slice_time(uint64_t& time) override;
  bool next_slice_limit(uint64_t& cycle_limit) override;
  void release_slice_devices() override;
  // Catches the core's clock up with SystemC time after it stood still (asleep or held by a
  // debugger): the time passed counts as stall cycles. Returns the cycles added.
  uint64_t catch_up();
  void wait_for_interrupt();
  void stop(State state, std::string message);
  void report_segment(Segment segment, uint64_t start, uint64_t end) const;

  // Asks for DMI over [fast_base, fast_base + fast_size) piece by piece, around any hole the bus
  // keeps out of DMI, and hands the granted pieces to the hart.
  void request_fast_regions();
  // After DMI was invalidated: drops the hart's fast regions and asks again.
  void refresh_fast_regions();
  void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end);

  // The core's timeline, in SystemC time-resolution units.
  uint64_t time_at(uint64_t cycles) const { return start_time_ + cycles * period_; }
  // How far the core at `cycles` runs ahead of SystemC time (0 if it is not ahead).
  sc_core::sc_time local_offset(uint64_t cycles) const;
  // The first cycle of the timeline at or after `time`.
  uint64_t first_cycle_at(uint64_t time) const;
  uint64_t current_cycles() const { return hart_.cycles() + unfolded_stall_; }

  // HartBus
  bool bus_read(uint64_t addr, void* data, unsigned len, uint64_t cycles) override;
  bool bus_write(uint64_t addr, const void* data, unsigned len, uint64_t cycles) override;
  uint64_t bus_mtime(uint64_t cycles) override;
  bool transport(tlm::tlm_command command, uint64_t addr, void* data, unsigned len,
                 uint64_t cycles);

  CoreParams params_;
  Hart hart_;
  uint64_t period_;          // clock period in time-resolution units
  uint64_t start_time_ = 0;  // time of cycle 0, in time-resolution units (modulo 2^64)
  // Stall cycles given to the hart while it was not running; it folds them in on its next run.
  uint64_t unfolded_stall_ = 0;
  uint64_t stall_cycles_ = 0;
  // Transactions the hart made outside its slice devices (Core::execute's serial windows).
  uint64_t bus_accesses_ = 0;
  std::vector<std::function<void(bool)>> slice_device_holds_;
  bool slice_devices_held_ = false;  // by a slice of the batch being run
  uint64_t segment_start_ = 0;  // when the current run segment began, in time-resolution units
  uint64_t wfi_cycles_ = 0;
  tlm::tlm_generic_payload payload_;  // reused by every transaction

  State state_ = State::running;
  std::string stop_message_;
  bool halt_requested_ = false;
  bool fast_regions_stale_ = false;  // DMI was invalidated: re-request before running again
  bool in_run_ = false;
  bool debugger_wake_ = false;  // wake_for_debugger() was called during this WFI sleep
  CoreDebugger* debugger_ = nullptr;
  ParallelRunner* runner_ = nullptr;
  CoreDebugger::Event debug_event_ = CoreDebugger::Event::none;  // for the next before_slice
  // Writes reported while the hart was running (the core wrote its own memory through the bus),
  // applied once it has stopped.
  std::vector<std::pair<uint64_t, uint64_t>> deferred_writes_;
  sc_core::sc_event wake_event_;      // interrupt line changed, or halt requested
  sc_core::sc_event finished_event_;
  sc_core::sc_event release_event_;
  sc_core::sc_event never_;  // never notified: where a finished core's thread waits
  sc_core::sc_event isolated_done_;  // the parallel runner handed the core back
};

}  // namespace dojo::core
