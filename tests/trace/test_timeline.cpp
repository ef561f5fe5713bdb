// dojo::trace::Timeline: the trace-event JSON it writes, its window, filters and event cap.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "temp_dir.h"
#include "trace/timeline.h"

using dojo::trace::Category;
using dojo::trace::Timeline;
using dojo::trace::TimelineOptions;

namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("Timeline: spans and track names as trace events, times in microseconds") {
  const TempDir dir;
  const std::string path = (dir.path() / "t.json").string();
  {
    Timeline timeline(path, {});
    timeline.name_process(1, "chip 0,0");
    timeline.name_thread(1, 4, "core 1,0 \"exec\"");
    timeline.span(Category::core, 1, 4, "run", 1'500'000, 2'750'000, "\"pc\": 1");
    CHECK_FALSE(std::filesystem::exists(path));  // written under a temporary name until finished
    timeline.finish();
  }
  const std::string json = read(path);
  CHECK(json.rfind("{\"displayTimeUnit\": \"ns\", \"traceEvents\": [", 0) == 0);
  CHECK(json.find("{\"ph\": \"M\", \"name\": \"process_name\", \"pid\": 1, \"args\": {\"name\": "
                  "\"chip 0,0\"}}") != std::string::npos);
  CHECK(json.find("\"core 1,0 \\\"exec\\\"\"") != std::string::npos);
  CHECK(json.find("{\"ph\": \"X\", \"cat\": \"core\", \"name\": \"run\", \"pid\": 1, \"tid\": 4, "
                  "\"ts\": 1.500000, \"dur\": 1.250000, \"args\": {\"pc\": 1}}") !=
        std::string::npos);
  CHECK(json.find("\"otherData\": {\"events\": 1, \"dropped_events\": 0}}") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST_CASE("Timeline: the window, the categories and the cap bound what is written") {
  const TempDir dir;
  const std::string path = (dir.path() / "t.json").string();
  TimelineOptions options;
  options.window_start_ps = 1000;
  options.window_end_ps = 2000;
  options.categories = static_cast<unsigned>(Category::noc) | static_cast<unsigned>(Category::dma);
  options.max_events = 2;
  Timeline timeline(path, options);
  CHECK_FALSE(timeline.wants(Category::noc, 0, 999));      // ends before the window
  CHECK(timeline.wants(Category::noc, 0, 1000));           // touches it
  CHECK_FALSE(timeline.wants(Category::noc, 2001, 3000));  // starts after it
  CHECK_FALSE(timeline.wants(Category::core, 1000, 1500));  // filtered out
  timeline.span(Category::core, 1, 0, "run", 1000, 1500);
  timeline.span(Category::noc, 1, 1, "a", 1000, 1500);
  timeline.span(Category::dma, 1, 2, "b", 1100, 1600);
  timeline.span(Category::noc, 1, 1, "c", 1200, 1700);  // over the cap
  timeline.finish();
  CHECK(timeline.events() == 2);
  CHECK(timeline.dropped() == 1);
  const std::string json = read(path);
  CHECK(count(json, "\"ph\": \"X\"") == 2);
  CHECK(json.find("\"name\": \"c\"") == std::string::npos);
  CHECK(json.find("\"dropped_events\": 1") != std::string::npos);
}

TEST_CASE("Timeline: an unwritable path is refused with its name") {
  CHECK_THROWS_WITH(Timeline("/nonexistent/dir/t.json", {}),
                    Catch::Matchers::Contains("/nonexistent/dir/t.json.tmp"));
}
