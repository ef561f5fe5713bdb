// The disassembler: every instruction class in the GNU assembler's syntax, CSR names from the
// CSR table, compressed instructions as what they expand to, and what the hart does not implement.
#include <catch2/catch.hpp>

#include "core/disassembler.h"
#include "rv_encode.h"

using dojo::core::disassemble;
using namespace dojo::test::rv;

namespace {
constexpr uint64_t kPc = 0x80000100;
}

TEST_CASE("disassembler: each instruction class, targets absolute, CSRs by name") {
  CHECK(disassemble(addi(a0, a0, -1), kPc) == "addi a0, a0, -1");
  CHECK(disassemble(add(t0, zero, s11), kPc) == "add t0, zero, s11");
  CHECK(disassemble(lui(a5, 0x12345), kPc) == "lui a5, 0x12345");
  CHECK(disassemble(auipc(gp, 0xfffff), kPc) == "auipc gp, 0xfffff");
  CHECK(disassemble(jal(ra, -0x100), kPc) == "jal ra, 0x80000000");
  CHECK(disassemble(beq(a0, zero, 0x10), kPc) == "beq a0, zero, 0x80000110");
  CHECK(disassemble(ld(a1, sp, 24), kPc) == "ld a1, 24(sp)");
  CHECK(disassemble(sd(ra, sp, -8), kPc) == "sd ra, -8(sp)");
  CHECK(disassemble(lr_w(a0, a1), kPc) == "lr.w a0, (a1)");
  CHECK(disassemble(wfi(), kPc) == "wfi");
  CHECK(disassemble(csrrw(zero, csr::mscratch, a1), kPc) == "csrrw zero, mscratch, a1");
  CHECK(disassemble(csrrwi(a0, 0xf15, 3), kPc) == "csrrwi a0, mconfigptr, 3");
  CHECK(disassemble(csrrw(zero, csr::satp, a0), kPc) == "csrrw zero, 0x180, a0");  // no S-mode
}

TEST_CASE("disassembler: compressed instructions as their expansion, unknown encodings as words") {
  CHECK(disassemble(0x0505, kPc) == "addi a0, a0, 1");  // c.addi a0, 1
  CHECK(disassemble(0x8082, kPc) == "jalr zero, 0(ra)");  // c.jr ra (ret)
  CHECK(disassemble(0x0000, kPc) == ".word 0x0000");  // the defined-illegal all-zero halfword
  CHECK(disassemble(0xffffffff, kPc) == ".word 0xffffffff");
  CHECK(disassemble(0x10200073, kPc) == ".word 0x10200073");  // sret: no S-mode here
}
