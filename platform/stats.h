// Statistics of the whole platform: per core, per network link, per DMA engine, the packets'
// latency histogram, the translator's work and the run's totals. One structure for every reader:
// `--stats-file` writes it as JSON (docs/statistics.md; scripts read that), `--stats` and GDB's
// `monitor stats` print the same fields by the same names as text.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "noc/network.h"

namespace dojo::platform {

struct CoreStatistics {
  uint64_t hartid = 0;
  uint32_t rank = 0;
  noc::Coord coord;
  std::string state;  // reset, running, waiting, halted, watchdog, fatal
  uint64_t pc = 0;
  uint64_t instructions = 0;
  uint64_t cycles = 0;        // the core's clock cycles, stalls and WFI sleep included
  uint64_t stall_cycles = 0;  // waiting for transactions beyond the cycle model
  uint64_t wfi_cycles = 0;    // asleep in WFI
};

struct LinkStatistics {
  noc::LinkStats link;
  uint64_t bytes = 0;
  double utilisation = 0;  // busy cycles / network cycles of the run
};

struct DmaStatistics {
  uint64_t hartid = 0;
  uint64_t descriptors = 0;
  uint64_t bytes = 0;
  uint64_t errors = 0;
  uint64_t busy_cycles = 0;  // from each start to its done or error, in core cycles
};

// The translating engine's work over all cores (zero with the interpreter).
struct TranslationStatistics {
  uint64_t traces = 0;      // traces compiled
  uint64_t shared = 0;      // times a core took a trace another core had compiled
  uint64_t flushes = 0;     // times simulation.code_cache was full and the cores dropped their traces
  uint64_t code_bytes = 0;  // host machine code of the traces alive at the end
  double seconds = 0;       // host time spent compiling (like wall_time_s, differs run to run)
};

// How the run used its host threads (docs/performance.md#parallel-simulation): host measures,
// like wall_time_s (the batches and slices are the same for every thread count, the seconds are
// not).
struct ParallelStatistics {
  uint32_t threads = 1;        // simulation.threads as the run used it
  uint64_t batches = 0;        // instants at which the runner ran cores' isolated slices
  uint64_t slices = 0;         // isolated slices it ran
  double batch_seconds = 0;    // host time in those batches (the part that runs in parallel)
  double run_seconds = 0;      // host time of the simulation: wall_time_s less building the tile
};

// Host memory holding decoded code, over all cores.
struct CodeMemoryStatistics {
  uint64_t decoded_pages = 0;  // 4 KiB pages of guest code decoded
  uint64_t decoded_bytes = 0;  // the interpreter's entries for them
  uint64_t table_bytes = 0;    // the translator's tables of those pages (zero with the interpreter)
};

// Cycle model: one network interface that was full when a request came (noc.interface_queue
// packets), a core's (shared with its DMA engine) or the host interface's.
struct InterfaceStatistics {
  bool host = false;  // the host interface's; else the core's at hartid and coord
  uint64_t hartid = 0;
  noc::Coord coord;
  uint64_t stalls = 0;        // requests that waited for room
  uint64_t stall_cycles = 0;  // the network cycles they waited, together
};

// The network's model, and (cycle model) how often and how long initiators waited for room in a
// full network interface: in all, and per interface that stalled.
struct NetworkStatistics {
  std::string model = "ideal";
  uint64_t interface_stalls = 0;
  uint64_t interface_stall_cycles = 0;
  std::vector<InterfaceStatistics> interfaces;  // by network node
};

struct RunStatistics {
  // The tile's shape, so a reader can lay it out.
  uint32_t chips_x = 1, chips_y = 1, mesh_width = 1, mesh_height = 1;
  std::vector<std::pair<uint32_t, uint32_t>> disabled_cores;
  uint64_t core_clock_hz = 0;
  uint64_t noc_clock_hz = 0;
  uint32_t flit_bytes = 0;

  uint64_t simulated_time_ps = 0;
  double wall_time_s = 0;
  uint64_t instructions = 0;
  int exit_status = 0;
  std::string outcome = "running";  // exited, watchdog, fatal, output_closed; running mid-run

  std::vector<CoreStatistics> cores;  // by rank
  std::vector<LinkStatistics> links;  // those that carried traffic
  noc::PacketStats packets;
  NetworkStatistics network;
  std::vector<DmaStatistics> dma;     // engines that did anything
  TranslationStatistics translation;
  ParallelStatistics parallel;
  CodeMemoryStatistics code;
};

// The statistics as a JSON document (one object, keys in a fixed order, numbers exact).
std::string to_json(const RunStatistics& statistics);

// The totals as `name: value` lines, named as in the JSON (`packets.count` for a field of an
// object, `cores` for the number of cores); with `per_core`, a line for each core too.
std::string to_text(const RunStatistics& statistics, bool per_core);

}  // namespace dojo::platform
