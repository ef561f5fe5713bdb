#include "run_outcome.h"

#include <cerrno>
#include <cstring>

#include "support/hex.h"

namespace dojo::platform {

const char* outcome_name(RunResult::Outcome outcome) {
  switch (outcome) {
    case RunResult::Outcome::exited: return "exited";
    case RunResult::Outcome::watchdog: return "watchdog";
    case RunResult::Outcome::fatal: return "fatal";
    case RunResult::Outcome::output_closed: return "output_closed";
  }
  return "?";
}

RunResult classify_run(const RunEnd& end) {
  using State = core::Core::State;
  std::string watchdog, fatal, still_running;
  for (const RunEnd::CoreEnd& core : end.cores) {
    switch (core.state) {
      case State::halted: break;
      case State::watchdog: watchdog = core.stop_message; break;
      case State::fatal: fatal = core.stop_message; break;
      case State::reset:
      case State::running:
      case State::waiting:
        if (!still_running.empty()) still_running += ", ";
        still_running += "core " + std::to_string(core.hartid) +
                         (core.state == State::reset
                              ? " (in reset)"
                              : " at pc " + hex(core.pc) +
                                    (core.state == State::waiting ? " (in wfi)" : ""));
        break;
    }
  }
  if (!end.boot_error.empty()) fatal = "boot: " + end.boot_error;
  if (end.console_error != 0 && end.console_error != EPIPE && fatal.empty())
    fatal = std::string("cannot write the console output: ") + std::strerror(end.console_error);

  RunResult result;
  if (!fatal.empty()) {
    result.outcome = RunResult::Outcome::fatal;
    result.message = fatal;
  } else if (end.console_error != 0) {
    result.outcome = RunResult::Outcome::output_closed;
    result.message = "the console output was closed (its reader, e.g. `head`, stopped reading): "
                     "the run stopped at " + end.stopped_at.to_string() + " of simulated time";
  } else if (!watchdog.empty()) {
    result.outcome = RunResult::Outcome::watchdog;
    result.message = watchdog;
  } else if (!still_running.empty()) {
    // Events still to come: the timeout ended the run (without one, only starvation does).
    if (!end.starved) {
      result.outcome = RunResult::Outcome::watchdog;
      result.message = "timeout: simulated time reached " + end.timeout.to_string() + " with " +
                       still_running + " still running";
    } else {
      result.outcome = RunResult::Outcome::fatal;
      result.message = "deadlock: nothing can happen any more, but " + still_running +
                       " did not finish (waiting for an interrupt that no device will raise)";
    }
  } else if (end.first_failure != 0) {
    result.exit_status = end.first_failure;
    result.exit_core = end.first_failure_core;
    result.exit_image = end.first_failure_image;
  }
  return result;
}

}  // namespace dojo::platform
