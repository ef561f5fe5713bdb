#include "core/disassembler.h"

#include "core/csr_table.h"
#include "core/decoder.h"
#include "support/hex.h"

namespace dojo::core {
namespace {

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
  const Instruction e = decode(insn, pc);
  const std::string name = mnemonic(e.op);
  const std::string rd = reg(e.rd), rs1 = reg(e.rs1), rs2 = reg(e.rs2);
  const uint32_t full = is_32bit(insn) ? insn : expand_compressed(static_cast<uint16_t>(insn));
  const auto target = [&] { return hex(static_cast<uint64_t>(e.imm)); };
  switch (format(e.op)) {
    case Format::u: {  // the 20-bit immediate as written
      const uint64_t upper =
          e.op == Op::lui ? static_cast<uint64_t>(e.imm) >> 12 & 0xfffff : full >> 12;
      return name + " " + rd + ", " + hex(upper);
    }
    case Format::j: return name + " " + rd + ", " + target();
    case Format::b: return name + " " + rs1 + ", " + rs2 + ", " + target();
    case Format::i: return name + " " + rd + ", " + rs1 + ", " + signed_number(e.imm);
    case Format::load: return name + " " + rd + ", " + signed_number(e.imm) + "(" + rs1 + ")";
    case Format::store: return name + " " + rs2 + ", " + signed_number(e.imm) + "(" + rs1 + ")";
    case Format::r: return name + " " + rd + ", " + rs1 + ", " + rs2;
    case Format::lr: return name + " " + rd + ", (" + rs1 + ")";
    case Format::amo: return name + " " + rd + ", " + rs2 + ", (" + rs1 + ")";
    case Format::csr: return name + " " + rd + ", " + csr_name(full >> 20) + ", " + rs1;
    case Format::csri:
      return name + " " + rd + ", " + csr_name(full >> 20) + ", " + signed_number(e.imm);
    case Format::vector: return name + " " + hex(insn, 8) + " (vector unit)";
    case Format::none: return name;
    case Format::illegal: break;
  }
  return name + " " + hex(is_32bit(insn) ? insn : insn & 0xffff, is_32bit(insn) ? 8 : 4);
}

}  // namespace dojo::core
