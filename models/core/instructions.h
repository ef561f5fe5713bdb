// The instruction set the D1 core executes (RV64IMAC + Zicsr + Zifencei and the vector unit's
// custom-0), declared once: each instruction's name, assembler mnemonic, operand format, the cycle
// class it is charged, and what the translating engine may do with it. The decoder, the
// disassembler, the commit log and both engines (the interpreter and the translator) read this
// table; none of them keeps a list of its own.
#pragma once

#include <cstdint>

#include "support/parameters.h"

namespace dojo::core {

// Cycles taken by each instruction class; every other instruction takes one cycle. See
// docs/models/core.md for the model.
struct CycleModel {
  uint32_t load = 1;
  uint32_t store = 1;
  uint32_t mul = 3;
  uint32_t div = 20;
  uint32_t branch_taken = 2;  // a not-taken branch takes one cycle
  uint32_t jump = 2;          // jal, jalr
  uint32_t csr = 1;
  uint32_t amo = 4;           // lr, sc and AMOs
  uint32_t fence = 1;
};
// core.cycles.*: one declaration per class.
inline const param::Table<CycleModel>& cycle_model_parameters() {
  using param::Kind;
  using param::number;
  static const param::Table<CycleModel> table = {
      number<&CycleModel::load>("load", Kind::count, 1, 1000, "cycles of a load"),
      number<&CycleModel::store>("store", Kind::count, 1, 1000, "cycles of a store"),
      number<&CycleModel::mul>("mul", Kind::count, 1, 1000,
                               "cycles of a multiplication (mul, mulh*, mulw)"),
      number<&CycleModel::div>("div", Kind::count, 1, 1000,
                               "cycles of a division or remainder (div*, rem*)"),
      number<&CycleModel::branch_taken>("branch_taken", Kind::count, 1, 1000,
                                        "cycles of a taken branch (a branch not taken takes 1)"),
      number<&CycleModel::jump>("jump", Kind::count, 1, 1000, "cycles of jal and jalr"),
      number<&CycleModel::csr>("csr", Kind::count, 1, 1000, "cycles of a CSR instruction"),
      number<&CycleModel::amo>("amo", Kind::count, 1, 1000, "cycles of lr, sc and the AMOs"),
      number<&CycleModel::fence>("fence", Kind::count, 1, 1000, "cycles of fence and fence.i"),
  };
  return table;
}

// Operand formats: which decoded fields an instruction uses, and how assembly shows them.
enum class Format : uint8_t {
  none,    // no operands (fence, ecall, mret...)
  u,       // rd, imm: lui (imm is the value), auipc (imm is pc + the offset)
  j,       // rd, target (jal: imm is the absolute target)
  b,       // rs1, rs2, target (imm is the absolute target)
  i,       // rd, rs1, imm (and the shifts by an immediate: imm is the amount)
  load,    // rd, imm(rs1); jalr too
  store,   // rs2, imm(rs1)
  r,       // rd, rs1, rs2
  lr,      // rd, (rs1)
  amo,     // rd, rs2, (rs1); sc too
  csr,     // rd, csr, rs1
  csri,    // rd, csr, uimm (imm)
  vector,  // custom-0: the vector unit decodes the rest (docs/isa-vector.md)
  illegal, // not an instruction: the raw bits
};

// The cycle class an instruction is charged (CycleModel's field); `one` takes one cycle. A branch
// is charged branch_taken only when taken; a vector instruction takes what the vector unit says.
enum class Cost : uint8_t {
  one, load, store, mul, div, branch_taken, jump, csr, amo, fence, vector
};

// What a translated trace does with an instruction: holds it (plain local computation), holds it
// as its last (jal, jalr), or leaves in front of it for the interpreter (everything with side
// effects beyond registers and fast memory).
enum class InTrace : uint8_t { holds, ends, leaves };

// X(name, mnemonic, format, cost, in_trace): `name` is the C++ name (a keyword gets a trailing _).
#define DOJO_INSTRUCTIONS(X)                                                          \
  X(illegal, ".word", illegal, one, leaves)                                          \
  X(lui, "lui", u, one, holds) X(auipc, "auipc", u, one, holds)                      \
  X(jal, "jal", j, jump, ends) X(jalr, "jalr", load, jump, ends)                     \
  X(beq, "beq", b, branch_taken, holds) X(bne, "bne", b, branch_taken, holds)        \
  X(blt, "blt", b, branch_taken, holds) X(bge, "bge", b, branch_taken, holds)        \
  X(bltu, "bltu", b, branch_taken, holds) X(bgeu, "bgeu", b, branch_taken, holds)    \
  X(lb, "lb", load, load, holds) X(lh, "lh", load, load, holds)                      \
  X(lw, "lw", load, load, holds) X(ld, "ld", load, load, holds)                      \
  X(lbu, "lbu", load, load, holds) X(lhu, "lhu", load, load, holds)                  \
  X(lwu, "lwu", load, load, holds)                                                    \
  X(sb, "sb", store, store, holds) X(sh, "sh", store, store, holds)                  \
  X(sw, "sw", store, store, holds) X(sd, "sd", store, store, holds)                  \
  X(addi, "addi", i, one, holds) X(slti, "slti", i, one, holds)                      \
  X(sltiu, "sltiu", i, one, holds) X(xori, "xori", i, one, holds)                    \
  X(ori, "ori", i, one, holds) X(andi, "andi", i, one, holds)                        \
  X(slli, "slli", i, one, holds) X(srli, "srli", i, one, holds)                      \
  X(srai, "srai", i, one, holds)                                                      \
  X(add, "add", r, one, holds) X(sub, "sub", r, one, holds)                          \
  X(sll, "sll", r, one, holds) X(slt, "slt", r, one, holds)                          \
  X(sltu, "sltu", r, one, holds) X(xor_, "xor", r, one, holds)                       \
  X(srl, "srl", r, one, holds) X(sra, "sra", r, one, holds)                          \
  X(or_, "or", r, one, holds) X(and_, "and", r, one, holds)                          \
  X(addiw, "addiw", i, one, holds) X(slliw, "slliw", i, one, holds)                  \
  X(srliw, "srliw", i, one, holds) X(sraiw, "sraiw", i, one, holds)                  \
  X(addw, "addw", r, one, holds) X(subw, "subw", r, one, holds)                      \
  X(sllw, "sllw", r, one, holds) X(srlw, "srlw", r, one, holds)                      \
  X(sraw, "sraw", r, one, holds)                                                      \
  X(mul, "mul", r, mul, holds) X(mulh, "mulh", r, mul, holds)                        \
  X(mulhsu, "mulhsu", r, mul, holds) X(mulhu, "mulhu", r, mul, holds)                \
  X(div, "div", r, div, holds) X(divu, "divu", r, div, holds)                        \
  X(rem, "rem", r, div, holds) X(remu, "remu", r, div, holds)                        \
  X(mulw, "mulw", r, mul, holds) X(divw, "divw", r, div, holds)                      \
  X(divuw, "divuw", r, div, holds) X(remw, "remw", r, div, holds)                    \
  X(remuw, "remuw", r, div, holds)                                                    \
  X(lr_w, "lr.w", lr, amo, leaves) X(sc_w, "sc.w", amo, amo, leaves)                 \
  X(lr_d, "lr.d", lr, amo, leaves) X(sc_d, "sc.d", amo, amo, leaves)                 \
  X(amoswap_w, "amoswap.w", amo, amo, leaves) X(amoadd_w, "amoadd.w", amo, amo, leaves) \
  X(amoxor_w, "amoxor.w", amo, amo, leaves) X(amoand_w, "amoand.w", amo, amo, leaves) \
  X(amoor_w, "amoor.w", amo, amo, leaves) X(amomin_w, "amomin.w", amo, amo, leaves)  \
  X(amomax_w, "amomax.w", amo, amo, leaves) X(amominu_w, "amominu.w", amo, amo, leaves) \
  X(amomaxu_w, "amomaxu.w", amo, amo, leaves)                                         \
  X(amoswap_d, "amoswap.d", amo, amo, leaves) X(amoadd_d, "amoadd.d", amo, amo, leaves) \
  X(amoxor_d, "amoxor.d", amo, amo, leaves) X(amoand_d, "amoand.d", amo, amo, leaves) \
  X(amoor_d, "amoor.d", amo, amo, leaves) X(amomin_d, "amomin.d", amo, amo, leaves)  \
  X(amomax_d, "amomax.d", amo, amo, leaves) X(amominu_d, "amominu.d", amo, amo, leaves) \
  X(amomaxu_d, "amomaxu.d", amo, amo, leaves)                                         \
  X(fence, "fence", none, fence, holds) X(fence_i, "fence.i", none, fence, leaves)   \
  X(ecall, "ecall", none, one, leaves) X(ebreak, "ebreak", none, one, leaves)        \
  X(mret, "mret", none, one, leaves) X(wfi, "wfi", none, one, leaves)                \
  X(csrrw, "csrrw", csr, csr, leaves) X(csrrs, "csrrs", csr, csr, leaves)            \
  X(csrrc, "csrrc", csr, csr, leaves) X(csrrwi, "csrrwi", csri, csr, leaves)         \
  X(csrrsi, "csrrsi", csri, csr, leaves) X(csrrci, "csrrci", csri, csr, leaves)      \
  X(vector, "custom-0", vector, vector, leaves)

enum class Op : uint8_t {
#define DOJO_INSTRUCTION_ENUM(name, ...) name,
  DOJO_INSTRUCTIONS(DOJO_INSTRUCTION_ENUM)
#undef DOJO_INSTRUCTION_ENUM
      count
};

// One row of the table.
struct InstructionInfo {
  const char* name;      // the C++ name
  const char* mnemonic;  // the assembler's
  Format format;
  Cost cost;
  InTrace in_trace;
};

inline constexpr InstructionInfo kInstructions[] = {
#define DOJO_INSTRUCTION_INFO(name, mnemonic, format, cost, in_trace) \
  {#name, mnemonic, Format::format, Cost::cost, InTrace::in_trace},
    DOJO_INSTRUCTIONS(DOJO_INSTRUCTION_INFO)
#undef DOJO_INSTRUCTION_INFO
};
static_assert(sizeof kInstructions / sizeof kInstructions[0] == static_cast<unsigned>(Op::count));

constexpr const InstructionInfo& info(Op op) { return kInstructions[static_cast<unsigned>(op)]; }
constexpr Format format(Op op) { return info(op).format; }

// Whether the instruction writes rd (those that do get x0 remapped to the sink register). The
// vector unit's may: it says which do.
constexpr bool writes_rd(Op op) {
  switch (format(op)) {
    case Format::none: case Format::b: case Format::store: case Format::illegal: return false;
    default: return true;
  }
}
constexpr bool is_conditional_branch(Op op) { return format(op) == Format::b; }
constexpr bool is_direct_jump(Op op) { return op == Op::jal || is_conditional_branch(op); }
constexpr bool is_load(Op op) { return info(op).cost == Cost::load; }
constexpr bool is_store(Op op) { return info(op).cost == Cost::store; }
// The bytes a load or store accesses (lb...ld and sb...sd are in size order).
constexpr unsigned access_bytes(Op op) {
  const unsigned index = is_load(op) ? static_cast<unsigned>(op) - static_cast<unsigned>(Op::lb)
                                     : static_cast<unsigned>(op) - static_cast<unsigned>(Op::sb);
  return 1u << (index & 3);
}
static_assert(access_bytes(Op::lhu) == 2 && access_bytes(Op::lwu) == 4);
static_assert(access_bytes(Op::sb) == 1 && access_bytes(Op::sd) == 8);

// The cycles of `cost` in `model`.
constexpr uint32_t cycles_of(Cost cost, const CycleModel& model) {
  switch (cost) {
    case Cost::load: return model.load;
    case Cost::store: return model.store;
    case Cost::mul: return model.mul;
    case Cost::div: return model.div;
    case Cost::branch_taken: return model.branch_taken;
    case Cost::jump: return model.jump;
    case Cost::csr: return model.csr;
    case Cost::amo: return model.amo;
    case Cost::fence: return model.fence;
    default: return 1;
  }
}
// The cycles beyond one `op` is charged when it executes (a branch: when it is taken; a vector
// instruction: none here, the vector unit says).
constexpr int64_t extra_cycles(Op op, const CycleModel& model) {
  return info(op).cost == Cost::vector ? 0 : int64_t{cycles_of(info(op).cost, model)} - 1;
}

constexpr const char* op_name(Op op) { return op < Op::count ? info(op).name : "?"; }
constexpr const char* mnemonic(Op op) { return op < Op::count ? info(op).mnemonic : "?"; }

}  // namespace dojo::core
