// The vector unit's timing (docs/cosim.md#pipeline-and-latency), checked the same way on every
// engine: each class's latency from an idle unit, and how the core overlaps with an instruction
// in flight. The reference model must charge it and the RTL must show it.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>

#include "vector/vector_engine.h"
#include "vector/vector_pipeline.h"

namespace dojo::vector::test {

constexpr uint32_t custom0(uint32_t funct7, uint32_t type, uint32_t rd, uint32_t rs1, uint32_t rs2) {
  return funct7 << 25 | rs2 << 20 | rs1 << 15 | type << 12 | rd << 7 | custom0_opcode;
}

// Cycles from the accepting edge to the answer, that edge included, as docs/cosim.md lists them:
// the passes, the write-back edge and the class's stages in the pipeline the RTL is built with.
inline void check_documented_timing(VectorEngine& engine) {
  enum : uint32_t { vbcast = 2, vadd, vsub, vmul, vfma, vmin, vmax, vrelu, vdot, vcvt, vhsum, vmma };
  enum : uint32_t { f32, bf16, i32, i8, e4m3, e5m2 };
  const PipelineShape& shape = built_pipeline();
  const uint64_t none = 0, fma = shape.fma_stages, mma = shape.mma_stages;
  const struct {
    uint32_t instruction;
    uint64_t passes, stages;
    bool core_waits;  // for the result
  } classes[] = {
      {custom0(vbcast, i8, 1, 5, 0), 1, none, false},
      {custom0(vadd, i32, 1, 2, 3), 1, none, false},
      {custom0(vmul, i8, 1, 2, 3), 1, none, false},
      {custom0(vdot, i8, 1, 2, 3), 1, none, false},
      {custom0(vrelu, bf16, 1, 2, 0), 1, none, false},
      {custom0(vmin, f32, 1, 2, 3), 1, none, false},
      {custom0(vmax, bf16, 1, 2, 3), 1, none, false},
      {custom0(vadd, f32, 1, 2, 3), 1, fma, false},
      {custom0(vfma, f32, 1, 2, 3), 1, fma, false},
      {custom0(vsub, bf16, 1, 2, 3), 2, fma, false},
      {custom0(vfma, bf16, 1, 2, 3), 2, fma, false},
      {custom0(vcvt, f32, 1, 2, bf16 << 2 | 1), 1, none, false},
      {custom0(vcvt, e5m2, 1, 2, f32 << 2 | 3), 1, none, false},
      {custom0(vcvt, e4m3, 1, 2, bf16 << 2 | 1), 2, none, false},
      {custom0(vcvt, bf16, 1, 2, e5m2 << 2), 2, none, false},
      {custom0(vcvt, e4m3, 1, 2, e5m2 << 2), 4, none, false},
      {custom0(vhsum, i32, 1, 2, 0), 1, none, true},
      {custom0(vhsum, f32, 1, 2, 0), 4, fma, true},
      {custom0(vhsum, bf16, 1, 2, 0), 5, fma, true},
      {custom0(vmma, e5m2, 4, 2, 3), 16, mma, false},
      {custom0(0x0E, f32, 1, 2, 3), 1, none, true},  // illegal: one empty pass, then the trap
  };
  uint64_t cycle = 1000;
  for (const auto& c : classes) {
    INFO("instruction " << std::hex << c.instruction);
    const uint64_t latency = c.passes + 2 + c.stages;
    engine.advance_to(cycle);
    const Outcome issued = engine.execute(c.instruction, 0, 0);
    CHECK(issued.status != Outcome::Status::fatal);
    // The core waits for the answer only when it needs it: else it goes on after the issue.
    CHECK(issued.cycles == (c.core_waits ? latency : 1));
    CHECK(issued.cycles + engine.settle().cycles == latency);
    cycle += 1000;
  }

  const auto at = [&](uint64_t offset, uint32_t instruction) {
    engine.advance_to(cycle + offset);
    return engine.execute(instruction, 0, 0).cycles;
  };
  // The core goes on while a vmma executes; the next instruction waits for the pass engine,
  // which takes it at vmma's last pass, less the cycles the core spent meanwhile.
  const uint32_t vmma_e5m2 = custom0(vmma, e5m2, 4, 2, 3), vbcast_i8 = custom0(vbcast, i8, 1, 5, 0);
  CHECK(at(0, vmma_e5m2) == 1);
  CHECK(at(1, vbcast_i8) == 16);
  cycle += 1000;
  CHECK(at(0, vmma_e5m2) == 1);
  CHECK(at(10, vbcast_i8) == 7);
  // vmma retires 1 + mma stages after its last pass, the vbcast at the next edge.
  CHECK(engine.settle().cycles == 2 + mma);
  cycle += 1000;
  // Independent instructions issue one per cycle.
  for (uint32_t rd = 8; rd < 12; ++rd) CHECK(at(rd - 8, custom0(vbcast, i8, rd, 5, 0)) == 1);
  cycle += 1000;
  // A dependent instruction waits for the result and takes it as it retires (forwarded).
  CHECK(at(0, custom0(vbcast, f32, 1, 5, 0)) == 1);
  CHECK(at(1, custom0(vadd, f32, 2, 1, 1)) == 2);
  CHECK(at(2, custom0(vmul, f32, 3, 2, 2)) == 2 + fma);  // waits for vadd's stages
  CHECK(engine.settle().cycles == 2 + fma);
}

}  // namespace dojo::vector::test
