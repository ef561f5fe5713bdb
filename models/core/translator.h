// The translating engine's code generator: straight-line runs of decoded instructions ("traces",
// within one decoded page) compiled to x86-64 machine code with asmjit (docs/performance.md says
// why asmjit). A trace covers plain local computation only: integer and multiply operations,
// loads and stores that hit the hart's fast memory, conditional branches (leaving the trace when
// taken), and jal/jalr at its end. Everything else (device and remote accesses, a store to a page
// holding decoded code, CSRs, traps, WFI, fence.i, vector instructions) leaves the trace in front
// of the instruction, and the interpreter carries it out as it always does; the interpreter then
// charges what the trace reports, so both engines count instructions and cycles alike and check
// the cycle limit, interrupts and stop requests at the same instructions.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/decoder.h"
#include "core/hart.h"

namespace dojo::core {

class Trace;

// Where the traces of a page start, for the interpreter and for chaining: a trace that leaves by a
// branch to another trace's start in the same page, with budget left, jumps straight into that
// trace's code (`chained`: after its prologue) instead of returning to the interpreter.
struct TraceSlot {
  const void* chained = nullptr;
  Trace* trace = nullptr;
};

// What a trace reads and writes of the hart; the interpreter fills it in once per run.
struct TraceContext {
  uint64_t* x = nullptr;           // the 32 registers and the sink for writes to x0
  uint8_t* mem = nullptr;          // the fast memory's host bytes
  uint64_t mem_base = 0;           // its first address
  uint64_t mem_fast_size = 0;      // an access whose offset is below this fits (size - 7)
  // Per page of the fast memory: its decoded entries, or null; a store over bytes that one of
  // them stands for (one decoded: its handler is not kNotDecoded, 0) leaves the trace.
  Entry* const* page_entries = nullptr;
  uint64_t mem_page_bias = 0;      // mem_base's offset in its page
  uint64_t jump_target = 0;        // where a trace that ended in jalr goes
  // The current page's trace starts (per halfword, null where none), this hart's: the traces
  // whose bytes its memory still holds.
  TraceSlot* const* trace_at = nullptr;
  // In: the interpreter's cycle budget left before its next limit check (stop - n, with the
  // trace's first instruction not yet counted). A branch back to the trace's start loops inside
  // the trace while the budget lasts. Out: what those loops retired and their extra cycles, on
  // top of the exit's own figures.
  int64_t budget = 0;
  uint64_t looped_retired = 0;
  int64_t looped_extra_cycles = 0;
};

// One way out of a trace.
struct TraceExit {
  enum class Kind : uint8_t {
    resume,    // go on at entry `resume` of the page (the instruction there has not executed)
    branch,    // a taken branch, or jal: to `target`
    indirect,  // jalr: to TraceContext::jump_target
  };
  Kind kind = Kind::resume;
  uint32_t retired = 0;      // instructions the trace executed since its last loop (all retire)
  uint32_t resume = 0;       // Kind::resume: the entry (halfword of the page) to go on at
  int64_t extra_cycles = 0;  // their cycles beyond one each, as the cycle model charges them
  uint64_t target = 0;       // Kind::branch
};

// One instruction of a trace and its address.
struct TraceInstruction {
  Instruction instruction;
  uint64_t pc = 0;
};

class Translator;

// A compiled trace, shared by the harts that run the same instructions; its code (with its table
// of exits) is released with it.
class Trace {
 public:
  using Code = const TraceExit* (*)(TraceContext*);  // returns the exit taken
  Trace(Translator& owner, std::string key, Code code, const void* chained, uint64_t code_bytes,
        unsigned first, unsigned end);
  ~Trace();
  Trace(const Trace&) = delete;
  Trace& operator=(const Trace&) = delete;

  // Runs the trace, and those it chains to: the exit is the last one's.
  const TraceExit& run(TraceContext& context) const { return *code_(&context); }
  TraceSlot* slot() { return &slot_; }
  // The page's halfwords [first, end) hold its instructions.
  unsigned first() const { return first_; }
  unsigned end() const { return end_; }

 private:
  Translator& owner_;
  std::string key_;  // what it was compiled from (Translator::translate)
  Code code_;
  TraceSlot slot_;
  uint64_t code_bytes_;
  unsigned first_, end_;
};

// The code generator and the traces it compiled. The harts of a platform share one (translate()
// is not thread-safe: harts compile only in SystemC's thread; release() is), so that cores running the same image compile each
// trace once. A trace depends only on its instructions, their addresses and the cycle model:
// everything of a hart (its registers, memory, decoded pages, counters) comes in TraceContext.
class Translator {
 public:
  // `code_limit`: bytes of host code it may hold (0: no limit). When a trace would not fit, it
  // asks every hart to drop its traces (generation()) and compiles again what is still hot.
  explicit Translator(uint64_t code_limit = 0);
  ~Translator();
  Translator(const Translator&) = delete;
  Translator& operator=(const Translator&) = delete;

  // Whether a trace can hold `op`, and whether it ends with it (instructions.h says).
  static bool translates(Op op) { return info(op).in_trace != InTrace::leaves; }
  static bool ends_trace(Op op) { return info(op).in_trace == InTrace::ends; }

  // The trace of `instructions` (consecutive, each translates(), only the last may end a trace)
  // of the page at `page_base`: the one compiled before for the same instructions at the same
  // addresses and cycle model if a hart still holds it, else a new one; null if the code cannot
  // be placed.
  std::shared_ptr<Trace> translate(const std::vector<TraceInstruction>& instructions,
                                   uint64_t page_base, const CycleModel& cycles);
  void release(const std::string& key, Trace::Code code, uint64_t code_bytes);

  const TranslationStats& stats() const { return stats_; }
  // Changes when the harts should drop their traces (the code limit was reached).
  uint64_t generation() const { return generation_; }

 private:
  struct Runtime;  // asmjit's, kept out of this header
  std::unique_ptr<Runtime> runtime_;
  std::unordered_map<std::string, std::weak_ptr<Trace>> traces_;  // by key, the live ones
  TranslationStats stats_;
  uint64_t code_limit_;
  uint64_t generation_ = 0;
  // Set by a flush, until the harts have released half the limit: one flush at a time.
  bool flushing_ = false;
  std::mutex release_mutex_;
};

}  // namespace dojo::core
