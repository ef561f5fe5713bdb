// The tile: builds the platform described by a PlatformConfig (chips of D1 core nodes, each a
// core with its private SRAM, bus and devices, joined by the network-on-chip, with the host
// interface at the edge), boots firmware images into it and runs it.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <systemc>
#include <vector>

#include "boot.h"
#include "config.h"
#include "console_order.h"
#include "elf_loader.h"
#include "noc/network.h"
#include "run_outcome.h"
#include "stats.h"

namespace dojo::platform {

class Node;

}  // namespace dojo::platform

// The models the tile owns, declared here so that users of the tile need not include them.
namespace dojo::core {
class Core;
class CommitLog;
class ParallelRunner;
}  // namespace dojo::core
namespace dojo::noc {
class Noc;
}  // namespace dojo::noc
namespace dojo::host {
class HostInterface;
}  // namespace dojo::host
namespace dojo::trace {
class Timeline;
}  // namespace dojo::trace
namespace dojo::vector {
struct TraceWindow;
class VectorEngine;
}  // namespace dojo::vector

namespace dojo::platform {

// Semihosting (--semihosting-root, docs/semihosting.md): off without a root.
struct SemihostingOptions {
  std::string root;                    // host directory the firmware's files live in
  std::vector<std::string> arguments;  // after argv[0] (the image's path)
};

// Hooks for tools built on the platform (e.g. the fault-injecting simulator of the tests); dojo-vp
// itself sets none.
struct TileExtensions {
  // In lockstep, wraps the engine checked against the reference model (the RTL) of the core with
  // this hartid, e.g. to inject faults the lockstep check must catch.
  std::function<std::unique_ptr<vector::VectorEngine>(std::unique_ptr<vector::VectorEngine>,
                                                      uint64_t hartid)>
      wrap_checked_vector_engine;
};

// `path` with "-core<hartid>" before its extension (or at its end): one file per core when an
// output option covers several cores.
std::string per_core_file(const std::string& path, uint64_t hartid);

class Tile : public sc_core::sc_module {
 public:
  // Builds every node and boots each core with its image: `default_image` (may be empty: then
  // every core must be matched by config.boot.images), or the image config.boot.images assigns.
  // Throws LoaderError if an image cannot be read or does not fit the memory map, ConfigError if a
  // core has no image or the semihosting root is not a directory, std::invalid_argument for an
  // impossible network.
  Tile(sc_core::sc_module_name name, const PlatformConfig& config,
       const std::string& default_image, std::ostream& console,
       const SemihostingOptions& semihosting = {}, const TileExtensions& extensions = {});
  ~Tile() override;

  // Simulates until every core has stopped, the configured timeout, the console's stream fails,
  // or nothing can happen any more (a deadlock, found when it happens, also with a timeout).
  // Processes that wake up periodically (the GDB server's poller) must stop once nothing else is
  // pending (sc_pending_activity), or they would hide a deadlock.
  RunResult run();

  unsigned core_count() const { return static_cast<unsigned>(nodes_.size()); }
  // The working cores by rank, and where each sits ("core 1,0 of chip 0,0"), e.g. for a debugger.
  core::Core& core(unsigned rank);
  std::string core_name(unsigned rank) const;
  const noc::Noc& noc() const { return *noc_; }
  // The image the core of `rank` runs.
  const ElfImage& image_of(unsigned rank) const { return *node_images_.at(rank); }

  // Records the cores' execution and WFI segments, network accesses and DMA transfers on
  // `timeline` (which must outlive the run): one process per chip, four tracks per core.
  void trace_to(trace::Timeline& timeline);

  // Records a waveform (FST or VCD by the extension of `path`) of every core whose vector unit
  // runs the RTL, within `window` (its times are simulated time, the waveform's time axis too): to
  // `path` for one such core, else to `path` with "-core<hartid>" before the extension. Throws
  // ConfigError if no core runs the RTL, or for a bad extension or a file that cannot be written.
  void trace_rtl(const std::string& path, const vector::TraceWindow& window);

  // Counts the RTL's code coverage and, in lockstep, the vector ISA's functional coverage
  // (docs/cosim.md#coverage) of every core whose vector unit runs the RTL; write_rtl_coverage()
  // writes them after the run, to `path` for one such core, else to `path` with "-core<hartid>"
  // before the extension. Throws ConfigError if no core runs the RTL, the build counts none or a
  // file cannot be written.
  void count_rtl_coverage(const std::string& path);
  void write_rtl_coverage(const std::string& path);

  // Records every core's vector instructions to `out` (vector_trace.h), which must outlive the
  // run: each core's engine is wrapped in a recorder.
  void record_vector_traces(std::ostream& out);

  // Logs every instruction that the cores `cores` selects retire to `log`, which must outlive the
  // run (docs/debugging.md). Those cores execute one instruction at a time.
  void log_commits(core::CommitLog& log, const CoreSelector& cores);

  // Everything docs/statistics.md lists, so far (wall time left for the caller); outcome
  // "running" during the run, or the outcome of `result`.
  RunStatistics statistics() const;
  RunStatistics statistics(const RunResult& result) const;

 private:
  // The nodes whose vector unit runs the RTL; throws ConfigError naming `option` if none does.
  std::vector<Node*> rtl_nodes(const char* option) const;
  void on_core_exit(unsigned core, int status);
  // The console's stream failed (errno `error`): nothing more can be shown, so the run ends.
  void on_console_error(int error);
  // Console lines of several cores, in the order of their simulated time (ConsoleOrder).
  void add_console_line(uint32_t rank, std::string line, sc_core::sc_time at);
  void write_final_console_lines();  // those before SystemC time; re-arms for the rest
  void write_all_console_lines();
  // Ends the simulation once every core has stopped.
  void wait_for_cores();
  // Streams every core's image through the host interface and the network, releasing each core
  // from reset once its image has arrived.
  void boot_through_host();

  PlatformConfig config_;
  std::ostream& console_;
  BootImages boot_images_;
  ConsoleOrder console_order_;
  sc_core::sc_event console_event_;
  std::unique_ptr<noc::Noc> noc_;
  std::unique_ptr<host::HostInterface> host_;
  // The code the translating cores share (null while no core translates).
  std::shared_ptr<core::Translator> translator_;
  // Runs the cores' isolated slices on simulation.threads host threads (before the nodes, whose
  // cores use it).
  std::unique_ptr<core::ParallelRunner> parallel_runner_;
  double run_seconds_ = 0;  // host time of the last run()'s simulation
  std::vector<std::unique_ptr<Node>> nodes_;  // by rank
  std::vector<const ElfImage*> node_images_;  // by rank
  std::vector<noc::NodeIndex> node_indices_;  // by rank
  int console_error_ = 0;  // errno of the first failed console write, 0 while none failed
  int first_failure_ = 0;
  unsigned first_failure_rank_ = 0;
};

}  // namespace dojo::platform
