#include "vector_commands.h"

#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <set>
#include <stdexcept>
#include <string>

#include "vector/cosim_random.h"
#include "vector/lockstep_engine.h"
#include "vector/rtl_engine.h"
#include "vector/vector_model.h"
#include "vector/vector_trace.h"

namespace dojo::platform {
namespace {

constexpr int kExitFailed = 125;  // as a fatal run
constexpr int kExitBadInput = 2;

struct CosimRandomCommand {
  vector::CosimRandomOptions options;
  bool seed_given = false;
  std::string engine = "lockstep";
};

}  // namespace

std::function<int()> add_cosim_random_command(CLI::App& app, const TileExtensions& extensions) {
  auto command = std::make_shared<CosimRandomCommand>();
  CLI::App* sub = app.add_subcommand(
      "cosim-random",
      "Run a constrained-random vector instruction stream through the vector unit's RTL");
  sub->add_option("--seed", command->options.seed,
                  "The stream's seed (default: a fresh one, printed so the run can be repeated)")
      ->each([command](const std::string&) { command->seed_given = true; });
  sub->add_option("--instructions", command->options.instructions,
                  "Vector instructions in the stream (default 3000)")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 40));
  sub->add_option("--engine", command->engine,
                  "lockstep: the RTL against the reference model, every result compared "
                  "(default); rtl: the RTL alone under its protocol checkers and assertions")
      ->check(CLI::IsMember({"lockstep", "rtl"}));
  sub->add_option("--coverage-out", command->options.coverage_out,
                  "Write the RTL's code coverage and (in lockstep) the vector ISA's functional "
                  "coverage to FILE, in Verilator's format (docs/cosim.md#coverage)");
  sub->add_option("--rsp-backpressure", command->options.response_backpressure,
                  "The chance, per cycle, that the core refuses a response (rsp_ready low), "
                  "drawn from the seed (default 0; lockstep then compares values, not cycles)")
      ->check(CLI::Range(0.0, 0.9));
  sub->add_option("--full-compare-every", command->options.full_compare_every,
                  "In lockstep, also compare the whole register file every N instructions "
                  "(default 64; 0: at the end only)");
  return [command, sub, &extensions]() {
    if (!*sub) return 0;
    vector::CosimRandomOptions options = command->options;
    if (!command->seed_given) options.seed = std::random_device{}();
    options.lockstep = command->engine == "lockstep";
    std::cout << "cosim-random: seed " << options.seed << ", " << options.instructions
              << " instructions, engine " << command->engine << " (repeat with --seed "
              << options.seed << " --instructions " << options.instructions << " --engine "
              << command->engine;
    if (options.response_backpressure > 0)
      std::cout << " --rsp-backpressure " << options.response_backpressure;
    std::cout << ")" << std::endl;
    std::unique_ptr<vector::VectorEngine> rtl = std::make_unique<vector::RtlEngine>();
    if (extensions.wrap_checked_vector_engine)
      rtl = extensions.wrap_checked_vector_engine(std::move(rtl), 0);
    const vector::CosimRandomResult result = vector::run_cosim_random(options, std::move(rtl));
    if (!result.passed) {
      std::cout << "cosim-random: FAIL" << std::endl;
      std::cerr << "dojo-vp: cosim-random: " << result.failure << "\n";
      return kExitFailed;
    }
    std::cout << "cosim-random: PASS, " << result.executed << " executed, " << result.illegal
              << " illegal, " << result.csr_writes << " CSR writes, " << result.cycles
              << " unit cycles";
    if (options.response_backpressure > 0)
      std::cout << ", responses held " << result.response_held_cycles << " cycles";
    std::cout << std::endl;
    return 0;
  };
}

std::function<int()> add_vector_replay_command(CLI::App& app) {
  struct Options {
    std::string file;
    std::string engine = "rtl";
    int64_t core = -1;
  };
  auto options = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand(
      "vector-replay", "Run a vector trace (run --vector-trace) again on the vector unit's RTL");
  sub->add_option("trace", options->file, "The trace file")->required();
  sub->add_option("--engine", options->engine,
                  "rtl: the RTL alone (default); lockstep: the RTL against the reference model")
      ->check(CLI::IsMember({"rtl", "lockstep"}));
  sub->add_option("--core", options->core, "Replay only this core's stream (default: each in turn)");
  return [options, sub]() {
    if (!*sub) return 0;
    std::ifstream in(options->file);
    if (!in) {
      std::cerr << "dojo-vp: vector-replay: cannot read '" << options->file << "'\n";
      return kExitBadInput;
    }
    std::vector<vector::VectorTraceEvent> events;
    try {
      events = vector::read_vector_trace(in, options->file);
    } catch (const std::runtime_error& error) {
      std::cerr << "dojo-vp: vector-replay: " << error.what() << "\n";
      return kExitBadInput;
    }
    std::set<uint64_t> cores;
    for (const vector::VectorTraceEvent& e : events) cores.insert(e.core);
    if (options->core >= 0) {
      if (!cores.count(uint64_t(options->core))) {
        std::cerr << "dojo-vp: vector-replay: " << options->file << " has no events of core "
                  << options->core << "\n";
        return kExitBadInput;
      }
      cores = {uint64_t(options->core)};
    }
    int status = 0;
    for (const uint64_t core : cores) {
      std::unique_ptr<vector::VectorEngine> engine = std::make_unique<vector::RtlEngine>();
      if (options->engine == "lockstep")
        engine = std::make_unique<vector::LockstepEngine>(
            unsigned(core), std::make_unique<vector::VectorModel>(), std::move(engine));
      const vector::ReplayResult result = vector::replay_vector_trace(events, core, *engine);
      std::cout << "vector-replay: core " << core << ", " << result.events << " events on "
                << options->engine << ": " << (result.passed ? "PASS" : "FAIL") << std::endl;
      if (!result.passed) {
        std::cerr << "dojo-vp: vector-replay: core " << core << ", " << result.failure << "\n";
        status = kExitFailed;
      }
    }
    return status;
  };
}

}  // namespace dojo::platform
