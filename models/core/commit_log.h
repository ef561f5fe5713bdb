// An instruction trace in the format of Spike's commit log (`spike -l --log-commits`): one line per
// retired instruction with the registers, memory and CSRs it wrote. Format and the differences
// from Spike: docs/debugging.md.
#pragma once

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "core/hart.h"

namespace dojo::core {

// The commit-log line of `record`, with its newline, e.g.
//   core   0: 3 0x0000000080000010 (0x0182b283) x5  0x0000000080000018 mem 0x0000000080000018
std::string format_commit(const CommitRecord& record);

// Which retired instructions a CommitLog writes.
struct CommitFilter {
  // Only instructions whose pc lies in [pc_begin, pc_end).
  uint64_t pc_begin = 0;
  uint64_t pc_end = UINT64_MAX;
  // Only the first_index-th to the last_index-th instruction each hart retires (counted from 1
  // when it is attached, both included).
  uint64_t first_index = 1;
  uint64_t last_index = UINT64_MAX;
};

// Writes the retired instructions of any number of harts to one stream, in the order they retire.
// A hart is detached (runs at full speed again) once it has passed the end of the window. The log
// must outlive the harts' execution.
class CommitLog {
 public:
  CommitLog(std::ostream& out, const CommitFilter& filter);
  ~CommitLog();
  CommitLog(const CommitLog&) = delete;
  CommitLog& operator=(const CommitLog&) = delete;

  // Starts logging what `hart` retires (it becomes the hart's commit sink).
  void attach(Hart& hart);

 private:
  class HartSink;
  void write(const CommitRecord& record);

  std::ostream& out_;
  CommitFilter filter_;
  std::vector<std::unique_ptr<HartSink>> sinks_;
};

}  // namespace dojo::core
