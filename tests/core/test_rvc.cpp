// RV64C execution: every compressed instruction run on the hart, HINTs as no-ops, reserved
// encodings as illegal instructions, and 16-bit instruction alignment.
#include <catch2/catch.hpp>

#include <array>

#include "hart_fixture.h"

using namespace dojo::core;
using namespace dojo::test;
using namespace dojo::test::rv;

using F = HartFixture;

namespace {


std::array<uint64_t, 32> registers(const HartFixture& f) {
  std::array<uint64_t, 32> r{};
  for (unsigned i = 0; i < 32; ++i) r[i] = f.x(i);
  return r;
}

// Gives every register a distinct value.
void fill_registers(HartFixture& f) {
  for (unsigned i = 1; i < 32; ++i) f.set_x(i, 0x0101010101010101 * i + 0x1000 * i);
}

}  // namespace

TEST_CASE("c.addi4spn adds a zero-extended, scaled immediate to sp") {
  HartFixture f;
  f.set_x(sp, F::kData);
  REQUIRE(f.run({c_addi4spn(a0, 1020), c_addi4spn(s0, 4), c_addi4spn(a5, 0x2A8)}) ==
          Outcome::finished);
  CHECK(f.x(a0) == F::kData + 1020);
  CHECK(f.x(s0) == F::kData + 4);
  CHECK(f.x(a5) == F::kData + 0x2A8);
}

TEST_CASE("c.lw sign-extends, c.ld loads 64 bits, c.sw and c.sd store, at their largest offsets") {
  HartFixture f;
  f.poke(F::kData + 124, 0x80000001, 4);
  f.poke(F::kData + 248, 0x8877665544332211, 8);
  f.poke(F::kData + 0x44, 0x7FFFFFFF, 4);
  f.set_x(a1, F::kData);
  f.set_x(s1, 0x1122334455667788);
  REQUIRE(f.run({c_lw(a0, a1, 124), c_ld(a2, a1, 248), c_lw(a3, a1, 0x44), c_sw(s1, a1, 0),
                 c_sd(s1, a1, 16), c_sw(s1, a1, 8)}) == Outcome::finished);
  CHECK(Hex{f.x(a0)} == Hex{0xFFFFFFFF80000001});
  CHECK(Hex{f.x(a2)} == Hex{0x8877665544332211});
  CHECK(Hex{f.x(a3)} == Hex{0x7FFFFFFF});
  CHECK(Hex{f.peek(F::kData, 8)} == Hex{0x55667788});
  CHECK(Hex{f.peek(F::kData + 8, 8)} == Hex{0x55667788});
  CHECK(Hex{f.peek(F::kData + 16, 8)} == Hex{0x1122334455667788});
}

TEST_CASE("stack-pointer-relative c.lwsp, c.ldsp, c.swsp, c.sdsp") {
  HartFixture f;
  f.set_x(sp, F::kData);
  f.poke(F::kData + 252, 0xFFFFFFFE, 4);
  f.poke(F::kData + 504, 0x0123456789ABCDEF, 8);
  f.set_x(t6, 0xA5A5A5A5A5A5A5A5);
  REQUIRE(f.run({c_lwsp(ra, 252), c_ldsp(s11, 504), c_swsp(t6, 0x40), c_sdsp(t6, 0x128),
                 c_swsp(zero, 0x44)}) == Outcome::finished);
  CHECK(Hex{f.x(ra)} == Hex{0xFFFFFFFFFFFFFFFE});
  CHECK(Hex{f.x(s11)} == Hex{0x0123456789ABCDEF});
  CHECK(Hex{f.peek(F::kData + 0x40, 8)} == Hex{0xA5A5A5A5});
  CHECK(Hex{f.peek(F::kData + 0x128, 8)} == Hex{0xA5A5A5A5A5A5A5A5});
}

TEST_CASE("c.li, c.lui, c.addi, c.addiw, c.addi16sp compute with sign-extended immediates") {
  HartFixture f;
  f.set_x(a1, 100);
  f.set_x(a2, 0x7FFFFFFF);
  f.set_x(a3, 0x1FFFFFFFF);
  f.set_x(sp, F::kData);
  f.set_x(s1, 0xFFFFFFFFFFFFFFFF);
  REQUIRE(f.run({c_li(a0, -32), c_li(t0, 31), c_lui(a4, -32), c_lui(a5, 1), c_lui(t1, 31),
                 c_addi(a1, -32), c_addiw(a2, 1), c_addiw(a3, 0), c_addi16sp(-512),
                 c_addi16sp(496), c_addi16sp(16), c_addiw(s1, 31)}) == Outcome::finished);
  CHECK(Hex{f.x(a0)} == Hex{uint64_t(-32)});
  CHECK(f.x(t0) == 31);
  CHECK(Hex{f.x(a4)} == Hex{0xFFFFFFFFFFFE0000});
  CHECK(Hex{f.x(a5)} == Hex{0x1000});
  CHECK(Hex{f.x(t1)} == Hex{0x1F000});
  CHECK(f.x(a1) == 68);
  CHECK(Hex{f.x(a2)} == Hex{0xFFFFFFFF80000000});
  CHECK(Hex{f.x(a3)} == Hex{kAllOnes});
  CHECK(f.x(sp) == F::kData - 512 + 496 + 16);
  CHECK(f.x(s1) == 30);
}

TEST_CASE("c.srli, c.srai, c.andi, c.slli on the full 64 bits, shift amounts up to 63") {
  HartFixture f;
  f.set_x(a0, 0x8000000000000000);
  f.set_x(a1, 0x8000000000000000);
  f.set_x(a2, 0xFFFFFFFFFFFFFFFF);
  f.set_x(a3, 0x8000000000000000);
  f.set_x(a4, 0xFF);
  f.set_x(t6, 1);
  f.set_x(a5, 0x1234);
  REQUIRE(f.run({c_srli(a0, 63), c_srai(a1, 63), c_srli(a2, 32), c_srai(a3, 32), c_andi(a4, -32),
                 c_slli(t6, 63), c_andi(a5, 0x15)}) == Outcome::finished);
  CHECK(f.x(a0) == 1);
  CHECK(Hex{f.x(a1)} == Hex{kAllOnes});
  CHECK(Hex{f.x(a2)} == Hex{0xFFFFFFFF});
  CHECK(Hex{f.x(a3)} == Hex{0xFFFFFFFF80000000});
  CHECK(Hex{f.x(a4)} == Hex{0xE0});
  CHECK(Hex{f.x(t6)} == Hex{0x8000000000000000});
  CHECK(Hex{f.x(a5)} == Hex{0x14});
}

TEST_CASE("c.sub, c.xor, c.or, c.and, c.subw, c.addw, c.mv, c.add") {
  HartFixture f;
  const uint64_t x = 0xFF00FF00FF00FF00, y = 0x0FF00FF00FF00FF0;
  for (unsigned r : {s0, s1, a0, a1, a2, a3}) f.set_x(r, x);
  f.set_x(a4, 0x7FFFFFFF);
  f.set_x(a5, y);
  f.set_x(t6, 5);
  f.set_x(t5, 0x100000001);
  REQUIRE(f.run({c_sub(s0, a5), c_xor(s1, a5), c_or(a0, a5), c_and(a1, a5), c_addw(a4, a4),
                 c_subw(a2, a5), c_mv(a3, t5), c_add(t5, t6), c_mv(t4, a5)}) == Outcome::finished);
  CHECK(Hex{f.x(s0)} == Hex{x - y});
  CHECK(Hex{f.x(s1)} == Hex{x ^ y});
  CHECK(Hex{f.x(a0)} == Hex{x | y});
  CHECK(Hex{f.x(a1)} == Hex{x & y});
  CHECK(Hex{f.x(a4)} == Hex{0xFFFFFFFFFFFFFFFE});
  // 0xFF00FF00 - 0x0FF00FF0 = 0xEF10EF10, sign-extended.
  CHECK(Hex{f.x(a2)} == Hex{0xFFFFFFFFEF10EF10});
  CHECK(Hex{f.x(a3)} == Hex{0x100000001});
  CHECK(Hex{f.x(t5)} == Hex{0x100000006});
  CHECK(Hex{f.x(t4)} == Hex{y});
}

TEST_CASE("c.j jumps forward and backward") {
  HartFixture f;
  f.set_x(a0, 0);
  REQUIRE(f.run({
              c_j(8),          // 0 -> 8
              c_li(a0, 1),     // 2
              c_j(6),          // 4 -> 10 (end)
              c_li(a0, 2),     // 6
              c_j(-6),         // 8 -> 2
          }) == Outcome::finished);
  CHECK(f.x(a0) == 1);
}

TEST_CASE("c.beqz and c.bnez branch on zero both ways and directions") {
  struct Case {
    const char* what;
    CInsn (*encode)(unsigned, int64_t);
    uint64_t value;
    bool taken;
  };
  const Case cases[] = {{"c.beqz on 0", c_beqz, 0, true},
                        {"c.beqz on nonzero", c_beqz, 1, false},
                        {"c.beqz on 2^63", c_beqz, 0x8000000000000000, false},
                        {"c.bnez on nonzero", c_bnez, 0x100000000, true},
                        {"c.bnez on 0", c_bnez, 0, false}};
  HartFixture f;
  for (const Case& c : cases) {
    INFO(c.what);
    f.set_x(s0, c.value);
    f.set_x(a0, 0);
    REQUIRE(f.run({c.encode(s0, 4), c_li(a0, 1)}) == Outcome::finished);
    CHECK(f.x(a0) == (c.taken ? 0 : 1));
    f.set_x(a0, 0);
    REQUIRE(f.run({c_j(6), c_li(a0, 1), c_j(4), c.encode(s0, -4)}) == Outcome::finished);
    CHECK(f.x(a0) == (c.taken ? 1 : 0));
  }
}

TEST_CASE("c.jr jumps without linking and c.jalr links pc+2") {
  HartFixture f;
  f.set_x(a0, 0);
  f.set_x(t0, F::kCode + 8);
  f.set_x(t1, F::kCode + 12);
  REQUIRE(f.run({
              c_jalr(t0),      // 0 -> 8, ra = 2
              c_li(a0, 1),     // 2
              c_li(a0, 2),     // 4
              c_li(a0, 3),     // 6
              c_jr(t1),        // 8 -> 12
              c_li(a0, 4),     // 10
          }) == Outcome::finished);
  CHECK(f.x(a0) == 0);
  CHECK(Hex{f.x(ra)} == Hex{F::kCode + 2});
}

TEST_CASE("c.jalr with rs1 = ra uses the old ra as target") {
  HartFixture f;
  f.set_x(a0, 0);
  f.set_x(ra, F::kCode + 4);
  REQUIRE(f.run({c_jalr(ra), c_li(a0, 1), c_nop()}) == Outcome::finished);
  CHECK(f.x(a0) == 0);
  CHECK(f.x(ra) == F::kCode + 2);
}

TEST_CASE("compressed HINT encodings are legal and change nothing") {
  HartFixture f;
  fill_registers(f);
  const auto before = registers(f);
  REQUIRE(f.run({
              c_nop(), c_addi(zero, 5),  // c.nop with a nonzero immediate
              c_addi(a0, 0), c_li(zero, 7), c_lui(zero, 3), c_slli(zero, 4), c_slli(a1, 0),
              c_srli(a2, 0), c_srai(a3, 0), c_mv(zero, a4), c_add(zero, a5),
          }) == Outcome::finished);
  CHECK(registers(f) == before);
}

TEST_CASE("reserved compressed encodings raise illegal instruction with mtval = the 16 bits") {
  const uint16_t reserved[] = {
      0x0000,
      c_raw(0b000u << 13 | 1u << 2).bits,  // c.addi4spn with nzuimm=0
      c_raw(0b100u << 13 | 0x0FFCu).bits,  // quadrant 0 funct3=100
      c_addiw(zero, 1).bits,
      0x6101,  // c.addi16sp with nzimm=0
      c_lui(a0, 0).bits,
      c_raw(0b100111u << 10 | 0b10u << 5 | 0b01).bits,
      c_raw(0b100111u << 10 | 0b11u << 5 | 0b01).bits,
      c_lwsp(zero, 4).bits,
      c_ldsp(zero, 8).bits,
      0x8002,  // c.jr x0
      c_fld(a0, a1, 8).bits,
      c_fsd(a0, a1, 8).bits,
      c_fldsp(a0, 8).bits,
      c_fsdsp(a0, 8).bits,
  };
  for (uint16_t insn : reserved) {
    INFO("compressed " << Hex{insn});
    HartFixture f;
    fill_registers(f);
    f.set_x(sp, F::kData);
    f.set_x(a1, F::kData);
    const auto before = registers(f);
    REQUIRE(f.run({c_nop(), c_raw(insn)}) == Outcome::trapped);
    CHECK(f.trap() == Trap{cause(Exception::illegal_insn), F::kCode + 2, insn});
    CHECK(registers(f) == before);
  }
}

TEST_CASE("32-bit instructions at 2-byte-aligned addresses and 2-byte-aligned jump targets") {
  HartFixture f;
  f.set_x(a0, 0);
  f.set_x(t0, F::kCode + 0x23);  // jalr clears bit 0 only: the target is 0x22
  f.place(F::kCode + 0x20, {c_addi(a0, 8), addi(a0, a0, 100), c_jr(ra)});
  REQUIRE(f.run({
              c_nop(),           // 0
              addi(a0, a0, 1),   // 2: a 32-bit instruction at a 2-byte boundary
              jal(ra, 0x1A),     // 6 -> 0x20, ra = 10
              jalr(ra, t0, 0),   // 10 -> 0x22, ra = 14
              c_addi(a0, 2),     // 14
          }) == Outcome::finished);
  CHECK(f.x(a0) == 1 + 8 + 100 + 100 + 2);
}
