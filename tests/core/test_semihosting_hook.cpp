// The hart's semihosting hook: the sequence slli x0,x0,0x1f; ebreak; srai x0,x0,7 goes to the
// handler (a0 = operation, a1 = parameter, result in a0); anything else is a breakpoint.
#include "hart_fixture.h"

using namespace dojo::test;
using namespace dojo::test::rv;
using dojo::core::Exception;
using F = HartFixture;

namespace {

struct RecordingHandler : dojo::core::SemihostingHandler {
  uint64_t semihosting_call(uint64_t operation, uint64_t parameter) override {
    calls.push_back({operation, parameter});
    return result;
  }
  std::vector<std::pair<uint64_t, uint64_t>> calls;
  uint64_t result = 0x1234;
};

const Program kSequence = {slli(zero, zero, 0x1f), ebreak(), srai(zero, zero, 7)};

}  // namespace

TEST_CASE("the semihosting sequence calls the handler with a0 and a1 and returns its result in a0") {
  HartFixture f;
  RecordingHandler handler;
  f.hart.set_semihosting(&handler);
  f.set_x(a0, 0x15);
  f.set_x(a1, F::kData);
  REQUIRE(f.run(kSequence) == Outcome::finished);
  REQUIRE(handler.calls.size() == 1);
  CHECK(handler.calls[0] == std::pair<uint64_t, uint64_t>{0x15, F::kData});
  CHECK(f.x(a0) == 0x1234);
  CHECK(f.hart.instret() == 3);  // the call retires like any instruction
}

TEST_CASE("the semihosting sequence works in run() too, from the fast path") {
  HartFixture f;
  RecordingHandler handler;
  f.hart.set_semihosting(&handler);
  f.set_x(a0, 3);
  const uint64_t end = f.place(F::kCode, kSequence);
  f.place(end, {jal(zero, 0)});
  f.hart.set_pc(F::kCode);
  f.hart.run(100);
  CHECK(handler.calls.size() == 1);
  CHECK(f.hart.pc() == end);
}

TEST_CASE("without a semihosting handler the sequence is an ordinary breakpoint") {
  HartFixture f;
  REQUIRE(f.run(kSequence) == Outcome::trapped);
  CHECK(f.trap() == Trap{cause(Exception::breakpoint), F::kCode + 4, F::kCode + 4});
}

TEST_CASE("an ebreak that is not in the exact sequence is a breakpoint even with a handler") {
  HartFixture f;
  RecordingHandler handler;
  f.hart.set_semihosting(&handler);
  SECTION("a lone ebreak") { REQUIRE(f.run({nop(), ebreak(), nop()}) == Outcome::trapped); }
  SECTION("wrong shift amount before") {
    REQUIRE(f.run({slli(zero, zero, 0x1e), ebreak(), srai(zero, zero, 7)}) == Outcome::trapped);
  }
  SECTION("wrong instruction after") {
    REQUIRE(f.run({slli(zero, zero, 0x1f), ebreak(), srli(zero, zero, 7)}) == Outcome::trapped);
  }
  SECTION("a compressed ebreak in the middle") {
    REQUIRE(f.run({slli(zero, zero, 0x1f), c_ebreak(), c_nop(), srai(zero, zero, 7)}) ==
            Outcome::trapped);
  }
  CHECK(handler.calls.empty());
  CHECK(f.trap().cause == cause(Exception::breakpoint));
}

TEST_CASE("a semihosting ebreak at the very start of memory (nothing fetchable before) traps") {
  HartFixture f;
  RecordingHandler handler;
  f.hart.set_semihosting(&handler);
  REQUIRE(f.run({ebreak(), srai(zero, zero, 7)}, F::kRamBase) == Outcome::trapped);
  CHECK(handler.calls.empty());
}
