// `dojo-vp noc-sim` as a user runs it: the JSON report of the documented example, and errors.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

namespace {

struct Run {
  int status = -1;
  std::string out;
  std::string err;
};

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs `dojo-vp <arguments>` and captures both streams and the exit status.
Run dojo_vp(const std::string& arguments) {
  const auto scratch = std::filesystem::temp_directory_path();
  const std::string tag = "dojo-noc-sim-test-" + std::to_string(::getpid());
  const auto out_path = scratch / (tag + ".out"), err_path = scratch / (tag + ".err");
  const std::string command = std::string(DOJO_VP_BINARY) + " " + arguments + " >" + out_path.string() +
                              " 2>" + err_path.string() + " </dev/null";
  const int raw = std::system(command.c_str());
  Run run;
  run.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  run.out = read_file(out_path);
  run.err = read_file(err_path);
  std::filesystem::remove(out_path);
  std::filesystem::remove(err_path);
  return run;
}

// The number after "key": in a flat JSON object.
double json_number(const std::string& json, const std::string& key) {
  std::smatch match;
  const std::regex pattern("\"" + key + "\": (-?[0-9.eE+-]+)");
  REQUIRE(std::regex_search(json, match, pattern));
  return std::stod(match[1].str());
}

const char* const kExample =
    "noc-sim --mesh 8x8 --traffic uniform --packet-flits 1 --injection-rate 0.05 "
    "--router-latency 3 --link-latency 1 --json";

constexpr int kBadInput = 2;

}  // namespace

TEST_CASE("the documented example prints one JSON object with the measured figures") {
  const Run run = dojo_vp(kExample);
  REQUIRE(run.status == 0);
  CHECK(run.err.empty());
  CHECK(run.out.front() == '{');
  CHECK(run.out.find('}') == run.out.size() - 2);  // one object, one line
  CHECK(run.out.find("\"traffic\": \"uniform\"") != std::string::npos);
  CHECK(run.out.find("\"mesh\": \"8x8\"") != std::string::npos);
  CHECK(run.out.find("\"saturated\": false") != std::string::npos);
  CHECK(json_number(run.out, "offered_rate") == Approx(0.05));
  CHECK(json_number(run.out, "zero_load_latency") == Approx(25.0));
  CHECK(json_number(run.out, "throughput_bound") == Approx(0.5));
  CHECK(json_number(run.out, "accepted_throughput") == Approx(0.05).epsilon(0.05));
  CHECK(json_number(run.out, "packets_measured") > 25000);
  const double average = json_number(run.out, "avg_packet_latency");
  CHECK(average >= 25.0 * 0.97);
  CHECK(average < 30.0);
  CHECK(json_number(run.out, "p99_packet_latency") >= average);
}

TEST_CASE("the cycle model's documented run prints its router and the measured figures") {
  const Run run = dojo_vp(
      "noc-sim --model cycle --mesh 8x8 --traffic uniform --packet-flits 1 --vcs 2 "
      "--injection-rate 0.2 --json");
  REQUIRE(run.status == 0);
  CHECK(run.out.find("\"model\": \"cycle\"") != std::string::npos);
  CHECK(run.out.find("\"vcs\": 2") != std::string::npos);
  CHECK(run.out.find("\"saturated\": false") != std::string::npos);
  CHECK(json_number(run.out, "zero_load_latency") == Approx(25.0));
  CHECK(json_number(run.out, "accepted_throughput") == Approx(0.2).epsilon(0.03));
  CHECK(json_number(run.out, "avg_packet_latency") > json_number(run.out, "measured_zero_load_latency"));
  const Run no_vcs = dojo_vp("noc-sim --model cycle --vcs 0");
  CHECK(no_vcs.status == kBadInput);
  CHECK(no_vcs.err.find("noc.vcs: 0 is out of range") != std::string::npos);
}

TEST_CASE("the same command gives byte-identical output") {
  CHECK(dojo_vp(kExample).out == dojo_vp(kExample).out);
}

TEST_CASE("text output names the figures") {
  const Run run = dojo_vp("noc-sim --mesh 4x4 --traffic transpose --injection-rate 0.02");
  REQUIRE(run.status == 0);
  CHECK(run.out.find("4x4 mesh, transpose traffic") != std::string::npos);
  CHECK(run.out.find("accepted throughput:") != std::string::npos);
  CHECK(run.out.find("saturated:           no") != std::string::npos);
}

TEST_CASE("bad options exit 2 naming the option") {
  struct Case {
    const char* arguments;
    const char* mentions;
  };
  for (const Case& bad : {Case{"noc-sim --mesh 0x3", "--mesh 0x3"}, Case{"noc-sim --mesh 8by8", "--mesh 8by8"},
                          Case{"noc-sim --injection-rate 1.5", "--injection-rate"},
                          Case{"noc-sim --traffic butterfly", "--traffic butterfly"},
                          Case{"noc-sim --mesh 6x6 --traffic bitrev", "power-of-two"},
                          Case{"noc-sim --mesh 8x4 --traffic transpose", "square"},
                          Case{"noc-sim --packet-flits lots", "--packet-flits"}}) {
    INFO(bad.arguments);
    const Run run = dojo_vp(bad.arguments);
    CHECK(run.status == kBadInput);
    CHECK(run.err.find(bad.mentions) != std::string::npos);
    CHECK(run.out.empty());
  }
}

TEST_CASE("noc-sim reports its samples, and several seeds with their spread") {
  const Run run = dojo_vp("noc-sim --model cycle --injection-rate 0.2 --seeds 2 --sample-period 500 --json");
  REQUIRE(run.status == 0);
  CHECK(run.out.find("\"seeds\": 2") != std::string::npos);
  CHECK(run.out.find("\"converged\": true") != std::string::npos);
  CHECK(json_number(run.out, "measured_cycles") >= 2 * 10000);  // both seeds' windows
  CHECK(run.out.find("\"avg_packet_latency_range\": [") != std::string::npos);
  const Run text = dojo_vp("noc-sim --injection-rate 0.2 --seeds 2");
  CHECK(text.out.find("over 2 seeds:") != std::string::npos);
  const Run bad = dojo_vp("noc-sim --sample-period 0");
  CHECK(bad.status == kBadInput);
  CHECK(bad.err.find("--sample-period must be at least 1 cycle") != std::string::npos);
}
