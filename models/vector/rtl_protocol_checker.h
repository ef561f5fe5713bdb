// The rules of the vector unit's interface (docs/cosim.md#protocol), checked on the C++ side of
// the boundary at every rising edge: those of the unit (responses) and those of the driver
// (commands, CSR writes). They are vector_unit_checker.sv's port rules, by the same names, so an
// RTL built without that checker (a user's own unit) is held to them too. No Verilator here: the
// checker is testable alone.
#pragma once

#include <cstdint>
#include <string>

#include "vector/vector_engine.h"

namespace dojo::vector {

// The interface's signals as they stand just before a rising edge.
struct PortSample {
  bool cmd_valid = false, cmd_ready = false;
  uint32_t cmd_insn = 0;
  uint64_t cmd_rs1 = 0;
  Register cmd_load_data{};
  bool rsp_valid = false, rsp_ready = false, rsp_illegal = false, rsp_writes_scalar = false;
  uint64_t rsp_scalar = 0;
  Register rsp_store_data{};
  bool idle = true, csr_write = false;
};

class RtlProtocolChecker {
 public:
  // `max_outstanding`: commands the unit may hold unanswered; `max_latency`: the longest run of
  // cycles without a response while one is owed (from the last response, or from the accepting
  // edge, included, of a command taken when none was owed).
  RtlProtocolChecker(unsigned max_outstanding, unsigned max_latency);

  // Checks the edge about to happen against the last one; returns "" or the first rule broken,
  // as "RULE: what happened".
  std::string on_edge(const PortSample& sample);

  unsigned outstanding() const { return outstanding_; }

 private:
  unsigned max_outstanding_, max_latency_;
  PortSample last_;
  bool has_last_ = false;
  unsigned outstanding_ = 0;  // accepted, not answered
  unsigned waited_ = 0;       // cycles without a response while one is owed
};

}  // namespace dojo::vector
