#include "vector/rtl_engine.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <utility>

#include <Vvector_unit.h>
#include <gtkwave/fstapi.h>
#include <verilated.h>
#include <verilated_fst_c.h>

namespace dojo::vector {

namespace {

constexpr uint32_t funct7_of(uint32_t instruction) { return instruction >> 25; }
constexpr uint32_t funct7_vld = 0x00, funct7_vst = 0x01;

Outcome illegal_here() {
  Outcome outcome;
  outcome.status = Outcome::Status::illegal;
  return outcome;
}

// A 512-bit port (16 little-endian 32-bit words, Verilator's layout) to and from a register's
// bytes, a word at a time.
Register from_port(const VlWide<register_bytes / 4>& port) {
  Register value;
  for (unsigned word = 0; word < register_bytes / 4; ++word) {
    const uint32_t bits = port[word];
    for (unsigned byte = 0; byte < 4; ++byte) value[4 * word + byte] = static_cast<uint8_t>(bits >> (8 * byte));
  }
  return value;
}

void to_port(const Register& value, VlWide<register_bytes / 4>& port) {
  for (unsigned word = 0; word < register_bytes / 4; ++word) {
    const uint8_t* bytes = value.data() + 4 * word;
    port[word] = uint32_t{bytes[0]} | uint32_t{bytes[1]} << 8 | uint32_t{bytes[2]} << 16 |
                 uint32_t{bytes[3]} << 24;
  }
}

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Verilator 5.006 verilates a model for one waveform format (its trace() takes a VerilatedFstC, or
// with --trace a VerilatedVcdC, never both), so a VCD is recorded as FST and rewritten by the FST
// reader Verilator bundles (GTKWave's fstapi, as GTKWave's fst2vcd does): no second model to build.
// Without `values` only the header and the signals are written (an FST never dumped still holds
// an all-x value block).
bool fst_to_vcd(const std::string& fst_path, const std::string& vcd_path, bool values) {
  void* reader = fstReaderOpen(fst_path.c_str());
  if (!reader) return false;
  std::FILE* vcd = std::fopen(vcd_path.c_str(), "w");
  bool written = vcd && fstReaderProcessHier(reader, vcd);
  if (written && values) {
    fstReaderSetFacProcessMaskAll(reader);
    written = fstReaderIterBlocks(reader, nullptr, nullptr, vcd);
  }
  fstReaderClose(reader);
  if (vcd && std::fclose(vcd) != 0) written = false;
  return written;
}

}  // namespace

struct RtlEngine::Impl {
  explicit Impl(uint64_t timeout) : response_timeout_cycles(timeout) {
    context.traceEverOn(true);
    unit = std::make_unique<Vvector_unit>(&context);
    unit->clk = 0;
    unit->rst_n = 1;
    unit->eval();
    unit->rst_n = 0;  // asynchronous reset
    unit->eval();
    unit->rst_n = 1;
    unit->eval();
  }

  ~Impl() { finish_trace(); }

  uint64_t now() const { return now_ps ? now_ps() : cycle * cycle_ps; }

  void dump(uint64_t time) {
    if (trace) trace->dump(time);
  }

  // One clock cycle from edge_ps: the rising edge (where everything happens) half-way, then the
  // falling edge that ends it.
  void tick() {
    unit->clk = 1;
    unit->eval();
    dump(edge_ps + cycle_ps / 2);
    unit->clk = 0;
    unit->eval();
    edge_ps += cycle_ps;
    dump(edge_ps);
    ++cycle;
  }

  // Where Verilator writes the waveform: the file itself, or beside it for a VCD.
  std::string fst_path() const { return vcd ? trace_path + ".fst" : trace_path; }

  bool open_trace() {
    trace = std::make_unique<VerilatedFstC>();
    unit->trace(trace.get(), 99);
    trace->open(fst_path().c_str());
    if (trace->isOpen()) return true;
    trace.reset();
    trace_error = "vector unit RTL: cannot write the waveform '" + fst_path() + "'";
    return false;
  }

  // Before the unit clocks for an instruction or a CSR write: opens the requested waveform once
  // its window starts (at an instruction) and ends it once the window is over; places the coming
  // cycles at the clock's time. Failures go to trace_error.
  void update_trace(bool instruction) {
    if (trace_path.empty()) return;  // no waveform (any more): no cost
    const uint64_t time = now();
    if (time >= window.end_ps) {
      finish_trace();
      return;
    }
    if (!trace) {
      if (!instruction || instructions < window.first_instruction || time < window.start_ps) return;
      if (!open_trace()) {
        trace_path.clear();
        return;
      }
      edge_ps = time;
      dump(time);
    }
    edge_ps = std::max(edge_ps, time);
  }

  // Closes the waveform (one never opened still gets its signals, with no value changes) and
  // rewrites a VCD; failures go to trace_error.
  void finish_trace() {
    if (trace_path.empty()) return;
    const bool dumped = trace != nullptr;
    const bool recorded = dumped || open_trace();
    if (trace) {
      trace->close();
      trace.reset();
    }
    const std::string fst = fst_path();
    const std::string path = std::exchange(trace_path, {});
    if (!recorded || !vcd) return;
    if (!fst_to_vcd(fst, path, dumped))
      trace_error = "vector unit RTL: cannot write the waveform '" + path + "'";
    std::remove(fst.c_str());
  }

  // Issues one command and clocks until the response; the cycles include the accepting edge.
  Outcome issue(uint32_t instruction, uint64_t rs1_value, const Register* load_data) {
    update_trace(true);
    if (!trace_error.empty()) {
      Outcome failed;
      failed.status = Outcome::Status::fatal;
      failed.message = std::exchange(trace_error, {});
      return failed;
    }
    ++instructions;
    unit->cmd_valid = 1;
    unit->cmd_insn = instruction;
    unit->cmd_rs1 = rs1_value;
    if (load_data) to_port(*load_data, unit->cmd_load_data);
    Outcome outcome;
    tick();
    unit->cmd_valid = 0;
    outcome.cycles = 1;
    while (!unit->rsp_valid) {
      if (outcome.cycles >= response_timeout_cycles) {
        outcome.status = Outcome::Status::fatal;
        outcome.message = "vector unit RTL: no response after " +
                          std::to_string(outcome.cycles) + " cycles";
        return outcome;
      }
      tick();
      ++outcome.cycles;
    }
    if (unit->rsp_illegal) {
      outcome.status = Outcome::Status::illegal;
    } else {
      outcome.writes_scalar = unit->rsp_writes_scalar;
      if (outcome.writes_scalar) outcome.scalar = unit->rsp_scalar;
    }
    return outcome;
  }

  VerilatedContext context;
  std::unique_ptr<Vvector_unit> unit;
  std::function<uint64_t()> now_ps;  // empty: cycle n starts at n * cycle_ps
  uint64_t cycle_ps = 2;
  uint64_t edge_ps = 0;  // where the next cycle starts in the waveform
  // The waveform: requested while trace_path is set, recording while trace is.
  std::string trace_path;
  bool vcd = false;
  TraceWindow window;
  std::unique_ptr<VerilatedFstC> trace;
  std::string trace_error;  // reported by the next instruction or stop_trace()
  uint64_t response_timeout_cycles;
  uint64_t cycle = 0;
  uint64_t instructions = 0;
};

RtlEngine::RtlEngine(uint64_t response_timeout_cycles)
    : impl_(std::make_unique<Impl>(response_timeout_cycles)) {}

RtlEngine::~RtlEngine() = default;

Outcome RtlEngine::execute(uint32_t instruction, uint64_t rs1_value, uint64_t /*pc*/) {
  const uint32_t funct7 = funct7_of(instruction);
  if ((instruction & 0x7F) == custom0_opcode && (funct7 == funct7_vld || funct7 == funct7_vst)) {
    Outcome misuse;
    misuse.status = Outcome::Status::fatal;
    misuse.message = "vld/vst reach the vector unit through load()/store()";
    return misuse;
  }
  return impl_->issue(instruction, rs1_value, nullptr);
}

// load() and store() only take vld and vst (as the reference model): anything else is illegal
// there without reaching the unit.
Outcome RtlEngine::load(uint32_t instruction, const Register& data, uint64_t /*pc*/) {
  if (funct7_of(instruction) != funct7_vld) return illegal_here();
  return impl_->issue(instruction, 0, &data);
}

Outcome RtlEngine::store(uint32_t instruction, Register& data, uint64_t /*pc*/) {
  if (funct7_of(instruction) != funct7_vst) return illegal_here();
  Outcome outcome = impl_->issue(instruction, 0, nullptr);
  if (outcome.status == Outcome::Status::ok) data = from_port(impl_->unit->rsp_store_data);
  return outcome;
}

bool RtlEngine::read_csr(unsigned csr, uint64_t& value) {
  if (csr > 0xFFF) return false;
  impl_->unit->csr_addr = csr;
  impl_->unit->eval();
  if (!impl_->unit->csr_exists) return false;
  value = impl_->unit->csr_rdata;
  return true;
}

bool RtlEngine::write_csr(unsigned csr, uint64_t value) {
  if (csr > 0xFFF) return false;
  impl_->unit->csr_addr = csr;
  impl_->unit->eval();
  if (!impl_->unit->csr_exists) return false;
  impl_->update_trace(false);
  impl_->unit->csr_write = 1;
  impl_->unit->csr_wdata = value;
  impl_->tick();
  impl_->unit->csr_write = 0;
  return true;
}

Register RtlEngine::read_register(unsigned index) {
  if (index >= register_count) return Register{};
  impl_->unit->debug_reg = index;
  impl_->unit->eval();
  return from_port(impl_->unit->debug_data);
}

void RtlEngine::set_clock(std::function<uint64_t()> now_ps, uint64_t cycle_ps) {
  impl_->now_ps = std::move(now_ps);
  impl_->cycle_ps = std::max<uint64_t>(cycle_ps, 2);
}

void RtlEngine::start_trace(const std::string& path, const TraceWindow& window) {
  const bool vcd = ends_with(path, ".vcd");
  if (!vcd && !ends_with(path, ".fst"))
    throw std::runtime_error("RTL trace '" + path +
                             "': the file name must end in .fst (FST) or .vcd (VCD)");
  if (!impl_->trace_path.empty())
    throw std::runtime_error("RTL trace '" + path + "': a trace is already open");
  if (window.start_ps >= window.end_ps)
    throw std::runtime_error("RTL trace '" + path + "': the time window is empty");
  impl_->vcd = vcd;
  impl_->trace_path = path;
  for (const std::string& file : {path, impl_->fst_path()}) {
    if (!std::ofstream(file)) {
      impl_->trace_path.clear();
      throw std::runtime_error("RTL trace '" + path + "': cannot write '" + file + "'");
    }
  }
  impl_->window = window;
}

void RtlEngine::stop_trace() {
  impl_->finish_trace();
  if (!impl_->trace_error.empty()) throw std::runtime_error(std::exchange(impl_->trace_error, {}));
}

bool RtlEngine::trace_open() const { return impl_->trace != nullptr; }

uint64_t RtlEngine::cycle_count() const { return impl_->cycle; }

uint64_t RtlEngine::waveform_time_ps() const { return impl_->edge_ps; }

uint64_t RtlEngine::instruction_count() const { return impl_->instructions; }

}  // namespace dojo::vector
