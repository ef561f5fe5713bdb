#include "vector/verilator_hooks.h"  // before Verilator's headers
//
#include "vector/rtl_engine.h"

#include <algorithm>
#include <array>
#include <deque>
#include <cstdarg>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <utility>

#include <Vvector_unit.h>
#include <gtkwave/fstapi.h>
#include <verilated.h>
#if VM_COVERAGE
#include <verilated_cov.h>
#endif
#include <verilated_fst_c.h>

#include "vector/rtl_protocol_checker.h"
#include "vector/vector_model.h"
#include "vector/vector_pipeline.h"

namespace {
// What the model evaluated on this thread printed and whether it stopped (verilator_hooks.h):
// each engine is evaluated by one thread at a time, and takes the output after each edge.
thread_local dojo::vector::VerilatorOutput verilator_output;
}  // namespace

int dojo_verilator_printf(const char* format, ...) {
  char text[1024];
  va_list arguments;
  va_start(arguments, format);
  const int length = std::vsnprintf(text, sizeof text, format, arguments);
  va_end(arguments);
  verilator_output.text += text;
  return length;
}

// Verilator's $stop (also after a failed assertion's $error): the engine reports it and ends the
// run, instead of Verilator's abort().
void vl_stop(const char* /*filename*/, int /*linenum*/, const char* /*hier*/) {
  verilator_output.stopped = true;
}

namespace dojo::vector {

bool verilator_output_pending() { return verilator_output.stopped || !verilator_output.text.empty(); }

VerilatorOutput take_verilator_output() { return std::exchange(verilator_output, {}); }

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
  Impl(uint64_t timeout, const std::vector<std::string>& plusargs)
      : plusargs(plusargs), response_timeout_cycles(timeout) {
    in_flight.reserve(max_outstanding(built_pipeline()));
    std::vector<const char*> arguments = {"dojo-vp"};
    for (const std::string& plusarg : plusargs) arguments.push_back(plusarg.c_str());
    context.commandArgs(static_cast<int>(arguments.size()), arguments.data());
    context.traceEverOn(true);
    unit = std::make_unique<Vvector_unit>(&context);
    // Every input driven from the start (an X-checking build starts them random).
    unit->cmd_valid = 0;
    unit->cmd_insn = 0;
    unit->cmd_rs1 = 0;
    to_port(Register{}, unit->cmd_load_data);
    unit->rsp_ready = 1;  // the core takes each response as it comes
    unit->csr_write = 0;
    unit->csr_addr = 0;
    unit->csr_wdata = 0;
    unit->debug_reg = 0;
    unit->clk = 0;
    unit->rst_n = 1;
    unit->eval();
    // Reset, asynchronous, held for two clock edges: the assertions' history of past samples
    // (random in an X-checking build) starts from reset values.
    unit->rst_n = 0;
    unit->eval();
    for (int edge = 0; edge < 2; ++edge) {
      unit->clk = 1;
      unit->eval();
      unit->clk = 0;
      unit->eval();
    }
    unit->rst_n = 1;
    unit->eval();
  }

  ~Impl() {
    finish_trace();
    // The model's scopes (those of its assertions) leave the thread's context as they go: make
    // that this engine's, not the last one made or destroyed.
    Verilated::threadContextp(&context);
    unit.reset();
  }

  uint64_t now() const { return now_ps ? now_ps() : cycle * cycle_ps; }

  void dump(uint64_t time) {
    if (trace) trace->dump(time);
  }

  PortSample ports() const {
    PortSample sample;
    sample.cmd_valid = unit->cmd_valid;
    sample.cmd_ready = unit->cmd_ready;
    sample.cmd_insn = unit->cmd_insn;
    sample.cmd_rs1 = unit->cmd_rs1;
    sample.cmd_load_data = from_port(unit->cmd_load_data);
    sample.rsp_valid = unit->rsp_valid;
    sample.rsp_ready = unit->rsp_ready;
    sample.rsp_illegal = unit->rsp_illegal;
    sample.rsp_writes_scalar = unit->rsp_writes_scalar;
    sample.rsp_scalar = unit->rsp_scalar;
    sample.rsp_store_data = from_port(unit->rsp_store_data);
    sample.idle = unit->idle;
    sample.csr_write = unit->csr_write;
    return sample;
  }

  // Records the first error of the run: later instructions report it and stop.
  void fail(const std::string& what) {
    if (!error.empty()) return;
    // The instruction the unit was busy with: the oldest in flight, else the last offered.
    error = "vector unit RTL, ";
    error += !in_flight.empty() ? "vector instruction " + std::to_string(in_flight.front().number)
             : instructions == 0 ? std::string("before the first vector instruction")
                                 : "vector instruction " + std::to_string(instructions - 1);
    error += " (RTL cycle " + std::to_string(cycle) + "): " + what;
  }

  // One clock cycle from edge_ps: the inputs settle and the interface rules are checked, then
  // the rising edge (where everything happens) half-way, then the falling edge that ends it
  // (nothing happens at it: without a waveform it is evaluated with the next cycle's inputs).
  // What the model prints goes to stderr; a failed assertion becomes the run's error.
  void tick() {
    unit->eval();
    std::string broken = protocol.on_edge(ports());
    if (!broken.empty()) broken = "protocol rule " + broken;
    unit->clk = 1;
    unit->eval();
    if (verilator_output_pending()) {
      VerilatorOutput output = take_verilator_output();
      if (!output.stopped) {
        std::fputs(output.text.c_str(), stderr);
      } else {
        while (!output.text.empty() && output.text.back() == '\n') output.text.pop_back();
        broken += (broken.empty() ? "" : "; ") + std::string("assertion failed: ") + output.text;
      }
    }
    if (!broken.empty()) fail(broken);
    unit->clk = 0;
    if (trace) {
      trace->dump(edge_ps + cycle_ps / 2);
      unit->eval();
      trace->dump(edge_ps + cycle_ps);
    }
    edge_ps += cycle_ps;
    ++cycle;
    // A response shows after the edge that made it; with rsp_ready high in the coming cycle its
    // next edge takes it, so it answers now.
    drive_rsp_ready();
    if (unit->rsp_valid && error.empty()) {
      if (unit->rsp_ready)
        answer();
      else
        ++held_cycles;
    }
  }

  // Whether the core takes a response in the current cycle (set_response_backpressure).
  void drive_rsp_ready() {
    if (refuse_threshold == 0) return;
    // splitmix64's finaliser: a well-mixed function of the seed and the cycle.
    uint64_t z = refuse_seed + (cycle + refuse_cycle_shift) * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    unit->rsp_ready = (z ^ (z >> 31)) >= refuse_threshold;
  }

  // The response just made answers the oldest instruction in flight, which retires.
  void answer() {
    if (in_flight.empty()) return;  // rsp_owed has failed the run
    const InFlight oldest = in_flight.front();
    in_flight.erase(in_flight.begin());
    if (unit->rsp_illegal && oldest.legal) {
      fail("the unit answered the legal instruction " + std::to_string(oldest.number) +
           " as illegal");
      return;
    }
    last_answer.number = oldest.number;
    last_answer.illegal = unit->rsp_illegal;
    last_answer.writes_scalar = unit->rsp_writes_scalar;
    last_answer.scalar = unit->rsp_scalar;
    last_answer.store_data = from_port(unit->rsp_store_data);
    answered = oldest.number + 1;
    if (retired) retired(oldest.number);
  }

  // Nothing in flight and nothing executing: clocking the unit would change nothing.
  bool quiet() const { return in_flight.empty() && unit->idle; }

  // Clocks the unit while `busy` and the engine has not failed; false on a timeout (which fails it).
  template <typename Busy>
  bool clock_while(Busy busy, const char* waiting_for) {
    for (uint64_t waited = 0; busy() && error.empty(); ++waited) {
      if (waited >= response_timeout_cycles) {
        fail(std::string("no ") + waiting_for + " after " + std::to_string(waited) + " cycles");
        return false;
      }
      tick();
    }
    return error.empty();
  }

  void advance_to(uint64_t target) {
    if (cycle >= target || !error.empty()) return;
    // The cycles in flight follow the last ones in the waveform: they are the core's next cycles.
    while (cycle < target && !quiet() && error.empty()) tick();
    if (cycle < target && quiet()) {
      // The unit idles until the core comes back: no edge would change it.
      edge_ps += (target - cycle) * cycle_ps;
      cycle = target;
      // A response still showing has answered already: the next edge takes it, as promised.
      if (!unit->rsp_valid) drive_rsp_ready();
    }
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

  static Outcome fatal(const std::string& message) {
    Outcome failed;
    failed.status = Outcome::Status::fatal;
    failed.message = message;
    return failed;
  }

  // Offers one command until the unit takes it, and if the core waits for its answer (or it is
  // illegal), clocks until that; the cycles are those from the offer on, its edge included.
  Outcome issue(uint32_t instruction, uint64_t rs1_value, const Register* load_data,
                bool core_waits) {
    update_trace(true);
    if (!trace_error.empty()) return fatal(std::exchange(trace_error, {}));
    if (!error.empty()) return fatal(error);
    if (keep_cycles != 0) keep({cycle, false, instruction, rs1_value, load_data != nullptr,
                                load_data ? *load_data : Register{}, 0, 0});
    const InFlight offered{instructions++, decode(instruction).has_value()};
    core_waits = core_waits || !offered.legal;
    const uint64_t start = cycle;
    unit->cmd_valid = 1;
    unit->cmd_insn = instruction;
    unit->cmd_rs1 = rs1_value;
    if (load_data) to_port(*load_data, unit->cmd_load_data);
    bool accepted = false;
    clock_while([&] {
      if (accepted) return false;
      unit->eval();
      accepted = unit->cmd_ready;
      if (accepted) in_flight.push_back(offered);
      return true;
    }, "cmd_ready (the command was not taken)");
    unit->cmd_valid = 0;
    if (core_waits) clock_while([&] { return answered <= offered.number; }, "response");
    if (!error.empty()) return fatal(error);
    Outcome outcome;
    outcome.cycles = cycle - start;
    if (core_waits) {
      if (last_answer.illegal) outcome.status = Outcome::Status::illegal;
      outcome.writes_scalar = last_answer.writes_scalar;
      if (outcome.writes_scalar) outcome.scalar = last_answer.scalar;
    }
    return outcome;
  }

  Outcome settle() {
    const uint64_t start = cycle;
    clock_while([&] { return !quiet(); }, "response");
    if (!error.empty()) return fatal(error);
    Outcome settled;
    settled.cycles = cycle - start;
    return settled;
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
  // The interface's limits for the pipeline the RTL is built with (vector_pipeline.h).
  RtlProtocolChecker protocol{max_outstanding(built_pipeline()), longest_latency(built_pipeline())};
  // Instructions taken and not answered, oldest first.
  struct InFlight {
    uint64_t number;  // counting execute/load/store calls
    bool legal;       // by the reference decoder: an illegal answer to it is an RTL error
  };
  std::vector<InFlight> in_flight;
  struct Answer {
    uint64_t number = 0;
    bool illegal = false, writes_scalar = false;
    uint64_t scalar = 0;
    Register store_data{};
  } last_answer;
  uint64_t answered = 0;  // instructions answered, all of those numbered below
  // Response back-pressure: rsp_ready is low in a cycle whose hash is below the threshold (0:
  // never); a replay shifts its cycles onto the original's.
  uint64_t refuse_threshold = 0, refuse_seed = 0, refuse_cycle_shift = 0;
  uint64_t held_cycles = 0;
  RetireObserver retired;
  std::vector<std::string> plusargs;

  // Keeping the last cycles (keep_last_cycles): checkpoints of the architectural state, taken
  // while nothing is in flight, and every input since the oldest one still needed.
  struct Checkpoint {
    uint64_t cycle = 0, edge_ps = 0;
    std::array<Register, register_count> registers{};
    uint64_t vcfg = 0, vseed = 0, vflags = 0;
    uint64_t first_input = 0;  // the number of the first input after it
  };
  struct Input {
    uint64_t cycle;
    bool csr_write;
    uint32_t instruction;
    uint64_t rs1;
    bool load;
    Register load_data;
    unsigned csr;
    uint64_t value;
  };
  uint64_t keep_cycles = 0;
  std::string keep_path;
  std::deque<Checkpoint> checkpoints;
  std::deque<Input> inputs;
  uint64_t inputs_dropped = 0;

  uint64_t read_csr_now(unsigned csr) {
    unit->csr_addr = csr;
    unit->eval();
    return unit->csr_rdata;
  }

  void checkpoint() {
    Checkpoint c;
    c.cycle = cycle;
    c.edge_ps = std::max(edge_ps, now());
    for (unsigned r = 0; r < register_count; ++r) {
      unit->debug_reg = r;
      unit->eval();
      c.registers[r] = from_port(unit->debug_data);
    }
    c.vcfg = read_csr_now(csr_vcfg);
    c.vseed = read_csr_now(csr_vseed);
    c.vflags = read_csr_now(csr_vflags);
    c.first_input = inputs_dropped + inputs.size();
    checkpoints.push_back(c);
    // The oldest one needed is the newest that is at least keep_cycles old.
    while (checkpoints.size() >= 2 && cycle - checkpoints[1].cycle >= keep_cycles) {
      checkpoints.pop_front();
      for (; inputs_dropped < checkpoints.front().first_input; ++inputs_dropped) inputs.pop_front();
    }
  }

  void keep(const Input& input) {
    if (quiet() && cycle - checkpoints.back().cycle >= keep_cycles) checkpoint();
    inputs.push_back(input);
  }
  std::string error;  // the first protocol or assertion failure: every later call reports it
  uint64_t response_timeout_cycles;
  uint64_t cycle = 0;
  uint64_t instructions = 0;
};

RtlEngine::RtlEngine(uint64_t response_timeout_cycles, const std::vector<std::string>& plusargs)
    : impl_(std::make_unique<Impl>(response_timeout_cycles, plusargs)) {}

RtlEngine::~RtlEngine() = default;

void RtlEngine::advance_to(uint64_t cycle) { impl_->advance_to(cycle); }

Outcome RtlEngine::settle() { return impl_->settle(); }

void RtlEngine::on_retire(RetireObserver observer) { impl_->retired = std::move(observer); }

Outcome RtlEngine::execute(uint32_t instruction, uint64_t rs1_value, uint64_t /*pc*/) {
  const uint32_t funct7 = funct7_of(instruction);
  if ((instruction & 0x7F) == custom0_opcode && (funct7 == funct7_vld || funct7 == funct7_vst)) {
    Outcome misuse;
    misuse.status = Outcome::Status::fatal;
    misuse.message = "vld/vst reach the vector unit through load()/store()";
    return misuse;
  }
  const bool writes_scalar = funct7_of(instruction) == static_cast<uint32_t>(Opcode::vhsum);
  return impl_->issue(instruction, rs1_value, nullptr, writes_scalar);
}

// load() and store() only take vld and vst (as the reference model): anything else is illegal
// there without reaching the unit.
Outcome RtlEngine::load(uint32_t instruction, const Register& data, uint64_t /*pc*/) {
  if (funct7_of(instruction) != funct7_vld) return illegal_here();
  return impl_->issue(instruction, 0, &data, false);
}

Outcome RtlEngine::store(uint32_t instruction, Register& data, uint64_t /*pc*/) {
  if (funct7_of(instruction) != funct7_vst) return illegal_here();
  Outcome outcome = impl_->issue(instruction, 0, nullptr, true);
  if (outcome.status == Outcome::Status::ok) data = impl_->last_answer.store_data;
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
  impl_->settle();  // the write waits for the unit to be idle (the core has waited already)
  if (impl_->keep_cycles != 0)
    impl_->keep({impl_->cycle, true, 0, 0, false, Register{}, csr, value});
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
  if (impl_->keep_cycles != 0) {
    write_last_cycles();
    impl_->keep_cycles = 0;
  }
  impl_->finish_trace();
  if (!impl_->trace_error.empty()) throw std::runtime_error(std::exchange(impl_->trace_error, {}));
}

void RtlEngine::keep_last_cycles(uint64_t cycles, const std::string& path) {
  if (cycles == 0) throw std::runtime_error("RTL trace '" + path + "': keep at least one cycle");
  if (!ends_with(path, ".vcd") && !ends_with(path, ".fst"))
    throw std::runtime_error("RTL trace '" + path +
                             "': the file name must end in .fst (FST) or .vcd (VCD)");
  if (!std::ofstream(path))
    throw std::runtime_error("RTL trace '" + path + "': cannot write '" + path + "'");
  impl_->keep_cycles = cycles;
  impl_->keep_path = path;
  impl_->checkpoints.clear();
  impl_->inputs.clear();
  impl_->checkpoint();
}

bool RtlEngine::keeping_last_cycles() const { return impl_->keep_cycles != 0; }

std::string RtlEngine::write_last_cycles() {
  Impl& self = *impl_;
  if (self.keep_cycles == 0) return "";
  const Impl::Checkpoint& start = self.checkpoints.front();
  // A fresh copy of the unit, given the checkpoint's state through its interface (before the
  // waveform starts), then the inputs since, at the same distances in cycles.
  RtlEngine copy(self.response_timeout_cycles, self.plusargs);
  constexpr uint32_t vld = custom0_opcode | 10u << 15;  // vld vN, (x10)
  for (unsigned r = 0; r < register_count; ++r) copy.load(vld | r << 7, start.registers[r], 0);
  copy.write_csr(csr_vcfg, start.vcfg);
  copy.write_csr(csr_vseed, start.vseed);
  copy.write_csr(csr_vflags, start.vflags);
  copy.settle();
  const uint64_t offset = copy.cycle_count() + 1;  // the copy's cycle of the checkpoint's
  copy.impl_->refuse_threshold = self.refuse_threshold;
  copy.impl_->refuse_seed = self.refuse_seed;
  copy.impl_->refuse_cycle_shift = self.refuse_cycle_shift + start.cycle - offset;
  const uint64_t period = self.cycle_ps, start_ps = start.edge_ps;
  copy.set_clock([&copy, offset, period, start_ps] {
    return start_ps + (copy.cycle_count() - offset) * period;
  }, period);
  copy.advance_to(offset);
  copy.start_trace(self.keep_path);
  for (const Impl::Input& input : self.inputs) {
    copy.advance_to(offset + (input.cycle - start.cycle));
    if (input.csr_write) {
      copy.write_csr(input.csr, input.value);
    } else if (input.load) {
      copy.load(input.instruction, input.load_data, 0);
    } else if ((input.instruction >> 25) == 0x01 && (input.instruction & 0x7F) == custom0_opcode) {
      Register stored{};
      copy.store(input.instruction, stored, 0);
    } else {
      copy.execute(input.instruction, input.rs1, 0);
    }
  }
  copy.advance_to(offset + (self.cycle - start.cycle));  // what was in flight, up to now
  copy.stop_trace();
  return self.keep_path;
}

bool RtlEngine::trace_open() const { return impl_->trace != nullptr; }

bool RtlEngine::has_coverage() { return VM_COVERAGE != 0; }

// Verilator's coverage runtime is linked only into a model built with coverage.
#if VM_COVERAGE
void RtlEngine::add_coverage_bins(std::vector<VectorCoverage::Bin>& bins) {
  VerilatedCovContext* coverage = impl_->context.coveragep();
  for (VectorCoverage::Bin& bin : bins) {
    coverage->_inserti(&bin.count);
    coverage->_insertf("models/vector/vector_coverage.cpp", 0);
    coverage->_insertp("page", "v_user/vector_isa", "comment", bin.name.c_str(), "hier",
                       "TOP.vector_unit.isa");
  }
}

void RtlEngine::write_coverage(const std::string& path) {
  if (!std::ofstream(path))  // Verilator's writer would end the process on a bad path
    throw std::runtime_error("RTL coverage '" + path + "': cannot write the file");
  impl_->context.coveragep()->write(path.c_str());
}
#else
void RtlEngine::add_coverage_bins(std::vector<VectorCoverage::Bin>&) {}

void RtlEngine::write_coverage(const std::string& path) {
  throw std::runtime_error("RTL coverage '" + path +
                           "': this build's RTL counts no coverage (DOJO_VECTOR_RTL_COVERAGE=OFF)");
}
#endif

void RtlEngine::set_response_backpressure(double probability, uint64_t seed) {
  Impl& self = *impl_;
  const double clamped = std::clamp(probability, 0.0, 1.0);
  // Below 1: a response is always taken in the end.
  self.refuse_threshold =
      clamped <= 0 ? 0 : static_cast<uint64_t>(std::min(clamped, 0.99) * 18446744073709551616.0);
  self.refuse_seed = seed;
  if (self.refuse_threshold == 0) self.unit->rsp_ready = 1;
  self.drive_rsp_ready();
}

uint64_t RtlEngine::response_held_cycles() const { return impl_->held_cycles; }

uint64_t RtlEngine::cycle_count() const { return impl_->cycle; }

uint64_t RtlEngine::waveform_time_ps() const { return impl_->edge_ps; }

uint64_t RtlEngine::instruction_count() const { return impl_->instructions; }

}  // namespace dojo::vector
