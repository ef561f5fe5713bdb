// A dump of the running platform's state on request: `kill -USR1 <pid>` (the nightly runner does
// it before it kills a test that timed out). Every core's state, privilege, pc and counters, the
// instructions the running cores retire next (what they are busy with), and the network links with
// traffic still booked; then the simulation goes on. docs/debugging.md shows an example.
#pragma once

#include <atomic>
#include <memory>
#include <ostream>
#include <systemc>
#include <thread>
#include <vector>

#include "core/hart.h"

namespace dojo::platform {

class Tile;

class StateDump : public sc_core::sc_module {
 public:
  // Blocks SIGUSR1 in the calling thread and in every thread it starts afterwards, so that only
  // the listener of a StateDump takes it. Call before the simulation starts any thread.
  static void block_request_signal();

  // Listens for SIGUSR1 and writes each dump to `out`. `tile` and `out` must outlive the run.
  StateDump(sc_core::sc_module_name name, Tile& tile, std::ostream& out);
  ~StateDump() override;

  // The first line of every dump starts with this, and its last line is kEnd.
  static constexpr const char* kBegin = "dojo-vp: state dump";
  static constexpr const char* kEnd = "dojo-vp: end of state dump";
  // Instructions recorded per running core.
  static constexpr unsigned kRecordedInstructions = 16;

 private:
  // Carries a request from the listener thread into the simulation (async_request_update is the
  // kernel's thread-safe entry).
  class RequestChannel : public sc_core::sc_prim_channel {
   public:
    sc_core::sc_event requested;
    using sc_core::sc_prim_channel::async_request_update;

   private:
    void update() override { requested.notify(sc_core::SC_ZERO_TIME); }
  };
  class Recorder;

  void listen();
  // Starts recording the running cores' next instructions; the dump follows once every running
  // core has had a run slice.
  void start();
  void write();

  Tile& tile_;
  std::ostream& out_;
  RequestChannel channel_;
  sc_core::sc_event due_;
  std::vector<std::unique_ptr<Recorder>> recorders_;  // by rank, while a dump is being taken
  std::atomic<bool> closing_{false};
  std::thread listener_;
};

}  // namespace dojo::platform
