// The hart's state around its engines: decoded pages (per-page arrays of entries indexed by
// (pc % 4096) / 2) and their invalidation, fast memory and the slow path, breakpoints and
// watchpoints, single-stepping with a commit log, and the translator's trace heads. The
// interpreter itself is interpreter.cpp; the translator's code generator translator.cpp.
#include "core/hart.h"

#include <algorithm>
#include <cstring>

#include <sys/mman.h>

#include "core/decoder.h"
#include "core/hart_internal.h"
#include "core/semantics.h"
#include "core/translator.h"

namespace dojo::core {

ZeroedArena::~ZeroedArena() {
  for (const Mapping& mapping : mappings_) munmap(mapping.base, mapping.bytes);
}

void* ZeroedArena::allocate_bytes(size_t bytes) {
  bytes = (bytes + kAlignment - 1) / kAlignment * kAlignment;
  if (mappings_.back().bytes - used_ < bytes) map_chunk(std::max(kChunkBytes, bytes));
  void* const piece = mappings_.back().base + used_;
  used_ += bytes;
  return piece;
}

void ZeroedArena::map_chunk(size_t bytes) {
  void* const memory = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                            MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (memory == MAP_FAILED) throw std::bad_alloc();
  mappings_.push_back({static_cast<uint8_t*>(memory), bytes});
  used_ = 0;
}

Hart::Hart(const HartConfig& config, HartBus& bus)
    : config_(config), bus_(bus), code_memory_(std::make_unique<ZeroedArena>()),
      pc_(config.reset_pc) {
  execute<false>(0, 0);  // returns at once, having set handlers_
  if (config.engine == Engine::translator)
    translator_ = config.translator ? config.translator : std::make_shared<Translator>();
}

TranslationStats Hart::translation() const {
  return translator_ ? translator_->stats() : TranslationStats{};
}

Hart::CodeMemory Hart::code_memory() const {
  CodeMemory memory;
  for (const auto& [base, page] : pages_) {
    ++memory.pages;
    memory.decoded_bytes += sizeof(DecodedPage) + DecodedPage::kEntries * sizeof(Entry);
    if (page->trace_at) memory.table_bytes += kEntriesPerPage * sizeof(page->trace_at[0]);
    if (page->head_runs) memory.table_bytes += kEntriesPerPage * sizeof(page->head_runs[0]);
  }
  return memory;
}

void Hart::mark_trace_head(DecodedPage& page, uint64_t pc) {
  const uint64_t offset = pc - page.base;
  if (offset >= kPageSize || page.trace_heads.test(offset >> 1)) return;
  page.trace_heads.set(offset >> 1);
  if (page.decoded(offset >> 1)) traces_due_.push_back({&page, offset >> 1});
}

bool Hart::may_become_candidate(const DecodedPage& page, unsigned index) const {
  // A breakpoint's entry stays one.
  const HandlerOffset handler = page.entries[index].handler;
  return page.decoded(index) && !(page.trace_at && page.trace_at[index]) &&
         handler != handlers_[handler_index(Handler::breakpoint, 4)];
}

void Hart::mark_entry_point(DecodedPage& page, unsigned index) {
  page.trace_heads.set(index);
  // An undecoded head becomes a candidate once decoded (translate_due).
  if (may_become_candidate(page, index)) page.entries[index].handler = trace_candidate_handler_;
}

void Hart::translate_due(DecodedPage& page, unsigned index) {
  if (page.trace_heads.test(index)) traces_due_.push_back({&page, index});
  for (const auto& [due_page, due_index] : traces_due_) {
    if (may_become_candidate(*due_page, due_index))
      due_page->entries[due_index].handler = trace_candidate_handler_;
  }
  traces_due_.clear();
}

bool Hart::trace_head_is_due(const DecodedPage& page, unsigned index) const {
  return (page.head_runs ? page.head_runs[index] : 0) + 1 >= config_.translate_after;
}

bool Hart::trace_head_is_hot(DecodedPage& page, unsigned index) {
  if (!page.head_runs) page.head_runs = code_memory_->allocate<uint16_t>(kEntriesPerPage);
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
    const unsigned slot = static_cast<unsigned>((pc - page.base) >> 1);
    uint64_t fault_addr = 0;
    if (!page.decoded(slot) && !decode_at(pc, page, page.entries[slot], fault_addr)) break;
    const Instruction plain = instruction_of(page.entries[slot]);
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
    // Nothing to gain here (or no room): the head stays interpreted, a superinstruction again if
    // it was one.
    head.handler = handlers_[handler_index(handler_of(head.op), head.length())];
    fuse_with_next(page.base + 2 * uint64_t{index}, page, head);
    return;
  }
  if (!page.trace_at) page.trace_at = code_memory_->allocate<TraceSlot*>(kEntriesPerPage);
  page.trace_at[index] = trace->slot();
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
      region.page_entries[index] = page->entries;
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
    slot = std::make_unique<DecodedPage>(page_base, handlers_, *code_memory_);
    slot->prepare(static_cast<unsigned>((pc - page_base) >> 1));
    for (auto& region : fast_) {
      const uint64_t index = (page_base - region.first_page) >> kPageBits;
      if (page_base >= region.first_page && index < region.page_entries.size()) {
        region.page_entries[index] = slot->entries;
        region.code[index] = 1;
      }
    }
  }
  recent = slot.get();
  return *slot;
}

namespace {

// Whether [addr, addr + len) lies inside [base, base + size), without overflow.
bool inside(uint64_t addr, unsigned len, uint64_t base, uint64_t size) {
  const uint64_t offset = addr - base;
  return offset < size && size - offset >= len;
}

}  // namespace

const Hart::FastRegion* Hart::fast_region_for(uint64_t addr, unsigned len) const {
  for (const auto& region : fast_)
    if (inside(addr, len, region.base, region.size)) return &region;
  return nullptr;
}

void Hart::add_slice_device(uint64_t base, uint64_t size) {
  slice_devices_.push_back({base, size});
}

bool Hart::slice_device_for(uint64_t addr, unsigned len) const {
  for (const SliceDevice& device : slice_devices_)
    if (inside(addr, len, device.base, device.size)) return true;
  return false;
}

bool Hart::fetch16(uint64_t addr, uint16_t& value) {
  if (const FastRegion* region = fast_region_for(addr, 2)) {
    std::memcpy(&value, region->host + (addr - region->base), 2);
    return true;
  }
  if (isolated_) return defer();
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

void Hart::fuse_with_next(uint64_t pc, DecodedPage& page, Entry& entry) {
  // The ALU operations that fuse with a conditional branch after them, and the first of their six
  // superinstructions (in beq, bne, blt, bge, bltu, bgeu order).
  struct BranchFusion {
    Op first;
    Handler fused_beq;
  };
  static constexpr BranchFusion kBranchFusions[] = {{Op::addi, Handler::addi_beq},
                                                    {Op::addiw, Handler::addiw_beq},
                                                    {Op::add, Handler::add_beq},
                                                    {Op::addw, Handler::addw_beq}};
  const HandlerOffset breakpoint_handler = handlers_[handler_index(Handler::breakpoint, 4)];
  const auto fusion = std::find_if(std::begin(kBranchFusions), std::end(kBranchFusions),
                                   [&](const BranchFusion& f) { return f.first == entry.op; });
  const bool shift_add_candidate = entry.op == Op::slli;
  if ((fusion == std::end(kBranchFusions) && !shift_add_candidate) ||
      entry.handler == breakpoint_handler)
    return;
  // The pair must start in one page; the interpreter then finds the second instruction's own entry
  // right after the first's. That entry is only written for a pair: otherwise it stays as it is, to
  // be decoded (and perhaps fused with what follows it) when it is reached.
  const uint64_t next_offset = pc + entry.length() - page.base;
  if (next_offset >= kPageSize) return;
  Entry second;
  uint64_t fault_addr = 0;
  if (!decode_one(page.base + next_offset, page, second, fault_addr) ||
      second.handler == breakpoint_handler) {
    stop_in_front_ = StopInFront::none;  // an isolated fetch of the second: no pair, no stop
    return;
  }
  // The entry keeps the first instruction (stepping and traces execute it alone); the handler
  // is the pair's.
  if (shift_add_candidate) {
    if (second.op != Op::add || (second.rs1 != entry.rd && second.rs2 != entry.rd)) return;
    page.entries[next_offset >> 1] = second;
    entry.handler = handlers_[handler_index(Handler::slli_add, entry.length())];
    return;
  }
  if (!is_conditional_branch(second.op)) return;
  page.entries[next_offset >> 1] = second;
  const auto kind = static_cast<unsigned>(second.op) - static_cast<unsigned>(Op::beq);
  auto fused = static_cast<Handler>(static_cast<unsigned>(fusion->fused_beq) + kind);
  if (fusion->first == Op::addi && (second.rs1 == entry.rd) != (second.rs2 == entry.rd)) {
    // The branch compares the addi's sum with one other register: the handler keeps the sum in
    // a host register and reads the other one (kept in the addi's unused rs2) before the addi
    // writes.
    using H = Handler;
    static constexpr H kSumFirst[] = {H::addi_eq, H::addi_ne,  H::addi_lt,
                                      H::addi_ge, H::addi_ltu, H::addi_geu};
    static constexpr H kSumSecond[] = {H::addi_eq, H::addi_ne,  H::addi_gt,
                                       H::addi_le, H::addi_gtu, H::addi_leu};
    const bool sum_first = second.rs1 == entry.rd;
    fused = sum_first ? kSumFirst[kind] : kSumSecond[kind];
    entry.rs2 = sum_first ? second.rs2 : second.rs1;
    // Comparing with x0 (bnez, bltz...) needs no second register.
    if (entry.rs2 == 0) {
      switch (fused) {
        case Handler::addi_eq: case Handler::addi_leu: fused = Handler::addi_eqz; break;
        case Handler::addi_ne: case Handler::addi_gtu: fused = Handler::addi_nez; break;
        case Handler::addi_lt: fused = Handler::addi_ltz; break;
        case Handler::addi_ge: fused = Handler::addi_gez; break;
        case Handler::addi_gt: fused = Handler::addi_gtz; break;
        case Handler::addi_le: fused = Handler::addi_lez; break;
        default: break;  // sum < 0 or >= 0 unsigned: rare, left as they are
      }
    }
  }
  entry.target = second.target;
  entry.handler = handlers_[handler_index(fused, entry.length())];
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
  static_cast<Instruction&>(entry) = decode(insn, pc);
  const bool breakpoint = !breakpoints_.empty() && breakpoints_.count(pc);
  entry.handler = handlers_[breakpoint ? handler_index(Handler::breakpoint, 4)
                                       : handler_index(handler_of(entry.op), entry.length())];
  const bool direct_jump = is_direct_jump(entry.op);
  const uint64_t target_offset = static_cast<uint64_t>(entry.imm) - page.base;
  entry.target = direct_jump && target_offset < kPageSize ? &page.entries[target_offset >> 1]
                                                          : nullptr;
  // Where execution goes next (the sentinels past the page's end are written already).
  page.prepare(static_cast<unsigned>((pc - page.base + entry.length()) >> 1));
  if (entry.target) page.prepare(static_cast<unsigned>(target_offset >> 1));
  if (translator_) {
    if (direct_jump) mark_trace_head(page, static_cast<uint64_t>(entry.imm));
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
  stop_in_front_ = StopInFront::watchpoint;
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
  if (isolated_ && !slice_device_for(addr, len)) return defer();
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
  if (isolated_ && !slice_device_for(addr, len)) return defer();
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

StopReason Hart::run_isolated(uint64_t cycle_limit) {
  if (commit_sink_) return StopReason::shared;
  isolated_ = true;
  const StopReason reason = run(cycle_limit);
  isolated_ = false;
  return reason;
}

void Hart::translate_at_pc() {
  DecodedPage& page = page_for(pc_);
  const auto index = static_cast<unsigned>((pc_ - page.base) >> 1);
  if (page.entries[index].handler == trace_candidate_handler_ && trace_head_is_hot(page, index))
    build_trace(page, index);
}

StopReason Hart::step(uint64_t count) {
  if (count == 0) return StopReason::limit;
  for (; commit_sink_ && count > 0; --count) {
    const StopReason reason = step_traced(~uint64_t{0});
    if (reason != StopReason::limit) return reason;
  }
  return count == 0 ? StopReason::limit : execute<true>(~uint64_t{0}, count);
}

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
  // The instruction's decoded entry keeps it even if a store has since forgotten it. (The vector
  // unit's scalar results are noted by the vector path itself.)
  const Entry& entry = pages_.at(pc & ~(kPageSize - 1))->entries[(pc & (kPageSize - 1)) >> 1];
  if (writes_rd(entry.op) && format(entry.op) != Format::vector && entry.rd != kSinkRegister)
    commit_.registers.push_back({entry.rd, x_[entry.rd]});
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

bool Hart::amo(const Entry& e, uint64_t addr, uint64_t operand, uint64_t& result) {
  const bool dword = e.op == Op::lr_d || e.op == Op::sc_d || e.op >= Op::amoswap_d;
  const unsigned len = dword ? 8 : 4;
  const bool is_lr = e.op == Op::lr_w || e.op == Op::lr_d;
  const bool is_sc = e.op == Op::sc_w || e.op == Op::sc_d;
  // Before the reservation is looked at: an SC that must wait for the bus keeps it.
  if (isolated_ && !fast_region_for(addr, len)) return defer();
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
    const uint64_t updated = dword ? semantics::amo_result<uint64_t>(e.op, old, operand)
                                   : semantics::amo_result<uint32_t>(e.op, static_cast<uint32_t>(old),
                                                         static_cast<uint32_t>(operand));
    if (!store_slow(addr, len, updated)) {
      raise(Exception::store_access_fault, addr);
      return false;
    }
    note_store(addr, len, &updated);
  }
  result = dword ? old : semantics::sext32(old);
  return true;
}

}  // namespace dojo::core
