// The vector unit's pipeline (docs/cosim.md#pipeline-and-latency), in cycles of the core's clock,
// as the RTL implements it: the reference model charges it, and lockstep holds the RTL to it, so
// that every engine gives a program the same simulated time.
//
// Issue: the unit takes a command at an edge when its pass engine is free (or finishing) and no
// instruction in flight still has to write a register the command reads (an interlock; a result
// retiring at that very edge is forwarded instead). That edge decodes the instruction and reads
// its operands. Pass engine: one pass per cycle through the 16 lanes (pass_count), the last one
// handing the result to the completion queue; if the queue is full the pass engine holds it.
// Completion queue: each result waits its class's stages (stage_count: the pipelined FMA's, the
// matrix unit's, none), then retires in program order, one per edge, writing its registers and
// CSRs and answering. So an instruction of P passes and S stages answers P + 1 + S edges after the
// one that took it, and the core may issue one instruction per cycle while they are independent.
// The core waits for the unit to take each command, and for the answer only when it needs the
// result (vhsum, vst, an illegal encoding) or the unit settled (a CSR access).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "support/parameters.h"

namespace dojo::vector {

struct DecodedInstruction;

#if !defined(DOJO_VECTOR_FMA_STAGES) || !defined(DOJO_VECTOR_MMA_STAGES) || \
    !defined(DOJO_VECTOR_QUEUE_DEPTH)
#error "the vector unit's pipeline comes from the build (rtl/CMakeLists.txt): link dojo_vector"
#endif

// The pipeline's parameters (vector.pipeline.*). The defaults are the shape the RTL is built with
// (rtl/CMakeLists.txt, DOJO_VECTOR_*), declared there once.
struct PipelineShape {
  uint64_t fma_stages = DOJO_VECTOR_FMA_STAGES;    // after the pass of FP arithmetic (the FMA)
  uint64_t mma_stages = DOJO_VECTOR_MMA_STAGES;    // after vmma's last pass (the matrix unit)
  uint64_t queue_depth = DOJO_VECTOR_QUEUE_DEPTH;  // results waiting for stages and retirement
  bool operator==(const PipelineShape& other) const {
    return fma_stages == other.fma_stages && mma_stages == other.mma_stages &&
           queue_depth == other.queue_depth;
  }
  bool operator!=(const PipelineShape& other) const { return !(*this == other); }
};

// The shape the RTL is built with: PipelineShape{}.
inline const PipelineShape& built_pipeline() {
  static const PipelineShape built;
  return built;
}

// vector.pipeline.*: one declaration per parameter.
inline const param::Table<PipelineShape>& pipeline_parameters() {
  using param::Kind;
  using param::number;
  static const param::Table<PipelineShape> table = {
      number<&PipelineShape::fma_stages>(
          "fma_stages", Kind::count, 0, 16,
          "vector unit: stages of floating-point arithmetic after its pass (the pipelined FMA)"),
      number<&PipelineShape::mma_stages>(
          "mma_stages", Kind::count, 0, 16,
          "vector unit: stages of vmma after its last pass (the pipelined matrix unit)"),
      number<&PipelineShape::queue_depth>(
          "queue_depth", Kind::count, 1, 16,
          "vector unit: results that wait for their stages and retirement (the completion queue)"),
  };
  return table;
}

// Cycles in the lanes after the accepting edge: 16 lanes of 32 bits, so one pass per 16 FP32
// results or 64 bytes of narrow elements, one per vhsum tree level, 16 for vmma's 4 x 4 steps.
unsigned pass_count(const DecodedInstruction& instruction);
// Stages after the pass engine: the FMA's for floating-point arithmetic and vhsum, the matrix
// unit's for vmma, none for the rest.
unsigned stage_count(const DecodedInstruction& instruction, const PipelineShape& shape);

// The interface's limits (vector_unit_checker.sv's, rtl_protocol_checker.h's): commands taken
// and not answered (the pass engine, the queue, the response), and the longest wait for a
// response while any is owed, in cycles (vmma's latency).
unsigned max_outstanding(const PipelineShape& shape);
unsigned longest_latency(const PipelineShape& shape);

// What the unit's issue logic needs of an instruction (an illegal encoding: one pass, no stages,
// no registers).
struct IssueNeeds {
  unsigned passes = 1, stages = 0;
  uint32_t reads = 0, writes = 0;  // registers, one bit each
};
IssueNeeds issue_needs(const std::optional<DecodedInstruction>& instruction,
                       const PipelineShape& shape);

// The pipeline's timing, cycle by cycle while anything is in flight: the RTL's rules without its
// data.
class PipelineTiming {
 public:
  explicit PipelineTiming(const PipelineShape& shape);

  // The core has reached `cycle`.
  void advance_to(uint64_t cycle);
  // The instruction offered at the current cycle: the core cycles until the core may go on, the
  // issue cycle included; `core_waits` for its answer.
  uint64_t issue(const IssueNeeds& needs, bool core_waits);
  // Cycles until no instruction is in flight (the clock moves on by them).
  uint64_t settle();
  // A cycle of the unit with nothing in flight (a CSR write's).
  void idle_cycle() { ++cycle_; }

 private:
  struct Result {
    uint64_t number;
    uint32_t writes;
    uint64_t countdown;  // stages still to pass
  };
  bool quiet() const { return !busy_ && queue_.empty(); }
  // One edge, with `offered` at the interface (or nothing); true if the unit takes it.
  bool edge(const IssueNeeds* offered);

  PipelineShape shape_;
  uint64_t cycle_ = 0;  // the next edge's
  // The pass engine.
  bool busy_ = false;
  unsigned pass_ = 0, last_pass_ = 0;
  IssueNeeds executing_;
  uint64_t executing_number_ = 0;
  std::vector<Result> queue_;  // oldest first
  uint64_t offered_ = 0, retired_ = 0;  // instructions
};

}  // namespace dojo::vector
