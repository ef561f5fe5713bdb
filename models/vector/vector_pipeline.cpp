#include "vector/vector_pipeline.h"

#include <algorithm>

#include "vector/vector_model.h"

namespace dojo::vector {

unsigned pass_count(const DecodedInstruction& d) {
  using numerics::ElementType;
  switch (d.opcode) {
    case Opcode::vadd:
    case Opcode::vsub:
    case Opcode::vmul:
    case Opcode::vfma: return d.type == ElementType::bf16 ? 2 : 1;  // 32 bf16 lanes, 16 FMAs
    case Opcode::vcvt: {
      // The wider side's elements, 16 per pass.
      const unsigned widest = std::max(element_bytes(d.type), element_bytes(ElementType(d.rs2 >> 2)));
      return 4 / widest;
    }
    case Opcode::vhsum:  // the FP tree's levels: 16 f32 lanes, 32 bf16 lanes
      return d.type == ElementType::f32 ? 4 : d.type == ElementType::bf16 ? 5 : 1;
    case Opcode::vmma: return 16;
    default: return 1;
  }
}

unsigned stage_count(const DecodedInstruction& d, const PipelineShape& shape) {
  using numerics::ElementType;
  const bool floating = d.type == ElementType::f32 || d.type == ElementType::bf16;
  switch (d.opcode) {
    case Opcode::vadd:
    case Opcode::vsub:
    case Opcode::vmul:
    case Opcode::vfma:
    case Opcode::vhsum: return floating ? unsigned(shape.fma_stages) : 0;
    case Opcode::vmma: return unsigned(shape.mma_stages);
    default: return 0;
  }
}

unsigned max_outstanding(const PipelineShape& shape) { return unsigned(shape.queue_depth) + 2; }

unsigned longest_latency(const PipelineShape& shape) {
  return 1 + 16 + 1 + unsigned(std::max(shape.fma_stages, shape.mma_stages));
}

IssueNeeds issue_needs(const std::optional<DecodedInstruction>& d, const PipelineShape& shape) {
  IssueNeeds needs;
  if (!d) return needs;
  needs.passes = pass_count(*d);
  needs.stages = stage_count(*d, shape);
  needs.reads = registers_read(*d);
  needs.writes = registers_written(*d);
  return needs;
}

PipelineTiming::PipelineTiming(const PipelineShape& shape) : shape_(shape) {
  queue_.reserve(shape.queue_depth);
}

bool PipelineTiming::edge(const IssueNeeds* offered) {
  const bool retire = !queue_.empty() && queue_.front().countdown == 0;
  const bool done = busy_ && pass_ == last_pass_;
  const bool push = done && queue_.size() - (retire ? 1 : 0) < shape_.queue_depth;
  bool accept = offered != nullptr && (!busy_ || push);
  if (accept) {
    // Interlock on results still to come; the one retiring now is forwarded.
    uint32_t pending = busy_ ? executing_.writes : 0;
    for (size_t i = retire ? 1 : 0; i < queue_.size(); ++i) pending |= queue_[i].writes;
    accept = (offered->reads & pending) == 0;
  }
  if (retire) {
    queue_.erase(queue_.begin());
    ++retired_;
  }
  for (Result& result : queue_)
    if (result.countdown != 0) --result.countdown;
  if (push) {
    queue_.push_back({executing_number_, executing_.writes, executing_.stages});
    busy_ = false;
  } else if (busy_ && !done) {
    ++pass_;
  }
  if (accept) {
    busy_ = true;
    pass_ = 0;
    last_pass_ = offered->passes - 1;
    executing_ = *offered;
    executing_number_ = offered_++;
  }
  ++cycle_;
  return accept;
}

void PipelineTiming::advance_to(uint64_t cycle) {
  while (cycle_ < cycle && !quiet()) edge(nullptr);
  cycle_ = std::max(cycle_, cycle);  // an idle unit does not change
}

uint64_t PipelineTiming::issue(const IssueNeeds& needs, bool core_waits) {
  const uint64_t start = cycle_;
  const uint64_t number = offered_;
  while (!edge(&needs)) {
  }
  if (core_waits)
    while (retired_ <= number) edge(nullptr);
  return cycle_ - start;
}

uint64_t PipelineTiming::settle() {
  const uint64_t start = cycle_;
  while (!quiet()) edge(nullptr);
  return cycle_ - start;
}

}  // namespace dojo::vector
