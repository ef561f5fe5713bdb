// The translating engine against the interpreter: random programs (every translated instruction
// class, loads and stores in fast and bus memory, counted loops, forward branches, calls, CSR reads
// of the counters, operations the translator leaves to the interpreter) run on both, compared after
// every run() slice: registers, pc, counters, stop reasons, then memory. The seed is printed on
// failure; `test_hart "[translator]" --rng-seed N` replays one.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <random>

#include "hart_fixture.h"
#include "core/translator.h"

namespace {

using dojo::core::Engine;
using dojo::core::HartConfig;
using dojo::core::StopReason;
using dojo::core::Translator;
using dojo::test::HartFixture;
using dojo::test::Program;
namespace rv = dojo::test::rv;

// Registers the programs compute with, and the ones they keep fixed: the fast and the bus-only
// data areas, a loop counter, the return address, the program's own address and an instruction
// to store over it (self-modifying code), and the trap handler's scratch registers.
constexpr unsigned kFirstWork = 5, kLastWork = 15;
constexpr unsigned kFastData = 18, kSlowData = 19, kCounter = 20, kLink = 1;
constexpr unsigned kCodeBase = 30, kNewCode = 31, kHandlerCause = 28, kHandlerPc = 29;
constexpr unsigned kExceptions = 26, kInterrupts = 27;  // counted by the trap handler

// Returns from an exception to the instruction after the one that trapped, from an interrupt to
// the one interrupted.
const Program kTrapHandler = {
    rv::csrr(kHandlerCause, rv::csr::mcause),
    rv::blt(kHandlerCause, 0, 24),  // an interrupt
    rv::addi(kExceptions, kExceptions, 1),
    rv::csrr(kHandlerPc, rv::csr::mepc),
    rv::addi(kHandlerPc, kHandlerPc, 4),
    rv::csrrw(0, rv::csr::mepc, kHandlerPc),
    rv::mret(),
    rv::addi(kInterrupts, kInterrupts, 1),
    rv::mret(),
};

class ProgramMaker {
 public:
  explicit ProgramMaker(uint64_t seed) : rng_(seed) {}

  Program make() {
    Program program;
    const unsigned segments = pick(4, 12);
    std::vector<size_t> calls;  // indices of the jal to patch to the leaf function
    for (unsigned i = 0; i < segments; ++i) {
      switch (pick(0, 3)) {
        case 0: operations(program, pick(1, 12)); break;
        case 1: {  // a counted loop
          program.push_back(rv::addi(kCounter, 0, pick(1, 30)));
          const size_t top = program.size();
          operations(program, pick(1, 10));
          program.push_back(rv::addi(kCounter, kCounter, -1));
          program.push_back(rv::bne(kCounter, 0, -4 * static_cast<int64_t>(program.size() - top)));
          break;
        }
        case 2:
          calls.push_back(program.size());
          program.push_back(rv::jal(kLink, 0));
          break;
        default: {  // a branch over a few operations
          Program skipped;
          operations(skipped, pick(1, 4));
          program.push_back(branch(work(), work(), 4 * static_cast<int64_t>(skipped.size() + 1)));
          program.insert(program.end(), skipped.begin(), skipped.end());
          break;
        }
      }
    }
    program.push_back(rv::jal(0, 0));  // the end: a loop on itself
    const size_t leaf = program.size();
    operations(program, pick(1, 8));
    program.push_back(rv::jalr(0, kLink, 0));
    for (size_t call : calls) program[call] = rv::jal(kLink, 4 * static_cast<int64_t>(leaf - call));
    return program;
  }

 private:
  unsigned pick(unsigned low, unsigned high) {
    return std::uniform_int_distribution<unsigned>(low, high)(rng_);
  }
  unsigned work() { return pick(kFirstWork, kLastWork); }

  uint32_t branch(unsigned a, unsigned b, int64_t offset) {
    switch (pick(0, 5)) {
      case 0: return rv::beq(a, b, offset);
      case 1: return rv::bne(a, b, offset);
      case 2: return rv::blt(a, b, offset);
      case 3: return rv::bge(a, b, offset);
      case 4: return rv::bltu(a, b, offset);
      default: return rv::bgeu(a, b, offset);
    }
  }

  // `count` operations, now and then a branch over the next few of them.
  void operations(Program& program, unsigned count) {
    for (unsigned i = 0; i < count; ++i) {
      if (pick(0, 5) == 0) {
        const unsigned skipped = pick(1, 3);
        program.push_back(branch(work(), work(), 4 * static_cast<int64_t>(skipped + 1)));
        for (unsigned j = 0; j < skipped; ++j) program.push_back(operation());
      } else {
        program.push_back(operation());
      }
    }
  }

  uint32_t operation() {
    const unsigned rd = work(), a = work(), b = work();
    const int64_t imm = static_cast<int64_t>(pick(0, 4095)) - 2048;
    const unsigned shift = pick(0, 63), shift32 = pick(0, 31);
    // Aligned offsets inside the data areas (the bus-only one is smaller).
    const int64_t fast = 8 * static_cast<int64_t>(pick(0, 255)), slow = 8 * pick(0, 63);
    switch (pick(0, 50)) {
      case 0: return rv::lui(rd, pick(0, 0xFFFFF));
      case 1: return rv::auipc(rd, pick(0, 0xFFFFF));
      case 2: return rv::addi(rd, a, imm);
      case 3: return rv::slti(rd, a, imm);
      case 4: return rv::sltiu(rd, a, imm);
      case 5: return rv::xori(rd, a, imm);
      case 6: return rv::ori(rd, a, imm);
      case 7: return rv::andi(rd, a, imm);
      case 8: return rv::slli(rd, a, shift);
      case 9: return rv::srli(rd, a, shift);
      case 10: return rv::srai(rd, a, shift);
      case 11: return rv::add(rd, a, b);
      case 12: return rv::sub(rd, a, b);
      case 13: return rv::sll(rd, a, b);
      case 14: return rv::slt(rd, a, b);
      case 15: return rv::sltu(rd, a, b);
      case 16: return rv::xor_(rd, a, b);
      case 17: return rv::srl(rd, a, b);
      case 18: return rv::sra(rd, a, b);
      case 19: return rv::or_(rd, a, b);
      case 20: return rv::and_(rd, a, b);
      case 21: return rv::addiw(rd, a, imm);
      case 22: return rv::slliw(rd, a, shift32);
      case 23: return rv::srliw(rd, a, shift32);
      case 24: return rv::sraiw(rd, a, shift32);
      case 25: return rv::addw(rd, a, b);
      case 26: return rv::subw(rd, a, b);
      case 27: return rv::sllw(rd, a, b);
      case 28: return rv::srlw(rd, a, b);
      case 29: return rv::sraw(rd, a, b);
      case 30: return rv::mul(rd, a, b);
      case 31: return rv::mulh(rd, a, b);
      case 32: return rv::mulhu(rd, a, b);
      case 33: return rv::mulw(rd, a, b);
      case 34: return rv::mulhsu(rd, a, b);
      case 35: return pick(0, 1) ? rv::div(rd, a, b) : rv::divw(rd, a, b);
      case 36: return pick(0, 1) ? rv::remu(rd, a, b) : rv::remw(rd, a, b);
      case 37: return rv::csrrs(rd, rv::csr::mcycle, 0);  // the counters as the trace left them
      case 38: return rv::csrrs(rd, rv::csr::minstret, 0);
      case 39: return rv::fence();
      case 40: return rv::ld(rd, kFastData, fast);
      case 41: return rv::lw(rd, kFastData, fast + 4 * pick(0, 1));
      case 42: return rv::lhu(rd, kFastData, fast + 2 * pick(0, 3));
      case 43: return rv::lb(rd, kFastData, fast + pick(0, 7));
      case 44: return rv::sd(a, kFastData, fast);
      case 45: return rv::sw(a, kFastData, fast + 4 * pick(0, 1));
      case 46: return rv::sb(a, kFastData, fast + pick(0, 7));
      case 47: return pick(0, 1) ? rv::ld(rd, kSlowData, slow) : rv::sd(a, kSlowData, slow);
      case 48: return rv::ecall();
      case 49: return 0xFFFFFFFF;  // illegal
      // Rewrites one of the program's first instructions (perhaps this trace's own).
      default: return rv::sw(kNewCode, kCodeBase, 4 * pick(0, 15));
    }
  }

  std::mt19937_64 rng_;
};

HartConfig with_engine(Engine engine) {
  HartConfig config;
  config.engine = engine;
  config.translate_after = 1;  // translate at once, so that the short programs run translated
  config.cycles.load = 2;  // extra cycles, so that mistakes in charging them show
  config.cycles.mul = 3;
  config.cycles.branch_taken = 3;
  return config;
}

void prepare(HartFixture& bench, const Program& program, uint64_t seed) {
  std::mt19937_64 values(seed);
  bench.install_handler(kTrapHandler);
  bench.start(program);
  for (unsigned r = kFirstWork; r <= kLastWork; ++r) bench.set_x(r, values());
  bench.set_x(kFastData, HartFixture::kData);
  bench.set_x(kSlowData, HartFixture::kSlowRam);
  bench.set_x(kCodeBase, HartFixture::kCode);
  bench.set_x(kNewCode, rv::addi(kFirstWork, kFirstWork, 1));
  bench.set_csr(rv::csr::mie, dojo::test::irq_bit(dojo::core::Irq::software));
  bench.set_csr(rv::csr::mstatus, rv::mstatus::mie);
}

void require_same(const HartFixture& interpreter, const HartFixture& translator) {
  REQUIRE(translator.hart.pc() == interpreter.hart.pc());
  REQUIRE(translator.hart.instret() == interpreter.hart.instret());
  REQUIRE(translator.hart.cycles() == interpreter.hart.cycles());
  for (unsigned r = 1; r < 32; ++r) {
    INFO("x" << r);
    REQUIRE(translator.x(r) == interpreter.x(r));
  }
  REQUIRE(translator.trap() == interpreter.trap());
}

// Rounds of the random differential test: a few in CTest, many in the nightly list.
uint64_t random_rounds() {
  const char* rounds = std::getenv("DOJO_TRANSLATOR_ROUNDS");
  return rounds != nullptr ? std::strtoull(rounds, nullptr, 10) : 40;
}

}  // namespace

TEST_CASE("translator: random programs give the interpreter's state after every slice",
          "[translator]") {
  const uint64_t base_seed = Catch::rngSeed() != 0 ? Catch::rngSeed() : 20261204;
  const uint64_t rounds = random_rounds();
  unsigned translated = 0;  // programs the translator found traces in
  uint64_t traps = 0, interrupts = 0;
  for (uint64_t round = 0; round < rounds; ++round) {
    const uint64_t seed = base_seed + round;
    INFO("seed " << seed << " (replay: test_hart \"[translator]\" --rng-seed " << seed << ")");
    ProgramMaker maker(seed);
    const Program program = maker.make();
    HartFixture interpreter(with_engine(Engine::interpreter));
    HartFixture translator(with_engine(Engine::translator));
    prepare(interpreter, program, seed);
    prepare(translator, program, seed);
    // Long slices, and in every other program short ones, which end inside translated loops.
    std::mt19937_64 slices(seed);
    const uint64_t longest = round % 2 ? 400 : 12;
    uint64_t limit = 0;
    for (unsigned slice = 0; slice < 200; ++slice) {
      limit += std::uniform_int_distribution<uint64_t>(1, longest)(slices);
      // Now and then a software interrupt is pending for one slice: both take it at its start.
      const bool interrupt = slices() % 8 == 0;
      interpreter.hart.set_irq(dojo::core::Irq::software, interrupt);
      translator.hart.set_irq(dojo::core::Irq::software, interrupt);
      const StopReason expected = interpreter.hart.run(limit);
      REQUIRE(translator.hart.run(limit) == expected);
      require_same(interpreter, translator);
    }
    CHECK(translator.ram == interpreter.ram);
    CHECK(translator.slow_ram == interpreter.slow_ram);
    if (translator.hart.translation().code_bytes > 0) ++translated;
    traps += interpreter.x(kExceptions) > 0;
    interrupts += interpreter.x(kInterrupts) > 0;
  }
  INFO(rounds << " programs: " << translated << " translated, " << interrupts
              << " interrupted, " << traps << " with exceptions");
  CHECK(translated >= rounds * 3 / 4);
  CHECK(interrupts >= rounds * 3 / 4);
  CHECK(traps >= rounds / 4);
}

TEST_CASE("translator: code that rewrites itself inside a translated loop", "[translator]") {
  // The loop adds 1 to a0 twenty times; in the fifth round it overwrites its own addi with
  // "addi a0, a0, 16". Both engines see the new instruction from the next round on.
  const uint32_t replacement = rv::addi(rv::a0, rv::a0, 16);
  const Program program = {
      rv::addi(rv::a1, 0, 20),            // 0: rounds
      rv::addi(rv::a0, rv::a0, 1),        // 4: the instruction rewritten
      rv::addi(rv::a2, rv::a2, 1),        // 8
      rv::addi(rv::t0, 0, 5),             // 12
      rv::bne(rv::a2, rv::t0, 8),         // 16: not the fifth round: skip the store
      rv::sw(rv::t1, rv::t2, 0),          // 20
      rv::addi(rv::a1, rv::a1, -1),       // 24
      rv::bne(rv::a1, 0, -24),            // 28: back to 4
      rv::jal(0, 0),                      // 32: the end
  };
  for (const Engine engine : {Engine::interpreter, Engine::translator}) {
    HartFixture bench(with_engine(engine));
    bench.start(program);
    bench.set_x(rv::t1, replacement);
    bench.set_x(rv::t2, HartFixture::kCode + 4);
    bench.hart.run(2000);
    CHECK(bench.hart.pc() == HartFixture::kCode + 32);
    CHECK(bench.x(rv::a0) == 5 + 15 * 16);
    CHECK((bench.hart.translation().code_bytes > 0) ==
          (engine == Engine::translator || dojo::test::testing_translator()));
  }
}

TEST_CASE("translator: traces that chain to each other count and invalidate as the interpreter",
          "[translator]") {
  // An outer loop (its trace starts at 4) around an inner one (its trace at 8): each leaves by a
  // branch to the other's start in the same page, so they chain. In the tenth outer round the
  // outer body rewrites the inner loop's first instruction (add 2 instead of 1), which drops the
  // inner trace while the outer one still branches to it.
  const uint32_t replacement = rv::addi(rv::a0, rv::a0, 2);
  const Program program = {
      rv::addi(rv::a1, 0, 40),        // 0: outer rounds
      rv::addi(rv::a2, 0, 7),         // 4: outer body, inner rounds
      rv::addi(rv::a0, rv::a0, 1),    // 8: inner body, the instruction rewritten
      rv::addi(rv::a2, rv::a2, -1),   // 12
      rv::bne(rv::a2, 0, -8),         // 16: back to 8
      rv::addi(rv::a3, rv::a3, 1),    // 20
      rv::addi(rv::t0, 0, 10),        // 24
      rv::bne(rv::a3, rv::t0, 8),     // 28: not the tenth round: skip the store
      rv::sw(rv::t1, rv::t2, 0),      // 32
      rv::addi(rv::a1, rv::a1, -1),   // 36
      rv::bne(rv::a1, 0, -36),        // 40: back to 4
      rv::jal(0, 0),                  // 44: the end
  };
  for (const uint64_t longest : {5, 40, 1000}) {
    INFO("slices of up to " << longest << " cycles");
    HartFixture interpreter(with_engine(Engine::interpreter));
    HartFixture translator(with_engine(Engine::translator));
    for (HartFixture* bench : {&interpreter, &translator}) {
      bench->start(program);
      bench->set_x(rv::t1, replacement);
      bench->set_x(rv::t2, HartFixture::kCode + 8);
    }
    std::mt19937_64 slices(longest);
    uint64_t limit = 0;
    while (interpreter.hart.pc() != HartFixture::kCode + 44) {
      limit += std::uniform_int_distribution<uint64_t>(1, longest)(slices);
      REQUIRE(translator.hart.run(limit) == interpreter.hart.run(limit));
      require_same(interpreter, translator);
    }
    CHECK(translator.x(rv::a0) == 10 * 7 + 30 * 7 * 2);
    CHECK(translator.hart.translation().code_bytes > 0);
  }
}

TEST_CASE("translator: breakpoints and watchpoints stop a translated loop where they would",
          "[translator]") {
  const Program loop = {
      rv::addi(rv::a1, 0, 100),
      rv::addi(rv::a0, rv::a0, 1),
      rv::sd(rv::a0, rv::s2, 0),
      rv::addi(rv::a1, rv::a1, -1),
      rv::bne(rv::a1, 0, -12),
      rv::jal(0, 0),
  };
  HartFixture bench(with_engine(Engine::translator));
  bench.start(loop);
  bench.set_x(rv::s2, HartFixture::kData);
  REQUIRE(bench.hart.run(300) == StopReason::limit);  // translated and looping by now
  REQUIRE(bench.hart.translation().code_bytes > 0);
  bench.hart.add_breakpoint(HartFixture::kCode + 12);
  CHECK(bench.hart.run(100000) == StopReason::breakpoint);
  CHECK(bench.hart.pc() == HartFixture::kCode + 12);
  const uint64_t count = bench.x(rv::a0);
  bench.hart.remove_breakpoint(HartFixture::kCode + 12);
  bench.hart.set_watchpoints({{HartFixture::kData, 8, false, true}});
  CHECK(bench.hart.run(100000) == StopReason::watchpoint);
  CHECK(bench.hart.pc() == HartFixture::kCode + 8);
  CHECK(bench.x(rv::a0) == count + 1);
}

TEST_CASE("translator: data written next to a trace leaves it translated", "[translator]") {
  // The loop stores to the bytes right after its last instruction (data beside code, as in a
  // small program whose .bss follows .text); it is translated once, not at every store.
  const Program loop = {
      rv::addi(rv::a1, 0, 1000),
      rv::addi(rv::a0, rv::a0, 3),
      rv::sd(rv::a0, rv::t2, 0),
      rv::addi(rv::a1, rv::a1, -1),
      rv::bne(rv::a1, 0, -12),
      rv::jal(0, 0),
  };
  HartFixture bench(with_engine(Engine::translator));
  bench.start(loop);
  bench.set_x(rv::t2, HartFixture::kCode + 4 * loop.size());
  bench.hart.run(20000);
  CHECK(bench.x(rv::a0) == 3000);
  CHECK(bench.peek(HartFixture::kCode + 4 * loop.size(), 8) == 3000);
  CHECK(bench.hart.translation().traces <= 3);
}

TEST_CASE("translator: harts that share one compile the same code once, and only the same code",
          "[translator]") {
  const Program loop = {
      rv::addi(rv::a1, 0, 50),       // 0
      rv::addi(rv::a0, rv::a0, 3),   // 4
      rv::addi(rv::a1, rv::a1, -1),  // 8
      rv::bne(rv::a1, 0, -8),        // 12: back to 4
      rv::jal(0, 0),                 // 16: the end
  };
  HartConfig config = with_engine(Engine::translator);
  const auto translator = std::make_shared<Translator>();
  config.translator = translator;
  {
    HartFixture first(config), second(config);
    first.start(loop);
    second.start(loop);
    first.hart.run(1000);
    const uint64_t compiled = translator->stats().traces;
    REQUIRE(compiled > 0);
    second.hart.run(1000);
    CHECK(translator->stats().traces == compiled);
    CHECK(translator->stats().shared >= compiled);
    CHECK(first.x(rv::a0) == 150);
    CHECK(second.x(rv::a0) == 150);

    // Other instructions at the same addresses are other code.
    Program other = loop;
    other[1] = rv::addi(rv::a0, rv::a0, 5);
    HartFixture third(config);
    third.start(other);
    third.hart.run(1000);
    CHECK(third.x(rv::a0) == 250);
    CHECK(translator->stats().traces > compiled);

    // So is the same code under another cycle model: it counts as that model says.
    const uint64_t before = translator->stats().traces;
    HartConfig slower = config;
    slower.cycles.branch_taken = 7;
    HartFixture fourth(slower);
    HartConfig interpreted_config = slower;
    interpreted_config.engine = Engine::interpreter;
    HartFixture interpreted(interpreted_config);
    fourth.start(loop);
    interpreted.start(loop);
    fourth.hart.run(300);
    interpreted.hart.run(300);
    CHECK(translator->stats().traces > before);
    CHECK(fourth.hart.instret() == interpreted.hart.instret());
    CHECK(fourth.x(rv::a0) == interpreted.x(rv::a0));
  }
  // The code is released with the last hart that held it.
  CHECK(translator->stats().code_bytes == 0);
}

TEST_CASE("translator: a full code cache makes the harts drop their traces and compile again",
          "[translator]") {
  constexpr uint64_t kLimit = 1024;  // bytes: room for a few traces only
  const uint64_t seed = Catch::rngSeed() != 0 ? Catch::rngSeed() : 20261205;
  INFO("seed " << seed);
  HartConfig config = with_engine(Engine::translator);
  const auto translator = std::make_shared<Translator>(kLimit);
  config.translator = translator;
  uint64_t most_code = 0, compiled_before_flushing = 0;
  for (uint64_t round = 0; round < 10; ++round) {
    const Program program = ProgramMaker(seed + round).make();
    HartFixture interpreter(with_engine(Engine::interpreter)), translated(config);
    prepare(interpreter, program, seed + round);
    prepare(translated, program, seed + round);
    for (uint64_t limit = 50; limit <= 5000; limit += 50) {
      REQUIRE(translated.hart.run(limit) == interpreter.hart.run(limit));
      require_same(interpreter, translated);
      most_code = std::max(most_code, translator->stats().code_bytes);
      if (translator->stats().flushes == 0) compiled_before_flushing = translator->stats().traces;
    }
  }
  CHECK(translator->stats().flushes > 0);
  CHECK(translator->stats().traces > compiled_before_flushing);  // compiled again after a flush
  CHECK(most_code <= kLimit);
  CHECK(most_code > 0);
}
