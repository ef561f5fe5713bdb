// Whole-simulator tests of `dojo-vp run --log-commits`: the sample program's log against the
// expected log written from Spike's rules, the core, pc and window filters, several cores, and
// the same log on every run.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::filesystem::path scratch_dir() {
  static const std::filesystem::path dir = [] {
    auto path = std::filesystem::temp_directory_path() /
                ("dojo-vp-commit-log-" + std::to_string(::getpid()));
    std::filesystem::create_directories(path);
    return path;
  }();
  return dir;
}

struct Run {
  int status = -1;
  std::string err;
  std::string log;  // the commit log
};

// Runs `dojo-vp run <arguments> --log-commits FILE` (FILE in the scratch folder) on the sample.
Run run_sample(const std::string& arguments) {
  const auto log_path = scratch_dir() / "commits.log";
  const auto err_path = scratch_dir() / "stderr.txt";
  std::filesystem::remove(log_path);
  const std::string command = std::string(DOJO_VP_BINARY) + " run " + arguments +
                              " --log-commits " + log_path.string() + " " + DOJO_FIRMWARE_DIR +
                              "/commit_log_sample.elf >/dev/null 2>" + err_path.string() +
                              " </dev/null";
  const int raw = std::system(command.c_str());
  Run run;
  run.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  run.err = read_file(err_path);
  run.log = read_file(log_path);
  return run;
}

// The expected log of the sample on core 0 (tests/platform/commit_log_sample.log).
std::string golden() {
  const auto path = std::filesystem::path(__FILE__).parent_path() / "commit_log_sample.log";
  const std::string text = read_file(path);
  REQUIRE(!text.empty());
  return text;
}

// The golden log as core `hartid` prints it.
std::vector<std::string> golden_for(unsigned hartid) {
  char prefix[16];
  std::snprintf(prefix, sizeof prefix, "core%4u:", hartid);
  std::vector<std::string> lines = lines_of(golden());
  for (std::string& line : lines) line.replace(0, 9, prefix);
  return lines;
}

// The lines of `log` that core `hartid` wrote.
std::vector<std::string> lines_of_core(const std::string& log, unsigned hartid) {
  char prefix[16];
  std::snprintf(prefix, sizeof prefix, "core%4u:", hartid);
  std::vector<std::string> lines;
  for (const std::string& line : lines_of(log)) {
    if (line.compare(0, 9, prefix) == 0) lines.push_back(line);
  }
  return lines;
}

}  // namespace

TEST_CASE("the sample's commit log equals the expected log line for line") {
  const Run run = run_sample("--config core");
  CHECK(run.status == 0);
  CHECK(run.err.empty());
  const std::vector<std::string> expected = lines_of(golden()), actual = lines_of(run.log);
  for (size_t i = 0; i < std::min(expected.size(), actual.size()); ++i) {
    INFO("line " << i + 1);
    CHECK(actual[i] == expected[i]);
  }
  CHECK(actual.size() == expected.size());
}

TEST_CASE("the pc filter (--log-commits-pc) keeps the instructions from A up to B only") {
  // The trap handler: 0x800000a0 up to (not including) mret at 0x800000b0.
  const Run run = run_sample("--config core --log-commits-pc 0x800000a0:0x800000b0");
  CHECK(run.status == 0);
  const std::vector<std::string> lines = lines_of(run.log);
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] == "core   0: 3 0x00000000800000a0 (0x34202e73) x28 0x000000000000000b");
  CHECK(lines[3] == "core   0: 3 0x00000000800000ac (0x341e1073) c833_mepc 0x000000008000007c");
}

TEST_CASE("the window (--log-commits-window) keeps each core's Nth to Mth instruction") {
  const Run run = run_sample("--config core --log-commits-window 3:5");
  CHECK(run.status == 0);
  const std::vector<std::string> expected = lines_of(golden());
  CHECK(lines_of(run.log) == std::vector<std::string>(expected.begin() + 2, expected.begin() + 5));

  // From the 48th to the end (the sample retires 50).
  const Run tail = run_sample("--config core --log-commits-window 48:");
  CHECK(lines_of(tail.log) == std::vector<std::string>(expected.begin() + 47, expected.end()));
}

TEST_CASE("several cores: each line carries its core's hartid and each core's lines are its log") {
  const Run run = run_sample("--config mini");
  CHECK(run.status == 0);
  // mini is one chip of 2x2 cores: hartids 0, 1 (x = 1) and 32, 33 (y = 1).
  size_t total = 0;
  for (unsigned hartid : {0u, 1u, 32u, 33u}) {
    INFO("core " << hartid);
    const std::vector<std::string> lines = lines_of_core(run.log, hartid);
    CHECK(lines == golden_for(hartid));
    total += lines.size();
  }
  CHECK(total == lines_of(run.log).size());
}

TEST_CASE("the core filter (--log-commits-cores) logs the selected cores only") {
  const Run run = run_sample("--config mini --log-commits-cores 1,0-1");
  CHECK(run.status == 0);
  CHECK(lines_of_core(run.log, 1) == golden_for(1));
  CHECK(lines_of_core(run.log, 33) == golden_for(33));
  CHECK(lines_of(run.log).size() == 2 * golden_for(0).size());
}

TEST_CASE("two runs write the same commit log") {
  const std::string first = run_sample("--config mini").log;
  const std::string second = run_sample("--config mini").log;
  CHECK(!first.empty());
  CHECK(first == second);
}

TEST_CASE("bad commit-log options are refused with a message naming the option") {
  const struct {
    const char* arguments;
    const char* message;
  } cases[] = {
      {"--log-commits-window 0:5", "--log-commits-window"},
      {"--log-commits-window 9:5", "--log-commits-window"},
      {"--log-commits-window 5", "--log-commits-window"},
      {"--log-commits-pc 0x10", "--log-commits-pc"},
      {"--log-commits-pc zz:0x10", "--log-commits-pc"},
      {"--log-commits-pc 0x20:0x10", "--log-commits-pc"},
      {"--log-commits-cores 1-", "--log-commits-cores"},
  };
  for (const auto& bad : cases) {
    INFO(bad.arguments);
    const Run run = run_sample(std::string("--config core ") + bad.arguments);
    CHECK(run.status == 2);
    CHECK(run.err.find(bad.message) != std::string::npos);
  }
}

TEST_CASE("a commit-log filter without --log-commits is refused") {
  const int raw = std::system((std::string(DOJO_VP_BINARY) + " run --log-commits-window 1:2 " +
                               DOJO_FIRMWARE_DIR + "/commit_log_sample.elf >/dev/null 2>&1")
                                  .c_str());
  CHECK(WIFEXITED(raw));
  CHECK(WEXITSTATUS(raw) == 2);
}
