// Control and status registers, traps and interrupts of an M+U hart (privileged specification,
// machine-level ISA). Where the specification leaves a choice, the choice is Spike's.
#include <cstdio>
#include <string>

#include "core/csr_table.h"
#include "core/disassembler.h"
#include "core/hart.h"
#include "core/hart_internal.h"
#include "support/hex.h"

namespace dojo::core {
namespace {

// misa.X: non-standard extensions (the vector unit) are present.
constexpr uint64_t kMisaNonStandard = uint64_t{1} << ('X' - 'A');

constexpr uint64_t kInterruptEnableMask = (1u << 3) | (1u << 7) | (1u << 11);
constexpr uint64_t kInhibitCycle = 1, kInhibitInstret = 4;

// Counters and PMP registers this hart implements as read-only zero (a legal implementation).
bool is_zero_csr(unsigned csr) {
  const CsrInfo* info = find_csr(csr);
  return info && info->access == CsrAccess::zero;
}

const char* cause_name(uint64_t cause) {
  if (cause & kInterruptBit) {
    switch (cause & ~kInterruptBit) {
      case 3: return "machine software interrupt";
      case 7: return "machine timer interrupt";
      case 11: return "machine external interrupt";
      default: return "interrupt";
    }
  }
  switch (static_cast<Exception>(cause)) {
    case Exception::insn_misaligned: return "instruction address misaligned";
    case Exception::insn_access_fault: return "instruction access fault";
    case Exception::illegal_insn: return "illegal instruction";
    case Exception::breakpoint: return "breakpoint";
    case Exception::load_misaligned: return "load address misaligned";
    case Exception::load_access_fault: return "load access fault";
    case Exception::store_misaligned: return "store/AMO address misaligned";
    case Exception::store_access_fault: return "store/AMO access fault";
    case Exception::ecall_u: return "environment call from U-mode";
    case Exception::ecall_m: return "environment call from M-mode";
  }
  return "exception";
}

// "(mtval 0x...)", and for an illegal instruction what it was: "(mtval 0x...: csrrw zero, 0x180, a0)".
std::string trap_value(uint64_t cause, uint64_t tval, uint64_t epc) {
  std::string text = "(mtval " + hex(tval);
  if (cause == static_cast<uint64_t>(Exception::illegal_insn) && tval != 0)
    text += ": " + disassemble(static_cast<uint32_t>(tval), epc);
  return text + ")";
}

}  // namespace

uint64_t Hart::mcycle_now() const {
  return (mcountinhibit_ & kInhibitCycle) ? mcycle_frozen_ : cycles_ + mcycle_offset_;
}

uint64_t Hart::minstret_now() const {
  return (mcountinhibit_ & kInhibitInstret) ? minstret_frozen_ : instret_ + minstret_offset_;
}

bool Hart::read_csr(unsigned csr, uint64_t& value) const {
  switch (csr) {
    case csr::cycle: case csr::mcycle: value = mcycle_now(); return true;
    case csr::time: value = bus_.bus_mtime(cycles_); return true;
    case csr::instret: case csr::minstret: value = minstret_now(); return true;
    case csr::mvendorid: case csr::marchid: case csr::mimpid: case csr::mconfigptr: value = 0; return true;
    case csr::mhartid: value = config_.hartid; return true;
    case csr::mstatus: value = mstatus_ | kMstatusUxl64; return true;
    case csr::misa: value = kMisa | (vector_ ? kMisaNonStandard : 0); return true;
    case csr::mie: value = mie_; return true;
    case csr::mtvec: value = mtvec_; return true;
    case csr::mcounteren: value = mcounteren_; return true;
    case csr::menvcfg: value = menvcfg_; return true;
    case csr::mcountinhibit: value = mcountinhibit_; return true;
    case csr::mscratch: value = mscratch_; return true;
    case csr::mepc: value = mepc_; return true;
    case csr::mcause: value = mcause_; return true;
    case csr::mtval: value = mtval_; return true;
    case csr::mip: value = mip_; return true;
    default:
      if (is_vector_csr(csr)) return vector_->read_csr(csr, value);
      value = 0;
      return is_zero_csr(csr);
  }
}

bool Hart::write_csr(unsigned csr, uint64_t value) { return write_csr_at(csr, value, 0, 0); }

bool Hart::write_csr_at(unsigned csr, uint64_t value, uint64_t retired, uint64_t elapsed) {
  switch (csr) {
    case csr::mstatus: {
      // MPP holds only implemented modes: S and H encodings become U, as Spike does.
      const uint64_t mpp = ((value & kMstatusMpp) >> kMstatusMppShift) == 3 ? kMstatusMpp : 0;
      mstatus_ = (value & (kMstatusMie | kMstatusMpie | kMstatusMprv | kMstatusTw)) | mpp;
      attention_ = true;  // may unmask a pending interrupt
      return true;
    }
    case csr::misa: return true;  // WARL, fixed
    case csr::mie:
      mie_ = value & kInterruptEnableMask;
      attention_ = true;
      return true;
    case csr::mtvec: mtvec_ = value & ~uint64_t{2}; return true;  // modes 0 (direct) and 1 (vectored)
    case csr::mcounteren: mcounteren_ = value & 0xffff'ffff; return true;
    case csr::menvcfg: menvcfg_ = value & 1; return true;  // FIOM only
    case csr::mcountinhibit: {
      const uint64_t cycle_now = mcycle_now() + elapsed, instret_now = minstret_now() + retired;
      mcountinhibit_ = value & (kInhibitCycle | kInhibitInstret);
      // Counting resumes from where it stopped.
      mcycle_frozen_ = cycle_now;
      minstret_frozen_ = instret_now;
      mcycle_offset_ = cycle_now - (cycles_ + elapsed);
      minstret_offset_ = instret_now - (instret_ + retired);
      return true;
    }
    case csr::mscratch: mscratch_ = value; return true;
    case csr::mepc: mepc_ = value & ~uint64_t{1}; return true;
    case csr::mcause: mcause_ = value; return true;
    case csr::mtval: mtval_ = value; return true;
    case csr::mip: return true;  // MSIP, MTIP and MEIP are driven by the platform
    case csr::mcycle:
      mcycle_frozen_ = value;
      mcycle_offset_ = value - (cycles_ + elapsed);
      return true;
    case csr::minstret:
      minstret_frozen_ = value;
      minstret_offset_ = value - (instret_ + retired);
      return true;
    default:
      if (is_vector_csr(csr)) return vector_->write_csr(csr, value);
      return is_zero_csr(csr) && (csr >> 10) != 3;
  }
}

bool Hart::csr_op(unsigned csr, Op op, uint64_t operand, bool write, uint64_t& old_value) {
  const auto required = static_cast<unsigned>((csr >> 8) & 3);
  if (required > static_cast<unsigned>(priv_)) return false;
  if (write && (csr >> 10) == 3) return false;  // read-only CSR
  if (priv_ == Priv::user && csr - csr::cycle < 32 &&
      !((mcounteren_ >> (csr & 31)) & 1)) {
    return false;
  }
  if (is_vector_csr(csr)) settle_vector();
  if (!read_csr(csr, old_value)) return false;
  if (!write) return true;
  uint64_t value = operand;
  if (op == Op::csrrs || op == Op::csrrsi) value = old_value | operand;
  if (op == Op::csrrc || op == Op::csrrci) value = old_value & ~operand;
  if (!write_csr_at(csr, value, 1, config_.cycles.csr)) return false;
  note_csr_write(csr, value);
  return true;
}

void Hart::note_csr_write(unsigned csr, uint64_t written) {
  if (!recording_) return;
  // A counter reads back what was written only after this instruction's own cycles and retirement
  // have been counted: show the value written, as Spike does. Other CSRs show their legal value.
  uint64_t value = written;
  if (csr != csr::mcycle && csr != csr::minstret) read_csr(csr, value);
  commit_.csrs.push_back({csr, value});
}

int Hart::pending_interrupt() const {
  const uint64_t pending = mip_ & mie_;
  if (pending == 0) return -1;
  // M-mode interrupts are always enabled in U-mode, and by mstatus.MIE in M-mode.
  if (priv_ == Priv::machine && !(mstatus_ & kMstatusMie)) return -1;
  for (const Irq irq : {Irq::external, Irq::software, Irq::timer}) {
    if ((pending >> static_cast<unsigned>(irq)) & 1) return static_cast<int>(irq);
  }
  return -1;
}

uint64_t Hart::take_trap(uint64_t cause, uint64_t tval, uint64_t epc) {
  const bool interrupt = (cause & kInterruptBit) != 0;
  if (!interrupt && epc == last_trap_.target && instret_ == last_trap_.instret) {
    fatal_message_ = "hart " + std::to_string(config_.hartid) + ": the trap handler at " +
                     hex(epc) + " (mtvec " + hex(mtvec_) + ") raised " + cause_name(cause) + " " +
                     trap_value(cause, tval, epc) +
                     " before executing an instruction; the trap that entered it was " +
                     cause_name(last_trap_.cause) + " at pc " + hex(last_trap_.epc) + " " +
                     trap_value(last_trap_.cause, last_trap_.tval, last_trap_.epc);
    return epc;
  }
  mepc_ = epc & ~uint64_t{1};
  mcause_ = cause;
  mtval_ = tval;
  const uint64_t mie_bit = (mstatus_ & kMstatusMie) ? kMstatusMpie : 0;
  mstatus_ = (mstatus_ & ~(kMstatusMie | kMstatusMpie | kMstatusMpp)) | mie_bit |
             (static_cast<uint64_t>(priv_) << kMstatusMppShift);
  priv_ = Priv::machine;
  reservation_valid_ = false;
  const uint64_t base = mtvec_ & ~uint64_t{3};
  const bool vectored = (mtvec_ & 3) == 1;
  const uint64_t target = vectored && interrupt ? base + 4 * (cause & ~kInterruptBit) : base;
  if (!interrupt) last_trap_ = {cause, epc, tval, target, instret_};
  return target;
}

uint64_t Hart::do_mret() {
  const bool to_machine = ((mstatus_ & kMstatusMpp) >> kMstatusMppShift) == 3;
  priv_ = to_machine ? Priv::machine : Priv::user;
  const uint64_t mie_bit = (mstatus_ & kMstatusMpie) ? kMstatusMie : 0;
  mstatus_ = (mstatus_ & ~(kMstatusMie | kMstatusMpp)) | mie_bit | kMstatusMpie;
  if (!to_machine) mstatus_ &= ~kMstatusMprv;
  note_csr_write(csr::mstatus, mstatus_);
  return mepc_;
}

}  // namespace dojo::core
