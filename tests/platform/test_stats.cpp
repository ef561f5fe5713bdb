// The statistics structure and its two renderings (platform/stats.h): the JSON file and the text
// of --stats and `monitor stats` name the same fields alike.
#include <catch2/catch.hpp>
#include <regex>
#include <sstream>

#include "stats.h"

using dojo::platform::RunStatistics;

namespace {

RunStatistics sample() {
  RunStatistics s;
  s.outcome = "exited";
  s.exit_status = 3;
  s.simulated_time_ps = 1500;
  s.wall_time_s = 0.5;
  s.instructions = 2'000'000;
  s.cores.push_back({33, 3, {0, 0, 1, 1}, "halted", 0x80000040, 1'000'000, 4000, 10, 20});
  s.packets.packets = 4;
  s.packets.total_latency = 10;
  s.packets.max_latency = 4;
  s.network = {"cycle", 2, 7, {}};
  s.network.interfaces.push_back({false, 33, {0, 0, 1, 1}, 1, 5});
  s.network.interfaces.push_back({true, 0, {}, 1, 2});
  s.translation = {7, 5, 1, 4096, 0.25};
  s.parallel = {2, 30, 90, 0.5, 0.75};
  s.code = {3, 196608, 16384};
  return s;
}

}  // namespace

TEST_CASE("the text of the totals uses the JSON names and values") {
  const RunStatistics s = sample();
  const std::string text = to_text(s, false);
  CHECK(text ==
        "outcome: exited\nexit_status: 3\nsimulated_time_ps: 1500\nwall_time_s: 0.5\n"
        "instructions: 2000000\nmips: 4\ncores: 1\npackets.count: 4\npackets.flits: 0\n"
        "packets.average_latency: 2.5\npackets.max_latency: 4\npackets.bucket_cycles: 16\n"
        "network.model: cycle\nnetwork.interface_stalls: 2\nnetwork.interface_stall_cycles: 7\n"
        "translation.traces: 7\ntranslation.shared: 5\ntranslation.flushes: 1\n"
        "translation.code_bytes: 4096\ntranslation.seconds: 0.25\n"
        "parallel.threads: 2\nparallel.batches: 30\nparallel.slices: 90\n"
        "parallel.batch_seconds: 0.5\nparallel.run_seconds: 0.75\n"
        "code.decoded_pages: 3\ncode.decoded_bytes: 196608\ncode.table_bytes: 16384\n");
  // Every line but `cores` (the length of the array) has its field in the JSON with that value.
  const std::string json = to_json(s);
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    const auto colon = line.find(": ");
    std::string name = line.substr(0, colon), value = line.substr(colon + 2);
    if (name == "cores") continue;
    if (name == "outcome" || name == "network.model") value = "\"" + value + "\"";
    const auto dot = name.find('.');
    if (dot != std::string::npos) name = name.substr(dot + 1);
    INFO(line);
    CHECK(json.find("\"" + name + "\": " + value) != std::string::npos);
  }
}

TEST_CASE("the JSON file keeps its documented order, with the core's pc and the translator's work") {
  const std::string json = to_json(sample());
  const std::vector<std::string> keys = {"format", "tile", "outcome", "exit_status",
                                         "simulated_time_ps", "wall_time_s", "instructions", "mips",
                                         "cores", "links", "packets", "network", "interfaces",
                                         "dma", "translation",
                                         "parallel", "code"};
  size_t at = 0;
  for (const std::string& key : keys) {
    INFO(key);
    const auto found = json.find("\n  \"" + key + "\": ", at);
    REQUIRE(found != std::string::npos);
    at = found;
  }
  CHECK(json.find("\"interfaces\": [\n"
                  "    {\"hartid\": 33, \"position\": {\"chip\": [0, 0], \"x\": 1, \"y\": 1}, "
                  "\"stalls\": 1, \"stall_cycles\": 5},\n"
                  "    {\"host\": true, \"stalls\": 1, \"stall_cycles\": 2}\n  ],\n") !=
        std::string::npos);
  CHECK(json.find("\"state\": \"halted\", \"pc\": 2147483712, \"instructions\": 1000000") !=
        std::string::npos);
  CHECK(json.find("\"translation\": {\"traces\": 7, \"shared\": 5, \"flushes\": 1, \"code_bytes\": 4096, \"seconds\": 0.25},\n") !=
        std::string::npos);
  CHECK(json.find("\"code\": {\"decoded_pages\": 3, \"decoded_bytes\": 196608, \"table_bytes\": 16384}\n}") !=
        std::string::npos);
}

TEST_CASE("per core, the text names the core's place, state, pc and counts") {
  const std::string text = to_text(sample(), true);
  CHECK(text.find("\ncores[3]: hartid 33, core 1,1 of chip 0,0, halted, pc 0x80000040, "
                  "instructions 1000000, cycles 4000, stall_cycles 10, wfi_cycles 20\n") !=
        std::string::npos);
  CHECK(text.find("\ninterfaces[0]: hartid 33, core 1,1 of chip 0,0, stalls 1, stall_cycles 5\n"
                  "interfaces[1]: host interface, stalls 1, stall_cycles 2\n") !=
        std::string::npos);
  CHECK(to_text(sample(), false).find("cores[") == std::string::npos);
  CHECK(to_text(sample(), false).find("interfaces[") == std::string::npos);
}
