// The hart's control and status registers, declared once (as Spike's encoding.h does): number,
// name, access and reset value of each. The hart's CSR file (csr.cpp), the commit log's names,
// the GDB server's target description and the hart's trap messages all read this table; nothing
// else lists CSRs. The privilege a CSR needs is the one its number encodes (bits 9:8), as the
// privileged specification assigns numbers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vector/vector_engine.h"

namespace dojo::core {

// How software sees a CSR. Which values a writable one keeps (WARL) is the hart's (csr.cpp).
enum class CsrAccess : uint8_t {
  read_write,  // read and written by software
  read_only,   // a write is an illegal instruction (the numbers 0xC00-0xFFF)
  fixed,       // writes are ignored: misa, and mip, whose bits the platform drives
  zero,        // read-only zero, which the specification allows for these counters and PMP
};

// Who holds a CSR's value.
enum class CsrUnit : uint8_t {
  hart,    // the hart itself
  vector,  // the vector unit (present only with one; its reset values are its own)
};

// X(name, number, access, unit, reset): `reset` is what a hart reads right after reset (for
// counters, before any cycle; mhartid reads the hart's id, listed as 0).
#define DOJO_HART_CSRS(X)                                          \
  X(mstatus, 0x300, read_write, hart, kMstatusUxl64)               \
  X(misa, 0x301, fixed, hart, kMisa)                               \
  X(mie, 0x304, read_write, hart, 0)                               \
  X(mtvec, 0x305, read_write, hart, 0)                             \
  X(mcounteren, 0x306, read_write, hart, 0)                        \
  X(menvcfg, 0x30a, read_write, hart, 0)                           \
  X(mcountinhibit, 0x320, read_write, hart, 0)                     \
  X(mscratch, 0x340, read_write, hart, 0)                          \
  X(mepc, 0x341, read_write, hart, 0)                              \
  X(mcause, 0x342, read_write, hart, 0)                            \
  X(mtval, 0x343, read_write, hart, 0)                             \
  X(mip, 0x344, fixed, hart, 0)                                    \
  X(mcycle, 0xb00, read_write, hart, 0)                            \
  X(minstret, 0xb02, read_write, hart, 0)                          \
  X(cycle, 0xc00, read_only, hart, 0)                              \
  X(time, 0xc01, read_only, hart, 0)                               \
  X(instret, 0xc02, read_only, hart, 0)                            \
  X(mvendorid, 0xf11, read_only, hart, 0)                          \
  X(marchid, 0xf12, read_only, hart, 0)                            \
  X(mimpid, 0xf13, read_only, hart, 0)                             \
  X(mhartid, 0xf14, read_only, hart, 0)                            \
  X(mconfigptr, 0xf15, read_only, hart, 0)                         \
  /* The vector unit's (docs/isa-vector.md); Spike has no such CSRs. */ \
  X(vcfg, vector::csr_vcfg, read_write, vector, 0)                 \
  X(vseed, vector::csr_vseed, read_write, vector, 0)               \
  X(vflags, vector::csr_vflags, read_write, vector, 0)

// F(prefix, first number, count, first index, stride, access): numbered CSRs of the hart, e.g.
// hpmcounter3..31; member i is number `first + i * stride`, named prefix + (index + i * stride).
#define DOJO_HART_CSR_FAMILIES(F)          \
  F(hpmcounter, 0xc03, 29, 3, 1, zero)     \
  F(mhpmcounter, 0xb03, 29, 3, 1, zero)    \
  F(mhpmevent, 0x323, 29, 3, 1, zero)      \
  F(pmpcfg, 0x3a0, 8, 0, 2, zero) /* the odd ones are RV32-only */ \
  F(pmpaddr, 0x3b0, 64, 0, 1, zero)

// misa: RV64 with A, C, I, M and U (X, non-standard extensions, is added with a vector unit).
inline constexpr uint64_t kMisa = uint64_t{2} << 62 | 1 << ('A' - 'A') | 1 << ('C' - 'A') |
                                  1 << ('I' - 'A') | 1 << ('M' - 'A') | 1 << ('U' - 'A');
inline constexpr uint64_t kMstatusUxl64 = uint64_t{2} << 32;  // read-only: U-mode is 64-bit

// The numbers, as csr::mstatus and so on.
namespace csr {
enum : unsigned {
#define DOJO_CSR_NUMBER(name, number, access, unit, reset) name = number,
  DOJO_HART_CSRS(DOJO_CSR_NUMBER)
#undef DOJO_CSR_NUMBER
};
}  // namespace csr

// The reset value of a CSR of the table (0 for any other number), for the hart's initial state.
constexpr uint64_t csr_reset(unsigned number) {
  switch (number) {
#define DOJO_CSR_RESET(name, number, access, unit, reset) \
    case number: return reset;
    DOJO_HART_CSRS(DOJO_CSR_RESET)
#undef DOJO_CSR_RESET
  }
  return 0;
}

struct CsrInfo {
  unsigned number = 0;
  std::string name;
  CsrAccess access = CsrAccess::read_write;
  CsrUnit unit = CsrUnit::hart;
  uint64_t reset = 0;
  // The lowest privilege level that may access it (0 user, 1 supervisor, 3 machine), from its
  // number.
  unsigned privilege() const { return (number >> 8) & 3; }
};

// The CSR with this number, or null if the hart has none (with or without a vector unit).
const CsrInfo* find_csr(unsigned number);
// Every CSR, families expanded, in number order.
const std::vector<CsrInfo>& all_csrs();
// The CSR's name, or its number ("0x7c0") if the hart has no such CSR, as objdump shows it.
std::string csr_name(unsigned number);

}  // namespace dojo::core
