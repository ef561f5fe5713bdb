// The vector unit interface's rules on the C++ side (models/vector/rtl_protocol_checker.h):
// a correct exchange passes, and each rule fires on the one violation it names.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "vector/rtl_protocol_checker.h"

using namespace dojo::vector;

namespace {

PortSample idle_ports() {
  PortSample sample;
  sample.cmd_ready = true;
  sample.rsp_ready = true;
  return sample;
}

PortSample offer(uint32_t insn, bool ready = true) {
  PortSample sample = idle_ports();
  sample.cmd_valid = true;
  sample.cmd_ready = ready;
  sample.cmd_insn = insn;
  return sample;
}

PortSample busy() {
  PortSample sample = idle_ports();
  sample.cmd_ready = false;
  sample.idle = false;
  return sample;
}

PortSample answer(bool ready = true, uint64_t scalar = 0) {
  PortSample sample = idle_ports();
  sample.rsp_valid = true;
  sample.rsp_ready = ready;
  sample.rsp_scalar = scalar;
  return sample;
}

// The first rule broken over the edges, or "".
std::string run(const std::vector<PortSample>& edges, unsigned max_latency = 17) {
  RtlProtocolChecker checker(1, max_latency);
  for (const PortSample& edge : edges) {
    const std::string broken = checker.on_edge(edge);
    if (!broken.empty()) return broken;
  }
  return "";
}

}  // namespace

TEST_CASE("a correct exchange breaks no rule", "[protocol]") {
  RtlProtocolChecker checker(1, 17);
  const std::vector<PortSample> edges = {idle_ports(), offer(1, false), offer(1), busy(), busy(),
                                         answer(false, 7), answer(true, 7), offer(2), answer()};
  for (const PortSample& edge : edges) CHECK(checker.on_edge(edge).empty());
  CHECK(checker.outstanding() == 0);
}

TEST_CASE("each rule fires on its violation", "[protocol]") {
  PortSample changed = offer(2, false);
  CHECK_THAT(run({offer(1, false), changed}), Catch::StartsWith("cmd_hold"));
  CHECK_THAT(run({offer(1, false), idle_ports()}), Catch::StartsWith("cmd_hold"));

  CHECK_THAT(run({offer(1), answer(false, 1), answer(false, 2)}), Catch::StartsWith("rsp_hold"));
  CHECK_THAT(run({offer(1), answer(false), idle_ports()}), Catch::StartsWith("rsp_hold"));

  PortSample csr_while_busy = busy();
  csr_while_busy.csr_write = true;
  CHECK_THAT(run({offer(1), csr_while_busy}), Catch::StartsWith("csr_write_idle"));

  CHECK_THAT(run({idle_ports(), answer()}), Catch::StartsWith("rsp_owed"));
  CHECK_THAT(run({offer(1), answer(), answer()}), Catch::StartsWith("rsp_owed"));

  CHECK_THAT(run({offer(1), busy(), busy()}, 2), Catch::StartsWith("rsp_latency"));
  CHECK(run({offer(1), busy(), answer()}, 2).empty());

  PortSample illegal_result = answer();
  illegal_result.rsp_illegal = true;
  illegal_result.rsp_writes_scalar = true;
  CHECK_THAT(run({offer(1), illegal_result}), Catch::StartsWith("illegal_no_result"));

  PortSample taken_while_busy = offer(2);
  taken_while_busy.idle = false;
  CHECK_THAT(run({offer(1), taken_while_busy, busy()}), Catch::StartsWith("outstanding_limit"));
}
