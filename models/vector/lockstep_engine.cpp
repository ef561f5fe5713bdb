#include "vector/lockstep_engine.h"

#include <algorithm>
#include <array>
#include <cinttypes>
#include <cstdio>
#include <optional>
#include <sstream>

#include "support/hex.h"
#include "vector/rtl_engine.h"
#include "vector/vector_model.h"

namespace dojo::vector {

namespace {

using numerics::ElementType;


// Adds each register of `registers` (one bit per register), in order, as `engine` has it.
template <typename Snapshot>
void add_registers(Snapshot& snapshot, VectorEngine& engine, uint32_t registers) {
  for (unsigned index = 0; index < register_count; ++index)
    if (registers >> index & 1) snapshot.add(index, engine.read_register(index));
}

// Element width of the destination and of the vector sources.
unsigned destination_bytes(const DecodedInstruction& d) {
  if (d.opcode == Opcode::vmma || d.opcode == Opcode::vdot) return 4;
  return element_bytes(d.type);
}
unsigned source_bytes(const DecodedInstruction& d) { return element_bytes(source_type(d)); }

// All lanes of `r`, 16 per line; with `other`, a '*' marks each lane that differs from it.
void print_register(std::ostringstream& out, const Register& r, unsigned bytes, const Register* other) {
  const unsigned lanes = register_bytes / bytes;
  for (unsigned lane = 0; lane < lanes; ++lane) {
    if (lane % 16 == 0) out << "\n      [" << (lane < 10 ? " " : "") << lane << "]";
    const uint32_t value = element_bits(r, bytes, lane);
    const bool differs = other && element_bits(*other, bytes, lane) != value;
    char text[16];
    std::snprintf(text, sizeof text, " %0*" PRIx32 "%s", int(2 * bytes), value, differs ? "*" : " ");
    out << text;
  }
}

}  // namespace

std::string disassemble(uint32_t instruction) {
  const std::optional<DecodedInstruction> decoded = decode(instruction);
  if (!decoded) return "illegal " + hex(instruction, 8);
  const DecodedInstruction& d = *decoded;
  const std::string name = mnemonic(d.opcode);
  const std::string type = type_name(d.type);
  const std::string vd = "v" + std::to_string(d.rd), vs1 = "v" + std::to_string(d.rs1),
                    vs2 = "v" + std::to_string(d.rs2), xs1 = "x" + std::to_string(d.rs1);
  switch (d.opcode) {
    case Opcode::vld: return name + " " + vd + ", (" + xs1 + ")";
    case Opcode::vst: return name + " " + vs2 + ", (" + xs1 + ")";
    case Opcode::vbcast: return name + "." + type + " " + vd + ", " + xs1;
    case Opcode::vrelu: return name + "." + type + " " + vd + ", " + vs1;
    case Opcode::vhsum: return name + "." + type + " x" + std::to_string(d.rd) + ", " + vs1;
    case Opcode::vcvt:
      return name + "." + type + "." + type_name(ElementType(d.rs2 >> 2)) + " " + vd + ", " + vs1 + ", " +
             std::to_string(d.rs2 & 3);
    default: return name + "." + type + " " + vd + ", " + vs1 + ", " + vs2;
  }
}

// Registers and CSRs around one instruction, without heap allocation (one per instruction).
struct LockstepEngine::Snapshot {
  using Entry = std::pair<unsigned, Register>;
  static constexpr unsigned capacity = 6;  // vs1, vs2 and a vmma's 4-register group
  std::array<Entry, capacity> entries;
  unsigned count = 0;
  uint64_t vflags = 0, vseed = 0, vcfg = 0;

  void add(unsigned index, const Register& value) { entries[count++] = {index, value}; }
  const Entry* begin() const { return entries.data(); }
  const Entry* end() const { return entries.data() + count; }
};

// The reference has executed the instruction: what the checked engine must show when it retires.
struct LockstepEngine::Expected {
  uint64_t number = 0;
  uint32_t instruction = 0;
  uint64_t pc = 0;
  uint64_t issued = 0;  // the core's cycle
  Snapshot before, after;
  Outcome outcome;
};

LockstepEngine::LockstepEngine(unsigned core_id, std::unique_ptr<VectorEngine> reference,
                               std::unique_ptr<VectorEngine> checked)
    : core_id_(core_id),
      reference_(std::move(reference)),
      checked_(std::move(checked)),
      rtl_(dynamic_cast<RtlEngine*>(checked_.get())) {
  reference_->on_retire([this](uint64_t number) { reference_retired_ = number + 1; });
  checked_->on_retire([this](uint64_t number) { compare_retired(number); });
}

LockstepEngine::~LockstepEngine() = default;

// The registers the instruction writes (after it) and the CSRs.
LockstepEngine::Snapshot LockstepEngine::snapshot(VectorEngine& engine, uint32_t instruction) {
  Snapshot s;
  engine.read_csr(csr_vflags, s.vflags);
  engine.read_csr(csr_vseed, s.vseed);
  engine.read_csr(csr_vcfg, s.vcfg);
  if (const std::optional<DecodedInstruction> d = decode(instruction))
    add_registers(s, engine, registers_written(*d));
  return s;
}

Outcome LockstepEngine::failed() const {
  Outcome stopped;
  stopped.status = Outcome::Status::fatal;
  stopped.message = failure_;
  return stopped;
}

template <typename Run>
Outcome LockstepEngine::step(uint32_t instruction, uint64_t pc, Run run) {
  if (!failure_.empty()) return failed();
  // The operands as they were, for the report (the reference is cheap to read).
  Expected expected;
  Snapshot& before = expected.before;
  reference_->read_csr(csr_vflags, before.vflags);
  reference_->read_csr(csr_vseed, before.vseed);
  reference_->read_csr(csr_vcfg, before.vcfg);
  if (const std::optional<DecodedInstruction> d = decode(instruction))
    add_registers(before, *reference_, registers_read(*d));
  Register expected_store{}, actual_store{};
  const uint64_t retired_before = reference_retired_;
  expected.outcome = run(*reference_, expected_store);
  if (reference_retired_ != retired_before) {  // it reached the unit: the checked engine's too
    expected.number = reference_retired_ - 1;
    expected.instruction = instruction;
    expected.pc = pc;
    expected.issued = cycle_;
    expected.after = snapshot(*reference_, instruction);
    pending_.push_back(expected);
    if (full_interval_ != 0 && expected.number % full_interval_ == full_interval_ - 1) {
      full_pending_.emplace_back();
      full_pending_.back().first = expected.number;
      for (unsigned r = 0; r < register_count; ++r)
        full_pending_.back().second[r] = reference_->read_register(r);
    }
  }
  if (coverage_) {
    const auto read = [&](unsigned index) {
      for (const auto& [held, value] : before)
        if (held == index) return value;
      return reference_->read_register(index);
    };
    uint64_t vflags_after = 0;
    reference_->read_csr(csr_vflags, vflags_after);
    coverage_->sample(instruction, before.vcfg, before.vseed, read,
                      uint32_t(vflags_after & ~before.vflags));
  }
  const uint64_t cycle = cycle_;
  const Outcome actual = run(*checked_, actual_store);
  cycle_ += actual.cycles;
  if (!failure_.empty()) return failed();  // an instruction retired on the way did not compare
  if (actual.status == Outcome::Status::fatal) return actual;
  // What the core takes at once: the status, vhsum's scalar, vst's data; and the cycles.
  const Outcome& model = expected.outcome;
  const bool same = model.status == actual.status && model.writes_scalar == actual.writes_scalar &&
                    (!model.writes_scalar || model.scalar == actual.scalar) &&
                    expected_store == actual_store;
  if (!same) {
    const Snapshot actual_after = snapshot(*checked_, instruction);
    fail(report(instruction, pc, expected.number, cycle, before, expected.after, actual_after, model,
                actual, &expected_store, &actual_store));
  } else if (compare_timing_ && model.cycles != actual.cycles) {
    std::ostringstream out;
    out << "vector lockstep timing mismatch on core " << core_id_ << " at pc " << hex(pc) << ": "
        << hex(instruction, 8) << " " << disassemble(instruction) << "\n  vector instruction "
        << expected.number << ", issued at core cycle " << cycle << ": the core waits "
        << model.cycles << " cycles under the model, " << actual.cycles << " under the rtl";
    fail(out.str());
  }
  return failure_.empty() ? actual : failed();
}

void LockstepEngine::compare_retired(uint64_t number) {
  if (!failure_.empty() || pending_.empty() || pending_.front().number != number) return;
  const Expected expected = pending_.front();
  pending_.erase(pending_.begin());
  ++compared_;
  const Snapshot actual = snapshot(*checked_, expected.instruction);
  bool same = expected.after.vflags == actual.vflags && expected.after.vseed == actual.vseed &&
              expected.after.vcfg == actual.vcfg;
  for (unsigned i = 0; same && i < actual.count; ++i)
    same = expected.after.entries[i].second == actual.entries[i].second;
  if (!same)
    fail(report(expected.instruction, expected.pc, expected.number, expected.issued, expected.before,
                expected.after, actual, expected.outcome, expected.outcome, nullptr, nullptr));
  if (same && !full_pending_.empty() && full_pending_.front().first == number) {
    for (unsigned r = 0; r < register_count && failure_.empty(); ++r) {
      const Register& model = full_pending_.front().second[r];
      const Register rtl = checked_->read_register(r);
      if (model == rtl) continue;
      std::ostringstream out;
      out << "vector lockstep mismatch on core " << core_id_ << " at pc " << hex(expected.pc)
          << ": " << hex(expected.instruction, 8) << " " << disassemble(expected.instruction)
          << "\n  vector instruction " << number << ", issued at core cycle " << expected.issued
          << ": comparing the whole register file after it, v" << r
          << " differs (an instruction wrote a register it should not have)"
          << "\n    v" << r << " (model, * = lane differs):";
      print_register(out, model, 4, &rtl);
      out << "\n    v" << r << " (rtl):";
      print_register(out, rtl, 4, &model);
      fail(out.str());
    }
    full_pending_.erase(full_pending_.begin());
  }
  if (retired_) retired_(number);
}

void LockstepEngine::fail(std::string report) {
  failure_ = std::move(report);
  RtlEngine* rtl = rtl_;
  if (rtl && rtl->trace_open()) {
    rtl->stop_trace();
    failure_ += "\n  the RTL waveform ends with this instruction, at " +
                std::to_string(rtl->waveform_time_ps()) + " ps";
  } else if (rtl && rtl->keeping_last_cycles()) {
    failure_ += "\n  the RTL waveform of the cycles up to this mismatch is in " +
                rtl->write_last_cycles();
  }
}

std::string LockstepEngine::report(uint32_t instruction, uint64_t pc, uint64_t number,
                                   uint64_t cycle, const Snapshot& before,
                                   const Snapshot& expected, const Snapshot& actual,
                                   const Outcome& expected_outcome, const Outcome& actual_outcome,
                                   const Register* expected_store, const Register* actual_store) {
  auto status_name = [](Outcome::Status s) {
    return s == Outcome::Status::ok ? "ok" : s == Outcome::Status::illegal ? "illegal" : "fatal";
  };
  const std::optional<DecodedInstruction> d = decode(instruction);
  std::ostringstream out;
  out << "vector lockstep mismatch on core " << core_id_ << " at pc " << hex(pc) << ": "
      << hex(instruction, 8) << " " << disassemble(instruction);
  out << "\n  vector instruction " << number << ", issued at core cycle " << cycle;
  out << "\n  before: vcfg " << hex(before.vcfg) << ", vseed " << hex(before.vseed) << ", vflags "
      << hex(before.vflags);
  for (const auto& [index, value] : before) {
    out << "\n    v" << index << ":";
    // A register read and written (an accumulator) holds the destination's elements.
    const bool accumulator = d && d->opcode != Opcode::vcvt &&
                             (registers_read(*d) & registers_written(*d)) >> index & 1;
    print_register(out, value,
                   accumulator ? destination_bytes(*d) : (d ? source_bytes(*d) : 4), nullptr);
  }
  out << "\n  model / rtl:";
  if (expected_outcome.status != actual_outcome.status)
    out << "\n    status: " << status_name(expected_outcome.status) << " / " << status_name(actual_outcome.status);
  if (expected_outcome.writes_scalar != actual_outcome.writes_scalar ||
      expected_outcome.scalar != actual_outcome.scalar)
    out << "\n    scalar x" << (d ? d->rd : 0) << ": " << hex(expected_outcome.scalar, 16) << " / "
        << hex(actual_outcome.scalar, 16);
  if (expected.vflags != actual.vflags)
    out << "\n    vflags: " << hex(expected.vflags) << " / " << hex(actual.vflags);
  if (expected.vseed != actual.vseed) out << "\n    vseed: " << hex(expected.vseed) << " / " << hex(actual.vseed);
  if (expected.vcfg != actual.vcfg) out << "\n    vcfg: " << hex(expected.vcfg) << " / " << hex(actual.vcfg);
  for (unsigned i = 0; i < expected.count; ++i) {
    const auto& [index, model_value] = expected.entries[i];
    const Register& rtl_value = actual.entries[i].second;
    if (model_value == rtl_value) continue;
    const unsigned bytes = d ? destination_bytes(*d) : 4;
    out << "\n    v" << index << " (model, * = lane differs):";
    print_register(out, model_value, bytes, &rtl_value);
    out << "\n    v" << index << " (rtl):";
    print_register(out, rtl_value, bytes, &model_value);
  }
  if (expected_store && *expected_store != *actual_store) {
    out << "\n    store data (model):";
    print_register(out, *expected_store, 4, actual_store);
    out << "\n    store data (rtl):";
    print_register(out, *actual_store, 4, expected_store);
  }
  return out.str();
}

Outcome LockstepEngine::execute(uint32_t instruction, uint64_t rs1_value, uint64_t pc) {
  return step(instruction, pc, [&](VectorEngine& engine, Register&) {
    return engine.execute(instruction, rs1_value, pc);
  });
}

Outcome LockstepEngine::load(uint32_t instruction, const Register& data, uint64_t pc) {
  return step(instruction, pc, [&](VectorEngine& engine, Register&) { return engine.load(instruction, data, pc); });
}

Outcome LockstepEngine::store(uint32_t instruction, Register& data, uint64_t pc) {
  Register stored{};
  Outcome outcome = step(instruction, pc, [&](VectorEngine& engine, Register& out) {
    const Outcome result = engine.store(instruction, out, pc);
    stored = out;  // the checked engine runs second: its data is what the core writes
    return result;
  });
  if (outcome.status == Outcome::Status::ok) data = stored;
  return outcome;
}

void LockstepEngine::advance_to(uint64_t cycle) {
  cycle_ = std::max(cycle_, cycle);
  reference_->advance_to(cycle);
  checked_->advance_to(cycle);
}

Outcome LockstepEngine::settle() {
  if (!failure_.empty()) return failed();
  const Outcome model = reference_->settle();
  const Outcome actual = checked_->settle();
  if (!failure_.empty()) return failed();
  if (actual.status == Outcome::Status::fatal) return actual;
  if (compare_timing_ && model.cycles != actual.cycles) {
    std::ostringstream out;
    out << "vector lockstep timing mismatch on core " << core_id_ << " at core cycle " << cycle_
        << ": waiting for the unit to settle (a CSR access, the end of the run) takes "
        << model.cycles << " cycles under the model, " << actual.cycles << " under the rtl";
    fail(out.str());
    return failed();
  }
  cycle_ += actual.cycles;
  return actual;
}

void LockstepEngine::on_retire(RetireObserver observer) { retired_ = std::move(observer); }

VectorCoverage& LockstepEngine::enable_coverage() {
  if (!coverage_) {
    coverage_ = std::make_unique<VectorCoverage>();
    if (rtl_) rtl_->add_coverage_bins(coverage_->bins());
  }
  return *coverage_;
}

bool LockstepEngine::read_csr(unsigned csr, uint64_t& value) { return checked_->read_csr(csr, value); }

bool LockstepEngine::write_csr(unsigned csr, uint64_t value) {
  settle();  // compares the wait; a failure stays for the next instruction
  ++cycle_;
  const bool reference_has = reference_->write_csr(csr, value);
  return checked_->write_csr(csr, value) && reference_has;
}

Register LockstepEngine::read_register(unsigned index) { return checked_->read_register(index); }

}  // namespace dojo::vector
