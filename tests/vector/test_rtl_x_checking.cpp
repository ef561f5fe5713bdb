// X checking (docs/cosim.md#x-checking): the RTL built with --x-assign unique --x-initial unique,
// its unreset state random per reset seed (DOJO_RTL_RESET_SEED, one CTest test each), must still
// agree with the reference model bit for bit and cycle for cycle: the unit never relies on state
// it has not set.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "engine_timing.h"
#include "vector/cosim_random.h"
#include "vector/lockstep_engine.h"
#include "vector/rtl_engine.h"
#include "vector/vector_model.h"

using namespace dojo::vector;

namespace {

// Verilator's own options: the seed of its random values, and random (not zero) reset values.
std::vector<std::string> reset_plusargs() {
  const char* seed = std::getenv("DOJO_RTL_RESET_SEED");
  return {"+verilator+seed+" + std::string(seed && *seed ? seed : "1"), "+verilator+rand+reset+2"};
}

}  // namespace

TEST_CASE("with random unreset state the RTL follows the documented timing", "[rtl][x]") {
  LockstepEngine lockstep(0, std::make_unique<VectorModel>(),
                          std::make_unique<RtlEngine>(1000, reset_plusargs()));
  dojo::vector::test::check_documented_timing(lockstep);
  CHECK(lockstep.settle().status == Outcome::Status::ok);
}

TEST_CASE("with random unreset state the RTL agrees with the model on a random stream", "[rtl][x]") {
  CosimRandomOptions options;
  options.seed = 100 + std::strtoull(reset_plusargs()[0].substr(16).c_str(), nullptr, 10);
  options.instructions = 1500;
  const CosimRandomResult result =
      run_cosim_random(options, std::make_unique<RtlEngine>(1000, reset_plusargs()));
  if (!result.passed) FAIL(result.failure);
  CHECK(result.executed > 0);
}
