// The C++ reference model of the D1 vector unit (docs/isa-vector.md): 32 x 512-bit registers,
// vcfg/vseed/vflags, every instruction bit-exact and retired at once, charged the unit's timing
// (vector_pipeline.h).
#pragma once

#include <optional>

#include "vector/numerics.h"
#include "vector/vector_engine.h"
#include "vector/vector_pipeline.h"

namespace dojo::vector {

enum class Opcode : unsigned {
  vld = 0x00, vst, vbcast, vadd, vsub, vmul, vfma, vmin, vmax, vrelu, vdot, vcvt, vhsum, vmma
};

// The fields of a legal custom-0 vector instruction.
struct DecodedInstruction {
  Opcode opcode;
  numerics::ElementType type;  // funct3 (the destination's type for vcvt)
  unsigned rd, rs1, rs2;
};

// The instruction's fields, or nothing if the encoding is illegal by any rule of the spec
// (opcode, funct7, reserved or unsupported type, must-be-zero fields, vcvt source and part,
// vmma register group).
std::optional<DecodedInstruction> decode(uint32_t instruction);

// Names, as the assembler writes them: "vadd", "bf16".
const char* mnemonic(Opcode opcode);
const char* type_name(numerics::ElementType type);

// Whether the operation takes element type `type` (its funct3) at all; decode() checks the rest.
bool type_allowed(Opcode opcode, numerics::ElementType type);
// The element type of an instruction's vector sources (vcvt's source, vdot's i8, else its type).
numerics::ElementType source_type(const DecodedInstruction& instruction);

// Bytes of one element: 4 (f32, i32), 2 (bf16), 1 (i8, e4m3, e5m2).
unsigned element_bytes(numerics::ElementType type);

// The vector registers an instruction reads and writes, one bit per register (vmma's vd group is
// four): the unit's hazards, the lockstep comparison and its reports all follow them.
uint32_t registers_read(const DecodedInstruction& instruction);
uint32_t registers_written(const DecodedInstruction& instruction);

// Reset values and writable bits of the CSRs.
inline constexpr uint64_t vcfg_reset = 7 | (15 << 8);
inline constexpr uint64_t vcfg_writable = 0x3F | (0x3F << 8) | (1 << 16);
inline constexpr uint64_t vflags_writable = 0xF;

class VectorModel : public VectorEngine {
 public:
  explicit VectorModel(const PipelineShape& pipeline = {});

  void advance_to(uint64_t cycle) override;
  Outcome settle() override;
  void on_retire(RetireObserver observer) override;
  Outcome execute(uint32_t instruction, uint64_t rs1_value, uint64_t pc) override;
  Outcome load(uint32_t instruction, const Register& data, uint64_t pc) override;
  Outcome store(uint32_t instruction, Register& data, uint64_t pc) override;
  bool read_csr(unsigned csr, uint64_t& value) override;
  bool write_csr(unsigned csr, uint64_t value) override;
  Register read_register(unsigned index) override;

  // For debuggers and tests: sets a register directly (no flags, no cycles).
  void write_register(unsigned index, const Register& value);
  // Back to the reset state: registers 0, CSRs at their reset values.
  void reset();

 private:
  // The instruction's timing from the engine's cycle on, and its retirement.
  Outcome retire(Outcome outcome, const std::optional<DecodedInstruction>& decoded, bool core_waits);
  numerics::Rounding rounding() const;
  uint32_t random(unsigned lane) const;
  numerics::Cfp8Formats cfp8_formats() const;
  void set_vcfg(uint64_t value);
  void decode_cfp8_values();

  void arithmetic(const DecodedInstruction& d, numerics::Flags& flags);
  void relu(const DecodedInstruction& d, numerics::Flags& flags);
  void dot(const DecodedInstruction& d);
  void broadcast(const DecodedInstruction& d, uint64_t value);
  void cvt(const DecodedInstruction& d, numerics::Flags& flags);
  uint64_t horizontal_sum(const DecodedInstruction& d, numerics::Flags& flags);
  void matrix_multiply(const DecodedInstruction& d, numerics::Flags& flags);

  PipelineShape pipeline_;
  PipelineTiming timing_;
  uint64_t instructions_ = 0;  // execute/load/store calls
  RetireObserver retired_;
  std::array<Register, register_count> registers_{};
  uint64_t vcfg_ = vcfg_reset;
  uint64_t vseed_ = 0;
  uint64_t vflags_ = 0;
  // FP32 values of the 256 encodings at the biases of vcfg = cfp8_values_vcfg_ (vmma decodes
  // through them), filled by the first CFP8 vmma at those biases: most of a tile's thousands of
  // cores never run one.
  std::array<uint32_t, 256> e4m3_values_{};
  std::array<uint32_t, 256> e5m2_values_{};
  uint64_t cfp8_values_vcfg_ = ~uint64_t{0};  // no vcfg value has these bits
};

}  // namespace dojo::vector
