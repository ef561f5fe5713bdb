// The interpreter: Hart::execute. Decoded entries live in per-page arrays indexed by
// (pc % 4096) / 2, so straight-line code advances a pointer, in-page branches index the array, and
// the pc is only computed when needed. Handlers are labels of one function (computed goto), made
// from the instruction table (instructions.h) and the semantics (semantics.h), plus the
// interpreter's own (decoding, superinstructions, breakpoints, traces); counters stay in locals and
// are written back ("synced out") before anything that can call out of the interpreter.
#include <cstring>
#include <iterator>

#include "core/hart.h"
#include "core/hart_internal.h"
#include "core/semantics.h"
#include "core/translator.h"

namespace dojo::core {

namespace {

template <typename T>
T read_host(const uint8_t* p) {
  T value;
  std::memcpy(&value, p, sizeof value);
  return value;
}

template <typename T>
void write_host(uint8_t* p, T value) {
  std::memcpy(p, &value, sizeof value);
}

}  // namespace

template <bool kSingleStep>
StopReason Hart::execute(uint64_t cycle_limit, uint64_t step_count) {
  static const void* const kHandlers[] = {
#define DOJO_INSTRUCTION_LABEL(name, ...) &&op_##name##_4, &&op_##name##_2,
      DOJO_INSTRUCTIONS(DOJO_INSTRUCTION_LABEL)
#undef DOJO_INSTRUCTION_LABEL
#define DOJO_HANDLER_LABEL(name) &&op_##name##_4, &&op_##name##_2,
      DOJO_INTERPRETER_HANDLERS(DOJO_HANDLER_LABEL)
#undef DOJO_HANDLER_LABEL
  };
  static_assert(std::size(kHandlers) == 2 * static_cast<unsigned>(Handler::count));
  // Entries hold their handler's offset from the decode handler's (HandlerOffset).
  const char* const decode_code =
      static_cast<const char*>(kHandlers[handler_index(Handler::decode, 4)]);
  const auto offset_of = [decode_code](const void* code) {
    return static_cast<HandlerOffset>(static_cast<const char*>(code) - decode_code);
  };
  static const auto kHandlerOffsets = [&] {
    std::array<HandlerOffset, std::size(kHandlers)> offsets;
    for (size_t i = 0; i < offsets.size(); ++i) offsets[i] = offset_of(kHandlers[i]);
    return offsets;
  }();
  // Single-stepping never runs (or counts towards) a trace.
  const HandlerOffset run_trace = offset_of(&&run_trace);
  const HandlerOffset trace_candidate = offset_of(&&trace_candidate);
  if constexpr (!kSingleStep) {
    handlers_ = kHandlerOffsets.data();
    trace_handler_ = run_trace;
    trace_candidate_handler_ = trace_candidate;
  }

  // The registers live in this frame while the hart runs: next to the interpreter's other
  // locals, so register writes never falsely alias (4 KiB apart) with them. Nothing called from
  // here touches x_.
  std::array<uint64_t, 33> registers = x_;
  uint64_t* const x = registers.data();
  const uint64_t start_instret = instret_;
  const uint64_t start_cycles = cycles_ + stall_cycles_;
  stall_cycles_ = 0;
  if (start_cycles >= cycle_limit) {
    cycles_ = start_cycles;
    return StopReason::limit;
  }
  // Cycles this call may take (it stops at the first check past them), and the instructions
  // retired in this call (counted at dispatch). Cycles beyond one per instruction lower `stop`, so
  // that the limit check is n >= stop and the extra cycles are budget - stop.
  const int64_t budget =
      static_cast<int64_t>(std::min<uint64_t>(cycle_limit - start_cycles, INT64_MAX));
  int64_t stop = budget;
  int64_t n = 0;
  uint64_t steps = 0;  // instructions and traps, for single-stepping
  StopReason reason = StopReason::limit;
  uint64_t next_pc = pc_;
  const CycleModel& cost = config_.cycles;
  // The hot handlers' costs, in locals so they stay in registers.
  const auto beyond_one = [](uint32_t cycles) { return int64_t{cycles} - 1; };
  const int64_t taken_branch_extra = beyond_one(cost.branch_taken),
                jump_extra = beyond_one(cost.jump), load_extra = beyond_one(cost.load),
                store_extra = beyond_one(cost.store), mul_extra = beyond_one(cost.mul),
                div_extra = beyond_one(cost.div);
  // The extra cycles a memory operation is charged before its access (given back if a watchpoint
  // stops it).
  const auto charged_up_front = [&](Op op) -> int64_t {
    const Cost charged = info(op).cost;
    return charged == Cost::load || charged == Cost::store || charged == Cost::amo
               ? extra_cycles(op, cost)
               : 0;
  };
  // Single-stepping executes each entry's own instruction (a superinstruction's first, a trace
  // head's), but for the interpreter's entries that stand for none.
  const HandlerOffset breakpoint_handler = handlers_[handler_index(Handler::breakpoint, 4)];
  const auto step_handler = [&](const Entry& entry, const DecodedPage& in) {
    if (entry.handler == kNotDecoded) return handler_index(Handler::decode, 4);
    if (entry.handler == in.page_end_handler) return handler_index(Handler::page_end, 4);
    if (entry.handler == breakpoint_handler) return handler_index(Handler::breakpoint, 4);
    return handler_index(handler_of(entry.op), entry.length());
  };

  // The interpreter's fast memory: the largest fast region. Accesses that fit in its first
  // size-7 bytes take the fast path; everything else goes through load_slow/store_slow.
  uint8_t* mem = nullptr;
  uint64_t mem_base = 0, mem_fast_size = 0, mem_page_bias = 0;
  uint8_t* code_flags = nullptr;
  Entry* const* page_entries = nullptr;
  // Watchpoints need every access checked: none takes the fast path.
  if (!fast_.empty() && fast_.front().size >= 8 && watchpoints_.empty()) {
    FastRegion& region = fast_.front();
    mem = region.host;
    mem_base = region.base;
    mem_fast_size = region.size - 7;
    mem_page_bias = region.base - region.first_page;
    code_flags = region.code.data();
    page_entries = region.page_entries.data();
  }

  TraceContext trace_context{x,
                             mem,
                             mem_base,
                             mem_fast_size,
                             page_entries,
                             mem_page_bias,
                             0};

  DecodedPage* page = &page_for(next_pc);
  Entry* entries = page->entries;
  Entry* e = entries + ((next_pc - page->base) >> 1);
  Entry* next = e;

// Bookkeeping around calls out of the interpreter: they see the counters as of the start of the
// current instruction, and may add stall cycles or raise attention.
#define SYNC_OUT()                                   \
  do {                                               \
    instret_ = start_instret + n - 1;                \
    cycles_ = start_cycles + n - 1 + budget - stop;  \
  } while (0)
#define SYNC_IN()                \
  do {                           \
    stop -= stall_cycles_;       \
    stall_cycles_ = 0;           \
  } while (0)
#define PC_OF(entry) (page->base + (static_cast<uint64_t>((entry) - entries) << 1))
#define DISPATCH()                                              \
  do {                                                          \
    if constexpr (kSingleStep) {                                \
      if (steps++ == step_count) goto out_at_e;                 \
    }                                                           \
    ++n;                                                        \
    GOTO_HANDLER();                                             \
  } while (0)
// The code of the entry at e.
#define GOTO_HANDLER()                                          \
  do {                                                          \
    if constexpr (kSingleStep) {                                \
      goto* kHandlers[step_handler(*e, *page)];                 \
    } else {                                                    \
      goto* static_cast<const void*>(decode_code + e->handler); \
    }                                                           \
  } while (0)
#define NEXT()     \
  do {             \
    e += kStep;    \
    DISPATCH();    \
  } while (0)
// After a call out of the interpreter: finish the instruction, then look at stop requests and
// interrupt lines that the callee may have changed.
#define NEXT_AFTER_CALL()            \
  do {                               \
    SYNC_IN();                       \
    e = next;                        \
    if (attention_) goto attention;  \
    DISPATCH();                      \
  } while (0)
#define CHECK_LIMIT() \
  if (n >= stop) goto out_at_e
#define JUMP_TO(target_pc)   \
  do {                       \
    next_pc = (target_pc);   \
    goto enter;              \
  } while (0)
#define TRAP(cause, tval)                         \
  do {                                            \
    trap_cause = static_cast<uint64_t>(cause);    \
    trap_value = (tval);                          \
    goto trap;                                    \
  } while (0)

  uint64_t trap_cause = 0, trap_value = 0;

  // Stop requests and interrupts that came while the hart was outside run() are seen first.
  goto attention;

enter:
  // Continue at next_pc: find its page (cheap when it is the current one) and dispatch.
  if (next_pc - page->base >= kPageSize) {
    page = &page_for(next_pc);
    entries = page->entries;
  }
  e = entries + ((next_pc - page->base) >> 1);
  if constexpr (!kSingleStep) {
    if (translator_ && !page->trace_heads.test(static_cast<size_t>(e - entries)))
      mark_entry_point(*page, static_cast<unsigned>(e - entries));
  }
  CHECK_LIMIT();
  DISPATCH();

attention:
  attention_ = false;
  if (stop_requested_) {
    stop_requested_ = false;
    reason = StopReason::stopped;
    goto out_at_e;
  }
  next_pc = PC_OF(e);
  goto check_interrupts;

check_interrupts:
  // next_pc is where execution continues; an interrupt is taken in front of it. Taking it is a
  // step of its own, like any trap.
  if (const int irq = pending_interrupt(); irq >= 0) {
    if constexpr (kSingleStep) {
      if (steps == step_count) goto out_at_pc;
      ++steps;
    }
    SYNC_OUT();
    ++instret_;  // no instruction is in flight: the counters are exact
    ++cycles_;
    next_pc = take_trap(kInterruptBit | static_cast<uint64_t>(irq), 0, next_pc);
  }
  goto enter;

trap:
  if (stop_in_front_ != StopInFront::none) {
    // Not a fault: a watchpoint, or an isolated run's access to the bus. The instruction has not
    // executed; give back what it was charged.
    reason = stop_in_front_ == StopInFront::watchpoint ? StopReason::watchpoint
                                                       : StopReason::shared;
    stop_in_front_ = StopInFront::none;
    --n;
    stop += charged_up_front(e->op);
    goto out_at_e;
  }
  // The instruction at e did not retire; it took a cycle.
  --n;
  --stop;
  SYNC_OUT();
  ++instret_;
  ++cycles_;
  next_pc = take_trap(trap_cause, trap_value, PC_OF(e));
  if (!fatal_message_.empty()) {
    reason = StopReason::fatal;
    goto out_at_pc;
  }
  if constexpr (kSingleStep) {
    if (steps == step_count) goto out_at_pc;
  }
  goto enter;

needs_serial:
  // An isolated run reached an instruction it may not execute (dispatched, so counted in n).
  --n;
needs_serial_at_e:
  stop_in_front_ = StopInFront::none;
  reason = StopReason::shared;
out_at_e:
  next_pc = PC_OF(e);
out_at_pc:
  x_ = registers;
  pc_ = next_pc;
  instret_ = start_instret + n;
  cycles_ = start_cycles + n + budget - stop + stall_cycles_;
  stall_cycles_ = 0;
  return reason;

// Every operation gets two copies of its handler, one per instruction length, so that stepping
// to the next entry is a constant and not a load from the current one.
#define HANDLER(name, ...)                           \
  op_##name##_4 : {                                  \
    [[maybe_unused]] constexpr unsigned kStep = 2;   \
    __VA_ARGS__                                      \
  }                                                  \
  op_##name##_2 : {                                  \
    [[maybe_unused]] constexpr unsigned kStep = 1;   \
    __VA_ARGS__                                      \
  }

  HANDLER(decode, {
    --n;
    if constexpr (kSingleStep) --steps;
    const uint64_t pc = PC_OF(e);
    uint64_t fault_addr = 0;
    SYNC_OUT();
    if (!decode_at(pc, *page, *e, fault_addr)) {
      if (stop_in_front_ == StopInFront::shared) goto needs_serial_at_e;  // n counts nothing yet
      // The fetch fault stands for the instruction: count it like one that trapped.
      ++n;
      if constexpr (kSingleStep) ++steps;
      TRAP(Exception::insn_access_fault, fault_addr);
    }
    if (translator_) translate_due(*page, static_cast<unsigned>(e - entries));
    DISPATCH();
  })

  HANDLER(page_end, {
    --n;
    if constexpr (kSingleStep) --steps;
    JUMP_TO(PC_OF(e));
  })

  HANDLER(illegal, TRAP(Exception::illegal_insn, e->raw);)

  HANDLER(lui, x[e->rd] = static_cast<uint64_t>(e->imm); NEXT();)
  HANDLER(auipc, x[e->rd] = static_cast<uint64_t>(e->imm); NEXT();)
  HANDLER(jal, {
    x[e->rd] = PC_OF(e) + 2 * kStep;
    stop -= jump_extra;
    if (e->target) {
      e = e->target;
      CHECK_LIMIT();
      DISPATCH();
    }
    JUMP_TO(static_cast<uint64_t>(e->imm));
  })
  HANDLER(jalr, {
    const uint64_t target = (x[e->rs1] + static_cast<uint64_t>(e->imm)) & ~uint64_t{1};
    x[e->rd] = PC_OF(e) + 2 * kStep;
    stop -= jump_extra;
    JUMP_TO(target);
  })

// A taken branch: to `target_entry` in this page, or else to `target_pc`.
#define TAKE_BRANCH(target_entry, target_pc) \
  do {                                       \
    stop -= taken_branch_extra;              \
    if (target_entry) {                      \
      e = (target_entry);                    \
      CHECK_LIMIT();                         \
      DISPATCH();                            \
    }                                        \
    JUMP_TO(static_cast<uint64_t>(target_pc)); \
  } while (0)
#define BRANCH(name, condition)                                                        \
  HANDLER(name, {                                                                      \
    if (semantics::taken<Op::name>(x[e->rs1], x[e->rs2])) TAKE_BRANCH(e->target, e->imm); \
    NEXT();                                                                            \
  })
  DOJO_BRANCH_SEMANTICS(BRANCH)
#undef BRANCH

// Superinstructions of an ALU operation and the conditional branch after it (see
// fuse_with_next): the first instruction's entry stands for both, with the branch's target; the
// branch's own entry follows it. `first` executes the first instruction; `branch` is the branch's
// entry. Stepping runs the pair's instructions one at a time, by their own handlers.
#define FUSED_BRANCH(name, first, condition)            \
  HANDLER(name, {                                       \
    first;                                              \
    ++n;                                                \
    Entry* const branch = e + kStep;                    \
    if (condition) TAKE_BRANCH(e->target, branch->imm); \
    e = branch + (branch->length() >> 1);               \
    DISPATCH();                                         \
  })
// The branch compares its registers as the first instruction left them.
#define FIRST(op) \
  x[e->rd] = semantics::alu<Op::op>(x[e->rs1], x[e->rs2], static_cast<uint64_t>(e->imm))
#define TAKEN(op) semantics::taken<Op::op>(x[branch->rs1], x[branch->rs2])
#define REGISTER_BRANCHES(first)                                 \
  FUSED_BRANCH(first##_beq, FIRST(first), TAKEN(beq))            \
  FUSED_BRANCH(first##_bne, FIRST(first), TAKEN(bne))            \
  FUSED_BRANCH(first##_blt, FIRST(first), TAKEN(blt))            \
  FUSED_BRANCH(first##_bge, FIRST(first), TAKEN(bge))            \
  FUSED_BRANCH(first##_bltu, FIRST(first), TAKEN(bltu))          \
  FUSED_BRANCH(first##_bgeu, FIRST(first), TAKEN(bgeu))
  REGISTER_BRANCHES(addi)
  REGISTER_BRANCHES(addiw)
  REGISTER_BRANCHES(add)
  REGISTER_BRANCHES(addw)
#undef REGISTER_BRANCHES
#undef TAKEN
#undef FIRST
// An addi and a branch on its sum: `sum` is the addi's result, `other` the register the branch
// compares it with (read before the addi writes, so never the addi's rd).
#define ADDI_BRANCH(name, condition)                                              \
  FUSED_BRANCH(name,                                                              \
               const uint64_t sum = semantics::alu<Op::addi>(x[e->rs1], 0, e->imm); \
               [[maybe_unused]] const uint64_t other = x[e->rs2];                 \
               x[e->rd] = sum,                                                    \
               condition)
  using semantics::taken;
  ADDI_BRANCH(addi_eq, taken<Op::beq>(sum, other))
  ADDI_BRANCH(addi_ne, taken<Op::bne>(sum, other))
  ADDI_BRANCH(addi_lt, taken<Op::blt>(sum, other))
  ADDI_BRANCH(addi_ge, taken<Op::bge>(sum, other))
  ADDI_BRANCH(addi_gt, taken<Op::blt>(other, sum))
  ADDI_BRANCH(addi_le, taken<Op::bge>(other, sum))
  ADDI_BRANCH(addi_ltu, taken<Op::bltu>(sum, other))
  ADDI_BRANCH(addi_geu, taken<Op::bgeu>(sum, other))
  ADDI_BRANCH(addi_gtu, taken<Op::bltu>(other, sum))
  ADDI_BRANCH(addi_leu, taken<Op::bgeu>(other, sum))
  ADDI_BRANCH(addi_eqz, taken<Op::beq>(sum, 0))
  ADDI_BRANCH(addi_nez, taken<Op::bne>(sum, 0))
  ADDI_BRANCH(addi_ltz, taken<Op::blt>(sum, 0))
  ADDI_BRANCH(addi_gez, taken<Op::bge>(sum, 0))
  ADDI_BRANCH(addi_gtz, taken<Op::blt>(0, sum))
  ADDI_BRANCH(addi_lez, taken<Op::bge>(0, sum))
#undef ADDI_BRANCH
#undef FUSED_BRANCH
#undef TAKE_BRANCH

  // A slli and an add of its result to a register (fuse_with_next): both write their rd.
  HANDLER(slli_add, {
    x[e->rd] = semantics::alu<Op::slli>(x[e->rs1], 0, e->imm);
    ++n;
    Entry* const add = e + kStep;
    x[add->rd] = semantics::alu<Op::add>(x[add->rs1], x[add->rs2], 0);
    e = add + (add->length() >> 1);
    DISPATCH();
  })

#define LOAD(name, T, Extended)                                                            \
  HANDLER(name, {                                                                          \
    const uint64_t addr = x[e->rs1] + static_cast<uint64_t>(e->imm);                      \
    if constexpr (kSingleStep) note_load(addr, sizeof(T));                                \
    const uint64_t offset = addr - mem_base;                                               \
    stop -= load_extra;                                                                   \
    if (offset < mem_fast_size) {                                                          \
      x[e->rd] = static_cast<uint64_t>(static_cast<Extended>(read_host<T>(mem + offset))); \
      NEXT();                                                                              \
    }                                                                                      \
    next = e + kStep;                                                                      \
    SYNC_OUT();                                                                            \
    uint64_t value;                                                                        \
    if (!load_slow(addr, sizeof(T), value)) TRAP(Exception::load_access_fault, addr);      \
    x[e->rd] = static_cast<uint64_t>(static_cast<Extended>(static_cast<T>(value)));       \
    NEXT_AFTER_CALL();                                                                     \
  })
  LOAD(lb, int8_t, int64_t)
  LOAD(lh, int16_t, int64_t)
  LOAD(lw, int32_t, int64_t)
  LOAD(ld, uint64_t, uint64_t)
  LOAD(lbu, uint8_t, uint64_t)
  LOAD(lhu, uint16_t, uint64_t)
  LOAD(lwu, uint32_t, uint64_t)
#undef LOAD

#define STORE(name, T)                                                                    \
  HANDLER(name, {                                                                         \
    const uint64_t addr = x[e->rs1] + static_cast<uint64_t>(e->imm);                      \
    const uint64_t offset = addr - mem_base;                                              \
    const T value = static_cast<T>(x[e->rs2]);                                            \
    if constexpr (kSingleStep) note_store(addr, sizeof(T), &value);                      \
    stop -= store_extra;                                                                 \
    next = e + kStep;                                                                     \
    if (offset < mem_fast_size) {                                                         \
      write_host<T>(mem + offset, value);                                                 \
      if (code_flags[(offset + mem_page_bias) >> kPageBits] |                             \
          code_flags[(offset + mem_page_bias + sizeof(T) - 1) >> kPageBits]) {            \
        invalidate_code(addr, sizeof(T));                                                 \
      }                                                                                   \
      e = next;                                                                           \
      DISPATCH();                                                                         \
    }                                                                                     \
    SYNC_OUT();                                                                           \
    if (!store_slow(addr, sizeof(T), value)) TRAP(Exception::store_access_fault, addr);   \
    NEXT_AFTER_CALL();                                                                    \
  })
  STORE(sb, uint8_t)
  STORE(sh, uint16_t)
  STORE(sw, uint32_t)
  STORE(sd, uint64_t)
#undef STORE

// Register-register and register-immediate operations: the value semantics.h gives, and the
// cycles of their class (instructions.h).
#define ALU(name, value)                                                         \
  HANDLER(name, {                                                                \
    constexpr Cost kCost = info(Op::name).cost;                                  \
    if constexpr (kCost == Cost::mul) stop -= mul_extra;                         \
    if constexpr (kCost == Cost::div) stop -= div_extra;                         \
    x[e->rd] = semantics::alu<Op::name>(x[e->rs1], x[e->rs2], static_cast<uint64_t>(e->imm)); \
    NEXT();                                                                      \
  })
  DOJO_ALU_SEMANTICS(ALU)
#undef ALU

// Rare, slower operations share one body each.
#define SHARED(name, body_label) HANDLER(name, goto body_label;)
  SHARED(lr_w, atomic) SHARED(sc_w, atomic) SHARED(lr_d, atomic) SHARED(sc_d, atomic)
  SHARED(amoswap_w, atomic) SHARED(amoadd_w, atomic) SHARED(amoxor_w, atomic)
  SHARED(amoand_w, atomic) SHARED(amoor_w, atomic) SHARED(amomin_w, atomic)
  SHARED(amomax_w, atomic) SHARED(amominu_w, atomic) SHARED(amomaxu_w, atomic)
  SHARED(amoswap_d, atomic) SHARED(amoadd_d, atomic) SHARED(amoxor_d, atomic)
  SHARED(amoand_d, atomic) SHARED(amoor_d, atomic) SHARED(amomin_d, atomic)
  SHARED(amomax_d, atomic) SHARED(amominu_d, atomic) SHARED(amomaxu_d, atomic)
  SHARED(csrrw, csr) SHARED(csrrs, csr) SHARED(csrrc, csr)
  SHARED(csrrwi, csr) SHARED(csrrsi, csr) SHARED(csrrci, csr)
  SHARED(vector, vector_instruction)
#undef SHARED

atomic: {
  stop -= beyond_one(cost.amo);
  next = e + (e->length() >> 1);
  SYNC_OUT();
  uint64_t result = 0;
  if (!amo(*e, x[e->rs1], x[e->rs2], result)) TRAP(pending_exception_, pending_tval_);
  x[e->rd] = result;
  NEXT_AFTER_CALL();
}

csr: {
  if (isolated_ && is_vector_csr(e->csr())) goto needs_serial;
  const bool immediate = format(e->op) == Format::csri;
  const uint64_t operand = immediate ? static_cast<uint64_t>(e->imm) : x[e->rs1];
  const bool is_write_op = e->op == Op::csrrw || e->op == Op::csrrwi;
  // csrrs/csrrc with x0 (or a zero immediate) read without writing.
  const bool writes = is_write_op || (immediate ? e->imm != 0 : e->rs1 != 0);
  stop -= beyond_one(cost.csr);
  next = e + (e->length() >> 1);
  SYNC_OUT();
  uint64_t old = 0;
  if (!csr_op(e->csr(), e->op, operand, writes, old)) TRAP(Exception::illegal_insn, e->raw);
  x[e->rd] = old;
  // A CSR write may enable a pending interrupt or change the counters.
  SYNC_IN();
  e = next;
  if (attention_) goto attention;
  DISPATCH();
}

vector_instruction: {
  if (isolated_) goto needs_serial;
  next = e + (e->length() >> 1);
  SYNC_OUT();
  uint64_t scalar = 0, vector_cycles = 1;
  switch (vector_step(e->raw, PC_OF(e), x[e->rs1], scalar, vector_cycles)) {
    case VectorStep::scalar: x[e->rd] = scalar; break;
    case VectorStep::done: break;
    case VectorStep::trap: TRAP(pending_exception_, pending_tval_);
    case VectorStep::fatal:
      // The instruction did not execute: the hart stops in front of it.
      --n;
      reason = StopReason::fatal;
      goto out_at_e;
  }
  stop -= static_cast<int64_t>(vector_cycles) - 1;
  NEXT_AFTER_CALL();
}

  HANDLER(fence, stop -= beyond_one(cost.fence); NEXT();)
  HANDLER(fence_i, {
    stop -= beyond_one(cost.fence);
    flush_decode_cache();
    NEXT();
  })
  HANDLER(ecall, TRAP(priv_ == Priv::user ? Exception::ecall_u : Exception::ecall_m, 0);)
  HANDLER(ebreak, {
    // Only an uncompressed ebreak can be a semihosting call; the check costs nothing elsewhere.
    if (kStep == 2 && semihosting_) {
      if (isolated_) goto needs_serial;
      SYNC_OUT();
      if (is_semihosting_call(PC_OF(e))) {
        x[10] = semihosting_->semihosting_call(x[10], x[11]);
        note_register(10, x[10]);
        next = e + kStep;
        NEXT_AFTER_CALL();
      }
    }
    TRAP(Exception::breakpoint, PC_OF(e));
  })
  HANDLER(breakpoint, {
    --n;
    reason = StopReason::breakpoint;
    goto out_at_e;
  })
  HANDLER(mret, {
    if (priv_ != Priv::machine) TRAP(Exception::illegal_insn, e->raw);
    next_pc = do_mret();
    goto check_interrupts;
  })
  HANDLER(wfi, {
    // With TW set, WFI in U-mode traps at once (the specification's "bounded time" is zero).
    if (priv_ == Priv::user && (mstatus_ & kMstatusTw)) TRAP(Exception::illegal_insn, e->raw);
    e += kStep;
    if ((mip_ & mie_) == 0) {
      reason = StopReason::wfi;
      goto out_at_e;
    }
    next_pc = PC_OF(e);
    goto check_interrupts;
  })
#undef HANDLER

trace_candidate: {
  // The entry should start a trace: count its runs, and translate it once it is hot (in
  // SystemC's thread: the translator is shared).
  if (isolated_ && trace_head_is_due(*page, static_cast<unsigned>(e - entries))) {
    --n;
    reason = StopReason::translate;
    goto out_at_e;
  }
  if (!trace_head_is_hot(*page, static_cast<unsigned>(e - entries)))
    goto* kHandlers[handler_index(handler_of(e->op), e->length())];
  SYNC_OUT();
  build_trace(*page, static_cast<unsigned>(e - entries));  // sets the entry's handler
  GOTO_HANDLER();
}

run_trace: {
  // The entry starts a translated trace: run it (with watchpoints set, which every access must
  // see, interpret instead), then count what it did as the interpreter would have.
  if (mem == nullptr) goto* kHandlers[handler_index(handler_of(e->op), e->length())];
  trace_context.budget = stop - (n - 1);  // the dispatch to the trace counted one
  trace_context.trace_at = page->trace_at;
  const TraceExit& exit = page->trace_at[e - entries]->trace->run(trace_context);
  const uint64_t retired = trace_context.looped_retired + exit.retired;
  if (retired == 0) goto* kHandlers[handler_index(handler_of(e->op), e->length())];
  n += static_cast<int64_t>(retired) - 1;
  stop -= trace_context.looped_extra_cycles + exit.extra_cycles;
  if (exit.kind == TraceExit::Kind::resume) {
    e = entries + exit.resume;
    DISPATCH();
  }
  next_pc = exit.kind == TraceExit::Kind::branch ? exit.target : trace_context.jump_target;
  if (next_pc - page->base < kPageSize) {
    e = entries + ((next_pc - page->base) >> 1);
    CHECK_LIMIT();
    DISPATCH();
  }
  goto enter;
}

#undef SYNC_OUT
#undef SYNC_IN
#undef PC_OF
#undef DISPATCH
#undef GOTO_HANDLER
#undef NEXT
#undef NEXT_AFTER_CALL
#undef CHECK_LIMIT
#undef JUMP_TO
#undef TRAP
}

template StopReason Hart::execute<false>(uint64_t, uint64_t);
template StopReason Hart::execute<true>(uint64_t, uint64_t);

}  // namespace dojo::core
