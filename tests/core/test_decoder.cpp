// Decoder and compressed-instruction expansion, checked against hand-encoded instructions (the
// encoders in rv_encode.h were cross-checked against GNU as).
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "core/decoder.h"
#include "rv_encode.h"

using namespace dojo::core;
using namespace dojo::test::rv;

namespace {

constexpr uint64_t kPc = 0x80001000;

struct OpRow {
  uint32_t insn;
  Op op;
};

// One instance of every 32-bit instruction and the operation it decodes to.
const OpRow kEveryInstruction[] = {
    {lui(a0, 0x12345), Op::lui}, {auipc(a0, 0x12345), Op::auipc}, {jal(ra, 16), Op::jal},
    {jalr(ra, a1, 8), Op::jalr}, {beq(a0, a1, 8), Op::beq}, {bne(a0, a1, 8), Op::bne},
    {blt(a0, a1, 8), Op::blt}, {bge(a0, a1, 8), Op::bge}, {bltu(a0, a1, 8), Op::bltu},
    {bgeu(a0, a1, 8), Op::bgeu}, {lb(a0, a1, 1), Op::lb}, {lh(a0, a1, 2), Op::lh},
    {lw(a0, a1, 4), Op::lw}, {ld(a0, a1, 8), Op::ld}, {lbu(a0, a1, 1), Op::lbu},
    {lhu(a0, a1, 2), Op::lhu}, {lwu(a0, a1, 4), Op::lwu}, {sb(a0, a1, 1), Op::sb},
    {sh(a0, a1, 2), Op::sh}, {sw(a0, a1, 4), Op::sw}, {sd(a0, a1, 8), Op::sd},
    {addi(a0, a1, 1), Op::addi}, {slti(a0, a1, 1), Op::slti}, {sltiu(a0, a1, 1), Op::sltiu},
    {xori(a0, a1, 1), Op::xori}, {ori(a0, a1, 1), Op::ori}, {andi(a0, a1, 1), Op::andi},
    {slli(a0, a1, 1), Op::slli}, {srli(a0, a1, 1), Op::srli}, {srai(a0, a1, 1), Op::srai},
    {add(a0, a1, a2), Op::add}, {sub(a0, a1, a2), Op::sub}, {sll(a0, a1, a2), Op::sll},
    {slt(a0, a1, a2), Op::slt}, {sltu(a0, a1, a2), Op::sltu}, {xor_(a0, a1, a2), Op::xor_},
    {srl(a0, a1, a2), Op::srl}, {sra(a0, a1, a2), Op::sra}, {or_(a0, a1, a2), Op::or_},
    {and_(a0, a1, a2), Op::and_}, {addiw(a0, a1, 1), Op::addiw}, {slliw(a0, a1, 1), Op::slliw},
    {srliw(a0, a1, 1), Op::srliw}, {sraiw(a0, a1, 1), Op::sraiw}, {addw(a0, a1, a2), Op::addw},
    {subw(a0, a1, a2), Op::subw}, {sllw(a0, a1, a2), Op::sllw}, {srlw(a0, a1, a2), Op::srlw},
    {sraw(a0, a1, a2), Op::sraw}, {mul(a0, a1, a2), Op::mul}, {mulh(a0, a1, a2), Op::mulh},
    {mulhsu(a0, a1, a2), Op::mulhsu}, {mulhu(a0, a1, a2), Op::mulhu},
    {div(a0, a1, a2), Op::div}, {divu(a0, a1, a2), Op::divu}, {rem(a0, a1, a2), Op::rem},
    {remu(a0, a1, a2), Op::remu}, {mulw(a0, a1, a2), Op::mulw}, {divw(a0, a1, a2), Op::divw},
    {divuw(a0, a1, a2), Op::divuw}, {remw(a0, a1, a2), Op::remw},
    {remuw(a0, a1, a2), Op::remuw}, {lr_w(a0, a1), Op::lr_w}, {sc_w(a0, a2, a1), Op::sc_w},
    {lr_d(a0, a1), Op::lr_d}, {sc_d(a0, a2, a1), Op::sc_d},
    {amoswap_w(a0, a2, a1), Op::amoswap_w}, {amoadd_w(a0, a2, a1), Op::amoadd_w},
    {amoxor_w(a0, a2, a1), Op::amoxor_w}, {amoand_w(a0, a2, a1), Op::amoand_w},
    {amoor_w(a0, a2, a1), Op::amoor_w}, {amomin_w(a0, a2, a1), Op::amomin_w},
    {amomax_w(a0, a2, a1), Op::amomax_w}, {amominu_w(a0, a2, a1), Op::amominu_w},
    {amomaxu_w(a0, a2, a1), Op::amomaxu_w}, {amoswap_d(a0, a2, a1), Op::amoswap_d},
    {amoadd_d(a0, a2, a1), Op::amoadd_d}, {amoxor_d(a0, a2, a1), Op::amoxor_d},
    {amoand_d(a0, a2, a1), Op::amoand_d}, {amoor_d(a0, a2, a1), Op::amoor_d},
    {amomin_d(a0, a2, a1), Op::amomin_d}, {amomax_d(a0, a2, a1), Op::amomax_d},
    {amominu_d(a0, a2, a1), Op::amominu_d}, {amomaxu_d(a0, a2, a1), Op::amomaxu_d},
    {fence(), Op::fence}, {fence_i(), Op::fence_i}, {ecall(), Op::ecall},
    {ebreak(), Op::ebreak}, {mret(), Op::mret}, {wfi(), Op::wfi},
    {csrrw(a0, dojo::test::rv::csr::mscratch, a1), Op::csrrw}, {csrrs(a0, dojo::test::rv::csr::mscratch, a1), Op::csrrs},
    {csrrc(a0, dojo::test::rv::csr::mscratch, a1), Op::csrrc}, {csrrwi(a0, dojo::test::rv::csr::mscratch, 5), Op::csrrwi},
    {csrrsi(a0, dojo::test::rv::csr::mscratch, 5), Op::csrrsi}, {csrrci(a0, dojo::test::rv::csr::mscratch, 5), Op::csrrci},
};

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

TEST_CASE("decode maps every RV64IMAC+Zicsr+Zifencei instruction to its operation") {
  for (const OpRow& row : kEveryInstruction) {
    INFO("instruction " << hex(row.insn) << " expected " << op_name(row.op));
    Instruction e = decode(row.insn, kPc);
    CHECK(e.op == row.op);
    CHECK(e.length() == 4);
    CHECK(e.raw == row.insn);
  }
}

TEST_CASE("decode extracts register numbers and remaps rd=x0 to the sink register") {
  Instruction e = decode(add(t3, s2, a7), kPc);
  CHECK(e.rd == t3);
  CHECK(e.rs1 == s2);
  CHECK(e.rs2 == a7);

  CHECK(decode(add(zero, a1, a2), kPc).rd == kSinkRegister);
  CHECK(decode(addi(zero, zero, 0), kPc).rd == kSinkRegister);
  CHECK(decode(lw(zero, a1, 0), kPc).rd == kSinkRegister);
  CHECK(decode(jal(zero, 8), kPc).rd == kSinkRegister);
  CHECK(decode(csrrw(zero, dojo::test::rv::csr::mscratch, a0), kPc).rd == kSinkRegister);
  CHECK(decode(amoadd_d(zero, a2, a1), kPc).rd == kSinkRegister);

  Instruction store = decode(sd(t6, s11, 0), kPc);
  CHECK(store.rs1 == s11);
  CHECK(store.rs2 == t6);
}

TEST_CASE("decode sign-extends I- and S-type immediates and extracts shift amounts") {
  CHECK(decode(addi(a0, a1, -2048), kPc).imm == -2048);
  CHECK(decode(addi(a0, a1, 2047), kPc).imm == 2047);
  CHECK(decode(sltiu(a0, a1, -1), kPc).imm == -1);
  CHECK(decode(andi(a0, a1, -16), kPc).imm == -16);
  CHECK(decode(addiw(a0, a1, -5), kPc).imm == -5);
  CHECK(decode(lb(a0, a1, -1), kPc).imm == -1);
  CHECK(decode(ld(a0, a1, 2040), kPc).imm == 2040);
  CHECK(decode(sw(a0, a1, -2048), kPc).imm == -2048);
  CHECK(decode(sd(a0, a1, 2047), kPc).imm == 2047);
  CHECK(decode(sb(a0, a1, -33), kPc).imm == -33);
  CHECK(decode(jalr(ra, a1, -4), kPc).imm == -4);
  CHECK(decode(slli(a0, a1, 63), kPc).imm == 63);
  CHECK(decode(srli(a0, a1, 32), kPc).imm == 32);
  CHECK(decode(srai(a0, a1, 63), kPc).imm == 63);
  CHECK(decode(srai(a0, a1, 1), kPc).imm == 1);
  CHECK(decode(sraiw(a0, a1, 31), kPc).imm == 31);
  CHECK(decode(slliw(a0, a1, 17), kPc).imm == 17);
}

TEST_CASE("decode resolves branch, jal and auipc targets relative to the pc") {
  CHECK(decode(beq(a0, a1, -4096), kPc).imm == int64_t(kPc - 4096));
  CHECK(decode(bne(a0, a1, 4094), kPc).imm == int64_t(kPc + 4094));
  CHECK(decode(bltu(a0, a1, 2), kPc).imm == int64_t(kPc + 2));
  CHECK(decode(jal(ra, -0x100000), kPc).imm == int64_t(kPc - 0x100000));
  CHECK(decode(jal(ra, 0xffffe), kPc).imm == int64_t(kPc + 0xffffe));
  CHECK(decode(auipc(a0, 0x00001), kPc).imm == int64_t(kPc + 0x1000));
  // auipc's 20-bit field is sign-extended: 0xfffff << 12 is -4096.
  CHECK(decode(auipc(a0, 0xfffff), kPc).imm == int64_t(kPc - 0x1000));
}

TEST_CASE("decode puts the CSR number of csr instructions in Instruction::csr") {
  CHECK(decode(csrrw(a0, dojo::test::rv::csr::mstatus, a1), kPc).csr() == dojo::test::rv::csr::mstatus);
  CHECK(decode(csrrs(a0, dojo::test::rv::csr::cycle, zero), kPc).csr() == dojo::test::rv::csr::cycle);
  CHECK(decode(csrrci(a0, dojo::test::rv::csr::mhartid, 0), kPc).csr() == dojo::test::rv::csr::mhartid);
  CHECK(decode(csrrwi(a0, 0xFFF, 31), kPc).csr() == 0xFFF);
}

TEST_CASE("decode accepts every aq/rl combination on atomics") {
  for (unsigned ordering = 0; ordering < 4; ++ordering) {
    CHECK(decode(lr_d(a0, a1, ordering), kPc).op == Op::lr_d);
    CHECK(decode(sc_w(a0, a2, a1, ordering), kPc).op == Op::sc_w);
    CHECK(decode(amomaxu_d(a0, a2, a1, ordering), kPc).op == Op::amomaxu_d);
  }
}

TEST_CASE("decode ignores the reserved fields of fence and fence.i (HINT space)") {
  // FENCE with fm=1000 (fence.tso), odd pred/succ, rs1/rd set: base implementations ignore them.
  CHECK(decode(0x8330000F, kPc).op == Op::fence);            // fence.tso
  CHECK(decode(fence(0, 0xF), kPc).op == Op::fence);         // pred=0: a HINT
  CHECK(decode(fence(1, 0), kPc).op == Op::fence);           // pause
  CHECK(decode(fence() | a1 << 15 | a0 << 7, kPc).op == Op::fence);
  CHECK(decode(fence_i() | 0x123u << 20 | a1 << 15 | a0 << 7, kPc).op == Op::fence_i);
}

TEST_CASE("decode rejects undefined and reserved 32-bit encodings as illegal") {
  const uint32_t illegal[] = {
      0x00000000,                         // all zero (a reserved 16-bit encoding)
      0xFFFFFFFF,                         // all ones
      r_type(op::op, a0, 0, a1, a2, 0x02),  // OP with an unknown funct7
      r_type(op::op, a0, 1, a1, a2, 0x20),  // sll with funct7=0100000
      r_type(op::op, a0, 5, a1, a2, 0x40),  // srl with funct7 bit 31 set
      r_type(op::op_32, a0, 1, a1, a2, 0x01),  // mulhw does not exist
      r_type(op::op_32, a0, 2, a1, a2, 0x01),
      r_type(op::op_32, a0, 3, a1, a2, 0x01),
      r_type(op::op_32, a0, 2, a1, a2, 0x00),  // OP-32 funct3=2
      r_type(op::op_32, a0, 0, a1, a2, 0x02),  // addw with an unknown funct7
      i_type(op::op_imm_32, a0, 2, a1, 0),     // OP-IMM-32 funct3=2
      slliw(a0, a1, 0) | 1u << 25,             // W shifts with imm[5]=1 are reserved
      srliw(a0, a1, 0) | 1u << 25,
      sraiw(a0, a1, 0) | 1u << 25,
      srliw(a0, a1, 0) | 1u << 31,             // unknown funct7 in a W shift
      slli(a0, a1, 0) | 0x10u << 26,           // slli with funct6=010000
      srli(a0, a1, 0) | 0x20u << 26,           // shift with an unknown funct6
      i_type(op::load, a0, 7, a1, 0),          // ldu (RV128)
      s_type(op::store, 4, a1, a0, 0),         // sq-like store funct3
      s_type(op::store, 7, a1, a0, 0),
      b_type(op::branch, 2, a0, a1, 8),        // branch funct3=2
      b_type(op::branch, 3, a0, a1, 8),
      i_type(op::jalr, ra, 1, a1, 0),          // jalr funct3!=0
      i_type(op::misc_mem, 0, 2, 0, 0),        // MISC-MEM funct3=2
      amo(amo_funct5::add, 0, a0, a2, a1),     // amoadd.b (Zabha, absent)
      amo(amo_funct5::add, 1, a0, a2, a1),     // amoadd.h
      amo(amo_funct5::add, 4, a0, a2, a1),     // amoadd.q
      amo(0x05, 2, a0, a2, a1),                // unknown AMO funct5
      amo(0x1F, 3, a0, a2, a1),
      lr_w(a0, a1) | a2 << 20,                 // lr.w with rs2 != 0
      lr_d(a0, a1) | 1u << 20,
      ecall() | a0 << 7,                       // ecall with rd != 0
      ecall() | a0 << 15,                      // ecall with rs1 != 0
      ebreak() | 1u << 7,
      mret() | 1u << 15,
      wfi() | 1u << 7,
      0x10200073,                              // sret (no S-mode)
      0x00200073,                              // uret
      0x12000073,                              // sfence.vma
      0x7B200073,                              // dret (debug mode only)
      0x00300073,                              // unknown SYSTEM funct12
      (csrrw(a0, dojo::test::rv::csr::mscratch, a1) & ~(7u << 12)) | 4u << 12,  // SYSTEM funct3=4
      0x00000007,                              // LOAD-FP
      0x00002027,                              // STORE-FP (fsw)
      0x00000053,                              // OP-FP (fadd.s)
      0x00000043,                              // FMADD
      0x0000002B,                              // custom-1
      0x0000005B,                              // custom-2
      0x0000007B,                              // custom-3
      0x00000057,                              // OP-V
      0x0000001F,                              // 48-bit instruction prefix
      0x0000003F,                              // 64-bit instruction prefix
      0x0000007F,                              // >=80-bit prefix
  };
  for (uint32_t insn : illegal) {
    INFO("instruction " << hex(insn));
    CHECK(decode(insn, kPc).op == Op::illegal);
  }
}

TEST_CASE("custom-0 instructions decode as vector-unit operations, which the engine judges") {
  CHECK(decode(0x0000000B, kPc).op == Op::vector);
  CHECK(decode(0x0220C28B, kPc).op == Op::vector);  // vadd.f32 v5, v1, v2
}

TEST_CASE("is_32bit tells 32-bit instructions from compressed ones by the low two bits") {
  CHECK(is_32bit(0x0013));
  CHECK(is_32bit(0xFFFF));
  CHECK_FALSE(is_32bit(0x0001));
  CHECK_FALSE(is_32bit(0x0002));
  CHECK_FALSE(is_32bit(0x0000));
}

TEST_CASE("op_name gives a distinct non-empty name to every operation") {
  std::set<std::string> names;
  for (unsigned i = 0; i < static_cast<unsigned>(Op::count); ++i) {
    const char* name = op_name(static_cast<Op>(i));
    REQUIRE(name != nullptr);
    CHECK(std::string(name).size() > 0);
    names.insert(name);
  }
  CHECK(names.size() == static_cast<size_t>(Op::count));
  CHECK(std::string(op_name(Op::add)) == "add");
  CHECK(std::string(op_name(Op::amomaxu_d)).find("amomaxu") == 0);
}

namespace {

struct Expansion {
  CInsn c;
  uint32_t expected;
  const char* what;
};

// Every RV64C instruction at the edges of its immediate range and with registers in every field
// position, next to the 32-bit instruction the RVC chapter says it expands to.
const Expansion kExpansions[] = {
    {c_addi4spn(s0, 4), addi(s0, sp, 4), "c.addi4spn min"},
    {c_addi4spn(a5, 1020), addi(a5, sp, 1020), "c.addi4spn max"},
    {c_addi4spn(a0, 0x2A8), addi(a0, sp, 0x2A8), "c.addi4spn mixed bits"},
    {c_addi4spn(a1, 0x154), addi(a1, sp, 0x154), "c.addi4spn other bits"},
    {c_lw(a0, a1, 0), lw(a0, a1, 0), "c.lw 0"},
    {c_lw(s1, s0, 124), lw(s1, s0, 124), "c.lw max"},
    {c_lw(a5, a4, 0x44), lw(a5, a4, 0x44), "c.lw uimm[6|2]"},
    {c_ld(a0, a1, 248), ld(a0, a1, 248), "c.ld max"},
    {c_ld(s0, a5, 0x48), ld(s0, a5, 0x48), "c.ld uimm[6|3]"},
    {c_ld(a2, a3, 0x80), ld(a2, a3, 0x80), "c.ld uimm[7]"},
    {c_sw(a0, a1, 124), sw(a0, a1, 124), "c.sw max"},
    {c_sw(s1, a5, 0x44), sw(s1, a5, 0x44), "c.sw uimm[6|2]"},
    {c_sd(a5, a4, 248), sd(a5, a4, 248), "c.sd max"},
    {c_sd(s0, s1, 0x48), sd(s0, s1, 0x48), "c.sd uimm[6|3]"},
    {c_nop(), addi(zero, zero, 0), "c.nop"},
    {c_addi(a0, -32), addi(a0, a0, -32), "c.addi min"},
    {c_addi(t6, 31), addi(t6, t6, 31), "c.addi max"},
    {c_addi(sp, 1), addi(sp, sp, 1), "c.addi sp"},
    {c_addi(zero, 5), addi(zero, zero, 5), "c.addi rd=0 (HINT)"},
    {c_addi(a0, 0), addi(a0, a0, 0), "c.addi imm=0 (HINT)"},
    {c_addiw(a0, -1), addiw(a0, a0, -1), "c.addiw"},
    {c_addiw(t6, 31), addiw(t6, t6, 31), "c.addiw max"},
    {c_addiw(a0, 0), addiw(a0, a0, 0), "c.addiw imm=0 (sext.w)"},
    {c_li(ra, -32), addi(ra, zero, -32), "c.li min"},
    {c_li(a0, 31), addi(a0, zero, 31), "c.li max"},
    {c_li(zero, 1), addi(zero, zero, 1), "c.li rd=0 (HINT)"},
    {c_addi16sp(-512), addi(sp, sp, -512), "c.addi16sp min"},
    {c_addi16sp(496), addi(sp, sp, 496), "c.addi16sp max"},
    {c_addi16sp(16), addi(sp, sp, 16), "c.addi16sp 16"},
    {c_addi16sp(0x1A0), addi(sp, sp, 0x1A0), "c.addi16sp mixed bits"},
    {c_addi16sp(-0x60), addi(sp, sp, -0x60), "c.addi16sp negative"},
    {c_lui(a0, 1), lui(a0, 1), "c.lui 1"},
    {c_lui(s0, 31), lui(s0, 31), "c.lui max"},
    {c_lui(t6, -32), lui(t6, 0xFFFE0), "c.lui min (sign-extended)"},
    {c_lui(a0, -1), lui(a0, 0xFFFFF), "c.lui -1"},
    {c_lui(zero, 1), lui(zero, 1), "c.lui rd=0 (HINT)"},
    {c_srli(a0, 1), srli(a0, a0, 1), "c.srli"},
    {c_srli(s1, 63), srli(s1, s1, 63), "c.srli shamt[5]"},
    {c_srli(a5, 0), srli(a5, a5, 0), "c.srli shamt=0 (HINT)"},
    {c_srai(a5, 32), srai(a5, a5, 32), "c.srai shamt[5]"},
    {c_srai(s0, 31), srai(s0, s0, 31), "c.srai"},
    {c_srai(a2, 0), srai(a2, a2, 0), "c.srai shamt=0 (HINT)"},
    {c_andi(a0, -32), andi(a0, a0, -32), "c.andi min"},
    {c_andi(a4, 31), andi(a4, a4, 31), "c.andi max"},
    {c_andi(s1, 0), andi(s1, s1, 0), "c.andi 0"},
    {c_sub(a0, a1), sub(a0, a0, a1), "c.sub"},
    {c_xor(s0, a5), xor_(s0, s0, a5), "c.xor"},
    {c_or(a2, a3), or_(a2, a2, a3), "c.or"},
    {c_and(a4, s1), and_(a4, a4, s1), "c.and"},
    {c_subw(a5, s0), subw(a5, a5, s0), "c.subw"},
    {c_addw(s1, a0), addw(s1, s1, a0), "c.addw"},
    {c_j(2046), jal(zero, 2046), "c.j max"},
    {c_j(-2048), jal(zero, -2048), "c.j min"},
    {c_j(0x2AA), jal(zero, 0x2AA), "c.j mixed bits"},
    {c_j(-0x556), jal(zero, -0x556), "c.j mixed bits negative"},
    {c_beqz(a0, 254), beq(a0, zero, 254), "c.beqz max"},
    {c_beqz(s0, -256), beq(s0, zero, -256), "c.beqz min"},
    {c_bnez(s1, 0xAA), bne(s1, zero, 0xAA), "c.bnez mixed bits"},
    {c_bnez(a5, -0x56), bne(a5, zero, -0x56), "c.bnez negative"},
    {c_slli(a0, 63), slli(a0, a0, 63), "c.slli shamt[5]"},
    {c_slli(ra, 1), slli(ra, ra, 1), "c.slli"},
    {c_slli(zero, 3), slli(zero, zero, 3), "c.slli rd=0 (HINT)"},
    {c_slli(t0, 0), slli(t0, t0, 0), "c.slli shamt=0 (HINT)"},
    {c_lwsp(a0, 252), lw(a0, sp, 252), "c.lwsp max"},
    {c_lwsp(t6, 4), lw(t6, sp, 4), "c.lwsp"},
    {c_lwsp(ra, 0xA4), lw(ra, sp, 0xA4), "c.lwsp mixed bits"},
    {c_ldsp(a0, 504), ld(a0, sp, 504), "c.ldsp max"},
    {c_ldsp(ra, 8), ld(ra, sp, 8), "c.ldsp"},
    {c_ldsp(s11, 0x128), ld(s11, sp, 0x128), "c.ldsp mixed bits"},
    {c_swsp(a0, 252), sw(a0, sp, 252), "c.swsp max"},
    {c_swsp(zero, 0x44), sw(zero, sp, 0x44), "c.swsp x0 source"},
    {c_sdsp(a0, 504), sd(a0, sp, 504), "c.sdsp max"},
    {c_sdsp(t6, 0x128), sd(t6, sp, 0x128), "c.sdsp mixed bits"},
    {c_jr(ra), jalr(zero, ra, 0), "c.jr"},
    {c_jr(t6), jalr(zero, t6, 0), "c.jr t6"},
    {c_jalr(t0), jalr(ra, t0, 0), "c.jalr"},
    {c_jalr(ra), jalr(ra, ra, 0), "c.jalr ra"},
    {c_mv(a0, a1), add(a0, zero, a1), "c.mv"},
    {c_mv(zero, a1), add(zero, zero, a1), "c.mv rd=0 (HINT)"},
    {c_add(a0, t6), add(a0, a0, t6), "c.add"},
    {c_add(zero, t6), add(zero, zero, t6), "c.add rd=0 (HINT)"},
    {c_ebreak(), ebreak(), "c.ebreak"},
};

}  // namespace

TEST_CASE("expand_compressed expands every RV64C instruction to its 32-bit equivalent") {
  for (const Expansion& x : kExpansions) {
    INFO(x.what << ": " << hex(x.c.bits) << " expected " << hex(x.expected));
    CHECK(hex(expand_compressed(x.c.bits)) == hex(x.expected));
  }
}

TEST_CASE("expand_compressed returns 0 for reserved compressed encodings") {
  const std::pair<uint16_t, const char*> reserved[] = {
      {0x0000, "all-zero instruction"},
      {c_raw(0b000u << 13 | 3u << 2).bits, "c.addi4spn with nzuimm=0, rd'=x11"},
      {c_raw(0b100u << 13 | 0x1FFCu).bits, "quadrant 0 funct3=100"},
      {c_raw(0b100u << 13).bits, "quadrant 0 funct3=100, zero fields"},
      {c_addiw(zero, 1).bits, "c.addiw rd=0"},
      {c_addiw(zero, 0).bits, "c.addiw rd=0, imm=0"},
      {0x6101, "c.addi16sp with nzimm=0"},
      {c_lui(a0, 0).bits, "c.lui with nzimm=0"},
      {c_lui(zero, 0).bits, "c.lui rd=0, nzimm=0"},
      {c_raw(0b100111u << 10 | 0b10u << 5 | 0b01).bits, "quadrant 1 funct6=100111 funct2=10"},
      {c_raw(0b100111u << 10 | 0b11u << 5 | 0b01).bits, "quadrant 1 funct6=100111 funct2=11"},
      {c_lwsp(zero, 4).bits, "c.lwsp rd=0"},
      {c_ldsp(zero, 8).bits, "c.ldsp rd=0"},
      {c_raw(0x8002).bits, "c.jr rs1=0"},
  };
  for (const auto& [insn, what] : reserved) {
    INFO(what << ": " << hex(insn));
    CHECK(expand_compressed(insn) == 0);
  }
}

TEST_CASE("decode executes compressed forms as their expansion with length 2 and the raw 16 bits") {
  for (const Expansion& x : kExpansions) {
    INFO(x.what << ": " << hex(x.c.bits));
    Instruction c = decode(x.c.bits, kPc);
    Instruction full = decode(x.expected, kPc);
    CHECK(c.op == full.op);
    CHECK(c.length() == 2);
    CHECK(c.raw == x.c.bits);
    CHECK(c.rd == full.rd);
    CHECK(c.rs1 == full.rs1);
    CHECK(c.rs2 == full.rs2);
    CHECK(c.imm == full.imm);
  }
}

TEST_CASE("decode resolves compressed branch and jump targets relative to their own pc") {
  CHECK(decode(c_j(-2048).bits, kPc).imm == int64_t(kPc - 2048));
  CHECK(decode(c_j(2046).bits, kPc + 2).imm == int64_t(kPc + 2 + 2046));
  CHECK(decode(c_beqz(a0, -256).bits, kPc).imm == int64_t(kPc - 256));
  CHECK(decode(c_bnez(a0, 254).bits, kPc + 6).imm == int64_t(kPc + 6 + 254));
}

TEST_CASE("decode makes reserved compressed encodings and the D-extension forms illegal") {
  const uint16_t illegal[] = {
      0x0000,
      c_raw(0b000u << 13 | 5u << 2).bits,   // c.addi4spn nzuimm=0
      c_raw(0b100u << 13 | 0x0FFCu).bits,   // quadrant 0 funct3=100
      c_addiw(zero, 3).bits,
      0x6101,                               // c.addi16sp 0
      c_lui(t0, 0).bits,
      c_raw(0b100111u << 10 | 0b10u << 5 | 0b01).bits,
      c_raw(0b100111u << 10 | 0b11u << 5 | 0b01).bits,
      c_lwsp(zero, 0).bits,
      c_ldsp(zero, 0).bits,
      0x8002,                               // c.jr x0
      c_fld(a0, a1, 8).bits,                // no D extension
      c_fsd(a0, a1, 8).bits,
      c_fldsp(a0, 8).bits,
      c_fsdsp(a0, 8).bits,
  };
  for (uint16_t insn : illegal) {
    INFO("compressed " << hex(insn));
    Instruction e = decode(insn, kPc);
    CHECK(e.op == Op::illegal);
    CHECK(e.length() == 2);
    CHECK(e.raw == insn);
  }
}

TEST_CASE("decode fills exactly the fields of the instruction's format, zero the rest") {
  for (const OpRow& row : kEveryInstruction) {
    const Instruction e = decode(row.insn, kPc);
    INFO(op_name(row.op) << " " << mnemonic(row.op));
    REQUIRE(e.op == row.op);
    const Format f = format(e.op);
    const bool uses_rs1 = f == Format::i || f == Format::load || f == Format::store ||
                          f == Format::b || f == Format::r || f == Format::lr ||
                          f == Format::amo || f == Format::csr || f == Format::vector;
    const bool uses_rs2 = f == Format::b || f == Format::store || f == Format::r ||
                          f == Format::amo || f == Format::vector;
    if (!writes_rd(e.op)) CHECK(e.rd == 0);
    if (!uses_rs1) CHECK(e.rs1 == 0);
    if (!uses_rs2) CHECK(e.rs2 == 0);
    if (f == Format::r || f == Format::amo || f == Format::lr || f == Format::csr ||
        f == Format::none)
      CHECK(e.imm == 0);
  }
}

TEST_CASE("the instruction table gives each instruction one mnemonic and a cost class") {
  std::set<std::string> mnemonics;
  for (unsigned i = 0; i < static_cast<unsigned>(Op::count); ++i) mnemonics.insert(mnemonic(Op(i)));
  CHECK(mnemonics.size() == static_cast<size_t>(Op::count));
  CHECK(std::string(mnemonic(Op::xor_)) == "xor");
  CHECK(std::string(mnemonic(Op::amoadd_w)) == "amoadd.w");
  const CycleModel model{5, 6, 7, 11, 13, 17, 19, 23, 29};
  CHECK(extra_cycles(Op::lw, model) == 4);
  CHECK(extra_cycles(Op::sd, model) == 5);
  CHECK(extra_cycles(Op::mulhsu, model) == 6);
  CHECK(extra_cycles(Op::remuw, model) == 10);
  CHECK(extra_cycles(Op::bgeu, model) == 12);  // when taken
  CHECK(extra_cycles(Op::jalr, model) == 16);
  CHECK(extra_cycles(Op::csrrci, model) == 18);
  CHECK(extra_cycles(Op::sc_d, model) == 22);
  CHECK(extra_cycles(Op::fence_i, model) == 28);
  CHECK(extra_cycles(Op::add, model) == 0);
  CHECK(access_bytes(Op::lbu) == 1);
  CHECK(access_bytes(Op::sh) == 2);
}
