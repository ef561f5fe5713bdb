#include "core/commit_log.h"

#include <cstdio>

#include "core/csr_table.h"

namespace dojo::core {

std::string format_commit(const CommitRecord& record) {
  std::string line;
  line.reserve(128);
  char text[64];
  const auto append = [&](int length) { line.append(text, static_cast<size_t>(length)); };
  const auto wide = [](uint64_t value) { return static_cast<unsigned long long>(value); };

  append(std::snprintf(text, sizeof text, "core%4llu: %u 0x%016llx ", wide(record.hartid),
                       static_cast<unsigned>(record.priv), wide(record.pc)));
  append(record.length() == 2 ? std::snprintf(text, sizeof text, "(0x%04x)", record.raw & 0xffff)
                              : std::snprintf(text, sizeof text, "(0x%08x)", record.raw));
  for (const auto& write : record.registers) {
    append(std::snprintf(text, sizeof text, " x%-2u 0x%016llx", write.index, wide(write.value)));
  }
  for (const auto& write : record.csrs) {
    line += " c" + std::to_string(write.csr) + "_" + csr_name(write.csr);
    append(std::snprintf(text, sizeof text, " 0x%016llx", wide(write.value)));
  }
  for (const auto& load : record.loads) {
    append(std::snprintf(text, sizeof text, " mem 0x%016llx", wide(load.addr)));
  }
  for (const auto& store : record.stores) {
    append(std::snprintf(text, sizeof text, " mem 0x%016llx 0x", wide(store.addr)));
    // The value as a number: its most significant byte first, two digits per byte.
    for (unsigned i = store.size; i-- > 0;) {
      append(std::snprintf(text, sizeof text, "%02x", static_cast<unsigned>(store.data[i])));
    }
  }
  line += '\n';
  return line;
}

// Counts one hart's retired instructions for the window and hands the selected ones to the log.
class CommitLog::HartSink : public CommitSink {
 public:
  HartSink(CommitLog& log, Hart& hart) : log_(log), hart_(hart) {}

  void on_commit(const CommitRecord& record) override {
    const CommitFilter& filter = log_.filter_;
    const uint64_t index = ++retired_;
    if (index >= filter.first_index && record.pc >= filter.pc_begin && record.pc < filter.pc_end) {
      log_.write(record);
    }
    if (index >= filter.last_index) hart_.set_commit_sink(nullptr);  // nothing more to log
  }

 private:
  CommitLog& log_;
  Hart& hart_;
  uint64_t retired_ = 0;
};

CommitLog::CommitLog(std::ostream& out, const CommitFilter& filter) : out_(out), filter_(filter) {}

CommitLog::~CommitLog() = default;

void CommitLog::attach(Hart& hart) {
  sinks_.push_back(std::make_unique<HartSink>(*this, hart));
  hart.set_commit_sink(sinks_.back().get());
}

void CommitLog::write(const CommitRecord& record) { out_ << format_commit(record); }

}  // namespace dojo::core
