#include "trace/timeline.h"

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace dojo::trace {
namespace {

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) >= 0x20) out += c;
  }
  return out + "\"";
}

// Trace-event times are microseconds; picoseconds keep six decimals.
std::string microseconds(uint64_t ps) {
  char text[40];
  std::snprintf(text, sizeof text, "%llu.%06llu", static_cast<unsigned long long>(ps / 1'000'000),
                static_cast<unsigned long long>(ps % 1'000'000));
  return text;
}

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

void Timeline::write_event(const std::string& json) {
  if (file_ == nullptr) return;
  if (!first_) std::fputs(",\n", file_);
  first_ = false;
  std::fputs(json.c_str(), file_);
}

void Timeline::name_process(uint32_t process, const std::string& name) {
  write_event("{\"ph\": \"M\", \"name\": \"process_name\", \"pid\": " + std::to_string(process) +
              ", \"args\": {\"name\": " + quoted(name) + "}}");
}

void Timeline::name_thread(uint32_t process, uint32_t thread, const std::string& name) {
  write_event("{\"ph\": \"M\", \"name\": \"thread_name\", \"pid\": " + std::to_string(process) +
              ", \"tid\": " + std::to_string(thread) + ", \"args\": {\"name\": " + quoted(name) +
              "}}");
}

bool Timeline::wants(Category category, uint64_t start_ps, uint64_t end_ps) const {
  return file_ != nullptr && (options_.categories & static_cast<unsigned>(category)) != 0 &&
         end_ps >= options_.window_start_ps && start_ps <= options_.window_end_ps;
}

void Timeline::span(Category category, uint32_t process, uint32_t thread, const std::string& name,
                    uint64_t start_ps, uint64_t end_ps, const std::string& args) {
  if (!wants(category, start_ps, end_ps)) return;
  if (events_ >= options_.max_events) {
    ++dropped_;
    return;
  }
  ++events_;
  write_event("{\"ph\": \"X\", \"cat\": \"" + std::string(category_name(category)) +
              "\", \"name\": " + quoted(name) + ", \"pid\": " + std::to_string(process) +
              ", \"tid\": " + std::to_string(thread) + ", \"ts\": " + microseconds(start_ps) +
              ", \"dur\": " + microseconds(end_ps > start_ps ? end_ps - start_ps : 0) +
              (args.empty() ? "" : ", \"args\": {" + args + "}") + "}");
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
