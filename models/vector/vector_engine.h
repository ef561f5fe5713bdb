// The interface between a D1 core and its vector unit (docs/isa-vector.md). The core decodes
// custom-0 instructions, performs the memory side of vld/vst itself, and hands everything else to
// a VectorEngine: the C++ reference model (vector_model.h), the Verilated RTL (rtl_engine.h) or
// both in lockstep (lockstep_engine.h). No SystemC here: an engine is testable alone.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>

namespace dojo::vector {

inline constexpr unsigned register_count = 32;
inline constexpr unsigned register_bytes = 64;  // 512 bits
using Register = std::array<uint8_t, register_bytes>;

// Lane `index` of a register holding elements of type T (lane 0 in the lowest bytes, little-endian).
template <typename T>
T lane(const Register& reg, unsigned index) {
  T value;
  std::memcpy(&value, reg.data() + index * sizeof(T), sizeof(T));
  return value;
}
template <typename T>
void set_lane(Register& reg, unsigned index, T value) {
  std::memcpy(reg.data() + index * sizeof(T), &value, sizeof(T));
}

// Element `index` of `bytes` bytes (1, 2 or 4) of a register, zero-extended.
inline uint32_t element_bits(const Register& reg, unsigned bytes, unsigned index) {
  uint32_t value = 0;
  for (unsigned b = 0; b < bytes; ++b) value |= uint32_t(reg[index * bytes + b]) << (8 * b);
  return value;
}

inline constexpr uint32_t custom0_opcode = 0x0B;
inline constexpr unsigned csr_vcfg = 0x800;
inline constexpr unsigned csr_vseed = 0x801;
inline constexpr unsigned csr_vflags = 0x802;

// What one instruction did.
struct Outcome {
  enum class Status {
    ok,       // executed
    illegal,  // not a valid vector instruction: the core raises illegal-instruction
    fatal,    // the engine cannot go on (e.g. lockstep mismatch, RTL error): `message` says why
  };
  Status status = Status::ok;
  bool writes_scalar = false;  // vhsum: `scalar` goes to x[rd]
  uint64_t scalar = 0;
  uint64_t cycles = 0;         // core cycles before the core goes on (see VectorEngine)
  std::string message;
};

// Time: an engine follows its core's cycle count. Each call happens at the engine's current cycle
// and moves it on by the Outcome's `cycles`, the core cycles before the core may go on: the
// instruction's issue, plus waiting for the unit to take it (full, busy, a hazard) and, for an
// instruction with a result the core needs (vhsum's scalar, vst's data, an illegal encoding's
// trap), for that result. The rest of an instruction runs while the core goes on: its writes
// become visible (read_register, read_csr) when it retires. advance_to() tells the engine that the
// core ran other instructions in between; without it, each call follows the last. The unit's
// timing (docs/cosim.md#pipeline-and-latency) is the same under every engine.
class VectorEngine {
 public:
  virtual ~VectorEngine() = default;

  // The core has reached `cycle` (never less than before): the unit runs until then.
  virtual void advance_to(uint64_t cycle) = 0;
  // Waits until no instruction is in flight (before a CSR access, at the end of a run); `cycles`
  // is the wait. Fatal if the engine has failed (the failure's report, again).
  virtual Outcome settle() = 0;
  // Called with each instruction's number (counting execute/load/store calls from 0) as it
  // retires, its writes visible: at once in the reference model, at its response in the RTL.
  using RetireObserver = std::function<void(uint64_t instruction_number)>;
  virtual void on_retire(RetireObserver observer) = 0;

  // Executes a custom-0 instruction other than vld/vst; `rs1_value` is x[rs1] (vbcast's operand).
  // `pc` is only for reports.
  virtual Outcome execute(uint32_t instruction, uint64_t rs1_value, uint64_t pc) = 0;
  // The register side of vld (the core has read the 64 bytes) and of vst (the core writes them).
  virtual Outcome load(uint32_t instruction, const Register& data, uint64_t pc) = 0;
  virtual Outcome store(uint32_t instruction, Register& data, uint64_t pc) = 0;

  // vcfg, vseed, vflags (csr_* above); false for any other number. Reads show what the retired
  // instructions left. A write follows the CSR's rules (e.g. read-only-zero bits ignored); it
  // waits for the unit to settle (the core has, before its CSR instruction) and takes one cycle.
  virtual bool read_csr(unsigned csr, uint64_t& value) = 0;
  virtual bool write_csr(unsigned csr, uint64_t value) = 0;

  // Architectural state, for debuggers, lockstep comparison and tests: what the retired
  // instructions wrote.
  virtual Register read_register(unsigned index) = 0;
};

}  // namespace dojo::vector
