// Functional coverage of the vector ISA (docs/cosim.md#coverage): which instructions ran with
// which element formats, operand classes, CFP8 biases, rounding modes, ties, seeds and flags.
// Sampled from the reference model's view of each instruction (in lockstep); its bins are written
// with the RTL's code coverage into one Verilator coverage file (rtl_engine.h), so that
// verilator_coverage merges them and scripts/coverage-report lists the holes. No Verilator here.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "vector/vector_engine.h"

namespace dojo::vector {

class VectorCoverage {
 public:
  struct Bin {
    std::string name;  // "vadd.bf16 operand subnormal", "vcvt.e4m3.f32 tie stochastic", ...
    uint64_t count = 0;
  };

  VectorCoverage();
  VectorCoverage(const VectorCoverage&) = delete;  // the bins' addresses are handed out
  VectorCoverage& operator=(const VectorCoverage&) = delete;

  // One instruction as the reference model is about to execute it: `vcfg` and `vseed` before
  // it, `read` the value of a register, `raised` the flags it set that were clear before.
  void sample(uint32_t instruction, uint64_t vcfg, uint64_t vseed,
              const std::function<Register(unsigned)>& read, uint32_t raised);

  std::vector<Bin>& bins() { return bins_; }
  const std::vector<Bin>& bins() const { return bins_; }

 private:
  // The bins of one instruction form (opcode, type and, for vcvt, source type); -1 where it has
  // no such bin (a tie only where a conversion narrows, a bias only where CFP8 is involved).
  struct Form {
    int executed = -1, first_class = -1, stochastic = -1, tie_nearest = -1, tie_stochastic = -1,
        bias_zero = -1, bias_max = -1;
  };
  std::array<std::array<std::array<int, 8>, 8>, 16> form_index_{};  // [opcode][type][source]
  std::vector<Form> forms_;
  std::vector<Bin> bins_;
  size_t flag_bins_ = 0, seed_wrap_bin_ = 0;
};

}  // namespace dojo::vector
