// RV64A: LR/SC with a real reservation, every AMO in .w and .d form, the slow path, and the
// misaligned and access-fault exceptions of atomics.
#include <catch2/catch.hpp>

#include "hart_fixture.h"

using namespace dojo::core;
using namespace dojo::test;
using namespace dojo::test::rv;

using F = HartFixture;

namespace {
constexpr uint64_t kScFailure = 1;  // the only failure code the A extension defines
constexpr uint64_t kNeighbour = 0x5A5A5A5A5A5A5A5A;
}  // namespace

// ---------------------------------------------------------------------------------------------
// LR/SC.

TEST_CASE("lr.w sign-extends, and sc.w after it succeeds with rd=0 and writes memory") {
  HartFixture f;
  f.poke(F::kData, 0x80000001, 4);
  f.poke(F::kData + 4, 0x5A5A5A5A, 4);
  f.set_x(a1, F::kData);
  f.set_x(a3, F::kPoison);
  REQUIRE(f.run({lr_w(a0, a1), addi(a2, a0, 1), sc_w(a3, a2, a1)}) == Outcome::finished);
  CHECK(Hex{f.x(a0)} == Hex{0xFFFFFFFF80000001});
  CHECK(f.x(a3) == 0);
  CHECK(Hex{f.peek(F::kData, 4)} == Hex{0x80000002});
  CHECK(Hex{f.peek(F::kData + 4, 4)} == Hex{0x5A5A5A5A});
}

TEST_CASE("lr.d and sc.d succeed as a pair") {
  HartFixture f;
  f.poke(F::kData + 8, 0x8000000000000005, 8);
  f.set_x(a1, F::kData + 8);
  f.set_x(a3, F::kPoison);
  REQUIRE(f.run({lr_d(a0, a1, kAq), addi(a2, a0, 1), sc_d(a3, a2, a1, kRl)}) == Outcome::finished);
  CHECK(Hex{f.x(a0)} == Hex{0x8000000000000005});
  CHECK(f.x(a3) == 0);
  CHECK(Hex{f.peek(F::kData + 8, 8)} == Hex{0x8000000000000006});
}

TEST_CASE("sc without a reservation fails, writes 1 to rd and leaves memory alone") {
  HartFixture f;
  f.poke(F::kData, 0x1111111111111111, 8);
  f.set_x(a1, F::kData);
  f.set_x(a2, 0x2222222222222222);
  REQUIRE(f.run({sc_d(a3, a2, a1), sc_w(a4, a2, a1)}) == Outcome::finished);
  CHECK(f.x(a3) == kScFailure);
  CHECK(f.x(a4) == kScFailure);
  CHECK(Hex{f.peek(F::kData, 8)} == Hex{0x1111111111111111});
}

TEST_CASE("sc to an address other than the reserved one fails and drops the reservation") {
  for (uint64_t distance : {uint64_t{8}, uint64_t{64}, uint64_t{0x1000}}) {
    INFO("sc at lr address + " << distance);
    HartFixture f;
    f.set_x(a1, F::kData);
    f.set_x(a4, F::kData + distance);
    f.set_x(a2, 0x77);
    REQUIRE(f.run({lr_d(a0, a1), sc_d(a3, a2, a4), sc_d(a5, a2, a1)}) == Outcome::finished);
    CHECK(f.x(a3) == kScFailure);
    CHECK(f.peek(F::kData + distance, 8) == 0);
    // Any sc, failed or not, ends the reservation.
    CHECK(f.x(a5) == kScFailure);
    CHECK(f.peek(F::kData, 8) == 0);
  }
}

TEST_CASE("a second sc after a successful one fails") {
  HartFixture f;
  f.set_x(a1, F::kData);
  f.set_x(a2, 5);
  f.set_x(a4, 6);
  REQUIRE(f.run({lr_w(a0, a1), sc_w(a3, a2, a1), sc_w(a5, a4, a1)}) == Outcome::finished);
  CHECK(f.x(a3) == 0);
  CHECK(f.x(a5) == kScFailure);
  CHECK(f.peek(F::kData, 4) == 5);
}

TEST_CASE("clear_reservation() makes the next sc fail") {
  HartFixture f;
  f.set_x(a1, F::kData);
  f.set_x(a2, 9);
  f.start({lr_w(a0, a1), sc_w(a3, a2, a1)});
  f.hart.step(1);
  f.hart.clear_reservation();
  f.hart.step(1);
  CHECK(f.x(a3) == kScFailure);
  CHECK(f.peek(F::kData, 4) == 0);
}

TEST_CASE("memory_written breaks the reservation if it overlaps the reserved bytes, and only then") {
  struct Case {
    const char* what;
    uint64_t addr;
    uint64_t len;
    bool breaks;
  };
  const uint64_t reserved = F::kData + 8;  // lr.w reserves 4 bytes
  const Case cases[] = {
      {"the reserved word", reserved, 4, true},
      {"its last byte", reserved + 3, 1, true},
      {"a block starting before it", reserved - 6, 7, true},
      {"the whole RAM", F::kRamBase, F::kRamSize, true},
      {"the word before it", reserved - 4, 4, false},
      {"the word after it", reserved + 4, 4, false},
      {"nothing, at its address", reserved, 0, false},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    HartFixture f;
    f.set_x(a1, reserved);
    f.set_x(a2, 9);
    f.set_x(a3, F::kPoison);
    f.start({lr_w(a0, a1), sc_w(a3, a2, a1)});
    f.hart.step(1);
    f.hart.memory_written(c.addr, c.len);
    f.hart.step(1);
    CHECK(f.x(a3) == (c.breaks ? kScFailure : 0));
    CHECK(f.peek(reserved, 4) == (c.breaks ? 0 : 9));
  }
}

TEST_CASE("an lr/sc retry loop increments memory once and terminates") {
  HartFixture f;
  f.poke(F::kData, 41, 4);
  f.set_x(a1, F::kData);
  REQUIRE(f.run({lr_w(t0, a1, kAq), addi(t0, t0, 1), sc_w(t1, t0, a1, kRl), bne(t1, zero, -12)}) ==
          Outcome::finished);
  CHECK(f.peek(F::kData, 4) == 42);
  CHECK(f.x(t1) == 0);
}

TEST_CASE("lr/sc work on bus memory") {
  HartFixture f;
  f.poke(F::kSlowRam + 0x40, 0x0123456789ABCDEF, 8);
  f.set_x(a1, F::kSlowRam + 0x40);
  REQUIRE(f.run({lr_d(a0, a1), addi(a2, a0, 1), sc_d(a3, a2, a1)}) == Outcome::finished);
  CHECK(Hex{f.x(a0)} == Hex{0x0123456789ABCDEF});
  CHECK(f.x(a3) == 0);
  CHECK(Hex{f.peek(F::kSlowRam + 0x40, 8)} == Hex{0x0123456789ABCDF0});
}

// ---------------------------------------------------------------------------------------------
// AMOs.

namespace {

struct AmoCase {
  const char* what;
  uint32_t insn;  // rd=a0, rs2=a2, rs1=a1
  unsigned width;
  uint64_t memory_before;
  uint64_t rs2;
  uint64_t memory_after;
  uint64_t rd;
};

// Runs each case at `address` and checks rd, the memory word and that the neighbouring bytes
// are untouched.
void check_amos(uint64_t address, std::initializer_list<AmoCase> cases) {
  for (const AmoCase& c : cases) {
    INFO(c.what << ": memory=" << Hex{c.memory_before} << " rs2=" << Hex{c.rs2});
    HartFixture f;
    f.poke(address - 8, kNeighbour, 8);
    f.poke(address, kNeighbour, 8);
    f.poke(address + 8, kNeighbour, 8);
    f.poke(address, c.memory_before, c.width);
    f.set_x(a1, address);
    f.set_x(a2, c.rs2);
    f.set_x(a0, F::kPoison);
    REQUIRE(f.run({c.insn}) == Outcome::finished);
    CHECK(Hex{f.x(a0)} == Hex{c.rd});
    CHECK(Hex{f.peek(address, c.width)} == Hex{c.memory_after});
    CHECK(Hex{f.x(a2)} == Hex{c.rs2});
    CHECK(Hex{f.peek(address - 8, 8)} == Hex{kNeighbour});
    if (c.width == 4) CHECK(Hex{f.peek(address + 4, 4)} == Hex{kNeighbour & 0xFFFFFFFF});
    CHECK(Hex{f.peek(address + 8, 8)} == Hex{kNeighbour});
  }
}

const std::initializer_list<AmoCase> kWordAmos = {
    {"amoswap.w", amoswap_w(a0, a2, a1), 4, 0x80000000, 0x112345678, 0x12345678, kMin32},
    {"amoadd.w", amoadd_w(a0, a2, a1), 4, 0x7FFFFFFF, 1, 0x80000000, 0x7FFFFFFF},
    {"amoadd.w carries nowhere", amoadd_w(a0, a2, a1), 4, 0xFFFFFFFF, 1, 0, kAllOnes},
    {"amoxor.w", amoxor_w(a0, a2, a1), 4, 0xF0F0F0F0, 0xFF00FF00, 0x0FF00FF0, 0xFFFFFFFFF0F0F0F0},
    {"amoand.w", amoand_w(a0, a2, a1), 4, 0xF0F0F0F0, 0xFF00FF00, 0xF000F000, 0xFFFFFFFFF0F0F0F0},
    {"amoor.w", amoor_w(a0, a2, a1), 4, 0xF0F0F0F0, 0xFF00FF00, 0xFFF0FFF0, 0xFFFFFFFFF0F0F0F0},
    {"amomin.w keeps INT32_MIN", amomin_w(a0, a2, a1), 4, 0x80000000, 1, 0x80000000, kMin32},
    {"amomin.w compares 32-bit signed", amomin_w(a0, a2, a1), 4, 5, 0xFFFFFFFF, 0xFFFFFFFF, 5},
    {"amomax.w", amomax_w(a0, a2, a1), 4, 0x80000000, 1, 1, kMin32},
    {"amomax.w compares 32-bit signed", amomax_w(a0, a2, a1), 4, 0xFFFFFFFF, 0x7FFFFFFF, 0x7FFFFFFF, kAllOnes},
    {"amominu.w ignores rs2's upper bits", amominu_w(a0, a2, a1), 4, 0x80000000, 0xFFFFFFFF00000001, 1, kMin32},
    {"amominu.w", amominu_w(a0, a2, a1), 4, 3, 0xFFFFFFFF, 3, 3},
    {"amomaxu.w", amomaxu_w(a0, a2, a1), 4, 0x80000000, 1, 0x80000000, kMin32},
    {"amomaxu.w unsigned", amomaxu_w(a0, a2, a1), 4, 1, 0xFFFFFFFF, 0xFFFFFFFF, 1},
};

const std::initializer_list<AmoCase> kDoubleAmos = {
    {"amoswap.d", amoswap_d(a0, a2, a1), 8, 0x0123456789ABCDEF, kMin64, kMin64, 0x0123456789ABCDEF},
    {"amoadd.d", amoadd_d(a0, a2, a1), 8, kAllOnes, 2, 1, kAllOnes},
    {"amoxor.d", amoxor_d(a0, a2, a1), 8, 0xF0F0F0F00F0F0F0F, kAllOnes, 0x0F0F0F0FF0F0F0F0, 0xF0F0F0F00F0F0F0F},
    {"amoand.d", amoand_d(a0, a2, a1), 8, 0xF0F0F0F00F0F0F0F, 0xFF00FF00FF00FF00, 0xF000F0000F000F00, 0xF0F0F0F00F0F0F0F},
    {"amoor.d", amoor_d(a0, a2, a1), 8, 0xF0F0F0F00F0F0F0F, 0xFF00FF00FF00FF00, 0xFFF0FFF0FF0FFF0F, 0xF0F0F0F00F0F0F0F},
    {"amomin.d", amomin_d(a0, a2, a1), 8, kMin64, 1, kMin64, kMin64},
    {"amomin.d negative", amomin_d(a0, a2, a1), 8, 1, kAllOnes, kAllOnes, 1},
    {"amomin.d is 64-bit", amomin_d(a0, a2, a1), 8, 5, 0xFFFFFFFF, 5, 5},
    {"amomax.d", amomax_d(a0, a2, a1), 8, kMin64, 1, 1, kMin64},
    {"amominu.d", amominu_d(a0, a2, a1), 8, kMin64, 1, 1, kMin64},
    {"amomaxu.d", amomaxu_d(a0, a2, a1), 8, 1, kAllOnes, kAllOnes, 1},
    {"amomaxu.d keeps", amomaxu_d(a0, a2, a1), 8, kAllOnes, kMin64, kAllOnes, kAllOnes},
};

}  // namespace

TEST_CASE("every .w AMO returns the old word sign-extended and writes only 32 bits") {
  check_amos(F::kData + 0x10, kWordAmos);
}

TEST_CASE("every .d AMO returns the old doubleword and writes the result") {
  check_amos(F::kData + 0x10, kDoubleAmos);
}

TEST_CASE("AMOs work on bus memory as well") {
  check_amos(F::kSlowRam + 0x10, kWordAmos);
  check_amos(F::kSlowRam + 0x10, kDoubleAmos);
}

TEST_CASE("an AMO on MMIO reads then writes the location with its width") {
  HartFixture f;
  f.poke(F::kMmio + 8, 40, 4);
  f.set_x(a1, F::kMmio + 8);
  f.set_x(a2, 2);
  REQUIRE(f.run({amoadd_w(a0, a2, a1)}) == Outcome::finished);
  CHECK(f.x(a0) == 40);
  CHECK(f.peek(F::kMmio + 8, 4) == 42);
  const auto accesses = f.bus.accesses_in(F::kMmio, F::kMmioSize);
  REQUIRE(accesses.size() == 2);
  CHECK_FALSE(accesses[0].write);
  CHECK(accesses[0].len == 4);
  CHECK(accesses[1].write);
  CHECK(accesses[1].len == 4);
  CHECK(accesses[1].data == 42);
}

TEST_CASE("AMOs read rs2 before writing rd when they alias, and rd=x0 still updates memory") {
  HartFixture f;
  f.poke(F::kData, 0xFFFFFFF0, 4);
  f.poke(F::kData + 8, 100, 8);
  f.set_x(a1, F::kData);
  f.set_x(a2, 7);
  f.set_x(a3, F::kData + 8);
  f.set_x(a4, 5);
  REQUIRE(f.run({amoswap_w(a2, a2, a1), amoadd_d(zero, a4, a3), amoadd_d(a3, a4, a3)}) ==
          Outcome::finished);
  CHECK(Hex{f.x(a2)} == Hex{0xFFFFFFFFFFFFFFF0});
  CHECK(f.peek(F::kData, 4) == 7);
  CHECK(f.x(zero) == 0);
  CHECK(f.x(a3) == 105);           // the old value, read after amoadd_d(zero, ...) added 5
  CHECK(f.peek(F::kData + 8, 8) == 110);
}

// ---------------------------------------------------------------------------------------------
// Exceptions.

TEST_CASE("misaligned lr raises load address-misaligned with mtval = address") {
  for (auto [insn, offset] : {std::pair{lr_w(a0, a1), 2}, std::pair{lr_w(a0, a1), 1},
                              std::pair{lr_d(a0, a1), 4}, std::pair{lr_d(a0, a1), 7}}) {
    INFO("insn " << Hex{insn} << " at offset " << offset);
    HartFixture f;
    f.set_x(a0, F::kPoison);
    f.set_x(a1, F::kData + offset);
    REQUIRE(f.run({insn}) == Outcome::trapped);
    CHECK(f.trap() == Trap{cause(Exception::load_misaligned), F::kCode, F::kData + offset});
    CHECK(f.x(a0) == F::kPoison);
  }
}

TEST_CASE("misaligned sc and AMOs raise store/AMO address-misaligned and change nothing") {
  const std::pair<uint32_t, unsigned> cases[] = {
      {sc_w(a0, a2, a1), 2},      {sc_d(a0, a2, a1), 4},      {amoadd_w(a0, a2, a1), 1},
      {amoswap_w(a0, a2, a1), 2}, {amoswap_d(a0, a2, a1), 4}, {amomaxu_d(a0, a2, a1), 6},
      {amoor_w(a0, a2, a1), 3},   {amominu_d(a0, a2, a1), 1},
  };
  for (auto [insn, offset] : cases) {
    INFO("insn " << Hex{insn} << " at offset " << offset);
    HartFixture f;
    f.poke(F::kData, 0x0102030405060708, 8);
    f.poke(F::kData + 8, 0x1112131415161718, 8);
    f.set_x(a0, F::kPoison);
    f.set_x(a1, F::kData + offset);
    f.set_x(a2, kAllOnes);
    REQUIRE(f.run({insn}) == Outcome::trapped);
    CHECK(f.trap() == Trap{cause(Exception::store_misaligned), F::kCode, F::kData + offset});
    CHECK(f.x(a0) == F::kPoison);
    CHECK(Hex{f.peek(F::kData, 8)} == Hex{0x0102030405060708});
    CHECK(Hex{f.peek(F::kData + 8, 8)} == Hex{0x1112131415161718});
  }
}

TEST_CASE("a misaligned sc traps even while a reservation is held") {
  HartFixture f;
  f.set_x(a1, F::kData);
  f.set_x(a4, F::kData + 2);
  REQUIRE(f.run({lr_w(a0, a1), sc_w(a3, a2, a4)}) == Outcome::trapped);
  CHECK(f.trap() == Trap{cause(Exception::store_misaligned), F::kCode + 4, F::kData + 2});
}

TEST_CASE("atomics on unmapped memory raise access faults: lr a load fault, AMOs a store fault") {
  {
    HartFixture f;
    f.set_x(a1, F::kUnmapped);
    REQUIRE(f.run({lr_d(a0, a1)}) == Outcome::trapped);
    CHECK(f.trap() == Trap{cause(Exception::load_access_fault), F::kCode, F::kUnmapped});
  }
  for (uint32_t insn : {amoadd_w(a0, a2, a1), amoswap_d(a0, a2, a1), amomin_d(zero, a2, a1)}) {
    INFO("insn " << Hex{insn});
    HartFixture f;
    f.set_x(a0, F::kPoison);
    f.set_x(a1, F::kUnmapped + 0x10);
    REQUIRE(f.run({insn}) == Outcome::trapped);
    CHECK(f.trap() == Trap{cause(Exception::store_access_fault), F::kCode, F::kUnmapped + 0x10});
    CHECK(f.x(a0) == F::kPoison);
  }
}
