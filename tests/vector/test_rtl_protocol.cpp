// Negative tests of the vector unit's interface rules: an RTL built with DOJO_RTL_PROTOCOL_BUGS
// breaks one rule per +protocol_bug=N, and each rule must fire, as an assertion of
// vector_unit_checker.sv and, for the port rules, in the C++ checker beside the transactor
// (rtl_protocol_checker.h). Bugs of the unit go through RtlEngine; the driver's rules (which
// RtlEngine keeps) and the rules that need rsp_ready low are broken by driving the pins directly.
#include "vector/verilator_hooks.h"  // before Verilator's headers
//
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include <Vvector_unit.h>
#include <verilated.h>

#include "vector/cosim_random.h"
#include "vector/lockstep_engine.h"
#include "vector/rtl_engine.h"
#include "vector/rtl_protocol_checker.h"
#include "vector/vector_model.h"
#include "vector/vector_pipeline.h"

using namespace dojo::vector;

namespace {

constexpr uint32_t insn(uint32_t funct7, uint32_t type, uint32_t rd, uint32_t rs1, uint32_t rs2) {
  return funct7 << 25 | rs2 << 20 | rs1 << 15 | type << 12 | rd << 7 | custom0_opcode;
}
constexpr uint32_t kVbcast = insn(0x02, 0, 1, 1, 0);  // vbcast.f32 v1, x1
constexpr uint32_t kVaddBf16 = insn(0x03, 1, 1, 2, 3);
constexpr uint32_t kVmma = insn(0x0D, 1, 4, 1, 2);     // vmma.bf16 v4..v7, v1, v2
constexpr uint32_t kIllegal = insn(0x7F, 0, 1, 1, 1);

std::string protocol_bug(int bug) { return "+protocol_bug=" + std::to_string(bug); }

// The engine's report once the bug has shown: the first fatal outcome over `steps` calls.
template <typename Steps>
std::string engine_report(int bug, Steps steps) {
  RtlEngine engine(1000, {protocol_bug(bug)});
  return steps(engine);
}

// The unit's pins, clocked by hand, with both checkers watching.
struct Pins {
  explicit Pins(int bug) {
    const std::string plusarg = protocol_bug(bug);
    const char* arguments[] = {"test_rtl_protocol", plusarg.c_str()};
    context.commandArgs(2, arguments);
    unit = std::make_unique<Vvector_unit>(&context);
    unit->rsp_ready = 1;
    unit->rst_n = 0;
    unit->eval();
    unit->rst_n = 1;
    unit->eval();
  }
  ~Pins() {
    Verilated::threadContextp(&context);
    unit.reset();
  }

  void tick() {
    unit->eval();
    PortSample sample;  // the payloads stay zero: these tests break handshakes
    sample.cmd_valid = unit->cmd_valid;
    sample.cmd_ready = unit->cmd_ready;
    sample.cmd_insn = unit->cmd_insn;
    sample.rsp_valid = unit->rsp_valid;
    sample.rsp_ready = unit->rsp_ready;
    sample.rsp_illegal = unit->rsp_illegal;
    sample.rsp_writes_scalar = unit->rsp_writes_scalar;
    sample.idle = unit->idle;
    sample.csr_write = unit->csr_write;
    const std::string broken = checker.on_edge(sample);
    if (protocol.empty()) protocol = broken;
    unit->clk = 1;
    unit->eval();
    if (verilator_output_pending()) {
      const VerilatorOutput output = take_verilator_output();
      if (output.stopped && assertion.empty()) assertion = output.text;
    }
    unit->clk = 0;
    unit->eval();
  }

  void offer(uint32_t instruction) {
    unit->cmd_valid = 1;
    unit->cmd_insn = instruction;
  }

  VerilatedContext context;
  std::unique_ptr<Vvector_unit> unit;
  RtlProtocolChecker checker{max_outstanding(built_pipeline()), longest_latency(built_pipeline())};
  std::string protocol, assertion;  // the first report of each checker
};

}  // namespace

TEST_CASE("the unit's response rules fire on the unit's bugs", "[rtl][protocol]") {
  SECTION("rsp_owed: a response after a CSR write") {
    const std::string report = engine_report(2, [](RtlEngine& e) {
      REQUIRE(e.write_csr(csr_vseed, 1));
      return e.execute(kVbcast, 0, 0).message;
    });
    CHECK_THAT(report, Catch::Contains("protocol rule rsp_owed"));
    CHECK_THAT(report, Catch::Contains("assertion failed") && Catch::Contains(".rsp_owed"));
  }
  SECTION("rsp_latency: a vmma that answers late") {
    const std::string report =
        engine_report(3, [](RtlEngine& e) {
          e.execute(kVmma, 0, 0);  // taken: the core goes on
          return e.settle().message;
        });
    CHECK_THAT(report, Catch::Contains("protocol rule rsp_latency"));
    CHECK_THAT(report, Catch::Contains("assertion failed") && Catch::Contains(".rsp_latency"));
    CHECK_THAT(report, Catch::Contains("vector instruction 0"));
  }
  SECTION("legal_state: a sequencer that skips its last pass") {
    const std::string report =
        engine_report(4, [](RtlEngine& e) {
          e.execute(kVaddBf16, 0, 0);
          return e.settle().message;
        });
    CHECK_THAT(report, Catch::Contains("assertion failed") && Catch::Contains(".legal_state"));
  }
  SECTION("illegal_no_result: an illegal instruction answering with a result") {
    const std::string report = engine_report(6, [](RtlEngine& e) {
      CHECK(e.execute(kIllegal, 0, 0).status != Outcome::Status::ok);
      return e.execute(kVbcast, 0, 0).message;
    });
    CHECK_THAT(report, Catch::Contains("protocol rule illegal_no_result"));
    CHECK_THAT(report, Catch::Contains("assertion failed") && Catch::Contains(".illegal_no_result"));
  }
}

TEST_CASE("a failed rule stops the engine for good", "[rtl][protocol]") {
  RtlEngine engine(1000, {protocol_bug(3)});
  CHECK(engine.execute(kVmma, 0, 0).status == Outcome::Status::ok);  // in flight
  CHECK(engine.settle().status == Outcome::Status::fatal);
  const Outcome next = engine.execute(kVbcast, 0, 0);
  CHECK(next.status == Outcome::Status::fatal);
  CHECK_THAT(next.message, Catch::Contains("rsp_latency"));
}

TEST_CASE("the unit without a bug breaks no rule", "[rtl][protocol]") {
  RtlEngine engine(1000, {protocol_bug(0)});
  for (const uint32_t instruction : {kVbcast, kVaddBf16, kVmma, kIllegal, kVbcast}) {
    const Outcome outcome = engine.execute(instruction, 0, 0);
    CHECK(outcome.status != Outcome::Status::fatal);
    CHECK(outcome.message.empty());
  }
}

TEST_CASE("rules fire on bugs seen only with the pins driven by hand", "[rtl][protocol]") {
  SECTION("rsp_hold: a response withdrawn while rsp_ready is low") {
    Pins pins(1);
    pins.offer(kVbcast);
    pins.unit->rsp_ready = 0;
    for (int cycle = 0; cycle < 6; ++cycle) {  // taken, its pass, its answer, withdrawn
      pins.tick();
      pins.unit->cmd_valid = 0;
    }
    CHECK_THAT(pins.protocol, Catch::StartsWith("rsp_hold"));
    CHECK_THAT(pins.assertion, Catch::Contains(".rsp_hold"));
  }
  SECTION("outstanding_limit: commands taken while the unit is full") {
    Pins pins(5);
    pins.unit->rsp_ready = 0;  // back-pressure: the queue fills
    pins.offer(kVbcast);
    for (unsigned cycle = 0; cycle <= max_outstanding(built_pipeline()) + 1; ++cycle) pins.tick();
    CHECK_THAT(pins.protocol, Catch::StartsWith("outstanding_limit"));
    CHECK_THAT(pins.assertion, Catch::Contains(".outstanding_limit"));
  }
  SECTION("without the bug the same back-pressure stops the commands and breaks no rule") {
    Pins pins(0);
    pins.unit->rsp_ready = 0;
    pins.offer(kVbcast);
    unsigned taken = 0;
    for (unsigned cycle = 0; cycle < 4 * max_outstanding(built_pipeline()); ++cycle) {
      pins.unit->eval();
      taken += pins.unit->cmd_ready;
      pins.tick();
    }
    // The response register, the queue and the pass engine hold one each.
    CHECK(taken == max_outstanding(built_pipeline()));
    pins.unit->rsp_ready = 1;  // the responses drain, one per cycle
    for (int cycle = 0; cycle < 8; ++cycle) pins.tick();
    CHECK(pins.protocol.empty());
    CHECK(pins.assertion.empty());
  }
  SECTION("legal_state: the pass engine overruns a full queue") {
    Pins pins(9);
    pins.unit->rsp_ready = 0;
    pins.offer(kVbcast);
    for (unsigned cycle = 0; cycle < 4 * max_outstanding(built_pipeline()); ++cycle) pins.tick();
    CHECK(pins.protocol.empty());  // the interface looks right: only the state shows it
    CHECK_THAT(pins.assertion, Catch::Contains(".legal_state"));
  }
  SECTION("cmd_hold: the driver changes a command before it is taken") {
    Pins pins(0);
    pins.offer(kVmma);
    pins.tick();
    pins.offer(kVbcast);  // not taken: the vmma executes
    pins.tick();
    pins.offer(kVaddBf16);
    pins.tick();
    CHECK_THAT(pins.protocol, Catch::StartsWith("cmd_hold"));
    CHECK_THAT(pins.assertion, Catch::Contains(".cmd_hold"));
  }
  SECTION("csr_write_idle: the driver writes a CSR while an instruction executes") {
    Pins pins(0);
    pins.offer(kVmma);
    pins.tick();
    pins.unit->cmd_valid = 0;
    pins.unit->csr_write = 1;
    pins.unit->csr_addr = csr_vseed;
    pins.tick();
    CHECK_THAT(pins.protocol, Catch::StartsWith("csr_write_idle"));
    CHECK_THAT(pins.assertion, Catch::Contains(".csr_write_idle"));
  }
}

// Pipeline bugs with a correct interface: only comparing the results shows them.
TEST_CASE("lockstep catches a broken bypass and a broken interlock", "[rtl][protocol][lockstep]") {
  const uint32_t vbcast_v1 = insn(0x02, 0, 1, 1, 0);  // vbcast.f32 v1, x1
  const uint32_t vadd_v2 = insn(0x03, 0, 2, 1, 1);    // vadd.f32 v2, v1, v1: v1 forwarded
  const uint32_t vmul_v3 = insn(0x05, 0, 3, 2, 2);    // vmul.f32 v3, v2, v2: waits for the FMA
  const auto run = [&](int bug) {
    LockstepEngine lockstep(0, std::make_unique<VectorModel>(),
                            std::make_unique<RtlEngine>(1000, std::vector<std::string>{protocol_bug(bug)}));
    for (const uint32_t instruction : {vbcast_v1, vadd_v2, vmul_v3}) {
      const Outcome outcome = lockstep.execute(instruction, 0x3FC00000, 0x100);  // 1.5
      if (outcome.status == Outcome::Status::fatal) return outcome.message;
    }
    return lockstep.settle().message;
  };
  CHECK(run(0).empty());
  CHECK_THAT(run(7), Catch::StartsWith("vector lockstep mismatch") &&
                         Catch::Contains("vadd.f32 v2, v1, v1"));
  CHECK_THAT(run(8), Catch::StartsWith("vector lockstep") && Catch::Contains("vmul.f32 v3, v2, v2"));
}

// A bug only back-pressure shows: the unit withdraws each response after one cycle, which is
// harmless while the core takes every response at once.
TEST_CASE("random response back-pressure exposes a response withdrawn before it was taken",
          "[rtl][protocol][cosim]") {
  CosimRandomOptions options;
  options.seed = 11;
  options.instructions = 300;
  const auto run = [&](double backpressure) {
    options.response_backpressure = backpressure;
    return run_cosim_random(options, std::make_unique<RtlEngine>(
                                         1000, std::vector<std::string>{protocol_bug(1)}));
  };
  CHECK(run(0).passed);
  const CosimRandomResult held = run(0.3);
  CHECK_FALSE(held.passed);
  CHECK_THAT(held.failure, Catch::Contains("protocol rule rsp_hold") &&
                               Catch::Contains("assertion failed") && Catch::Contains(".rsp_hold"));
}
