// Definitions shared by the interpreter (hart.cpp) and the CSR/trap logic (csr.cpp).
#pragma once

#include <array>
#include <bitset>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>
#include <vector>

#include "core/decoder.h"
#include "core/translator.h"

namespace dojo::core {

constexpr unsigned kPageBits = 12;
constexpr uint64_t kPageSize = uint64_t{1} << kPageBits;
// One entry per halfword: an instruction's entry sits at (pc % kPageSize) / 2.
constexpr unsigned kEntriesPerPage = kPageSize / 2;

// The most bytes one entry stands for: a superinstruction of two 32-bit instructions.
constexpr unsigned kMaxEntryBytes = 8;

constexpr uint64_t kInterruptBit = uint64_t{1} << 63;

// mstatus fields of a machine with M and U modes.
constexpr uint64_t kMstatusMie = uint64_t{1} << 3;
constexpr uint64_t kMstatusMpie = uint64_t{1} << 7;
constexpr unsigned kMstatusMppShift = 11;
constexpr uint64_t kMstatusMpp = uint64_t{3} << kMstatusMppShift;
constexpr uint64_t kMstatusMprv = uint64_t{1} << 17;
constexpr uint64_t kMstatusTw = uint64_t{1} << 21;

// The interpreter's handlers: one per instruction (in Op's order, so that an instruction's
// handler is its Op's value), then its own. X-macro, so that the enum and execute()'s label table
// are declared once.
#define DOJO_INTERPRETER_HANDLERS(X)                                                          \
  X(decode)     /* an entry not decoded yet */                                                \
  X(page_end)   /* the sentinels past a page's end */                                         \
  X(breakpoint) /* a debugger breakpoint: the hart stops in front of the instruction */       \
  /* Superinstructions (Hart::fuse_with_next): an addi, addiw, add or addw and the conditional */ \
  /* branch after it, the branch comparing the registers as they are after the first: */       \
  X(addi_beq) X(addi_bne) X(addi_blt) X(addi_bge) X(addi_bltu) X(addi_bgeu)                     \
  X(addiw_beq) X(addiw_bne) X(addiw_blt) X(addiw_bge) X(addiw_bltu) X(addiw_bgeu)               \
  X(add_beq) X(add_bne) X(add_blt) X(add_bge) X(add_bltu) X(add_bgeu)                           \
  X(addw_beq) X(addw_bne) X(addw_blt) X(addw_bge) X(addw_bltu) X(addw_bgeu)                     \
  /* an addi and a branch on its sum and another register or zero: */                          \
  X(addi_eq) X(addi_ne) X(addi_lt) X(addi_ge) X(addi_gt) X(addi_le)                             \
  X(addi_ltu) X(addi_geu) X(addi_gtu) X(addi_leu)                                              \
  X(addi_eqz) X(addi_nez) X(addi_ltz) X(addi_gez) X(addi_gtz) X(addi_lez)                     \
  /* a slli and an add that adds its result to a register (array indexing): */                 \
  X(slli_add)

enum class Handler : uint16_t {
#define DOJO_INSTRUCTION_HANDLER(name, ...) name,
  DOJO_INSTRUCTIONS(DOJO_INSTRUCTION_HANDLER)
#undef DOJO_INSTRUCTION_HANDLER
#define DOJO_INTERPRETER_HANDLER(name) name,
  DOJO_INTERPRETER_HANDLERS(DOJO_INTERPRETER_HANDLER)
#undef DOJO_INTERPRETER_HANDLER
      count
};

constexpr Handler handler_of(Op op) { return static_cast<Handler>(op); }

// The index of a handler's code for an instruction length in execute()'s table (one copy per
// length, so that stepping over the instruction is a constant).
constexpr unsigned handler_index(Handler handler, unsigned length) {
  return static_cast<unsigned>(handler) * 2 + (length == 2 ? 1 : 0);
}

// An entry's HandlerOffset is its code's offset in execute() from the decode handler's, so that
// an entry of zeroes is one not decoded yet (see ZeroedArena).
constexpr HandlerOffset kNotDecoded = 0;
// The interpreter's handler offsets, by handler_index.
using HandlerTable = const HandlerOffset*;

// Zeroed memory for a hart's decoded pages and their tables, handed out from mappings of its
// own: the host fills a 4 KiB piece with zeroes when it is first touched, so the part of a page
// of decoded code that a core never reaches costs neither memory nor time (calloc would clear
// what malloc had mapped ahead), and a tile's tens of thousands of pages take about one mapping
// per core, not one each (the kernel allows a process 65,530). The mappings are shared ones, so
// that a piece first read (the interpreter reads an entry before decoding it) gets a page of its
// own rather than the zero page, whose replacement at the first write would interrupt every other
// host thread to flush its TLB (docs/performance.md). All freed with the arena.
class ZeroedArena {
 public:
  // Maps the first chunk now: a mapping made later, while other harts run on other host threads,
  // would stall their page faults (mmap takes the process's memory-map lock for writing).
  ZeroedArena() { map_chunk(kChunkBytes); }
  ZeroedArena(const ZeroedArena&) = delete;
  ZeroedArena& operator=(const ZeroedArena&) = delete;
  ~ZeroedArena();

  // For trivially copyable types, whose objects zeroed memory can be.
  template <typename T>
  T* allocate(size_t count) {
    static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);
    static_assert(alignof(T) <= kAlignment);
    return static_cast<T*>(allocate_bytes(count * sizeof(T)));
  }

 private:
  static constexpr size_t kAlignment = 64;
  static constexpr size_t kChunkBytes = size_t{256} << 10;  // two pages' entries and tables
  void* allocate_bytes(size_t bytes);
  void map_chunk(size_t bytes);

  struct Mapping {
    uint8_t* base;
    size_t bytes;
  };
  std::vector<Mapping> mappings_;
  size_t used_ = 0;  // of the last mapping
};

// A decoded instruction as the interpreter keeps it, 32 bytes (one per halfword of code): the
// instruction and the interpreter's own fields.
struct Entry : Instruction {
  // execute()'s code for this entry: the instruction's handler, or one of the interpreter's
  // (decode when not decoded, a superinstruction, a breakpoint, a trace).
  HandlerOffset handler = kNotDecoded;
  // For branches and jal whose target is in the same decoded page: the target's entry; null
  // otherwise. A superinstruction's first entry holds the branch's (an addi has no target), and
  // an addi and a branch on its sum hold the branch's other register in rs2 (an addi has none).
  Entry* target = nullptr;
};

static_assert(sizeof(Entry) == 32, "the interpreter keeps one entry per halfword of code");

// An entry's instruction without the interpreter's annotation (see Entry::target).
inline Instruction instruction_of(const Entry& entry) {
  Instruction instruction = entry;
  if (format(instruction.op) == Format::i) instruction.rs2 = 0;
  return instruction;
}
// Where a translated trace finds an entry's handler (Instruction first, then Entry's fields).
constexpr unsigned kEntryHandlerOffset = sizeof(Instruction);

// The decoded instructions of one 4 KiB page. Two sentinel entries past the end catch straight-
// line execution (of a 2- or 4-byte instruction) running into the next page.
struct DecodedPage {
  static constexpr unsigned kEntries = kEntriesPerPage + 2;

  DecodedPage(uint64_t page_base, HandlerTable handlers, ZeroedArena& memory)
      : base(page_base),
        page_end_handler(handlers[handler_index(Handler::page_end, 4)]),
        entries(memory.allocate<Entry>(kEntries)) {
    for (unsigned i = kEntriesPerPage; i < kEntries; ++i) entries[i].handler = page_end_handler;
  }

  // Forgets every decoded instruction. Only the handler is reset, so a handler whose own entry
  // is forgotten (a store over its own instruction) still finds its fields, and a commit log the
  // instruction that executed.
  void reset() { forget(0, kEntriesPerPage, 0); }

  // Forgets the entries [first, last), and the traces that start among them or have an
  // instruction among [written, last), the bytes written (entries before them are forgotten as
  // they may stand for more than one instruction; a trace's instructions stand for their own
  // bytes only, so that data written next to a trace leaves it alone).
  void forget(unsigned first, unsigned last, unsigned written) {
    for (unsigned i = first; i < last; ++i) entries[i].handler = kNotDecoded;
    for (size_t i = 0; i < traces.size();) {
      const Trace& trace = *traces[i];
      const bool starts_here = trace.first() >= first && trace.first() < last;
      if (!starts_here && (trace.first() >= last || trace.end() <= written)) {
        ++i;
        continue;
      }
      // Decoded (and translated) again when reached.
      entries[trace.first()].handler = kNotDecoded;
      trace_at[trace.first()] = nullptr;
      traces[i] = std::move(traces.back());
      traces.pop_back();
    }
  }

  bool decoded(unsigned index) const { return entries[index].handler != kNotDecoded; }

  // Makes the 4 KiB piece of entries around an entry that is about to be reached writable,
  // leaving the entry as it is: the first read of an untouched piece would map the host's zero
  // page, and the decode that follows it would fault a second time (an atomic or of 0 is a
  // write access that changes nothing).
  void prepare(unsigned index) {
    __atomic_fetch_or(&entries[index].handler, 0, __ATOMIC_RELAXED);
  }

  uint64_t base;
  HandlerOffset page_end_handler;
  Entry* entries;  // kEntries, in the hart's ZeroedArena
  // The translating engine's traces of this page, the one starting at each entry (allocated with
  // the first trace), and the entries a trace should start at (branch targets, return addresses).
  std::vector<std::shared_ptr<Trace>> traces;
  TraceSlot** trace_at = nullptr;  // kEntriesPerPage, in the hart's ZeroedArena
  std::bitset<kEntriesPerPage> trace_heads;
  // How often each head not yet translated has run (allocated with the first candidate's run):
  // code that runs once (start-up, on each of thousands of cores) is not worth compiling.
  uint16_t* head_runs = nullptr;  // core.translate_after fits; in the hart's ZeroedArena
};

}  // namespace dojo::core
