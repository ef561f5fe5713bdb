#include "tile.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "bus/bus.h"
#include "core/core.h"
#include "memory/sram.h"
#include "peripherals/clint.h"
#include "peripherals/console.h"
#include "peripherals/exit_device.h"
#include "peripherals/htif.h"

namespace dojo::platform {
namespace {

sc_core::sc_time picoseconds(uint64_t ps) {
  return sc_core::sc_time(static_cast<double>(ps), sc_core::SC_PS);
}

sc_core::sc_time period_of(uint64_t frequency_hz) {
  return picoseconds(1'000'000'000'000ull / frequency_hz);
}

// mhartid carries the core's position (docs/memory-map.md): bits 4..0 its column, bits 9..5 its
// row; the chip's coordinates will sit above them.
uint64_t hartid_of(uint32_t x, uint32_t y) { return (uint64_t{y} << 5) | x; }

std::string hex(uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(value));
  return text;
}

}  // namespace

// One D1 core with what is private to it: SRAM, bus, console, exit device, timer and, for
// programs that define `tohost`, the HTIF device.
class Node : public sc_core::sc_module {
 public:
  Node(sc_core::sc_module_name name, const PlatformConfig& config, uint64_t hartid,
       const ElfImage& image, std::ostream& out, bool prefix_console,
       const std::function<void(int)>& on_exit)
      : sc_module(name),
        core("core", core_params(config, hartid)),
        bus("bus"),
        sram("sram", config.memory.sram_size, picoseconds(config.memory.sram_latency_ps),
             picoseconds(config.memory.sram_latency_ps)),
        console("console", out, prefix_console ? "[core " + std::to_string(hartid) + "] " : "",
                picoseconds(config.mmio.latency_ps)),
        exit_device("exit", on_exit, picoseconds(config.mmio.latency_ps)),
        clint("clint", period_of(config.timer.frequency_hz),
              [this](bool level) { core.set_irq(core::Irq::software, level); },
              [this](bool level) { core.set_irq(core::Irq::timer, level); },
              picoseconds(config.mmio.latency_ps)) {
    core.socket.bind(bus.target);
    attach(sram.socket, config.memory.sram_base, config.memory.sram_size, "sram");
    attach(exit_device.socket, config.mmio.exit_base, exit_device_size, "exit");
    attach(clint.socket, config.mmio.clint_base, clint_size, "clint");
    attach(console.socket, config.mmio.console_base, console_size, "console");
    if (image.tohost) {
      htif = std::make_unique<peripherals::Htif>(
          "htif", on_exit, [this](char c) { console.put(c); }, picoseconds(config.mmio.latency_ps));
      attach(htif->socket, *image.tohost, 8, "tohost");
      if (image.fromhost) attach(htif->fromhost_socket, *image.fromhost, 8, "fromhost");
      htif->memory.bind(bus.target);
    }
    core.mtime_source = [this](const sc_core::sc_time& t) { return clint.mtime_at(t); };
    load(config, image);
  }

  core::Core core;
  bus::Bus bus;
  memory::Sram sram;
  peripherals::Console console;
  peripherals::ExitDevice exit_device;
  peripherals::Clint clint;
  std::unique_ptr<peripherals::Htif> htif;

 private:
  static core::CoreParams core_params(const PlatformConfig& config, uint64_t hartid) {
    core::CoreParams params;
    params.hart.hartid = hartid;
    params.hart.reset_pc = config.memory.sram_base;
    params.hart.cycles = config.core.cycles;
    params.clock_period = period_of(config.core.clock_hz);
    params.fast_base = config.memory.sram_base;
    params.fast_size = config.memory.sram_size;
    params.max_instructions = config.simulation.max_instructions;
    return params;
  }

  template <typename Socket>
  void attach(Socket& target, uint64_t base, uint64_t size, const std::string& what) {
    bus.initiator.bind(target);
    bus.map(next_port_++, base, size, what);
  }

  // Copies the image into this core's SRAM: every segment must lie inside it.
  void load(const PlatformConfig& config, const ElfImage& image) {
    const uint64_t base = config.memory.sram_base, size = config.memory.sram_size;
    load_elf(image, [&](uint64_t address, const uint8_t* bytes, uint64_t length) {
      if (address < base || address - base > size || length > size - (address - base)) {
        return false;
      }
      std::memcpy(sram.data() + (address - base), bytes, length);
      return true;
    });
    core.hart().set_pc(image.entry);
  }

  unsigned next_port_ = 0;
};

Tile::Tile(sc_core::sc_module_name name, const PlatformConfig& config, const ElfImage& image,
           std::ostream& console)
    : sc_module(name), config_(config) {
  tlm::tlm_global_quantum::instance().set(picoseconds(config.simulation.quantum_ps));
  const bool several = config.mesh.width * config.mesh.height > 1;
  for (uint32_t y = 0; y < config.mesh.height; ++y) {
    for (uint32_t x = 0; x < config.mesh.width; ++x) {
      const auto index = static_cast<unsigned>(nodes_.size());
      nodes_.push_back(std::make_unique<Node>(
          ("node" + std::to_string(index)).c_str(), config, hartid_of(x, y), image, console,
          several, [this, index](int status) { on_core_exit(index, status); }));
    }
  }
  SC_HAS_PROCESS(Tile);
  SC_THREAD(wait_for_cores);
}

Tile::~Tile() = default;

void Tile::on_core_exit(unsigned core, int status) {
  if (status != 0 && first_failure_ == 0) first_failure_ = status;
  nodes_[core]->core.halt();
}

void Tile::wait_for_cores() {
  for (auto& node : nodes_) {
    while (node->core.state() == core::Core::State::running ||
           node->core.state() == core::Core::State::waiting) {
      wait(node->core.finished_event());
    }
  }
  sc_core::sc_stop();
}

RunResult Tile::run() {
  if (config_.simulation.timeout_ps != 0) {
    sc_core::sc_start(picoseconds(config_.simulation.timeout_ps));
  } else {
    sc_core::sc_start();
  }
  for (auto& node : nodes_) node->console.flush();

  RunResult result;
  const sc_core::sc_time period = period_of(config_.core.clock_hz);
  uint64_t latest_cycles = 0;
  std::string watchdog, fatal, still_running;
  for (auto& node : nodes_) {
    const core::Hart& hart = node->core.hart();
    result.instructions += hart.instret();
    latest_cycles = std::max(latest_cycles, hart.cycles());
    switch (node->core.state()) {
      case core::Core::State::halted: break;
      case core::Core::State::watchdog: watchdog = node->core.stop_message(); break;
      case core::Core::State::fatal: fatal = node->core.stop_message(); break;
      case core::Core::State::running:
      case core::Core::State::waiting:
        if (!still_running.empty()) still_running += ", ";
        still_running += "core " + std::to_string(hart.hartid()) + " at pc " + hex(hart.pc()) +
                         (node->core.state() == core::Core::State::waiting ? " (in wfi)" : "");
        break;
    }
  }
  result.simulated = period * static_cast<double>(latest_cycles);
  if (!fatal.empty()) {
    result.outcome = RunResult::Outcome::fatal;
    result.message = fatal;
  } else if (!watchdog.empty()) {
    result.outcome = RunResult::Outcome::watchdog;
    result.message = watchdog;
  } else if (!still_running.empty()) {
    const bool timed_out = config_.simulation.timeout_ps != 0 &&
                           sc_core::sc_time_stamp() >= picoseconds(config_.simulation.timeout_ps);
    if (timed_out) {
      result.outcome = RunResult::Outcome::watchdog;
      result.message = "timeout: simulated time reached " + sc_core::sc_time_stamp().to_string() +
                       " with " + still_running + " still running";
    } else {
      result.outcome = RunResult::Outcome::fatal;
      result.message = "deadlock: nothing can happen any more, but " + still_running +
                       " did not finish (waiting for an interrupt that no device will raise)";
    }
  } else {
    result.exit_status = first_failure_;
  }
  return result;
}

}  // namespace dojo::platform
