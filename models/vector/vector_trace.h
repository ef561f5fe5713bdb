// Vector traces (docs/cosim.md#record-and-replay): every vector instruction a core hands its
// vector unit, with its operands (x[rs1], vld's data), what came back (status, vhsum's scalar,
// vst's data, the cycles the core waited) and the core cycle it was issued at, plus CSR writes
// and settles, so that the stream can run again on the RTL alone, exactly as the run drove it:
//
//   dojo-vp run --vector-trace run.vtrace firmware.elf
//   dojo-vp vector-replay run.vtrace --engine rtl
//
// The file is text, one event per line (VectorTraceRecorder writes it, read_vector_trace reads
// it, replay_vector_trace replays it and compares every outcome with the recorded one).
#pragma once

#include <cstdint>
#include <istream>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "vector/vector_engine.h"

namespace dojo::vector {

struct VectorTraceEvent {
  enum class Kind { execute, load, store, csr_write, settle } kind = Kind::execute;
  uint64_t core = 0;
  uint64_t cycle = 0;  // the core's cycle as the call happened (after advance_to)
  uint64_t pc = 0;
  uint32_t instruction = 0;
  uint64_t operand = 0;  // x[rs1] (execute), the value written (csr_write)
  unsigned csr = 0;
  Register data{};       // vld's data in, vst's data out
  // What came back.
  Outcome::Status status = Outcome::Status::ok;
  bool writes_scalar = false;
  uint64_t scalar = 0;
  uint64_t cycles = 0;
};

// An engine that forwards everything to `inner` and writes each event to `out`, a line each (one
// stream may take every core's, after vector_trace_header, in the order the calls happen).
class VectorTraceRecorder : public VectorEngine {
 public:
  VectorTraceRecorder(std::unique_ptr<VectorEngine> inner, uint64_t core, std::ostream& out);

  void advance_to(uint64_t cycle) override;
  Outcome settle() override;
  void on_retire(RetireObserver observer) override { inner_->on_retire(std::move(observer)); }
  Outcome execute(uint32_t instruction, uint64_t rs1_value, uint64_t pc) override;
  Outcome load(uint32_t instruction, const Register& data, uint64_t pc) override;
  Outcome store(uint32_t instruction, Register& data, uint64_t pc) override;
  bool read_csr(unsigned csr, uint64_t& value) override { return inner_->read_csr(csr, value); }
  bool write_csr(unsigned csr, uint64_t value) override;
  Register read_register(unsigned index) override { return inner_->read_register(index); }

  VectorEngine& inner() { return *inner_; }

 private:
  void write(const VectorTraceEvent& event);
  // Calls `call` with `event` (its data may be filled in), records the outcome, returns it.
  template <typename Call>
  Outcome recorded(VectorTraceEvent event, Call call);

  std::unique_ptr<VectorEngine> inner_;
  uint64_t core_;
  std::ostream& out_;
  uint64_t cycle_ = 0;  // the core's, as the engine was told (advance_to) and charged
};

// The trace's header line; then one line per event.
inline constexpr const char* vector_trace_header = "# dojo-vp vector trace 1";

// Reads a whole trace; throws std::runtime_error naming `name`, the line and what is wrong.
std::vector<VectorTraceEvent> read_vector_trace(std::istream& in, const std::string& name);

struct ReplayResult {
  bool passed = false;
  uint64_t events = 0;
  std::string failure;  // the first difference from the recording, or the engine's report
};

// Replays the events of `core` on `engine` (fresh), comparing every outcome with the recorded
// one: status, scalar, store data and the cycles the core waited.
ReplayResult replay_vector_trace(const std::vector<VectorTraceEvent>& events, uint64_t core,
                                 VectorEngine& engine);

}  // namespace dojo::vector
