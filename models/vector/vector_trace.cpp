#include "vector/vector_trace.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <sstream>
#include <stdexcept>

namespace dojo::vector {

namespace {

// One line per event: KIND CORE CYCLE PC INSTRUCTION OPERAND CSR STATUS WRITES_SCALAR SCALAR
// CYCLES DATA, numbers in hex, DATA the 64 bytes in order (or "-").
const char* const kind_names[] = {"execute", "load", "store", "csr_write", "settle"};
const char* const status_names[] = {"ok", "illegal", "fatal"};

bool carries_data(VectorTraceEvent::Kind kind) {
  return kind == VectorTraceEvent::Kind::load || kind == VectorTraceEvent::Kind::store;
}

std::string format(const VectorTraceEvent& e) {
  char head[256];
  std::snprintf(head, sizeof head, "%s %" PRIx64 " %" PRIx64 " %" PRIx64 " %08" PRIx32
                " %" PRIx64 " %x %s %d %" PRIx64 " %" PRIx64 " ",
                kind_names[int(e.kind)], e.core, e.cycle, e.pc, e.instruction, e.operand, e.csr,
                status_names[int(e.status)], e.writes_scalar ? 1 : 0, e.scalar, e.cycles);
  std::string line = head;
  if (carries_data(e.kind)) {
    char byte[3];
    for (const uint8_t b : e.data) {
      std::snprintf(byte, sizeof byte, "%02x", b);
      line += byte;
    }
  } else {
    line += "-";
  }
  return line + "\n";
}

std::string describe(const VectorTraceEvent& e) {
  std::ostringstream out;
  out << kind_names[int(e.kind)] << " at core cycle " << e.cycle;
  if (e.kind == VectorTraceEvent::Kind::execute || carries_data(e.kind))
    out << ", pc 0x" << std::hex << e.pc << ", instruction 0x" << e.instruction << std::dec;
  return out.str();
}

}  // namespace

VectorTraceRecorder::VectorTraceRecorder(std::unique_ptr<VectorEngine> inner, uint64_t core,
                                         std::ostream& out)
    : inner_(std::move(inner)), core_(core), out_(out) {}

void VectorTraceRecorder::write(const VectorTraceEvent& event) { out_ << format(event); }

void VectorTraceRecorder::advance_to(uint64_t cycle) {
  cycle_ = std::max(cycle_, cycle);
  inner_->advance_to(cycle);
}

template <typename Call>
Outcome VectorTraceRecorder::recorded(VectorTraceEvent event, Call call) {
  event.core = core_;
  event.cycle = cycle_;
  const Outcome outcome = call(event);
  event.status = outcome.status;
  event.writes_scalar = outcome.writes_scalar;
  event.scalar = outcome.scalar;
  event.cycles = outcome.cycles;
  cycle_ += outcome.cycles;
  write(event);
  return outcome;
}

Outcome VectorTraceRecorder::settle() {
  VectorTraceEvent event;
  event.kind = VectorTraceEvent::Kind::settle;
  return recorded(event, [&](VectorTraceEvent&) { return inner_->settle(); });
}

Outcome VectorTraceRecorder::execute(uint32_t instruction, uint64_t rs1_value, uint64_t pc) {
  VectorTraceEvent event;
  event.pc = pc;
  event.instruction = instruction;
  event.operand = rs1_value;
  return recorded(event, [&](VectorTraceEvent&) { return inner_->execute(instruction, rs1_value, pc); });
}

Outcome VectorTraceRecorder::load(uint32_t instruction, const Register& data, uint64_t pc) {
  VectorTraceEvent event;
  event.kind = VectorTraceEvent::Kind::load;
  event.pc = pc;
  event.instruction = instruction;
  event.data = data;
  return recorded(event, [&](VectorTraceEvent&) { return inner_->load(instruction, data, pc); });
}

Outcome VectorTraceRecorder::store(uint32_t instruction, Register& data, uint64_t pc) {
  VectorTraceEvent event;
  event.kind = VectorTraceEvent::Kind::store;
  event.pc = pc;
  event.instruction = instruction;
  return recorded(event, [&](VectorTraceEvent& e) {
    const Outcome outcome = inner_->store(instruction, data, pc);
    e.data = data;
    return outcome;
  });
}

bool VectorTraceRecorder::write_csr(unsigned csr, uint64_t value) {
  VectorTraceEvent event;
  event.kind = VectorTraceEvent::Kind::csr_write;
  event.core = core_;
  event.cycle = cycle_;
  event.csr = csr;
  event.operand = value;
  const bool written = inner_->write_csr(csr, value);
  if (written) {
    ++cycle_;  // the write's cycle (the unit has settled)
    write(event);
  }
  return written;
}

std::vector<VectorTraceEvent> read_vector_trace(std::istream& in, const std::string& name) {
  std::vector<VectorTraceEvent> events;
  std::string line;
  uint64_t number = 0;
  const auto bad = [&](const std::string& what) {
    return std::runtime_error(name + ":" + std::to_string(number) + ": " + what);
  };
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') {
      if (number == 1 && line != vector_trace_header)
        throw bad("not a vector trace (expected '" + std::string(vector_trace_header) + "')");
      continue;
    }
    if (number == 1) throw bad("not a vector trace (no header)");
    std::istringstream fields(line);
    std::string kind, status, data;
    VectorTraceEvent e;
    int writes_scalar = 0;
    fields >> kind >> std::hex >> e.core >> e.cycle >> e.pc >> e.instruction >> e.operand >> e.csr >>
        status >> writes_scalar >> e.scalar >> e.cycles >> data;
    if (!fields) throw bad("expected 12 fields: KIND CORE CYCLE PC INSTRUCTION OPERAND CSR STATUS "
                           "WRITES_SCALAR SCALAR CYCLES DATA");
    const auto* kind_at = std::find(std::begin(kind_names), std::end(kind_names), kind);
    if (kind_at == std::end(kind_names)) throw bad("unknown event '" + kind + "'");
    e.kind = VectorTraceEvent::Kind(kind_at - std::begin(kind_names));
    const auto* status_at = std::find(std::begin(status_names), std::end(status_names), status);
    if (status_at == std::end(status_names)) throw bad("unknown status '" + status + "'");
    e.status = Outcome::Status(status_at - std::begin(status_names));
    e.writes_scalar = writes_scalar != 0;
    if (carries_data(e.kind)) {
      if (data.size() != 2 * register_bytes ||
          data.find_first_not_of("0123456789abcdef") != std::string::npos)
        throw bad("expected 128 hex digits of data");
      for (unsigned i = 0; i < register_bytes; ++i)
        e.data[i] = uint8_t(std::stoul(data.substr(2 * i, 2), nullptr, 16));
    }
    events.push_back(e);
  }
  if (number == 0) throw bad("empty file");
  return events;
}

ReplayResult replay_vector_trace(const std::vector<VectorTraceEvent>& events, uint64_t core,
                                 VectorEngine& engine) {
  ReplayResult result;
  uint64_t instruction_number = 0;
  for (const VectorTraceEvent& e : events) {
    if (e.core != core) continue;
    ++result.events;
    engine.advance_to(e.cycle);
    Outcome outcome;
    Register data = e.data;
    bool csr_written = true;
    switch (e.kind) {
      case VectorTraceEvent::Kind::execute: outcome = engine.execute(e.instruction, e.operand, e.pc); break;
      case VectorTraceEvent::Kind::load: outcome = engine.load(e.instruction, e.data, e.pc); break;
      case VectorTraceEvent::Kind::store: outcome = engine.store(e.instruction, data, e.pc); break;
      case VectorTraceEvent::Kind::settle: outcome = engine.settle(); break;
      case VectorTraceEvent::Kind::csr_write: csr_written = engine.write_csr(e.csr, e.operand); break;
    }
    const bool instruction = e.kind == VectorTraceEvent::Kind::execute ||
                             carries_data(e.kind);
    std::string what;
    if (outcome.status == Outcome::Status::fatal && e.status != Outcome::Status::fatal)
      what = outcome.message;
    else if (!csr_written)
      what = "the CSR write was refused";
    else if (e.kind != VectorTraceEvent::Kind::csr_write && outcome.status != e.status)
      what = std::string("status ") + status_names[int(outcome.status)] + ", recorded " +
             status_names[int(e.status)];
    else if (e.writes_scalar != outcome.writes_scalar || e.scalar != outcome.scalar)
      what = "scalar " + std::to_string(outcome.scalar) + ", recorded " + std::to_string(e.scalar);
    else if (e.kind == VectorTraceEvent::Kind::store && data != e.data)
      what = "store data differs from the recorded data";
    else if (e.kind != VectorTraceEvent::Kind::csr_write && outcome.cycles != e.cycles)
      what = "the core waits " + std::to_string(outcome.cycles) + " cycles, recorded " +
             std::to_string(e.cycles);
    if (!what.empty()) {
      result.failure = "event " + std::to_string(result.events) +
                       (instruction ? " (vector instruction " + std::to_string(instruction_number) + ")"
                                    : std::string()) +
                       ", " + describe(e) + ": " + what;
      return result;
    }
    if (instruction) ++instruction_number;
  }
  const Outcome settled = engine.settle();
  if (settled.status == Outcome::Status::fatal) {
    result.failure = "at the end: " + settled.message;
    return result;
  }
  result.passed = true;
  return result;
}

}  // namespace dojo::vector
