#include "tile.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <sstream>

#include "core/commit_log.h"
#include "host/host_interface.h"
#include "noc/noc.h"
#include "node.h"
#include "support/hex.h"
#include "trace/timeline.h"
#include "vector/lockstep_engine.h"

namespace dojo::platform {
namespace {

// mhartid carries the core's position (docs/memory-map.md): bits 4..0 its column, bits 9..5 its
// row, bits 12..10 its chip's column, bits 15..13 its chip's row.
uint64_t hartid_of(const noc::Coord& coord) {
  return uint64_t{coord.chip_y} << 13 | uint64_t{coord.chip_x} << 10 | uint64_t{coord.y} << 5 |
         coord.x;
}

std::string describe(const noc::Coord& coord) {
  return "core " + std::to_string(coord.x) + "," + std::to_string(coord.y) + " of chip " +
         std::to_string(coord.chip_x) + "," + std::to_string(coord.chip_y);
}

}  // namespace

Tile::Tile(sc_core::sc_module_name name, const PlatformConfig& config,
           const std::string& default_image, std::ostream& console,
           const SemihostingOptions& semihosting, const TileExtensions& extensions)
    : sc_module(name), config_(config), default_image_(default_image), console_(console) {
  tlm::tlm_global_quantum::instance().set(picoseconds(config.simulation.quantum_ps));

  noc::NocParams noc_params;
  noc_params.network.chips_x = config.tile.chips_x;
  noc_params.network.chips_y = config.tile.chips_y;
  noc_params.network.width = config.mesh.width;
  noc_params.network.height = config.mesh.height;
  noc_params.network.disabled = config.mesh.disabled_cores;
  static_cast<noc::NetworkSettings&>(noc_params.network) = config.noc;
  static_cast<noc::NocSettings&>(noc_params) = config.noc;
  noc_params.clock_period = period_of(config.noc.clock_hz);
  noc_params.sram_size = config.memory.sram_size;
  noc_params.device_base = config.mmio.device_block_base;
  noc_ = std::make_unique<noc::Noc>("noc", noc_params);
  const noc::Network& network = noc_->network();

  // Ranks number the working cores by chip row, chip column, core row, core column: the order
  // of node indices.
  auto rank_hartids = std::make_shared<std::vector<uint32_t>>();
  for (noc::NodeIndex index = 0; index < network.node_count(); ++index) {
    if (network.enabled(index)) rank_hartids->push_back(static_cast<uint32_t>(hartid_of(network.coord_of(index))));
  }
  const bool several = rank_hartids->size() > 1;
  check_image_files();
  std::shared_ptr<const semihosting::HostDirectory> semihosting_root;
  if (!semihosting.root.empty()) {
    try {
      semihosting_root = std::make_shared<semihosting::HostDirectory>(semihosting.root);
    } catch (const std::invalid_argument& error) {
      throw ConfigError(std::string("--semihosting-root: ") + error.what());
    }
  }
  const auto firmware_arguments = std::make_shared<const std::vector<std::string>>(semihosting.arguments);
  PlatformConfig core_config;  // a core's own values, when core_overrides select it
  for (noc::NodeIndex index = 0; index < network.node_count(); ++index) {
    if (!network.enabled(index)) continue;
    NodePlace place;
    place.coord = network.coord_of(index);
    place.hartid = hartid_of(place.coord);
    place.rank = static_cast<uint32_t>(nodes_.size());
    place.rank_hartids = rank_hartids;
    place.prefix_console = several;
    place.extensions = &extensions;
    place.semihosting_root = semihosting_root;
    place.firmware_arguments = firmware_arguments;
    const ElfImage& image = image_for(place.coord);
    const auto rank = place.rank;
    const PlatformConfig& own = config_for_core(config, place.coord, core_config);
    auto node = std::make_unique<Node>(("node" + std::to_string(rank)).c_str(), own, place,
                                       image, console,
                                       [this, rank](int status) { on_core_exit(rank, status); });
    node->console.on_write_error = [this](int error) { on_console_error(error); };
    if (several) {
      node->console.line_sink = [this, rank](std::string line, sc_core::sc_time at) {
        add_console_line(rank, std::move(line), at);
      };
    }
    node->attach_window(noc_->ingress, config);
    noc_->sram_egress.bind(node->sram.socket);
    noc_->device_egress.bind(node->bus.target);
    noc_->add_core(index);
    if (config.boot.fast_load) node->load(config, image);
    node_images_.push_back(&image);
    node_indices_.push_back(index);
    nodes_.push_back(std::move(node));
  }
  if (!config.boot.fast_load) boot_through_host();

  SC_HAS_PROCESS(Tile);
  SC_THREAD(wait_for_cores);
  SC_METHOD(write_final_console_lines);
  sensitive << console_event_;
  dont_initialize();
}

Tile::~Tile() = default;

core::Core& Tile::core(unsigned rank) { return nodes_.at(rank)->core; }

std::string Tile::core_name(unsigned rank) const {
  return describe(noc_->network().coord_of(node_indices_.at(rank)));
}

void Tile::add_console_line(uint32_t rank, std::string line, sc_core::sc_time at) {
  const bool earliest = console_lines_.empty() || at < console_lines_.begin()->first.at;
  console_lines_.emplace(ConsoleLine{at, rank, console_sequence_++}, std::move(line));
  // Final once SystemC time has passed it: wake up just after.
  if (earliest) {
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    console_event_.notify((at > now ? at - now : sc_core::SC_ZERO_TIME) +
                          sc_core::sc_get_time_resolution());
  }
}

void Tile::write_final_console_lines() {
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  auto line = console_lines_.begin();
  for (; line != console_lines_.end() && line->first.at < now; ++line) console_ << line->second;
  console_lines_.erase(console_lines_.begin(), line);
  if (!console_.flush()) on_console_error(errno);
  if (!console_lines_.empty())
    console_event_.notify(console_lines_.begin()->first.at - now + sc_core::sc_get_time_resolution());
}

void Tile::write_all_console_lines() {
  for (const auto& [key, text] : console_lines_) console_ << text;
  console_lines_.clear();
  if (!console_.flush()) on_console_error(errno);
}

void Tile::on_console_error(int error) {
  if (console_error_ != 0) return;
  console_error_ = error != 0 ? error : EIO;
  if (sc_core::sc_is_running()) sc_core::sc_stop();
}

const ElfImage& Tile::image_for(const noc::Coord& coord) {
  std::string path = default_image_;
  for (const ImageAssignment& assignment : config_.boot.images) {
    if (parse_core_selector(assignment.cores).contains(coord.chip_x, coord.chip_y, coord.x, coord.y)) {
      path = assignment.path;
      break;
    }
  }
  if (path.empty())
    throw ConfigError("boot.images: no image for " + describe(coord) +
                      " (give a default firmware on the command line or a \"*\" entry)");
  auto found = images_.find(path);
  if (found == images_.end()) {
    ElfImage image = read_elf(path);
    check_platform_record(image, config_);
    found = images_.emplace(path, std::move(image)).first;
  }
  return found->second;
}

void check_platform_record(const ElfImage& image, const PlatformConfig& config) {
  if (!image.platform_record) return;
  std::istringstream lines(*image.platform_record);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    const auto equals = line.find('=');
    const std::string key = line.substr(0, equals);
    const std::optional<uint64_t> actual =
        equals == std::string::npos ? std::nullopt : parameter_value(config, key);
    char* end = nullptr;
    const std::string text = equals == std::string::npos ? "" : line.substr(equals + 1);
    const uint64_t built_for = std::strtoull(text.c_str(), &end, 0);
    if (!actual || text.empty() || *end != '\0') {
      throw LoaderError(image.path + ": its platform record (.dojo.platform) has '" +
                        line.substr(0, 80) + "', which this dojo-vp does not know: the program "
                        "was built with another SDK; rebuild it with this one");
    }
    if (built_for != *actual) {
      // Addresses and sizes in hexadecimal, other numbers (frequencies) in decimal.
      const bool address = key.size() > 5 && (key.compare(key.size() - 5, 5, "_base") == 0 ||
                                              key.compare(key.size() - 5, 5, "_size") == 0);
      const auto show = [address](uint64_t value) {
        return address ? hex(value) : std::to_string(value);
      };
      throw LoaderError(image.path + ": built for " + key + "=" + show(built_for) +
                        ", but this platform has " + key + "=" + show(*actual) +
                        ": rebuild it for this configuration (docs/firmware-sdk.md, \"Memory "
                        "map\")");
    }
  }
}

void Tile::check_image_files() const {
  for (const ImageAssignment& assignment : config_.boot.images) {
    std::error_code error;
    if (!std::filesystem::is_regular_file(assignment.path, error))
      throw LoaderError(assignment.path + ": no such file (boot.images or --image entry '" +
                        assignment.cores + "=" + assignment.path + "')");
  }
}

void Tile::boot_through_host() {
  host::HostInterfaceParams params;
  static_cast<host::HostSettings&>(params) = config_.host;
  params.clock_period = period_of(config_.noc.clock_hz);
  host_ = std::make_unique<host::HostInterface>("host", params);
  host_->socket.bind(noc_->ingress);
  noc_->add_host(noc::Coord{0, 0, config_.host.attach_x, config_.host.attach_y});

  const uint64_t base = config_.memory.sram_base, size = config_.memory.sram_size;
  std::map<const ElfImage*, host::HostInterface::ImageId> loaded;
  for (size_t rank = 0; rank < nodes_.size(); ++rank) {
    const ElfImage& image = *node_images_[rank];
    auto found = loaded.find(&image);
    if (found == loaded.end()) {
      std::vector<host::ImageSegment> segments;
      for (const ElfImage::Segment& segment : image.segments) {
        if (!inside(segment.address, segment.bytes.size(), base, size))
          throw LoaderError(image.path + ": segment at " + hex(segment.address) + "-" +
                            hex(segment.address + segment.bytes.size()) + " lies outside memory");
        segments.push_back({segment.address,
                            std::vector<uint8_t>(segment.bytes.begin(),
                                                 segment.bytes.begin() + segment.file_size),
                            segment.bytes.size()});
      }
      found = loaded.emplace(&image, host_->add_image(image.path, segments)).first;
    }
    Node& node = *nodes_[rank];
    const noc::Coord coord = noc_->network().coord_of(node_indices_[rank]);
    host_->add_target(found->second, noc::encode_window_offset({coord, 0, 0}), base,
                      [&node](const sc_core::sc_time& at) { node.core.release(at); });
  }
}

void Tile::log_commits(core::CommitLog& log, const CoreSelector& cores) {
  for (size_t rank = 0; rank < nodes_.size(); ++rank) {
    const noc::Coord coord = noc_->network().coord_of(node_indices_[rank]);
    if (cores.contains(coord.chip_x, coord.chip_y, coord.x, coord.y))
      log.attach(nodes_[rank]->core.hart());
  }
}

void Tile::on_core_exit(unsigned core, int status) {
  if (status != 0 && first_failure_ == 0) {
    first_failure_ = status;
    first_failure_rank_ = core;
  }
  nodes_[core]->core.halt();
}

void Tile::wait_for_cores() {
  for (auto& node : nodes_) {
    while (node->core.state() == core::Core::State::reset ||
           node->core.state() == core::Core::State::running ||
           node->core.state() == core::Core::State::waiting) {
      wait(node->core.finished_event());
    }
  }
  sc_core::sc_stop();
}

namespace {

const char* state_name(core::Core::State state) {
  switch (state) {
    case core::Core::State::reset: return "reset";
    case core::Core::State::running: return "running";
    case core::Core::State::waiting: return "waiting";
    case core::Core::State::halted: return "halted";
    case core::Core::State::watchdog: return "watchdog";
    case core::Core::State::fatal: return "fatal";
  }
  return "?";
}

const char* outcome_name(RunResult::Outcome outcome) {
  switch (outcome) {
    case RunResult::Outcome::exited: return "exited";
    case RunResult::Outcome::watchdog: return "watchdog";
    case RunResult::Outcome::fatal: return "fatal";
    case RunResult::Outcome::output_closed: return "output_closed";
  }
  return "?";
}

}  // namespace

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
    node.dma.on_descriptor = [&timeline, process, thread](const dma::Descriptor& d, sc_core::sc_time start,
                                                          sc_core::sc_time end) {
      if (!timeline.wants(trace::Category::dma, ps(start), ps(end))) return;
      timeline.span(trace::Category::dma, process, thread + dma_unit,
                    "copy " + std::to_string(uint64_t{d.row_bytes} * d.rows) + " B", ps(start), ps(end),
                    "\"source\": \"" + hex(d.source) + "\", \"destination\": \"" + hex(d.destination) +
                        "\", \"rows\": " + std::to_string(d.rows));
    };
  }
  noc_->on_access = [this, &timeline, tracks](noc::NodeIndex source, noc::NodeIndex destination, bool write,
                                              uint64_t bytes, sc_core::sc_time issued, sc_core::sc_time arrived,
                                              sc_core::sc_time done) {
    if (!timeline.wants(trace::Category::noc, ps(issued), ps(done))) return;
    const noc::Coord to = noc_->network().coord_of(destination);
    const bool host = source >= tracks.size();
    timeline.span(trace::Category::noc, host ? 0 : tracks[source].first,
                  host ? 0 : tracks[source].second + noc_unit,
                  std::string(write ? "write " : "read ") + std::to_string(bytes) + " B -> " +
                      describe(to),
                  ps(issued), ps(done), "\"request_arrived_us\": " + std::to_string(ps(arrived) / 1e6));
  };
}

std::string per_core_file(const std::string& path, uint64_t hartid) {
  const auto dot = path.rfind('.');
  const bool has_extension = dot != std::string::npos && path.find('/', dot) == std::string::npos;
  const std::string suffix = "-core" + std::to_string(hartid);
  return has_extension ? path.substr(0, dot) + suffix + path.substr(dot) : path + suffix;
}

void Tile::trace_rtl(const std::string& path, const vector::TraceWindow& window) {
  std::vector<Node*> rtl_nodes;
  for (auto& node : nodes_)
    if (node->rtl) rtl_nodes.push_back(node.get());
  if (rtl_nodes.empty())
    throw ConfigError("--trace-rtl: no core runs the vector unit's RTL (set vector.model to rtl or "
                      "lockstep, and vector.model_cores to the cores to trace)");
  for (Node* node : rtl_nodes) {
    const std::string file =
        rtl_nodes.size() > 1 ? per_core_file(path, node->core.hart().hartid()) : path;
    const core::Core& core = node->core;
    node->rtl->set_clock([&core] { return ps(core.local_time()); }, ps(core.clock_period()));
    try {
      node->rtl->start_trace(file, window);
    } catch (const std::runtime_error& error) {
      throw ConfigError(std::string("--trace-rtl: ") + error.what());
    }
  }
}

RunStatistics Tile::statistics(const RunResult& result) const {
  RunStatistics s;
  s.chips_x = config_.tile.chips_x;
  s.chips_y = config_.tile.chips_y;
  s.mesh_width = config_.mesh.width;
  s.mesh_height = config_.mesh.height;
  s.disabled_cores = config_.mesh.disabled_cores;
  s.core_clock_hz = config_.core.clock_hz;
  s.noc_clock_hz = config_.noc.clock_hz;
  s.flit_bytes = config_.noc.flit_bytes;
  s.simulated_time_ps = static_cast<uint64_t>(result.simulated.to_seconds() * 1e12 + 0.5);
  s.instructions = result.instructions;
  s.exit_status = result.exit_status;
  s.outcome = outcome_name(result.outcome);
  for (size_t rank = 0; rank < nodes_.size(); ++rank) {
    const Node& node = *nodes_[rank];
    const core::Hart& hart = node.core.hart();
    s.cores.push_back({hart.hartid(), static_cast<uint32_t>(rank),
                       noc_->network().coord_of(node_indices_[rank]), state_name(node.core.state()),
                       hart.instret(), hart.cycles(), node.core.stall_cycles(),
                       node.core.wfi_cycles()});
    const dma::Dma::Totals& dma = node.dma.totals();
    if (dma.descriptors != 0 || dma.errors != 0)
      s.dma.push_back({hart.hartid(), dma.descriptors, dma.bytes, dma.errors});
  }
  const double noc_cycles = result.simulated.to_seconds() * static_cast<double>(config_.noc.clock_hz);
  for (const noc::LinkStats& link : noc_->network().link_stats()) {
    s.links.push_back({link, link.flits * config_.noc.flit_bytes,
                       noc_cycles > 0 ? static_cast<double>(link.busy_cycles) / noc_cycles : 0});
  }
  s.packets = noc_->network().packet_stats();
  return s;
}

RunResult Tile::run() {
  const sc_core::sc_time timeout = picoseconds(config_.simulation.timeout_ps);
  // Either way the kernel returns as soon as no event is left: then nothing can happen any more.
  if (config_.simulation.timeout_ps != 0) {
    sc_core::sc_start(timeout, sc_core::SC_EXIT_ON_STARVATION);
  } else {
    sc_core::sc_start();
  }
  const bool starved = !sc_core::sc_pending_activity();
  for (auto& node : nodes_) {
    node->console.flush();
    if (node->rtl) node->rtl->stop_trace();  // an FST file is readable only once closed
  }
  write_all_console_lines();

  RunResult result;
  std::string watchdog, fatal, still_running;
  for (auto& node : nodes_) {
    const core::Hart& hart = node->core.hart();
    result.instructions += hart.instret();
    result.simulated = std::max(result.simulated, node->core.local_time());
    switch (node->core.state()) {
      case core::Core::State::halted: break;
      case core::Core::State::watchdog: watchdog = node->core.stop_message(); break;
      case core::Core::State::fatal: fatal = node->core.stop_message(); break;
      case core::Core::State::reset:
      case core::Core::State::running:
      case core::Core::State::waiting:
        if (!still_running.empty()) still_running += ", ";
        still_running += "core " + std::to_string(hart.hartid()) +
                         (node->core.state() == core::Core::State::reset
                              ? " (in reset)"
                              : " at pc " + hex(hart.pc()) +
                                    (node->core.state() == core::Core::State::waiting ? " (in wfi)"
                                                                                      : ""));
        break;
    }
  }
  const noc::PacketStats& packets = noc_->network().packet_stats();
  result.noc_packets = packets.packets;
  result.noc_max_latency = packets.max_latency;
  if (packets.packets != 0)
    result.noc_average_latency = static_cast<double>(packets.total_latency) / packets.packets;
  if (host_ && !host_->error().empty()) fatal = "boot: " + host_->error();
  if (console_error_ != 0 && console_error_ != EPIPE && fatal.empty())
    fatal = std::string("cannot write the console output: ") + std::strerror(console_error_);
  if (!fatal.empty()) {
    result.outcome = RunResult::Outcome::fatal;
    result.message = fatal;
  } else if (console_error_ != 0) {
    result.outcome = RunResult::Outcome::output_closed;
    result.message = "the console output was closed (its reader, e.g. `head`, stopped reading): "
                     "the run stopped at " + sc_core::sc_time_stamp().to_string() +
                     " of simulated time";
  } else if (!watchdog.empty()) {
    result.outcome = RunResult::Outcome::watchdog;
    result.message = watchdog;
  } else if (!still_running.empty()) {
    // Events still to come: the timeout ended the run (without one, only starvation does).
    if (!starved) {
      result.outcome = RunResult::Outcome::watchdog;
      result.message = "timeout: simulated time reached " + timeout.to_string() + " with " +
                       still_running + " still running";
    } else {
      result.outcome = RunResult::Outcome::fatal;
      result.message = "deadlock: nothing can happen any more, but " + still_running +
                       " did not finish (waiting for an interrupt that no device will raise)";
    }
  } else if (first_failure_ != 0) {
    result.exit_status = first_failure_;
    result.exit_core = core_name(first_failure_rank_);
    result.exit_image = node_images_[first_failure_rank_]->path;
  }
  return result;
}

}  // namespace dojo::platform
