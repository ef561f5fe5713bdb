// The core's side of the vector unit (docs/isa-vector.md): custom-0 instructions go to the
// VectorEngine; vld and vst move their 64 bytes through the hart's own memory path first, with
// its alignment and access rules.
#include <cstring>

#include "core/hart.h"
#include "core/hart_internal.h"

namespace dojo::core {
namespace {

constexpr uint32_t kFunct7Vld = 0x00, kFunct7Vst = 0x01;

uint32_t field(uint32_t instruction, unsigned high, unsigned low) {
  return (instruction >> low) & ((1u << (high - low + 1)) - 1);
}

}  // namespace

bool Hart::is_vector_csr(unsigned csr) const {
  return vector_ != nullptr && csr >= vector::csr_vcfg && csr <= vector::csr_vflags;
}

void Hart::settle_vector() {
  vector_->advance_to(cycles_ + stall_cycles_);
  // A failed engine keeps its report for the next vector instruction or the end of the run.
  stall_cycles_ += vector_->settle().cycles;
}

bool Hart::read_block(uint64_t addr, vector::Register& data) {
  if (!watchpoints_.empty() && watch_stops(addr, vector::register_bytes, false)) return false;
  if (const FastRegion* region = fast_region_for(addr, vector::register_bytes)) {
    std::memcpy(data.data(), region->host + (addr - region->base), data.size());
    return true;
  }
  for (unsigned offset = 0; offset < data.size(); offset += 8) {
    uint64_t word = 0;
    if (!load_slow(addr + offset, 8, word)) return false;
    std::memcpy(data.data() + offset, &word, 8);
  }
  return true;
}

bool Hart::write_block(uint64_t addr, const vector::Register& data) {
  for (unsigned offset = 0; offset < data.size(); offset += 8) {
    uint64_t word = 0;
    std::memcpy(&word, data.data() + offset, 8);
    if (!store_slow(addr + offset, 8, word)) return false;
  }
  return true;
}

Hart::VectorStep Hart::vector_step(uint32_t instruction, uint64_t pc, uint64_t rs1_value,
                                   uint64_t& scalar, uint64_t& cycles) {
  if (vector_ == nullptr) {
    raise(Exception::illegal_insn, instruction);
    return VectorStep::trap;
  }
  const uint32_t funct7 = field(instruction, 31, 25);
  vector_->advance_to(cycles_ + stall_cycles_);
  vector::Outcome outcome;
  if (funct7 == kFunct7Vld || funct7 == kFunct7Vst) {
    // The encoding is checked before memory is touched: an illegal vld must not fault on its
    // address.
    const bool load = funct7 == kFunct7Vld;
    if (field(instruction, 14, 12) != 0 || field(instruction, load ? 24 : 11, load ? 20 : 7) != 0) {
      raise(Exception::illegal_insn, instruction);
      return VectorStep::trap;
    }
    if (rs1_value % vector::register_bytes != 0) {
      raise(load ? Exception::load_misaligned : Exception::store_misaligned, rs1_value);
      return VectorStep::trap;
    }
    vector::Register data{};
    if (load) {
      if (!read_block(rs1_value, data)) {
        raise(Exception::load_access_fault, rs1_value);
        return VectorStep::trap;
      }
      note_load(rs1_value, vector::register_bytes);
      outcome = vector_->load(instruction, data, pc);
    } else {
      outcome = vector_->store(instruction, data, pc);
      if (outcome.status == vector::Outcome::Status::ok && !write_block(rs1_value, data)) {
        raise(Exception::store_access_fault, rs1_value);
        return VectorStep::trap;
      }
      note_store(rs1_value, vector::register_bytes, data.data());
    }
  } else {
    outcome = vector_->execute(instruction, rs1_value, pc);
  }
  switch (outcome.status) {
    case vector::Outcome::Status::illegal:
      raise(Exception::illegal_insn, instruction);
      return VectorStep::trap;
    case vector::Outcome::Status::fatal:
      fatal_message_ = outcome.message;  // the engine's report names the core
      return VectorStep::fatal;
    case vector::Outcome::Status::ok:
      break;
  }
  cycles = outcome.cycles == 0 ? 1 : outcome.cycles;
  if (on_vector) on_vector(instruction, cycles_ + stall_cycles_, cycles);
  if (!outcome.writes_scalar) return VectorStep::done;
  scalar = outcome.scalar;
  note_register(field(instruction, 11, 7), scalar);
  return VectorStep::scalar;
}

}  // namespace dojo::core
