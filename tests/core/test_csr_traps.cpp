// Zicsr and the machine-mode privileged architecture of a hart with M and U modes: CSR
// instruction semantics, which CSRs exist and which bits they keep (WARL), counters and their
// U-mode access, exceptions, mret, interrupts (enables, priority, vectoring) and WFI.
#include <catch2/catch.hpp>

#include "hart_fixture.h"

using namespace dojo::core;
using namespace dojo::test;
using namespace dojo::test::rv;

using F = HartFixture;

namespace {

constexpr uint64_t kMppMachine = uint64_t{3} << mstatus::mpp_shift;
constexpr uint64_t kUxl64 = uint64_t{2} << mstatus::uxl_shift;
constexpr uint64_t kMxl64 = uint64_t{2} << 62;
// misa extension bits of RV64IMAC with user mode.
constexpr uint64_t kMisaExtensions = 1u << ('A' - 'A') | 1u << ('C' - 'A') | 1u << ('I' - 'A') |
                                     1u << ('M' - 'A') | 1u << ('U' - 'A');
constexpr uint64_t kAllMachineInterrupts =
    irq_bit(Irq::software) | irq_bit(Irq::timer) | irq_bit(Irq::external);

// `insn` (which would write a0) traps as an illegal instruction at kCode, leaving a0 alone.
void require_illegal(HartFixture& f, uint32_t insn) {
  INFO("instruction " << Hex{insn});
  f.set_x(a0, F::kPoison);
  REQUIRE(f.run({insn}) == Outcome::trapped);
  CHECK(f.trap() == Trap{cause(Exception::illegal_insn), F::kCode, insn});
  CHECK(f.x(a0) == F::kPoison);
  CHECK(f.hart.priv() == Priv::machine);
}

// The mstatus fields a trap or mret changes.
uint64_t trap_fields(const HartFixture& f) {
  return f.csr(rv::csr::mstatus) & (mstatus::mie | mstatus::mpie | mstatus::mpp | mstatus::mprv);
}

void enable_interrupts(HartFixture& f, uint64_t mie_bits) {
  f.set_csr(rv::csr::mie, mie_bits);
  f.set_csr(rv::csr::mstatus, f.csr(rv::csr::mstatus) | mstatus::mie);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// CSR instructions.

TEST_CASE("csrrw swaps, csrrs sets and csrrc clears bits, each returning the old value") {
  HartFixture f;
  f.set_csr(rv::csr::mscratch, 0xF0F0);
  f.set_x(a1, 0x1234);
  f.set_x(a2, 0x000F);
  f.set_x(a3, 0x1030);
  REQUIRE(f.run({csrrw(a0, rv::csr::mscratch, a1), csrrs(a4, rv::csr::mscratch, a2),
                 csrrc(a5, rv::csr::mscratch, a3), csrr(a6, rv::csr::mscratch)}) == Outcome::finished);
  CHECK(Hex{f.x(a0)} == Hex{0xF0F0});
  CHECK(Hex{f.x(a4)} == Hex{0x1234});
  CHECK(Hex{f.x(a5)} == Hex{0x123F});
  CHECK(Hex{f.x(a6)} == Hex{0x020F});
  CHECK(Hex{f.csr(rv::csr::mscratch)} == Hex{0x020F});
}

TEST_CASE("csrrwi, csrrsi, csrrci use a zero-extended 5-bit immediate") {
  HartFixture f;
  f.set_csr(rv::csr::mscratch, kAllOnes);
  REQUIRE(f.run({csrrwi(a0, rv::csr::mscratch, 31), csrrsi(a1, rv::csr::mscratch, 0x10),
                 csrrci(a2, rv::csr::mscratch, 0x11), csrr(a3, rv::csr::mscratch)}) == Outcome::finished);
  CHECK(Hex{f.x(a0)} == Hex{kAllOnes});
  CHECK(Hex{f.x(a1)} == Hex{31});
  CHECK(Hex{f.x(a2)} == Hex{31});
  CHECK(Hex{f.x(a3)} == Hex{0x0E});
}

TEST_CASE("csrrw with rd == rs1 writes the old rs1 and returns the old CSR value") {
  HartFixture f;
  f.set_csr(rv::csr::mscratch, 111);
  f.set_x(a0, 222);
  REQUIRE(f.run({csrrw(a0, rv::csr::mscratch, a0)}) == Outcome::finished);
  CHECK(f.x(a0) == 111);
  CHECK(f.csr(rv::csr::mscratch) == 222);
}

TEST_CASE("csrrs/csrrc with rs1=x0 and csrrsi/csrrci with uimm=0 do not write: fine on read-only CSRs") {
  HartFixture f;
  for (unsigned number : {rv::csr::cycle, rv::csr::instret, rv::csr::mhartid, rv::csr::mvendorid, rv::csr::marchid,
                          rv::csr::mimpid}) {
    INFO("CSR " << Hex{number});
    CHECK(f.run({csrrs(a0, number, zero), csrrc(a1, number, zero), csrrsi(a2, number, 0),
                 csrrci(a3, number, 0)}) == Outcome::finished);
  }
}

TEST_CASE("any write to a read-only CSR is illegal, even of an unchanged value") {
  HartFixture f;
  f.set_x(a1, 0);
  for (unsigned number : {rv::csr::cycle, rv::csr::time, rv::csr::instret, rv::csr::hpmcounter3, rv::csr::mhartid,
                          rv::csr::mvendorid, rv::csr::marchid, rv::csr::mimpid}) {
    INFO("CSR " << Hex{number});
    require_illegal(f, csrrw(a0, number, a1));
    require_illegal(f, csrrw(a0, number, zero));   // writes zero
    require_illegal(f, csrrs(a0, number, a1));     // rs1 != x0 holding 0 still writes
    require_illegal(f, csrrc(a0, number, a1));
    require_illegal(f, csrrwi(a0, number, 0));     // csrrwi always writes
    require_illegal(f, csrrsi(a0, number, 1));
    require_illegal(f, csrrci(a0, number, 1));
  }
}

TEST_CASE("CSRs a RV64 M+U hart without S, F, PMP or debug mode lacks trap as illegal") {
  HartFixture f;
  const unsigned missing[] = {
      rv::csr::sstatus, rv::csr::stvec, rv::csr::satp, 0x140 /* sscratch */, 0x104 /* sie */,
      rv::csr::fflags, 0x002 /* frm */, rv::csr::fcsr,
      rv::csr::mstatush, rv::csr::mcycleh, rv::csr::cycleh, 0xC82 /* instreth */,
      rv::csr::medeleg, rv::csr::mideleg,  // should not exist without S-mode or U-mode traps
      0x7B0 /* dcsr */, 0x7B1 /* dpc */, 0x7C0 /* custom */, 0x800 /* custom */,
      0x5C0 /* custom */, 0x015 /* seed */, 0x600 /* hstatus */,
  };
  for (unsigned number : missing) {
    INFO("CSR " << Hex{number});
    require_illegal(f, csrr(a0, number));
    require_illegal(f, csrrw(a0, number, a1));
    uint64_t value = 0;
    CHECK_FALSE(f.hart.read_csr(number, value));
  }
}

// ---------------------------------------------------------------------------------------------
// Machine information and status registers.

TEST_CASE("misa reports MXL=64 and the extensions A, C, I, M, U only") {
  HartFixture f;
  REQUIRE(f.run({csrr(a0, rv::csr::misa)}) == Outcome::finished);
  CHECK(Hex{f.x(a0)} == Hex{kMxl64 | kMisaExtensions});
}

TEST_CASE("writing misa does not trap and keeps MXL=64 and I") {
  HartFixture f;
  f.set_x(a1, 0);
  REQUIRE(f.run({csrw(rv::csr::misa, a1), csrr(a0, rv::csr::misa)}) == Outcome::finished);
  CHECK(f.x(a0) >> 62 == 2);
  CHECK(f.x(a0) & (1u << ('I' - 'A')));
}

TEST_CASE("mhartid comes from the configuration and the id CSRs are readable") {
  HartConfig config;
  config.hartid = 5;
  HartFixture f(config);
  REQUIRE(f.run({csrr(a0, rv::csr::mhartid), csrr(a1, rv::csr::mvendorid), csrr(a2, rv::csr::marchid),
                 csrr(a3, rv::csr::mimpid), csrr(a4, 0xF15 /* mconfigptr */)}) == Outcome::finished);
  CHECK(f.x(a0) == 5);
  CHECK(f.hart.hartid() == 5);
}

TEST_CASE("mstatus keeps only MIE, MPIE, MPP, MPRV and TW, and UXL reads 64-bit") {
  HartFixture f;
  f.set_x(a1, kAllOnes);
  REQUIRE(f.run({csrw(rv::csr::mstatus, a1), csrr(a0, rv::csr::mstatus), csrw(rv::csr::mstatus, zero),
                 csrr(a2, rv::csr::mstatus)}) == Outcome::finished);
  CHECK(Hex{f.x(a0)} == Hex{mstatus::mie | mstatus::mpie | kMppMachine | mstatus::mprv |
                            mstatus::tw | kUxl64});
  CHECK(Hex{f.x(a2)} == Hex{kUxl64});
}

TEST_CASE("mstatus.MPP is WARL: only M and U are kept, S and the reserved value become U") {
  HartFixture f;
  for (uint64_t mpp : {0, 1, 2, 3}) {
    INFO("MPP written " << mpp);
    f.set_x(a1, mpp << mstatus::mpp_shift);
    REQUIRE(f.run({csrw(rv::csr::mstatus, a1), csrr(a0, rv::csr::mstatus)}) == Outcome::finished);
    const uint64_t expected = mpp == 3 ? 3 : 0;
    CHECK((f.x(a0) & mstatus::mpp) >> mstatus::mpp_shift == expected);
  }
}

TEST_CASE("mie keeps only MSIE, MTIE and MEIE, and mip has no software-writable bits") {
  HartFixture f;
  f.set_x(a1, kAllOnes);
  REQUIRE(f.run({csrw(rv::csr::mie, a1), csrr(a0, rv::csr::mie), csrw(rv::csr::mip, a1), csrr(a2, rv::csr::mip),
                 csrs(rv::csr::mip, a1), csrr(a3, rv::csr::mip)}) == Outcome::finished);
  CHECK(Hex{f.x(a0)} == Hex{kAllMachineInterrupts});
  CHECK(Hex{f.x(a2)} == Hex{0});
  CHECK(Hex{f.x(a3)} == Hex{0});
}

TEST_CASE("mip shows the interrupt lines set with set_irq, and csrc cannot clear them") {
  HartFixture f;
  f.hart.set_irq(Irq::timer, true);
  f.hart.set_irq(Irq::external, true);
  f.set_x(a1, kAllOnes);
  REQUIRE(f.run({csrr(a0, rv::csr::mip), csrc(rv::csr::mip, a1), csrr(a2, rv::csr::mip)}) == Outcome::finished);
  CHECK(Hex{f.x(a0)} == Hex{irq_bit(Irq::timer) | irq_bit(Irq::external)});
  CHECK(Hex{f.x(a2)} == Hex{irq_bit(Irq::timer) | irq_bit(Irq::external)});
  f.hart.set_irq(Irq::timer, false);
  f.hart.set_irq(Irq::software, true);
  CHECK(Hex{f.csr(rv::csr::mip)} == Hex{irq_bit(Irq::software) | irq_bit(Irq::external)});
}

TEST_CASE("mepc clears bit 0 and keeps bit 1 (IALIGN=16)") {
  HartFixture f;
  f.set_x(a1, 0x80001003);
  f.set_x(a2, kAllOnes);
  REQUIRE(f.run({csrw(rv::csr::mepc, a1), csrr(a0, rv::csr::mepc), csrw(rv::csr::mepc, a2),
                 csrr(a3, rv::csr::mepc)}) == Outcome::finished);
  CHECK(Hex{f.x(a0)} == Hex{0x80001002});
  CHECK(Hex{f.x(a3)} == Hex{0xFFFFFFFFFFFFFFFE});
}

TEST_CASE("mtvec keeps a 4-byte-aligned base in direct and vectored mode, never a reserved mode") {
  HartFixture f;
  f.set_x(a1, 0x80002000);
  f.set_x(a2, 0x80002101);
  f.set_x(a3, 0x80002002);
  f.set_x(a4, 0x80002003);
  REQUIRE(f.run({csrw(rv::csr::mtvec, a1), csrr(a0, rv::csr::mtvec), csrw(rv::csr::mtvec, a2),
                 csrr(a5, rv::csr::mtvec), csrw(rv::csr::mtvec, a3), csrr(a6, rv::csr::mtvec),
                 csrw(rv::csr::mtvec, a4), csrr(a7, rv::csr::mtvec)}) == Outcome::finished);
  CHECK(Hex{f.x(a0)} == Hex{0x80002000});
  CHECK(Hex{f.x(a5)} == Hex{0x80002101});
  CHECK((f.x(a6) & 3) <= 1);
  CHECK((f.x(a7) & 3) <= 1);
}

TEST_CASE("mscratch, mcause and mtval hold any value") {
  HartFixture f;
  for (unsigned number : {rv::csr::mscratch, rv::csr::mcause, rv::csr::mtval}) {
    INFO("CSR " << Hex{number});
    for (uint64_t value : {kAllOnes, uint64_t{0x8000000000000007}, uint64_t{2}}) {
      f.set_x(a1, value);
      REQUIRE(f.run({csrw(number, a1), csrr(a0, number)}) == Outcome::finished);
      CHECK(Hex{f.x(a0)} == Hex{value});
    }
  }
}

TEST_CASE("menvcfg exists in a hart with U-mode") {
  HartFixture f;
  REQUIRE(f.run({csrr(a0, rv::csr::menvcfg)}) == Outcome::finished);
}

// ---------------------------------------------------------------------------------------------
// Counters.

TEST_CASE("mcycle and minstret read the count before the reading instruction") {
  HartFixture f;
  REQUIRE(f.run({nop(), nop(), nop(), csrr(a0, rv::csr::minstret), csrr(a1, rv::csr::mcycle),
                 csrr(a2, rv::csr::instret), csrr(a3, rv::csr::cycle)}) == Outcome::finished);
  CHECK(f.x(a0) == 3);
  CHECK(f.x(a1) == 4);  // three nops and one csr instruction, one cycle each
  CHECK(f.x(a2) == 5);
  CHECK(f.x(a3) == 6);
}

TEST_CASE("a value written to mcycle or minstret is what the next instruction reads") {
  HartFixture f;
  f.set_x(a1, 1000);
  f.set_x(a2, 0x123456789);
  REQUIRE(f.run({csrw(rv::csr::minstret, a1), csrr(a0, rv::csr::minstret), csrr(a3, rv::csr::instret),
                 csrw(rv::csr::mcycle, a2), csrr(a4, rv::csr::mcycle), csrr(a5, rv::csr::cycle)}) ==
          Outcome::finished);
  CHECK(f.x(a0) == 1000);
  CHECK(f.x(a3) == 1001);
  CHECK(f.x(a4) == 0x123456789);
  CHECK(f.x(a5) == 0x123456789 + 1);
}

TEST_CASE("mcountinhibit freezes mcycle and minstret, and its TM bit is read-only zero") {
  HartFixture f;
  REQUIRE(f.run({csrwi(rv::csr::mcountinhibit, 7), csrr(a0, rv::csr::mcountinhibit),
                 csrr(a1, rv::csr::minstret), csrr(a2, rv::csr::mcycle), nop(), nop(),
                 csrr(a3, rv::csr::minstret), csrr(a4, rv::csr::mcycle), csrwi(rv::csr::mcountinhibit, 0),
                 nop(), csrr(a5, rv::csr::minstret)}) == Outcome::finished);
  CHECK(Hex{f.x(a0)} == Hex{5});
  CHECK(f.x(a3) == f.x(a1));
  CHECK(f.x(a4) == f.x(a2));
  // Whether the csrw that clears the inhibit counts itself is not specified; the nop counts.
  CHECK(f.x(a5) >= f.x(a3) + 1);
  CHECK(f.x(a5) <= f.x(a3) + 2);
}

TEST_CASE("mcounteren keeps CY, TM and IR") {
  HartFixture f;
  REQUIRE(f.run({csrwi(rv::csr::mcounteren, 7), csrr(a0, rv::csr::mcounteren)}) == Outcome::finished);
  CHECK(f.x(a0) == 7);
}

TEST_CASE("time reads the platform timer through the bus") {
  HartFixture f;
  f.bus.mtime = 0x1122334455;
  REQUIRE(f.run({nop(), csrr(a0, rv::csr::time)}) == Outcome::finished);
  CHECK(Hex{f.x(a0)} == Hex{0x1122334455});
  REQUIRE_FALSE(f.bus.mtime_queries.empty());
  CHECK(f.bus.mtime_queries.back() <= f.hart.cycles());
}

TEST_CASE("hpmcounter3-31 and mhpmcounter/mhpmevent3-31 read zero and ignore M-mode writes") {
  HartFixture f;
  f.set_x(a1, kAllOnes);
  for (unsigned i = 0; i <= 28; ++i) {
    INFO("counter " << i + 3);
    f.set_x(a0, F::kPoison);
    f.set_x(a2, F::kPoison);
    f.set_x(a3, F::kPoison);
    REQUIRE(f.run({csrw(rv::csr::mhpmcounter3 + i, a1), csrw(rv::csr::mhpmevent3 + i, a1),
                   csrr(a0, rv::csr::mhpmcounter3 + i), csrr(a2, rv::csr::mhpmevent3 + i),
                   csrr(a3, rv::csr::hpmcounter3 + i)}) == Outcome::finished);
    CHECK(f.x(a0) == 0);
    CHECK(f.x(a2) == 0);
    CHECK(f.x(a3) == 0);
  }
}

// ---------------------------------------------------------------------------------------------
// User mode and CSR privilege.

TEST_CASE("user mode cannot access machine-mode CSRs") {
  for (unsigned number : {rv::csr::mstatus, rv::csr::mscratch, rv::csr::mepc, rv::csr::mtvec, rv::csr::misa,
                          rv::csr::mhartid, rv::csr::mcycle, rv::csr::minstret, rv::csr::mcounteren, rv::csr::mip}) {
    INFO("CSR " << Hex{number});
    HartFixture f;
    f.enter_user_mode(F::kCode);
    const uint32_t insn = csrr(a0, number);
    f.set_x(a0, F::kPoison);
    REQUIRE(f.run({insn}) == Outcome::trapped);
    CHECK(f.trap() == Trap{cause(Exception::illegal_insn), F::kCode, insn});
    CHECK(f.x(a0) == F::kPoison);
    CHECK(f.hart.priv() == Priv::machine);
    CHECK((f.csr(rv::csr::mstatus) & mstatus::mpp) == 0);
  }
}

TEST_CASE("user-mode reads of cycle, time, instret need their mcounteren bit") {
  const std::pair<unsigned, unsigned> counters[] = {{rv::csr::cycle, 0}, {rv::csr::time, 1}, {rv::csr::instret, 2}};
  for (auto [number, bit] : counters) {
    INFO("CSR " << Hex{number});
    HartFixture denied;
    denied.set_csr(rv::csr::mcounteren, 7 & ~(1u << bit));
    denied.enter_user_mode(F::kCode);
    REQUIRE(denied.run({csrr(a0, number)}) == Outcome::trapped);
    CHECK(denied.trap() == Trap{cause(Exception::illegal_insn), F::kCode, csrr(a0, number)});

    HartFixture allowed;
    allowed.bus.mtime = 777;
    allowed.set_csr(rv::csr::mcounteren, 1u << bit);
    allowed.enter_user_mode(F::kCode);
    REQUIRE(allowed.run({csrr(a0, number)}) == Outcome::finished);
    CHECK(allowed.hart.priv() == Priv::user);
    if (number == rv::csr::time) CHECK(allowed.x(a0) == 777);
  }
}

TEST_CASE("machine mode reads counters whatever mcounteren says") {
  HartFixture f;
  f.set_csr(rv::csr::mcounteren, 0);
  REQUIRE(f.run({csrr(a0, rv::csr::cycle), csrr(a1, rv::csr::time), csrr(a2, rv::csr::instret)}) ==
          Outcome::finished);
}

TEST_CASE("mret in user mode is illegal") {
  HartFixture f;
  f.enter_user_mode(F::kCode);
  REQUIRE(f.run({mret()}) == Outcome::trapped);
  CHECK(f.trap() == Trap{cause(Exception::illegal_insn), F::kCode, mret()});
  CHECK(f.hart.priv() == Priv::machine);
}

TEST_CASE("wfi in user mode: allowed with mstatus.TW=0, illegal with TW=1") {
  HartFixture allowed;
  allowed.enter_user_mode(F::kCode);
  allowed.place(F::kCode, {wfi()});
  CHECK(allowed.hart.step(1) == StopReason::wfi);
  CHECK(allowed.hart.priv() == Priv::user);

  HartFixture trapped;
  trapped.set_csr(rv::csr::mstatus, trapped.csr(rv::csr::mstatus) | mstatus::tw);
  trapped.enter_user_mode(F::kCode);
  REQUIRE(trapped.run({wfi()}) == Outcome::trapped);
  CHECK(trapped.trap() == Trap{cause(Exception::illegal_insn), F::kCode, wfi()});

  HartFixture machine;  // TW does not affect machine mode
  machine.set_csr(rv::csr::mstatus, mstatus::tw);
  machine.start({wfi()});
  CHECK(machine.hart.step(1) == StopReason::wfi);
}

// ---------------------------------------------------------------------------------------------
// Exceptions and mret.

TEST_CASE("ecall from machine mode: cause 11, mepc = ecall, mtval 0, MPP=M, MPIE=old MIE, MIE=0") {
  HartFixture f;
  f.set_csr(rv::csr::mstatus, mstatus::mie);
  f.set_csr(rv::csr::mtval, 0x1234);
  REQUIRE(f.run({nop(), ecall()}) == Outcome::trapped);
  CHECK(f.trap() == Trap{cause(Exception::ecall_m), F::kCode + 4, 0});
  CHECK(Hex{trap_fields(f)} == Hex{mstatus::mpie | kMppMachine});
  CHECK(f.hart.priv() == Priv::machine);
}

TEST_CASE("ecall from user mode: cause 8, back in machine mode with MPP=U") {
  HartFixture f;
  f.set_csr(rv::csr::mstatus, mstatus::mpie);  // so MIE=1 in user mode after the mret
  f.enter_user_mode(F::kCode);
  REQUIRE((f.csr(rv::csr::mstatus) & mstatus::mie) != 0);
  REQUIRE(f.run({nop(), c_nop(), ecall()}) == Outcome::trapped);
  CHECK(f.trap() == Trap{cause(Exception::ecall_u), F::kCode + 6, 0});
  CHECK(Hex{trap_fields(f)} == Hex{mstatus::mpie});
  CHECK(f.hart.priv() == Priv::machine);
}

TEST_CASE("ebreak and c.ebreak: cause 3 with mtval = the instruction's address") {
  HartFixture f;
  REQUIRE(f.run({nop(), ebreak()}) == Outcome::trapped);
  CHECK(f.trap() == Trap{cause(Exception::breakpoint), F::kCode + 4, F::kCode + 4});
  REQUIRE(f.run({c_nop(), c_ebreak()}) == Outcome::trapped);
  CHECK(f.trap() == Trap{cause(Exception::breakpoint), F::kCode + 2, F::kCode + 2});
}

TEST_CASE("ecall and ebreak do not retire: instret and minstret do not count them") {
  HartFixture f;
  REQUIRE(f.run({nop(), ecall()}) == Outcome::trapped);
  CHECK(f.hart.instret() == 1);
  CHECK(f.csr(rv::csr::minstret) == 1);
  REQUIRE(f.run({ebreak()}) == Outcome::trapped);
  CHECK(f.hart.instret() == 1);
}

TEST_CASE("exceptions in user mode trap to machine mode with MPP=U") {
  HartFixture f;
  f.enter_user_mode(F::kCode);
  f.set_x(a1, F::kUnmapped);
  REQUIRE(f.run({nop(), sd(a1, a1, 0)}) == Outcome::trapped);
  CHECK(f.trap() == Trap{cause(Exception::store_access_fault), F::kCode + 4, F::kUnmapped});
  CHECK(f.hart.priv() == Priv::machine);
  CHECK((f.csr(rv::csr::mstatus) & mstatus::mpp) == 0);
}

TEST_CASE("a trap whose handler cannot even be fetched stops the hart with StopReason::fatal") {
  HartFixture f;
  f.set_csr(rv::csr::mtvec, F::kUnmapped);
  f.start({ecall()});
  CHECK(f.hart.run(1000000) == StopReason::fatal);
  CHECK_FALSE(f.hart.fatal_message().empty());
}

TEST_CASE("a trap handler that traps at once stops the hart, naming both traps and the instruction") {
  HartFixture f;
  f.place(F::kHandler, {csrrw(zero, rv::csr::satp, a0)});  // no S-mode: illegal
  f.start({ecall()});
  CHECK(f.hart.run(1000000) == StopReason::fatal);
  const std::string message = f.hart.fatal_message();
  INFO(message);
  CHECK(message.find("raised illegal instruction (mtval 0x18051073: csrrw zero, 0x180, a0) before "
                     "executing an instruction") != std::string::npos);
  CHECK(message.find("the trap that entered it was environment call from M-mode at pc 0x") !=
        std::string::npos);
}

TEST_CASE("read_csr and write_csr refuse missing CSRs and writes to read-only ones") {
  HartFixture f;
  uint64_t value = 0;
  CHECK_FALSE(f.hart.read_csr(rv::csr::sstatus, value));
  CHECK_FALSE(f.hart.write_csr(rv::csr::sstatus, 0));
  CHECK_FALSE(f.hart.write_csr(rv::csr::cycle, 0));
  CHECK_FALSE(f.hart.write_csr(rv::csr::mhartid, 0));
  CHECK(f.hart.read_csr(rv::csr::mhartid, value));
  CHECK(f.hart.write_csr(rv::csr::mstatus, uint64_t{2} << mstatus::mpp_shift));
  CHECK((f.csr(rv::csr::mstatus) & mstatus::mpp) == 0);  // legalised like a CSR instruction
}

TEST_CASE("a trap counts as one step") {
  HartFixture f;
  f.start({ecall()});
  f.hart.step(1);
  CHECK(f.hart.pc() == F::kHandler);
  CHECK(f.csr(rv::csr::mcause) == cause(Exception::ecall_m));
}

TEST_CASE("mret to machine mode: MIE=MPIE, MPIE=1, MPP=U, MPRV kept, pc=mepc") {
  HartFixture f;
  f.set_csr(rv::csr::mstatus, mstatus::mpie | kMppMachine | mstatus::mprv);
  f.set_csr(rv::csr::mepc, F::kCode + 0x102);
  f.start({mret()});
  f.hart.step(1);
  CHECK(f.hart.pc() == F::kCode + 0x102);
  CHECK(f.hart.priv() == Priv::machine);
  CHECK(Hex{trap_fields(f)} == Hex{mstatus::mie | mstatus::mpie | mstatus::mprv});
}

TEST_CASE("mret to user mode: priv U, MIE=MPIE, MPIE=1, MPP=U, MPRV cleared") {
  HartFixture f;
  f.set_csr(rv::csr::mstatus, mstatus::mie | mstatus::mprv);  // MPP=U, MPIE=0
  f.set_csr(rv::csr::mepc, F::kCode + 0x100);
  f.start({mret()});
  f.hart.step(1);
  CHECK(f.hart.pc() == F::kCode + 0x100);
  CHECK(f.hart.priv() == Priv::user);
  CHECK(Hex{trap_fields(f)} == Hex{mstatus::mpie});
}

TEST_CASE("a trap handler can skip the trapping instruction and return with mret") {
  HartFixture f;
  f.install_handler({csrr(t0, rv::csr::mepc), addi(t0, t0, 4), csrw(rv::csr::mepc, t0),
                     csrr(t1, rv::csr::mcause), mret()});
  f.set_x(a0, 0);
  REQUIRE(f.run({ecall(), addi(a0, a0, 1)}) == Outcome::finished);
  CHECK(f.x(a0) == 1);
  CHECK(f.x(t1) == cause(Exception::ecall_m));
  CHECK(f.hart.priv() == Priv::machine);

  f.enter_user_mode(F::kCode);
  REQUIRE(f.run({ecall(), addi(a0, a0, 1)}) == Outcome::finished);
  CHECK(f.x(a0) == 2);
  CHECK(f.x(t1) == cause(Exception::ecall_u));
  CHECK(f.hart.priv() == Priv::user);
}

TEST_CASE("vectored mtvec: exceptions go to the base, interrupts to base + 4 * cause") {
  HartFixture f;
  f.set_csr(rv::csr::mtvec, F::kHandler | 1);
  f.start({ecall(), nop()});
  f.hart.step(1);
  CHECK(f.hart.pc() == F::kHandler);

  for (Irq irq : {Irq::software, Irq::timer, Irq::external}) {
    INFO("irq " << static_cast<unsigned>(irq));
    HartFixture g;
    g.set_csr(rv::csr::mtvec, F::kHandler | 1);
    enable_interrupts(g, kAllMachineInterrupts);
    g.hart.set_irq(irq, true);
    g.start({nop(), nop()});
    g.hart.step(1);
    CHECK(Hex{g.hart.pc()} == Hex{F::kHandler + 4 * static_cast<unsigned>(irq)});
    CHECK(g.csr(rv::csr::mcause) == interrupt_cause(irq));
  }
}

// ---------------------------------------------------------------------------------------------
// Interrupts.

TEST_CASE("a timer interrupt enabled in mie and mstatus traps before the next instruction") {
  HartFixture f;
  enable_interrupts(f, irq_bit(Irq::timer));
  f.set_csr(rv::csr::mtval, 0x55);
  f.set_x(a0, 0);
  f.start({addi(a0, a0, 1), addi(a0, a0, 1), addi(a0, a0, 1)});
  f.hart.step(1);
  f.hart.set_irq(Irq::timer, true);
  REQUIRE(f.run_until(F::kCode + 12) == Outcome::trapped);
  CHECK(f.trap() == Trap{interrupt_cause(Irq::timer), F::kCode + 4, 0});
  CHECK(f.x(a0) == 1);
  CHECK(Hex{trap_fields(f)} == Hex{mstatus::mpie | kMppMachine});
}

TEST_CASE("software and external interrupts have causes 3 and 11 with the interrupt bit") {
  for (Irq irq : {Irq::software, Irq::external}) {
    HartFixture f;
    enable_interrupts(f, irq_bit(irq));
    f.hart.set_irq(irq, true);
    REQUIRE(f.run({nop()}) == Outcome::trapped);
    CHECK(f.trap() == Trap{interrupt_cause(irq), F::kCode, 0});
  }
}

TEST_CASE("interrupt priority: external over software over timer") {
  HartFixture f;
  f.hart.set_irq(Irq::timer, true);
  f.hart.set_irq(Irq::software, true);
  f.hart.set_irq(Irq::external, true);
  for (Irq expected : {Irq::external, Irq::software, Irq::timer}) {
    INFO("expected irq " << static_cast<unsigned>(expected));
    enable_interrupts(f, kAllMachineInterrupts);
    REQUIRE(f.run({nop()}) == Outcome::trapped);
    CHECK(f.csr(rv::csr::mcause) == interrupt_cause(expected));
    f.hart.set_irq(expected, false);
  }
  enable_interrupts(f, kAllMachineInterrupts);
  CHECK(f.run({nop()}) == Outcome::finished);
}

TEST_CASE("in machine mode interrupts are masked by mstatus.MIE and by mie") {
  HartFixture f;
  f.set_csr(rv::csr::mie, kAllMachineInterrupts);  // mstatus.MIE stays 0
  f.hart.set_irq(Irq::timer, true);
  f.hart.set_irq(Irq::external, true);
  CHECK(f.run({nop(), nop()}) == Outcome::finished);

  HartFixture g;
  enable_interrupts(g, irq_bit(Irq::software));
  g.hart.set_irq(Irq::timer, true);
  g.hart.set_irq(Irq::external, true);
  CHECK(g.run({nop(), nop()}) == Outcome::finished);
}

TEST_CASE("in user mode enabled interrupts are taken even with mstatus.MIE=0") {
  HartFixture f;
  f.set_csr(rv::csr::mie, irq_bit(Irq::timer));
  f.enter_user_mode(F::kCode);
  REQUIRE((f.csr(rv::csr::mstatus) & mstatus::mie) == 0);
  f.hart.set_irq(Irq::timer, true);
  REQUIRE(f.run({nop(), nop()}) == Outcome::trapped);
  CHECK(f.trap() == Trap{interrupt_cause(Irq::timer), F::kCode, 0});
  CHECK(f.hart.priv() == Priv::machine);
  CHECK(Hex{trap_fields(f)} == Hex{0});  // MPIE=0 (old MIE), MPP=U

  HartFixture g;  // not enabled in mie: not taken
  g.set_csr(rv::csr::mie, irq_bit(Irq::software));
  g.enter_user_mode(F::kCode);
  g.hart.set_irq(Irq::timer, true);
  CHECK(g.run({nop(), nop()}) == Outcome::finished);
}

TEST_CASE("setting mstatus.MIE with an interrupt pending takes it right after the csr instruction") {
  HartFixture f;
  f.set_csr(rv::csr::mie, irq_bit(Irq::external));
  f.hart.set_irq(Irq::external, true);
  f.set_x(a0, 0);
  REQUIRE(f.run({nop(), csrsi(rv::csr::mstatus, 8), addi(a0, a0, 1)}) == Outcome::trapped);
  CHECK(f.trap() == Trap{interrupt_cause(Irq::external), F::kCode + 8, 0});
  CHECK(f.x(a0) == 0);
}

TEST_CASE("setting a mie bit with the line pending takes the interrupt right away") {
  HartFixture f;
  f.set_csr(rv::csr::mstatus, mstatus::mie);
  f.hart.set_irq(Irq::timer, true);
  f.set_x(a1, irq_bit(Irq::timer));
  REQUIRE(f.run({csrs(rv::csr::mie, a1), nop()}) == Outcome::trapped);
  CHECK(f.trap() == Trap{interrupt_cause(Irq::timer), F::kCode + 4, 0});
}

TEST_CASE("mret into user mode with an enabled interrupt pending traps at the user pc") {
  HartFixture f;
  f.set_csr(rv::csr::mstatus, 0);  // MPP=U
  f.set_csr(rv::csr::mie, irq_bit(Irq::software));
  f.hart.set_irq(Irq::software, true);
  f.set_csr(rv::csr::mepc, F::kCode + 0x100);
  f.set_x(a0, 0);
  f.place(F::kCode + 0x100, {addi(a0, a0, 1)});
  REQUIRE(f.run({mret()}) == Outcome::trapped);
  CHECK(f.trap() == Trap{interrupt_cause(Irq::software), F::kCode + 0x100, 0});
  CHECK(f.x(a0) == 0);
  CHECK((f.csr(rv::csr::mstatus) & mstatus::mpp) == 0);
}

TEST_CASE("set_irq from inside a bus callback is taken after that instruction") {
  HartFixture f;
  enable_interrupts(f, irq_bit(Irq::software));
  f.bus.on_access = [&](const BusAccess& access) {
    if (access.write) f.hart.set_irq(Irq::software, true);
  };
  f.set_x(a1, F::kMmio);
  f.set_x(a2, 0);
  REQUIRE(f.run({sw(a1, a1, 0), addi(a2, a2, 1), addi(a2, a2, 1)}) == Outcome::trapped);
  CHECK(f.trap() == Trap{interrupt_cause(Irq::software), F::kCode + 4, 0});
  CHECK(f.x(a2) == 0);
}

TEST_CASE("set_irq from a bus callback during run() is taken within that run") {
  HartFixture f;
  enable_interrupts(f, irq_bit(Irq::external));
  f.bus.on_access = [&](const BusAccess&) { f.hart.set_irq(Irq::external, true); };
  f.install_handler({csrr(a3, rv::csr::mcause), j(0)});
  f.set_x(a1, F::kMmio);
  f.start({lw(a2, a1, 0), addi(a0, a0, 1), j(-4)});
  f.set_x(a0, 0);
  f.hart.run(10000);
  CHECK(f.x(a3) == interrupt_cause(Irq::external));
  CHECK(f.csr(rv::csr::mepc) == F::kCode + 4);
  CHECK(f.x(a0) == 0);
}

TEST_CASE("clearing a line with set_irq(false) withdraws the interrupt") {
  HartFixture f;
  enable_interrupts(f, irq_bit(Irq::timer));
  f.hart.set_irq(Irq::timer, true);
  f.hart.set_irq(Irq::timer, false);
  CHECK(f.csr(rv::csr::mip) == 0);
  CHECK(f.run({nop()}) == Outcome::finished);
}

TEST_CASE("a step whose instruction raises an interrupt ends before the interrupt is taken") {
  HartFixture f;
  enable_interrupts(f, irq_bit(Irq::software));
  f.bus.on_access = [&](const BusAccess&) { f.hart.set_irq(Irq::software, true); };
  f.set_x(a1, F::kMmio);
  f.start({sw(a1, a1, 0), nop()});
  f.hart.step(1);
  CHECK(f.hart.pc() == F::kCode + 4);
  CHECK(f.hart.instret() == 1);
  f.hart.step(1);
  CHECK(f.hart.pc() == F::kHandler);
  CHECK(f.trap() == Trap{interrupt_cause(Irq::software), F::kCode + 4, 0});
  CHECK(f.hart.instret() == 1);
}

TEST_CASE("an interrupt raised between two run() calls is taken at the start of the next") {
  HartFixture f;
  f.install_handler({csrr(a3, rv::csr::mcause), j(0)});
  enable_interrupts(f, irq_bit(Irq::timer));
  f.set_x(a0, 0);
  f.start({addi(a0, a0, 1), j(-4)});
  CHECK(f.hart.run(100) == StopReason::limit);
  const uint64_t count = f.x(a0);
  f.hart.set_irq(Irq::timer, true);
  CHECK(f.hart.run(200) == StopReason::limit);
  CHECK(f.x(a0) == count);
  CHECK(f.x(a3) == interrupt_cause(Irq::timer));
}

TEST_CASE("an interrupt counts as a step and retires nothing") {
  HartFixture f;
  enable_interrupts(f, irq_bit(Irq::timer));
  f.hart.set_irq(Irq::timer, true);
  f.start({nop()});
  f.hart.step(1);
  CHECK(f.hart.pc() == F::kHandler);
  CHECK(f.hart.instret() == 0);
}

// ---------------------------------------------------------------------------------------------
// WFI.

TEST_CASE("wfi with nothing pending stops run() and step(), and the interrupt is taken after it") {
  HartFixture f;
  enable_interrupts(f, irq_bit(Irq::timer));
  f.set_x(a0, 0);
  f.start({nop(), wfi(), addi(a0, a0, 1)});
  CHECK(f.hart.run(1000000) == StopReason::wfi);
  CHECK(f.x(a0) == 0);
  f.hart.set_pc(F::kCode + 4);
  CHECK(f.hart.step(3) == StopReason::wfi);
  CHECK(f.x(a0) == 0);
  // The caller resumes once an interrupt is pending.
  f.hart.set_irq(Irq::timer, true);
  REQUIRE(f.run_until(F::kCode + 12) == Outcome::trapped);
  // The interrupt is taken after the wfi: mepc is the next instruction.
  CHECK(f.trap() == Trap{interrupt_cause(Irq::timer), F::kCode + 8, 0});
  CHECK(f.x(a0) == 0);
}

TEST_CASE("wfi completes when an interrupt is pending in mie even with mstatus.MIE=0") {
  HartFixture f;
  f.set_csr(rv::csr::mie, irq_bit(Irq::software));
  f.hart.set_irq(Irq::software, true);
  f.set_x(a0, 0);
  CHECK(f.run({wfi(), addi(a0, a0, 1)}) == Outcome::finished);
  CHECK(f.x(a0) == 1);

  HartFixture g;  // the line rises while waiting
  g.set_csr(rv::csr::mie, irq_bit(Irq::timer));
  g.set_x(a0, 0);
  g.start({wfi(), addi(a0, a0, 1)});
  CHECK(g.hart.run(1000000) == StopReason::wfi);
  g.hart.set_irq(Irq::timer, true);
  CHECK(g.run_until(F::kCode + 8) == Outcome::finished);
  CHECK(g.x(a0) == 1);
}

TEST_CASE("the CSR table is the hart's: exactly its CSRs exist, each reads its reset value") {
  F f;
  HartConfig config;
  config.hartid = 5;
  Hart fresh(config, f.bus);  // no vector unit: its CSRs are absent
  unsigned listed = 0;
  for (unsigned number = 0; number < 4096; ++number) {
    INFO("csr " << Hex{number} << " " << csr_name(number));
    const CsrInfo* info = find_csr(number);
    uint64_t value = 0;
    const bool exists = fresh.read_csr(number, value);
    CHECK(exists == (info != nullptr && info->unit == CsrUnit::hart));
    if (!exists) continue;
    ++listed;
    CHECK(info->privilege() == ((number >> 8) & 3));
    if (number == dojo::core::csr::mhartid) {
      CHECK(value == 5);
    } else if (number != dojo::core::csr::time) {  // time reads the platform's mtime
      CHECK(value == info->reset);
    }
  }
  CHECK(listed == all_csrs().size() - 3);  // all but vcfg, vseed, vflags
  CHECK(csr_name(dojo::core::csr::mconfigptr) == "mconfigptr");
  CHECK(csr_name(0x3a2) == "pmpcfg2");
  CHECK(find_csr(0x3a1) == nullptr);  // pmpcfg1 is RV32-only
}
