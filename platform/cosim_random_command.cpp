#include "cosim_random_command.h"

#include <iostream>
#include <memory>
#include <random>
#include <string>

#include "vector/cosim_random.h"
#include "vector/rtl_engine.h"

namespace dojo::platform {
namespace {

constexpr int kExitFailed = 125;  // as a fatal run

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
              << command->engine << ")" << std::endl;
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
              << " unit cycles" << std::endl;
    return 0;
  };
}

}  // namespace dojo::platform
