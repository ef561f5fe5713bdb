// Runs the cores' isolated slices (Hart::run_isolated) on host worker threads, deterministically.
//
// A core that is about to run a slice hands it to the runner and waits. One delta cycle later,
// when every core that became ready at that instant has done so, the runner runs them all at once
// on its threads while SystemC waits: each hart touches only its own state and its SRAM (through
// DMI), so which thread runs which hart changes nothing. A slice that reached its cycle limit
// stays with the runner, which runs the core's next slice at the quantum boundary its thread
// would have waited for (so compute-bound cores cost SystemC nothing); any other stop goes back
// to the core's thread, in SystemC's own deterministic order. There, one that stopped in front of
// an instruction needing the platform (StopReason::shared) executes it, then comes back. The
// outcome is the same for every number of threads, 1 (no worker thread) included.
// docs/performance.md has the design and its costs.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <systemc>
#include <thread>
#include <vector>

#include "core/hart.h"

namespace dojo::core {

class ParallelRunner : public sc_core::sc_module {
 public:
  // What the runner needs of a core. It calls these from SystemC's thread (between batches).
  class Participant {
   public:
    virtual Hart& isolated_hart() = 0;
    // After a slice that reached its cycle limit: when the core's next slice starts (the quantum
    // boundary it waits for, in SystemC time-resolution units), or false if its thread must go
    // on now.
    virtual bool next_slice_time(uint64_t& time) = 0;
    // At that time: the next slice's cycle limit, or false if the core's thread must go on.
    virtual bool next_slice_limit(uint64_t& cycle_limit) = 0;
    // After a batch that ran the core's slices (Core::add_slice_device).
    virtual void release_slice_devices() = 0;

   protected:
    ~Participant() = default;
  };

  // `threads`: host threads running slices, SystemC's own included (1 runs them all in it).
  // `serial_cycles`: how long a core that needed the platform goes on in its own thread before it
  // comes back (see Core::execute).
  ParallelRunner(sc_core::sc_module_name name, unsigned threads, uint64_t serial_cycles);
  ~ParallelRunner() override;

  unsigned threads() const { return static_cast<unsigned>(workers_.size()) + 1; }
  uint64_t serial_cycles() const { return serial_cycles_; }

  // From the core's SystemC thread: runs its hart isolated up to `cycle_limit`, with the other
  // slices asked for at this instant, and its next slices while they reach their limits and
  // `core` lets the runner go on. Returns the last slice's stop reason, with `cycle_limit` its
  // limit; `done` is the core's own event (notified when it returns).
  StopReason run_isolated(Participant& core, uint64_t& cycle_limit, sc_core::sc_event& done);

  // What the runner did: batches run, and slices run.
  uint64_t batches() const { return batches_; }
  uint64_t slices() const { return slices_; }
  // Host time spent running batches (slices and the compiles between rounds).
  double batch_seconds() const { return batch_seconds_; }

 private:
  struct Slice {
    Participant* core;
    uint64_t cycle_limit;
    sc_core::sc_event* done_event;
    uint64_t resume_time = 0;  // while parked: when the next slice starts
    StopReason reason = StopReason::limit;
    bool done = false;
  };

  void run_batch();    // SC_METHOD: the slices due in this delta cycle
  void on_boundary();  // SC_METHOD: a parked slice is due; run the batch a delta cycle on
  void run_round();    // round_ on every thread
  void finish(Slice& slice);
  // Runs slices of the current round until none is left: those of `thread`'s own share first (so
  // a hart tends to stay on the thread whose caches hold it), then the others'.
  void take_slices(unsigned thread);
  void worker(unsigned thread);

  std::vector<Slice*> pending_;  // asked for by their threads, not yet run
  std::vector<Slice*> parked_;   // reached their limits: the runner starts their next slices
  std::vector<Slice*> batch_;    // being run
  std::vector<Slice*> round_;    // those of batch_ being run on the threads now
  sc_core::sc_event batch_due_;
  sc_core::sc_event boundary_;
  uint64_t batches_ = 0, slices_ = 0;
  double batch_seconds_ = 0;

  // The round being run, in one share per thread: the next slice of a share to take, and its
  // end. Counters sit on cache lines of their own.
  struct alignas(64) Share {
    std::atomic<uint32_t> next{0};
    uint32_t end = 0;
  };
  std::vector<Share> shares_;
  std::atomic<uint32_t> done_{0};  // slices of the round finished
  // Workers between taking a round and leaving it: the round stays put until none is.
  std::atomic<unsigned> active_{0};
  // A new round (workers wake for it), or quit_. Changed under mutex_.
  std::atomic<uint32_t> generation_{0};
  bool open_ = false;  // the round may still be taken from
  bool quit_ = false;
  bool spin_ = false;  // workers poll a while for the next batch (no more threads than cores)
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::thread> workers_;
  const uint64_t serial_cycles_;
};

}  // namespace dojo::core
