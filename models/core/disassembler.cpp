#include "core/disassembler.h"

#include "core/csr_table.h"
#include "core/decoder.h"
#include "support/hex.h"

namespace dojo::core {
namespace {

// The assembler's mnemonic of an operation: "xor_" is "xor", "lr_w" is "lr.w", "fence_i" is
// "fence.i".
std::string mnemonic(Op op) {
  std::string name = op_name(op);
  if (name.back() == '_') name.pop_back();
  for (char& c : name) {
    if (c == '_') c = '.';
  }
  return name;
}

std::string reg(unsigned index) { return register_name(index == kSinkRegister ? 0 : index); }

std::string signed_number(int64_t value) { return std::to_string(value); }

}  // namespace

const char* register_name(unsigned index) {
  static constexpr const char* kNames[32] = {
      "zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "s0", "s1", "a0",
      "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
      "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};
  return index < 32 ? kNames[index] : "?";
}

std::string disassemble(uint32_t insn, uint64_t pc) {
  const Entry e = decode(insn, pc);
  const std::string name = mnemonic(e.op);
  const std::string rd = reg(e.rd), rs1 = reg(e.rs1), rs2 = reg(e.rs2);
  const uint32_t full = is_32bit(insn) ? insn : expand_compressed(static_cast<uint16_t>(insn));
  switch (e.op) {
    case Op::lui: return name + " " + rd + ", " + hex(static_cast<uint64_t>(e.imm) >> 12 & 0xfffff);
    case Op::auipc: return name + " " + rd + ", " + hex(full >> 12);
    case Op::jal: return name + " " + rd + ", " + hex(static_cast<uint64_t>(e.imm));
    case Op::beq: case Op::bne: case Op::blt: case Op::bge: case Op::bltu: case Op::bgeu:
      return name + " " + rs1 + ", " + rs2 + ", " + hex(static_cast<uint64_t>(e.imm));
    case Op::jalr:
    case Op::lb: case Op::lh: case Op::lw: case Op::ld: case Op::lbu: case Op::lhu: case Op::lwu:
      return name + " " + rd + ", " + signed_number(e.imm) + "(" + rs1 + ")";
    case Op::sb: case Op::sh: case Op::sw: case Op::sd:
      return name + " " + rs2 + ", " + signed_number(e.imm) + "(" + rs1 + ")";
    case Op::addi: case Op::slti: case Op::sltiu: case Op::xori: case Op::ori: case Op::andi:
    case Op::slli: case Op::srli: case Op::srai:
    case Op::addiw: case Op::slliw: case Op::srliw: case Op::sraiw:
      return name + " " + rd + ", " + rs1 + ", " + signed_number(e.imm);
    case Op::lr_w: case Op::lr_d: return name + " " + rd + ", (" + rs1 + ")";
    case Op::sc_w: case Op::sc_d:
    case Op::amoswap_w: case Op::amoadd_w: case Op::amoxor_w: case Op::amoand_w: case Op::amoor_w:
    case Op::amomin_w: case Op::amomax_w: case Op::amominu_w: case Op::amomaxu_w:
    case Op::amoswap_d: case Op::amoadd_d: case Op::amoxor_d: case Op::amoand_d: case Op::amoor_d:
    case Op::amomin_d: case Op::amomax_d: case Op::amominu_d: case Op::amomaxu_d:
      return name + " " + rd + ", " + rs2 + ", (" + rs1 + ")";
    case Op::fence: case Op::fence_i: case Op::ecall: case Op::ebreak: case Op::mret: case Op::wfi:
      return name;
    case Op::csrrw: case Op::csrrs: case Op::csrrc:
      return name + " " + rd + ", " + csr_name(full >> 20) + ", " + rs1;
    case Op::csrrwi: case Op::csrrsi: case Op::csrrci:
      return name + " " + rd + ", " + csr_name(full >> 20) + ", " + signed_number(e.imm);
    case Op::vector: return "custom-0 " + hex(insn, 8) + " (vector unit)";
    case Op::illegal: return ".word " + hex(is_32bit(insn) ? insn : insn & 0xffff, is_32bit(insn) ? 8 : 4);
    default:  // the register-register operations
      return name + " " + rd + ", " + rs1 + ", " + rs2;
  }
}

}  // namespace dojo::core
