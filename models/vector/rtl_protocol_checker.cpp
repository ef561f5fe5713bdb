#include "vector/rtl_protocol_checker.h"

namespace dojo::vector {

RtlProtocolChecker::RtlProtocolChecker(unsigned max_outstanding, unsigned max_latency)
    : max_outstanding_(max_outstanding), max_latency_(max_latency) {}

std::string RtlProtocolChecker::on_edge(const PortSample& now) {
  const PortSample& last = last_;
  std::string broken;
  // The rules over two edges: what was offered and not taken at the last one is still offered.
  if (has_last_ && last.cmd_valid && !last.cmd_ready &&
      (!now.cmd_valid || now.cmd_insn != last.cmd_insn || now.cmd_rs1 != last.cmd_rs1 ||
       now.cmd_load_data != last.cmd_load_data))
    broken = "cmd_hold: command changed or withdrawn before cmd_ready";
  else if (has_last_ && last.rsp_valid && !last.rsp_ready &&
           (!now.rsp_valid || now.rsp_illegal != last.rsp_illegal ||
            now.rsp_writes_scalar != last.rsp_writes_scalar || now.rsp_scalar != last.rsp_scalar ||
            now.rsp_store_data != last.rsp_store_data))
    broken = "rsp_hold: response changed or withdrawn before rsp_ready";
  else if (now.csr_write && !now.idle)
    broken = "csr_write_idle: CSR write while an instruction executes";
  else if (now.rsp_valid && outstanding_ == 0)
    broken = "rsp_owed: a response without a command to answer";
  else if (outstanding_ != 0 && !now.rsp_valid && waited_ >= max_latency_)
    broken = "rsp_latency: no response within " + std::to_string(max_latency_) + " cycles";
  else if (now.rsp_valid && now.rsp_illegal && now.rsp_writes_scalar)
    broken = "illegal_no_result: illegal instruction with a result";
  else if (outstanding_ > max_outstanding_)
    broken = "outstanding_limit: more commands accepted than held (" +
             std::to_string(max_outstanding_) + ")";

  // The edge itself.
  const bool accepted = now.cmd_valid && now.cmd_ready;
  const bool answered = now.rsp_valid && now.rsp_ready;
  if (accepted && outstanding_ - (answered ? 1 : 0) == 0) waited_ = 1;
  else if (now.rsp_valid) waited_ = 0;
  else if (outstanding_ != 0) ++waited_;
  outstanding_ = outstanding_ + (accepted ? 1 : 0) - (answered && outstanding_ ? 1 : 0);
  last_ = now;
  has_last_ = true;
  return broken;
}

}  // namespace dojo::vector
