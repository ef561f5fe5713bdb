// The D1 core's instruction-set engine: an RV64IMAC + Zicsr + Zifencei hart with machine and user
// modes. It knows nothing of SystemC: memory outside its fast regions, the timer and the rest of the
// platform are reached through HartBus, so it can be tested alone and driven by any wrapper.
//
// Speed: instructions are decoded once into per-page arrays of entries and executed by a threaded
// interpreter; fast regions (DMI pointers) are accessed directly. Decoded entries are dropped by
// fence.i and by stores (from this hart) to the bytes they were decoded from.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/csr_table.h"
#include "core/instructions.h"
#include "support/parameters.h"
#include "vector/vector_engine.h"

namespace dojo::core {

struct Entry;
struct DecodedPage;
class ZeroedArena;
// Where a decoded entry's code is in the interpreter (hart_internal.h).
using HandlerOffset = int32_t;
class Translator;

// How a hart executes: the threaded interpreter alone, or with hot straight-line code translated
// to host machine code (translator.h). Both give the same results, counters and timing.
enum class Engine : uint8_t { interpreter, translator };

// What the translating engine did for a hart.
struct TranslationStats {
  uint64_t traces = 0;      // traces compiled (again after their code was overwritten, too)
  uint64_t shared = 0;      // traces a hart took compiled from another (same code, same place)
  uint64_t flushes = 0;     // times the code limit was reached and the harts dropped their traces
  uint64_t code_bytes = 0;  // host machine code of the traces alive
  double seconds = 0;       // host time spent compiling
};

struct HartConfig {
  uint64_t hartid = 0;
  uint64_t reset_pc = 0;  // the platform starts its cores at memory.sram_base
  CycleModel cycles;
  Engine engine = Engine::interpreter;
  uint16_t translate_after = 256;  // runs of a trace head before the translator compiles it
  // With the translator: the one the platform's harts share, so that cores running the same
  // code compile it once (null: the hart has its own).
  std::shared_ptr<Translator> translator;
};

enum class Op : uint8_t;

enum class Priv : uint8_t { user = 0, machine = 3 };

// mip/mie bit numbers of the interrupts this hart has.
enum class Irq : unsigned { software = 3, timer = 7, external = 11 };

// The platform behind the hart: every memory access outside the fast regions, and the timer.
class HartBus {
 public:
  virtual ~HartBus() = default;
  // `len` is 1, 2, 4 or 8 and `addr` may be misaligned. Return false for an access fault.
  // `cycles` is the hart's cycle count at the access (its local time).
  virtual bool bus_read(uint64_t addr, void* data, unsigned len, uint64_t cycles) = 0;
  virtual bool bus_write(uint64_t addr, const void* data, unsigned len, uint64_t cycles) = 0;
  // The platform timer (the time CSR) at the hart's cycle count `cycles`.
  virtual uint64_t bus_mtime(uint64_t cycles) = 0;
};

enum class StopReason {
  limit,    // the cycle limit given to run() was reached
  wfi,      // waiting for an interrupt; call run() again once one is pending
  stopped,  // request_stop() was called
  fatal,    // the hart cannot go on (see fatal_message())
  breakpoint,  // the pc reached a debugger breakpoint (the instruction there has not executed)
  watchpoint,  // an instruction was about to access watched memory (it has not executed)
  // run_isolated() only: the instruction at the pc needs something outside the hart (memory
  // outside its fast regions, the vector unit, a semihosting call); it has not executed.
  shared,
  // run_isolated() only: a trace is due to be compiled at the pc (nothing has executed there);
  // translate_at_pc() compiles it, then the hart runs on as if it had not stopped.
  translate,
};

// A debugger's watchpoint: `len` bytes from `addr`, checked on reads, writes or both.
struct Watchpoint {
  uint64_t addr = 0;
  uint64_t len = 0;
  bool read = false;
  bool write = false;
};

// The access that stopped the hart with StopReason::watchpoint, or another initiator's write that
// touched a watchpoint (Hart::watches_write).
struct WatchHit {
  uint64_t addr = 0;
  uint64_t len = 0;
  bool write = false;
};

// Exception causes (mcause values with the interrupt bit clear).
enum class Exception : uint64_t {
  insn_misaligned = 0,
  insn_access_fault = 1,
  illegal_insn = 2,
  breakpoint = 3,
  load_misaligned = 4,
  load_access_fault = 5,
  store_misaligned = 6,
  store_access_fault = 7,
  ecall_u = 8,
  ecall_m = 11,
};

// One retired instruction and what it changed, for an instruction trace (Spike's commit log,
// docs/debugging.md). Writes to x0 are left out; memory values are little-endian bytes.
struct CommitRecord {
  static constexpr unsigned kMaxAccessBytes = 64;  // a vector unit vld/vst moves 64 bytes
  struct RegisterWrite {
    unsigned index;  // 1..31
    uint64_t value;
  };
  struct MemoryAccess {
    uint64_t addr;
    unsigned size;                              // bytes
    std::array<uint8_t, kMaxAccessBytes> data;  // stores only: the bytes written
  };
  struct CsrWrite {
    unsigned csr;
    uint64_t value;  // as the CSR holds it after the write (WARL fields legalised)
  };

  uint64_t hartid = 0;
  Priv priv = Priv::machine;  // the privilege the instruction executed in
  uint64_t pc = 0;
  uint32_t raw = 0;  // the instruction bits as fetched: 16 for a compressed instruction, else 32
  std::vector<RegisterWrite> registers;
  std::vector<MemoryAccess> loads;
  std::vector<MemoryAccess> stores;
  std::vector<CsrWrite> csrs;

  unsigned length() const { return (raw & 3) == 3 ? 4 : 2; }
};

// Carries out semihosting calls: the RISC-V semihosting sequence (slli x0,x0,0x1f; ebreak;
// srai x0,x0,7, all three uncompressed) asks the host for `operation` (a0) with `parameter` (a1,
// usually the address of a parameter block); the result goes to a0 and the hart goes on after the
// ebreak. Without a handler the sequence is an ordinary breakpoint exception.
class SemihostingHandler {
 public:
  virtual ~SemihostingHandler() = default;
  // Called from inside the hart's run, with its cycle count up to date; may call request_stop().
  virtual uint64_t semihosting_call(uint64_t operation, uint64_t parameter) = 0;
};

// Receives each instruction a hart retires while it is set as the hart's commit sink.
class CommitSink {
 public:
  virtual ~CommitSink() = default;
  virtual void on_commit(const CommitRecord& record) = 0;
};

class Hart {
 public:
  Hart(const HartConfig& config, HartBus& bus);
  ~Hart();
  Hart(const Hart&) = delete;
  Hart& operator=(const Hart&) = delete;

  // Memory the hart reads, writes and fetches from directly (a DMI pointer).
  void add_fast_region(uint64_t base, uint64_t size, uint8_t* host);
  void clear_fast_regions();
  // Devices that run_isolated() may reach through the HartBus (on whichever host thread runs the
  // slice): ones that belong to this hart's core alone, and keep what they would tell the rest of
  // the platform until the slice is over (Core::add_slice_device).
  void add_slice_device(uint64_t base, uint64_t size);
  // Whether [addr, addr + len) lies in one slice device.
  bool slice_device_for(uint64_t addr, unsigned len) const;
  // True inside run_isolated() (for the HartBus: the access comes from a slice).
  bool isolated() const { return isolated_; }

  // Executes until the cycle count reaches `cycle_limit` (checked at taken branches, jumps, traps
  // and accesses outside the fast regions, so it may overshoot by one basic block), until a WFI
  // finds nothing pending, or until request_stop().
  StopReason run(uint64_t cycle_limit);
  // run() touching nothing but the hart's own state and its fast regions (no HartBus call but
  // the timer, no vector unit, no semihosting, no compilation), so that harts run on several host
  // threads at once: it stops with StopReason::shared in front of the first instruction that
  // needs more (or StopReason::translate). Without a commit sink only.
  StopReason run_isolated(uint64_t cycle_limit);
  // After StopReason::translate: compiles the trace due at the pc. Harts sharing a translator
  // must do this one at a time (from one host thread).
  void translate_at_pc();
  // Executes exactly `count` instructions (fewer if the hart stops); traps count as steps.
  StopReason step(uint64_t count = 1);
  // Executes one instruction, even if a breakpoint is set at the pc.
  StopReason step_over_breakpoint();

  // Debugger breakpoints: run() and step() stop in front of an instruction at one of these pcs
  // (checked when an instruction is decoded, so they cost nothing while the hart runs).
  void add_breakpoint(uint64_t pc);
  void remove_breakpoint(uint64_t pc);
  // Debugger watchpoints (replacing any set before). While any is set, every load and store takes
  // the slow path (slower execution), and one that touches a watched range stops run() and step()
  // in front of its instruction; watch_hit() then tells the access.
  void set_watchpoints(std::vector<Watchpoint> watchpoints);
  const WatchHit& watch_hit() const { return watch_hit_; }
  // True (and watch_hit() set) if a write of [addr, addr+len) that another initiator made (another
  // core, a DMA engine, the host) touches a write or access watchpoint. It has happened already:
  // nothing stops here; the caller tells the debugger.
  bool watches_write(uint64_t addr, uint64_t len);

  // Makes run() return StopReason::stopped after the current instruction. Safe to call from
  // inside HartBus callbacks.
  void request_stop();
  // Sets or clears an interrupt line (the mip bit). Safe to call from inside HartBus callbacks.
  void set_irq(Irq irq, bool level);
  // Adds cycles the hart spent waiting (e.g. on a slow memory access). Safe to call from inside
  // HartBus callbacks.
  void add_stall_cycles(uint64_t cycles) { stall_cycles_ += cycles; }
  // Drops the LR reservation, e.g. because another agent wrote the reserved memory.
  void clear_reservation() { reservation_valid_ = false; }
  // Drops every decoded instruction, as fence.i does.
  void flush_decode_cache();
  // Tells the hart that another agent (a loader, a DMA engine, another core) wrote
  // [addr, addr+len) behind its back: decoded instructions from those bytes are dropped, and the LR
  // reservation is broken if it overlaps them. Call it between run()/step() calls.
  void memory_written(uint64_t addr, uint64_t len);

  // Architectural state, for the platform, debuggers and tests.
  uint64_t x(unsigned index) const { return index == 0 ? 0 : x_[index]; }
  void set_x(unsigned index, uint64_t value) {
    if (index != 0) x_[index] = value;
  }
  uint64_t pc() const { return pc_; }
  void set_pc(uint64_t pc) { pc_ = pc; }
  Priv priv() const { return priv_; }
  uint64_t hartid() const { return config_.hartid; }
  uint64_t cycles() const { return cycles_; }
  uint64_t instret() const { return instret_; }
  // CSR access without privilege checks, as a CSR instruction in M-mode sees it (WARL fields
  // legalised); false if the CSR does not exist, or for a write, is read-only.
  bool read_csr(unsigned csr, uint64_t& value) const;
  bool write_csr(unsigned csr, uint64_t value);
  const std::string& fatal_message() const { return fatal_message_; }

  // The vector unit custom-0 instructions and CSRs 0x800-0x802 go to; without one (the default)
  // they are illegal. The engine must outlive the hart.
  void set_vector_engine(vector::VectorEngine* engine) { vector_ = engine; }
  vector::VectorEngine* vector_engine() const { return vector_; }
  // Where semihosting calls go (null: nowhere, the default). The handler must outlive the hart.
  void set_semihosting(SemihostingHandler* handler) { semihosting_ = handler; }

  // Reports every instruction that retires (traps and interrupts are not instructions) to `sink`,
  // or to nobody when null. With a sink the hart executes one instruction at a time, several
  // times slower, and run() stops exactly at its cycle limit. The sink may replace or clear
  // itself from inside on_commit(); it must outlive its use.
  void set_commit_sink(CommitSink* sink) { commit_sink_ = sink; }
  CommitSink* commit_sink() const { return commit_sink_; }
  // What the translating engine did (all zero for the interpreter).
  TranslationStats translation() const;
  // Host memory holding this hart's decoded code.
  struct CodeMemory {
    uint64_t pages = 0;          // decoded 4 KiB pages
    uint64_t decoded_bytes = 0;  // their entries
    uint64_t table_bytes = 0;    // the translator's per-page tables (trace starts, run counts)
  };
  CodeMemory code_memory() const;

  // Observer of every vector instruction that executed (e.g. for a timeline): the instruction, the
  // hart's cycle count when it started and the cycles it took. Optional.
  std::function<void(uint32_t instruction, uint64_t start_cycle, uint64_t cycles)> on_vector;

 private:
  struct FastRegion {
    uint64_t base;
    uint64_t size;
    uint8_t* host;
    uint64_t first_page;                // base rounded down to a page
    // By page index: the decoded page's entries (null if there is none; translated stores look
    // at them), and 1 if there is one (the interpreter's stores look at this).
    std::vector<Entry*> page_entries;
    std::vector<uint8_t> code;
  };

  template <bool kSingleStep>
  StopReason execute(uint64_t cycle_limit, uint64_t step_count);

  // run() and step() with a commit sink: one instruction (or trap) at a time, each retired one
  // reported with what the interpreter noted while executing it.
  StopReason run_traced(uint64_t cycle_limit);
  StopReason step_traced(uint64_t cycle_limit);
  // Notes of the instruction being traced; no-ops unless recording_.
  void note_register(unsigned index, uint64_t value);
  void note_load(uint64_t addr, unsigned size);
  void note_store(uint64_t addr, unsigned size, const void* data);
  void note_csr_write(unsigned csr, uint64_t written);

  // Finds (creating it if needed) the decoded page holding `pc`.
  DecodedPage& page_for(uint64_t pc);
  // Decodes the instruction at `pc` into `entry`; on a fetch fault returns false and the address
  // that could not be fetched.
  bool decode_at(uint64_t pc, DecodedPage& page, Entry& entry, uint64_t& fault_addr);
  // Decodes one instruction (decode_at without superinstructions).
  bool decode_one(uint64_t pc, DecodedPage& page, Entry& entry, uint64_t& fault_addr);
  // Makes `entry` (at `pc`) a superinstruction with the instruction after it if they form one.
  void fuse_with_next(uint64_t pc, DecodedPage& page, Entry& entry);
  // The translating engine: a trace should start at `pc` (a branch target or a return address)
  // if it is in `page`; translated once decoded.
  void mark_trace_head(DecodedPage& page, uint64_t pc);
  // The translating engine: execution entered entry `index` of `page` from elsewhere (a slice
  // start, a trap or mret target, a jump from another page or through a register): a trace head.
  void mark_entry_point(DecodedPage& page, unsigned index);
  // Whether the entry `index` of `page` is decoded, not translated and no breakpoint.
  bool may_become_candidate(const DecodedPage& page, unsigned index) const;
  // After the interpreter decoded the entry `index` of `page`: makes the trace heads due
  // candidates, which are translated once they have run often enough.
  void translate_due(DecodedPage& page, unsigned index);
  // The candidate head `index` of `page` ran: true once it has run often enough to be translated.
  bool trace_head_is_hot(DecodedPage& page, unsigned index);
  // Whether its next run makes it hot (trace_head_is_hot without counting the run).
  bool trace_head_is_due(const DecodedPage& page, unsigned index) const;
  // Translates the trace starting at entry `index` of `page`, if there is enough to translate.
  void build_trace(DecodedPage& page, unsigned index);
  // Forgets decoded instructions overlapping [addr, addr+len) after a store there.
  void invalidate_code(uint64_t addr, uint64_t len);
  const FastRegion* fast_region_for(uint64_t addr, unsigned len) const;

  // A custom-0 instruction (hart_vector.cpp): `scalar` for x[rd] and the cycles it took.
  enum class VectorStep { done, scalar, trap, fatal };
  VectorStep vector_step(uint32_t instruction, uint64_t pc, uint64_t rs1_value, uint64_t& scalar,
                         uint64_t& cycles);
  bool is_vector_csr(unsigned csr) const;
  // Before an instruction accesses a vector CSR: waits (stall cycles) for the unit to settle.
  void settle_vector();
  // vld/vst's 64 bytes through the fast path or the bus; false on an access fault.
  bool read_block(uint64_t addr, vector::Register& data);
  bool write_block(uint64_t addr, const vector::Register& data);

  // The ebreak at `pc` (uncompressed) is the middle of the semihosting sequence.
  bool is_semihosting_call(uint64_t pc);

  // True (and watch_hit_ set) if the access touches a watchpoint: the instruction must not go on.
  bool watch_stops(uint64_t addr, unsigned len, bool write);
  // True (and watch_hit_ set) if the access touches a watchpoint of its kind.
  bool find_watch(uint64_t addr, uint64_t len, bool write);

  // Memory access outside the interpreter's fast path.
  bool load_slow(uint64_t addr, unsigned len, uint64_t& value);
  bool store_slow(uint64_t addr, unsigned len, uint64_t value);
  bool fetch16(uint64_t addr, uint16_t& value);
  // In run_isolated(): the access needs the bus, so the instruction stops in front of it. Returns
  // false, as a failed access does.
  bool defer() {
    stop_in_front_ = StopInFront::shared;
    return false;
  }
  // LR, SC and AMOs; false after raise() on an exception.
  bool amo(const Entry& entry, uint64_t addr, uint64_t operand, uint64_t& result);
  void raise(Exception cause, uint64_t tval) {
    pending_exception_ = cause;
    pending_tval_ = tval;
  }

  // Traps: updates the trap CSRs and privilege and returns the handler's pc.
  uint64_t take_trap(uint64_t cause, uint64_t tval, uint64_t epc);
  uint64_t do_mret();
  // The highest-priority interrupt that is pending, enabled and not masked, or -1.
  int pending_interrupt() const;

  // A CSR instruction (`op` is one of the csrr* operations); `write` is false for csrrs/csrrc
  // with x0 or a zero immediate. Returns false if the access is illegal.
  bool csr_op(unsigned csr, Op op, uint64_t operand, bool write, uint64_t& old_value);
  // Writes a CSR; the counters then read `value` after `retired` more instructions and
  // `elapsed` more cycles (1 and the CSR cost when a CSR instruction writes).
  bool write_csr_at(unsigned csr, uint64_t value, uint64_t retired, uint64_t elapsed);
  uint64_t mcycle_now() const;
  uint64_t minstret_now() const;

  HartConfig config_;
  HartBus& bus_;
  vector::VectorEngine* vector_ = nullptr;
  SemihostingHandler* semihosting_ = nullptr;
  // The handlers of execute<false>, whose offsets decoded entries hold (execute<true> looks its
  // own up by operation). Set by execute<false>, which the constructor calls with a zero limit.
  const HandlerOffset* handlers_ = nullptr;
  // The interpreter's code for an entry that starts a translated trace, and for one that should
  // start a trace once it has run often enough (set with handlers_).
  HandlerOffset trace_handler_ = 0;
  HandlerOffset trace_candidate_handler_ = 0;
  std::vector<FastRegion> fast_;  // largest first
  struct SliceDevice {
    uint64_t base, size;
  };
  std::vector<SliceDevice> slice_devices_;
  // The translating engine (null for the interpreter); before pages_, whose traces it holds the
  // code of, so that it outlives them.
  std::shared_ptr<Translator> translator_;
  uint64_t translation_generation_ = 0;  // translator_'s when this hart last dropped its traces
  std::vector<std::pair<DecodedPage*, unsigned>> traces_due_;  // heads found decoded already
  // The memory of the decoded pages' entries and tables; before pages_, which point into it.
  std::unique_ptr<ZeroedArena> code_memory_;
  std::unordered_map<uint64_t, std::unique_ptr<DecodedPage>> pages_;  // by page address
  // The pages last found, by page number modulo their count: calls and returns between pages
  // find theirs without a hash lookup (pages live as long as the hart).
  std::array<DecodedPage*, 16> recent_pages_{};

  // x_[32] is a sink for writes to x0 so handlers need no special case.
  std::array<uint64_t, 33> x_{};
  uint64_t pc_;
  Priv priv_ = Priv::machine;
  uint64_t cycles_ = 0;
  uint64_t instret_ = 0;
  uint64_t stall_cycles_ = 0;  // added by add_stall_cycles, folded into cycles_ by the interpreter

  // Trap and status CSRs.
  uint64_t mstatus_ = csr_reset(csr::mstatus) & ~kMstatusUxl64;  // UXL is added when read
  uint64_t mie_ = csr_reset(csr::mie);
  uint64_t mip_ = csr_reset(csr::mip);
  uint64_t mtvec_ = csr_reset(csr::mtvec);
  uint64_t mscratch_ = csr_reset(csr::mscratch);
  uint64_t mepc_ = csr_reset(csr::mepc);
  uint64_t mcause_ = csr_reset(csr::mcause);
  uint64_t mtval_ = csr_reset(csr::mtval);
  uint64_t mcounteren_ = csr_reset(csr::mcounteren);
  uint64_t mcountinhibit_ = csr_reset(csr::mcountinhibit);
  uint64_t menvcfg_ = csr_reset(csr::menvcfg);
  // mcycle = cycles_ + mcycle_offset_ (likewise minstret); counting pauses while inhibited.
  uint64_t mcycle_offset_ = 0;
  uint64_t minstret_offset_ = 0;
  uint64_t mcycle_frozen_ = 0;
  uint64_t minstret_frozen_ = 0;

  Exception pending_exception_ = Exception::illegal_insn;
  uint64_t pending_tval_ = 0;
  // An exception at the trap handler's first instruction, with nothing retired since the trap
  // that entered it, would loop forever: the hart stops with a fatal error instead.
  struct TrapRecord {
    uint64_t cause = 0;
    uint64_t epc = 0;
    uint64_t tval = 0;
    uint64_t target = ~uint64_t{0};
    uint64_t instret = ~uint64_t{0};
  } last_trap_;

  // The LR reservation: the bytes the LR read.
  uint64_t reservation_addr_ = 0;
  unsigned reservation_len_ = 0;
  bool reservation_valid_ = false;

  // Set from outside the interpreter (stop requests, interrupt lines); checked after every
  // instruction that can call out of it.
  bool stop_requested_ = false;
  bool attention_ = false;
  std::string fatal_message_;

  CommitSink* commit_sink_ = nullptr;
  bool recording_ = false;  // step_traced() is executing an instruction: note its effects
  CommitRecord commit_;

  std::unordered_set<uint64_t> breakpoints_;
  std::vector<Watchpoint> watchpoints_;
  WatchHit watch_hit_;
  // Why a load, store or fetch failed if not for a fault: the instruction stops in front of it.
  enum class StopInFront : uint8_t { none, watchpoint, shared };
  StopInFront stop_in_front_ = StopInFront::none;
  bool isolated_ = false;  // in run_isolated()
};

}  // namespace dojo::core
