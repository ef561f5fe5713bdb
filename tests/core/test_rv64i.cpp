// RV64I execution: arithmetic, control transfer, memory (fast, bus, misaligned, faulting), fetch
// faults, illegal instructions, self-modifying code, and the run/step/cycle contract of Hart.
#include <catch2/catch.hpp>

#include "hart_fixture.h"

using namespace dojo::core;
using namespace dojo::test;
using namespace dojo::test::rv;

using F = HartFixture;

namespace {
constexpr uint64_t kMax64 = kMin64 - 1;
}  // namespace

// ---------------------------------------------------------------------------------------------
// Integer computation.

TEST_CASE("add, sub, and, or, xor wrap modulo 2^64 and use all 64 bits") {
  HartFixture f;
  check_eval(f, {
      {"add", add(a0, a1, a2), 1, 2, 3},
      {"add wraps", add(a0, a1, a2), kAllOnes, 1, 0},
      {"add signed overflow", add(a0, a1, a2), kMax64, 1, kMin64},
      {"add carries past bit 31", add(a0, a1, a2), 0xFFFFFFFF, 1, 0x100000000},
      {"sub negative", sub(a0, a1, a2), 3, 5, 0xFFFFFFFFFFFFFFFE},
      {"sub signed overflow", sub(a0, a1, a2), kMin64, 1, kMax64},
      {"sub equal", sub(a0, a1, a2), 0x123456789, 0x123456789, 0},
      {"and", and_(a0, a1, a2), 0xFF00FF00FF00FF00, 0x0FF00FF00FF00FF0, 0x0F000F000F000F00},
      {"or", or_(a0, a1, a2), 0xFF00FF00FF00FF00, 0x0FF00FF00FF00FF0, 0xFFF0FFF0FFF0FFF0},
      {"xor", xor_(a0, a1, a2), 0xFF00FF00FF00FF00, 0x0FF00FF00FF00FF0, 0xF0F0F0F0F0F0F0F0},
  });
}

TEST_CASE("slt compares signed and sltu unsigned") {
  HartFixture f;
  check_eval(f, {
      {"slt -1 < 1", slt(a0, a1, a2), kAllOnes, 1, 1},
      {"slt 1 < -1", slt(a0, a1, a2), 1, kAllOnes, 0},
      {"slt equal", slt(a0, a1, a2), 5, 5, 0},
      {"slt min < max", slt(a0, a1, a2), kMin64, kMax64, 1},
      {"sltu -1 < 1", sltu(a0, a1, a2), kAllOnes, 1, 0},
      {"sltu 1 < -1", sltu(a0, a1, a2), 1, kAllOnes, 1},
      {"sltu equal", sltu(a0, a1, a2), 5, 5, 0},
      {"sltu 0 < 1 (snez)", sltu(a0, zero, a2), 0, 1, 1},
  });
}

TEST_CASE("sll, srl, sra shift by the low 6 bits of rs2") {
  HartFixture f;
  check_eval(f, {
      {"sll 63", sll(a0, a1, a2), 1, 63, kMin64},
      {"sll 64 is 0", sll(a0, a1, a2), 1, 64, 1},
      {"sll 68 is 4", sll(a0, a1, a2), 0xFF, 68, 0xFF0},
      {"sll upper rs2 bits ignored", sll(a0, a1, a2), 1, 0xFFFFFFFFFFFFFFC1, 2},
      {"srl 63", srl(a0, a1, a2), kMin64, 63, 1},
      {"srl 64 is 0", srl(a0, a1, a2), kMin64, 64, kMin64},
      {"srl logical", srl(a0, a1, a2), kAllOnes, 60, 0xF},
      {"sra 63", sra(a0, a1, a2), kMin64, 63, kAllOnes},
      {"sra 1", sra(a0, a1, a2), kMin64, 1, 0xC000000000000000},
      {"sra positive", sra(a0, a1, a2), 0x4000000000000000, 62, 1},
      {"sra 66 is 2", sra(a0, a1, a2), 0xFFFFFFFFFFFFFFF0, 66, 0xFFFFFFFFFFFFFFFC},
  });
}

TEST_CASE("immediate ALU operations sign-extend their 12-bit immediate") {
  HartFixture f;
  check_eval(f, {
      {"addi -1", addi(a0, a1, -1), 1, 0, 0},
      {"addi 2047", addi(a0, a1, 2047), 0, 0, 2047},
      {"addi -2048", addi(a0, a1, -2048), 0, 0, 0xFFFFFFFFFFFFF800},
      {"addi overflow", addi(a0, a1, 1), kMax64, 0, kMin64},
      {"slti -5 < -4", slti(a0, a1, -4), uint64_t(-5), 0, 1},
      {"slti -4 < -5", slti(a0, a1, -5), uint64_t(-4), 0, 0},
      {"slti 1 < -2048", slti(a0, a1, -2048), 1, 0, 0},
      {"sltiu seqz of 0", sltiu(a0, a1, 1), 0, 0, 1},
      {"sltiu seqz of 5", sltiu(a0, a1, 1), 5, 0, 0},
      {"sltiu -1 is the largest unsigned", sltiu(a0, a1, -1), 0xFFFFFFFFFFFFFFFE, 0, 1},
      {"sltiu all-ones < all-ones", sltiu(a0, a1, -1), kAllOnes, 0, 0},
      {"xori -1 is not", xori(a0, a1, -1), 0x0F0F, 0, 0xFFFFFFFFFFFFF0F0},
      {"xori", xori(a0, a1, 0x0F), 0xFF, 0, 0xF0},
      {"ori negative", ori(a0, a1, -2048), 0x100, 0, 0xFFFFFFFFFFFFF900},
      {"andi negative", andi(a0, a1, -16), kAllOnes, 0, 0xFFFFFFFFFFFFFFF0},
      {"andi positive", andi(a0, a1, 0x7FF), 0x12345678, 0, 0x678},
  });
}

TEST_CASE("slli, srli, srai shift by 0 to 63") {
  HartFixture f;
  check_eval(f, {
      {"slli 0", slli(a0, a1, 0), 0x0123456789ABCDEF, 0, 0x0123456789ABCDEF},
      {"slli 4", slli(a0, a1, 4), 0x0123456789ABCDEF, 0, 0x123456789ABCDEF0},
      {"slli 63", slli(a0, a1, 63), 1, 0, kMin64},
      {"srli 63", srli(a0, a1, 63), kMin64, 0, 1},
      {"srli 32", srli(a0, a1, 32), kAllOnes, 0, 0xFFFFFFFF},
      {"srai 63", srai(a0, a1, 63), kMin64, 0, kAllOnes},
      {"srai 32", srai(a0, a1, 32), kMin64, 0, 0xFFFFFFFF80000000},
      {"srai positive", srai(a0, a1, 8), 0x7F00, 0, 0x7F},
  });
}

TEST_CASE("addw, subw, addiw compute on the low 32 bits and sign-extend the result") {
  HartFixture f;
  check_eval(f, {
      {"addw overflow", addw(a0, a1, a2), 0x7FFFFFFF, 1, 0xFFFFFFFF80000000},
      {"addw ignores upper bits", addw(a0, a1, a2), 0xFFFFFFFF00000005, 0x1234567800000003, 8},
      {"addw -1", addw(a0, a1, a2), 0xFFFFFFFF, 0, kAllOnes},
      {"addw wraps to 0", addw(a0, a1, a2), 0x80000000, 0x80000000, 0},
      {"subw", subw(a0, a1, a2), 0, 1, kAllOnes},
      {"subw overflow", subw(a0, a1, a2), 0x80000000, 1, 0x7FFFFFFF},
      {"subw ignores upper bits", subw(a0, a1, a2), 0x100000000, 0, 0},
      {"addiw overflow", addiw(a0, a1, 1), 0x7FFFFFFF, 0, 0xFFFFFFFF80000000},
      {"addiw 0 is sext.w", addiw(a0, a1, 0), 0x1FFFFFFFF, 0, kAllOnes},
      {"addiw -2048", addiw(a0, a1, -2048), 0, 0, 0xFFFFFFFFFFFFF800},
      {"addiw ignores upper bits", addiw(a0, a1, 1), 0xABCD000000000001, 0, 2},
  });
}

TEST_CASE("W shifts use 5-bit shift amounts, work on the low 32 bits and sign-extend") {
  HartFixture f;
  check_eval(f, {
      {"sllw 31", sllw(a0, a1, a2), 1, 31, 0xFFFFFFFF80000000},
      {"sllw 32 is 0", sllw(a0, a1, a2), 1, 32, 1},
      {"sllw 33 is 1, upper input ignored", sllw(a0, a1, a2), 0xFFFFFFFF00000001, 33, 2},
      {"sllw 63 is 31", sllw(a0, a1, a2), 3, 63, 0xFFFFFFFF80000000},
      {"srlw 0 sign-extends bit 31", srlw(a0, a1, a2), 0xFFFFFFFF80000000, 0, 0xFFFFFFFF80000000},
      {"srlw 1 zero-fills from bit 31", srlw(a0, a1, a2), 0xFFFFFFFF80000000, 1, 0x40000000},
      {"srlw 32 is 0", srlw(a0, a1, a2), kAllOnes, 32, kAllOnes},
      {"srlw 31", srlw(a0, a1, a2), kAllOnes, 31, 1},
      {"srlw 36 is 4", srlw(a0, a1, a2), 0x1234567880000000, 36, 0x08000000},
      {"sraw 31", sraw(a0, a1, a2), 0x80000000, 31, kAllOnes},
      {"sraw 32 is 0", sraw(a0, a1, a2), 0x80000000, 32, 0xFFFFFFFF80000000},
      {"sraw uses bit 31, not bit 63", sraw(a0, a1, a2), 0x7FFFFFFF00000010, 2, 4},
      {"sraw 4", sraw(a0, a1, a2), 0x80000000, 4, 0xFFFFFFFFF8000000},
      {"slliw 31", slliw(a0, a1, 31), 1, 0, 0xFFFFFFFF80000000},
      {"slliw 0 is sext.w", slliw(a0, a1, 0), 0x100000001, 0, 1},
      {"slliw 4", slliw(a0, a1, 4), 0xFFFFFFFF, 0, 0xFFFFFFFFFFFFFFF0},
      {"srliw 0 sign-extends", srliw(a0, a1, 0), 0x80000000, 0, 0xFFFFFFFF80000000},
      {"srliw 31", srliw(a0, a1, 31), 0xFFFFFFFF80000000, 0, 1},
      {"srliw 1", srliw(a0, a1, 1), 0x80000000, 0, 0x40000000},
      {"sraiw 31", sraiw(a0, a1, 31), 0x80000000, 0, kAllOnes},
      {"sraiw 0 sign-extends", sraiw(a0, a1, 0), 0x80000000, 0, 0xFFFFFFFF80000000},
      {"sraiw ignores upper bits", sraiw(a0, a1, 30), 0x1234567840000000, 0, 1},
  });
}

TEST_CASE("lui sign-extends its 32-bit result") {
  HartFixture f;
  check_eval(f, {
      {"lui positive", lui(a0, 0x7FFFF), 0, 0, 0x7FFFF000},
      {"lui bit 31", lui(a0, 0x80000), 0, 0, 0xFFFFFFFF80000000},
      {"lui all ones", lui(a0, 0xFFFFF), 0, 0, 0xFFFFFFFFFFFFF000},
      {"lui 0", lui(a0, 0), 0, 0, 0},
  });
}

TEST_CASE("auipc adds the sign-extended upper immediate to its own pc") {
  HartFixture f;
  REQUIRE(f.run({nop(), auipc(a0, 0), auipc(a1, 0xFFFFF), auipc(a2, 0x80000), auipc(a3, 0x00001)}) ==
          Outcome::finished);
  CHECK(Hex{f.x(a0)} == Hex{F::kCode + 4});
  CHECK(Hex{f.x(a1)} == Hex{F::kCode + 8 - 0x1000});
  CHECK(Hex{f.x(a2)} == Hex{F::kCode + 12 - 0x80000000});
  CHECK(Hex{f.x(a3)} == Hex{F::kCode + 16 + 0x1000});
}

TEST_CASE("writes to x0 are discarded and x0 always reads 0") {
  HartFixture f;
  f.set_x(a1, F::kData);
  f.poke(F::kData, 0x1122334455667788, 8);
  f.poke(F::kData + 8, kAllOnes, 8);
  REQUIRE(f.run({
              addi(zero, zero, 5),
              lui(zero, 0x12345),
              auipc(zero, 1),
              ld(zero, a1, 0),
              jal(zero, 4),
              add(zero, a1, a1),
              csrrs(zero, rv::csr::mscratch, zero),
              add(a0, zero, zero),
              addi(a2, zero, 7),
              sd(zero, a1, 8),
          }) == Outcome::finished);
  CHECK(f.x(zero) == 0);
  CHECK(f.x(a0) == 0);
  CHECK(f.x(a2) == 7);
  CHECK(f.peek(F::kData + 8, 8) == 0);
}

TEST_CASE("base-ISA HINT encodings execute as no-ops") {
  HartFixture f;
  f.set_x(a0, 0x1234);
  REQUIRE(f.run({
              addi(zero, a0, 77),        // HINT: addi x0 with rs1 != x0
              slli(zero, a0, 3),
              slti(zero, a0, 1),
              add(zero, a0, a0),
              lui(zero, 1),
              fence(0, 0xF),             // pred=0
              fence(1, 0),               // pause
              fence(0x8, 0x8),
              addi(a1, a0, 1),
          }) == Outcome::finished);
  CHECK(f.x(a0) == 0x1234);
  CHECK(f.x(a1) == 0x1235);
}

// ---------------------------------------------------------------------------------------------
// Control transfer.

TEST_CASE("jal links pc+4 and jumps forward and backward") {
  HartFixture f;
  f.set_x(a0, 0);
  REQUIRE(f.run({
              jal(ra, 16),     // 0  -> 16
              li(a0, 99),      // 4
              jal(t0, 12),     // 8  -> 20
              li(a0, 98),      // 12
              jal(s0, -8),     // 16 -> 8
          }) == Outcome::finished);
  CHECK(f.x(a0) == 0);
  CHECK(Hex{f.x(ra)} == Hex{F::kCode + 4});
  CHECK(Hex{f.x(t0)} == Hex{F::kCode + 12});
  CHECK(Hex{f.x(s0)} == Hex{F::kCode + 20});
}

TEST_CASE("jalr jumps to (rs1 + imm) with bit 0 cleared and links pc+4, even when rd == rs1") {
  HartFixture f;
  f.set_x(a0, 0);
  f.set_x(a1, F::kCode + 17);   // 17 - 1 = 16
  f.set_x(a2, F::kCode + 24);   // 24 + 1 = 25, bit 0 cleared: 24
  REQUIRE(f.run({
              jalr(ra, a1, -1),  // 0 -> 16
              li(a0, 99),        // 4
              li(a0, 98),        // 8
              li(a0, 97),        // 12
              jalr(a2, a2, 1),   // 16 -> 24, a2 = 20
              li(a0, 96),        // 20
          }) == Outcome::finished);
  CHECK(f.x(a0) == 0);
  CHECK(Hex{f.x(ra)} == Hex{F::kCode + 4});
  CHECK(Hex{f.x(a2)} == Hex{F::kCode + 20});
}

namespace {

struct BranchCase {
  const char* what;
  uint32_t (*encode)(unsigned, unsigned, int64_t);
  uint64_t rs1;
  uint64_t rs2;
  bool taken;
};

const BranchCase kBranchCases[] = {
    {"beq equal", beq, 5, 5, true},
    {"beq different", beq, 5, 6, false},
    {"bne different", bne, 5, 6, true},
    {"bne equal", bne, 5, 5, false},
    {"blt -1 < 1", blt, kAllOnes, 1, true},
    {"blt 1 < -1", blt, 1, kAllOnes, false},
    {"blt equal", blt, 5, 5, false},
    {"blt min < 0", blt, kMin64, 0, true},
    {"bge 1 >= -1", bge, 1, kAllOnes, true},
    {"bge equal", bge, 5, 5, true},
    {"bge -1 >= 1", bge, kAllOnes, 1, false},
    {"bltu 1 < max", bltu, 1, kAllOnes, true},
    {"bltu max < 1", bltu, kAllOnes, 1, false},
    {"bltu equal", bltu, 5, 5, false},
    {"bgeu max >= 1", bgeu, kAllOnes, 1, true},
    {"bgeu equal", bgeu, 5, 5, true},
    {"bgeu 1 >= max", bgeu, 1, kAllOnes, false},
};

}  // namespace

TEST_CASE("conditional branches compare correctly and go forward or fall through") {
  HartFixture f;
  for (const BranchCase& c : kBranchCases) {
    INFO(c.what);
    f.set_x(a0, 0);
    f.set_x(a1, c.rs1);
    f.set_x(a2, c.rs2);
    REQUIRE(f.run({c.encode(a1, a2, 8), li(a0, 1)}) == Outcome::finished);
    CHECK(f.x(a0) == (c.taken ? 0 : 1));
  }
}

TEST_CASE("conditional branches go backward when taken") {
  HartFixture f;
  for (const BranchCase& c : kBranchCases) {
    INFO(c.what);
    f.set_x(a0, 0);
    f.set_x(a1, c.rs1);
    f.set_x(a2, c.rs2);
    REQUIRE(f.run({
                j(12),                    // 0 -> 12
                li(a0, 1),                // 4: reached only by the backward branch
                j(8),                     // 8 -> 16 (end)
                c.encode(a1, a2, -8),     // 12 -> 4 when taken
            }) == Outcome::finished);
    CHECK(f.x(a0) == (c.taken ? 1 : 0));
  }
}

TEST_CASE("a counted loop with a backward bne runs the right number of times") {
  HartFixture f;
  f.set_x(a0, 0);
  f.set_x(a1, 1000);
  REQUIRE(f.run({addi(a0, a0, 3), addi(a1, a1, -1), bne(a1, zero, -8)}) == Outcome::finished);
  CHECK(f.x(a0) == 3000);
  CHECK(f.x(a1) == 0);
}

// ---------------------------------------------------------------------------------------------
// Loads and stores in fast memory.

TEST_CASE("loads sign- or zero-extend, with negative and positive offsets") {
  HartFixture f;
  f.poke(F::kData, 0x8877665544332211, 8);
  f.poke(F::kData + 8, 0x7F6E5D4C3B2A1908, 8);
  const uint64_t base = F::kData + 8;
  check_eval(f, {
      {"lb negative", lb(a0, a1, -1), base, 0, 0xFFFFFFFFFFFFFF88},
      {"lb positive", lb(a0, a1, -8), base, 0, 0x11},
      {"lbu", lbu(a0, a1, -1), base, 0, 0x88},
      {"lh negative", lh(a0, a1, -2), base, 0, 0xFFFFFFFFFFFF8877},
      {"lh positive", lh(a0, a1, -8), base, 0, 0x2211},
      {"lhu", lhu(a0, a1, -2), base, 0, 0x8877},
      {"lw negative", lw(a0, a1, -4), base, 0, 0xFFFFFFFF88776655},
      {"lw positive", lw(a0, a1, -8), base, 0, 0x44332211},
      {"lwu", lwu(a0, a1, -4), base, 0, 0x88776655},
      {"ld", ld(a0, a1, -8), base, 0, 0x8877665544332211},
      {"ld positive offset", ld(a0, a1, 0), base, 0, 0x7F6E5D4C3B2A1908},
      {"lw positive offset", lw(a0, a1, 4), base, 0, 0x7F6E5D4C},
      {"lb with large offset", lb(a0, a1, 2047), F::kData - 2047, 0, 0x11},
  });
}

TEST_CASE("stores write exactly their width, little-endian") {
  HartFixture f;
  for (uint64_t i = 0; i < 16; i += 8) f.poke(F::kData + i, 0xAAAAAAAAAAAAAAAA, 8);
  f.set_x(a1, F::kData + 16);
  f.set_x(a2, 0x1122334455667788);
  REQUIRE(f.run({sb(a2, a1, -15), sh(a2, a1, -14), sw(a2, a1, -12), sd(a2, a1, -8)}) ==
          Outcome::finished);
  CHECK(Hex{f.peek(F::kData, 8)} == Hex{0x55667788778888AA});
  CHECK(Hex{f.peek(F::kData + 8, 8)} == Hex{0x1122334455667788});
}

TEST_CASE("misaligned loads and stores in fast memory complete without a trap") {
  HartFixture f;
  for (unsigned i = 0; i < 32; ++i) f.poke(F::kData + i, 0x10 + i, 1);
  auto expected_bytes = [](unsigned offset, unsigned len) {
    uint64_t v = 0;
    for (unsigned b = 0; b < len; ++b) v |= uint64_t(0x10 + offset + b) << (8 * b);
    return v;
  };
  for (unsigned offset = 1; offset < 8; ++offset) {
    INFO("offset " << offset);
    CHECK(Hex{f.eval(ld(a0, a1, 0), F::kData + offset)} == Hex{expected_bytes(offset, 8)});
    CHECK(Hex{f.eval(lwu(a0, a1, 0), F::kData + offset)} == Hex{expected_bytes(offset, 4)});
    CHECK(Hex{f.eval(lhu(a0, a1, 0), F::kData + offset)} == Hex{expected_bytes(offset, 2)});
  }
  f.poke(F::kData + 33, 0x80FF, 2);
  CHECK(Hex{f.eval(lh(a0, a1, 0), F::kData + 33)} == Hex{0xFFFFFFFFFFFF80FF});
  f.poke(F::kData + 35, 0x80000001, 4);
  CHECK(Hex{f.eval(lw(a0, a1, 0), F::kData + 35)} == Hex{0xFFFFFFFF80000001});

  f.set_x(a1, F::kData + 64);
  f.set_x(a2, 0x0807060504030201);
  REQUIRE(f.run({sd(a2, a1, 1), sw(a2, a1, 11), sh(a2, a1, 17)}) == Outcome::finished);
  CHECK(Hex{f.peek(F::kData + 65, 8)} == Hex{0x0807060504030201});
  CHECK(Hex{f.peek(F::kData + 75, 4)} == Hex{0x04030201});
  CHECK(Hex{f.peek(F::kData + 81, 2)} == Hex{0x0201});
  CHECK(f.peek(F::kData + 64, 1) == 0);
  CHECK(f.peek(F::kData + 73, 1) == 0);
  CHECK(f.peek(F::kData + 79, 1) == 0);
  CHECK(f.peek(F::kData + 83, 1) == 0);
}

TEST_CASE("misaligned accesses across a 4 KiB page boundary in fast memory") {
  HartFixture f;
  const uint64_t edge = F::kData + 0x1000;
  f.poke(edge - 4, 0x8877665544332211, 8);
  CHECK(Hex{f.eval(ld(a0, a1, 0), edge - 3)} == Hex{0x0088776655443322});
  CHECK(Hex{f.eval(lw(a0, a1, 0), edge - 1)} == Hex{0x77665544});
  f.set_x(a1, edge - 5);
  f.set_x(a2, 0x0102030405060708);
  REQUIRE(f.run({sd(a2, a1, 0)}) == Outcome::finished);
  CHECK(Hex{f.peek(edge - 5, 8)} == Hex{0x0102030405060708});
}

TEST_CASE("misaligned loads and stores across the end of fast memory reach bus memory") {
  HartFixture f;
  const uint64_t edge = F::kSlowRam;  // first byte served by the bus only
  f.poke(edge - 4, 0x44332211, 4);
  f.poke(edge, 0x88776655, 4);
  CHECK(Hex{f.eval(ld(a0, a1, 0), edge - 4)} == Hex{0x8877665544332211});
  CHECK(Hex{f.eval(ld(a0, a1, 0), edge - 3)} == Hex{0x0088776655443322});
  CHECK(Hex{f.eval(lw(a0, a1, 0), edge - 1)} == Hex{0x77665544});
  CHECK(Hex{f.eval(lh(a0, a1, 0), edge - 1)} == Hex{0x5544});
  CHECK(Hex{f.eval(lb(a0, a1, 0), edge + 3)} == Hex{0xFFFFFFFFFFFFFF88});

  f.set_x(a1, edge - 5);
  f.set_x(a2, 0x0102030405060708);
  f.set_x(a3, edge - 1);
  f.set_x(a4, 0xA1B2C3D4);
  REQUIRE(f.run({sd(a2, a1, 0), sw(a4, a3, 8)}) == Outcome::finished);
  CHECK(Hex{f.peek(edge - 5, 8)} == Hex{0x0102030405060708});
  CHECK(Hex{f.peek(edge + 7, 4)} == Hex{0xA1B2C3D4});
}

TEST_CASE("code, loads and stores inside fast memory never go to the bus") {
  HartFixture f;
  f.set_x(a1, F::kData);
  f.set_x(a2, 0x55);
  REQUIRE(f.run({sd(a2, a1, 0), ld(a3, a1, 0), lw(a4, a1, 3), sb(a2, a1, 9), addi(a0, a3, 1)}) ==
          Outcome::finished);
  CHECK(f.x(a0) == 0x56);
  CHECK(f.bus.accesses.empty());
}

// ---------------------------------------------------------------------------------------------
// The bus (slow path).

TEST_CASE("loads and stores outside fast memory go to the bus with their exact width") {
  HartFixture f;
  f.set_x(a1, F::kMmio);
  f.set_x(a2, 0x1122334455667788);
  REQUIRE(f.run({
              sb(a2, a1, 0x10), sh(a2, a1, 0x12), sw(a2, a1, 0x14), sd(a2, a1, 0x18),
              lb(a3, a1, 0x10), lbu(a4, a1, 0x10), lh(a5, a1, 0x12), lhu(a6, a1, 0x12),
              lw(a7, a1, 0x18), lwu(s2, a1, 0x18), ld(s3, a1, 0x18),
          }) == Outcome::finished);
  struct Expected {
    bool write;
    uint64_t addr;
    unsigned len;
    uint64_t data;
  };
  const Expected expected[] = {
      {true, F::kMmio + 0x10, 1, 0x88},       {true, F::kMmio + 0x12, 2, 0x7788},
      {true, F::kMmio + 0x14, 4, 0x55667788}, {true, F::kMmio + 0x18, 8, 0x1122334455667788},
      {false, F::kMmio + 0x10, 1, 0x88},      {false, F::kMmio + 0x10, 1, 0x88},
      {false, F::kMmio + 0x12, 2, 0x7788},    {false, F::kMmio + 0x12, 2, 0x7788},
      {false, F::kMmio + 0x18, 4, 0x55667788}, {false, F::kMmio + 0x18, 4, 0x55667788},
      {false, F::kMmio + 0x18, 8, 0x1122334455667788},
  };
  const auto accesses = f.bus.accesses_in(F::kMmio, F::kMmioSize);
  REQUIRE(accesses.size() == std::size(expected));
  for (size_t i = 0; i < accesses.size(); ++i) {
    INFO("access " << i);
    CHECK(accesses[i].write == expected[i].write);
    CHECK(Hex{accesses[i].addr} == Hex{expected[i].addr});
    CHECK(accesses[i].len == expected[i].len);
    CHECK(Hex{accesses[i].data} == Hex{expected[i].data});
  }
  CHECK(Hex{f.x(a3)} == Hex{0xFFFFFFFFFFFFFF88});
  CHECK(Hex{f.x(a4)} == Hex{0x88});
  CHECK(Hex{f.x(a5)} == Hex{0x7788});
  CHECK(Hex{f.x(a6)} == Hex{0x7788});
  CHECK(Hex{f.x(a7)} == Hex{0x55667788});
  CHECK(Hex{f.x(s2)} == Hex{0x55667788});
  CHECK(Hex{f.x(s3)} == Hex{0x1122334455667788});
}

TEST_CASE("an isolated run reaches its slice devices and stops in front of other bus accesses") {
  HartFixture f;
  f.hart.add_slice_device(F::kMmio, 0x100);
  CHECK(f.hart.slice_device_for(F::kMmio + 0xFC, 4));
  CHECK_FALSE(f.hart.slice_device_for(F::kMmio + 0xFE, 4));  // runs past the device's end
  f.set_x(a1, F::kMmio);
  f.set_x(a2, 0x41);
  f.poke(F::kMmio + 0x20, 0x12345678, 4);
  f.start({sb(a2, a1, 0x10), lw(a3, a1, 0x20), sw(a2, a1, 0xFE), addi(a4, a4, 1)});
  StopReason reason;
  while ((reason = f.hart.run_isolated(1000)) == StopReason::translate) f.hart.translate_at_pc();
  CHECK(reason == StopReason::shared);
  CHECK(Hex{f.hart.pc()} == Hex{F::kCode + 8});  // in front of the store that leaves the device
  CHECK(Hex{f.x(a3)} == Hex{0x12345678});
  const auto isolated = f.bus.accesses_in(F::kMmio, F::kMmioSize);
  REQUIRE(isolated.size() == 2);
  CHECK((isolated[0].write && isolated[0].addr == F::kMmio + 0x10 && isolated[0].data == 0x41));
  CHECK((!isolated[1].write && isolated[1].addr == F::kMmio + 0x20));
  // Outside an isolated run, the same store goes to the bus.
  CHECK(f.hart.step(1) != StopReason::fatal);
  CHECK(f.bus.accesses_in(F::kMmio + 0xFE, 4).size() == 1);
}

TEST_CASE("bus loads sign-extend and the bus sees the hart's advancing cycle count") {
  HartFixture f;
  f.poke(F::kMmio, 0x80000000, 4);
  f.poke(F::kMmio + 4, 0x8000, 2);
  f.set_x(a1, F::kMmio);
  REQUIRE(f.run({lw(a0, a1, 0), nop(), nop(), lh(a2, a1, 4), nop(), lb(a3, a1, 5)}) ==
          Outcome::finished);
  CHECK(Hex{f.x(a0)} == Hex{0xFFFFFFFF80000000});
  CHECK(Hex{f.x(a2)} == Hex{0xFFFFFFFFFFFF8000});
  CHECK(Hex{f.x(a3)} == Hex{0xFFFFFFFFFFFFFF80});
  const auto& accesses = f.bus.accesses;
  REQUIRE(accesses.size() == 3);
  CHECK(accesses[0].cycles < accesses[1].cycles);
  CHECK(accesses[1].cycles < accesses[2].cycles);
  CHECK(accesses[2].cycles <= f.hart.cycles());
}

TEST_CASE("a load into x0 from the bus still performs the read") {
  HartFixture f;
  f.set_x(a1, F::kMmio);
  REQUIRE(f.run({lw(zero, a1, 8)}) == Outcome::finished);
  REQUIRE(f.bus.accesses.size() == 1);
  CHECK(f.bus.accesses[0].addr == F::kMmio + 8);
  CHECK(f.x(zero) == 0);
}

// ---------------------------------------------------------------------------------------------
// Access faults and illegal instructions.

TEST_CASE("loads from unmapped addresses raise load access fault with mtval = address") {
  const uint32_t loads[] = {lb(a0, a1, 0), lbu(a0, a1, 0), lh(a0, a1, 0), lw(a0, a1, 0),
                            lwu(a0, a1, 0), ld(a0, a1, 0), ld(zero, a1, 0)};
  for (uint32_t load : loads) {
    HartFixture f;
    INFO("load " << Hex{load});
    f.set_x(a0, F::kPoison);
    f.set_x(a1, F::kUnmapped + 0x40);
    REQUIRE(f.run({nop(), load}) == Outcome::trapped);
    CHECK(f.trap() == Trap{cause(Exception::load_access_fault), F::kCode + 4, F::kUnmapped + 0x40});
    CHECK(f.x(a0) == F::kPoison);
    CHECK(f.hart.priv() == Priv::machine);
  }
}

TEST_CASE("stores to unmapped addresses raise store access fault with mtval = address") {
  const uint32_t stores[] = {sb(a2, a1, -8), sh(a2, a1, -8), sw(a2, a1, -8), sd(a2, a1, -8)};
  for (uint32_t store : stores) {
    HartFixture f;
    INFO("store " << Hex{store});
    f.set_x(a1, F::kUnmapped + 8);
    REQUIRE(f.run({store}) == Outcome::trapped);
    CHECK(f.trap() == Trap{cause(Exception::store_access_fault), F::kCode, F::kUnmapped});
  }
}

TEST_CASE("a misaligned access running off the end of bus memory raises an access fault") {
  const uint64_t end = F::kSlowRam + F::kSlowRamSize;
  HartFixture f;
  f.set_x(a0, F::kPoison);
  f.set_x(a1, end - 4);
  REQUIRE(f.run({ld(a0, a1, 0)}) == Outcome::trapped);
  Trap load = f.trap();
  CHECK(load.cause == cause(Exception::load_access_fault));
  CHECK(load.epc == F::kCode);
  // mtval is the address of the portion of the access that faulted.
  CHECK(load.tval >= end - 4);
  CHECK(load.tval < end + 4);
  CHECK(f.x(a0) == F::kPoison);

  HartFixture g;
  g.set_x(a1, end - 2);
  REQUIRE(g.run({sw(a1, a1, 0)}) == Outcome::trapped);
  Trap store = g.trap();
  CHECK(store.cause == cause(Exception::store_access_fault));
  CHECK(store.tval >= end - 2);
  CHECK(store.tval < end + 2);
}

TEST_CASE("fetching from unmapped memory raises instruction access fault at the target") {
  HartFixture f;
  f.set_x(a1, F::kUnmapped + 0x100);
  REQUIRE(f.run({jalr(ra, a1, 0)}) == Outcome::trapped);
  CHECK(f.trap() == Trap{cause(Exception::insn_access_fault), F::kUnmapped + 0x100,
                         F::kUnmapped + 0x100});
  CHECK(Hex{f.x(ra)} == Hex{F::kCode + 4});
}

TEST_CASE("a 32-bit instruction whose upper half is unmapped faults with mtval = upper half") {
  HartFixture f;
  const uint64_t end = F::kSlowRam + F::kSlowRamSize;
  f.poke(end - 2, addi(a0, a0, 1) & 0xFFFF, 2);
  f.set_x(a1, end - 2);
  f.set_x(a0, 0);
  REQUIRE(f.run({jalr(zero, a1, 0)}) == Outcome::trapped);
  CHECK(f.trap() == Trap{cause(Exception::insn_access_fault), end - 2, end});
  CHECK(f.x(a0) == 0);
}

TEST_CASE("illegal instructions trap with mtval = the instruction bits and do not retire") {
  const uint32_t illegal[] = {0xFFFFFFFF, 0x0000000B, r_type(op::op, a0, 0, a1, a2, 0x02),
                              0x10200073 /* sret */, 0x00000053 /* fadd.s */};
  for (uint32_t insn : illegal) {
    HartFixture f;
    INFO("instruction " << Hex{insn});
    f.set_x(a0, F::kPoison);
    REQUIRE(f.run({nop(), insn}) == Outcome::trapped);
    CHECK(f.trap() == Trap{cause(Exception::illegal_insn), F::kCode + 4, insn});
    CHECK(f.x(a0) == F::kPoison);
    CHECK(f.hart.instret() == 1);
  }
}

TEST_CASE("the all-zero 16-bit instruction is illegal with mtval 0") {
  HartFixture f;
  f.set_csr(rv::csr::mtval, 0x1234);
  REQUIRE(f.run({nop(), c_raw(0)}) == Outcome::trapped);
  CHECK(f.trap() == Trap{cause(Exception::illegal_insn), F::kCode + 4, 0});
}

// ---------------------------------------------------------------------------------------------
// Code outside fast memory and across decode pages.

TEST_CASE("code in bus memory executes, loops and is fetched through the bus") {
  HartFixture f;
  f.set_x(a0, 0);
  f.set_x(a1, 5);
  REQUIRE(f.run({addi(a0, a0, 3), c_addi(a1, -1), bne(a1, zero, -6), addi(a2, a0, 1)},
                F::kSlowRam) == Outcome::finished);
  CHECK(f.x(a0) == 15);
  CHECK(f.x(a2) == 16);
  CHECK_FALSE(f.bus.accesses_in(F::kSlowRam, 16).empty());
}

TEST_CASE("a 32-bit instruction straddling the end of fast memory executes") {
  HartFixture f;
  f.set_x(a0, 0);
  const uint64_t start = F::kSlowRam - 8;  // the third instruction straddles the edge
  REQUIRE(f.run({addi(a0, a0, 1), c_addi(a0, 2), addi(a0, a0, 4), addi(a0, a0, 8)}, start) ==
          Outcome::finished);
  CHECK(f.x(a0) == 15);
}

TEST_CASE("execution flows across 4 KiB pages, with a 32-bit instruction straddling the edge") {
  HartFixture f;
  f.set_x(a0, 0);
  const uint64_t start = F::kCode + 0x1000 - 8;  // the third instruction straddles the edge
  // Jump back over the edge once, so entries on both sides are reused.
  f.set_x(a1, 2);
  REQUIRE(f.run({addi(a0, a0, 1), c_addi(a0, 2), addi(a0, a0, 4), c_addi(a1, -1),
                 bne(a1, zero, -8), addi(a0, a0, 16)},
                start) == Outcome::finished);
  CHECK(f.x(a0) == 1 + 2 * (2 + 4) + 16);
}

TEST_CASE("branches and jumps to other pages and back") {
  HartFixture f;
  f.set_x(a0, 0);
  f.place(F::kCode + 0x3000, {addi(a0, a0, 10), jal(zero, -0x3000)});
  // 0: jal to 0x3000, which adds 10 and jumps back to 4.
  REQUIRE(f.run({jal(zero, 0x3000), addi(a0, a0, 1)}) == Outcome::finished);
  CHECK(f.x(a0) == 11);
}

// ---------------------------------------------------------------------------------------------
// Self-modifying code.

namespace {
// A subroutine at kCode+0x100 that adds to a0 and returns; the main program calls it, stores a
// replacement for its first instruction (a2) through the hart, optionally runs `sync`, and calls it
// again.
void run_rewrite_test(HartFixture& f, uint32_t sync, uint64_t subroutine) {
  f.place(subroutine, {addi(a0, a0, 1), ret()});
  f.set_x(a0, 0);
  f.set_x(a1, subroutine);
  f.set_x(a2, addi(a0, a0, 16));
  f.set_x(a3, subroutine);
  REQUIRE(f.run({jalr(ra, a3, 0), sw(a2, a1, 0), sync, jalr(ra, a3, 0)}) == Outcome::finished);
  CHECK(f.x(a0) == 17);
}
}  // namespace

TEST_CASE("fence.i makes code stored by the hart take effect") {
  HartFixture f;
  run_rewrite_test(f, fence_i(), F::kCode + 0x100);
}

TEST_CASE("a store by the hart to already-decoded code takes effect without fence.i") {
  HartFixture f;
  run_rewrite_test(f, nop(), F::kCode + 0x100);
}

TEST_CASE("a store by the hart to code in bus memory takes effect") {
  HartFixture f;
  run_rewrite_test(f, fence_i(), F::kSlowRam + 0x100);
  HartFixture g;
  run_rewrite_test(g, nop(), F::kSlowRam + 0x100);
}

TEST_CASE("a store that rewrites the very next instruction takes effect") {
  HartFixture f;
  f.set_x(a0, 0);
  f.set_x(a1, F::kCode);
  f.set_x(a2, addi(a0, a0, 16));
  REQUIRE(f.run({sw(a2, a1, 4), addi(a0, a0, 1)}) == Outcome::finished);
  CHECK(f.x(a0) == 16);
}

TEST_CASE("a store that overwrites its own instruction takes effect when the loop comes back") {
  HartFixture f;
  f.set_x(a0, 0);
  f.set_x(a1, F::kCode);
  f.set_x(a2, addi(a0, a0, 5));
  f.set_x(a3, 0);
  f.set_x(a4, 2);
  REQUIRE(f.run({sw(a2, a1, 0), addi(a3, a3, 1), bne(a3, a4, -8)}) == Outcome::finished);
  CHECK(f.x(a0) == 5);
  CHECK(Hex{f.peek(F::kCode, 4)} == Hex{addi(a0, a0, 5)});
}

TEST_CASE("a 32-bit store over two compressed instructions replaces both") {
  HartFixture f;
  f.set_x(a0, 0);
  f.set_x(a1, F::kCode + 0x100);
  f.set_x(a2, addi(a0, a0, 64));
  f.place(F::kCode + 0x100, {c_addi(a0, 1), c_addi(a0, 2), c_jr(ra)});
  REQUIRE(f.run({jalr(ra, a1, 0), sw(a2, a1, 0), jalr(ra, a1, 0)}) == Outcome::finished);
  CHECK(f.x(a0) == 3 + 64);
}

TEST_CASE("a store to the upper half of a page-straddling instruction takes effect") {
  HartFixture f;
  const uint64_t subroutine = F::kCode + 0x1000 - 2;
  f.place(subroutine, {addi(a0, a0, 1), ret()});
  f.set_x(a0, 0);
  f.set_x(a1, F::kCode + 0x1000);
  f.set_x(a2, addi(a0, a0, 16) >> 16);
  f.set_x(a3, subroutine);
  REQUIRE(f.run({jalr(ra, a3, 0), sh(a2, a1, 0), jalr(ra, a3, 0)}) == Outcome::finished);
  CHECK(f.x(a0) == 17);
}

TEST_CASE("flush_decode_cache makes code changed behind the hart's back take effect") {
  HartFixture f;
  f.set_x(a0, 0);
  REQUIRE(f.run({addi(a0, a0, 1)}) == Outcome::finished);
  f.poke(F::kCode, addi(a0, a0, 16), 4);
  f.hart.flush_decode_cache();
  f.hart.set_pc(F::kCode);
  REQUIRE(f.run_until(F::kCode + 4) == Outcome::finished);
  CHECK(f.x(a0) == 17);
}

TEST_CASE("memory_written makes code written behind the hart's back take effect") {
  // A page-straddling subroutine (decoded in two pages) is rewritten outside the hart and called
  // again; each write range below overlaps its first instruction.
  struct Case {
    const char* what;
    uint64_t addr;
    uint64_t len;
  };
  const uint64_t subroutine = F::kCode + 0x1000 - 2;
  const Case cases[] = {
      {"exactly the instruction", subroutine, 4},
      {"only its upper half, in the next page", subroutine + 2, 2},
      {"only its last byte", subroutine + 3, 1},
      {"two pages around it", F::kCode + 0x800, 0x1000},
      {"the whole RAM image at once", F::kRamBase, F::kRamSize},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    HartFixture f;
    f.place(subroutine, {addi(a0, a0, 1), ret()});
    f.set_x(a0, 0);
    f.set_x(a3, subroutine);
    REQUIRE(f.run({jalr(ra, a3, 0)}) == Outcome::finished);
    REQUIRE(f.x(a0) == 1);
    f.poke(subroutine, addi(a0, a0, 16), 4);
    f.hart.memory_written(c.addr, c.len);
    f.hart.set_pc(F::kCode);
    REQUIRE(f.run_until(F::kCode + 4) == Outcome::finished);
    CHECK(f.x(a0) == 17);
  }
}

TEST_CASE("memory_written between run() calls takes effect in a loop that is already decoded") {
  HartFixture f;
  // a0 counts laps; the loop's addi is rewritten from +1 to +100 between two runs.
  f.start({addi(a0, a0, 1), j(-4)});
  f.set_x(a0, 0);
  f.hart.run(100);
  const uint64_t laps = f.x(a0);
  REQUIRE(laps > 0);
  f.poke(F::kCode, addi(a0, a0, 100), 4);
  f.hart.memory_written(F::kCode, 4);
  f.hart.step(2);
  CHECK(f.x(a0) == laps + 100);
}

// ---------------------------------------------------------------------------------------------
// Superinstructions: run() executes an addi and the conditional branch after it as one entry.
// These tests use run(), which fuses, and compare with step(), which does not.

namespace {
// Runs from kCode until a wfi stops the hart, with run() or one step() at a time.
void run_to_wfi(HartFixture& f, bool stepping) {
  for (int i = 0; i < 1000; ++i) {
    const StopReason reason = stepping ? f.hart.step(1) : f.hart.run(f.hart.cycles() + 1000);
    if (reason == StopReason::wfi) return;
    REQUIRE(reason == StopReason::limit);
  }
  FAIL("no wfi reached");
}
}  // namespace

TEST_CASE("an addi and a branch after it behave as two instructions under run()") {
  using Encoder = uint32_t (*)(unsigned, unsigned, int64_t);
  struct Branch {
    const char* name;
    Encoder encode;
    bool (*taken)(uint64_t, uint64_t);
  };
  const Branch branches[] = {
      {"beq", beq, [](uint64_t a, uint64_t b) { return a == b; }},
      {"bne", bne, [](uint64_t a, uint64_t b) { return a != b; }},
      {"blt", blt, [](uint64_t a, uint64_t b) { return int64_t(a) < int64_t(b); }},
      {"bge", bge, [](uint64_t a, uint64_t b) { return int64_t(a) >= int64_t(b); }},
      {"bltu", bltu, [](uint64_t a, uint64_t b) { return a < b; }},
      {"bgeu", bgeu, [](uint64_t a, uint64_t b) { return a >= b; }},
  };
  // The branch compares the addi's sum (a0) with a1 or x0 either way round, with itself, or a2
  // with a3.
  enum Operands { sum_first, sum_second, sum_zero, zero_sum, sum_both, neither };
  const uint64_t values[][2] = {{5, 5}, {5, 7},       {7, 5},         {kAllOnes, 1},
                                {1, kAllOnes}, {0, 0}, {kMin64, 5}, {5, kMin64}};
  HartConfig config;
  config.cycles.branch_taken = 5;
  for (const Branch& branch : branches) {
    for (Operands operands : {sum_first, sum_second, sum_zero, zero_sum, sum_both, neither}) {
      for (const auto& pair : values) {
        INFO(branch.name << " operands " << operands << " values " << Hex{pair[0]} << ", "
                         << Hex{pair[1]});
        // The branch's operands (left, right) are pair[0] and pair[1], except that x0 is 0 and
        // sum_both compares pair[1] with itself; the sum is a0 + 1.
        const auto [lhs, rhs] = operands == sum_first    ? std::pair{a0, a1}
                                : operands == sum_second ? std::pair{a1, a0}
                                : operands == sum_zero   ? std::pair{a0, zero}
                                : operands == zero_sum   ? std::pair{zero, a0}
                                : operands == sum_both   ? std::pair{a0, a0}
                                                         : std::pair{a2, a3};
        // a4 counts the not-taken path.
        const Program program = {addi(a0, a0, 1), branch.encode(lhs, rhs, 8), addi(a4, a4, 1),
                                 wfi()};
        HartFixture fused(config), stepped(config);
        for (HartFixture* f : {&fused, &stepped}) {
          f->start(program);
          f->set_x(a0, 0);
          f->set_x(a4, 0);
          f->set_x(lhs, lhs == a0 ? pair[0] - 1 : pair[0]);
          f->set_x(rhs, rhs == a0 ? pair[1] - 1 : pair[1]);
        }
        run_to_wfi(fused, false);
        run_to_wfi(stepped, true);
        const bool taken = operands == sum_both   ? branch.taken(pair[1], pair[1])
                           : operands == sum_zero ? branch.taken(pair[0], 0)
                           : operands == zero_sum ? branch.taken(0, pair[1])
                                                  : branch.taken(pair[0], pair[1]);
        CHECK(fused.x(a4) == (taken ? 0 : 1));
        CHECK(fused.x(a0) == stepped.x(a0));
        CHECK(fused.x(a4) == stepped.x(a4));
        CHECK(fused.hart.instret() == stepped.hart.instret());
        CHECK(fused.hart.cycles() == stepped.hart.cycles());
        CHECK(fused.hart.pc() == stepped.hart.pc());
      }
    }
  }
}

TEST_CASE("a compressed addi and branch loop counts every instruction and cycle under run()") {
  HartFixture f;
  // c.addi a0, -1; c.bnez a0, back: 10 laps, then wfi.
  f.start({c_addi(a0, -1), c_bnez(a0, -2), wfi()});
  f.set_x(a0, 10);
  run_to_wfi(f, false);
  CHECK(f.x(a0) == 0);
  CHECK(f.hart.instret() == 2 * 10 + 1);
  CHECK(f.hart.cycles() == 10 + 9 * 2 + 1 + 1);  // addi, taken/not-taken branch, wfi
  CHECK(f.hart.pc() == F::kCode + 8);  // after the wfi
}

TEST_CASE("step() stops between an addi and its branch, and run() resumes at the branch") {
  HartFixture f;
  f.start({addi(a0, a0, -1), bne(a0, zero, -4), wfi()});
  f.set_x(a0, 5);
  run_to_wfi(f, false);  // decodes the pair as a superinstruction
  f.hart.set_pc(F::kCode);
  f.set_x(a0, 5);
  const uint64_t instret = f.hart.instret();
  f.hart.step(1);
  CHECK(f.hart.pc() == F::kCode + 4);
  CHECK(f.x(a0) == 4);
  f.hart.step(2);
  CHECK(f.hart.pc() == F::kCode + 4);
  CHECK(f.x(a0) == 3);
  run_to_wfi(f, false);
  CHECK(f.x(a0) == 0);
  CHECK(f.hart.instret() - instret == 2 * 5 + 1);
}

TEST_CASE("run(limit) in an addi and branch loop stops at a lap boundary past the limit") {
  HartFixture f;
  f.start({addi(a0, a0, 1), bne(a0, a1, -4)});  // 1 + 2 cycles per lap
  f.set_x(a0, 0);
  f.set_x(a1, kAllOnes);
  CHECK(f.hart.run(1000) == StopReason::limit);
  CHECK(f.hart.cycles() >= 1000);
  CHECK(f.hart.cycles() < 1003);
  CHECK(f.hart.cycles() == 3 * f.x(a0));
  CHECK(f.hart.instret() == 2 * f.x(a0));
  CHECK(f.hart.pc() == F::kCode);
}

TEST_CASE("an addiw, add or addw and a branch after it behave as two instructions under run()") {
  using BranchEncoder = uint32_t (*)(unsigned, unsigned, int64_t);
  const BranchEncoder branches[] = {beq, bne, blt, bge, bltu, bgeu};
  // a0 = the first instruction's result from a5 and a6; 32-bit overflow separates add from addw.
  const uint32_t firsts[] = {addiw(a0, a5, 1), add(a0, a5, a6), addw(a0, a5, a6)};
  const std::pair<unsigned, unsigned> operands[] = {{a0, a1}, {a1, a0}, {a0, zero},
                                                    {zero, a0}, {a0, a0}, {a2, a3}};
  const uint64_t values[][2] = {{0x7fffffff, 1}, {kAllOnes, 1}, {5, 7}, {kMin64, kAllOnes}};
  HartConfig config;
  config.cycles.branch_taken = 5;
  for (const uint32_t first : firsts) {
    for (const BranchEncoder branch : branches) {
      for (const auto& [lhs, rhs] : operands) {
        for (const auto& pair : values) {
          INFO("first " << Hex{first} << " branch " << Hex{branch(lhs, rhs, 8)} << " values "
                        << Hex{pair[0]} << ", " << Hex{pair[1]});
          const Program program = {first, branch(lhs, rhs, 8), addi(a4, a4, 1), wfi()};
          HartFixture fused(config), stepped(config);
          for (HartFixture* f : {&fused, &stepped}) {
            f->start(program);
            f->set_x(a5, pair[0]);
            f->set_x(a6, pair[1]);
            f->set_x(a1, pair[1]);
            f->set_x(a2, pair[0]);
            f->set_x(a3, pair[1]);
            f->set_x(a4, 0);
          }
          run_to_wfi(fused, false);
          run_to_wfi(stepped, true);
          CHECK(fused.x(a0) == stepped.x(a0));
          CHECK(fused.x(a4) == stepped.x(a4));
          CHECK(fused.hart.instret() == stepped.hart.instret());
          CHECK(fused.hart.cycles() == stepped.hart.cycles());
          CHECK(fused.hart.pc() == stepped.hart.pc());
        }
      }
    }
  }
  // Spot checks of the results themselves: addw wraps at 32 bits, add does not.
  HartFixture f;
  f.start({addw(a0, a5, a6), bne(a0, zero, 8), addi(a4, a4, 1), wfi()});
  f.set_x(a5, 0x7fffffff);
  f.set_x(a6, 1);
  f.set_x(a4, 0);
  run_to_wfi(f, false);
  CHECK(f.x(a0) == 0xffffffff80000000);
  CHECK(f.x(a4) == 0);
  CHECK(f.hart.instret() == 3);
}

TEST_CASE("a slli and an add of its result behave as two instructions under run()") {
  // The add uses the shifted value as either operand, and may overwrite it.
  const uint32_t adds[] = {add(a2, a0, a3), add(a2, a3, a0), add(a0, a0, a3), add(a0, a0, a0)};
  for (const uint32_t second : adds) {
    INFO("add " << Hex{second});
    const Program program = {slli(a0, a1, 3), second, addi(a4, a2, 1), wfi()};
    HartFixture fused, stepped;
    for (HartFixture* f : {&fused, &stepped}) {
      f->start(program);
      f->set_x(a1, 0x1234);
      f->set_x(a2, 0);
      f->set_x(a3, 0x100000);
    }
    run_to_wfi(fused, false);
    // The first step stops between the two halves.
    stepped.hart.step(1);
    CHECK(stepped.hart.pc() == F::kCode + 4);
    CHECK(stepped.x(a0) == 0x1234 << 3);
    run_to_wfi(stepped, true);
    for (const unsigned reg : {a0, a2, a4}) CHECK(fused.x(reg) == stepped.x(reg));
    CHECK(fused.hart.instret() == stepped.hart.instret());
    CHECK(fused.hart.cycles() == stepped.hart.cycles());
    CHECK(fused.hart.pc() == stepped.hart.pc());
  }
  HartFixture f;
  f.start({slli(a0, a1, 2), add(a2, a0, a3), wfi()});
  f.set_x(a1, 5);
  f.set_x(a3, 100);
  run_to_wfi(f, false);
  CHECK(f.x(a0) == 20);
  CHECK(f.x(a2) == 120);
  CHECK(f.hart.instret() == 3);
}

TEST_CASE("run() with small limits through jumps and branches between pages matches stepping") {
  // Page 0: a0 += 1, then a fused addi + bnez to page 1 while a2 counts down; page 1: a1 += 1
  // and a jal back. Runs that stop at any of these jumps must resume at the right place.
  const Program page0 = {addi(a0, a0, 1), addi(a2, a2, -1), bne(a2, zero, 0x1000 - 8), wfi()};
  const Program page1 = {addi(a1, a1, 1), jal(zero, -0x1004)};
  HartFixture ran, stepped;
  for (HartFixture* f : {&ran, &stepped}) {
    f->place(F::kCode + 0x1000, page1);
    f->start(page0);
    f->set_x(a0, 0);
    f->set_x(a1, 0);
    f->set_x(a2, 50);
  }
  StopReason reason = StopReason::limit;
  for (uint64_t limit = 7; limit < 10000; limit += 7) {
    reason = ran.hart.run(limit);
    if (reason != StopReason::limit) break;
    const uint64_t pc = ran.hart.pc();
    INFO("stopped at " << Hex{pc} << " after " << ran.hart.instret() << " instructions");
    REQUIRE(ran.hart.cycles() >= limit);
    REQUIRE(stepped.hart.step(ran.hart.instret() - stepped.hart.instret()) == StopReason::limit);
    REQUIRE(Hex{pc} == Hex{stepped.hart.pc()});
    REQUIRE(ran.x(a0) == stepped.x(a0));
    REQUIRE(ran.x(a1) == stepped.x(a1));
    REQUIRE(ran.hart.cycles() == stepped.hart.cycles());
  }
  REQUIRE(reason == StopReason::wfi);
  CHECK(ran.x(a0) == 50);
  CHECK(ran.x(a1) == 49);
  CHECK(ran.hart.instret() == 50 * 3 + 49 * 2 + 1);
  CHECK(ran.hart.pc() == F::kCode + 16);
}

TEST_CASE("rewriting the branch of an addi and branch pair takes effect") {
  // A subroutine whose addi + beq skips an addi of 100; the beq is replaced by a never-taken
  // bne, by a store of the hart or by a write from outside (memory_written of its upper half).
  const uint64_t subroutine = F::kCode + 0x100;
  const Program body = {addi(a0, a0, 1), beq(zero, zero, 8), addi(a0, a0, 100), ret()};
  SECTION("stored by the hart") {
    HartFixture f;
    f.place(subroutine, body);
    f.set_x(a0, 0);
    f.set_x(a1, subroutine + 4);
    f.set_x(a2, bne(zero, zero, 8));
    f.set_x(a3, subroutine);
    f.start({jalr(ra, a3, 0), sw(a2, a1, 0), jalr(ra, a3, 0), wfi()});
    run_to_wfi(f, false);
    CHECK(f.x(a0) == 1 + 1 + 100);
  }
  SECTION("written from outside") {
    HartFixture f;
    f.place(subroutine, body);
    f.set_x(a0, 0);
    f.set_x(a3, subroutine);
    f.start({jalr(ra, a3, 0), wfi()});
    run_to_wfi(f, false);
    REQUIRE(f.x(a0) == 1);
    f.poke(subroutine + 4, bne(zero, zero, 8), 4);
    f.hart.memory_written(subroutine + 6, 2);
    f.hart.set_pc(F::kCode);
    run_to_wfi(f, false);
    CHECK(f.x(a0) == 1 + 1 + 100);
  }
}

// ---------------------------------------------------------------------------------------------
// run(), step() and the cycle model.

TEST_CASE("step(n) retires exactly n instructions") {
  HartFixture f;
  f.start({addi(a0, a0, 1), c_addi(a1, 1), j(-6)});
  f.set_x(a0, 0);
  f.set_x(a1, 0);
  f.hart.step(7);
  CHECK(f.hart.instret() == 7);
  CHECK(f.x(a0) == 3);
  CHECK(f.x(a1) == 2);
  CHECK(f.hart.pc() == F::kCode + 4);
  f.hart.step(5);
  CHECK(f.hart.instret() == 12);
  CHECK(f.x(a0) == 4);
  CHECK(f.hart.pc() == F::kCode);
}

TEST_CASE("run(limit) stops within one basic block after the cycle count reaches the limit") {
  HartFixture f;
  f.start({addi(a0, a0, 1), addi(a1, a1, 1), j(-8)});  // 1 + 1 + 2 cycles per lap
  CHECK(f.hart.run(1000) == StopReason::limit);
  CHECK(f.hart.cycles() >= 1000);
  CHECK(f.hart.cycles() < 1004);
  CHECK(f.hart.run(2000) == StopReason::limit);
  CHECK(f.hart.cycles() >= 2000);
  CHECK(f.hart.cycles() < 2004);
  CHECK(f.x(a0) == f.x(a1));
}

TEST_CASE("request_stop() from a bus callback stops run() right after that instruction") {
  HartFixture f;
  f.bus.on_access = [&](const BusAccess&) { f.hart.request_stop(); };
  f.set_x(a0, 0);
  f.set_x(a1, F::kMmio);
  f.start({addi(a0, a0, 1), sw(a0, a1, 0), addi(a0, a0, 1), j(0)});
  CHECK(f.hart.run(1000000) == StopReason::stopped);
  CHECK(f.hart.pc() == F::kCode + 8);
  CHECK(f.x(a0) == 1);
  CHECK(f.peek(F::kMmio, 4) == 1);
  // The request is consumed: the next run goes on until its limit.
  CHECK(f.hart.run(f.hart.cycles() + 100) == StopReason::limit);
  CHECK(f.x(a0) == 2);
}

TEST_CASE("every instruction class takes the cycles of the configured CycleModel") {
  HartConfig config;
  config.cycles = CycleModel{5, 6, 7, 11, 13, 17, 19, 23, 29};
  HartFixture f(config);
  f.set_x(a1, F::kData);
  struct Case {
    const char* what;
    Insn insn;
    uint64_t cycles;
  };
  const Case cases[] = {
      {"addi", addi(a0, a0, 1), 1},         {"lui", lui(a0, 1), 1},
      {"auipc", auipc(a0, 1), 1},           {"sltu", sltu(a0, a1, a2), 1},
      {"ld", ld(a0, a1, 0), 5},             {"lbu", lbu(a0, a1, 3), 5},
      {"c.lw", c_lw(a0, a1, 4), 5},         {"sd", sd(a0, a1, 0), 6},
      {"c.sw", c_sw(a0, a1, 8), 6},         {"sb", sb(a0, a1, 1), 6},
      {"mul", mul(a0, a1, a2), 7},          {"mulhu", mulhu(a0, a1, a2), 7},
      {"mulw", mulw(a0, a1, a2), 7},        {"div", div(a0, a1, a2), 11},
      {"remu", remu(a0, a1, a2), 11},       {"divw", divw(a0, a1, a2), 11},
      {"remuw", remuw(a0, a1, a2), 11},     {"beq taken", beq(zero, zero, 8), 13},
      {"bne not taken", bne(zero, zero, 8), 1}, {"c.beqz taken", c_beqz(s0, 8), 13},
      {"jal", jal(ra, 8), 17},              {"c.j", c_j(8), 17},
      {"csrrs", csrr(a0, rv::csr::mscratch), 19}, {"csrrwi", csrrwi(a0, rv::csr::mscratch, 3), 19},
      {"lr.d", lr_d(a0, a1), 23},           {"sc.d", sc_d(a0, a2, a1), 23},
      {"amoadd.w", amoadd_w(a0, a2, a1), 23}, {"fence", fence(), 29},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    f.set_x(a1, F::kData);
    f.set_x(a2, 3);
    f.set_x(s0, 0);
    f.start({c.insn});
    const uint64_t before = f.hart.cycles();
    f.hart.step(1);
    CHECK(f.hart.cycles() - before == c.cycles);
  }
  // jalr is a jump.
  f.set_x(a3, F::kCode + 0x100);
  f.start({jalr(ra, a3, 0)});
  const uint64_t before = f.hart.cycles();
  f.hart.step(1);
  CHECK(f.hart.cycles() - before == 17);
}

TEST_CASE("add_stall_cycles adds to the cycle count, from outside and from bus callbacks") {
  HartFixture f;
  f.start({addi(a0, a0, 1), lw(a2, a1, 0), addi(a0, a0, 1)});
  f.set_x(a1, F::kMmio);
  f.hart.add_stall_cycles(100);
  f.hart.step(1);
  CHECK(f.hart.cycles() == 101);
  f.bus.on_access = [&](const BusAccess&) { f.hart.add_stall_cycles(50); };
  f.hart.step(1);
  CHECK(f.hart.cycles() == 101 + 1 + 50);
  f.hart.step(1);
  CHECK(f.hart.cycles() == 101 + 1 + 50 + 1);
}
