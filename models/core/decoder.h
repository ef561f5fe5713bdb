// Decoding RV64IMAC + Zicsr + Zifencei (instructions.h) into Instructions, the engines' common
// input. Compressed instructions are expanded to their 32-bit equivalents first, so both forms
// share one decoder and one description.
#pragma once

#include <cstdint>

#include "core/instructions.h"

namespace dojo::core {

// True if the low 16 bits start a 32-bit instruction.
constexpr bool is_32bit(uint32_t low_half) { return (low_half & 3) == 3; }

// A decoded instruction, 16 bytes. Register numbers are already remapped so that a write to x0
// goes to the sink register 32. `imm` holds the operation's immediate; for jal, branches and auipc
// it holds the absolute target (or pc + immediate).
struct Instruction {
  Op op = Op::illegal;
  uint8_t rd = 0;
  uint8_t rs1 = 0;
  uint8_t rs2 = 0;
  uint32_t raw = 0;  // the instruction bits as fetched (16 or 32), for mtval and traces
  int64_t imm = 0;

  unsigned length() const { return is_32bit(raw) ? 4 : 2; }
  // The CSR number of a csr instruction.
  unsigned csr() const { return raw >> 20; }
};

static_assert(sizeof(Instruction) == 16);

constexpr unsigned kSinkRegister = 32;

// The 32-bit instruction a compressed one expands to, per the RVC chapter of the unprivileged
// specification (RV64 column), or 0 if it is reserved or illegal.
uint32_t expand_compressed(uint16_t insn);

// Decodes `insn` (a 32-bit instruction, or a 16-bit one in the low half) found at `pc`. Unknown
// encodings decode to Op::illegal. Fields an instruction's format does not use are zero.
Instruction decode(uint32_t insn, uint64_t pc);

}  // namespace dojo::core
