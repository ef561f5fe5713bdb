#include "tile.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <thread>

#include "core/parallel_runner.h"
#include "core/translator.h"
#include "host/host_interface.h"
#include "noc/layout.h"
#include "noc/noc.h"
#include "node.h"

namespace dojo::platform {

Tile::Tile(sc_core::sc_module_name name, const PlatformConfig& config,
           const std::string& default_image, std::ostream& console,
           const SemihostingOptions& semihosting, const TileExtensions& extensions)
    : sc_module(name), config_(config), console_(console), boot_images_(config_, default_image) {
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
    if (network.enabled(index))
      rank_hartids->push_back(static_cast<uint32_t>(noc::hartid_of(network.coord_of(index))));
  }
  const bool several = rank_hartids->size() > 1;
  std::shared_ptr<const semihosting::HostDirectory> semihosting_root;
  if (!semihosting.root.empty()) {
    try {
      semihosting_root = std::make_shared<semihosting::HostDirectory>(semihosting.root);
    } catch (const std::invalid_argument& error) {
      throw ConfigError(std::string("--semihosting-root: ") + error.what());
    }
  }
  const unsigned threads = config.simulation.threads != 0
                               ? config.simulation.threads
                               : std::max(1u, std::thread::hardware_concurrency());
  parallel_runner_ = std::make_unique<core::ParallelRunner>("parallel_runner", threads,
                                                            config.simulation.serial_cycles);
  const auto firmware_arguments = std::make_shared<const std::vector<std::string>>(semihosting.arguments);
  PlatformConfig core_config;  // a core's own values, when core_overrides select it
  for (noc::NodeIndex index = 0; index < network.node_count(); ++index) {
    if (!network.enabled(index)) continue;
    NodePlace place;
    place.coord = network.coord_of(index);
    place.hartid = noc::hartid_of(place.coord);
    place.rank = static_cast<uint32_t>(nodes_.size());
    place.rank_hartids = rank_hartids;
    place.prefix_console = several;
    place.extensions = &extensions;
    place.semihosting_root = semihosting_root;
    place.firmware_arguments = firmware_arguments;
    const ElfImage& image = boot_images_.for_core(place.coord);
    const auto rank = place.rank;
    const PlatformConfig& own = config_for_core(config, place.coord, core_config);
    if (own.core.engine == core::Engine::translator && !translator_)
      translator_ = std::make_shared<core::Translator>(config.simulation.code_cache_bytes);
    place.translator = translator_;
    auto node = std::make_unique<Node>(("node" + std::to_string(rank)).c_str(), own, place,
                                       image, console,
                                       [this, rank](int status) { on_core_exit(rank, status); });
    node->core.set_parallel_runner(parallel_runner_.get());
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
  return core_place(noc_->network().coord_of(node_indices_.at(rank)));
}

void Tile::add_console_line(uint32_t rank, std::string line, sc_core::sc_time at) {
  // Final once SystemC time has passed it: wake up just after.
  if (console_order_.add(rank, std::move(line), at)) {
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    console_event_.notify((at > now ? at - now : sc_core::SC_ZERO_TIME) +
                          sc_core::sc_get_time_resolution());
  }
}

void Tile::write_final_console_lines() {
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  console_order_.write_before(now, console_);
  if (!console_.flush()) on_console_error(errno);
  if (const auto next = console_order_.earliest())
    console_event_.notify(*next - now + sc_core::sc_get_time_resolution());
}

void Tile::write_all_console_lines() {
  console_order_.write_all(console_);
  if (!console_.flush()) on_console_error(errno);
}

void Tile::on_console_error(int error) {
  if (console_error_ != 0) return;
  console_error_ = error != 0 ? error : EIO;
  if (sc_core::sc_is_running()) sc_core::sc_stop();
}

void Tile::boot_through_host() {
  host::HostInterfaceParams params;
  static_cast<host::HostSettings&>(params) = config_.host;
  params.clock_period = period_of(config_.noc.clock_hz);
  host_ = std::make_unique<host::HostInterface>("host", params);
  host_->socket.bind(noc_->ingress);
  noc_->add_host(noc::Coord{0, 0, config_.host.attach_x, config_.host.attach_y});

  std::map<const ElfImage*, host::HostInterface::ImageId> loaded;
  for (size_t rank = 0; rank < nodes_.size(); ++rank) {
    const ElfImage& image = *node_images_[rank];
    auto found = loaded.find(&image);
    if (found == loaded.end())
      found = loaded.emplace(&image, host_->add_image(image.path, host_segments(image, config_))).first;
    Node& node = *nodes_[rank];
    const noc::Coord coord = noc_->network().coord_of(node_indices_[rank]);
    host_->add_target(found->second, noc::encode_window_offset({coord, 0, 0}), config_.memory.sram_base,
                      [&node](const sc_core::sc_time& at) { node.core.release(at); });
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

}  // namespace

RunStatistics Tile::statistics() const {
  RunStatistics s;
  s.chips_x = config_.tile.chips_x;
  s.chips_y = config_.tile.chips_y;
  s.mesh_width = config_.mesh.width;
  s.mesh_height = config_.mesh.height;
  s.disabled_cores = config_.mesh.disabled_cores;
  s.core_clock_hz = config_.core.clock_hz;
  s.noc_clock_hz = config_.noc.clock_hz;
  s.flit_bytes = config_.noc.flit_bytes;
  sc_core::sc_time simulated;
  for (size_t rank = 0; rank < nodes_.size(); ++rank) {
    const Node& node = *nodes_[rank];
    const core::Hart& hart = node.core.hart();
    simulated = std::max(simulated, node.core.local_time());
    s.instructions += hart.instret();
    s.cores.push_back({hart.hartid(), static_cast<uint32_t>(rank),
                       noc_->network().coord_of(node_indices_[rank]), state_name(node.core.state()),
                       hart.pc(), hart.instret(), hart.cycles(), node.core.stall_cycles(),
                       node.core.wfi_cycles()});
    const core::Hart::CodeMemory code = hart.code_memory();
    s.code.decoded_pages += code.pages;
    s.code.decoded_bytes += code.decoded_bytes;
    s.code.table_bytes += code.table_bytes;
    const dma::Dma::Totals& dma = node.dma.totals();
    if (dma.descriptors != 0 || dma.errors != 0)
      s.dma.push_back({hart.hartid(), dma.descriptors, dma.bytes, dma.errors, dma.busy_cycles});
  }
  if (translator_) {
    const core::TranslationStats& translation = translator_->stats();
    s.translation.traces = translation.traces;
    s.translation.shared = translation.shared;
    s.translation.flushes = translation.flushes;
    s.translation.code_bytes = translation.code_bytes;
    s.translation.seconds = translation.seconds;
  }
  s.parallel = {parallel_runner_->threads(), parallel_runner_->batches(),
                parallel_runner_->slices(), parallel_runner_->batch_seconds(), run_seconds_};
  s.simulated_time_ps = static_cast<uint64_t>(simulated.to_seconds() * 1e12 + 0.5);
  const double noc_cycles = simulated.to_seconds() * static_cast<double>(config_.noc.clock_hz);
  for (const noc::LinkStats& link : noc_->link_stats()) {
    s.links.push_back({link, link.flits * config_.noc.flit_bytes,
                       noc_cycles > 0 ? static_cast<double>(link.busy_cycles) / noc_cycles : 0});
  }
  s.packets = noc_->packet_stats();
  s.network.model = config_.noc.model == noc::NetworkModel::cycle ? "cycle" : "ideal";
  const std::vector<noc::Noc::InterfaceStalls> stalled = noc_->interface_stalls();
  if (!stalled.empty()) {
    std::vector<int64_t> rank_of_node(noc_->network().node_count(), -1);
    for (size_t rank = 0; rank < node_indices_.size(); ++rank)
      rank_of_node[node_indices_[rank]] = static_cast<int64_t>(rank);
    for (const noc::Noc::InterfaceStalls& interface : stalled) {
      InterfaceStatistics entry;
      const bool core = interface.node < rank_of_node.size() && rank_of_node[interface.node] >= 0;
      entry.host = !core;
      if (core) {
        const CoreStatistics& owner = s.cores[static_cast<size_t>(rank_of_node[interface.node])];
        entry.hartid = owner.hartid;
        entry.coord = owner.coord;
      }
      entry.stalls = interface.stalls;
      entry.stall_cycles = interface.cycles;
      s.network.interface_stalls += interface.stalls;
      s.network.interface_stall_cycles += interface.cycles;
      s.network.interfaces.push_back(entry);
    }
  }
  return s;
}

RunStatistics Tile::statistics(const RunResult& result) const {
  RunStatistics s = statistics();
  s.outcome = outcome_name(result.outcome);
  s.exit_status = result.exit_status;
  return s;
}

RunResult Tile::run() {
  const sc_core::sc_time timeout = picoseconds(config_.simulation.timeout_ps);
  const auto start = std::chrono::steady_clock::now();
  // Either way the kernel returns as soon as no event is left: then nothing can happen any more.
  if (config_.simulation.timeout_ps != 0) {
    sc_core::sc_start(timeout, sc_core::SC_EXIT_ON_STARVATION);
  } else {
    sc_core::sc_start();
  }
  run_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const bool starved = !sc_core::sc_pending_activity();
  // Vector instructions still in flight retire (and are compared, in lockstep) before the end.
  std::vector<vector::Outcome> settled;
  settled.reserve(nodes_.size());
  for (auto& node : nodes_) {
    settled.push_back(node->vector->settle());
    node->console.flush();
    if (node->rtl) node->rtl->stop_trace();  // an FST file is readable only once closed
  }
  write_all_console_lines();

  RunEnd end;
  for (size_t rank = 0; rank < nodes_.size(); ++rank) {
    const core::Core& core = nodes_[rank]->core;
    end.cores.push_back({core.state(), core.stop_message(), core.hart().hartid(), core.hart().pc()});
    if (settled[rank].status == vector::Outcome::Status::fatal &&
        core.state() != core::Core::State::fatal) {
      end.cores.back().state = core::Core::State::fatal;
      end.cores.back().stop_message = settled[rank].message;
    }
  }
  end.starved = starved;
  end.timeout = timeout;
  end.stopped_at = sc_core::sc_time_stamp();
  if (host_) end.boot_error = host_->error();
  end.console_error = console_error_;
  end.first_failure = first_failure_;
  if (first_failure_ != 0) {
    end.first_failure_core = core_name(first_failure_rank_);
    end.first_failure_image = node_images_[first_failure_rank_]->path;
  }
  return classify_run(end);
}

}  // namespace dojo::platform
