// The vector unit's RTL (rtl/vector_unit/vector_unit.sv), verilated in C++ mode, behind the
// VectorEngine interface. Each call drives the unit's command interface and clocks the model from
// C++ until the response arrives; Outcome::cycles is the number of RTL clock cycles that took,
// charged 1:1 as core cycles (docs/cosim.md lists them per instruction class).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "vector/vector_engine.h"

namespace dojo::vector {

class RtlEngine : public VectorEngine {
 public:
  // `response_timeout_cycles`: an instruction that has not answered after this many cycles is
  // an RTL error (Outcome::Status::fatal), never a hang.
  explicit RtlEngine(uint64_t response_timeout_cycles = 1000);
  ~RtlEngine() override;
  RtlEngine(const RtlEngine&) = delete;
  RtlEngine& operator=(const RtlEngine&) = delete;

  Outcome execute(uint32_t instruction, uint64_t rs1_value, uint64_t pc) override;
  Outcome load(uint32_t instruction, const Register& data, uint64_t pc) override;
  Outcome store(uint32_t instruction, Register& data, uint64_t pc) override;
  bool read_csr(unsigned csr, uint64_t& value) override;
  bool write_csr(unsigned csr, uint64_t value) override;
  Register read_register(unsigned index) override;

  // Waveform of every RTL signal, as FST (`path` must end in ".fst"; the model is verilated with
  // --trace-fst only). Recording starts at the first cycle of instruction number
  // `first_instruction` (counting from 0 over execute/load/store calls), so a long run can record
  // just the end; it lasts until stop_trace() or destruction. Throws std::runtime_error on a bad
  // path or when a trace is already open.
  void start_trace(const std::string& path, uint64_t first_instruction = 0);
  // Writes out what the trace has buffered and closes the file (an FST is only readable once
  // closed). No-op without a trace.
  void stop_trace();
  bool trace_open() const;

  uint64_t cycle_count() const;        // RTL cycles since construction (CSR writes included)
  uint64_t instruction_count() const;  // execute/load/store calls so far

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dojo::vector
