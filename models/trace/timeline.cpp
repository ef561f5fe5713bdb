#include "trace/timeline.h"

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace dojo::trace {
namespace {

const char* category_name(Category category) {
  switch (category) {
    case Category::core: return "core";
    case Category::noc: return "noc";
    case Category::dma: return "dma";
    case Category::vector: return "vector";
  }
  return "?";
}

}  // namespace

Timeline::Timeline(const std::string& path, const TimelineOptions& options)
    : path_(path), options_(options) {
  file_ = std::fopen((path + ".tmp").c_str(), "w");
  if (file_ == nullptr)
    throw std::runtime_error("cannot write the timeline " + path + ".tmp: " + std::strerror(errno));
  std::fputs("{\"displayTimeUnit\": \"ns\", \"traceEvents\": [\n", file_);
}

Timeline::~Timeline() {
  try {
    finish();
  } catch (const std::exception&) {
    // Reported by an explicit finish(); a destructor must not throw.
  }
}

bool Timeline::begin_event() {
  if (file_ == nullptr) return false;
  if (!first_) std::fputs(",\n", file_);
  first_ = false;
  return true;
}

void Timeline::write_quoted(std::string_view text) {
  std::fputc('"', file_);
  for (const char c : text) {
    if (c == '"' || c == '\\') std::fputc('\\', file_);
    if (static_cast<unsigned char>(c) >= 0x20) std::fputc(c, file_);
  }
  std::fputc('"', file_);
}

// Trace-event times are microseconds; picoseconds keep six decimals.
void Timeline::write_microseconds(uint64_t ps) {
  std::fprintf(file_, "%llu.%06llu", static_cast<unsigned long long>(ps / 1'000'000),
               static_cast<unsigned long long>(ps % 1'000'000));
}

void Timeline::name_process(uint32_t process, const std::string& name) {
  if (!begin_event()) return;
  std::fprintf(file_,
               "{\"ph\": \"M\", \"name\": \"process_name\", \"pid\": %u, \"args\": {\"name\": ",
               process);
  write_quoted(name);
  std::fputs("}}", file_);
}

void Timeline::name_thread(uint32_t process, uint32_t thread, const std::string& name) {
  if (!begin_event()) return;
  std::fprintf(file_,
               "{\"ph\": \"M\", \"name\": \"thread_name\", \"pid\": %u, \"tid\": %u, "
               "\"args\": {\"name\": ",
               process, thread);
  write_quoted(name);
  std::fputs("}}", file_);
}

bool Timeline::wants(Category category, uint64_t start_ps, uint64_t end_ps) const {
  return file_ != nullptr && (options_.categories & static_cast<unsigned>(category)) != 0 &&
         end_ps >= options_.window_start_ps && start_ps <= options_.window_end_ps;
}

void Timeline::span(Category category, uint32_t process, uint32_t thread, std::string_view name,
                    uint64_t start_ps, uint64_t end_ps, std::string_view args) {
  if (!wants(category, start_ps, end_ps)) return;
  if (events_ >= options_.max_events) {
    ++dropped_;
    return;
  }
  ++events_;
  begin_event();
  std::fprintf(file_, "{\"ph\": \"X\", \"cat\": \"%s\", \"name\": ", category_name(category));
  write_quoted(name);
  std::fprintf(file_, ", \"pid\": %u, \"tid\": %u, \"ts\": ", process, thread);
  write_microseconds(start_ps);
  std::fputs(", \"dur\": ", file_);
  write_microseconds(end_ps > start_ps ? end_ps - start_ps : 0);
  if (!args.empty()) {
    std::fputs(", \"args\": {", file_);
    std::fwrite(args.data(), 1, args.size(), file_);
    std::fputc('}', file_);
  }
  std::fputc('}', file_);
}

void Timeline::finish() {
  if (file_ == nullptr) return;
  std::fprintf(file_, "\n], \"otherData\": {\"events\": %llu, \"dropped_events\": %llu}}\n",
               static_cast<unsigned long long>(events_), static_cast<unsigned long long>(dropped_));
  const bool written = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!written || std::rename((path_ + ".tmp").c_str(), path_.c_str()) != 0)
    throw std::runtime_error("cannot write the timeline " + path_ + ": " + std::strerror(errno));
}

}  // namespace dojo::trace
