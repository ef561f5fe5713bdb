// Decoding RV64IMAC + Zicsr + Zifencei into the interpreter's entries. Compressed instructions are
// expanded to their 32-bit equivalents first, so both forms share one decoder and one handler.
#pragma once

#include <cstdint>

namespace dojo::core {

// One handler per operation; X-macro so the enum, names and the interpreter's dispatch table are
// declared once.
#define DOJO_HART_OPS(X)                                                                          \
  X(decode) X(page_end) X(illegal)                                                                \
  X(lui) X(auipc) X(jal) X(jalr)                                                                  \
  X(beq) X(bne) X(blt) X(bge) X(bltu) X(bgeu)                                                     \
  X(lb) X(lh) X(lw) X(ld) X(lbu) X(lhu) X(lwu)                                                    \
  X(sb) X(sh) X(sw) X(sd)                                                                         \
  X(addi) X(slti) X(sltiu) X(xori) X(ori) X(andi) X(slli) X(srli) X(srai)                         \
  X(add) X(sub) X(sll) X(slt) X(sltu) X(xor_) X(srl) X(sra) X(or_) X(and_)                        \
  X(addiw) X(slliw) X(srliw) X(sraiw)                                                             \
  X(addw) X(subw) X(sllw) X(srlw) X(sraw)                                                         \
  X(mul) X(mulh) X(mulhsu) X(mulhu) X(div) X(divu) X(rem) X(remu)                                 \
  X(mulw) X(divw) X(divuw) X(remw) X(remuw)                                                       \
  X(lr_w) X(sc_w) X(lr_d) X(sc_d)                                                                 \
  X(amoswap_w) X(amoadd_w) X(amoxor_w) X(amoand_w) X(amoor_w)                                     \
  X(amomin_w) X(amomax_w) X(amominu_w) X(amomaxu_w)                                               \
  X(amoswap_d) X(amoadd_d) X(amoxor_d) X(amoand_d) X(amoor_d)                                     \
  X(amomin_d) X(amomax_d) X(amominu_d) X(amomaxu_d)                                               \
  X(fence) X(fence_i) X(ecall) X(ebreak) X(mret) X(wfi)                                           \
  X(csrrw) X(csrrs) X(csrrc) X(csrrwi) X(csrrsi) X(csrrci)                                     \
  X(vector) /* custom-0: an instruction of the vector unit (docs/isa-vector.md) */              \
  X(breakpoint) /* a debugger breakpoint at this pc: the hart stops in front of it */          \
  /* Superinstructions made by the interpreter (Hart::fuse_with_next). An addi, addiw, add or */ \
  /* addw and the conditional branch after it, the branch comparing the registers as they are */ \
  /* after the first instruction: */                                                           \
  X(addi_beq) X(addi_bne) X(addi_blt) X(addi_bge) X(addi_bltu) X(addi_bgeu)                     \
  X(addiw_beq) X(addiw_bne) X(addiw_blt) X(addiw_bge) X(addiw_bltu) X(addiw_bgeu)               \
  X(add_beq) X(add_bne) X(add_blt) X(add_bge) X(add_bltu) X(add_bgeu)                           \
  X(addw_beq) X(addw_bne) X(addw_blt) X(addw_bge) X(addw_bltu) X(addw_bgeu)                     \
  /* an addi and a branch on its sum and another register or zero: */                          \
  X(addi_eq) X(addi_ne) X(addi_lt) X(addi_ge) X(addi_gt) X(addi_le)                             \
  X(addi_ltu) X(addi_geu) X(addi_gtu) X(addi_leu)                                              \
  X(addi_eqz) X(addi_nez) X(addi_ltz) X(addi_gez) X(addi_gtz) X(addi_lez)                     \
  /* a slli and an add that adds its result to a register (array indexing): */                 \
  X(slli_add)

enum class Op : uint8_t {
#define DOJO_HART_OP_ENUM(name) name,
  DOJO_HART_OPS(DOJO_HART_OP_ENUM)
#undef DOJO_HART_OP_ENUM
      count
};

const char* op_name(Op op);

// The interpreter's handler for an operation and instruction length (one handler per pair, so
// that stepping over the instruction is a constant).
constexpr unsigned handler_index(Op op, unsigned length) {
  return static_cast<unsigned>(op) * 2 + (length == 2 ? 1 : 0);
}

// True if the low 16 bits start a 32-bit instruction.
constexpr bool is_32bit(uint32_t low_half) { return (low_half & 3) == 3; }

// A decoded instruction, 32 bytes (the interpreter keeps one per halfword of code). Register
// numbers are already remapped so that a write to x0 goes to the sink register 32. `imm` holds
// the operation's immediate; for jal, branches and auipc it holds the absolute target (or
// pc + immediate).
struct Entry {
  Op op = Op::decode;
  uint8_t rd = 0;
  uint8_t rs1 = 0;
  uint8_t rs2 = 0;
  uint32_t raw = 0;  // the instruction bits as fetched (16 or 32), for mtval and traces
  int64_t imm = 0;
  // The interpreter's code for handler_index(op, length()) (set by the interpreter).
  const void* handler = nullptr;
  // For branches and jal whose target is in the same decoded page: the target's entry (set by
  // the interpreter, which owns the pages); null otherwise.
  Entry* target = nullptr;

  unsigned length() const { return is_32bit(raw) ? 4 : 2; }
  // The CSR number of a csr instruction.
  unsigned csr() const { return raw >> 20; }
};

static_assert(sizeof(Entry) == 32, "the interpreter keeps one entry per halfword of code");

constexpr unsigned kSinkRegister = 32;

// The 32-bit instruction a compressed one expands to, per the RVC chapter of the unprivileged
// specification (RV64 column), or 0 if it is reserved or illegal.
uint32_t expand_compressed(uint16_t insn);

// Decodes `insn` (a 32-bit instruction, or a 16-bit one in the low half) found at `pc`. Unknown
// encodings decode to Op::illegal. Does not set `target`.
Entry decode(uint32_t insn, uint64_t pc);

}  // namespace dojo::core
