// Constrained-random co-verification of the vector unit (docs/cosim.md#constrained-random-co-verification):
// random instruction streams, weighted toward the values where arithmetic goes wrong (zeros,
// subnormals, infinities, NaNs, rounding ties and boundaries of each narrowing, CFP8 extremes),
// random biases, rounding modes and seeds, and random gaps between instructions (so that the
// pipeline runs full, empty and in between), through the RTL alone (its protocol checkers and
// assertions) or in lockstep with the reference model (every instruction compared, the whole
// register file too every `full_compare_every` instructions and at the end). A seed reproduces a
// stream exactly.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "vector/vector_engine.h"

namespace dojo::vector {

struct CosimRandomOptions {
  uint64_t seed = 1;
  uint64_t instructions = 3000;
  bool lockstep = true;  // false: the RTL alone
  uint64_t full_compare_every = 64;
  // The chance that the core refuses a response in a cycle (RtlEngine::set_response_backpressure,
  // drawn from the seed); lockstep then compares values, not cycles. Needs the RTL engine.
  double response_backpressure = 0;
  // Where to write the RTL's code coverage and, in lockstep, the functional coverage (nothing if
  // empty); the checked engine must then be an RtlEngine.
  std::string coverage_out;
};

struct CosimRandomResult {
  bool passed = false;
  std::string failure;         // the engine's report, with the stream's position
  uint64_t executed = 0;       // instructions that executed
  uint64_t illegal = 0;        // illegal encodings (trapped, as they must)
  uint64_t csr_writes = 0;
  uint64_t cycles = 0;         // the unit's clock at the end
  uint64_t response_held_cycles = 0;  // cycles a response waited for the core (back-pressure)
};

// Runs the stream on `checked` (the RTL, or a wrapper around it): alone, or in lockstep with a
// fresh reference model. Throws std::runtime_error if the coverage cannot be counted or written.
CosimRandomResult run_cosim_random(const CosimRandomOptions& options,
                                   std::unique_ptr<VectorEngine> checked);

}  // namespace dojo::vector
