// Whole-simulator tests: run build/dojo-vp on the firmware test programs as a user would, and check
// console output, exit status and error reports.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "temp_dir.h"

namespace {

struct Run {
  int status = -1;
  std::string out;  // the firmware's console
  std::string err;  // the simulator's messages and statistics
};

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A scratch folder for one test case's files.
std::filesystem::path scratch_dir() {
  static const std::filesystem::path dir = [] {
    auto path = std::filesystem::temp_directory_path() /
                ("dojo-vp-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(path);
    return path;
  }();
  return dir;
}

// Runs `dojo-vp <arguments>` (a shell fragment) and captures both streams and the exit status.
// Runs `simulator ARGUMENTS` (dojo-vp unless a test needs the fault-injecting one).
Run dojo_vp(const std::string& arguments, const std::string& simulator = DOJO_VP_BINARY) {
  const auto out_path = scratch_dir() / "stdout.txt";
  const auto err_path = scratch_dir() / "stderr.txt";
  const std::string command = simulator + " " + arguments + " >" + out_path.string() + " 2>" +
                              err_path.string() + " </dev/null";
  const int raw = std::system(command.c_str());
  Run run;
  run.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  run.out = read_file(out_path);
  run.err = read_file(err_path);
  return run;
}

std::string firmware(const std::string& name) {
  return std::string(DOJO_FIRMWARE_DIR) + "/" + name + ".elf";
}

std::string write_scratch(const std::string& name, const std::string& content) {
  const auto path = scratch_dir() / name;
  std::ofstream(path) << content;
  return path.string();
}

// The value of a `key: value` statistics line.
std::string stat(const std::string& text, const std::string& key) {
  const auto start = text.find(key + ": ");
  REQUIRE(start != std::string::npos);
  const auto end = text.find('\n', start);
  return text.substr(start + key.size() + 2, end - start - key.size() - 2);
}

constexpr int kBadInput = 2, kWatchdog = 124, kFatal = 125;

}  // namespace

TEST_CASE("hello prints its greeting and exits 0") {
  const Run run = dojo_vp("run --config core " + firmware("hello"));
  CHECK(run.status == 0);
  CHECK(run.out == "Hello from the Dojo D1 core 0!\n");
}

TEST_CASE("exit(3) makes dojo-vp exit 3") {
  const Run run = dojo_vp("run " + firmware("exit_code"));
  CHECK(run.status == 3);
  CHECK(run.err.find("exited with status 3") != std::string::npos);
}

TEST_CASE("self-checking firmware test programs pass") {
  for (const char* name : {"trap", "timer_irq", "compute", "libc"}) {
    INFO(name);
    const Run run = dojo_vp("run --timeout 1s " + firmware(name));
    CHECK(run.status == 0);
    CHECK(run.out.find(std::string(name) + ": PASS") != std::string::npos);
    CHECK(run.out.find("FAIL") == std::string::npos);
  }
}

TEST_CASE("the SDK's default trap handler reports an unhandled trap and exits 100") {
  const Run run = dojo_vp("run " + firmware("unhandled_trap"));
  CHECK(run.status == 100);
  CHECK(run.out.find("unhandled trap: illegal instruction") != std::string::npos);
}

TEST_CASE("a bare-metal ELF using only HTIF tohost reports pass and fail") {
  CHECK(dojo_vp("run " + firmware("htif_pass")).status == 0);
  const Run fail = dojo_vp("run " + firmware("htif_fail"));
  CHECK(fail.status == 5);
}

TEST_CASE("the instruction watchdog stops a firmware that does not finish") {
  const Run run = dojo_vp("run --max-instructions 1000 " + firmware("loop"));
  CHECK(run.status == kWatchdog);
  CHECK(run.err.find("watchdog") != std::string::npos);
  CHECK(run.err.find("instructions") != std::string::npos);
}

TEST_CASE("the simulated-time watchdog stops a firmware that does not finish") {
  const Run run = dojo_vp("run --timeout 20us " + firmware("loop"));
  CHECK(run.status == kWatchdog);
  CHECK(run.err.find("timeout") != std::string::npos);
}

TEST_CASE("a trap with no handler ends the run with a clear error") {
  const Run run = dojo_vp("run " + firmware("no_trap_handler"));
  CHECK(run.status == kFatal);
  CHECK(run.err.find("illegal instruction at pc 0x80000000") != std::string::npos);
  CHECK(run.err.find("mtvec 0x0") != std::string::npos);
}

TEST_CASE("a firmware waiting for an interrupt that cannot come is a deadlock") {
  const Run run = dojo_vp("run " + firmware("wfi_forever"));
  CHECK(run.status == kFatal);
  CHECK(run.err.find("deadlock") != std::string::npos);
  CHECK(run.err.find("in wfi") != std::string::npos);
}

TEST_CASE("a deadlock is reported as one when it happens, also with a timeout set") {
  for (const std::string config : {"core", "mini"}) {
    const Run run = dojo_vp("run --config " + config + " --timeout 10s " + firmware("wfi_forever"));
    INFO(config << ": " << run.err);
    CHECK(run.status == kFatal);
    CHECK(run.err.find("deadlock") != std::string::npos);
    CHECK(run.err.find("timeout") == std::string::npos);
  }
}

TEST_CASE("a closed stdout (dojo-vp run ... | head) stops the run with a message and status 141") {
  const auto err_path = scratch_dir() / "closed-stdout.txt";
  // The reader takes one byte and closes the pipe; the firmware prints a megabyte more than it.
  for (const std::string config : {"core", "mini"}) {
    const std::string command = "exec " + std::string(DOJO_VP_BINARY) + " run --config " + config +
                                " " + firmware("console_flood") + " 2>" + err_path.string() +
                                " </dev/null";
    FILE* pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    CHECK(std::fgetc(pipe) != EOF);
    const int raw = ::pclose(pipe);
    const std::string err = read_file(err_path);
    INFO(config << ": " << err);
    CHECK(WIFEXITED(raw));  // not killed by SIGPIPE
    CHECK(WEXITSTATUS(raw) == 141);
    CHECK(err.find("dojo-vp: the console output was closed") != std::string::npos);
    CHECK(err.find("the run stopped at ") != std::string::npos);
  }
}

TEST_CASE("stdout that cannot be written for another reason (a full disk) is a fatal error") {
  const auto err_path = scratch_dir() / "full-stdout.txt";
  const auto status_of = [&err_path](const std::string& arguments) {
    const int raw = std::system((std::string(DOJO_VP_BINARY) + " " + arguments + " >/dev/full 2>" +
                                 err_path.string() + " </dev/null").c_str());
    return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  };
  CHECK(status_of("run --config core " + firmware("hello")) == kFatal);
  CHECK(read_file(err_path).find("cannot write the console output: No space left on device") !=
        std::string::npos);
  CHECK(status_of("params") == kFatal);
  CHECK(read_file(err_path).find("cannot write to stdout: No space left on device") !=
        std::string::npos);
}

TEST_CASE("the same firmware gives the same output, instructions and simulated time") {
  const std::string command = "run --stats " + firmware("timer_irq");
  const Run first = dojo_vp(command);
  const Run second = dojo_vp(command);
  REQUIRE(first.status == 0);
  CHECK(first.out == second.out);
  CHECK(stat(first.err, "instructions") == stat(second.err, "instructions"));
  CHECK(stat(first.err, "simulated_time_ps") == stat(second.err, "simulated_time_ps"));
  CHECK(std::stoull(stat(first.err, "instructions")) > 1000);
}

TEST_CASE("statistics report instructions, simulated time, wall time and MIPS") {
  const Run run = dojo_vp("run --config core --fast-load --stats " + firmware("loop"));
  CHECK(run.status == 0);
  CHECK(stat(run.err, "instructions") == "200000006");
  // 300,000,005 cycles (half the loop's instructions are taken branches of 2 cycles) plus 10
  // stalled on the exit device's 5 ns register access, at 500 ps a cycle.
  CHECK(stat(run.err, "simulated_time_ps") == "150000007500");
  CHECK(std::stod(stat(run.err, "mips")) > 0);
}

TEST_CASE("with several cores each console line names its core") {
  const Run run = dojo_vp("run " + firmware("hello"));  // mini: 2x2 cores
  CHECK(run.status == 0);
  for (const char* id : {"0", "1", "32", "33"})
    CHECK(run.out.find(std::string("[core ") + id + "] Hello from the Dojo D1 core " + id + "!\n") !=
          std::string::npos);
}

// Lines of `text` that contain `needle`.
size_t count_lines_with(const std::string& text, const std::string& needle) {
  size_t count = 0;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) count += line.find(needle) != std::string::npos;
  return count;
}

TEST_CASE("tile programs pass on mini and on a D1 chip, with either network model") {
  const std::vector<std::string> programs = {"token_ring", "all_reduce", "remote_pingpong",
                                             "dma_transpose", "ring_exchange"};
  for (const std::string model : {"ideal", "cycle"}) {
    for (const std::string config : {"mini", "d1"}) {
      const std::string run_on = "run --timeout 10ms --config " + config + " --set noc.model=" + model + " ";
      for (const std::string& name : programs) {
        INFO(model << " " << config << " " << name);
        const Run run = dojo_vp(run_on + firmware(name));
        CHECK(run.status == 0);
        CHECK(run.out.find(name + ": PASS") != std::string::npos);
        CHECK(run.out.find("FAIL") == std::string::npos);
      }
      const Run hello = dojo_vp(run_on + firmware("all_cores"));  // booted through the host interface
      CHECK(hello.status == 0);
      CHECK(count_lines_with(hello.out, "): hello") == (config == "d1" ? 354u : 4u));
    }
  }
}

TEST_CASE("all_cores prints one line from each working core of a D1 chip") {
  const Run run = dojo_vp("run --timeout 10ms --config d1 " + firmware("all_cores"));
  CHECK(run.status == 0);
  CHECK(count_lines_with(run.out, "of 354): hello") == 354);
  // Disabled positions (d1.yaml) run nothing.
  CHECK(run.out.find("core 4,3 of chip 0,0") == std::string::npos);
  CHECK(run.out.find("core 17,19 of chip 0,0 (hartid 625, rank 353 of 354)") != std::string::npos);
}

TEST_CASE("all_cores boots all 8,850 cores of a training tile through the host interface") {
  const Run run = dojo_vp("run --config tile --stats " + firmware("all_cores"));
  CHECK(run.status == 0);
  CHECK(count_lines_with(run.out, "of 8850): hello") == 8850);
  CHECK(run.out.find("core 17,19 of chip 4,4 (hartid 37489, rank 8849 of 8850)") !=
        std::string::npos);
  CHECK(stat(run.err, "cores") == "8850");
}

TEST_CASE("the statistics file holds every core, the links, packets and DMA engines") {
  const auto path = scratch_dir() / "stats.json";
  const Run run = dojo_vp("run --stats-file " + path.string() + " " + firmware("dma_transpose"));
  REQUIRE(run.status == 0);
  const std::string json = read_file(path);
  CHECK(json.find("\"format\": \"dojo-vp statistics 1\"") != std::string::npos);
  CHECK(json.find("\"outcome\": \"exited\"") != std::string::npos);
  CHECK(count_lines_with(json, "{\"hartid\": ") == 4 + 4);  // four cores, four DMA engines
  CHECK(json.find("\"state\": \"halted\"") != std::string::npos);
  CHECK(json.find("-> east\", \"from\"") != std::string::npos);
  CHECK(json.find("\"errors\": 2, \"busy_cycles\": ") != std::string::npos);  // it provokes two
  CHECK(json.back() == '\n');
  CHECK_FALSE(std::filesystem::exists(path.string() + ".tmp"));
}

TEST_CASE("under the cycle network the statistics name each network interface that stalled") {
  // dma_transpose on mini with one packet of room per interface: its DMA engines queue bursts.
  const auto path = scratch_dir() / "stalls.json";
  const Run run = dojo_vp("run --config mini --set noc.model=cycle --set noc.interface_queue=1 "
                          "--stats-file " + path.string() + " " + firmware("dma_transpose"));
  REQUIRE(run.status == 0);
  const std::string json = read_file(path);
  const auto total = [&json](const std::string& key) {
    const auto at = json.find("\"" + key + "\": ");
    REQUIRE(at != std::string::npos);
    return std::stoull(json.substr(at + key.size() + 4));
  };
  const auto interfaces = json.find("\"interfaces\": [\n");
  REQUIRE(interfaces != std::string::npos);
  const std::string list = json.substr(interfaces, json.find("\n  ]", interfaces) - interfaces);
  // Each entry names its core, and together they make the totals.
  uint64_t stalls = 0, cycles = 0, entries = 0;
  const std::regex entry(R"(\{"hartid": \d+, "position": \{[^}]*\}, "stalls": (\d+), )"
                         R"("stall_cycles": (\d+)\})");
  const std::sregex_iterator end;
  for (auto it = std::sregex_iterator(list.begin(), list.end(), entry); it != end;
       ++it, ++entries) {
    stalls += std::stoull((*it)[1]);
    cycles += std::stoull((*it)[2]);
  }
  CHECK(entries > 0);
  CHECK(stalls == total("interface_stalls"));
  CHECK(cycles == total("interface_stall_cycles"));
  CHECK(stalls > 0);
}

TEST_CASE("the timeline has every core's execution, network accesses and DMA transfers") {
  const auto path = scratch_dir() / "timeline.json";
  const Run run = dojo_vp("run --timeline " + path.string() + " " + firmware("dma_transpose"));
  REQUIRE(run.status == 0);
  const std::string json = read_file(path);
  CHECK(json.rfind("{\"displayTimeUnit\": \"ns\", \"traceEvents\": [", 0) == 0);
  CHECK(count_lines_with(json, "\"cat\": \"core\", \"name\": \"run\"") >= 4);
  CHECK(count_lines_with(json, "\"cat\": \"dma\"") > 0);
  CHECK(count_lines_with(json, "\"cat\": \"noc\"") > 0);
  CHECK(json.find("\"name\": \"chip 0,0\"") != std::string::npos);

  const auto narrow = scratch_dir() / "narrow.json";
  REQUIRE(dojo_vp("run --timeline " + narrow.string() + " --timeline-filter dma " +
                  firmware("dma_transpose")).status == 0);
  const std::string dma_only = read_file(narrow);
  CHECK(count_lines_with(dma_only, "\"cat\": \"dma\"") > 0);
  CHECK(count_lines_with(dma_only, "\"cat\": \"noc\"") == 0);

  const auto vector = scratch_dir() / "vector.json";
  REQUIRE(dojo_vp("run --config core --timeline " + vector.string() +
                  " --timeline-filter vector " + firmware("vec_add")).status == 0);
  CHECK(count_lines_with(read_file(vector), "\"cat\": \"vector\", \"name\": \"vadd.f32 v") > 0);

  const Run bad = dojo_vp("run --timeline " + narrow.string() + " --timeline-window 5us " +
                          firmware("hello"));
  CHECK(bad.status == kBadInput);
  CHECK(bad.err.find("--timeline-window") != std::string::npos);
}

TEST_CASE("vector programs pass under the reference model, the RTL and both in lockstep, in the "
          "same simulated time") {
  for (const char* name :
       {"vec_add", "vec_dot", "vec_quant", "vec_mma", "vec_gemm", "vec_throughput"}) {
    std::string model_time;
    for (const char* model : {"model", "rtl", "lockstep"}) {
      INFO(model << " " << name);
      const Run run = dojo_vp(std::string("run --stats --config core --set vector.model=") +
                              model + " " + firmware(name));
      CHECK(run.status == 0);
      // vec_throughput is a benchmark: it prints its checksum, which must not depend on the engine.
      const std::string verdict = std::string(name) == "vec_throughput" ? "checksum 0x76cf7adb"
                                                                         : std::string(name) + ": PASS";
      CHECK(run.out.find(verdict) != std::string::npos);
      const std::string time = stat(run.err, "simulated_time_ps");
      if (model_time.empty()) model_time = time;
      CHECK(time == model_time);
    }
  }
}

TEST_CASE("a lockstep mismatch stops the run with a report and a waveform that ends there") {
  const auto path = scratch_dir() / "mismatch.vcd";
  // The RTL's registers read wrong from the 50th vector instruction on (dojo-vp-faults).
  const Run run = dojo_vp("run --config core --set vector.model=lockstep --trace-rtl " +
                              path.string() + " " + firmware("vec_add"),
                          "DOJO_VP_FAULT=vector:50 " DOJO_VP_FAULTS_BINARY);
  CHECK(run.status == kFatal);
  CHECK(run.err.find("dojo-vp: error: core 0: vector lockstep mismatch on core 0 at pc 0x") !=
        std::string::npos);
  CHECK(run.err.find("model / rtl:") != std::string::npos);
  CHECK(run.err.find("* = lane differs") != std::string::npos);
  CHECK(run.out.find("vec_add: PASS") == std::string::npos);
  CHECK(read_file(path).find("$timescale") != std::string::npos);
}

TEST_CASE("dojo-vp cosim-random prints its seed, passes, and fails with the report on a bad RTL") {
  const Run run = dojo_vp("cosim-random --seed 5 --instructions 400");
  CHECK(run.status == 0);
  CHECK(run.out.rfind("cosim-random: seed 5, 400 instructions, engine lockstep", 0) == 0);
  CHECK(run.out.find("cosim-random: PASS, ") != std::string::npos);
  CHECK(dojo_vp("cosim-random --seed 5 --instructions 400").out == run.out);  // reproducible
  const Run fresh = dojo_vp("cosim-random --instructions 50 --engine rtl");
  CHECK(fresh.status == 0);
  CHECK(fresh.out.find("(repeat with --seed ") != std::string::npos);
  const Run held = dojo_vp("cosim-random --seed 5 --instructions 400 --rsp-backpressure 0.3");
  CHECK(held.status == 0);
  CHECK(held.out.find("--engine lockstep --rsp-backpressure 0.3)") != std::string::npos);
  CHECK(std::regex_search(held.out, std::regex(R"(PASS, .*, responses held [1-9]\d* cycles)")));
  CHECK(dojo_vp("cosim-random --rsp-backpressure 1").status == kBadInput);
  // The RTL's registers read wrong from the 60th retired instruction on (dojo-vp-faults).
  const Run bad = dojo_vp("cosim-random --seed 5 --instructions 400",
                          "DOJO_VP_FAULT=vector:60 " DOJO_VP_FAULTS_BINARY);
  CHECK(bad.status == kFatal);
  CHECK(bad.out.find("cosim-random: FAIL") != std::string::npos);
  CHECK(bad.err.find("dojo-vp: cosim-random: seed 5, instruction #") != std::string::npos);
  CHECK(bad.err.find("vector lockstep mismatch on core 0") != std::string::npos);
  CHECK(dojo_vp("cosim-random --engine spike").status == kBadInput);
}

TEST_CASE("coverage files hold the RTL's code and the ISA's functional coverage, and merge") {
  const auto lockstep_file = scratch_dir() / "vec_add.dat";
  const Run run = dojo_vp("run -q --config core --set vector.model=lockstep --coverage-out " +
                          lockstep_file.string() + " " + firmware("vec_add"));
  REQUIRE(run.status == 0);
  const std::string counts = read_file(lockstep_file);
  CHECK(counts.find("TOP.vector_unit.protocol.interlock") != std::string::npos);  // a cover point
  CHECK(counts.find("v_user/vector_isa") != std::string::npos);
  CHECK(counts.find("vadd.f32 operand normal") != std::string::npos);
  const auto stream_file = scratch_dir() / "stream.dat";
  REQUIRE(dojo_vp("cosim-random --seed 9 --instructions 500 --coverage-out " +
                  stream_file.string()).status == 0);

  const auto html = scratch_dir() / "coverage.html";
  const Run report = dojo_vp("--out " + html.string() + " " + lockstep_file.string() + " " +
                                 stream_file.string(),
                             DOJO_COVERAGE_REPORT);
  REQUIRE(report.status == 0);
  CHECK(report.out.find("line coverage: ") != std::string::npos);
  CHECK(report.out.find("functional coverage: ") != std::string::npos);
  CHECK(report.out.find("cover coverage: ") != std::string::npos);
  const std::string page = read_file(html);
  CHECK(page.find("<h1>Vector unit coverage</h1>") != std::string::npos);
  CHECK(page.find("Holes: functional") != std::string::npos);  // 500 instructions leave some

  // Without a core running the RTL there is nothing to count.
  const Run none = dojo_vp("run -q --config core --coverage-out " + lockstep_file.string() + " " +
                           firmware("vec_add"));
  CHECK(none.status == kBadInput);
  CHECK(none.err.find("--coverage-out: no core runs the vector unit's RTL") != std::string::npos);
}

TEST_CASE("a vector trace recorded under the model replays on the RTL, alone and in lockstep") {
  const auto trace = scratch_dir() / "vec_dot.vtrace";
  REQUIRE(dojo_vp("run -q --config core --vector-trace " + trace.string() + " " +
                  firmware("vec_dot")).status == 0);
  const std::string recorded = read_file(trace);
  CHECK(recorded.rfind("# dojo-vp vector trace 1\n", 0) == 0);
  for (const char* engine : {"rtl", "lockstep"}) {
    const Run replay = dojo_vp("vector-replay " + trace.string() + " --engine " + engine);
    CHECK(replay.status == 0);
    CHECK(replay.out.find(std::string(" events on ") + engine + ": PASS") != std::string::npos);
  }
  // A recorded result that the RTL does not give: the replay names the event.
  std::string altered = recorded;
  const size_t hsum = altered.find("\nexecute 0 ");
  REQUIRE(hsum != std::string::npos);
  const size_t cycles_end = altered.find(" -\n", hsum);
  REQUIRE(cycles_end != std::string::npos);
  altered.insert(cycles_end, "0");  // the cycles the core waited, 16 times as many
  const std::string bad = write_scratch("bad.vtrace", altered);
  const Run differs = dojo_vp("vector-replay " + bad);
  CHECK(differs.status == kFatal);
  CHECK(differs.out.find("FAIL") != std::string::npos);
  CHECK(differs.err.find("dojo-vp: vector-replay: core 0, event ") != std::string::npos);
  CHECK(differs.err.find("recorded") != std::string::npos);
  const Run malformed = dojo_vp("vector-replay " + write_scratch("junk.vtrace", "junk\n"));
  CHECK(malformed.status == kBadInput);
  CHECK(malformed.err.find("junk.vtrace:1: not a vector trace") != std::string::npos);
}

TEST_CASE("a waveform of only the last cycles (trace-rtl-last) ends at a lockstep mismatch") {
  const auto path = scratch_dir() / "last.vcd";
  std::filesystem::remove(path);
  const Run run = dojo_vp("run --config core --set vector.model=lockstep --trace-rtl " +
                              path.string() + " --trace-rtl-last 200 " + firmware("vec_add"),
                          "DOJO_VP_FAULT=vector:300 " DOJO_VP_FAULTS_BINARY);
  CHECK(run.status == kFatal);
  CHECK(run.err.find("the RTL waveform of the cycles up to this mismatch is in " + path.string()) !=
        std::string::npos);
  const std::string waveform = read_file(path);
  CHECK(waveform.find("$timescale") != std::string::npos);
  const size_t first = waveform.find("\n#");
  REQUIRE(first != std::string::npos);
  CHECK(std::stoull(waveform.substr(first + 2)) > 100'000'000);  // not from the start (100 us)
  CHECK(dojo_vp("run --trace-rtl x.vcd --trace-rtl-last 5 --trace-rtl-from 3 " +
                firmware("vec_add")).status == kBadInput);
}

TEST_CASE("dojo-vp has no test-only options, and the fault-injecting build refuses an unknown fault") {
  const Run crash = dojo_vp("run --test-only-crash " + firmware("hello"));
  CHECK(crash.status == 2);
  CHECK(crash.err.find("--test-only-crash") != std::string::npos);
  CHECK(dojo_vp("run --test-only-vector-fault 50 " + firmware("hello")).status == 2);
  const Run unknown = dojo_vp("run " + firmware("hello"), "DOJO_VP_FAULT=melt " DOJO_VP_FAULTS_BINARY);
  CHECK(unknown.status == 2);
  CHECK(unknown.err.find("DOJO_VP_FAULT=melt is not a fault (crash, vector:N)") != std::string::npos);
  // Without a fault it is dojo-vp.
  const Run plain = dojo_vp("run -q " + firmware("hello"), DOJO_VP_FAULTS_BINARY);
  CHECK(plain.status == 0);
  CHECK(plain.out == dojo_vp("run -q " + firmware("hello")).out);
}

TEST_CASE("RTL waveforms are written per RTL core, and need one") {
  const auto path = scratch_dir() / "vu.fst";
  const Run one = dojo_vp("run -q --config core --set vector.model=lockstep --trace-rtl " +
                          path.string() + " " + firmware("vec_add"));
  CHECK(one.status == 0);
  CHECK(std::filesystem::file_size(path) > 1000);

  const Run two = dojo_vp("run -q --set vector.model=rtl --set vector.model_cores=0-1,0 "
                          "--trace-rtl " + path.string() + " " + firmware("vec_add"));
  CHECK(two.status == 0);
  CHECK(std::filesystem::exists(scratch_dir() / "vu-core0.fst"));
  CHECK(std::filesystem::exists(scratch_dir() / "vu-core1.fst"));
  CHECK_FALSE(std::filesystem::exists(scratch_dir() / "vu-core32.fst"));

  const Run none = dojo_vp("run --config core --trace-rtl " + path.string() + " " + firmware("vec_add"));
  CHECK(none.status == kBadInput);
  CHECK(none.err.find("no core runs the vector unit's RTL") != std::string::npos);

  // VCD, its times in simulated picoseconds; a window of simulated time keeps what starts in it.
  const auto vcd = scratch_dir() / "vu.vcd";
  const auto times = [&vcd] {
    std::vector<uint64_t> found;
    std::istringstream lines(read_file(vcd));
    for (std::string line; std::getline(lines, line);)
      if (!line.empty() && line[0] == '#') found.push_back(std::stoull(line.substr(1)));
    return found;
  };
  const std::string rtl_run = "run -q --config core --set vector.model=rtl --trace-rtl " + vcd.string();
  REQUIRE(dojo_vp(rtl_run + " " + firmware("vec_add")).status == 0);
  const std::string text = read_file(vcd);
  CHECK(text.rfind("$date", 0) == 0);
  CHECK(text.find("$timescale\n\t1ps") != std::string::npos);
  CHECK(text.find("$scope module") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(vcd.string() + ".fst"));
  const std::vector<uint64_t> whole = times();
  REQUIRE(whole.size() > 100);

  REQUIRE(dojo_vp(rtl_run + " --trace-rtl-window 30us:40us " + firmware("vec_add")).status == 0);
  const std::vector<uint64_t> window = times();
  REQUIRE(!window.empty());
  CHECK(window.size() < whole.size());
  CHECK(window.front() >= 30'000'000);
  CHECK(window.front() < 40'000'000);
  CHECK(window.back() < 41'000'000);  // the last instruction started before 40 us

  // A window after the program's end: the signals, without value changes.
  REQUIRE(dojo_vp(rtl_run + " --trace-rtl-window 1s: " + firmware("vec_add")).status == 0);
  CHECK(read_file(vcd).find("$enddefinitions") != std::string::npos);
  CHECK(times().empty());

  const Run bad = dojo_vp("run -q --config core --set vector.model=rtl --trace-rtl " +
                          (scratch_dir() / "vu.wave").string() + " " + firmware("vec_add"));
  CHECK(bad.status == kBadInput);
  CHECK(bad.err.find("vu.wave") != std::string::npos);
  CHECK(bad.err.find(".vcd") != std::string::npos);
  const Run empty = dojo_vp(rtl_run + " --trace-rtl-window 20us:10us " + firmware("vec_add"));
  CHECK(empty.status == kBadInput);
  CHECK(empty.err.find("--trace-rtl-window") != std::string::npos);
}

TEST_CASE("booting through the host interface takes simulated time that fast load skips") {
  const Run timed = dojo_vp("run --config core --stats " + firmware("hello"));
  const Run fast = dojo_vp("run --config core --stats --fast-load " + firmware("hello"));
  REQUIRE(timed.status == 0);
  REQUIRE(fast.status == 0);
  CHECK(timed.out == fast.out);
  CHECK(stat(timed.err, "instructions") == stat(fast.err, "instructions"));
  CHECK(std::stoull(stat(timed.err, "simulated_time_ps")) >
        std::stoull(stat(fast.err, "simulated_time_ps")));
}

TEST_CASE("per-core images run different firmware on selected cores") {
  const Run run = dojo_vp("run --image 1,0=" + firmware("exit_code") + " " + firmware("hello"));
  CHECK(run.status == 3);
  CHECK(run.out.find("[core 0] Hello") != std::string::npos);
  CHECK(run.out.find("[core 1] Hello") == std::string::npos);
  CHECK(run.out.find("[core 33] Hello") != std::string::npos);
  // The message names the ELF that the exiting core ran, not the default image.
  CHECK(run.err.find("dojo-vp: " + firmware("exit_code") +
                     " on core 1,0 of chip 0,0 exited with status 3") != std::string::npos);

  const Run unmatched = dojo_vp("run --image 0,0=" + firmware("hello"));
  CHECK(unmatched.status == kBadInput);
  CHECK(unmatched.err.find("no image for core 1,0 of chip 0,0") != std::string::npos);
  const Run bad = dojo_vp("run --image 0-x,0=" + firmware("hello"));
  CHECK(bad.status == kBadInput);
  CHECK(bad.err.find("--image") != std::string::npos);
}

TEST_CASE("per-core image mistakes are errors: a selector that selects no core, a missing file") {
  // mini has 2x2 cores: 5,0 is outside it, in every chip.
  const Run outside = dojo_vp("run --image 5,0=" + firmware("exit_code") + " " + firmware("hello"));
  CHECK(outside.status == kBadInput);
  CHECK(outside.err.find("--image: '5,0=" + firmware("exit_code") +
                         "' selects no working core of this configuration (1x1 chips of 2x2 "
                         "cores") != std::string::npos);
  const Run other_chip = dojo_vp("run --image 1,0:0,0=" + firmware("exit_code") + " " + firmware("hello"));
  CHECK(other_chip.status == kBadInput);
  CHECK(other_chip.err.find("selects no working core") != std::string::npos);

  // Shadowed by the entry before it, so no core would run it: still an error, not ignored.
  const Run missing = dojo_vp("run --image '*=" + firmware("hello") + "' --image 0,0=/nonexistent/b.elf");
  CHECK(missing.status == kBadInput);
  CHECK(missing.err.find("/nonexistent/b.elf: no such file") != std::string::npos);

  const std::string yaml = write_scratch("images.yaml", "boot:\n  images: {\"9,9\": a.elf}\n");
  const Run from_file = dojo_vp("run --config " + yaml + " " + firmware("hello"));
  CHECK(from_file.status == kBadInput);
  CHECK(from_file.err.find("boot.images: '9,9=a.elf' selects no working core") != std::string::npos);
}

TEST_CASE("a missing or malformed firmware file is refused with its name") {
  const Run missing = dojo_vp("run /nonexistent/fw.elf");
  CHECK(missing.status == kBadInput);
  CHECK(missing.err.find("/nonexistent/fw.elf") != std::string::npos);

  const std::string text = write_scratch("not-an-elf.elf", "hello, I am not an ELF file\n");
  const Run garbage = dojo_vp("run " + text);
  CHECK(garbage.status == kBadInput);
  CHECK(garbage.err.find("not-an-elf.elf") != std::string::npos);

  const Run host_binary = dojo_vp(std::string("run ") + DOJO_VP_BINARY);
  CHECK(host_binary.status == kBadInput);
  CHECK(host_binary.err.find("RISC-V") != std::string::npos);
}

TEST_CASE("an image outside the SRAM is refused") {
  // A bare program (no SDK, so no platform record): the loader's own check.
  const Run run = dojo_vp("run --config core --set memory.sram_base=0x9000_0000 " +
                          firmware("htif_pass"));
  CHECK(run.status == kBadInput);
  CHECK(run.err.find("htif_pass.elf: segment at 0x80000000-0x") != std::string::npos);
  CHECK(run.err.find("lies outside memory") != std::string::npos);
}

TEST_CASE("an SDK program built for another memory map is refused, naming the parameter") {
  const Run moved = dojo_vp("run --set memory.sram_base=0x9000_0000 " + firmware("hello"));
  CHECK(moved.status == kBadInput);
  CHECK(moved.err.find("hello.elf: built for memory.sram_base=0x80000000, but this platform has "
                       "memory.sram_base=0x90000000: rebuild it for this configuration") !=
        std::string::npos);
  const Run dma = dojo_vp("run --set mmio.dma_base=0x0304_0000 " + firmware("dma_wait"));
  CHECK(dma.status == kBadInput);
  CHECK(dma.err.find("built for mmio.dma_base=0x3000000, but this platform has "
                     "mmio.dma_base=0x3040000") != std::string::npos);
  const Run timer = dojo_vp("run --config core --set timer.frequency_hz=1MHz " + firmware("hello"));
  CHECK(timer.status == kBadInput);
  CHECK(timer.err.find("built for timer.frequency_hz=10000000, but this platform has "
                       "timer.frequency_hz=1000000") != std::string::npos);
  // What the program does not depend on may change freely.
  CHECK(dojo_vp("run -q --config core --set core.clock_hz=1GHz " + firmware("hello")).status == 0);
}

TEST_CASE("configuration errors name the key, and the file with line and column") {
  const Run bad_value = dojo_vp("run --set core.clock_hz=fast " + firmware("hello"));
  CHECK(bad_value.status == kBadInput);
  CHECK(bad_value.err.find("core.clock_hz") != std::string::npos);
  CHECK(bad_value.err.find("--set") != std::string::npos);

  const std::string yaml = write_scratch("bad.yaml", "core:\n  clock_hz: 2GHz\n  clok: 3\n");
  const Run unknown = dojo_vp("run --config " + yaml + " " + firmware("hello"));
  CHECK(unknown.status == kBadInput);
  CHECK(unknown.err.find("bad.yaml:3:") != std::string::npos);
  CHECK(unknown.err.find("clok") != std::string::npos);
}

TEST_CASE("dojo-vp without a command prints usage and fails") {
  const Run run = dojo_vp("");
  CHECK(run.status == kBadInput);
  CHECK((run.out + run.err).find("run") != std::string::npos);
}

TEST_CASE("SIGUSR1 makes a running simulation dump its state and go on") {
  // The loop benchmark never ends by itself: once the simulator runs its signal listener (a second
  // thread; a signal before dojo-vp's main blocks it would end the process), ask for a dump, wait for its last line
  // (bounded), then end the run.
  const auto err_path = scratch_dir() / "dump-stderr.txt";
  const auto wait_for = [](const std::string& condition) {
    return "for i in $(seq 300); do " + condition + " && break; sleep 0.1; done; ";
  };
  const std::string script =
      std::string(DOJO_VP_BINARY) + " run --fast-load " + firmware("loop") + " >/dev/null 2>" +
      err_path.string() + " </dev/null & pid=$!; " +
      wait_for("[ $(ls /proc/$pid/task | wc -l) -ge 2 ]") + "kill -USR1 $pid; " +
      wait_for("grep -q 'end of state dump' " + err_path.string()) +
      "kill -0 $pid && still=running; kill -TERM $pid; wait $pid; test \"$still\" = running";
  CHECK(std::system(script.c_str()) == 0);
  const std::string err = read_file(err_path);
  INFO(err);
  CHECK(err.find("dojo-vp: state dump at ") == 0);
  CHECK(err.find("cores 0-3 (core 0,0 of chip 0,0 to core 1,1 of chip 0,0): running, machine "
                 "mode, pc 0x8000000") != std::string::npos);
  CHECK(err.find("core 0 retired next (Spike commit-log format):\n  core   0: 3 0x00000000800000") !=
        std::string::npos);
  CHECK(err.find("\nnetwork: ") != std::string::npos);
  CHECK(err.find("\ndojo-vp: end of state dump\n") != std::string::npos);
}

TEST_CASE("configurations by name are the shipped ones, a wrong name lists them") {
  // A local file named like a shipped configuration shadows it only when given as a path.
  write_scratch("mini.yaml", "core:\n  clock_hz: nonsense\n");
  const std::string in_scratch = "cd " + scratch_dir().string() + " && ";
  const auto run_in_scratch = [&](const std::string& arguments) {
    const auto err = scratch_dir() / "config-stderr.txt";
    const int raw = std::system((in_scratch + DOJO_VP_BINARY + " " + arguments + " >/dev/null 2>" +
                                 err.string()).c_str());
    return std::make_pair(WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, read_file(err));
  };
  CHECK(run_in_scratch("run --config mini " + firmware("hello")).first == 0);
  const auto as_path = run_in_scratch("run --config ./mini.yaml " + firmware("hello"));
  CHECK(as_path.first == kBadInput);
  CHECK(as_path.second.find("mini.yaml:2:") != std::string::npos);

  const Run unknown = dojo_vp("run --config d2 " + firmware("hello"));
  CHECK(unknown.status == kBadInput);
  CHECK(unknown.err.find("'d2' is not a shipped configuration (core, d1, mini, tile)") !=
        std::string::npos);
  const Run missing = dojo_vp("run --config /nonexistent/x.yaml " + firmware("hello"));
  CHECK(missing.status == kBadInput);
  CHECK(missing.err.find("/nonexistent/x.yaml: no such file") != std::string::npos);

  const Run help = dojo_vp("run --help");
  CHECK(help.status == 0);
  CHECK(help.out.find("  mini    one chip of 2x2 D1 cores (the default)\n") != std::string::npos);
  CHECK(help.out.find("  tile    a Dojo training tile of 5x5 D1 chips\n") != std::string::npos);
  CHECK(help.out.find("  124     a watchdog ended the run") != std::string::npos);
}

namespace {

// The CRC-32 semihost_checksum chains over its input.
uint32_t crc32(uint32_t crc, const std::string& data) {
  crc = ~crc;
  for (const char byte : data) {
    crc ^= static_cast<uint8_t>(byte);
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
  }
  return ~crc;
}

}  // namespace

TEST_CASE("semihosting: argv, fopen/fread/fwrite on host files and the exit status, end to end") {
  TempDir root;
  std::string input;
  for (int i = 0; i < 3000; ++i) input += static_cast<char>((i * 7 + i / 13) & 0xff);
  root.write("input.bin", input);
  const Run run = dojo_vp("run --config core --semihosting-root " + root.path().string() + " " +
                          firmware("semihost_checksum") + " -- 25 result.txt");
  CHECK(run.status == 0);
  CHECK(run.out.find("semihost_checksum: PASS") != std::string::npos);
  uint32_t crc = 0;
  for (int i = 0; i < 25; ++i) crc = crc32(crc, input);
  char expected[64];
  std::snprintf(expected, sizeof expected, "iterations=25 crc=0x%08x\n", crc);
  CHECK(read_file(root.path() / "result.txt") == expected);

  // The firmware's failure (no input file) ends the run with its status, through semihosting.
  std::filesystem::remove(root.path() / "input.bin");
  const Run failing = dojo_vp("run --config core --semihosting-root " + root.path().string() + " " +
                              firmware("semihost_checksum") + " -- 25 result.txt");
  CHECK(failing.status == 1);
  CHECK(failing.out.find("FAIL fopen input.bin") != std::string::npos);
}

TEST_CASE("semihosting: every core of a tile has its own command line and file handles") {
  TempDir root;
  root.write("input.bin", std::string(100, 'x'));
  const Run run = dojo_vp("run --semihosting-root " + root.path().string() + " " +
                          firmware("semihost_checksum") + " -- 2 out.txt");
  CHECK(run.status == 0);
  for (const char* core : {"[core 0]", "[core 1]", "[core 32]", "[core 33]"})
    CHECK(run.out.find(std::string(core) + " semihost_checksum: PASS") != std::string::npos);
}

TEST_CASE("without --semihosting-root the semihosting sequence is an ordinary breakpoint") {
  const Run run = dojo_vp("run --config core " + firmware("semihost_checksum"));
  CHECK(run.status == 100);
  CHECK(run.out.find("unhandled trap: breakpoint") != std::string::npos);
}

TEST_CASE("semihosting: paths that leave the root are refused, with a warning") {
  TempDir root, outside;
  outside.write("secret.txt", "secret");
  std::filesystem::create_symlink(outside.path(), root.path() / "link");
  const std::string escape = "../" + outside.path().filename().string() + "/secret.txt";
  const Run run = dojo_vp("run --config core --semihosting-root " + root.path().string() + " " +
                          firmware("semihost_escape") + " -- " + escape + " " +
                          (outside.path() / "secret.txt").string() + " link/secret.txt link/new.txt");
  CHECK(run.status == 0);
  CHECK(run.out.find("semihost_escape: PASS") != std::string::npos);
  // SystemC prints warnings with the console's output.
  CHECK((run.out + run.err).find("'link/new.txt' refused: the path leaves the semihosting root") !=
        std::string::npos);
  CHECK(read_file(outside.path() / "secret.txt") == "secret");
  CHECK_FALSE(std::filesystem::exists(outside.path() / "new.txt"));
}

TEST_CASE("semihosting options: arguments need a root, and the root must be a directory") {
  const Run no_root = dojo_vp("run " + firmware("hello") + " -- 1 2");
  CHECK(no_root.status == kBadInput);
  CHECK(no_root.err.find("--semihosting-root") != std::string::npos);
  const Run bad_root = dojo_vp("run --semihosting-root /nonexistent/dir " + firmware("hello"));
  CHECK(bad_root.status == kBadInput);
  CHECK(bad_root.err.find("/nonexistent/dir") != std::string::npos);
}

TEST_CASE("signature: the area between begin_signature and end_signature, as Spike writes it") {
  const std::string path = (scratch_dir() / "signature.txt").string();
  const Run run = dojo_vp("run --config core --signature " + path + " " + firmware("signature"));
  CHECK(run.status == 0);
  CHECK(read_file(path) == "11223344\nffffffff\n89abcdef\n01234567\n");
  const Run wide = dojo_vp("run --config core --signature " + path +
                           " --signature-granularity 8 " + firmware("signature"));
  CHECK(wide.status == 0);
  CHECK(read_file(path) == "ffffffff11223344\n0123456789abcdef\n");

  // One file per core when several run the image.
  const std::string each = (scratch_dir() / "each.sig").string();
  CHECK(dojo_vp("run --signature " + each + " " + firmware("signature")).status == 0);
  CHECK(read_file((scratch_dir() / "each-core33.sig").string()) ==
        "11223344\nffffffff\n89abcdef\n01234567\n");

  const Run none = dojo_vp("run --config core --signature " + path + " " + firmware("hello"));
  CHECK(none.status == kBadInput);
  CHECK(none.err.find("no core's image defines begin_signature and end_signature") !=
        std::string::npos);
  const Run uneven = dojo_vp("run --config core --signature " + path +
                             " --signature-granularity 3 " + firmware("signature"));
  CHECK(uneven.status == kBadInput);
  CHECK(uneven.err.find("is not a multiple of --signature-granularity 3 bytes") != std::string::npos);
}

TEST_CASE("dma_wait sleeps in WFI for the DMA engine instead of polling") {
  const auto path = scratch_dir() / "dma_wait.json";
  const Run run = dojo_vp("run --config core --stats-file " + path.string() + " " +
                          firmware("dma_wait"));
  CHECK(run.status == 0);
  CHECK(run.out.find("dma_wait: PASS") != std::string::npos);
  const std::string json = read_file(path);
  const auto wfi = json.find("\"wfi_cycles\": ");
  REQUIRE(wfi != std::string::npos);
  // Three waits for a 64 KiB copy (about 1,100 cycles each) spent asleep.
  CHECK(std::stoull(json.substr(wfi + 14)) > 3 * 900);
}

TEST_CASE("start-up code leaves .bss to the loader, which zeroed it, in both boot modes") {
  for (const char* boot : {"true", "false"}) {
    CAPTURE(boot);
    const Run run = dojo_vp(std::string("run --set boot.fast_load=") + boot + " " +
                            firmware("bss_zero"));
    CHECK(run.status == 0);
    CHECK(run.out.find("bss_zero: PASS") != std::string::npos);
    // Clearing 384 KiB would take about 196,000 instructions.
    const auto at = run.out.find("start-up took ");
    REQUIRE(at != std::string::npos);
    CHECK(std::stoull(run.out.substr(at + 14)) < 200);
  }
}

TEST_CASE("cores[...] gives the cores it selects their own values, the others keep the rest") {
  // Two cores of one chip run the same program; the second at half the clock and with slower
  // multiplications takes the same instructions, more cycles, and twice the time per cycle.
  const auto path = scratch_dir() / "per_core.json";
  const Run run = dojo_vp("run --set mesh.width=2 --set mesh.height=1 --set boot.fast_load=true"
                          " --set 'cores[1,0].core.clock_hz=1GHz'"
                          " --set 'cores[1,0].core.cycles.mul=30' --stats-file " +
                          path.string() + " " + firmware("compute"));
  REQUIRE(run.status == 0);
  const std::string json = read_file(path);
  const auto field = [&json](const std::string& key, size_t from) {
    const auto at = json.find("\"" + key + "\": ", from);
    REQUIRE(at != std::string::npos);
    return std::stoull(json.substr(at + key.size() + 4));
  };
  const auto first = json.find("{\"hartid\": 0,"), second = json.find("{\"hartid\": 1,");
  REQUIRE(first != std::string::npos);
  REQUIRE(second != std::string::npos);
  CHECK(field("instructions", first) == field("instructions", second));
  CHECK(field("cycles", second) > field("cycles", first));
  // The run lasts as long as the slower core: its cycles at 1 ns each.
  CHECK(field("simulated_time_ps", 0) >= field("cycles", second) * 1000);
}
