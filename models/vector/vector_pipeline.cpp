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

uint64_t PipelineTiming::issue(uint64_t cycle, unsigned passes, bool core_waits) {
  const uint64_t accepted = std::max(cycle, free_from_);
  const uint64_t answered = accepted + passes;
  free_from_ = answered + 1;
  return (core_waits ? answered : accepted) + 1 - cycle;
}

uint64_t PipelineTiming::wait_until_idle(uint64_t cycle) const {
  return free_from_ > cycle ? free_from_ - cycle : 0;
}

}  // namespace dojo::vector
