#include "core/translator.h"

#include <asmjit/x86.h>

#include "core/hart_internal.h"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <type_traits>

namespace dojo::core {

struct Translator::Runtime {
  asmjit::JitRuntime jit;
};

Trace::Trace(Translator& owner, std::string key, Code code, uint64_t code_bytes,
             std::vector<TraceExit> exits, unsigned first, unsigned end)
    : owner_(owner), key_(std::move(key)), code_(code), code_bytes_(code_bytes),
      exits_(std::move(exits)), first_(first), end_(end) {}

Trace::~Trace() { owner_.release(key_, code_, code_bytes_); }

Translator::Translator(uint64_t code_limit)
    : runtime_(std::make_unique<Runtime>()), code_limit_(code_limit) {}
Translator::~Translator() = default;

void Translator::release(const std::string& key, Trace::Code code, uint64_t code_bytes) {
  traces_.erase(key);
  runtime_->jit.release(code);
  stats_.code_bytes -= code_bytes;
  if (flushing_ && stats_.code_bytes <= code_limit_ / 2) flushing_ = false;
}

namespace {

using namespace asmjit;
using namespace asmjit::x86;

// Register use in a trace (System V): rdi the TraceContext; r8 the guest registers, r9 the fast
// memory, r10 its base address, r11 its fast size, rsi the page entries; saved and restored: rbx the
// page bias, r12 and r13 what loops retired and their extra cycles, r14 the budget left, r15 the
// handler of undecoded entries; rax, rcx and rdx are scratch.
const Gp kContext = rdi, kRegisters = r8, kMemory = r9, kMemoryBase = r10, kFastSize = r11,
         kPageEntries = rsi, kPageBias = rbx, kLoopedRetired = r12, kLoopedExtra = r13,
         kBudget = r14, kUndecoded = r15;

Mem guest(unsigned index) { return qword_ptr(kRegisters, static_cast<int32_t>(index * 8)); }
Mem guest32(unsigned index) { return dword_ptr(kRegisters, static_cast<int32_t>(index * 8)); }

// Cycles beyond one that the interpreter charges for `op` when it does not branch (a taken
// branch's extra is the exit's).
int64_t extra_unless_branching(Op op, const CycleModel& cost) {
  return is_conditional_branch(op) ? 0 : core::extra_cycles(op, cost);
}

class TraceAssembler {
 public:
  TraceAssembler(CodeHolder& code, uint64_t page_base, const CycleModel& cost)
      : a_(&code), page_base_(page_base), cost_(cost) {}

  std::vector<TraceExit> assemble(const std::vector<TraceInstruction>& instructions) {
    for (const Gp& saved : {kPageBias, kLoopedRetired, kLoopedExtra, kBudget, kUndecoded})
      a_.push(saved);
    a_.mov(kRegisters, qword_ptr(kContext, offsetof(TraceContext, x)));
    a_.mov(kMemory, qword_ptr(kContext, offsetof(TraceContext, mem)));
    a_.mov(kMemoryBase, qword_ptr(kContext, offsetof(TraceContext, mem_base)));
    a_.mov(kFastSize, qword_ptr(kContext, offsetof(TraceContext, mem_fast_size)));
    a_.mov(kPageEntries, qword_ptr(kContext, offsetof(TraceContext, page_entries)));
    a_.mov(kPageBias, qword_ptr(kContext, offsetof(TraceContext, mem_page_bias)));
    a_.mov(kBudget, qword_ptr(kContext, offsetof(TraceContext, budget)));
    a_.mov(kUndecoded, qword_ptr(kContext, offsetof(TraceContext, undecoded)));
    a_.xor_(kLoopedRetired.r32(), kLoopedRetired.r32());
    a_.xor_(kLoopedExtra.r32(), kLoopedExtra.r32());
    // Each instruction's label, address and the extra cycles of those before it.
    int64_t extra = 0;
    for (const TraceInstruction& instruction : instructions) {
      labels_.push_back(a_.newLabel());
      pcs_.push_back(instruction.pc);
      extra_before_.push_back(extra);
      extra += extra_unless_branching(instruction.instruction.op, cost_);
    }
    epilogue_ = a_.newLabel();
    bool ended = false;
    for (size_t i = 0; i < instructions.size() && !ended; ++i) {
      const TraceInstruction& instruction = instructions[i];
      a_.bind(labels_[i]);
      retired_ = static_cast<uint32_t>(i);
      extra_ = extra_before_[i];
      ended = emit(instruction.instruction, instruction.pc);
    }
    extra_ = extra;
    if (!ended) {
      const TraceInstruction& last = instructions.back();
      leave({TraceExit::Kind::resume, static_cast<uint32_t>(instructions.size()),
             entry_index(last.pc + last.instruction.length()), extra_, 0});
    }
    for (const Pending& pending : side_exits_) {
      a_.bind(pending.label);
      a_.mov(eax, pending.exit);
      a_.jmp(epilogue_);
    }
    a_.bind(epilogue_);
    a_.mov(qword_ptr(kContext, offsetof(TraceContext, looped_retired)), kLoopedRetired);
    a_.mov(qword_ptr(kContext, offsetof(TraceContext, looped_extra_cycles)), kLoopedExtra);
    for (const Gp& saved : {kUndecoded, kBudget, kLoopedExtra, kLoopedRetired, kPageBias})
      a_.pop(saved);
    a_.ret();
    return std::move(exits_);
  }

 private:
  struct Pending {
    Label label;
    uint32_t exit;
  };

  // Jumps to `target` if the branch `op`'s condition (on the flags of rs1 - rs2) holds, or, with
  // `inverted`, if it does not.
  void jump_if(Op op, bool inverted, const Label& target) {
    switch (op) {
      case Op::beq: inverted ? a_.jne(target) : a_.je(target); break;
      case Op::bne: inverted ? a_.je(target) : a_.jne(target); break;
      case Op::blt: inverted ? a_.jge(target) : a_.jl(target); break;
      case Op::bge: inverted ? a_.jl(target) : a_.jge(target); break;
      case Op::bltu: inverted ? a_.jae(target) : a_.jb(target); break;
      default: inverted ? a_.jb(target) : a_.jae(target); break;  // bgeu
    }
  }

  uint32_t entry_index(uint64_t pc) const { return static_cast<uint32_t>((pc - page_base_) >> 1); }

  // Leaves the trace here, by `exit`.
  void leave(const TraceExit& exit) {
    a_.mov(eax, static_cast<uint32_t>(exits_.size()));
    a_.jmp(epilogue_);
    exits_.push_back(exit);
  }
  // A label to jump to to leave the trace by `exit` (code placed after the trace's body).
  Label leave_at(const TraceExit& exit) {
    const Label label = a_.newLabel();
    side_exits_.push_back({label, static_cast<uint32_t>(exits_.size())});
    exits_.push_back(exit);
    return label;
  }
  // Leaves in front of the current instruction, which the interpreter then carries out.
  Label leave_in_front(uint64_t pc) {
    return leave_at({TraceExit::Kind::resume, retired_, entry_index(pc), extra_, 0});
  }

  // rax = rs1 + imm - mem_base; leaves in front unless [rax, rax + bytes) is fast memory.
  void fast_offset(const Instruction& e, uint64_t pc) {
    a_.mov(rax, guest(e.rs1));
    a_.add(rax, static_cast<int32_t>(e.imm));
    a_.sub(rax, kMemoryBase);
    a_.cmp(rax, kFastSize);
    a_.jae(leave_in_front(pc));
  }

  // Sets x[rd] from rax.
  void write_rd(const Instruction& e) { a_.mov(guest(e.rd), rax); }
  void write_rd_sign_extended32(const Instruction& e) {
    a_.movsxd(rax, eax);
    write_rd(e);
  }

  // Emits one instruction; true if it ends the trace.
  bool emit(const Instruction& e, uint64_t pc) {
    const uint64_t link = pc + e.length();
    switch (e.op) {
      case Op::lui:
      case Op::auipc:
        a_.mov(rax, e.imm);
        write_rd(e);
        return false;
      case Op::jal:
        a_.mov(rax, static_cast<int64_t>(link));
        write_rd(e);
        leave({TraceExit::Kind::branch, retired_ + 1, 0,
               extra_ + extra_unless_branching(e.op, cost_),
               static_cast<uint64_t>(e.imm)});
        return true;
      case Op::jalr:
        // The target is taken before rd is written (rd may be rs1).
        a_.mov(rax, guest(e.rs1));
        a_.add(rax, static_cast<int32_t>(e.imm));
        a_.and_(rax, -2);
        a_.mov(qword_ptr(kContext, offsetof(TraceContext, jump_target)), rax);
        a_.mov(rax, static_cast<int64_t>(link));
        write_rd(e);
        leave({TraceExit::Kind::indirect, retired_ + 1, 0,
               extra_ + extra_unless_branching(e.op, cost_), 0});
        return true;
      case Op::beq: case Op::bne: case Op::blt: case Op::bge: case Op::bltu: case Op::bgeu: {
        a_.mov(rax, guest(e.rs1));
        a_.cmp(rax, guest(e.rs2));
        const TraceExit taken_exit{TraceExit::Kind::branch, retired_ + 1, 0,
                                   extra_ + int64_t{cost_.branch_taken} - 1,
                                   static_cast<uint64_t>(e.imm)};
        const auto within = std::find(pcs_.begin(), pcs_.end(), taken_exit.target);
        if (taken_exit.target != pcs_.front() &&
            (within == pcs_.end() || taken_exit.target < pc)) {
          jump_if(e.op, false, leave_at(taken_exit));
          return false;
        }
        // A branch to the trace's start (another round) or forward inside it stays in the trace
        // while the interpreter would not have stopped at its limit check at the target.
        const Label not_taken = a_.newLabel();
        jump_if(e.op, true, not_taken);
        const int64_t cost = int64_t{taken_exit.retired} + taken_exit.extra_cycles;
        if (taken_exit.target == pcs_.front()) {
          a_.add(kLoopedRetired, static_cast<int32_t>(taken_exit.retired));
          a_.add(kLoopedExtra, static_cast<int32_t>(taken_exit.extra_cycles));
          a_.sub(kBudget, static_cast<int32_t>(cost));
          a_.jg(labels_.front());
          // Out of budget: leave as if taking the branch once more, counted in the loops already.
          a_.sub(kLoopedRetired, static_cast<int32_t>(taken_exit.retired));
          a_.sub(kLoopedExtra, static_cast<int32_t>(taken_exit.extra_cycles));
          leave(taken_exit);
        } else {
          a_.cmp(kBudget, static_cast<int32_t>(cost));
          a_.jle(leave_at(taken_exit));
          // The exits after the target count the instructions skipped as if they had executed
          // (and the branch as not taken): take those back.
          const size_t target = static_cast<size_t>(within - pcs_.begin());
          const int64_t skipped = static_cast<int64_t>(target) - (retired_ + 1);
          const int64_t skipped_extra = extra_before_[target] - extra_before_[retired_ + 1];
          const int64_t taken_extra = int64_t{cost_.branch_taken} - 1;
          a_.sub(kLoopedRetired, static_cast<int32_t>(skipped));
          a_.add(kLoopedExtra, static_cast<int32_t>(taken_extra - skipped_extra));
          a_.add(kBudget, static_cast<int32_t>(skipped + skipped_extra - taken_extra));
          a_.jmp(labels_[target]);
        }
        a_.bind(not_taken);
        return false;
      }
      case Op::lb: case Op::lh: case Op::lw: case Op::ld: case Op::lbu: case Op::lhu:
      case Op::lwu: {
        fast_offset(e, pc);
        switch (e.op) {
          case Op::lb: a_.movsx(rax, byte_ptr(kMemory, rax)); break;
          case Op::lh: a_.movsx(rax, word_ptr(kMemory, rax)); break;
          case Op::lw: a_.movsxd(rax, dword_ptr(kMemory, rax)); break;
          case Op::ld: a_.mov(rax, qword_ptr(kMemory, rax)); break;
          case Op::lbu: a_.movzx(eax, byte_ptr(kMemory, rax)); break;
          case Op::lhu: a_.movzx(eax, word_ptr(kMemory, rax)); break;
          default: a_.mov(eax, dword_ptr(kMemory, rax)); break;  // lwu: zero-extends
        }
        write_rd(e);
        return false;
      }
      case Op::sb: case Op::sh: case Op::sw: case Op::sd: {
        const unsigned bytes = e.op == Op::sb ? 1 : e.op == Op::sh ? 2 : e.op == Op::sw ? 4 : 8;
        fast_offset(e, pc);
        // A store over bytes a decoded entry stands for (code, perhaps in this trace) goes through
        // the interpreter, which forgets that entry; data beside code stays on the fast path.
        const Label in_front = leave_in_front(pc), store = a_.newLabel();
        a_.lea(rdx, ptr(rax, kPageBias));
        a_.mov(rcx, rdx);
        a_.shr(rdx, kPageBits);
        a_.mov(rdx, qword_ptr(kPageEntries, rdx, 3));
        a_.test(rdx, rdx);
        a_.jz(store);
        // Entries up to kMaxEntryBytes - 2 bytes before the store may stand for its bytes; near
        // either end of the page, leave it to the interpreter.
        constexpr unsigned kReach = kMaxEntryBytes - 2;
        a_.and_(ecx, static_cast<uint32_t>(kPageSize - 1));
        a_.sub(ecx, kReach);
        a_.jb(in_front);
        a_.cmp(ecx, static_cast<uint32_t>(kPageSize - kReach - bytes));
        a_.ja(in_front);
        a_.shr(ecx, 1);
        a_.shl(rcx, 5);  // sizeof(Entry)
        static_assert(sizeof(Entry) == 32);
        for (unsigned halfword = 0; halfword <= (kReach + bytes) / 2; ++halfword) {
          const auto at = static_cast<int32_t>(halfword * sizeof(Entry) + kEntryHandlerOffset);
          a_.cmp(qword_ptr(rdx, rcx, 0, at), kUndecoded);
          a_.jne(in_front);
        }
        a_.bind(store);
        a_.mov(rcx, guest(e.rs2));
        switch (bytes) {
          case 1: a_.mov(byte_ptr(kMemory, rax), cl); break;
          case 2: a_.mov(word_ptr(kMemory, rax), cx); break;
          case 4: a_.mov(dword_ptr(kMemory, rax), ecx); break;
          default: a_.mov(qword_ptr(kMemory, rax), rcx); break;
        }
        return false;
      }
      case Op::fence:
        return false;
      default:
        emit_alu(e);
        return false;
    }
  }

  // RISC-V's division never traps: by zero it gives all ones (a quotient) or the dividend (a
  // remainder); the one signed overflow gives the dividend (quotient) or 0 (remainder). x86 faults
  // on both, so they are taken out before the divide.
  void emit_division(const Instruction& e) {
    const bool word = e.op >= Op::divw;
    const bool is_signed = e.op == Op::div || e.op == Op::rem || e.op == Op::divw || e.op == Op::remw;
    const bool remainder = e.op == Op::rem || e.op == Op::remu || e.op == Op::remw || e.op == Op::remuw;
    const Gp dividend = word ? Gp(eax) : Gp(rax), divisor = word ? Gp(ecx) : Gp(rcx);
    const Gp high = word ? Gp(edx) : Gp(rdx);
    Label by_zero = a_.newLabel(), divide = a_.newLabel(), done = a_.newLabel();
    a_.mov(dividend, word ? guest32(e.rs1) : guest(e.rs1));
    a_.mov(divisor, word ? guest32(e.rs2) : guest(e.rs2));
    a_.test(divisor, divisor);
    a_.jz(by_zero);
    if (is_signed) {
      a_.cmp(divisor, -1);
      a_.jne(divide);
      if (word)
        a_.cmp(dividend, INT32_MIN);
      else
        a_.mov(rdx, INT64_MIN), a_.cmp(dividend, rdx);
      a_.jne(divide);
      if (remainder) a_.xor_(eax, eax);  // else the quotient is the dividend, in rax already
      a_.jmp(done);
    }
    a_.bind(divide);
    if (is_signed) {
      if (word) a_.cdq(); else a_.cqo();
      a_.idiv(divisor);
    } else {
      a_.xor_(edx, edx);
      a_.div(divisor);
    }
    if (remainder) a_.mov(dividend, high);
    a_.jmp(done);
    a_.bind(by_zero);
    if (!remainder) a_.mov(rax, -1);  // else the remainder is the dividend, in rax already
    a_.bind(done);
    if (word)
      write_rd_sign_extended32(e);
    else
      write_rd(e);
  }

  void emit_alu(const Instruction& e) {
    const auto imm = static_cast<int32_t>(e.imm);  // I-type immediates and shift amounts
    // slt, sltu and their immediate forms: 1 if rs1 is below the other operand.
    const auto set_if_below = [&](bool is_signed) {
      a_.mov(rcx, guest(e.rs1));
      a_.xor_(eax, eax);  // before the compare: xor changes the flags
      if (e.op == Op::slti || e.op == Op::sltiu)
        a_.cmp(rcx, imm);
      else
        a_.cmp(rcx, guest(e.rs2));
      if (is_signed)
        a_.setl(al);
      else
        a_.setb(al);
      write_rd(e);
    };
    switch (e.op) {
      case Op::slti: case Op::slt: return set_if_below(true);
      case Op::sltiu: case Op::sltu: return set_if_below(false);
      case Op::mulh: case Op::mulhu:
        a_.mov(rax, guest(e.rs1));
        if (e.op == Op::mulh)
          a_.imul(rdx, rax, guest(e.rs2));
        else
          a_.mul(rdx, rax, guest(e.rs2));
        a_.mov(guest(e.rd), rdx);
        return;
      case Op::mulhsu:  // the unsigned high product, less rs2 if rs1 is negative
        a_.mov(rax, guest(e.rs1));
        a_.mov(rcx, rax);
        a_.mul(rdx, rax, guest(e.rs2));
        a_.sar(rcx, 63);
        a_.and_(rcx, guest(e.rs2));
        a_.sub(rdx, rcx);
        a_.mov(guest(e.rd), rdx);
        return;
      case Op::div: case Op::divu: case Op::rem: case Op::remu:
      case Op::divw: case Op::divuw: case Op::remw: case Op::remuw:
        return emit_division(e);
      case Op::addiw: case Op::slliw: case Op::srliw: case Op::sraiw:
      case Op::addw: case Op::subw: case Op::sllw: case Op::srlw: case Op::sraw: case Op::mulw:
        a_.mov(eax, guest32(e.rs1));
        switch (e.op) {
          case Op::addiw: a_.add(eax, imm); break;
          case Op::slliw: a_.shl(eax, imm); break;
          case Op::srliw: a_.shr(eax, imm); break;
          case Op::sraiw: a_.sar(eax, imm); break;
          case Op::addw: a_.add(eax, guest32(e.rs2)); break;
          case Op::subw: a_.sub(eax, guest32(e.rs2)); break;
          case Op::mulw: a_.imul(eax, guest32(e.rs2)); break;
          default:  // shifts by a register: the low five bits, as x86 does for 32-bit shifts
            a_.mov(ecx, guest32(e.rs2));
            if (e.op == Op::sllw) a_.shl(eax, cl);
            else if (e.op == Op::srlw) a_.shr(eax, cl);
            else a_.sar(eax, cl);
            break;
        }
        return write_rd_sign_extended32(e);
      default:
        break;
    }
    a_.mov(rax, guest(e.rs1));
    switch (e.op) {
      case Op::addi: a_.add(rax, imm); break;
      case Op::xori: a_.xor_(rax, imm); break;
      case Op::ori: a_.or_(rax, imm); break;
      case Op::andi: a_.and_(rax, imm); break;
      case Op::slli: a_.shl(rax, imm); break;
      case Op::srli: a_.shr(rax, imm); break;
      case Op::srai: a_.sar(rax, imm); break;
      case Op::add: a_.add(rax, guest(e.rs2)); break;
      case Op::sub: a_.sub(rax, guest(e.rs2)); break;
      case Op::xor_: a_.xor_(rax, guest(e.rs2)); break;
      case Op::or_: a_.or_(rax, guest(e.rs2)); break;
      case Op::and_: a_.and_(rax, guest(e.rs2)); break;
      case Op::mul: a_.imul(rax, guest(e.rs2)); break;
      default:  // sll, srl, sra: the low six bits of rs2, as x86 does for 64-bit shifts
        a_.mov(rcx, guest(e.rs2));
        if (e.op == Op::sll) a_.shl(rax, cl);
        else if (e.op == Op::srl) a_.shr(rax, cl);
        else a_.sar(rax, cl);
        break;
    }
    write_rd(e);
  }

  Assembler a_;
  uint64_t page_base_;
  const CycleModel& cost_;
  std::vector<Label> labels_;        // each instruction's code
  std::vector<uint64_t> pcs_;        // each instruction's address
  std::vector<int64_t> extra_before_;  // the extra cycles of the instructions before each
  Label epilogue_;
  std::vector<TraceExit> exits_;
  std::vector<Pending> side_exits_;
  uint32_t retired_ = 0;  // instructions before the one being emitted
  int64_t extra_ = 0;     // their extra cycles
};

// What a trace's code is made of: the cycle model, then each instruction's address, encoding and
// length.
std::string trace_key(const std::vector<TraceInstruction>& instructions, const CycleModel& cycles) {
  static_assert(std::has_unique_object_representations_v<CycleModel>, "its bytes are its value");
  std::string key(reinterpret_cast<const char*>(&cycles), sizeof cycles);
  for (const TraceInstruction& instruction : instructions) {
    const uint32_t raw = instruction.instruction.raw;
    key.append(reinterpret_cast<const char*>(&instruction.pc), sizeof instruction.pc);
    key.append(reinterpret_cast<const char*>(&raw), instruction.instruction.length());
  }
  return key;
}

}  // namespace

std::shared_ptr<Trace> Translator::translate(const std::vector<TraceInstruction>& instructions,
                                             uint64_t page_base, const CycleModel& cycles) {
  std::string key = trace_key(instructions, cycles);
  if (const auto found = traces_.find(key); found != traces_.end()) {
    ++stats_.shared;
    return found->second.lock();  // live: a trace's destructor removes it
  }
  const auto start = std::chrono::steady_clock::now();
  CodeHolder code;
  code.init(runtime_->jit.environment());
  TraceAssembler assembler(code, page_base, cycles);
  std::vector<TraceExit> exits = assembler.assemble(instructions);
  const uint64_t bytes = code.codeSize();
  if (code_limit_ != 0 && stats_.code_bytes + bytes > code_limit_) {
    if (!flushing_) {
      flushing_ = true;
      ++generation_;
      ++stats_.flushes;
    }
    return nullptr;
  }
  Trace::Code compiled = nullptr;
  if (runtime_->jit.add(&compiled, &code) != kErrorOk) return nullptr;
  ++stats_.traces;
  stats_.code_bytes += bytes;
  stats_.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const TraceInstruction& last = instructions.back();
  auto trace = std::make_shared<Trace>(
      *this, key, compiled, bytes, std::move(exits),
      static_cast<unsigned>((instructions.front().pc - page_base) >> 1),
      static_cast<unsigned>((last.pc + last.instruction.length() - page_base) >> 1));
  traces_.emplace(std::move(key), trace);
  return trace;
}

}  // namespace dojo::core
