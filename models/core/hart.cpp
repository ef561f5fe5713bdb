// The interpreter. Decoded entries live in per-page arrays indexed by (pc % 4096) / 2, so straight-
// line code advances a pointer, in-page branches index the array, and the pc is only computed when
// needed. Handlers are labels of one function (computed goto); counters stay in locals and are
// written back ("synced out") before anything that can call out of the interpreter.
#include "core/hart.h"

#include <algorithm>
#include <cstring>

#include "core/decoder.h"
#include "core/hart_internal.h"
#include "core/translator.h"

namespace dojo::core {

Hart::Hart(const HartConfig& config, HartBus& bus)
    : config_(config), bus_(bus), pc_(config.reset_pc) {
  execute<false>(0, 0);  // returns at once, having set handlers_
  if (config.engine == Engine::translator)
    translator_ = config.translator ? config.translator : std::make_shared<Translator>();
}

TranslationStats Hart::translation() const {
  return translator_ ? translator_->stats() : TranslationStats{};
}

void Hart::mark_trace_head(DecodedPage& page, uint64_t pc) {
  const uint64_t offset = pc - page.base;
  if (offset >= kPageSize || page.trace_heads.test(offset >> 1)) return;
  page.trace_heads.set(offset >> 1);
  if (page.entries[offset >> 1].op != Op::decode) traces_due_.push_back({&page, offset >> 1});
}

void Hart::mark_entry_point(DecodedPage& page, unsigned index) {
  page.trace_heads.set(index);
  Entry& head = page.entries[index];
  const bool translated = page.trace_at && page.trace_at[index];
  // An undecoded head becomes a candidate once decoded (translate_due).
  if (head.op != Op::decode && !translated) head.handler = trace_candidate_handler_;
}

void Hart::translate_due(DecodedPage& page, unsigned index) {
  if (page.trace_heads.test(index)) traces_due_.push_back({&page, index});
  for (const auto& [due_page, due_index] : traces_due_) {
    Entry& head = due_page->entries[due_index];
    const bool translated = due_page->trace_at && due_page->trace_at[due_index];
    if (head.op != Op::decode && !translated) head.handler = trace_candidate_handler_;
  }
  traces_due_.clear();
}

bool Hart::trace_head_is_hot(DecodedPage& page, unsigned index) {
  if (!page.head_runs) page.head_runs = std::make_unique<uint16_t[]>(kEntriesPerPage);
  uint16_t& runs = page.head_runs[index];
  if (++runs < config_.translate_after) return false;
  runs = 0;
  return true;
}

void Hart::build_trace(DecodedPage& page, unsigned index) {
  // Shorter traces gain nothing over the interpreter.
  constexpr size_t kMinInstructions = 2, kMaxInstructions = 128;
  if (page.trace_at && page.trace_at[index]) return;
  std::vector<TraceInstruction> instructions;
  for (uint64_t pc = page.base + 2 * uint64_t{index};
       instructions.size() < kMaxInstructions && pc - page.base < kPageSize;) {
    if (!breakpoints_.empty() && breakpoints_.count(pc)) break;
    Entry& slot = page.entries[(pc - page.base) >> 1];
    uint64_t fault_addr = 0;
    if (slot.op == Op::decode && !decode_at(pc, page, slot, fault_addr)) break;
    const Entry plain = decode(slot.raw, pc);  // the entry may be a superinstruction
    if (pc - page.base + plain.length() > kPageSize || !Translator::translates(plain.op)) break;
    instructions.push_back({plain, pc});
    if (Translator::ends_trace(plain.op)) break;
    pc += plain.length();
  }
  Entry& head = page.entries[index];
  std::shared_ptr<Trace> trace;
  if (instructions.size() >= kMinInstructions)
    trace = translator_->translate(instructions, page.base, config_.cycles);
  if (!trace) {
    // Nothing to gain here (or no room): the head stays interpreted.
    head.handler = handlers_[handler_index(head.op, head.length())];
    return;
  }
  if (!page.trace_at) page.trace_at = std::make_unique<Trace*[]>(kEntriesPerPage);
  page.trace_at[index] = trace.get();
  page.traces.push_back(std::move(trace));
  head.handler = trace_handler_;
}

Hart::~Hart() = default;

void Hart::add_fast_region(uint64_t base, uint64_t size, uint8_t* host) {
  FastRegion region;
  region.base = base;
  region.size = size;
  region.host = host;
  region.first_page = base & ~(kPageSize - 1);
  const uint64_t end_page = (base + size + kPageSize - 1) & ~(kPageSize - 1);
  const uint64_t page_count = (end_page - region.first_page) >> kPageBits;
  region.page_entries.assign(page_count, nullptr);
  region.code.assign(page_count, 0);
  for (auto& [page_base, page] : pages_) {
    if (page_base >= region.first_page && page_base < end_page) {
      const uint64_t index = (page_base - region.first_page) >> kPageBits;
      region.page_entries[index] = page->entries.data();
      region.code[index] = 1;
    }
  }
  fast_.push_back(std::move(region));
  // The interpreter's fast path serves the largest region.
  std::stable_sort(fast_.begin(), fast_.end(),
                   [](const FastRegion& a, const FastRegion& b) { return a.size > b.size; });
}

void Hart::clear_fast_regions() {
  fast_.clear();
  // The memory behind the decoded entries may be gone or different.
  flush_decode_cache();
}

void Hart::request_stop() {
  stop_requested_ = true;
  attention_ = true;
}

void Hart::set_irq(Irq irq, bool level) {
  const uint64_t bit = uint64_t{1} << static_cast<unsigned>(irq);
  mip_ = level ? (mip_ | bit) : (mip_ & ~bit);
  attention_ = true;
}

void Hart::flush_decode_cache() {
  for (auto& [page_base, page] : pages_) page->reset();
}

DecodedPage& Hart::page_for(uint64_t pc) {
  const uint64_t page_base = pc & ~(kPageSize - 1);
  DecodedPage*& recent = recent_pages_[(page_base >> kPageBits) % recent_pages_.size()];
  if (recent != nullptr && recent->base == page_base) return *recent;
  auto& slot = pages_[page_base];
  if (!slot) {
    slot = std::make_unique<DecodedPage>(page_base, handlers_);
    for (auto& region : fast_) {
      const uint64_t index = (page_base - region.first_page) >> kPageBits;
      if (page_base >= region.first_page && index < region.page_entries.size()) {
        region.page_entries[index] = slot->entries.data();
        region.code[index] = 1;
      }
    }
  }
  recent = slot.get();
  return *slot;
}

const Hart::FastRegion* Hart::fast_region_for(uint64_t addr, unsigned len) const {
  for (const auto& region : fast_) {
    const uint64_t offset = addr - region.base;
    if (offset < region.size && region.size - offset >= len) return &region;
  }
  return nullptr;
}

bool Hart::fetch16(uint64_t addr, uint16_t& value) {
  if (const FastRegion* region = fast_region_for(addr, 2)) {
    std::memcpy(&value, region->host + (addr - region->base), 2);
    return true;
  }
  return bus_.bus_read(addr, &value, 2, cycles_);
}

bool Hart::is_semihosting_call(uint64_t pc) {
  constexpr uint32_t kEntryNop = 0x01f01013;  // slli x0, x0, 0x1f
  constexpr uint32_t kExitNop = 0x40705013;   // srai x0, x0, 7
  const auto word_at = [this](uint64_t addr, uint32_t& word) {
    uint16_t low = 0, high = 0;
    if (!fetch16(addr, low) || !fetch16(addr + 2, high)) return false;
    word = uint32_t{high} << 16 | low;
    return true;
  };
  uint32_t before = 0, after = 0;
  return word_at(pc - 4, before) && before == kEntryNop && word_at(pc + 4, after) &&
         after == kExitNop;
}

bool Hart::decode_at(uint64_t pc, DecodedPage& page, Entry& entry, uint64_t& fault_addr) {
  if (!decode_one(pc, page, entry, fault_addr)) return false;
  fuse_with_next(pc, page, entry);
  return true;
}

namespace {
bool is_conditional_branch(Op op) { return op >= Op::beq && op <= Op::bgeu; }
}  // namespace

void Hart::fuse_with_next(uint64_t pc, DecodedPage& page, Entry& entry) {
  // The ALU operations that fuse with a conditional branch after them, and the first of their six
  // superinstructions (in beq, bne, blt, bge, bltu, bgeu order).
  struct BranchFusion {
    Op first, fused_beq;
  };
  static constexpr BranchFusion kBranchFusions[] = {{Op::addi, Op::addi_beq},
                                                    {Op::addiw, Op::addiw_beq},
                                                    {Op::add, Op::add_beq},
                                                    {Op::addw, Op::addw_beq}};
  const auto fusion = std::find_if(std::begin(kBranchFusions), std::end(kBranchFusions),
                                   [&](const BranchFusion& f) { return f.first == entry.op; });
  const bool shift_add_candidate = entry.op == Op::slli;
  if (fusion == std::end(kBranchFusions) && !shift_add_candidate) return;
  // The pair must start in one page; the interpreter then finds the second instruction's own entry
  // right after the first's. That entry is only written for a pair: otherwise it stays as it is, to
  // be decoded (and perhaps fused with what follows it) when it is reached.
  const uint64_t next_offset = pc + entry.length() - page.base;
  if (next_offset >= kPageSize) return;
  Entry second;
  uint64_t fault_addr = 0;
  if (!decode_one(page.base + next_offset, page, second, fault_addr)) return;
  if (shift_add_candidate) {
    if (second.op != Op::add || (second.rs1 != entry.rd && second.rs2 != entry.rd)) return;
    page.entries[next_offset >> 1] = second;
    entry.op = Op::slli_add;
    entry.handler = handlers_[handler_index(entry.op, entry.length())];
    return;
  }
  if (!is_conditional_branch(second.op)) return;
  page.entries[next_offset >> 1] = second;
  const auto kind = static_cast<unsigned>(second.op) - static_cast<unsigned>(Op::beq);
  entry.op = static_cast<Op>(static_cast<unsigned>(fusion->fused_beq) + kind);
  if (fusion->first == Op::addi && (second.rs1 == entry.rd) != (second.rs2 == entry.rd)) {
    // The branch compares the addi's sum with one other register: the handler keeps the sum in
    // a host register and reads the other one (as rs2) before the addi writes.
    static constexpr Op kSumFirst[] = {Op::addi_eq, Op::addi_ne, Op::addi_lt,
                                       Op::addi_ge, Op::addi_ltu, Op::addi_geu};
    static constexpr Op kSumSecond[] = {Op::addi_eq, Op::addi_ne, Op::addi_gt,
                                        Op::addi_le, Op::addi_gtu, Op::addi_leu};
    const bool sum_first = second.rs1 == entry.rd;
    entry.op = sum_first ? kSumFirst[kind] : kSumSecond[kind];
    entry.rs2 = sum_first ? second.rs2 : second.rs1;
    // Comparing with x0 (bnez, bltz...) needs no second register.
    if (entry.rs2 == 0) {
      switch (entry.op) {
        case Op::addi_eq: case Op::addi_leu: entry.op = Op::addi_eqz; break;
        case Op::addi_ne: case Op::addi_gtu: entry.op = Op::addi_nez; break;
        case Op::addi_lt: entry.op = Op::addi_ltz; break;
        case Op::addi_ge: entry.op = Op::addi_gez; break;
        case Op::addi_gt: entry.op = Op::addi_gtz; break;
        case Op::addi_le: entry.op = Op::addi_lez; break;
        default: break;  // sum < 0 or >= 0 unsigned: rare, left as they are
      }
    }
  }
  entry.target = second.target;
  entry.handler = handlers_[handler_index(entry.op, entry.length())];
}

bool Hart::decode_one(uint64_t pc, DecodedPage& page, Entry& entry, uint64_t& fault_addr) {
  uint16_t low = 0;
  if (!fetch16(pc, low)) {
    fault_addr = pc;
    return false;
  }
  uint32_t insn = low;
  if (is_32bit(low)) {
    uint16_t high = 0;
    if (!fetch16(pc + 2, high)) {
      fault_addr = pc + 2;
      return false;
    }
    insn |= uint32_t{high} << 16;
  }
  entry = decode(insn, pc);
  if (!breakpoints_.empty() && breakpoints_.count(pc)) entry.op = Op::breakpoint;
  entry.handler = handlers_[handler_index(entry.op, entry.length())];
  const bool is_direct_jump = entry.op == Op::jal || is_conditional_branch(entry.op);
  const uint64_t target_offset = static_cast<uint64_t>(entry.imm) - page.base;
  if (is_direct_jump && target_offset < kPageSize) {
    entry.target = &page.entries[target_offset >> 1];
  }
  if (translator_) {
    if (is_direct_jump) mark_trace_head(page, static_cast<uint64_t>(entry.imm));
    if ((entry.op == Op::jal || entry.op == Op::jalr) && entry.rd != kSinkRegister)
      mark_trace_head(page, pc + entry.length());
  }
  return true;
}

void Hart::invalidate_code(uint64_t addr, uint64_t len) {
  if (len == 0 || pages_.empty()) return;
  // An entry starting a few bytes before the range may stand for its first bytes.
  constexpr uint64_t kReach = kMaxEntryBytes - 2;
  const uint64_t first = addr >= kReach ? (addr - kReach) & ~uint64_t{1} : 0;
  const uint64_t end = len > ~addr ? ~uint64_t{0} : addr + len;
  const auto forget_overlap = [&](DecodedPage& page) {
    const uint64_t from = std::max(first, page.base);
    const uint64_t to = std::min(end - 1, page.base + kPageSize - 1);
    const uint64_t written = std::max(addr, page.base);
    if (from <= to)
      page.forget((from - page.base) >> 1, ((to - page.base) >> 1) + 1,
                  written <= to ? static_cast<unsigned>((written - page.base) >> 1)
                                : kEntriesPerPage);
  };
  // Look up the range's pages one by one, or walk the decoded pages if there are fewer of them
  // (a whole image written at once).
  const uint64_t first_page = first >> kPageBits, last_page = (end - 1) >> kPageBits;
  if (last_page - first_page < pages_.size()) {
    for (uint64_t page = first_page; page <= last_page; ++page) {
      auto it = pages_.find(page << kPageBits);
      if (it != pages_.end()) forget_overlap(*it->second);
    }
  } else {
    for (auto& [page_base, page] : pages_) forget_overlap(*page);
  }
}

void Hart::memory_written(uint64_t addr, uint64_t len) {
  invalidate_code(addr, len);
  const bool overlaps_reservation =
      addr - reservation_addr_ < reservation_len_ || reservation_addr_ - addr < len;
  if (len != 0 && overlaps_reservation) reservation_valid_ = false;
}

void Hart::add_breakpoint(uint64_t pc) {
  breakpoints_.insert(pc);
  invalidate_code(pc, 2);
}

void Hart::remove_breakpoint(uint64_t pc) {
  if (breakpoints_.erase(pc)) invalidate_code(pc, 2);
}

void Hart::set_watchpoints(std::vector<Watchpoint> watchpoints) {
  watchpoints_ = std::move(watchpoints);
}

bool Hart::find_watch(uint64_t addr, uint64_t len, bool write) {
  for (const Watchpoint& watch : watchpoints_) {
    const bool overlaps = addr - watch.addr < watch.len || watch.addr - addr < len;
    if (overlaps && (write ? watch.write : watch.read)) {
      watch_hit_ = {addr, len, write};
      return true;
    }
  }
  return false;
}

bool Hart::watch_stops(uint64_t addr, unsigned len, bool write) {
  if (!find_watch(addr, len, write)) return false;
  watch_stop_ = true;
  return true;
}

bool Hart::watches_write(uint64_t addr, uint64_t len) {
  return len != 0 && find_watch(addr, len, true);
}

bool Hart::load_slow(uint64_t addr, unsigned len, uint64_t& value) {
  value = 0;
  if (!watchpoints_.empty() && watch_stops(addr, len, false)) return false;
  if (const FastRegion* region = fast_region_for(addr, len)) {
    std::memcpy(&value, region->host + (addr - region->base), len);
    return true;
  }
  if (bus_.bus_read(addr, &value, len, cycles_)) return true;
  // A misaligned access may straddle two targets (e.g. the end of SRAM): split it into bytes.
  if ((addr & (len - 1)) == 0) return false;
  for (unsigned i = 0; i < len; ++i) {
    uint64_t byte = 0;
    if (!load_slow(addr + i, 1, byte)) return false;
    value |= byte << (8 * i);
  }
  return true;
}

bool Hart::store_slow(uint64_t addr, unsigned len, uint64_t value) {
  if (!watchpoints_.empty() && watch_stops(addr, len, true)) return false;
  if (const FastRegion* region = fast_region_for(addr, len)) {
    std::memcpy(region->host + (addr - region->base), &value, len);
    invalidate_code(addr, len);
    return true;
  }
  invalidate_code(addr, len);
  if (bus_.bus_write(addr, &value, len, cycles_)) return true;
  if ((addr & (len - 1)) == 0) return false;
  for (unsigned i = 0; i < len; ++i) {
    if (!store_slow(addr + i, 1, value >> (8 * i))) return false;
  }
  return true;
}

StopReason Hart::run(uint64_t cycle_limit) {
  if (translator_ && translator_->generation() != translation_generation_) {
    // The shared code is full: drop what this hart holds (with its decoded pages).
    translation_generation_ = translator_->generation();
    flush_decode_cache();
  }
  if (commit_sink_) return run_traced(cycle_limit);
  return execute<false>(cycle_limit, 0);
}

StopReason Hart::step(uint64_t count) {
  if (count == 0) return StopReason::limit;
  for (; commit_sink_ && count > 0; --count) {
    const StopReason reason = step_traced(~uint64_t{0});
    if (reason != StopReason::limit) return reason;
  }
  return count == 0 ? StopReason::limit : execute<true>(~uint64_t{0}, count);
}

namespace {

// The operations whose rd a commit log shows (the vector unit's scalar results are noted by the
// vector path itself).
bool writes_rd(Op op) {
  return (op >= Op::lui && op <= Op::jalr) || (op >= Op::lb && op <= Op::lwu) ||
         (op >= Op::addi && op <= Op::amomaxu_d) || (op >= Op::csrrw && op <= Op::csrrci);
}

}  // namespace

StopReason Hart::run_traced(uint64_t cycle_limit) {
  StopReason reason = StopReason::limit;
  while (commit_sink_ && reason == StopReason::limit && cycles_ + stall_cycles_ < cycle_limit) {
    reason = step_traced(cycle_limit);
  }
  // The sink may have left (e.g. at the end of its window): go on at full speed.
  if (!commit_sink_ && reason == StopReason::limit) return execute<false>(cycle_limit, 0);
  return reason;
}

StopReason Hart::step_traced(uint64_t cycle_limit) {
  const uint64_t pc = pc_, retired = instret_;
  const Priv priv = priv_;
  commit_.registers.clear();
  commit_.loads.clear();
  commit_.stores.clear();
  commit_.csrs.clear();
  recording_ = true;
  const StopReason reason = execute<true>(cycle_limit, 1);
  recording_ = false;
  if (instret_ != retired + 1) return reason;  // a trap, an interrupt or a stop: no instruction
  // The instruction's decoded entry keeps its bits even if a store has since forgotten it.
  const Entry& entry = pages_.at(pc & ~(kPageSize - 1))->entries[(pc & (kPageSize - 1)) >> 1];
  const Entry plain = decode(entry.raw, pc);  // the entry itself may be fused or forgotten
  if (writes_rd(plain.op) && plain.rd != kSinkRegister) {
    commit_.registers.push_back({plain.rd, x_[plain.rd]});
  }
  commit_.hartid = config_.hartid;
  commit_.priv = priv;
  commit_.pc = pc;
  commit_.raw = entry.raw;
  commit_sink_->on_commit(commit_);
  return reason;
}

void Hart::note_register(unsigned index, uint64_t value) {
  if (recording_ && index != 0) commit_.registers.push_back({index, value});
}

void Hart::note_load(uint64_t addr, unsigned size) {
  if (recording_) commit_.loads.push_back({addr, size, {}});
}

void Hart::note_store(uint64_t addr, unsigned size, const void* data) {
  if (!recording_) return;
  CommitRecord::MemoryAccess access{addr, size, {}};
  std::memcpy(access.data.data(), data, std::min<unsigned>(size, CommitRecord::kMaxAccessBytes));
  commit_.stores.push_back(access);
}

StopReason Hart::step_over_breakpoint() {
  const uint64_t pc = pc_;
  if (!breakpoints_.count(pc)) return step(1);
  remove_breakpoint(pc);
  const StopReason reason = step(1);
  add_breakpoint(pc);
  return reason;
}

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

int64_t div_signed(int64_t a, int64_t b) {
  if (b == 0) return -1;
  if (a == INT64_MIN && b == -1) return a;
  return a / b;
}
int64_t rem_signed(int64_t a, int64_t b) {
  if (b == 0) return a;
  if (a == INT64_MIN && b == -1) return 0;
  return a % b;
}
int32_t div_signed32(int32_t a, int32_t b) {
  if (b == 0) return -1;
  if (a == INT32_MIN && b == -1) return a;
  return a / b;
}
int32_t rem_signed32(int32_t a, int32_t b) {
  if (b == 0) return a;
  if (a == INT32_MIN && b == -1) return 0;
  return a % b;
}
uint64_t mul_high(uint64_t a, uint64_t b, bool a_signed, bool b_signed) {
  using Wide = __int128;
  const Wide wide_a = a_signed ? Wide{static_cast<int64_t>(a)} : Wide{a};
  const Wide wide_b = b_signed ? Wide{static_cast<int64_t>(b)} : Wide{b};
  if (!a_signed && !b_signed) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(a) * b) >> 64);
  }
  return static_cast<uint64_t>((wide_a * wide_b) >> 64);
}
uint64_t sext32(uint64_t value) { return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(value))); }

template <typename T>
T amo_apply(Op op, T old, T operand) {
  using S = std::make_signed_t<T>;
  switch (op) {
    case Op::amoswap_w: case Op::amoswap_d: return operand;
    case Op::amoadd_w: case Op::amoadd_d: return static_cast<T>(old + operand);
    case Op::amoxor_w: case Op::amoxor_d: return old ^ operand;
    case Op::amoand_w: case Op::amoand_d: return old & operand;
    case Op::amoor_w: case Op::amoor_d: return old | operand;
    case Op::amomin_w: case Op::amomin_d:
      return static_cast<S>(old) < static_cast<S>(operand) ? old : operand;
    case Op::amomax_w: case Op::amomax_d:
      return static_cast<S>(old) > static_cast<S>(operand) ? old : operand;
    case Op::amominu_w: case Op::amominu_d: return old < operand ? old : operand;
    default: return old > operand ? old : operand;  // amomaxu
  }
}

}  // namespace

bool Hart::amo(const Entry& e, uint64_t addr, uint64_t operand, uint64_t& result) {
  const bool dword = e.op == Op::lr_d || e.op == Op::sc_d || e.op >= Op::amoswap_d;
  const unsigned len = dword ? 8 : 4;
  const bool is_lr = e.op == Op::lr_w || e.op == Op::lr_d;
  const bool is_sc = e.op == Op::sc_w || e.op == Op::sc_d;
  if (addr & (len - 1)) {
    raise(is_lr ? Exception::load_misaligned : Exception::store_misaligned, addr);
    return false;
  }
  if (is_sc) {
    const bool success = reservation_valid_ && reservation_addr_ == addr;
    reservation_valid_ = false;
    if (success && !store_slow(addr, len, operand)) {
      raise(Exception::store_access_fault, addr);
      return false;
    }
    if (success) note_store(addr, len, &operand);
    result = success ? 0 : 1;
    return true;
  }
  uint64_t old = 0;
  if (!load_slow(addr, len, old)) {
    raise(is_lr ? Exception::load_access_fault : Exception::store_access_fault, addr);
    return false;
  }
  note_load(addr, len);
  if (is_lr) {
    reservation_addr_ = addr;
    reservation_len_ = len;
    reservation_valid_ = true;
  } else {
    const uint64_t updated = dword ? amo_apply<uint64_t>(e.op, old, operand)
                                   : amo_apply<uint32_t>(e.op, static_cast<uint32_t>(old),
                                                         static_cast<uint32_t>(operand));
    if (!store_slow(addr, len, updated)) {
      raise(Exception::store_access_fault, addr);
      return false;
    }
    note_store(addr, len, &updated);
  }
  result = dword ? old : sext32(old);
  return true;
}

template <bool kSingleStep>
StopReason Hart::execute(uint64_t cycle_limit, uint64_t step_count) {
  static const void* const kHandlers[] = {
#define DOJO_HART_OP_LABEL(name) &&op_##name##_4, &&op_##name##_2,
      DOJO_HART_OPS(DOJO_HART_OP_LABEL)
#undef DOJO_HART_OP_LABEL
  };
  // Single-stepping never runs (or counts towards) a trace.
  static const void* const kTraceHandlers[] = {&&run_trace, &&trace_candidate};
  if constexpr (!kSingleStep) {
    handlers_ = kHandlers;
    trace_handler_ = kTraceHandlers[0];
    trace_candidate_handler_ = kTraceHandlers[1];
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
    if (op >= Op::lb && op <= Op::lwu) return load_extra;
    if (op >= Op::sb && op <= Op::sd) return store_extra;
    if (op >= Op::lr_w && op <= Op::amomaxu_d) return beyond_one(cost.amo);
    return 0;
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

  TraceContext trace_context{x, mem, mem_base, mem_fast_size, page_entries, mem_page_bias, 0};

  DecodedPage* page = &page_for(next_pc);
  Entry* entries = page->entries.data();
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
    if constexpr (kSingleStep) {                                \
      goto* kHandlers[handler_index(e->op, e->length())];       \
    } else {                                                    \
      goto* e->handler;                                         \
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
    entries = page->entries.data();
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
  if (watch_stop_) {
    // Not a fault: a watchpoint. The instruction has not executed; give back what it was charged.
    watch_stop_ = false;
    --n;
    stop += charged_up_front(e->op);
    reason = StopReason::watchpoint;
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
#define BRANCH(name, condition)                            \
  HANDLER(name, {                                          \
    if (condition) TAKE_BRANCH(e->target, e->imm);         \
    NEXT();                                                \
  })
  BRANCH(beq, x[e->rs1] == x[e->rs2])
  BRANCH(bne, x[e->rs1] != x[e->rs2])
  BRANCH(blt, static_cast<int64_t>(x[e->rs1]) < static_cast<int64_t>(x[e->rs2]))
  BRANCH(bge, static_cast<int64_t>(x[e->rs1]) >= static_cast<int64_t>(x[e->rs2]))
  BRANCH(bltu, x[e->rs1] < x[e->rs2])
  BRANCH(bgeu, x[e->rs1] >= x[e->rs2])
#undef BRANCH

// Superinstructions of an ALU operation and the conditional branch after it (see
// fuse_with_next): the first instruction's entry stands for both, with the branch's target; the
// branch's own entry follows it. `first` executes the first instruction; `branch` is the branch's
// entry. Stepping runs the pair as two instructions.
#define FUSED_BRANCH(name, first, condition)            \
  HANDLER(name, {                                       \
    first;                                              \
    if constexpr (kSingleStep) NEXT();                  \
    ++n;                                                \
    Entry* const branch = e + kStep;                    \
    if (condition) TAKE_BRANCH(e->target, branch->imm); \
    e = branch + (branch->length() >> 1);               \
    DISPATCH();                                         \
  })
// The branch compares its registers as the first instruction left them.
#define REGISTER_BRANCHES(prefix, result)                                                     \
  FUSED_BRANCH(prefix##_beq, x[e->rd] = (result), x[branch->rs1] == x[branch->rs2])          \
  FUSED_BRANCH(prefix##_bne, x[e->rd] = (result), x[branch->rs1] != x[branch->rs2])          \
  FUSED_BRANCH(prefix##_blt, x[e->rd] = (result),                                           \
               static_cast<int64_t>(x[branch->rs1]) < static_cast<int64_t>(x[branch->rs2]))  \
  FUSED_BRANCH(prefix##_bge, x[e->rd] = (result),                                           \
               static_cast<int64_t>(x[branch->rs1]) >= static_cast<int64_t>(x[branch->rs2])) \
  FUSED_BRANCH(prefix##_bltu, x[e->rd] = (result), x[branch->rs1] < x[branch->rs2])          \
  FUSED_BRANCH(prefix##_bgeu, x[e->rd] = (result), x[branch->rs1] >= x[branch->rs2])
  REGISTER_BRANCHES(addi, x[e->rs1] + static_cast<uint64_t>(e->imm))
  REGISTER_BRANCHES(addiw, sext32(x[e->rs1] + static_cast<uint64_t>(e->imm)))
  REGISTER_BRANCHES(add, x[e->rs1] + x[e->rs2])
  REGISTER_BRANCHES(addw, sext32(x[e->rs1] + x[e->rs2]))
#undef REGISTER_BRANCHES
// An addi and a branch on its sum: `sum` is the addi's result, `other` the register the branch
// compares it with (read before the addi writes, so never the addi's rd).
#define ADDI_BRANCH(name, condition)                                        \
  FUSED_BRANCH(name,                                                        \
               const uint64_t sum = x[e->rs1] + static_cast<uint64_t>(e->imm); \
               [[maybe_unused]] const uint64_t other = x[e->rs2];           \
               x[e->rd] = sum,                                              \
               condition)
  ADDI_BRANCH(addi_eq, sum == other)
  ADDI_BRANCH(addi_ne, sum != other)
  ADDI_BRANCH(addi_lt, static_cast<int64_t>(sum) < static_cast<int64_t>(other))
  ADDI_BRANCH(addi_ge, static_cast<int64_t>(sum) >= static_cast<int64_t>(other))
  ADDI_BRANCH(addi_gt, static_cast<int64_t>(sum) > static_cast<int64_t>(other))
  ADDI_BRANCH(addi_le, static_cast<int64_t>(sum) <= static_cast<int64_t>(other))
  ADDI_BRANCH(addi_ltu, sum < other)
  ADDI_BRANCH(addi_geu, sum >= other)
  ADDI_BRANCH(addi_gtu, sum > other)
  ADDI_BRANCH(addi_leu, sum <= other)
  ADDI_BRANCH(addi_eqz, sum == 0)
  ADDI_BRANCH(addi_nez, sum != 0)
  ADDI_BRANCH(addi_ltz, static_cast<int64_t>(sum) < 0)
  ADDI_BRANCH(addi_gez, static_cast<int64_t>(sum) >= 0)
  ADDI_BRANCH(addi_gtz, static_cast<int64_t>(sum) > 0)
  ADDI_BRANCH(addi_lez, static_cast<int64_t>(sum) <= 0)
#undef ADDI_BRANCH
#undef FUSED_BRANCH
#undef TAKE_BRANCH

  // A slli and an add of its result to a register (fuse_with_next): both write their rd.
  HANDLER(slli_add, {
    x[e->rd] = x[e->rs1] << e->imm;
    if constexpr (kSingleStep) NEXT();
    ++n;
    Entry* const add = e + kStep;
    x[add->rd] = x[add->rs1] + x[add->rs2];
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

// Register-register and register-immediate operations: `a` = rs1, `b` = rs2, `imm`.
#define ALU(name, extra_cycles, expression)               \
  HANDLER(name, {                                         \
    [[maybe_unused]] const uint64_t a = x[e->rs1];        \
    [[maybe_unused]] const uint64_t b = x[e->rs2];        \
    [[maybe_unused]] const uint64_t imm = static_cast<uint64_t>(e->imm); \
    stop -= (extra_cycles);                              \
    x[e->rd] = (expression);                              \
    NEXT();                                               \
  })
  ALU(addi, 0, a + imm)
  ALU(slti, 0, static_cast<int64_t>(a) < static_cast<int64_t>(imm) ? 1 : 0)
  ALU(sltiu, 0, a < imm ? 1 : 0)
  ALU(xori, 0, a ^ imm)
  ALU(ori, 0, a | imm)
  ALU(andi, 0, a & imm)
  ALU(slli, 0, a << imm)
  ALU(srli, 0, a >> imm)
  ALU(srai, 0, static_cast<uint64_t>(static_cast<int64_t>(a) >> imm))
  ALU(add, 0, a + b)
  ALU(sub, 0, a - b)
  ALU(sll, 0, a << (b & 63))
  ALU(slt, 0, static_cast<int64_t>(a) < static_cast<int64_t>(b) ? 1 : 0)
  ALU(sltu, 0, a < b ? 1 : 0)
  ALU(xor_, 0, a ^ b)
  ALU(srl, 0, a >> (b & 63))
  ALU(sra, 0, static_cast<uint64_t>(static_cast<int64_t>(a) >> (b & 63)))
  ALU(or_, 0, a | b)
  ALU(and_, 0, a & b)
  ALU(addiw, 0, sext32(a + imm))
  ALU(slliw, 0, sext32(a << imm))
  ALU(srliw, 0, sext32(static_cast<uint32_t>(a) >> imm))
  ALU(sraiw, 0, sext32(static_cast<uint64_t>(static_cast<int32_t>(a) >> imm)))
  ALU(addw, 0, sext32(a + b))
  ALU(subw, 0, sext32(a - b))
  ALU(sllw, 0, sext32(a << (b & 31)))
  ALU(srlw, 0, sext32(static_cast<uint32_t>(a) >> (b & 31)))
  ALU(sraw, 0, sext32(static_cast<uint64_t>(static_cast<int32_t>(a) >> (b & 31))))
  ALU(mul, mul_extra, a * b)
  ALU(mulh, mul_extra, mul_high(a, b, true, true))
  ALU(mulhsu, mul_extra, mul_high(a, b, true, false))
  ALU(mulhu, mul_extra, mul_high(a, b, false, false))
  ALU(div, div_extra,
      static_cast<uint64_t>(div_signed(static_cast<int64_t>(a), static_cast<int64_t>(b))))
  ALU(divu, div_extra, b == 0 ? ~uint64_t{0} : a / b)
  ALU(rem, div_extra,
      static_cast<uint64_t>(rem_signed(static_cast<int64_t>(a), static_cast<int64_t>(b))))
  ALU(remu, div_extra, b == 0 ? a : a % b)
  ALU(mulw, mul_extra, sext32(a * b))
  ALU(divw, div_extra,
      sext32(static_cast<uint32_t>(div_signed32(static_cast<int32_t>(a), static_cast<int32_t>(b)))))
  ALU(divuw, div_extra,
      sext32(static_cast<uint32_t>(b) == 0 ? ~uint32_t{0}
                                           : static_cast<uint32_t>(a) / static_cast<uint32_t>(b)))
  ALU(remw, div_extra,
      sext32(static_cast<uint32_t>(rem_signed32(static_cast<int32_t>(a), static_cast<int32_t>(b)))))
  ALU(remuw, div_extra,
      sext32(static_cast<uint32_t>(b) == 0 ? static_cast<uint32_t>(a)
                                           : static_cast<uint32_t>(a) % static_cast<uint32_t>(b)))
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
  const bool immediate = e->op >= Op::csrrwi;
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
  // The entry should start a trace: count its runs, and translate it once it is hot.
  if (!trace_head_is_hot(*page, static_cast<unsigned>(e - entries)))
    goto* kHandlers[handler_index(e->op, e->length())];
  SYNC_OUT();
  build_trace(*page, static_cast<unsigned>(e - entries));  // sets the entry's handler
  goto* e->handler;
}

run_trace: {
  // The entry starts a translated trace: run it (with watchpoints set, which every access must
  // see, interpret instead), then count what it did as the interpreter would have.
  if (mem == nullptr) goto* kHandlers[handler_index(e->op, e->length())];
  trace_context.budget = stop - (n - 1);  // the dispatch to the trace counted one
  const TraceExit& exit = page->trace_at[e - entries]->run(trace_context);
  const uint64_t retired = trace_context.looped_retired + exit.retired;
  if (retired == 0) goto* kHandlers[handler_index(e->op, e->length())];
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
#undef NEXT
#undef NEXT_AFTER_CALL
#undef CHECK_LIMIT
#undef JUMP_TO
#undef TRAP
}

template StopReason Hart::execute<false>(uint64_t, uint64_t);
template StopReason Hart::execute<true>(uint64_t, uint64_t);

}  // namespace dojo::core
