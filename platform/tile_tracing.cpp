// The tile's observers: the timeline, the vector unit's waveforms and the commit log, wired to
// the models they watch.
#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <string>

#include "core/commit_log.h"
#include "node.h"
#include "noc/noc.h"
#include "tile.h"
#include "trace/timeline.h"
#include "vector/lockstep_engine.h"
#include "vector/vector_trace.h"

namespace dojo::platform {

void Tile::log_commits(core::CommitLog& log, const CoreSelector& cores) {
  for (size_t rank = 0; rank < nodes_.size(); ++rank) {
    const noc::Coord coord = noc_->network().coord_of(node_indices_[rank]);
    if (cores.contains(coord.chip_x, coord.chip_y, coord.x, coord.y))
      log.attach(nodes_[rank]->core.hart());
  }
}

namespace {

// Timeline tracks: process 0 is the host interface, process 1 + chip index a chip; each core has
// four threads in its chip's process.
enum Unit : uint32_t { exec_unit, noc_unit, dma_unit, vector_unit, units_per_core };
const char* const unit_names[units_per_core] = {"exec", "noc", "dma", "vector"};

uint64_t ps(const sc_core::sc_time& time) { return static_cast<uint64_t>(time.to_seconds() * 1e12 + 0.5); }

}  // namespace

void Tile::trace_to(trace::Timeline& timeline) {
  const noc::Network& network = noc_->network();
  const auto process_of = [this](const noc::Coord& c) { return 1 + c.chip_y * config_.tile.chips_x + c.chip_x; };
  timeline.name_process(0, "host interface");
  for (uint32_t cy = 0; cy < config_.tile.chips_y; ++cy)
    for (uint32_t cx = 0; cx < config_.tile.chips_x; ++cx)
      timeline.name_process(process_of({cx, cy, 0, 0}), "chip " + std::to_string(cx) + "," + std::to_string(cy));
  std::vector<std::pair<uint32_t, uint32_t>> tracks(network.node_count());  // process, first thread
  for (size_t rank = 0; rank < nodes_.size(); ++rank) {
    const noc::Coord c = network.coord_of(node_indices_[rank]);
    const uint32_t process = process_of(c), thread = static_cast<uint32_t>(rank) * units_per_core;
    tracks[node_indices_[rank]] = {process, thread};
    for (uint32_t unit = 0; unit < units_per_core; ++unit)
      timeline.name_thread(process, thread + unit,
                           "core " + std::to_string(c.x) + "," + std::to_string(c.y) + " " + unit_names[unit]);
    Node& node = *nodes_[rank];
    node.core.on_segment = [&timeline, process, thread](core::Core::Segment segment, sc_core::sc_time start,
                                                        sc_core::sc_time end) {
      timeline.span(trace::Category::core, process, thread + exec_unit,
                    segment == core::Core::Segment::run ? "run" : "wfi", ps(start), ps(end));
    };
    node.core.hart().on_vector = [&timeline, &node, process, thread](uint32_t instruction,
                                                                      uint64_t start_cycle,
                                                                      uint64_t cycles) {
      const uint64_t start = ps(node.core.time_of_cycle(start_cycle));
      const uint64_t end = ps(node.core.time_of_cycle(start_cycle + cycles));
      if (!timeline.wants(trace::Category::vector, start, end)) return;
      timeline.span(trace::Category::vector, process, thread + vector_unit,
                    vector::disassemble(instruction), start, end);
    };
    // Spans are formatted on the stack: an access or a descriptor allocates nothing.
    node.dma.on_descriptor = [&timeline, process, thread](const dma::Descriptor& d,
                                                          sc_core::sc_time start,
                                                          sc_core::sc_time end) {
      if (!timeline.wants(trace::Category::dma, ps(start), ps(end))) return;
      char name[32], args[96];
      std::snprintf(name, sizeof name, "copy %" PRIu64 " B", uint64_t{d.row_bytes} * d.rows);
      std::snprintf(args, sizeof args,
                    "\"source\": \"0x%" PRIx64 "\", \"destination\": \"0x%" PRIx64
                    "\", \"rows\": %" PRIu32,
                    d.source, d.destination, d.rows);
      timeline.span(trace::Category::dma, process, thread + dma_unit, name, ps(start), ps(end),
                    args);
    };
  }
  std::vector<std::string> places(network.node_count());
  for (noc::NodeIndex index = 0; index < places.size(); ++index)
    places[index] = core_place(network.coord_of(index));
  noc_->on_access = [&timeline, tracks, places](noc::NodeIndex source,
                                                noc::NodeIndex destination, bool write,
                                                uint64_t bytes, sc_core::sc_time issued,
                                                sc_core::sc_time arrived, sc_core::sc_time done) {
    if (!timeline.wants(trace::Category::noc, ps(issued), ps(done))) return;
    const bool host = source >= tracks.size();
    char name[96], args[48];
    std::snprintf(name, sizeof name, "%s %" PRIu64 " B -> %s", write ? "write" : "read", bytes,
                  places[destination].c_str());
    std::snprintf(args, sizeof args, "\"request_arrived_us\": %f",
                  static_cast<double>(ps(arrived)) / 1e6);
    timeline.span(trace::Category::noc, host ? 0 : tracks[source].first,
                  host ? 0 : tracks[source].second + noc_unit, name, ps(issued), ps(done), args);
  };
}

std::string per_core_file(const std::string& path, uint64_t hartid) {
  const auto dot = path.rfind('.');
  const bool has_extension = dot != std::string::npos && path.find('/', dot) == std::string::npos;
  const std::string suffix = "-core" + std::to_string(hartid);
  return has_extension ? path.substr(0, dot) + suffix + path.substr(dot) : path + suffix;
}

std::vector<Node*> Tile::rtl_nodes(const char* option) const {
  std::vector<Node*> nodes;
  for (const auto& node : nodes_)
    if (node->rtl) nodes.push_back(node.get());
  if (nodes.empty())
    throw ConfigError(std::string(option) +
                      ": no core runs the vector unit's RTL (set vector.model to rtl or lockstep, "
                      "and vector.model_cores to the cores you want)");
  return nodes;
}

namespace {

std::string coverage_file(const std::string& path, const std::vector<Node*>& nodes, Node* node) {
  return nodes.size() > 1 ? per_core_file(path, node->core.hart().hartid()) : path;
}

}  // namespace

void Tile::count_rtl_coverage(const std::string& path) {
  if (!vector::RtlEngine::has_coverage())
    throw ConfigError("--coverage-out: this build's RTL counts no coverage (configure it with "
                      "-DDOJO_VECTOR_RTL_COVERAGE=line or full)");
  const std::vector<Node*> nodes = rtl_nodes("--coverage-out");
  for (Node* node : nodes) {
    const std::string file = coverage_file(path, nodes, node);
    if (!std::ofstream(file)) throw ConfigError("--coverage-out: cannot write '" + file + "'");
    if (auto* lockstep = dynamic_cast<vector::LockstepEngine*>(node->vector.get()))
      lockstep->enable_coverage();
  }
}

void Tile::write_rtl_coverage(const std::string& path) {
  const std::vector<Node*> nodes = rtl_nodes("--coverage-out");
  for (Node* node : nodes) node->rtl->write_coverage(coverage_file(path, nodes, node));
}

void Tile::record_vector_traces(std::ostream& out) {
  for (auto& node : nodes_) {
    node->vector = std::make_unique<vector::VectorTraceRecorder>(
        std::move(node->vector), node->core.hart().hartid(), out);
    node->core.hart().set_vector_engine(node->vector.get());
  }
}

void Tile::trace_rtl(const std::string& path, const vector::TraceWindow& window) {
  const std::vector<Node*> rtl_nodes = this->rtl_nodes("--trace-rtl");
  for (Node* node : rtl_nodes) {
    const std::string file =
        rtl_nodes.size() > 1 ? per_core_file(path, node->core.hart().hartid()) : path;
    const core::Core& core = node->core;
    node->rtl->set_clock([&core] { return ps(core.local_time()); }, ps(core.clock_period()));
    try {
      if (window.last_cycles != 0)
        node->rtl->keep_last_cycles(window.last_cycles, file);
      else
        node->rtl->start_trace(file, window);
    } catch (const std::runtime_error& error) {
      throw ConfigError(std::string("--trace-rtl: ") + error.what());
    }
  }
}


}  // namespace dojo::platform
