// The vector unit's RTL (rtl/vector_unit/vector_unit.sv), verilated in C++ mode, behind the
// VectorEngine interface, clocked from C++ on the core's clock: one RTL cycle per core cycle. Each
// call offers a command on the unit's interface until the unit takes it, and clocks on until the
// response only if the core needs it; instructions in flight run on as the core catches up
// (advance_to) and retire at their responses. Outcome::cycles counts the RTL cycles the core
// waited, its issue cycle included; while nothing is in flight the unit is not clocked. Every edge is checked against the interface's rules (rtl_protocol_checker.h), and the
// RTL's own assertions (vector_unit_checker.sv) run in the model: the first violation is the
// engine's fatal error, naming the rule, the vector instruction and the cycle.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "vector/vector_coverage.h"
#include "vector/vector_engine.h"

namespace dojo::vector {

// Which part of a run an RtlEngine's waveform records, by the engine's clock (set_clock):
// recording starts at the first instruction at or after number `first_instruction` (counting from 0
// over execute/load/store calls) whose time is in [start_ps, end_ps), and stops for good when the
// unit is next clocked (an instruction or a CSR write) at or after end_ps; an instruction that
// started in the window is recorded whole. Outside the window no trace is open: it costs nothing.
struct TraceWindow {
  uint64_t first_instruction = 0;
  uint64_t start_ps = 0;
  uint64_t end_ps = UINT64_MAX;
  uint64_t last_cycles = 0;  // not 0: only the last so many cycles (RtlEngine::keep_last_cycles)
};

class RtlEngine : public VectorEngine {
 public:
  // `response_timeout_cycles`: an instruction that has not been taken or answered after this many
  // cycles of waiting is an RTL error (Outcome::Status::fatal), never a hang. `plusargs` ("+name=value")
  // are the model's command line, for $test$plusargs and $value$plusargs.
  explicit RtlEngine(uint64_t response_timeout_cycles = 1000,
                     const std::vector<std::string>& plusargs = {});
  ~RtlEngine() override;
  RtlEngine(const RtlEngine&) = delete;
  RtlEngine& operator=(const RtlEngine&) = delete;

  void advance_to(uint64_t cycle) override;
  Outcome settle() override;
  void on_retire(RetireObserver observer) override;
  Outcome execute(uint32_t instruction, uint64_t rs1_value, uint64_t pc) override;
  Outcome load(uint32_t instruction, const Register& data, uint64_t pc) override;
  Outcome store(uint32_t instruction, Register& data, uint64_t pc) override;
  bool read_csr(unsigned csr, uint64_t& value) override;
  bool write_csr(unsigned csr, uint64_t value) override;
  Register read_register(unsigned index) override;

  // Places the unit's cycles in simulated time, for the waveform's time axis (in ps) and its
  // window: `now_ps` returns the time of the cycle the unit is about to run (e.g. its core's local
  // time), `cycle_ps` is the clock period (2 ps at least: each cycle shows two edges). Without a
  // clock, cycle n starts at 2n ps.
  void set_clock(std::function<uint64_t()> now_ps, uint64_t cycle_ps);

  // Waveform of every RTL signal to `path`: FST if it ends in ".fst", VCD if it ends in ".vcd"
  // (recorded as FST in `path` + ".fst" and rewritten as VCD when the trace closes; that file is
  // then removed). It lasts until the window ends, stop_trace() or destruction. A window without
  // any clocking leaves a file with the signals and no value changes. Throws std::runtime_error
  // on another extension, a file that cannot be written, or when a trace is already open.
  void start_trace(const std::string& path, const TraceWindow& window = {});
  // Writes out what the trace has buffered and closes the file (an FST is only readable once
  // closed). No-op without a trace. Throws std::runtime_error if the VCD cannot be written.
  void stop_trace();
  // True from the start of the window until the trace closes.
  bool trace_open() const;

  // Instead of a waveform as the run goes, keeps what the last `cycles` cycles need (a checkpoint
  // of the registers and CSRs, taken while nothing is in flight, and every input since) and
  // writes their waveform to `path` (FST or VCD) on write_last_cycles(), or at stop_trace(), by
  // replaying those inputs on a fresh copy of the unit: the run pays for no waveform. Throws
  // std::runtime_error for a bad extension or a file that cannot be written.
  void keep_last_cycles(uint64_t cycles, const std::string& path);
  bool keeping_last_cycles() const;
  // Writes that waveform (at least the last `cycles` cycles, up to now) and returns its path.
  std::string write_last_cycles();

  // Code coverage (docs/cosim.md#coverage): whether this build of the RTL counts it (line and
  // user cover points; toggles too in a DOJO_VECTOR_RTL_COVERAGE=full build).
  static bool has_coverage();
  // Adds functional coverage bins to the coverage file; they must outlive the engine's writes.
  void add_coverage_bins(std::vector<VectorCoverage::Bin>& bins);
  // Writes the counts so far in Verilator's format (verilator_coverage reads and merges it).
  // Throws std::runtime_error if the build has no coverage or `path` cannot be written.
  void write_coverage(const std::string& path);

  // A verification stimulus for the response handshake, which the core never exercises (it takes
  // every response at once): in each cycle the engine refuses the response (rsp_ready low) with
  // `probability`, drawn from `seed` and the cycle alone, so that a replay of the last cycles sees
  // the same. Responses then come later than the reference model's timing says.
  void set_response_backpressure(double probability, uint64_t seed);
  // Cycles in which a response was shown and not taken.
  uint64_t response_held_cycles() const;

  // The unit's clock, in core cycles since construction: the edges run (CSR writes included)
  // and the idle cycles skipped while nothing was in flight.
  uint64_t cycle_count() const;
  uint64_t waveform_time_ps() const;   // the waveform's time after the last cycle run
  uint64_t instruction_count() const;  // execute/load/store calls so far

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dojo::vector
