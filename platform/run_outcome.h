// How a run ended, decided from the state every core and device was left in: one pure function,
// so every combination (a watchdog beside a fatal error, a deadlock under a timeout, a closed
// pipe) is tested without building a tile.
#pragma once

#include <cstdint>
#include <string>
#include <systemc>
#include <vector>

#include "core/core.h"

namespace dojo::platform {

struct RunResult {
  enum class Outcome {
    exited,    // every core ended through the exit device or HTIF
    watchdog,  // a core reached --max-instructions, or simulated time reached --timeout
    fatal,     // a core cannot go on (e.g. its trap handler traps), or the run deadlocked
    output_closed,  // the console's stream was closed by its reader (EPIPE, e.g. `| head`)
  };
  Outcome outcome = Outcome::exited;
  // The firmware's status (the first non-zero one over the cores); meaningful when exited.
  int exit_status = 0;
  // The core that reported exit_status when it is not zero ("core 1,0 of chip 0,0") and the ELF
  // it ran.
  std::string exit_core;
  std::string exit_image;
  std::string message;  // why, for every outcome but exited
};

// "exited", "watchdog", "fatal", "output_closed": the statistics' `outcome`.
const char* outcome_name(RunResult::Outcome outcome);

// What the run left behind when the SystemC kernel returned.
struct RunEnd {
  struct CoreEnd {
    core::Core::State state = core::Core::State::halted;
    std::string stop_message;  // for watchdog and fatal
    uint64_t hartid = 0;
    uint64_t pc = 0;
  };
  std::vector<CoreEnd> cores;  // by rank
  bool starved = false;        // no event was left to come
  sc_core::sc_time timeout;    // simulation.timeout (zero: none)
  sc_core::sc_time stopped_at;  // SystemC time when the kernel returned
  std::string boot_error;      // the host interface's, empty if the boot went well
  int console_error = 0;       // errno of the first failed console write, 0 if none failed
  // The first non-zero exit status reported, and by whom.
  int first_failure = 0;
  std::string first_failure_core;
  std::string first_failure_image;
};

// The outcome, most serious first: a fatal error (a core's, the boot's, a console write that
// failed other than by a closed pipe), a closed console, a watchdog, cores still running (the
// timeout when events were left, else a deadlock), and else the firmware's exit.
RunResult classify_run(const RunEnd& end);

}  // namespace dojo::platform
