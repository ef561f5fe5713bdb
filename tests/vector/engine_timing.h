// The vector unit's timing (docs/cosim.md#pipeline-and-latency), checked the same way on every
// engine: each class's latency from an idle unit, and how the core overlaps with an instruction
// in flight. The reference model must charge it and the RTL must show it.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>

#include "vector/vector_engine.h"

namespace dojo::vector::test {

constexpr uint32_t custom0(uint32_t funct7, uint32_t type, uint32_t rd, uint32_t rs1, uint32_t rs2) {
  return funct7 << 25 | rs2 << 20 | rs1 << 15 | type << 12 | rd << 7 | custom0_opcode;
}

// Cycles from the accepting edge to the answer, that edge included, as docs/cosim.md lists them.
inline void check_documented_timing(VectorEngine& engine) {
  enum : uint32_t { vbcast = 2, vadd, vsub, vmul, vfma, vmin, vmax, vrelu, vdot, vcvt, vhsum, vmma };
  enum : uint32_t { f32, bf16, i32, i8, e4m3, e5m2 };
  const struct {
    uint32_t instruction;
    uint64_t latency;
  } classes[] = {
      {custom0(vbcast, i8, 1, 5, 0), 2},          {custom0(vadd, i32, 1, 2, 3), 2},
      {custom0(vmul, i8, 1, 2, 3), 2},            {custom0(vdot, i8, 1, 2, 3), 2},
      {custom0(vrelu, bf16, 1, 2, 0), 2},         {custom0(vmin, f32, 1, 2, 3), 2},
      {custom0(vmax, bf16, 1, 2, 3), 2},          {custom0(vadd, f32, 1, 2, 3), 2},
      {custom0(vfma, f32, 1, 2, 3), 2},           {custom0(vsub, bf16, 1, 2, 3), 3},
      {custom0(vfma, bf16, 1, 2, 3), 3},          {custom0(vcvt, f32, 1, 2, bf16 << 2 | 1), 2},
      {custom0(vcvt, e5m2, 1, 2, f32 << 2 | 3), 2}, {custom0(vcvt, e4m3, 1, 2, bf16 << 2 | 1), 3},
      {custom0(vcvt, bf16, 1, 2, e5m2 << 2), 3},  {custom0(vcvt, e4m3, 1, 2, e5m2 << 2), 5},
      {custom0(vhsum, i32, 1, 2, 0), 2},          {custom0(vhsum, f32, 1, 2, 0), 5},
      {custom0(vhsum, bf16, 1, 2, 0), 6},         {custom0(vmma, e5m2, 4, 2, 3), 17},
      {custom0(0x0E, f32, 1, 2, 3), 1},  // illegal: answered at the accepting edge
  };
  const bool waits_for_answer[] = {false, false, false, false, false, false, false, false, false,
                                   false, false, false, false, false, false, false, true,  true,
                                   true,  false, true};
  uint64_t cycle = 1000;
  for (unsigned i = 0; i < std::size(classes); ++i) {
    INFO("instruction " << std::hex << classes[i].instruction);
    engine.advance_to(cycle);
    const Outcome issued = engine.execute(classes[i].instruction, 0, 0);
    CHECK(issued.status != Outcome::Status::fatal);
    // The core waits for the answer only when it needs it: else it goes on after the issue.
    CHECK(issued.cycles == (waits_for_answer[i] ? classes[i].latency : 1));
    CHECK(issued.cycles + engine.settle().cycles == classes[i].latency);
    cycle += 1000;
  }

  // The core goes on while a vmma executes; the next vector instruction waits for the unit,
  // less the cycles the core spent meanwhile.
  const uint32_t vmma_e5m2 = custom0(vmma, e5m2, 4, 2, 3), vbcast_i8 = custom0(vbcast, i8, 1, 5, 0);
  engine.advance_to(cycle);
  CHECK(engine.execute(vmma_e5m2, 0, 0).cycles == 1);
  CHECK(engine.execute(vbcast_i8, 0, 0).cycles == 17);  // taken at the edge after vmma's answer
  engine.advance_to(cycle + 100);
  CHECK(engine.settle().cycles == 0);
  engine.advance_to(cycle + 200);
  CHECK(engine.execute(vmma_e5m2, 0, 0).cycles == 1);
  engine.advance_to(cycle + 210);
  CHECK(engine.execute(vbcast_i8, 0, 0).cycles == 8);  // 210 .. 217
  CHECK(engine.settle().cycles == 1);  // the vbcast answers at 218's edge
}

}  // namespace dojo::vector::test
