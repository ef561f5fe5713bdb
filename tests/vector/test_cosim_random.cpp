// Constrained-random co-verification (models/vector/cosim_random.h), the short seeded version:
// the RTL and the reference model in lockstep, then the RTL alone under its checkers. The seed
// and length come from the environment for longer runs (tests/nightly.yaml), as
//   DOJO_COSIM_SEED=<seed> DOJO_COSIM_INSTRUCTIONS=<count> test_cosim_random
// (defaults: seed 1, 3000 instructions), which is `dojo-vp cosim-random --seed S --instructions N`.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "vector/cosim_random.h"
#include "vector/rtl_engine.h"

using namespace dojo::vector;

namespace {

uint64_t env_number(const char* name, uint64_t fallback) {
  const char* text = std::getenv(name);
  return text && *text ? std::strtoull(text, nullptr, 0) : fallback;
}

}  // namespace

TEST_CASE("random instruction streams: RTL and reference model agree bit for bit", "[cosim]") {
  CosimRandomOptions options;
  options.seed = env_number("DOJO_COSIM_SEED", 1);
  options.instructions = env_number("DOJO_COSIM_INSTRUCTIONS", 3000);
  INFO("reproduce with dojo-vp cosim-random --seed " << options.seed << " --instructions "
                                                    << options.instructions);
  const CosimRandomResult result = run_cosim_random(options, std::make_unique<RtlEngine>());
  if (!result.passed) FAIL(result.failure);
  CHECK(result.executed > options.instructions / 2);
  CHECK(result.illegal > 0);
  CHECK(result.csr_writes > 0);
}

TEST_CASE("the same seed gives the same stream, the RTL alone passes its checkers", "[cosim]") {
  CosimRandomOptions options;
  options.seed = 7;
  options.instructions = 500;
  const CosimRandomResult first = run_cosim_random(options, std::make_unique<RtlEngine>());
  const CosimRandomResult again = run_cosim_random(options, std::make_unique<RtlEngine>());
  REQUIRE(first.passed);
  CHECK(again.executed == first.executed);
  CHECK(again.cycles == first.cycles);
  options.lockstep = false;
  const CosimRandomResult alone = run_cosim_random(options, std::make_unique<RtlEngine>());
  CHECK(alone.passed);
  CHECK(alone.executed == first.executed);
  options.seed = 8;
  CHECK(run_cosim_random(options, std::make_unique<RtlEngine>()).cycles != first.cycles);
}

TEST_CASE("under random response back-pressure the RTL still agrees, later, the same every run",
          "[cosim]") {
  CosimRandomOptions options;
  options.seed = env_number("DOJO_COSIM_SEED", 3);
  options.instructions = 1000;
  const CosimRandomResult unhindered = run_cosim_random(options, std::make_unique<RtlEngine>());
  options.response_backpressure = 0.4;
  INFO("reproduce with dojo-vp cosim-random --seed " << options.seed << " --instructions "
                                                    << options.instructions
                                                    << " --rsp-backpressure 0.4");
  const CosimRandomResult held = run_cosim_random(options, std::make_unique<RtlEngine>());
  if (!held.passed) FAIL(held.failure);
  REQUIRE(unhindered.passed);
  // The same stream (back-pressure draws from a stream of its own), its responses held.
  CHECK(held.executed == unhindered.executed);
  CHECK(unhindered.response_held_cycles == 0);
  CHECK(held.response_held_cycles > options.instructions / 10);
  CHECK(held.cycles > unhindered.cycles);
  const CosimRandomResult again = run_cosim_random(options, std::make_unique<RtlEngine>());
  CHECK(again.cycles == held.cycles);
  CHECK(again.response_held_cycles == held.response_held_cycles);
}
