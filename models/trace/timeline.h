// A timeline of the simulation in the Chrome/Perfetto trace-event format (JSON), for
// ui.perfetto.dev or chrome://tracing: spans of time on tracks, one process per chip and one
// thread per core and unit. Models report spans through their observer callbacks; the platform
// forwards them here. Bounded in size: a time window, categories, and a cap on the events.
// No SystemC: times are picoseconds.
#pragma once

#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <string_view>

namespace dojo::trace {

enum class Category : unsigned { core = 1, noc = 2, dma = 4, vector = 8 };

struct TimelineOptions {
  uint64_t window_start_ps = 0;  // spans that end before this are left out
  uint64_t window_end_ps = std::numeric_limits<uint64_t>::max();  // ... or start after this
  unsigned categories = 0xF;      // bit mask of Category values
  uint64_t max_events = 2'000'000;  // later spans are counted as dropped
};

class Timeline {
 public:
  // Opens `path` (written as path + ".tmp" and renamed by finish()). Throws std::runtime_error
  // naming the file if it cannot be created.
  Timeline(const std::string& path, const TimelineOptions& options);
  ~Timeline();
  Timeline(const Timeline&) = delete;
  Timeline& operator=(const Timeline&) = delete;

  // Names a track; call once per track before or after its spans.
  void name_process(uint32_t process, const std::string& name);
  void name_thread(uint32_t process, uint32_t thread, const std::string& name);

  // Whether a span of `category` over [start, end) would be recorded: callers can skip building
  // its name and arguments.
  bool wants(Category category, uint64_t start_ps, uint64_t end_ps) const;
  // Records a span; `args` is empty or the inside of a JSON object (e.g. "\"bytes\": 64").
  // Written straight to the file: a span allocates nothing (one is recorded per network access).
  void span(Category category, uint32_t process, uint32_t thread, std::string_view name,
            uint64_t start_ps, uint64_t end_ps, std::string_view args = {});

  // Closes the JSON document and puts it in place; further calls do nothing. Throws
  // std::runtime_error if the file cannot be completed.
  void finish();

  uint64_t events() const { return events_; }
  uint64_t dropped() const { return dropped_; }

 private:
  // Starts the next event (after a separator but for the first); false once finished.
  bool begin_event();
  void write_quoted(std::string_view text);
  void write_microseconds(uint64_t ps);

  std::string path_;
  TimelineOptions options_;
  std::FILE* file_ = nullptr;
  uint64_t events_ = 0;
  uint64_t dropped_ = 0;
  bool first_ = true;
};

}  // namespace dojo::trace
