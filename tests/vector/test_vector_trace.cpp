// Vector traces (models/vector/vector_trace.h): what a recorder writes reads back and replays on a
// fresh engine with the same outcomes; a replay that differs, or a malformed file, says where.
#include <catch2/catch.hpp>

#include <sstream>

#include "vector/vector_model.h"
#include "vector/vector_trace.h"

using namespace dojo::vector;

namespace {

constexpr uint32_t insn(uint32_t funct7, uint32_t type, uint32_t rd, uint32_t rs1, uint32_t rs2) {
  return funct7 << 25 | rs2 << 20 | rs1 << 15 | type << 12 | rd << 7 | custom0_opcode;
}

// A short stream with every kind of event, recorded from a reference model.
std::string record() {
  std::ostringstream out;
  out << vector_trace_header << "\n";
  VectorTraceRecorder recorder(std::make_unique<VectorModel>(), 3, out);
  Register data{};
  for (unsigned i = 0; i < register_bytes; ++i) data[i] = uint8_t(i * 5 + 1);
  recorder.advance_to(10);
  recorder.load(insn(0x00, 0, 1, 10, 0), data, 0x100);
  recorder.execute(insn(0x03, 3, 2, 1, 1), 0, 0x104);  // vadd.i8 v2, v1, v1
  recorder.advance_to(40);
  recorder.execute(insn(0x0C, 3, 7, 2, 0), 0, 0x108);  // vhsum.i8 x7, v2
  Register stored{};
  recorder.store(insn(0x01, 0, 0, 10, 2), stored, 0x10C);
  recorder.execute(0xFFFFFFFF, 0, 0x110);  // illegal
  recorder.settle();
  recorder.write_csr(csr_vflags, 0);
  return out.str();
}

}  // namespace

TEST_CASE("a recorded stream reads back and replays with the same outcomes", "[trace]") {
  std::istringstream in(record());
  const std::vector<VectorTraceEvent> events = read_vector_trace(in, "t.vtrace");
  REQUIRE(events.size() == 7);
  CHECK(events[0].kind == VectorTraceEvent::Kind::load);
  CHECK(events[0].cycle == 10);
  CHECK(events[2].writes_scalar);
  CHECK(events[3].data[1] == uint8_t(2 * 6));  // v2 = v1 + v1
  CHECK(events[4].status == Outcome::Status::illegal);
  CHECK(events[6].kind == VectorTraceEvent::Kind::csr_write);
  VectorModel fresh;
  const ReplayResult result = replay_vector_trace(events, 3, fresh);
  CHECK(result.passed);
  CHECK(result.events == 7);
  VectorModel other;
  CHECK(replay_vector_trace(events, 4, other).events == 0);  // another core's: none
}

TEST_CASE("a replay that differs from the recording names the event and what differs", "[trace]") {
  std::istringstream in(record());
  std::vector<VectorTraceEvent> events = read_vector_trace(in, "t.vtrace");
  events[2].scalar += 1;
  VectorModel a;
  ReplayResult result = replay_vector_trace(events, 3, a);
  CHECK_FALSE(result.passed);
  CHECK_THAT(result.failure, Catch::StartsWith("event 3 (vector instruction 2), execute at core "
                                               "cycle 40, pc 0x108"));
  CHECK_THAT(result.failure, Catch::Contains("recorded"));
  events[2].scalar -= 1;
  events[1].cycles += 1;
  VectorModel b;
  result = replay_vector_trace(events, 3, b);
  CHECK_THAT(result.failure, Catch::Contains("the core waits 2 cycles, recorded 3"));  // v1 forwarded
}

TEST_CASE("a malformed trace is refused with its file and line", "[trace]") {
  const auto error = [](const std::string& text) {
    std::istringstream in(text);
    try {
      read_vector_trace(in, "bad.vtrace");
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK_THAT(error("hello\n"), Catch::StartsWith("bad.vtrace:1: not a vector trace"));
  CHECK_THAT(error(std::string(vector_trace_header) + "\nexecute 0 0\n"),
             Catch::StartsWith("bad.vtrace:2: expected 12 fields"));
  CHECK_THAT(error(std::string(vector_trace_header) + "\njump 0 0 0 0 0 0 ok 0 0 1 -\n"),
             Catch::Contains("unknown event 'jump'"));
  CHECK_THAT(error(std::string(vector_trace_header) + "\nload 0 0 0 0 0 0 ok 0 0 1 abc\n"),
             Catch::Contains("expected 128 hex digits"));
  CHECK_THAT(error(""), Catch::Contains("empty file"));
}
