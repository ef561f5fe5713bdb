#include "core/translator.h"

#include <asmjit/x86.h>

#include "core/hart_internal.h"

#include <algorithm>
#include <array>
#include <iterator>
#include <chrono>
#include <cstddef>
#include <type_traits>

namespace dojo::core {

struct Translator::Runtime {
  asmjit::JitRuntime jit;
};

Trace::Trace(Translator& owner, std::string key, Code code, const void* chained,
             uint64_t code_bytes, unsigned first, unsigned end)
    : owner_(owner), key_(std::move(key)), code_(code), slot_{chained, this},
      code_bytes_(code_bytes), first_(first), end_(end) {}

Trace::~Trace() { owner_.release(key_, code_, code_bytes_); }

Translator::Translator(uint64_t code_limit)
    : runtime_(std::make_unique<Runtime>()), code_limit_(code_limit) {}
Translator::~Translator() = default;

void Translator::release(const std::string& key, Trace::Code code, uint64_t code_bytes) {
  // Harts running isolated slices on several host threads drop traces (code they overwrote) at
  // the same time; compiling happens only between those slices.
  const std::lock_guard<std::mutex> lock(release_mutex_);
  traces_.erase(key);
  runtime_->jit.release(code);
  stats_.code_bytes -= code_bytes;
  if (flushing_ && stats_.code_bytes <= code_limit_ / 2) flushing_ = false;
}

namespace {

using namespace asmjit;
using namespace asmjit::x86;

// Register use in a trace (System V): rdi the TraceContext; r8 the guest registers, r9 the fast
// memory, r10 its base address, r11 its fast size; saved and restored: r12 the instructions loops
// retired, r14 the budget left (loops and branches inside the trace lower it by their instructions
// and extra cycles, so the extra cycles are what it lost less what was retired); rax, rcx and rdx
// are scratch. The trace's most used guest registers live in kCacheRegisters while it
// runs (loaded on entry, written back on the way out); the rest stay in the hart's array.
const Gp kContext = rdi, kRegisters = r8, kMemory = r9, kMemoryBase = r10, kFastSize = r11,
         kLoopedRetired = r12, kBudget = r14;
const Gp kCacheRegisters[] = {rbx, rbp, r13, r15, rsi};
const Gp kSaved[] = {rbx, rbp, r12, r13, r14, r15};  // System V's callee-saved

Mem guest_slot(unsigned index) { return qword_ptr(kRegisters, static_cast<int32_t>(index * 8)); }
Mem guest_slot32(unsigned index) { return dword_ptr(kRegisters, static_cast<int32_t>(index * 8)); }
Mem context(size_t offset) { return qword_ptr(kContext, static_cast<int32_t>(offset)); }

// The registers an instruction reads and writes, as its format says.
void count_uses(const Instruction& e, std::array<unsigned, 33>& uses) {
  switch (format(e.op)) {
    case Format::b: case Format::store: ++uses[e.rs1]; ++uses[e.rs2]; break;
    case Format::r: ++uses[e.rs1]; ++uses[e.rs2]; ++uses[e.rd]; break;
    case Format::i: case Format::load: ++uses[e.rs1]; ++uses[e.rd]; break;
    case Format::u: case Format::j: ++uses[e.rd]; break;
    default: break;
  }
}

// Cycles beyond one that the interpreter charges for `op` when it does not branch (a taken
// branch's extra is the exit's).
int64_t extra_unless_branching(Op op, const CycleModel& cost) {
  return is_conditional_branch(op) ? 0 : core::extra_cycles(op, cost);
}

class TraceAssembler {
 public:
  TraceAssembler(CodeHolder& code, uint64_t page_base, const CycleModel& cost)
      : a_(&code), page_base_(page_base), cost_(cost) {}

  // Assembles the trace; the code's entry is at offset 0, the entry for chaining at chained().
  void assemble(const std::vector<TraceInstruction>& instructions) {
    cache_registers(instructions);
    // Every trace saves the same registers, so that a trace chained to returns for the first.
    for (const Gp& reg : kSaved) a_.push(reg);
    a_.mov(kRegisters, context(offsetof(TraceContext, x)));
    a_.mov(kMemory, context(offsetof(TraceContext, mem)));
    a_.mov(kMemoryBase, context(offsetof(TraceContext, mem_base)));
    a_.mov(kFastSize, context(offsetof(TraceContext, mem_fast_size)));
    a_.mov(kBudget, context(offsetof(TraceContext, budget)));
    a_.xor_(kLoopedRetired.r32(), kLoopedRetired.r32());
    chained_ = a_.newLabel();
    a_.bind(chained_);
    for (const Cached& cached : cached_) a_.mov(cached.host, guest_slot(cached.guest));
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
      if (pending.chain) chain(exits_[pending.exit]);
      a_.lea(rax, exit_at(pending.exit));
      a_.jmp(epilogue_);
    }
    a_.bind(epilogue_);
    // Every exit comes here with the cached registers' current values.
    for (const Cached& cached : cached_)
      if (cached.written) a_.mov(guest_slot(cached.guest), cached.host);
    a_.mov(context(offsetof(TraceContext, looped_retired)), kLoopedRetired);
    a_.mov(rcx, context(offsetof(TraceContext, budget)));
    a_.sub(rcx, kBudget);
    a_.sub(rcx, kLoopedRetired);
    a_.mov(context(offsetof(TraceContext, looped_extra_cycles)), rcx);
    for (auto reg = std::rbegin(kSaved); reg != std::rend(kSaved); ++reg) a_.pop(*reg);
    a_.ret();
    static_assert(std::is_trivially_copyable_v<TraceExit>);
    a_.align(AlignMode::kData, alignof(TraceExit));
    a_.bind(exit_table_);
    a_.embed(exits_.data(), exits_.size() * sizeof(TraceExit));
  }

  const Label& chained() const { return chained_; }

 private:
  struct Pending {
    Label label;
    uint32_t exit;
    bool chain;  // try chaining to the trace at the exit's target first
  };
  struct Cached {
    unsigned guest;
    Gp host;
    bool written;
  };

  // Keeps the guest registers used at least twice in host registers, the most used first.
  void cache_registers(const std::vector<TraceInstruction>& instructions) {
    std::array<unsigned, 33> uses{}, writes{};
    for (const TraceInstruction& instruction : instructions) {
      count_uses(instruction.instruction, uses);
      if (writes_rd(instruction.instruction.op)) ++writes[instruction.instruction.rd];
    }
    uses[kSinkRegister] = 0;  // written, never read: it stays in memory
    cached_.reserve(std::size(kCacheRegisters));
    std::array<unsigned, 33> order{};
    for (unsigned i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](unsigned a, unsigned b) { return uses[a] > uses[b]; });
    for (unsigned i = 0; i < std::size(kCacheRegisters) && uses[order[i]] >= 2; ++i) {
      cached_.push_back({order[i], kCacheRegisters[i], writes[order[i]] > 0});
      host_of_[order[i]] = &cached_.back().host;
    }
  }

  // Guest register `index`: its host register, or its slot in the hart's array.
  Operand x(unsigned index) const {
    if (const Gp* host = host_of_[index]) return *host;
    return guest_slot(index);
  }
  Operand x32(unsigned index) const {
    if (const Gp* host = host_of_[index]) return host->r32();
    return guest_slot32(index);
  }
  // `instruction` dst, guest register `index` (mov, add, cmp...).
  void with(InstId instruction, const Operand& dst, unsigned index) {
    a_.emit(instruction, dst, x(index));
  }
  void with32(InstId instruction, const Operand& dst, unsigned index) {
    a_.emit(instruction, dst, x32(index));
  }

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

  // Exit `index`'s entry in the table after the code.
  Mem exit_at(size_t index) const {
    return ptr(exit_table_, static_cast<int32_t>(index * sizeof(TraceExit)));
  }
  // A branch to the start of another trace of this page can chain to it.
  bool chains(const TraceExit& exit) const {
    return exit.kind == TraceExit::Kind::branch && exit.target - page_base_ < kPageSize;
  }
  // Leaves the trace here, by `exit` (chaining if it can).
  void leave(const TraceExit& exit) {
    if (chains(exit)) {
      a_.jmp(leave_at(exit));
      return;
    }
    a_.lea(rax, exit_at(exits_.size()));
    a_.jmp(epilogue_);
    exits_.push_back(exit);
  }
  // A label to jump to to leave the trace by `exit` (code placed after the trace's body).
  Label leave_at(const TraceExit& exit) {
    const Label label = a_.newLabel();
    side_exits_.push_back({label, static_cast<uint32_t>(exits_.size()), chains(exit)});
    exits_.push_back(exit);
    return label;
  }
  // Jumps into the hart's trace at `exit`'s target if there is one and the interpreter would
  // not stop at its limit check there (the budget left after this path is positive), counting
  // this path as a loop's; else falls through.
  void chain(const TraceExit& exit) {
    const Label no_chain = a_.newLabel();
    const int64_t cost = int64_t{exit.retired} + exit.extra_cycles;
    a_.mov(rax, context(offsetof(TraceContext, trace_at)));
    a_.mov(rax, qword_ptr(rax, static_cast<int32_t>(entry_index(exit.target) * sizeof(void*))));
    a_.test(rax, rax);
    a_.jz(no_chain);
    a_.cmp(kBudget, static_cast<int32_t>(cost));
    a_.jle(no_chain);
    for (const Cached& cached : cached_)
      if (cached.written) a_.mov(guest_slot(cached.guest), cached.host);
    a_.add(kLoopedRetired, static_cast<int32_t>(exit.retired));
    a_.sub(kBudget, static_cast<int32_t>(cost));
    a_.jmp(qword_ptr(rax, offsetof(TraceSlot, chained)));
    a_.bind(no_chain);
  }
  // Leaves in front of the current instruction, which the interpreter then carries out.
  Label leave_in_front(uint64_t pc) {
    return leave_at({TraceExit::Kind::resume, retired_, entry_index(pc), extra_, 0});
  }

  // rax = rs1 + imm - mem_base; leaves in front unless [rax, rax + bytes) is fast memory.
  void fast_offset(const Instruction& e, uint64_t pc) {
    with(Inst::kIdMov, rax, e.rs1);
    a_.add(rax, static_cast<int32_t>(e.imm));
    a_.sub(rax, kMemoryBase);
    a_.cmp(rax, kFastSize);
    a_.jae(leave_in_front(pc));
  }

  // Sets x[rd] from rax.
  void write_rd(const Instruction& e, const Gp& value = rax) { a_.emit(Inst::kIdMov, x(e.rd), value); }
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
        with(Inst::kIdMov, rax, e.rs1);
        a_.add(rax, static_cast<int32_t>(e.imm));
        a_.and_(rax, -2);
        a_.mov(qword_ptr(kContext, offsetof(TraceContext, jump_target)), rax);
        a_.mov(rax, static_cast<int64_t>(link));
        write_rd(e);
        leave({TraceExit::Kind::indirect, retired_ + 1, 0,
               extra_ + extra_unless_branching(e.op, cost_), 0});
        return true;
      case Op::beq: case Op::bne: case Op::blt: case Op::bge: case Op::bltu: case Op::bgeu: {
        with(Inst::kIdMov, rax, e.rs1);
        with(Inst::kIdCmp, rax, e.rs2);
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
          a_.sub(kBudget, static_cast<int32_t>(cost));
          a_.jg(labels_.front());
          // Out of budget: leave as if taking the branch once more, counted in the loops already.
          a_.sub(kLoopedRetired, static_cast<int32_t>(taken_exit.retired));
          a_.add(kBudget, static_cast<int32_t>(cost));
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
        a_.mov(rcx, context(offsetof(TraceContext, mem_page_bias)));
        a_.add(rcx, rax);
        a_.mov(rdx, rcx);
        a_.shr(rdx, kPageBits);
        a_.shl(rdx, 3);
        a_.add(rdx, context(offsetof(TraceContext, page_entries)));
        a_.mov(rdx, qword_ptr(rdx));
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
        a_.add(rdx, rcx);
        static_assert(sizeof(Entry::handler) == 4 && kNotDecoded == 0);
        for (unsigned halfword = 0; halfword <= (kReach + bytes) / 2; ++halfword) {
          const auto at = static_cast<int32_t>(halfword * sizeof(Entry) + kEntryHandlerOffset);
          a_.cmp(dword_ptr(rdx, at), 0);
          a_.jne(in_front);
        }
        a_.bind(store);
        with(Inst::kIdMov, rcx, e.rs2);
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
    if (word) {
      with32(Inst::kIdMov, dividend, e.rs1);
      with32(Inst::kIdMov, divisor, e.rs2);
    } else {
      with(Inst::kIdMov, dividend, e.rs1);
      with(Inst::kIdMov, divisor, e.rs2);
    }
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
      with(Inst::kIdMov, rcx, e.rs1);
      a_.xor_(eax, eax);  // before the compare: xor changes the flags
      if (e.op == Op::slti || e.op == Op::sltiu)
        a_.cmp(rcx, imm);
      else
        with(Inst::kIdCmp, rcx, e.rs2);
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
        with(Inst::kIdMov, rax, e.rs1);
        a_.emit(e.op == Op::mulh ? Inst::kIdImul : Inst::kIdMul, rdx, rax, x(e.rs2));
        write_rd(e, rdx);
        return;
      case Op::mulhsu:  // the unsigned high product, less rs2 if rs1 is negative
        with(Inst::kIdMov, rax, e.rs1);
        a_.mov(rcx, rax);
        a_.emit(Inst::kIdMul, rdx, rax, x(e.rs2));
        a_.sar(rcx, 63);
        with(Inst::kIdAnd, rcx, e.rs2);
        a_.sub(rdx, rcx);
        write_rd(e, rdx);
        return;
      case Op::div: case Op::divu: case Op::rem: case Op::remu:
      case Op::divw: case Op::divuw: case Op::remw: case Op::remuw:
        return emit_division(e);
      case Op::addiw: case Op::slliw: case Op::srliw: case Op::sraiw:
      case Op::addw: case Op::subw: case Op::sllw: case Op::srlw: case Op::sraw: case Op::mulw:
        with32(Inst::kIdMov, eax, e.rs1);
        switch (e.op) {
          case Op::addiw: a_.add(eax, imm); break;
          case Op::slliw: a_.shl(eax, imm); break;
          case Op::srliw: a_.shr(eax, imm); break;
          case Op::sraiw: a_.sar(eax, imm); break;
          case Op::addw: with32(Inst::kIdAdd, eax, e.rs2); break;
          case Op::subw: with32(Inst::kIdSub, eax, e.rs2); break;
          case Op::mulw: with32(Inst::kIdImul, eax, e.rs2); break;
          default:  // shifts by a register: the low five bits, as x86 does for 32-bit shifts
            with32(Inst::kIdMov, ecx, e.rs2);
            if (e.op == Op::sllw) a_.shl(eax, cl);
            else if (e.op == Op::srlw) a_.shr(eax, cl);
            else a_.sar(eax, cl);
            break;
        }
        return write_rd_sign_extended32(e);
      default:
        break;
    }
    with(Inst::kIdMov, rax, e.rs1);
    switch (e.op) {
      case Op::addi: a_.add(rax, imm); break;
      case Op::xori: a_.xor_(rax, imm); break;
      case Op::ori: a_.or_(rax, imm); break;
      case Op::andi: a_.and_(rax, imm); break;
      case Op::slli: a_.shl(rax, imm); break;
      case Op::srli: a_.shr(rax, imm); break;
      case Op::srai: a_.sar(rax, imm); break;
      case Op::add: with(Inst::kIdAdd, rax, e.rs2); break;
      case Op::sub: with(Inst::kIdSub, rax, e.rs2); break;
      case Op::xor_: with(Inst::kIdXor, rax, e.rs2); break;
      case Op::or_: with(Inst::kIdOr, rax, e.rs2); break;
      case Op::and_: with(Inst::kIdAnd, rax, e.rs2); break;
      case Op::mul: with(Inst::kIdImul, rax, e.rs2); break;
      default:  // sll, srl, sra: the low six bits of rs2, as x86 does for 64-bit shifts
        with(Inst::kIdMov, rcx, e.rs2);
        if (e.op == Op::sll) a_.shl(rax, cl);
        else if (e.op == Op::srl) a_.shr(rax, cl);
        else a_.sar(rax, cl);
        break;
    }
    write_rd(e);
  }

  Assembler a_;
  std::vector<Cached> cached_;            // reserved up front: host_of_ points into it
  std::array<const Gp*, 33> host_of_{};  // per guest register: its host register, or null
  uint64_t page_base_;
  const CycleModel& cost_;
  std::vector<Label> labels_;        // each instruction's code
  std::vector<uint64_t> pcs_;        // each instruction's address
  std::vector<int64_t> extra_before_;  // the extra cycles of the instructions before each
  Label epilogue_, chained_;
  Label exit_table_ = a_.newLabel();
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
  assembler.assemble(instructions);
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
  const void* chained = reinterpret_cast<const uint8_t*>(compiled) +
                        code.labelOffsetFromBase(assembler.chained());
  auto trace = std::make_shared<Trace>(
      *this, key, compiled, chained, bytes,
      static_cast<unsigned>((instructions.front().pc - page_base) >> 1),
      static_cast<unsigned>((last.pc + last.instruction.length() - page_base) >> 1));
  traces_.emplace(std::move(key), trace);
  return trace;
}

}  // namespace dojo::core
