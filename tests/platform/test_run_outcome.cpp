// How a run ended, from what the cores and devices were left in (platform/run_outcome.h).
#include <catch2/catch.hpp>
#include <cerrno>

#include "run_outcome.h"

using dojo::platform::classify_run;
using dojo::platform::RunEnd;
using dojo::platform::RunResult;
using State = dojo::core::Core::State;

namespace {

RunEnd two_cores(State first, State second) {
  RunEnd end;
  end.cores = {{first, "", 0, 0x80000010}, {second, "", 1, 0x80000020}};
  end.starved = true;
  return end;
}

}  // namespace

TEST_CASE("every core halted: the firmware's first failing status and its core") {
  RunEnd end = two_cores(State::halted, State::halted);
  CHECK(classify_run(end).outcome == RunResult::Outcome::exited);
  CHECK(classify_run(end).exit_status == 0);
  end.first_failure = 3;
  end.first_failure_core = "core 1,0 of chip 0,0";
  end.first_failure_image = "fail.elf";
  const RunResult result = classify_run(end);
  CHECK(result.outcome == RunResult::Outcome::exited);
  CHECK(result.exit_status == 3);
  CHECK(result.exit_core == "core 1,0 of chip 0,0");
  CHECK(result.exit_image == "fail.elf");
}

TEST_CASE("cores still running: the timeout when events were left, a deadlock when none were") {
  RunEnd end = two_cores(State::halted, State::waiting);
  end.timeout = sc_core::sc_time(1, sc_core::SC_MS);
  end.starved = false;
  RunResult result = classify_run(end);
  CHECK(result.outcome == RunResult::Outcome::watchdog);
  CHECK(result.message == "timeout: simulated time reached 1 ms with core 1 at pc 0x80000020 (in wfi) "
                          "still running");
  end.starved = true;  // also with a timeout set: nothing could happen before it
  result = classify_run(end);
  CHECK(result.outcome == RunResult::Outcome::fatal);
  CHECK_THAT(result.message, Catch::StartsWith("deadlock: nothing can happen any more, but core 1 "
                                               "at pc 0x80000020 (in wfi) did not finish"));
  end.cores[1].state = State::reset;
  CHECK_THAT(classify_run(end).message, Catch::Contains("core 1 (in reset) did not finish"));
}

TEST_CASE("the most serious ending wins: fatal, closed console, watchdog, still running") {
  RunEnd end = two_cores(State::watchdog, State::fatal);
  end.cores[0].stop_message = "watchdog: 1000 instructions";
  end.cores[1].stop_message = "trap loop at pc 0x0";
  end.console_error = EPIPE;
  CHECK(classify_run(end).outcome == RunResult::Outcome::fatal);
  CHECK(classify_run(end).message == "trap loop at pc 0x0");

  end.cores[1].state = State::halted;
  end.stopped_at = sc_core::sc_time(5, sc_core::SC_US);
  RunResult result = classify_run(end);
  CHECK(result.outcome == RunResult::Outcome::output_closed);
  CHECK_THAT(result.message, Catch::EndsWith("the run stopped at 5 us of simulated time"));

  end.console_error = 0;
  CHECK(classify_run(end).outcome == RunResult::Outcome::watchdog);
  CHECK(classify_run(end).message == "watchdog: 1000 instructions");

  end.first_failure = 7;  // a status is the firmware's only when it ended the run
  CHECK(classify_run(end).exit_status == 0);
}

TEST_CASE("a failed boot or console write other than a closed pipe is fatal") {
  RunEnd end = two_cores(State::reset, State::reset);
  end.boot_error = "the image did not arrive";
  CHECK(classify_run(end).outcome == RunResult::Outcome::fatal);
  CHECK(classify_run(end).message == "boot: the image did not arrive");

  end = two_cores(State::halted, State::halted);
  end.console_error = ENOSPC;
  CHECK(classify_run(end).outcome == RunResult::Outcome::fatal);
  CHECK(classify_run(end).message == "cannot write the console output: No space left on device");
}

TEST_CASE("outcome names are the statistics' words") {
  CHECK(std::string(outcome_name(RunResult::Outcome::exited)) == "exited");
  CHECK(std::string(outcome_name(RunResult::Outcome::watchdog)) == "watchdog");
  CHECK(std::string(outcome_name(RunResult::Outcome::fatal)) == "fatal");
  CHECK(std::string(outcome_name(RunResult::Outcome::output_closed)) == "output_closed");
}
