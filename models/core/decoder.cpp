#include "core/decoder.h"

namespace dojo::core {
namespace {

// Field extraction and sign extension.
constexpr uint32_t bits(uint32_t value, unsigned hi, unsigned lo) {
  return (value >> lo) & ((1u << (hi - lo + 1)) - 1);
}
constexpr int64_t sign_extend(uint64_t value, unsigned width) {
  const uint64_t sign = uint64_t{1} << (width - 1);
  return static_cast<int64_t>((value ^ sign) - sign);
}

// 32-bit encoders, used to expand compressed instructions.
constexpr uint32_t kOpLoad = 0x03, kOpMiscMem = 0x0f, kOpImm = 0x13, kOpImm32 = 0x1b,
                   kOpStore = 0x23, kOpAmo = 0x2f, kOp = 0x33, kOpLui = 0x37, kOpAuipc = 0x17,
                   kOp32 = 0x3b, kOpBranch = 0x63, kOpJalr = 0x67, kOpJal = 0x6f, kOpSystem = 0x73,
                   kOpCustom0 = 0x0b;  // the vector unit

constexpr uint32_t enc_i(uint32_t opcode, uint32_t funct3, uint32_t rd, uint32_t rs1, int32_t imm) {
  return (static_cast<uint32_t>(imm) << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | opcode;
}
constexpr uint32_t enc_r(uint32_t opcode, uint32_t funct3, uint32_t funct7, uint32_t rd,
                         uint32_t rs1, uint32_t rs2) {
  return (funct7 << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | opcode;
}
constexpr uint32_t enc_s(uint32_t funct3, uint32_t rs1, uint32_t rs2, uint32_t imm) {
  return (bits(imm, 11, 5) << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) |
         (bits(imm, 4, 0) << 7) | kOpStore;
}
constexpr uint32_t enc_b(uint32_t funct3, uint32_t rs1, uint32_t rs2, int32_t offset) {
  const uint32_t imm = static_cast<uint32_t>(offset);
  return (bits(imm, 12, 12) << 31) | (bits(imm, 10, 5) << 25) | (rs2 << 20) | (rs1 << 15) |
         (funct3 << 12) | (bits(imm, 4, 1) << 8) | (bits(imm, 11, 11) << 7) | kOpBranch;
}
constexpr uint32_t enc_j(uint32_t rd, int32_t offset) {
  const uint32_t imm = static_cast<uint32_t>(offset);
  return (bits(imm, 20, 20) << 31) | (bits(imm, 10, 1) << 21) | (bits(imm, 11, 11) << 20) |
         (bits(imm, 19, 12) << 12) | (rd << 7) | kOpJal;
}

// Compressed register fields x8..x15.
constexpr uint32_t creg(uint32_t field) { return field + 8; }

uint32_t expand_quadrant0(uint16_t c) {
  const uint32_t rd_p = creg(bits(c, 4, 2));
  const uint32_t rs1_p = creg(bits(c, 9, 7));
  const uint32_t uimm_w = (bits(c, 12, 10) << 3) | (bits(c, 6, 6) << 2) | (bits(c, 5, 5) << 6);
  const uint32_t uimm_d = (bits(c, 12, 10) << 3) | (bits(c, 6, 5) << 6);
  switch (bits(c, 15, 13)) {
    case 0: {  // c.addi4spn
      const uint32_t nzuimm = (bits(c, 12, 11) << 4) | (bits(c, 10, 7) << 6) |
                              (bits(c, 6, 6) << 2) | (bits(c, 5, 5) << 3);
      if (nzuimm == 0) return 0;
      return enc_i(kOpImm, 0, rd_p, 2, static_cast<int32_t>(nzuimm));
    }
    case 2: return enc_i(kOpLoad, 2, rd_p, rs1_p, static_cast<int32_t>(uimm_w));  // c.lw
    case 3: return enc_i(kOpLoad, 3, rd_p, rs1_p, static_cast<int32_t>(uimm_d));  // c.ld
    case 6: return enc_s(2, rs1_p, rd_p, uimm_w);                                  // c.sw
    case 7: return enc_s(3, rs1_p, rd_p, uimm_d);                                  // c.sd
    default: return 0;  // c.fld, c.fsd (no D extension) and the reserved encoding
  }
}

uint32_t expand_quadrant1(uint16_t c) {
  const uint32_t rd = bits(c, 11, 7);
  const int32_t imm6 = static_cast<int32_t>(sign_extend((bits(c, 12, 12) << 5) | bits(c, 6, 2), 6));
  const uint32_t rd_p = creg(bits(c, 9, 7));
  const uint32_t rs2_p = creg(bits(c, 4, 2));
  switch (bits(c, 15, 13)) {
    case 0: return enc_i(kOpImm, 0, rd, rd, imm6);  // c.addi (c.nop and hints included)
    case 1:                                         // c.addiw
      if (rd == 0) return 0;
      return enc_i(kOpImm32, 0, rd, rd, imm6);
    case 2: return enc_i(kOpImm, 0, rd, 0, imm6);  // c.li
    case 3:
      if (rd == 2) {  // c.addi16sp
        const uint32_t raw = (bits(c, 12, 12) << 9) | (bits(c, 6, 6) << 4) | (bits(c, 5, 5) << 6) |
                             (bits(c, 4, 3) << 7) | (bits(c, 2, 2) << 5);
        if (raw == 0) return 0;
        return enc_i(kOpImm, 0, 2, 2, static_cast<int32_t>(sign_extend(raw, 10)));
      } else {  // c.lui
        if (imm6 == 0) return 0;
        return (static_cast<uint32_t>(imm6) << 12) | (rd << 7) | kOpLui;
      }
    case 4: {
      const uint32_t shamt = (bits(c, 12, 12) << 5) | bits(c, 6, 2);
      switch (bits(c, 11, 10)) {
        case 0: return enc_i(kOpImm, 5, rd_p, rd_p, static_cast<int32_t>(shamt));  // c.srli
        case 1: return enc_i(kOpImm, 5, rd_p, rd_p, static_cast<int32_t>(shamt | 0x400));  // c.srai
        case 2: return enc_i(kOpImm, 7, rd_p, rd_p, imm6);  // c.andi
        default: {
          static constexpr uint32_t kFunct3[4] = {0, 4, 6, 7};  // sub, xor, or, and
          const uint32_t selector = bits(c, 6, 5);
          if (bits(c, 12, 12) == 0) {
            return enc_r(kOp, kFunct3[selector], selector == 0 ? 0x20 : 0, rd_p, rd_p, rs2_p);
          }
          if (selector == 0) return enc_r(kOp32, 0, 0x20, rd_p, rd_p, rs2_p);  // c.subw
          if (selector == 1) return enc_r(kOp32, 0, 0, rd_p, rd_p, rs2_p);     // c.addw
          return 0;
        }
      }
    }
    case 5: {  // c.j
      const uint32_t raw = (bits(c, 12, 12) << 11) | (bits(c, 11, 11) << 4) |
                           (bits(c, 10, 9) << 8) | (bits(c, 8, 8) << 10) | (bits(c, 7, 7) << 6) |
                           (bits(c, 6, 6) << 7) | (bits(c, 5, 3) << 1) | (bits(c, 2, 2) << 5);
      return enc_j(0, static_cast<int32_t>(sign_extend(raw, 12)));
    }
    default: {  // c.beqz, c.bnez
      const uint32_t raw = (bits(c, 12, 12) << 8) | (bits(c, 11, 10) << 3) | (bits(c, 6, 5) << 6) |
                           (bits(c, 4, 3) << 1) | (bits(c, 2, 2) << 5);
      const uint32_t funct3 = bits(c, 15, 13) == 6 ? 0 : 1;
      return enc_b(funct3, rd_p, 0, static_cast<int32_t>(sign_extend(raw, 9)));
    }
  }
}

uint32_t expand_quadrant2(uint16_t c) {
  const uint32_t rd = bits(c, 11, 7);
  const uint32_t rs2 = bits(c, 6, 2);
  switch (bits(c, 15, 13)) {
    case 0: {  // c.slli
      const uint32_t shamt = (bits(c, 12, 12) << 5) | bits(c, 6, 2);
      return enc_i(kOpImm, 1, rd, rd, static_cast<int32_t>(shamt));
    }
    case 2: {  // c.lwsp
      if (rd == 0) return 0;
      const uint32_t uimm = (bits(c, 12, 12) << 5) | (bits(c, 6, 4) << 2) | (bits(c, 3, 2) << 6);
      return enc_i(kOpLoad, 2, rd, 2, static_cast<int32_t>(uimm));
    }
    case 3: {  // c.ldsp
      if (rd == 0) return 0;
      const uint32_t uimm = (bits(c, 12, 12) << 5) | (bits(c, 6, 5) << 3) | (bits(c, 4, 2) << 6);
      return enc_i(kOpLoad, 3, rd, 2, static_cast<int32_t>(uimm));
    }
    case 4:
      if (bits(c, 12, 12) == 0) {
        if (rs2 == 0) return rd == 0 ? 0 : enc_i(kOpJalr, 0, 0, rd, 0);  // c.jr
        return enc_r(kOp, 0, 0, rd, 0, rs2);                              // c.mv
      }
      if (rs2 == 0) {
        if (rd == 0) return 0x00100073;        // c.ebreak
        return enc_i(kOpJalr, 0, 1, rd, 0);    // c.jalr
      }
      return enc_r(kOp, 0, 0, rd, rd, rs2);    // c.add
    case 6: {  // c.swsp
      const uint32_t uimm = (bits(c, 12, 9) << 2) | (bits(c, 8, 7) << 6);
      return enc_s(2, 2, rs2, uimm);
    }
    case 7: {  // c.sdsp
      const uint32_t uimm = (bits(c, 12, 10) << 3) | (bits(c, 9, 7) << 6);
      return enc_s(3, 2, rs2, uimm);
    }
    default: return 0;  // c.fldsp, c.fsdsp (no D extension)
  }
}

Op branch_op(uint32_t funct3) {
  static constexpr Op kOps[8] = {Op::beq, Op::bne, Op::illegal, Op::illegal,
                                 Op::blt, Op::bge, Op::bltu,    Op::bgeu};
  return kOps[funct3];
}

Op load_op(uint32_t funct3) {
  static constexpr Op kOps[8] = {Op::lb,  Op::lh,  Op::lw,  Op::ld,
                                 Op::lbu, Op::lhu, Op::lwu, Op::illegal};
  return kOps[funct3];
}

Op op_imm(uint32_t insn) {
  const uint32_t funct3 = bits(insn, 14, 12);
  const uint32_t funct6 = bits(insn, 31, 26);
  switch (funct3) {
    case 0: return Op::addi;
    case 1: return funct6 == 0 ? Op::slli : Op::illegal;
    case 2: return Op::slti;
    case 3: return Op::sltiu;
    case 4: return Op::xori;
    case 5: return funct6 == 0 ? Op::srli : funct6 == 0x10 ? Op::srai : Op::illegal;
    case 6: return Op::ori;
    default: return Op::andi;
  }
}

Op op_imm32(uint32_t insn) {
  const uint32_t funct7 = bits(insn, 31, 25);
  switch (bits(insn, 14, 12)) {
    case 0: return Op::addiw;
    case 1: return funct7 == 0 ? Op::slliw : Op::illegal;
    case 5: return funct7 == 0 ? Op::srliw : funct7 == 0x20 ? Op::sraiw : Op::illegal;
    default: return Op::illegal;
  }
}

Op op_reg(uint32_t insn) {
  static constexpr Op kBase[8] = {Op::add, Op::sll, Op::slt, Op::sltu,
                                  Op::xor_, Op::srl, Op::or_, Op::and_};
  static constexpr Op kMul[8] = {Op::mul, Op::mulh, Op::mulhsu, Op::mulhu,
                                 Op::div, Op::divu, Op::rem,    Op::remu};
  const uint32_t funct3 = bits(insn, 14, 12);
  switch (bits(insn, 31, 25)) {
    case 0x00: return kBase[funct3];
    case 0x01: return kMul[funct3];
    case 0x20: return funct3 == 0 ? Op::sub : funct3 == 5 ? Op::sra : Op::illegal;
    default: return Op::illegal;
  }
}

Op op_reg32(uint32_t insn) {
  static constexpr Op kBase[8] = {Op::addw, Op::sllw, Op::illegal, Op::illegal,
                                  Op::illegal, Op::srlw, Op::illegal, Op::illegal};
  static constexpr Op kMul[8] = {Op::mulw, Op::illegal, Op::illegal, Op::illegal,
                                 Op::divw, Op::divuw,   Op::remw,    Op::remuw};
  const uint32_t funct3 = bits(insn, 14, 12);
  switch (bits(insn, 31, 25)) {
    case 0x00: return kBase[funct3];
    case 0x01: return kMul[funct3];
    case 0x20: return funct3 == 0 ? Op::subw : funct3 == 5 ? Op::sraw : Op::illegal;
    default: return Op::illegal;
  }
}

Op op_amo(uint32_t insn) {
  const uint32_t funct3 = bits(insn, 14, 12);
  if (funct3 != 2 && funct3 != 3) return Op::illegal;
  const bool dword = funct3 == 3;
  switch (bits(insn, 31, 27)) {
    case 0x02: return bits(insn, 24, 20) != 0 ? Op::illegal : dword ? Op::lr_d : Op::lr_w;
    case 0x03: return dword ? Op::sc_d : Op::sc_w;
    case 0x01: return dword ? Op::amoswap_d : Op::amoswap_w;
    case 0x00: return dword ? Op::amoadd_d : Op::amoadd_w;
    case 0x04: return dword ? Op::amoxor_d : Op::amoxor_w;
    case 0x0c: return dword ? Op::amoand_d : Op::amoand_w;
    case 0x08: return dword ? Op::amoor_d : Op::amoor_w;
    case 0x10: return dword ? Op::amomin_d : Op::amomin_w;
    case 0x14: return dword ? Op::amomax_d : Op::amomax_w;
    case 0x18: return dword ? Op::amominu_d : Op::amominu_w;
    case 0x1c: return dword ? Op::amomaxu_d : Op::amomaxu_w;
    default: return Op::illegal;
  }
}

Op op_system(uint32_t insn) {
  static constexpr Op kCsr[8] = {Op::illegal, Op::csrrw,  Op::csrrs,  Op::csrrc,
                                 Op::illegal, Op::csrrwi, Op::csrrsi, Op::csrrci};
  if (bits(insn, 14, 12) != 0) return kCsr[bits(insn, 14, 12)];
  switch (insn) {
    case 0x00000073: return Op::ecall;
    case 0x00100073: return Op::ebreak;
    case 0x30200073: return Op::mret;
    case 0x10500073: return Op::wfi;
    default: return Op::illegal;  // sret, sfence.vma and the rest need S-mode
  }
}

Op decode_op(uint32_t insn) {
  switch (insn & 0x7f) {
    case kOpLui: return Op::lui;
    case kOpAuipc: return Op::auipc;
    case kOpJal: return Op::jal;
    case kOpJalr: return bits(insn, 14, 12) == 0 ? Op::jalr : Op::illegal;
    case kOpBranch: return branch_op(bits(insn, 14, 12));
    case kOpLoad: return load_op(bits(insn, 14, 12));
    case kOpStore: return bits(insn, 14, 12) < 4 ? static_cast<Op>(static_cast<unsigned>(Op::sb) +
                                                                  bits(insn, 14, 12))
                                                 : Op::illegal;
    case kOpImm: return op_imm(insn);
    case kOpImm32: return op_imm32(insn);
    case kOp: return op_reg(insn);
    case kOp32: return op_reg32(insn);
    case kOpAmo: return op_amo(insn);
    case kOpMiscMem:
      // Reserved fence fields are ignored, as the specification asks for forward compatibility.
      return bits(insn, 14, 12) == 0 ? Op::fence : bits(insn, 14, 12) == 1 ? Op::fence_i
                                                                           : Op::illegal;
    case kOpSystem: return op_system(insn);
    case kOpCustom0: return Op::vector;
    default: return Op::illegal;
  }
}

int64_t decode_immediate(Op op, uint32_t insn, uint64_t pc) {
  const int64_t imm_i = sign_extend(bits(insn, 31, 20), 12);
  switch (op) {
    case Op::lui: return sign_extend(insn & 0xfffff000u, 32);
    case Op::auipc: return static_cast<int64_t>(pc + sign_extend(insn & 0xfffff000u, 32));
    case Op::jal: {
      const uint32_t raw = (bits(insn, 31, 31) << 20) | (bits(insn, 30, 21) << 1) |
                           (bits(insn, 20, 20) << 11) | (bits(insn, 19, 12) << 12);
      return static_cast<int64_t>(pc + sign_extend(raw, 21));
    }
    case Op::beq: case Op::bne: case Op::blt: case Op::bge: case Op::bltu: case Op::bgeu: {
      const uint32_t raw = (bits(insn, 31, 31) << 12) | (bits(insn, 30, 25) << 5) |
                           (bits(insn, 11, 8) << 1) | (bits(insn, 7, 7) << 11);
      return static_cast<int64_t>(pc + sign_extend(raw, 13));
    }
    case Op::sb: case Op::sh: case Op::sw: case Op::sd:
      return sign_extend((bits(insn, 31, 25) << 5) | bits(insn, 11, 7), 12);
    case Op::slli: case Op::srli: case Op::srai: return bits(insn, 25, 20);
    case Op::slliw: case Op::srliw: case Op::sraiw: return bits(insn, 24, 20);
    case Op::csrrwi: case Op::csrrsi: case Op::csrrci: return bits(insn, 19, 15);
    default: return imm_i;
  }
}

}  // namespace

uint32_t expand_compressed(uint16_t insn) {
  switch (insn & 3) {
    case 0: return expand_quadrant0(insn);
    case 1: return expand_quadrant1(insn);
    case 2: return expand_quadrant2(insn);
    default: return 0;  // not a compressed instruction
  }
}

Instruction decode(uint32_t insn, uint64_t pc) {
  Instruction decoded;
  uint32_t full = insn;
  if (is_32bit(insn)) {
    decoded.raw = insn;
  } else {
    decoded.raw = insn & 0xffff;
    full = expand_compressed(static_cast<uint16_t>(insn));
  }
  decoded.op = full == 0 ? Op::illegal : decode_op(full);
  const Format form = format(decoded.op);
  const auto field = [](bool used, uint32_t value) {
    return static_cast<uint8_t>(used ? value : 0);
  };
  const uint32_t rd = bits(full, 11, 7);
  decoded.rd = writes_rd(decoded.op) ? static_cast<uint8_t>(rd == 0 ? kSinkRegister : rd) : 0;
  decoded.rs1 = field(form != Format::u && form != Format::j && form != Format::csri &&
                          form != Format::none && form != Format::illegal,
                      bits(full, 19, 15));
  decoded.rs2 = field(form == Format::b || form == Format::store || form == Format::r ||
                          form == Format::amo || form == Format::vector,
                      bits(full, 24, 20));
  const bool has_immediate = form == Format::u || form == Format::j || form == Format::b ||
                             form == Format::i || form == Format::load ||
                             form == Format::store || form == Format::csri;
  decoded.imm = has_immediate ? decode_immediate(decoded.op, full, pc) : 0;
  return decoded;
}

}  // namespace dojo::core
