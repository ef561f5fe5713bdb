// Disassembly of RV64IMAC + Zicsr + Zifencei for messages, dumps and debuggers, from the decoder
// (one description of the encodings) and the CSR table (one list of CSR names). Compressed
// instructions show as the 32-bit instruction they expand to, as the hart executes them.
#pragma once

#include <cstdint>
#include <string>

namespace dojo::core {

// The ABI name of integer register `index` (0..31): "zero", "ra", "sp", ... "t6".
const char* register_name(unsigned index);

// `insn` (32-bit, or 16-bit in the low half) at `pc` in the GNU assembler's syntax, e.g.
// "addi a0, a0, 1", "csrrw zero, mscratch, a1", "beq a0, zero, 0x80000010"; branch and jump
// targets are absolute. An encoding the hart does not implement shows as ".word 0x...".
std::string disassemble(uint32_t insn, uint64_t pc);

}  // namespace dojo::core
