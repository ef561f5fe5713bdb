#include "vector/rtl_engine.h"

#include <fstream>
#include <stdexcept>

#include <Vvector_unit.h>
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

  ~Impl() { close_trace(); }

  void dump(uint64_t time) {
    if (trace) trace->dump(time);
  }

  // One clock cycle: rising edge (where everything happens), then the falling edge.
  void tick() {
    unit->clk = 1;
    unit->eval();
    dump(2 * cycle + 1);
    unit->clk = 0;
    unit->eval();
    dump(2 * cycle + 2);
    ++cycle;
  }

  // Opens the requested trace once its first instruction is reached; false if the file cannot
  // be written.
  bool open_pending_trace() {
    if (pending_trace_path.empty() || instructions < trace_first_instruction) return true;
    trace = std::make_unique<VerilatedFstC>();
    unit->trace(trace.get(), 99);
    trace->open(pending_trace_path.c_str());
    pending_trace_path.clear();
    if (!trace->isOpen()) {
      trace.reset();
      return false;
    }
    dump(2 * cycle);
    return true;
  }

  void close_trace() {
    pending_trace_path.clear();
    if (!trace) return;
    trace->close();
    trace.reset();
  }

  // Issues one command and clocks until the response; the cycles include the accepting edge.
  Outcome issue(uint32_t instruction, uint64_t rs1_value, const Register* load_data) {
    if (!pending_trace_path.empty()) {
      const std::string trace_path = pending_trace_path;
      if (!open_pending_trace()) {
        Outcome failed;
        failed.status = Outcome::Status::fatal;
        failed.message = "vector unit RTL: cannot write the trace file '" + trace_path + "'";
        return failed;
      }
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
  std::unique_ptr<VerilatedFstC> trace;
  std::string pending_trace_path;
  uint64_t trace_first_instruction = 0;
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

void RtlEngine::start_trace(const std::string& path, uint64_t first_instruction) {
  if (!ends_with(path, ".fst"))
    throw std::runtime_error("RTL trace '" + path + "': the file name must end in .fst");
  if (impl_->trace || !impl_->pending_trace_path.empty())
    throw std::runtime_error("RTL trace '" + path + "': a trace is already open");
  if (!std::ofstream(path))
    throw std::runtime_error("RTL trace '" + path + "': cannot write the file");
  impl_->pending_trace_path = path;
  impl_->trace_first_instruction = first_instruction;
  if (!impl_->open_pending_trace())
    throw std::runtime_error("RTL trace '" + path + "': cannot write the file");
}

void RtlEngine::stop_trace() { impl_->close_trace(); }

bool RtlEngine::trace_open() const { return impl_->trace != nullptr; }

uint64_t RtlEngine::cycle_count() const { return impl_->cycle; }

uint64_t RtlEngine::instruction_count() const { return impl_->instructions; }

}  // namespace dojo::vector
