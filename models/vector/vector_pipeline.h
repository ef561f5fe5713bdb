// The vector unit's timing (docs/cosim.md#pipeline-and-latency) as the RTL implements it, in
// cycles of the core's clock: the reference model charges it, and lockstep holds the RTL to it, so
// that every engine gives a program the same simulated time.
//
// The unit takes one instruction at a time. The accepting edge decodes it and reads its operands;
// then it runs one pass per cycle through the 16 lanes (pass_count) and answers at its last pass's
// edge (an illegal encoding answers at the accepting edge). The next command is taken at the edge
// after the answer. The core waits for the unit to take each command, and for the answer only
// when it needs the result (vhsum, vst, an illegal encoding) or the unit settled (a CSR access).
#pragma once

#include <cstdint>

namespace dojo::vector {

struct DecodedInstruction;

// Cycles in the lanes after the accepting edge: 16 lanes of 32 bits, so one pass per 16 FP32
// results or 64 bytes of narrow elements, one per vhsum tree level, 16 for vmma's 4 x 4 steps.
unsigned pass_count(const DecodedInstruction& instruction);
// The longest latency from the accepting edge to the answer, that edge included (vmma's 17).
inline constexpr unsigned longest_latency = 17;

class PipelineTiming {
 public:
  // An instruction of `passes` (0 for an illegal encoding) offered at `cycle`: the core cycles
  // until the core may go on, `cycle`'s included; `core_waits` for its answer.
  uint64_t issue(uint64_t cycle, unsigned passes, bool core_waits);
  // Cycles from `cycle` until no instruction is in flight.
  uint64_t wait_until_idle(uint64_t cycle) const;

 private:
  uint64_t free_from_ = 0;  // the first cycle whose edge may take a command
};

}  // namespace dojo::vector
