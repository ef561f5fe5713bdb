#include "vector/lockstep_engine.h"

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

const char* const mnemonics[] = {"vld",  "vst",  "vbcast", "vadd", "vsub",  "vmul",  "vfma",
                                 "vmin", "vmax", "vrelu",  "vdot", "vcvt", "vhsum", "vmma"};
const char* const type_names[] = {"f32", "bf16", "i32", "i8", "e4m3", "e5m2"};

unsigned element_bytes(ElementType type) {
  switch (type) {
    case ElementType::f32:
    case ElementType::i32: return 4;
    case ElementType::bf16: return 2;
    default: return 1;
  }
}

bool writes_group(Opcode opcode) { return opcode == Opcode::vmma; }
bool writes_vector(Opcode opcode) { return opcode != Opcode::vst && opcode != Opcode::vhsum; }
bool reads_vs1(Opcode opcode) { return opcode != Opcode::vld && opcode != Opcode::vbcast && opcode != Opcode::vst; }
bool reads_vs2(Opcode opcode) {
  return opcode == Opcode::vst || opcode == Opcode::vdot || opcode == Opcode::vmma ||
         (opcode >= Opcode::vadd && opcode <= Opcode::vmax);
}
bool reads_vd(Opcode opcode) {
  return opcode == Opcode::vfma || opcode == Opcode::vdot || opcode == Opcode::vcvt || opcode == Opcode::vmma;
}

// Element width of the destination and of the vector sources.
unsigned destination_bytes(const DecodedInstruction& d) {
  if (d.opcode == Opcode::vmma || d.opcode == Opcode::vdot) return 4;
  return element_bytes(d.type);
}
unsigned source_bytes(const DecodedInstruction& d) {
  if (d.opcode == Opcode::vcvt) return element_bytes(ElementType(d.rs2 >> 2));
  if (d.opcode == Opcode::vdot) return 1;
  return element_bytes(d.type);
}

uint32_t element(const Register& r, unsigned bytes, unsigned lane) {
  uint32_t value = 0;
  for (unsigned b = 0; b < bytes; ++b) value |= uint32_t(r[lane * bytes + b]) << (8 * b);
  return value;
}

// All lanes of `r`, 16 per line; with `other`, a '*' marks each lane that differs from it.
void print_register(std::ostringstream& out, const Register& r, unsigned bytes, const Register* other) {
  const unsigned lanes = register_bytes / bytes;
  for (unsigned lane = 0; lane < lanes; ++lane) {
    if (lane % 16 == 0) out << "\n      [" << (lane < 10 ? " " : "") << lane << "]";
    const uint32_t value = element(r, bytes, lane);
    const bool differs = other && element(*other, bytes, lane) != value;
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
  const std::string name = mnemonics[unsigned(d.opcode)];
  const std::string type = type_names[unsigned(d.type)];
  const std::string vd = "v" + std::to_string(d.rd), vs1 = "v" + std::to_string(d.rs1),
                    vs2 = "v" + std::to_string(d.rs2), xs1 = "x" + std::to_string(d.rs1);
  switch (d.opcode) {
    case Opcode::vld: return name + " " + vd + ", (" + xs1 + ")";
    case Opcode::vst: return name + " " + vs2 + ", (" + xs1 + ")";
    case Opcode::vbcast: return name + "." + type + " " + vd + ", " + xs1;
    case Opcode::vrelu: return name + "." + type + " " + vd + ", " + vs1;
    case Opcode::vhsum: return name + "." + type + " x" + std::to_string(d.rd) + ", " + vs1;
    case Opcode::vcvt:
      return name + "." + type + "." + type_names[d.rs2 >> 2] + " " + vd + ", " + vs1 + ", " +
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

LockstepEngine::LockstepEngine(unsigned core_id, std::unique_ptr<VectorEngine> reference,
                               std::unique_ptr<VectorEngine> checked)
    : core_id_(core_id), reference_(std::move(reference)), checked_(std::move(checked)) {}

// The registers the instruction writes (after it) and the CSRs.
LockstepEngine::Snapshot LockstepEngine::snapshot(VectorEngine& engine, uint32_t instruction) {
  Snapshot s;
  engine.read_csr(csr_vflags, s.vflags);
  engine.read_csr(csr_vseed, s.vseed);
  engine.read_csr(csr_vcfg, s.vcfg);
  const std::optional<DecodedInstruction> d = decode(instruction);
  if (d && writes_vector(d->opcode)) {
    const unsigned count = writes_group(d->opcode) ? 4 : 1;
    for (unsigned i = 0; i < count; ++i) s.add(d->rd + i, engine.read_register(d->rd + i));
  }
  return s;
}

template <typename Run>
Outcome LockstepEngine::step(uint32_t instruction, uint64_t pc, Run run) {
  if (!failure_.empty()) {
    Outcome stopped;
    stopped.status = Outcome::Status::fatal;
    stopped.message = failure_;
    return stopped;
  }
  // The operands as they were, for the report (the reference is cheap to read).
  Snapshot before;
  reference_->read_csr(csr_vflags, before.vflags);
  reference_->read_csr(csr_vseed, before.vseed);
  reference_->read_csr(csr_vcfg, before.vcfg);
  if (const std::optional<DecodedInstruction> d = decode(instruction)) {
    auto add = [&](unsigned index) { before.add(index, reference_->read_register(index)); };
    if (reads_vs1(d->opcode)) add(d->rs1);
    if (reads_vs2(d->opcode)) add(d->rs2);
    if (reads_vd(d->opcode))
      for (unsigned i = 0; i < (writes_group(d->opcode) ? 4u : 1u); ++i) add(d->rd + i);
  }
  Register expected_store{}, actual_store{};
  const Outcome expected = run(*reference_, expected_store);
  const Outcome actual = run(*checked_, actual_store);
  ++compared_;
  if (actual.status == Outcome::Status::fatal) return actual;
  const Snapshot expected_after = snapshot(*reference_, instruction);
  const Snapshot actual_after = snapshot(*checked_, instruction);
  bool same = expected.status == actual.status && expected.writes_scalar == actual.writes_scalar &&
              (!expected.writes_scalar || expected.scalar == actual.scalar) && expected_after.vflags == actual_after.vflags &&
              expected_after.vseed == actual_after.vseed && expected_after.vcfg == actual_after.vcfg &&
              expected_store == actual_store;
  for (unsigned i = 0; same && i < expected_after.count; ++i)
    same = expected_after.entries[i].second == actual_after.entries[i].second;
  if (same) return actual;

  failure_ = report(instruction, pc, before, expected_after, actual_after, expected, actual,
                    &expected_store, &actual_store);
  if (auto* rtl = dynamic_cast<RtlEngine*>(checked_.get()); rtl && rtl->trace_open()) {
    rtl->stop_trace();
    failure_ += "\n  the RTL waveform ends with this instruction, at " +
                std::to_string(rtl->waveform_time_ps()) + " ps";
  }
  Outcome fatal = actual;
  fatal.status = Outcome::Status::fatal;
  fatal.message = failure_;
  return fatal;
}

std::string LockstepEngine::report(uint32_t instruction, uint64_t pc, const Snapshot& before,
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
  out << "\n  before: vcfg " << hex(before.vcfg) << ", vseed " << hex(before.vseed) << ", vflags "
      << hex(before.vflags);
  for (const auto& [index, value] : before) {
    out << "\n    v" << index << ":";
    print_register(out, value, d && index >= d->rd && index < d->rd + 4 && reads_vd(d->opcode) &&
                                       d->opcode != Opcode::vcvt
                                   ? destination_bytes(*d)
                                   : (d ? source_bytes(*d) : 4),
                   nullptr);
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
  if (*expected_store != *actual_store) {
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

bool LockstepEngine::read_csr(unsigned csr, uint64_t& value) { return checked_->read_csr(csr, value); }

bool LockstepEngine::write_csr(unsigned csr, uint64_t value) {
  const bool reference_has = reference_->write_csr(csr, value);
  return checked_->write_csr(csr, value) && reference_has;
}

Register LockstepEngine::read_register(unsigned index) { return checked_->read_register(index); }

}  // namespace dojo::vector
