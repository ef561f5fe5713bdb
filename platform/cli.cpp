// dojo-vp's command line. `dojo-vp run FIRMWARE.elf` boots a firmware image on the platform;
// `dojo-vp config` prints the effective configuration and `dojo-vp params` every parameter.
#include "cli.h"

#include <CLI/CLI.hpp>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <systemc>

#include "config.h"
#include "config_catalog.h"
#include "core/commit_log.h"
#include "elf_loader.h"
#include "gdb_server.h"
#include "noc_sim.h"
#include "sdk_header.h"
#include "signature.h"
#include "state_dump.h"
#include "tile.h"
#include "trace/timeline.h"
#include "vector/rtl_engine.h"
#include "vector/vector_trace.h"
#include "vector_commands.h"

namespace {

using dojo::platform::PlatformConfig;

// Exit statuses of the simulator itself (a firmware's own status passes through unchanged).
constexpr int kExitBadInput = 2;    // command line, configuration or firmware image
constexpr int kExitWatchdog = 124;  // instruction or simulated-time limit, as timeout(1) does
constexpr int kExitFatal = 125;     // the simulated platform cannot go on
constexpr int kExitKilled = 137;    // the debugger ended the run (GDB's kill), as SIGKILL would
// stdout was closed by its reader (e.g. `| head`): the status of a program that SIGPIPE ends, as
// shells and `set -o pipefail` expect of a writer to a closed pipe; SIGPIPE itself is ignored.
constexpr int kExitOutputClosed = 141;

// The configuration used without --config: one chip of 2x2 cores.
constexpr const char* kDefaultConfig = "mini";

struct ConfigOptions {
  std::filesystem::path shipped_dir;  // the shipped configurations
  std::string config_file;
  std::vector<std::string> overrides;

  void add_to(CLI::App& command) {
    command.add_option("-c,--config", config_file,
                       "A shipped configuration by name (listed below; default: mini), or a "
                       "YAML file by its path");
    // One value per occurrence, so that a positional argument after it is not taken as another.
    command.add_option("-s,--set", overrides, "Override one parameter: key=value (repeatable)")
        ->allow_extra_args(false);
  }

  PlatformConfig build() const {
    PlatformConfig config;
    dojo::platform::load_config_file(
        config, dojo::platform::resolve_config(config_file.empty() ? kDefaultConfig : config_file,
                                               shipped_dir));
    for (const auto& assignment : overrides) dojo::platform::apply_override(config, assignment);
    dojo::platform::validate(config);
    return config;
  }
};

// Writes `text` to a temporary file beside `path`, then renames it over `path`: a reader never sees
// half a file. Throws std::runtime_error naming the file.
void write_file_atomically(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary);
    out << text;
    if (!out.flush()) throw std::runtime_error("cannot write " + temporary);
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) throw std::runtime_error("cannot write " + path + ": " + error.message());
}

struct RunOptions;
dojo::trace::TimelineOptions timeline_options(const RunOptions& options);

struct RunOptions {
  ConfigOptions config;
  std::string firmware;
  std::vector<std::string> images;
  bool fast_load = false;
  std::string max_instructions;
  std::string timeout;
  std::string threads;
  bool quiet = false;
  bool stats = false;
  std::string stats_file;
  std::string signature;
  unsigned signature_granularity = 4;
  std::string trace_rtl;
  std::string coverage_out;
  std::string vector_trace;
  uint64_t trace_rtl_from = 0;
  uint64_t trace_rtl_last = 0;
  std::string trace_rtl_window;
  std::string timeline;
  std::string timeline_window;
  std::string timeline_filter;
  int gdb_port = -1;  // --gdb: serve GDB on this port (0: any free one); -1: no debugger
  std::string gdb_address = "127.0.0.1";
  std::string log_commits;
  std::string log_commits_cores = "*";
  std::string log_commits_pc;
  std::string log_commits_window;
  std::string semihosting_root;
  std::vector<std::string> firmware_arguments;  // after `--`
};

// A number of a command-line option, decimal or 0x-hexadecimal; throws ConfigError.
uint64_t parse_option_number(const std::string& text, const std::string& option) {
  size_t used = 0;
  uint64_t value = 0;
  try {
    value = std::stoull(text, &used, 0);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || text[0] == '-')
    throw dojo::platform::ConfigError(option + ": '" + text + "' is not a number");
  return value;
}

// --log-commits-pc A:B and --log-commits-window N:M; throws ConfigError.
dojo::core::CommitFilter commit_filter(const RunOptions& options) {
  dojo::core::CommitFilter filter;
  // "A:B" with either side optional.
  const auto split = [](const std::string& text, const std::string& option, const char* example) {
    const auto colon = text.find(':');
    if (colon == std::string::npos)
      throw dojo::platform::ConfigError(option + ": '" + text + "' is not " + example);
    return std::make_pair(text.substr(0, colon), text.substr(colon + 1));
  };
  if (!options.log_commits_pc.empty()) {
    const std::string option = "--log-commits-pc";
    const auto [begin, end] =
        split(options.log_commits_pc, option, "A:B (e.g. 0x80000000:0x80001000)");
    if (!begin.empty()) filter.pc_begin = parse_option_number(begin, option);
    if (!end.empty()) filter.pc_end = parse_option_number(end, option);
    if (filter.pc_begin >= filter.pc_end)
      throw dojo::platform::ConfigError(option + ": '" + options.log_commits_pc + "' is empty");
  }
  if (!options.log_commits_window.empty()) {
    const std::string option = "--log-commits-window";
    const auto [first, last] = split(options.log_commits_window, option, "N:M (e.g. 1:1000)");
    if (!first.empty()) filter.first_index = parse_option_number(first, option);
    if (!last.empty()) filter.last_index = parse_option_number(last, option);
    if (filter.first_index == 0 || filter.first_index > filter.last_index)
      throw dojo::platform::ConfigError(option + ": '" + options.log_commits_window +
                                        "' is not 1 <= N <= M (instructions count from 1)");
  }
  return filter;
}

// A window of simulated time, START:END with either side optional (e.g. 0:50us or 1ms:), into
// `start_ps` and `end_ps` (left as they are for a missing side); throws ConfigError.
void parse_time_window(const std::string& text, const std::string& option, uint64_t& start_ps,
                       uint64_t& end_ps) {
  const auto colon = text.find(':');
  if (colon == std::string::npos)
    throw dojo::platform::ConfigError(option + ": '" + text + "' is not START:END (e.g. 0:50us)");
  try {
    const std::string start = text.substr(0, colon);
    const std::string end = text.substr(colon + 1);
    if (!start.empty()) start_ps = dojo::platform::parse_time_ps(start);
    if (!end.empty()) end_ps = dojo::platform::parse_time_ps(end);
  } catch (const std::invalid_argument& error) {
    throw dojo::platform::ConfigError(option + ": '" + text + "': " + error.what());
  }
}

// --trace-rtl-from N and --trace-rtl-window START:END; throws ConfigError.
dojo::vector::TraceWindow rtl_trace_window(const RunOptions& options) {
  dojo::vector::TraceWindow window;
  window.first_instruction = options.trace_rtl_from;
  window.last_cycles = options.trace_rtl_last;
  if (options.trace_rtl_window.empty()) return window;
  parse_time_window(options.trace_rtl_window, "--trace-rtl-window", window.start_ps, window.end_ps);
  if (window.start_ps >= window.end_ps)
    throw dojo::platform::ConfigError("--trace-rtl-window: '" + options.trace_rtl_window + "' is empty");
  return window;
}

// --timeline-window START:END and --timeline-filter core,noc,...; throws ConfigError.
dojo::trace::TimelineOptions timeline_options(const RunOptions& options) {
  dojo::trace::TimelineOptions timeline;
  if (!options.timeline_window.empty())
    parse_time_window(options.timeline_window, "--timeline-window", timeline.window_start_ps,
                      timeline.window_end_ps);
  if (!options.timeline_filter.empty()) {
    timeline.categories = 0;
    std::stringstream names(options.timeline_filter);
    for (std::string name; std::getline(names, name, ',');) {
      const std::pair<const char*, dojo::trace::Category> known[] = {
          {"core", dojo::trace::Category::core}, {"noc", dojo::trace::Category::noc},
          {"dma", dojo::trace::Category::dma}, {"vector", dojo::trace::Category::vector}};
      bool found = false;
      for (const auto& [known_name, category] : known) {
        if (name == known_name) {
          timeline.categories |= static_cast<unsigned>(category);
          found = true;
        }
      }
      if (!found)
        throw dojo::platform::ConfigError("--timeline-filter: unknown kind '" + name +
                                          "' (use core, noc, dma, vector)");
    }
  }
  return timeline;
}

int run(const RunOptions& options, const dojo::platform::TileExtensions& extensions) {
  PlatformConfig config = options.config.build();
  if (!options.max_instructions.empty()) {
    dojo::platform::apply_override(config, "simulation.max_instructions=" + options.max_instructions);
  }
  if (!options.timeout.empty()) {
    dojo::platform::apply_override(config, "simulation.timeout=" + options.timeout);
  }
  if (!options.threads.empty()) {
    dojo::platform::apply_override(config, "simulation.threads=" + options.threads);
  }
  if (options.fast_load) config.boot.fast_load = true;
  // --image entries come before the configuration's, so they win.
  std::vector<dojo::platform::ImageAssignment> images;
  for (const auto& image : options.images) {
    const auto parsed = dojo::platform::parse_image_assignments(image, "--image");
    dojo::platform::check_image_assignments(config, parsed, "--image");
    images.insert(images.end(), parsed.begin(), parsed.end());
  }
  config.boot.images.insert(config.boot.images.begin(), images.begin(), images.end());
  dojo::platform::validate(config);
  if (options.firmware.empty() && config.boot.images.empty()) {
    std::cerr << "dojo-vp: run: give a firmware ELF, or --image CORES=FILE.elf entries\n";
    return kExitBadInput;
  }

  if (!options.firmware_arguments.empty() && options.semihosting_root.empty()) {
    std::cerr << "dojo-vp: run: arguments after -- reach the firmware only through semihosting: "
                 "give --semihosting-root DIR\n";
    return kExitBadInput;
  }

  const dojo::vector::TraceWindow rtl_window = rtl_trace_window(options);
  std::unique_ptr<dojo::trace::Timeline> timeline;
  if (!options.timeline.empty()) {
    timeline = std::make_unique<dojo::trace::Timeline>(options.timeline, timeline_options(options));
  }

  std::ofstream commit_file;
  std::unique_ptr<dojo::core::CommitLog> commit_log;
  dojo::platform::CoreSelector commit_cores;
  if (!options.log_commits.empty()) {
    const dojo::core::CommitFilter filter = commit_filter(options);
    try {
      commit_cores = dojo::platform::parse_core_selector(options.log_commits_cores);
    } catch (const std::invalid_argument& error) {
      throw dojo::platform::ConfigError("--log-commits-cores: '" + options.log_commits_cores +
                                        "': " + error.what());
    }
    commit_file.open(options.log_commits, std::ios::binary);
    if (!commit_file)
      throw dojo::platform::ConfigError("--log-commits: cannot write " + options.log_commits);
    commit_log = std::make_unique<dojo::core::CommitLog>(commit_file, filter);
  }

  const auto wall_start = std::chrono::steady_clock::now();
  // Never destroyed: SystemC unregisters each object with a linear search, so tearing down a tile
  // of thousands of cores takes longer than running it, and the process ends right after anyway.
  const dojo::platform::SemihostingOptions semihosting{options.semihosting_root,
                                                        options.firmware_arguments};
  auto& tile =
      *new dojo::platform::Tile("tile", config, options.firmware, std::cout, semihosting, extensions);
  new dojo::platform::StateDump("state_dump", tile, std::cerr);  // lives as long as the tile
  if (timeline) tile.trace_to(*timeline);
  if (commit_log) tile.log_commits(*commit_log, commit_cores);
  if (!options.trace_rtl.empty()) tile.trace_rtl(options.trace_rtl, rtl_window);
  if (!options.coverage_out.empty()) tile.count_rtl_coverage(options.coverage_out);
  std::ofstream vector_trace_file;
  if (!options.vector_trace.empty()) {
    vector_trace_file.open(options.vector_trace);
    if (!(vector_trace_file << dojo::vector::vector_trace_header << "\n"))
      throw dojo::platform::ConfigError("--vector-trace: cannot write '" + options.vector_trace + "'");
    tile.record_vector_traces(vector_trace_file);
  }
  if (!options.signature.empty())
    dojo::platform::check_signature_images(tile, options.signature_granularity);
  std::unique_ptr<dojo::platform::GdbServer> gdb;
  if (options.gdb_port >= 0) {
    dojo::platform::GdbServerParams params;
    params.address = options.gdb_address;
    params.port = static_cast<uint16_t>(options.gdb_port);
    gdb = std::make_unique<dojo::platform::GdbServer>("gdb", tile, params);
    std::cerr << "dojo-vp: waiting for GDB on " << options.gdb_address << ":" << gdb->port() << std::endl;
    gdb->accept_debugger();
  }
  const dojo::platform::RunResult result = tile.run();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  std::cout.flush();
  if (commit_log && !commit_file.flush())
    throw std::runtime_error("--log-commits: cannot write " + options.log_commits);
  if (vector_trace_file.is_open() && !vector_trace_file.flush())
    throw std::runtime_error("--vector-trace: cannot write " + options.vector_trace);

  // Written whatever the outcome: a failing architectural test's signature shows what went wrong.
  if (!options.coverage_out.empty()) tile.write_rtl_coverage(options.coverage_out);
  if (!options.signature.empty())
    dojo::platform::write_signatures(tile, options.signature, options.signature_granularity);

  if (gdb && gdb->killed()) {
    std::cerr << "dojo-vp: the debugger ended the run\n";
    return kExitKilled;
  }

  int status = result.exit_status;
  switch (result.outcome) {
    case dojo::platform::RunResult::Outcome::exited:
      if (!options.quiet && status != 0) {
        std::cerr << "dojo-vp: " << result.exit_image << " on " << result.exit_core
                  << " exited with status " << status << "\n";
      }
      // A process status keeps 8 bits: a failure must never read as a pass or as another code.
      if (status < 0) {
        std::cerr << "dojo-vp: error: a device ended the run with an error (see its warning)\n";
        status = kExitFatal;
      } else if (status > 255) {
        std::cerr << "dojo-vp: status " << status << " does not fit a process exit status: exiting 255\n";
        status = 255;
      }
      break;
    case dojo::platform::RunResult::Outcome::watchdog:
      std::cerr << "dojo-vp: watchdog: " << result.message << "\n";
      status = kExitWatchdog;
      break;
    case dojo::platform::RunResult::Outcome::fatal:
      std::cerr << "dojo-vp: error: " << result.message << "\n";
      status = kExitFatal;
      break;
    case dojo::platform::RunResult::Outcome::output_closed:
      std::cerr << "dojo-vp: " << result.message << "\n";
      status = kExitOutputClosed;
      break;
  }
  if (gdb) {
    const bool exited = result.outcome == dojo::platform::RunResult::Outcome::exited;
    gdb->finish(status, exited ? "" : "dojo-vp: " + result.message);
  }
  if (timeline) {
    timeline->finish();
    if (timeline->dropped() != 0 && !options.quiet)
      std::cerr << "dojo-vp: timeline: " << timeline->dropped()
                << " spans left out past the limit; narrow it with --timeline-window or "
                   "--timeline-filter\n";
  }
  if (options.stats || !options.stats_file.empty()) {
    dojo::platform::RunStatistics statistics = tile.statistics(result);
    statistics.wall_time_s = wall;
    if (!options.stats_file.empty())
      write_file_atomically(options.stats_file, dojo::platform::to_json(statistics));
    if (options.stats) std::cerr << dojo::platform::to_text(statistics, false);
  }
  return status;
}

// The shipped configurations and the exit statuses, under every --help.
std::string help_footer(const std::filesystem::path& shipped_dir) {
  std::string text = "\nShipped configurations (--config NAME";
  text += shipped_dir.empty() ? ", none found" : ", in " + shipped_dir.string();
  text += "):\n";
  for (const auto& config : dojo::platform::shipped_configs(shipped_dir))
    text += "  " + config.name + std::string(config.name.size() < 8 ? 8 - config.name.size() : 1, ' ') +
            config.summary + (config.name == kDefaultConfig ? " (the default)" : "") + "\n";
  text += "\nExit status of run:\n"
          "  0-255   the firmware's own status (the first non-zero one over the cores)\n"
          "  " + std::to_string(kExitBadInput) + "       bad input: command line, configuration, firmware image\n"
          "  " + std::to_string(kExitWatchdog) + "     a watchdog ended the run (--timeout, --max-instructions)\n"
          "  " + std::to_string(kExitFatal) + "     the platform cannot go on (trap loop, deadlock, lockstep mismatch)\n"
          "  " + std::to_string(kExitKilled) + "     the debugger ended the run\n"
          "  " + std::to_string(kExitOutputClosed) + "     stdout was closed by its reader (e.g. | head): the run stopped there\n"
          "See docs/cli.md.";
  return text;
}

}  // namespace

int dojo::platform::run_command_line(int argc, char* argv[], const TileExtensions& extensions) {
  CLI::App app{"dojo-vp: a SystemC/TLM-2.0 virtual platform of a Dojo-style training tile"};
  std::error_code no_link;
  const std::filesystem::path executable = std::filesystem::read_symlink("/proc/self/exe", no_link);
  const std::filesystem::path shipped_dir =
      dojo::platform::find_shipped_config_dir(no_link ? std::filesystem::absolute(argv[0]) : executable);
  app.footer(help_footer(shipped_dir));
  app.require_subcommand(1);
  app.set_version_flag("--version", "dojo-vp 0.1");

  RunOptions run_options;
  run_options.config.shipped_dir = shipped_dir;
  CLI::App* run_command = app.add_subcommand("run", "Boot a firmware ELF on the platform");
  run_options.config.add_to(*run_command);
  run_command->add_option("firmware", run_options.firmware,
                          "RISC-V ELF64 firmware image for every core (or those --image leaves)");
  run_command->add_option("--image", run_options.images,
                          "CORES=FILE.elf: run FILE on the selected cores, e.g. 0,0=ping.elf or "
                          "0-17,10-19=b.elf or 1,0:*=c.elf (repeatable; first match wins)")
      ->allow_extra_args(false);
  run_command->add_flag("--fast-load", run_options.fast_load,
                        "Write images straight into SRAM at time 0 instead of booting through the "
                        "host interface");
  run_command->add_option("--max-instructions", run_options.max_instructions,
                          "Watchdog: stop a core after this many instructions");
  run_command->add_option("--timeout", run_options.timeout,
                          "Watchdog: stop at this simulated time (e.g. 10ms)");
  run_command->add_option("--threads", run_options.threads,
                          "Host threads simulating the cores (simulation.threads; 0 = one per host "
                          "core); the results are the same for every count");
  run_command->add_flag("-q,--quiet", run_options.quiet, "Print nothing but the firmware's output and errors");
  run_command->add_flag("--stats", run_options.stats,
                        "Print the statistics' totals (instructions, simulated time, wall time, MIPS, ...) to stderr");
  CLI::Option* trace_rtl =
      run_command->add_option("--trace-rtl", run_options.trace_rtl,
                              "Write a waveform (FILE.fst or FILE.vcd) of the vector unit RTL of each "
                              "core running it (vector.model rtl or lockstep)");
  CLI::Option* trace_rtl_from =
      run_command->add_option("--trace-rtl-from", run_options.trace_rtl_from,
                              "Start the waveform at this vector instruction of each core (default 0)")
          ->needs(trace_rtl);
  CLI::Option* trace_rtl_window =
      run_command->add_option("--trace-rtl-window", run_options.trace_rtl_window,
                              "Only record the waveform within START:END of simulated time, e.g. 10us:20us")
          ->needs(trace_rtl);
  run_command->add_option("--trace-rtl-last", run_options.trace_rtl_last,
                          "Only the last N cycles before a lockstep mismatch or the end, written "
                          "then (the run records no waveform as it goes)")
      ->needs(trace_rtl)
      ->excludes(trace_rtl_from)
      ->excludes(trace_rtl_window)
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 40));
  run_command->add_option("--vector-trace", run_options.vector_trace,
                          "Record every vector instruction (operands, results, cycles) of every "
                          "core to FILE, for dojo-vp vector-replay");
  run_command->add_option("--coverage-out", run_options.coverage_out,
                          "Write the vector unit RTL's code coverage, and in lockstep the vector "
                          "ISA's functional coverage, to FILE (Verilator's format; one per RTL "
                          "core, -core<hartid>, with several)");
  run_command->add_option("--timeline", run_options.timeline,
                          "Write a Perfetto/Chrome trace (JSON) of cores, network and DMA to FILE");
  run_command->add_option("--timeline-window", run_options.timeline_window,
                          "Only spans within START:END of simulated time, e.g. 0:50us or 1ms:");
  run_command->add_option("--timeline-filter", run_options.timeline_filter,
                          "Only these kinds of spans: a comma list of core, noc, dma, vector");
  run_command->add_option("--gdb", run_options.gdb_port,
                          "Wait for GDB on this TCP port (0: any free one, printed) and run under "
                          "its control; see docs/debugging.md")
      ->check(CLI::Range(0, 65535));
  run_command->add_option("--gdb-address", run_options.gdb_address,
                          "Interface the GDB server listens on (default 127.0.0.1: this machine only)");
  CLI::Option* signature =
      run_command->add_option("--signature", run_options.signature,
                              "At the end, write the memory between the image's begin_signature "
                              "and end_signature symbols to FILE, as Spike's +signature does");
  run_command->add_option("--signature-granularity", run_options.signature_granularity,
                          "Bytes per line of the signature file (default 4)")
      ->check(CLI::Range(1, 64))
      ->needs(signature);
  run_command->add_option("--stats-file", run_options.stats_file,
                          "Write every statistic (cores, links, packets, DMA) as JSON to this file");
  CLI::Option* log_commits =
      run_command->add_option("--log-commits", run_options.log_commits,
                              "Write an instruction trace in Spike's commit-log format to FILE "
                              "(one line per retired instruction; slows the logged cores down)");
  run_command->add_option("--log-commits-cores", run_options.log_commits_cores,
                          "Log only these cores (a selector as --image takes, default *)")
      ->needs(log_commits);
  run_command->add_option("--log-commits-pc", run_options.log_commits_pc,
                          "Log only instructions whose pc is in [A, B), e.g. 0x80000000:0x80001000")
      ->needs(log_commits);
  run_command->add_option("--log-commits-window", run_options.log_commits_window,
                          "Log only each core's Nth to Mth retired instruction (from 1), e.g. 1:1000")
      ->needs(log_commits);

  run_command->add_option("--semihosting-root", run_options.semihosting_root,
                          "Serve the firmware's semihosting calls (files beneath DIR, the command "
                          "line, :tt console, exit); without it they are breakpoints");

  ConfigOptions config_options;
  config_options.shipped_dir = shipped_dir;
  CLI::App* config_command = app.add_subcommand("config", "Print the effective configuration as YAML");
  config_options.add_to(*config_command);
  CLI::App* params_command = app.add_subcommand("params", "List every configuration parameter");
  bool params_markdown = false;
  params_command->add_flag("--markdown", params_markdown,
                           "As docs/configuration.md's table (Markdown)");
  ConfigOptions sdk_config_options;
  sdk_config_options.shipped_dir = shipped_dir;
  CLI::App* sdk_header_command = app.add_subcommand(
      "sdk-header", "Print the firmware SDK's memory map, <dojo/memory_map.h>, for a configuration");
  sdk_config_options.add_to(*sdk_header_command);
  std::string sdk_header_output;
  sdk_header_command->add_option("-o,--output", sdk_header_output,
                                 "Write it to FILE (left untouched if unchanged) instead of stdout");
  const auto run_noc_sim = dojo::platform::add_noc_sim_command(app);
  const auto run_cosim_random = dojo::platform::add_cosim_random_command(app, extensions);
  const auto run_vector_replay = dojo::platform::add_vector_replay_command(app);

  if (argc < 2) {
    std::cerr << app.help();
    return kExitBadInput;
  }
  // `run ... FIRMWARE.elf -- ARGS...`: everything after the first `--` is the firmware's.
  int own_arguments = argc;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--") {
      own_arguments = i;
      run_options.firmware_arguments.assign(argv + i + 1, argv + argc);
      break;
    }
  }
  try {
    app.parse(own_arguments, argv);
  } catch (const CLI::ParseError& error) {
    const int status = app.exit(error);
    return status == 0 ? 0 : kExitBadInput;
  }

  sc_core::sc_report_handler::set_actions("/IEEE_Std_1666/deprecated", sc_core::SC_DO_NOTHING);
  // The kernel's "Simulation stopped by user" note is noise here.
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  try {
    if (*run_command) return run(run_options, extensions);
    if (app.got_subcommand("noc-sim")) return run_noc_sim();
    if (app.got_subcommand("cosim-random")) return run_cosim_random();
    if (app.got_subcommand("vector-replay")) return run_vector_replay();
    if (*config_command) {
      std::cout << dojo::platform::to_yaml(config_options.build());
    } else if (*sdk_header_command) {
      const std::string origin = "configuration " + (sdk_config_options.config_file.empty()
                                                         ? std::string(kDefaultConfig)
                                                         : sdk_config_options.config_file) +
                                 (sdk_config_options.overrides.empty() ? "" : " with --set");
      const std::string header =
          dojo::platform::sdk_memory_map_header(sdk_config_options.build(), origin);
      if (sdk_header_output.empty()) {
        std::cout << header;
      } else {
        std::ifstream existing(sdk_header_output, std::ios::binary);
        const std::string current((std::istreambuf_iterator<char>(existing)),
                                  std::istreambuf_iterator<char>());
        if (current != header) {
          const auto folder = std::filesystem::path(sdk_header_output).parent_path();
          if (!folder.empty()) std::filesystem::create_directories(folder);
          write_file_atomically(sdk_header_output, header);
        }
      }
    } else if (params_markdown) {
      std::cout << dojo::platform::parameter_table_markdown();
    } else {
      for (const auto& parameter : dojo::platform::describe_parameters()) {
        std::cout << parameter.key << " (" << parameter.type << ", default "
                  << parameter.default_value << ", " << parameter.range
                  << (parameter.per_core ? ", per core" : "") << "): " << parameter.help << "\n";
      }
    }
    if (!std::cout.flush()) {
      const int error = errno;
      std::cerr << "dojo-vp: cannot write to stdout: " << std::strerror(error) << "\n";
      return error == EPIPE ? kExitOutputClosed : kExitFatal;
    }
    return 0;
  } catch (const dojo::platform::ConfigError& error) {
    std::cerr << "dojo-vp: configuration error: " << error.what() << "\n";
  } catch (const dojo::platform::LoaderError& error) {
    std::cerr << "dojo-vp: cannot load firmware: " << error.what() << "\n";
  } catch (const std::exception& error) {
    std::cerr << "dojo-vp: error: " << error.what() << "\n";
    return kExitFatal;
  }
  return kExitBadInput;
}

int dojo::platform::start_kernel(int argc, char* argv[]) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  // A closed stdout (e.g. `dojo-vp run x.elf | head`) is then a failed write (EPIPE) that ends the
  // run with a message and kExitOutputClosed, not a silent death by SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  dojo::platform::StateDump::block_request_signal();
  return sc_core::sc_elab_and_sim(argc, argv);
}
