// Instruction encoders for hart tests: RV64IMAC + Zicsr + Zifencei, 32-bit and compressed forms.
// Operands follow assembly order (`lw(rd, rs1, offset)` for `lw rd, offset(rs1)`, `sw(rs2, rs1,
// offset)` for `sw rs2, offset(rs1)`). Immediates out of range for their field throw, so a wrong
// test cannot silently encode a different instruction.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace dojo::test::rv {

// ABI register names.
enum Reg : unsigned {
  zero, ra, sp, gp, tp, t0, t1, t2, s0, s1, a0, a1, a2, a3, a4, a5, a6, a7,
  s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, t3, t4, t5, t6
};

namespace csr {
constexpr unsigned mstatus = 0x300, misa = 0x301, medeleg = 0x302, mideleg = 0x303, mie = 0x304,
                   mtvec = 0x305, mcounteren = 0x306, menvcfg = 0x30A, mstatush = 0x310,
                   mcountinhibit = 0x320, mhpmevent3 = 0x323, mhpmevent31 = 0x33F,
                   mscratch = 0x340, mepc = 0x341, mcause = 0x342, mtval = 0x343, mip = 0x344,
                   mcycle = 0xB00, minstret = 0xB02, mhpmcounter3 = 0xB03, mhpmcounter31 = 0xB1F,
                   mcycleh = 0xB80, cycle = 0xC00, time = 0xC01, instret = 0xC02,
                   hpmcounter3 = 0xC03, hpmcounter31 = 0xC1F, cycleh = 0xC80, mvendorid = 0xF11,
                   marchid = 0xF12, mimpid = 0xF13, mhartid = 0xF14, sstatus = 0x100,
                   stvec = 0x105, satp = 0x180, fflags = 0x001, fcsr = 0x003;
}  // namespace csr

// mstatus fields (machine and user modes only).
namespace mstatus {
constexpr uint64_t mie = 1u << 3, mpie = 1u << 7, mpp_shift = 11, mpp = 3u << mpp_shift,
                   mprv = 1u << 17, tw = 1u << 21, uxl_shift = 32, uxl = 3ull << uxl_shift;
}  // namespace mstatus

// A compressed instruction (kept distinct from 32-bit encodings so programs know its length).
struct CInsn {
  uint16_t bits;
};

namespace detail {
constexpr void require(bool ok, const char* what) {
  if (!ok) throw std::invalid_argument(std::string("rv_encode: ") + what);
}
constexpr bool fits_signed(int64_t value, unsigned bits) {
  return value >= -(int64_t{1} << (bits - 1)) && value < (int64_t{1} << (bits - 1));
}
constexpr bool fits_unsigned(int64_t value, unsigned bits) {
  return value >= 0 && value < (int64_t{1} << bits);
}
constexpr uint32_t bit(int64_t value, unsigned from) { return (uint32_t(value) >> from) & 1; }
constexpr uint32_t bits(int64_t value, unsigned hi, unsigned lo) {
  return (uint32_t(value) >> lo) & ((1u << (hi - lo + 1)) - 1);
}
constexpr uint32_t reg(unsigned r) {
  require(r < 32, "register number");
  return r;
}
// The 3-bit register field of the compressed formats that reach x8..x15 only.
constexpr uint32_t creg(unsigned r) {
  require(r >= 8 && r <= 15, "compressed register must be x8..x15");
  return r - 8;
}
}  // namespace detail

// ---------------------------------------------------------------------------------------------
// 32-bit formats.

namespace op {
constexpr uint32_t load = 0x03, misc_mem = 0x0F, op_imm = 0x13, auipc = 0x17, op_imm_32 = 0x1B,
                   store = 0x23, amo = 0x2F, op = 0x33, lui = 0x37, op_32 = 0x3B, branch = 0x63,
                   jalr = 0x67, jal = 0x6F, system = 0x73;
}  // namespace op

constexpr uint32_t r_type(uint32_t opcode, unsigned rd, unsigned funct3, unsigned rs1, unsigned rs2,
                          uint32_t funct7) {
  return funct7 << 25 | detail::reg(rs2) << 20 | detail::reg(rs1) << 15 | funct3 << 12 |
         detail::reg(rd) << 7 | opcode;
}
constexpr uint32_t i_type(uint32_t opcode, unsigned rd, unsigned funct3, unsigned rs1, int64_t imm) {
  detail::require(detail::fits_signed(imm, 12), "I-type immediate");
  return detail::bits(imm, 11, 0) << 20 | detail::reg(rs1) << 15 | funct3 << 12 |
         detail::reg(rd) << 7 | opcode;
}
constexpr uint32_t s_type(uint32_t opcode, unsigned funct3, unsigned rs1, unsigned rs2, int64_t imm) {
  detail::require(detail::fits_signed(imm, 12), "S-type immediate");
  return detail::bits(imm, 11, 5) << 25 | detail::reg(rs2) << 20 | detail::reg(rs1) << 15 |
         funct3 << 12 | detail::bits(imm, 4, 0) << 7 | opcode;
}
constexpr uint32_t b_type(uint32_t opcode, unsigned funct3, unsigned rs1, unsigned rs2,
                          int64_t offset) {
  detail::require(detail::fits_signed(offset, 13) && offset % 2 == 0, "branch offset");
  return detail::bit(offset, 12) << 31 | detail::bits(offset, 10, 5) << 25 |
         detail::reg(rs2) << 20 | detail::reg(rs1) << 15 | funct3 << 12 |
         detail::bits(offset, 4, 1) << 8 | detail::bit(offset, 11) << 7 | opcode;
}
// `imm20` is the value of the instruction's 20-bit field (bits 31:12 of the result).
constexpr uint32_t u_type(uint32_t opcode, unsigned rd, uint32_t imm20) {
  detail::require(imm20 < (1u << 20), "U-type immediate");
  return imm20 << 12 | detail::reg(rd) << 7 | opcode;
}
constexpr uint32_t j_type(uint32_t opcode, unsigned rd, int64_t offset) {
  detail::require(detail::fits_signed(offset, 21) && offset % 2 == 0, "jump offset");
  return detail::bit(offset, 20) << 31 | detail::bits(offset, 10, 1) << 21 |
         detail::bit(offset, 11) << 20 | detail::bits(offset, 19, 12) << 12 |
         detail::reg(rd) << 7 | opcode;
}

// ---------------------------------------------------------------------------------------------
// RV64I.

constexpr uint32_t lui(unsigned rd, uint32_t imm20) { return u_type(op::lui, rd, imm20); }
constexpr uint32_t auipc(unsigned rd, uint32_t imm20) { return u_type(op::auipc, rd, imm20); }
constexpr uint32_t jal(unsigned rd, int64_t offset) { return j_type(op::jal, rd, offset); }
constexpr uint32_t jalr(unsigned rd, unsigned rs1, int64_t offset) {
  return i_type(op::jalr, rd, 0, rs1, offset);
}

constexpr uint32_t beq(unsigned rs1, unsigned rs2, int64_t off) { return b_type(op::branch, 0, rs1, rs2, off); }
constexpr uint32_t bne(unsigned rs1, unsigned rs2, int64_t off) { return b_type(op::branch, 1, rs1, rs2, off); }
constexpr uint32_t blt(unsigned rs1, unsigned rs2, int64_t off) { return b_type(op::branch, 4, rs1, rs2, off); }
constexpr uint32_t bge(unsigned rs1, unsigned rs2, int64_t off) { return b_type(op::branch, 5, rs1, rs2, off); }
constexpr uint32_t bltu(unsigned rs1, unsigned rs2, int64_t off) { return b_type(op::branch, 6, rs1, rs2, off); }
constexpr uint32_t bgeu(unsigned rs1, unsigned rs2, int64_t off) { return b_type(op::branch, 7, rs1, rs2, off); }

constexpr uint32_t lb(unsigned rd, unsigned rs1, int64_t off) { return i_type(op::load, rd, 0, rs1, off); }
constexpr uint32_t lh(unsigned rd, unsigned rs1, int64_t off) { return i_type(op::load, rd, 1, rs1, off); }
constexpr uint32_t lw(unsigned rd, unsigned rs1, int64_t off) { return i_type(op::load, rd, 2, rs1, off); }
constexpr uint32_t ld(unsigned rd, unsigned rs1, int64_t off) { return i_type(op::load, rd, 3, rs1, off); }
constexpr uint32_t lbu(unsigned rd, unsigned rs1, int64_t off) { return i_type(op::load, rd, 4, rs1, off); }
constexpr uint32_t lhu(unsigned rd, unsigned rs1, int64_t off) { return i_type(op::load, rd, 5, rs1, off); }
constexpr uint32_t lwu(unsigned rd, unsigned rs1, int64_t off) { return i_type(op::load, rd, 6, rs1, off); }

constexpr uint32_t sb(unsigned rs2, unsigned rs1, int64_t off) { return s_type(op::store, 0, rs1, rs2, off); }
constexpr uint32_t sh(unsigned rs2, unsigned rs1, int64_t off) { return s_type(op::store, 1, rs1, rs2, off); }
constexpr uint32_t sw(unsigned rs2, unsigned rs1, int64_t off) { return s_type(op::store, 2, rs1, rs2, off); }
constexpr uint32_t sd(unsigned rs2, unsigned rs1, int64_t off) { return s_type(op::store, 3, rs1, rs2, off); }

constexpr uint32_t addi(unsigned rd, unsigned rs1, int64_t imm) { return i_type(op::op_imm, rd, 0, rs1, imm); }
constexpr uint32_t slti(unsigned rd, unsigned rs1, int64_t imm) { return i_type(op::op_imm, rd, 2, rs1, imm); }
constexpr uint32_t sltiu(unsigned rd, unsigned rs1, int64_t imm) { return i_type(op::op_imm, rd, 3, rs1, imm); }
constexpr uint32_t xori(unsigned rd, unsigned rs1, int64_t imm) { return i_type(op::op_imm, rd, 4, rs1, imm); }
constexpr uint32_t ori(unsigned rd, unsigned rs1, int64_t imm) { return i_type(op::op_imm, rd, 6, rs1, imm); }
constexpr uint32_t andi(unsigned rd, unsigned rs1, int64_t imm) { return i_type(op::op_imm, rd, 7, rs1, imm); }

namespace detail {
// Shift-immediate: `funct6` goes to bits 31:26, the shift amount (6 bits, or 5 for W forms) below.
constexpr uint32_t shift_imm(uint32_t opcode, unsigned funct3, uint32_t funct6, unsigned rd,
                             unsigned rs1, unsigned shamt, unsigned shamt_bits) {
  require(shamt < (1u << shamt_bits), "shift amount");
  return funct6 << 26 | shamt << 20 | reg(rs1) << 15 | funct3 << 12 | reg(rd) << 7 | opcode;
}
}  // namespace detail

constexpr uint32_t slli(unsigned rd, unsigned rs1, unsigned sh) { return detail::shift_imm(op::op_imm, 1, 0x00, rd, rs1, sh, 6); }
constexpr uint32_t srli(unsigned rd, unsigned rs1, unsigned sh) { return detail::shift_imm(op::op_imm, 5, 0x00, rd, rs1, sh, 6); }
constexpr uint32_t srai(unsigned rd, unsigned rs1, unsigned sh) { return detail::shift_imm(op::op_imm, 5, 0x10, rd, rs1, sh, 6); }
constexpr uint32_t slliw(unsigned rd, unsigned rs1, unsigned sh) { return detail::shift_imm(op::op_imm_32, 1, 0x00, rd, rs1, sh, 5); }
constexpr uint32_t srliw(unsigned rd, unsigned rs1, unsigned sh) { return detail::shift_imm(op::op_imm_32, 5, 0x00, rd, rs1, sh, 5); }
constexpr uint32_t sraiw(unsigned rd, unsigned rs1, unsigned sh) { return detail::shift_imm(op::op_imm_32, 5, 0x10, rd, rs1, sh, 5); }
constexpr uint32_t addiw(unsigned rd, unsigned rs1, int64_t imm) { return i_type(op::op_imm_32, rd, 0, rs1, imm); }

constexpr uint32_t add(unsigned rd, unsigned rs1, unsigned rs2) { return r_type(op::op, rd, 0, rs1, rs2, 0x00); }
constexpr uint32_t sub(unsigned rd, unsigned rs1, unsigned rs2) { return r_type(op::op, rd, 0, rs1, rs2, 0x20); }
constexpr uint32_t sll(unsigned rd, unsigned rs1, unsigned rs2) { return r_type(op::op, rd, 1, rs1, rs2, 0x00); }
constexpr uint32_t slt(unsigned rd, unsigned rs1, unsigned rs2) { return r_type(op::op, rd, 2, rs1, rs2, 0x00); }
constexpr uint32_t sltu(unsigned rd, unsigned rs1, unsigned rs2) { return r_type(op::op, rd, 3, rs1, rs2, 0x00); }
constexpr uint32_t xor_(unsigned rd, unsigned rs1, unsigned rs2) { return r_type(op::op, rd, 4, rs1, rs2, 0x00); }
constexpr uint32_t srl(unsigned rd, unsigned rs1, unsigned rs2) { return r_type(op::op, rd, 5, rs1, rs2, 0x00); }
constexpr uint32_t sra(unsigned rd, unsigned rs1, unsigned rs2) { return r_type(op::op, rd, 5, rs1, rs2, 0x20); }
constexpr uint32_t or_(unsigned rd, unsigned rs1, unsigned rs2) { return r_type(op::op, rd, 6, rs1, rs2, 0x00); }
constexpr uint32_t and_(unsigned rd, unsigned rs1, unsigned rs2) { return r_type(op::op, rd, 7, rs1, rs2, 0x00); }
constexpr uint32_t addw(unsigned rd, unsigned rs1, unsigned rs2) { return r_type(op::op_32, rd, 0, rs1, rs2, 0x00); }
constexpr uint32_t subw(unsigned rd, unsigned rs1, unsigned rs2) { return r_type(op::op_32, rd, 0, rs1, rs2, 0x20); }
constexpr uint32_t sllw(unsigned rd, unsigned rs1, unsigned rs2) { return r_type(op::op_32, rd, 1, rs1, rs2, 0x00); }
constexpr uint32_t srlw(unsigned rd, unsigned rs1, unsigned rs2) { return r_type(op::op_32, rd, 5, rs1, rs2, 0x00); }
constexpr uint32_t sraw(unsigned rd, unsigned rs1, unsigned rs2) { return r_type(op::op_32, rd, 5, rs1, rs2, 0x20); }

// fence pred, succ: each a 4-bit IORW set.
constexpr uint32_t fence(unsigned pred = 0xF, unsigned succ = 0xF) {
  detail::require(pred < 16 && succ < 16, "fence sets");
  return pred << 24 | succ << 20 | op::misc_mem;
}
constexpr uint32_t fence_i() { return 1u << 12 | op::misc_mem; }
constexpr uint32_t ecall() { return 0x00000073; }
constexpr uint32_t ebreak() { return 0x00100073; }
constexpr uint32_t mret() { return 0x30200073; }
constexpr uint32_t wfi() { return 0x10500073; }

// ---------------------------------------------------------------------------------------------
// M.

constexpr uint32_t mul(unsigned rd, unsigned rs1, unsigned rs2) { return r_type(op::op, rd, 0, rs1, rs2, 0x01); }
constexpr uint32_t mulh(unsigned rd, unsigned rs1, unsigned rs2) { return r_type(op::op, rd, 1, rs1, rs2, 0x01); }
constexpr uint32_t mulhsu(unsigned rd, unsigned rs1, unsigned rs2) { return r_type(op::op, rd, 2, rs1, rs2, 0x01); }
constexpr uint32_t mulhu(unsigned rd, unsigned rs1, unsigned rs2) { return r_type(op::op, rd, 3, rs1, rs2, 0x01); }
constexpr uint32_t div(unsigned rd, unsigned rs1, unsigned rs2) { return r_type(op::op, rd, 4, rs1, rs2, 0x01); }
constexpr uint32_t divu(unsigned rd, unsigned rs1, unsigned rs2) { return r_type(op::op, rd, 5, rs1, rs2, 0x01); }
constexpr uint32_t rem(unsigned rd, unsigned rs1, unsigned rs2) { return r_type(op::op, rd, 6, rs1, rs2, 0x01); }
constexpr uint32_t remu(unsigned rd, unsigned rs1, unsigned rs2) { return r_type(op::op, rd, 7, rs1, rs2, 0x01); }
constexpr uint32_t mulw(unsigned rd, unsigned rs1, unsigned rs2) { return r_type(op::op_32, rd, 0, rs1, rs2, 0x01); }
constexpr uint32_t divw(unsigned rd, unsigned rs1, unsigned rs2) { return r_type(op::op_32, rd, 4, rs1, rs2, 0x01); }
constexpr uint32_t divuw(unsigned rd, unsigned rs1, unsigned rs2) { return r_type(op::op_32, rd, 5, rs1, rs2, 0x01); }
constexpr uint32_t remw(unsigned rd, unsigned rs1, unsigned rs2) { return r_type(op::op_32, rd, 6, rs1, rs2, 0x01); }
constexpr uint32_t remuw(unsigned rd, unsigned rs1, unsigned rs2) { return r_type(op::op_32, rd, 7, rs1, rs2, 0x01); }

// ---------------------------------------------------------------------------------------------
// A. `ordering` is the aq/rl pair (bit 1 aq, bit 0 rl).

constexpr unsigned kAq = 2, kRl = 1;

namespace amo_funct5 {
constexpr uint32_t add = 0x00, swap = 0x01, lr = 0x02, sc = 0x03, xor_ = 0x04, or_ = 0x08,
                   and_ = 0x0C, min = 0x10, max = 0x14, minu = 0x18, maxu = 0x1C;
}  // namespace amo_funct5

// Width: funct3 2 is .w, 3 is .d.
constexpr uint32_t amo(uint32_t funct5, unsigned funct3, unsigned rd, unsigned rs2, unsigned rs1,
                       unsigned ordering = 0) {
  detail::require(ordering < 4, "aq/rl");
  return r_type(op::amo, rd, funct3, rs1, rs2, funct5 << 2 | ordering);
}

constexpr uint32_t lr_w(unsigned rd, unsigned rs1, unsigned o = 0) { return amo(amo_funct5::lr, 2, rd, 0, rs1, o); }
constexpr uint32_t lr_d(unsigned rd, unsigned rs1, unsigned o = 0) { return amo(amo_funct5::lr, 3, rd, 0, rs1, o); }
constexpr uint32_t sc_w(unsigned rd, unsigned rs2, unsigned rs1, unsigned o = 0) { return amo(amo_funct5::sc, 2, rd, rs2, rs1, o); }
constexpr uint32_t sc_d(unsigned rd, unsigned rs2, unsigned rs1, unsigned o = 0) { return amo(amo_funct5::sc, 3, rd, rs2, rs1, o); }

#define DOJO_RV_AMO(name, funct5)                                                              \
  constexpr uint32_t name##_w(unsigned rd, unsigned rs2, unsigned rs1, unsigned o = 0) {      \
    return amo(funct5, 2, rd, rs2, rs1, o);                                                    \
  }                                                                                            \
  constexpr uint32_t name##_d(unsigned rd, unsigned rs2, unsigned rs1, unsigned o = 0) {      \
    return amo(funct5, 3, rd, rs2, rs1, o);                                                    \
  }
DOJO_RV_AMO(amoswap, amo_funct5::swap)
DOJO_RV_AMO(amoadd, amo_funct5::add)
DOJO_RV_AMO(amoxor, amo_funct5::xor_)
DOJO_RV_AMO(amoand, amo_funct5::and_)
DOJO_RV_AMO(amoor, amo_funct5::or_)
DOJO_RV_AMO(amomin, amo_funct5::min)
DOJO_RV_AMO(amomax, amo_funct5::max)
DOJO_RV_AMO(amominu, amo_funct5::minu)
DOJO_RV_AMO(amomaxu, amo_funct5::maxu)
#undef DOJO_RV_AMO

// ---------------------------------------------------------------------------------------------
// Zicsr.

namespace detail {
constexpr uint32_t csr_type(unsigned funct3, unsigned rd, unsigned csr, unsigned rs1_or_uimm) {
  require(csr < 4096, "CSR number");
  require(rs1_or_uimm < 32, "CSR source register or 5-bit immediate");
  return csr << 20 | rs1_or_uimm << 15 | funct3 << 12 | reg(rd) << 7 | op::system;
}
}  // namespace detail

constexpr uint32_t csrrw(unsigned rd, unsigned csr, unsigned rs1) { return detail::csr_type(1, rd, csr, rs1); }
constexpr uint32_t csrrs(unsigned rd, unsigned csr, unsigned rs1) { return detail::csr_type(2, rd, csr, rs1); }
constexpr uint32_t csrrc(unsigned rd, unsigned csr, unsigned rs1) { return detail::csr_type(3, rd, csr, rs1); }
constexpr uint32_t csrrwi(unsigned rd, unsigned csr, unsigned uimm) { return detail::csr_type(5, rd, csr, uimm); }
constexpr uint32_t csrrsi(unsigned rd, unsigned csr, unsigned uimm) { return detail::csr_type(6, rd, csr, uimm); }
constexpr uint32_t csrrci(unsigned rd, unsigned csr, unsigned uimm) { return detail::csr_type(7, rd, csr, uimm); }

// ---------------------------------------------------------------------------------------------
// Pseudo-instructions.

constexpr uint32_t nop() { return addi(zero, zero, 0); }
constexpr uint32_t li(unsigned rd, int64_t imm12) { return addi(rd, zero, imm12); }
constexpr uint32_t mv(unsigned rd, unsigned rs) { return addi(rd, rs, 0); }
constexpr uint32_t j(int64_t offset) { return jal(zero, offset); }
constexpr uint32_t ret() { return jalr(zero, ra, 0); }
constexpr uint32_t csrr(unsigned rd, unsigned csr) { return csrrs(rd, csr, zero); }
constexpr uint32_t csrw(unsigned csr, unsigned rs) { return csrrw(zero, csr, rs); }
constexpr uint32_t csrs(unsigned csr, unsigned rs) { return csrrs(zero, csr, rs); }
constexpr uint32_t csrc(unsigned csr, unsigned rs) { return csrrc(zero, csr, rs); }
constexpr uint32_t csrwi(unsigned csr, unsigned uimm) { return csrrwi(zero, csr, uimm); }
constexpr uint32_t csrsi(unsigned csr, unsigned uimm) { return csrrsi(zero, csr, uimm); }
constexpr uint32_t csrci(unsigned csr, unsigned uimm) { return csrrci(zero, csr, uimm); }

// ---------------------------------------------------------------------------------------------
// Compressed (RV64C). Quadrant 0.

constexpr CInsn c_raw(uint32_t bits) { return CInsn{uint16_t(bits)}; }

constexpr CInsn c_addi4spn(unsigned rd, int64_t nzuimm) {
  detail::require(detail::fits_unsigned(nzuimm, 10) && nzuimm % 4 == 0, "c.addi4spn immediate");
  using detail::bits;
  return c_raw(bits(nzuimm, 5, 4) << 11 | bits(nzuimm, 9, 6) << 7 | bits(nzuimm, 2, 2) << 6 |
               bits(nzuimm, 3, 3) << 5 | detail::creg(rd) << 2 | 0b00);
}

namespace detail {
// CL/CS with a word offset (uimm[5:3] at 12:10, uimm[2|6] at 6:5).
constexpr CInsn c_mem_w(unsigned funct3, unsigned rs1, unsigned r, int64_t uimm) {
  require(fits_unsigned(uimm, 7) && uimm % 4 == 0, "compressed word offset");
  return c_raw(funct3 << 13 | bits(uimm, 5, 3) << 10 | creg(rs1) << 7 | bit(uimm, 2) << 6 |
               bit(uimm, 6) << 5 | creg(r) << 2 | 0b00);
}
// CL/CS with a doubleword offset (uimm[5:3] at 12:10, uimm[7:6] at 6:5).
constexpr CInsn c_mem_d(unsigned funct3, unsigned rs1, unsigned r, int64_t uimm) {
  require(fits_unsigned(uimm, 8) && uimm % 8 == 0, "compressed doubleword offset");
  return c_raw(funct3 << 13 | bits(uimm, 5, 3) << 10 | creg(rs1) << 7 | bits(uimm, 7, 6) << 5 |
               creg(r) << 2 | 0b00);
}
}  // namespace detail

constexpr CInsn c_lw(unsigned rd, unsigned rs1, int64_t uimm) { return detail::c_mem_w(0b010, rs1, rd, uimm); }
constexpr CInsn c_ld(unsigned rd, unsigned rs1, int64_t uimm) { return detail::c_mem_d(0b011, rs1, rd, uimm); }
constexpr CInsn c_sw(unsigned rs2, unsigned rs1, int64_t uimm) { return detail::c_mem_w(0b110, rs1, rs2, uimm); }
constexpr CInsn c_sd(unsigned rs2, unsigned rs1, int64_t uimm) { return detail::c_mem_d(0b111, rs1, rs2, uimm); }
// The D-extension forms (c.fld, c.fsd), which this hart lacks.
constexpr CInsn c_fld(unsigned rd, unsigned rs1, int64_t uimm) { return detail::c_mem_d(0b001, rs1, rd, uimm); }
constexpr CInsn c_fsd(unsigned rs2, unsigned rs1, int64_t uimm) { return detail::c_mem_d(0b101, rs1, rs2, uimm); }

// ---------------------------------------------------------------------------------------------
// Quadrant 1.

namespace detail {
// CI: imm[5] at bit 12, rd at 11:7, imm[4:0] at 6:2.
constexpr CInsn c_ci(unsigned funct3, unsigned quadrant, unsigned rd, int64_t imm6) {
  return c_raw(funct3 << 13 | bit(imm6, 5) << 12 | reg(rd) << 7 | bits(imm6, 4, 0) << 2 |
               quadrant);
}
constexpr CInsn c_ci_signed(unsigned funct3, unsigned rd, int64_t imm) {
  require(fits_signed(imm, 6), "compressed 6-bit immediate");
  return c_ci(funct3, 0b01, rd, imm);
}
// CB-format ALU ops on rd' (c.srli, c.srai, c.andi): funct2 at 11:10.
constexpr CInsn c_cb_alu(unsigned funct2, unsigned rd, int64_t imm6) {
  return c_raw(0b100u << 13 | bit(imm6, 5) << 12 | funct2 << 10 | creg(rd) << 7 |
               bits(imm6, 4, 0) << 2 | 0b01);
}
// CA: funct6 at 15:10, rd' at 9:7, funct2 at 6:5, rs2' at 4:2.
constexpr CInsn c_ca(unsigned funct6, unsigned funct2, unsigned rd, unsigned rs2) {
  return c_raw(funct6 << 10 | creg(rd) << 7 | funct2 << 5 | creg(rs2) << 2 | 0b01);
}
constexpr CInsn c_branch(unsigned funct3, unsigned rs1, int64_t off) {
  require(fits_signed(off, 9) && off % 2 == 0, "compressed branch offset");
  return c_raw(funct3 << 13 | bit(off, 8) << 12 | bits(off, 4, 3) << 10 | creg(rs1) << 7 |
               bits(off, 7, 6) << 5 | bits(off, 2, 1) << 3 | bit(off, 5) << 2 | 0b01);
}
}  // namespace detail

constexpr CInsn c_nop() { return detail::c_ci_signed(0b000, zero, 0); }
constexpr CInsn c_addi(unsigned rd, int64_t imm) { return detail::c_ci_signed(0b000, rd, imm); }
constexpr CInsn c_addiw(unsigned rd, int64_t imm) { return detail::c_ci_signed(0b001, rd, imm); }
constexpr CInsn c_li(unsigned rd, int64_t imm) { return detail::c_ci_signed(0b010, rd, imm); }
constexpr CInsn c_addi16sp(int64_t nzimm) {
  detail::require(detail::fits_signed(nzimm, 10) && nzimm % 16 == 0, "c.addi16sp immediate");
  using detail::bit;
  using detail::bits;
  return c_raw(0b011u << 13 | bit(nzimm, 9) << 12 | sp << 7 | bit(nzimm, 4) << 6 |
               bit(nzimm, 6) << 5 | bits(nzimm, 8, 7) << 3 | bit(nzimm, 5) << 2 | 0b01);
}
// `imm6` is nzimm[17:12], a signed 6-bit value: rd = sext(imm6 << 12).
constexpr CInsn c_lui(unsigned rd, int64_t imm6) { return detail::c_ci_signed(0b011, rd, imm6); }
constexpr CInsn c_srli(unsigned rd, unsigned shamt) {
  detail::require(shamt < 64, "shift amount");
  return detail::c_cb_alu(0b00, rd, shamt);
}
constexpr CInsn c_srai(unsigned rd, unsigned shamt) {
  detail::require(shamt < 64, "shift amount");
  return detail::c_cb_alu(0b01, rd, shamt);
}
constexpr CInsn c_andi(unsigned rd, int64_t imm) {
  detail::require(detail::fits_signed(imm, 6), "c.andi immediate");
  return detail::c_cb_alu(0b10, rd, imm);
}
constexpr CInsn c_sub(unsigned rd, unsigned rs2) { return detail::c_ca(0b100011, 0b00, rd, rs2); }
constexpr CInsn c_xor(unsigned rd, unsigned rs2) { return detail::c_ca(0b100011, 0b01, rd, rs2); }
constexpr CInsn c_or(unsigned rd, unsigned rs2) { return detail::c_ca(0b100011, 0b10, rd, rs2); }
constexpr CInsn c_and(unsigned rd, unsigned rs2) { return detail::c_ca(0b100011, 0b11, rd, rs2); }
constexpr CInsn c_subw(unsigned rd, unsigned rs2) { return detail::c_ca(0b100111, 0b00, rd, rs2); }
constexpr CInsn c_addw(unsigned rd, unsigned rs2) { return detail::c_ca(0b100111, 0b01, rd, rs2); }
constexpr CInsn c_j(int64_t off) {
  detail::require(detail::fits_signed(off, 12) && off % 2 == 0, "c.j offset");
  using detail::bit;
  using detail::bits;
  return c_raw(0b101u << 13 | bit(off, 11) << 12 | bit(off, 4) << 11 | bits(off, 9, 8) << 9 |
               bit(off, 10) << 8 | bit(off, 6) << 7 | bit(off, 7) << 6 | bits(off, 3, 1) << 3 |
               bit(off, 5) << 2 | 0b01);
}
constexpr CInsn c_beqz(unsigned rs1, int64_t off) { return detail::c_branch(0b110, rs1, off); }
constexpr CInsn c_bnez(unsigned rs1, int64_t off) { return detail::c_branch(0b111, rs1, off); }

// ---------------------------------------------------------------------------------------------
// Quadrant 2.

constexpr CInsn c_slli(unsigned rd, unsigned shamt) {
  detail::require(shamt < 64, "shift amount");
  return detail::c_ci(0b000, 0b10, rd, shamt);
}
constexpr CInsn c_lwsp(unsigned rd, int64_t uimm) {
  detail::require(detail::fits_unsigned(uimm, 8) && uimm % 4 == 0, "c.lwsp offset");
  using detail::bits;
  return c_raw(0b010u << 13 | detail::bit(uimm, 5) << 12 | detail::reg(rd) << 7 |
               bits(uimm, 4, 2) << 4 | bits(uimm, 7, 6) << 2 | 0b10);
}
namespace detail {
// c.ldsp and c.fldsp: uimm[5] at 12, uimm[4:3] at 6:5, uimm[8:6] at 4:2.
constexpr CInsn c_ldsp_form(unsigned funct3, unsigned rd, int64_t uimm) {
  require(fits_unsigned(uimm, 9) && uimm % 8 == 0, "doubleword stack offset");
  return c_raw(funct3 << 13 | bit(uimm, 5) << 12 | reg(rd) << 7 | bits(uimm, 4, 3) << 5 |
               bits(uimm, 8, 6) << 2 | 0b10);
}
// c.sdsp and c.fsdsp: uimm[5:3] at 12:10, uimm[8:6] at 9:7.
constexpr CInsn c_sdsp_form(unsigned funct3, unsigned rs2, int64_t uimm) {
  require(fits_unsigned(uimm, 9) && uimm % 8 == 0, "doubleword stack offset");
  return c_raw(funct3 << 13 | bits(uimm, 5, 3) << 10 | bits(uimm, 8, 6) << 7 | reg(rs2) << 2 |
               0b10);
}
// CR: funct4 at 15:12, rd/rs1 at 11:7, rs2 at 6:2.
constexpr CInsn c_cr(unsigned funct4, unsigned rd, unsigned rs2) {
  return c_raw(funct4 << 12 | reg(rd) << 7 | reg(rs2) << 2 | 0b10);
}
}  // namespace detail
constexpr CInsn c_ldsp(unsigned rd, int64_t uimm) { return detail::c_ldsp_form(0b011, rd, uimm); }
constexpr CInsn c_fldsp(unsigned rd, int64_t uimm) { return detail::c_ldsp_form(0b001, rd, uimm); }
constexpr CInsn c_swsp(unsigned rs2, int64_t uimm) {
  detail::require(detail::fits_unsigned(uimm, 8) && uimm % 4 == 0, "c.swsp offset");
  using detail::bits;
  return c_raw(0b110u << 13 | bits(uimm, 5, 2) << 9 | bits(uimm, 7, 6) << 7 |
               detail::reg(rs2) << 2 | 0b10);
}
constexpr CInsn c_sdsp(unsigned rs2, int64_t uimm) { return detail::c_sdsp_form(0b111, rs2, uimm); }
constexpr CInsn c_fsdsp(unsigned rs2, int64_t uimm) { return detail::c_sdsp_form(0b101, rs2, uimm); }
constexpr CInsn c_jr(unsigned rs1) { return detail::c_cr(0b1000, rs1, 0); }
constexpr CInsn c_mv(unsigned rd, unsigned rs2) { return detail::c_cr(0b1000, rd, rs2); }
constexpr CInsn c_ebreak() { return detail::c_cr(0b1001, 0, 0); }
constexpr CInsn c_jalr(unsigned rs1) { return detail::c_cr(0b1001, rs1, 0); }
constexpr CInsn c_add(unsigned rd, unsigned rs2) { return detail::c_cr(0b1001, rd, rs2); }

}  // namespace dojo::test::rv
