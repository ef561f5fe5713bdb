// Two vector engines in lockstep: every instruction runs on the reference (the C++ model) and on
// the checked engine (the RTL), and their outcomes are compared bit for bit: at once what the core
// takes (status, vhsum's scalar, vst's data) and the cycles the core waits; when the checked engine
// retires the instruction, its destination register(s) (the 4-register group for vmma), vflags,
// vseed and vcfg. The first difference ends the run with Outcome::Status::fatal and a report
// (docs/cosim.md shows one), at that call or the next. Cycles are the checked engine's.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vector/vector_coverage.h"
#include "vector/vector_engine.h"

namespace dojo::vector {

class RtlEngine;

// "vadd.f32 v3, v1, v2", or "illegal 0x........" for an encoding the ISA does not have.
std::string disassemble(uint32_t instruction);

class LockstepEngine : public VectorEngine {
 public:
  // `core_id` names the core in reports. If `checked` is an RtlEngine with a waveform open, a
  // mismatch closes the waveform so that it holds every cycle up to the mismatch.
  LockstepEngine(unsigned core_id, std::unique_ptr<VectorEngine> reference,
                 std::unique_ptr<VectorEngine> checked);
  ~LockstepEngine() override;

  void advance_to(uint64_t cycle) override;
  Outcome settle() override;
  void on_retire(RetireObserver observer) override;
  Outcome execute(uint32_t instruction, uint64_t rs1_value, uint64_t pc) override;
  Outcome load(uint32_t instruction, const Register& data, uint64_t pc) override;
  Outcome store(uint32_t instruction, Register& data, uint64_t pc) override;
  // Reads return the checked engine's value; writes go to both.
  bool read_csr(unsigned csr, uint64_t& value) override;
  bool write_csr(unsigned csr, uint64_t value) override;
  Register read_register(unsigned index) override;  // the checked engine's

  // Also compares the whole register file (and the CSRs) when every `interval`th instruction
  // retires (0: never), catching a write to a register the instruction should not touch.
  void compare_all_registers_every(uint64_t interval) { full_interval_ = interval; }
  // Whether the cycles the core waits must agree too (by default; not where the checked engine
  // is slowed on purpose, as by RtlEngine::set_response_backpressure).
  void compare_timing(bool compare) { compare_timing_ = compare; }

  // Samples the functional coverage of every instruction from now on (vector_coverage.h); if the
  // checked engine is an RtlEngine its coverage file holds the bins too.
  VectorCoverage& enable_coverage();
  const VectorCoverage* coverage() const { return coverage_.get(); }

  // The RTL inside the checked engine when that wraps it (a fault injector): its waveform ends
  // at a mismatch, its coverage file holds the bins.
  void set_rtl(RtlEngine* rtl) { rtl_ = rtl; }

  VectorEngine& reference() { return *reference_; }
  VectorEngine& checked() { return *checked_; }
  uint64_t instructions_compared() const { return compared_; }

 private:
  struct Snapshot;
  struct Expected;
  template <typename Run>
  Outcome step(uint32_t instruction, uint64_t pc, Run run);
  void compare_retired(uint64_t number);
  Snapshot snapshot(VectorEngine& engine, uint32_t instruction);
  void fail(std::string report);
  Outcome failed() const;
  std::string report(uint32_t instruction, uint64_t pc, uint64_t number, uint64_t issued,
                     const Snapshot& before, const Snapshot& expected,
                     const Snapshot& actual, const Outcome& expected_outcome,
                     const Outcome& actual_outcome, const Register* expected_store,
                     const Register* actual_store);

  unsigned core_id_;
  std::unique_ptr<VectorCoverage> coverage_;  // before the engines: an RTL's file points into it
  std::unique_ptr<VectorEngine> reference_;
  std::unique_ptr<VectorEngine> checked_;
  RtlEngine* rtl_;  // the checked engine, or the RTL it wraps; null if it has none
  uint64_t compared_ = 0;  // instructions retired and compared
  uint64_t cycle_ = 0;     // the core's, as far as the engine knows
  uint64_t reference_retired_ = 0;
  std::vector<Expected> pending_;  // executed by the reference, not yet retired by the checked
  uint64_t full_interval_ = 0;
  bool compare_timing_ = true;
  // The reference's register file after each instruction still to be compared whole.
  std::vector<std::pair<uint64_t, std::array<Register, register_count>>> full_pending_;
  RetireObserver retired_;
  std::string failure_;  // set by the first mismatch; every later call repeats it
};

}  // namespace dojo::vector
