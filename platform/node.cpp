#include "node.h"

#include <algorithm>
#include <cstring>

#include "noc/noc.h"
#include "tile.h"
#include "vector/lockstep_engine.h"
#include "vector/vector_model.h"

namespace dojo::platform {

sc_core::sc_time picoseconds(uint64_t ps) {
  return sc_core::sc_time(static_cast<double>(ps), sc_core::SC_PS);
}

sc_core::sc_time period_of(uint64_t frequency_hz) {
  return picoseconds(1'000'000'000'000ull / frequency_hz);
}

bool inside(uint64_t address, uint64_t length, uint64_t base, uint64_t size) {
  return address >= base && address - base <= size && length <= size - (address - base);
}

Node::Node(sc_core::sc_module_name name, const PlatformConfig& config, const NodePlace& place,
           const ElfImage& image, std::ostream& out, const std::function<void(int)>& on_exit)
    : sc_module(name),
      core("core", core_params(config, place)),
      bus("bus"),
      sram("sram", config.memory.sram_size, picoseconds(config.memory.sram_latency_ps),
           picoseconds(config.memory.sram_latency_ps)),
      console("console", out,
              place.prefix_console ? "[core " + std::to_string(place.hartid) + "] " : "",
              picoseconds(config.mmio.latency_ps), config.console.max_line_bytes),
      exit_device("exit", on_exit, picoseconds(config.mmio.latency_ps)),
      clint("clint", period_of(config.timer.frequency_hz),
            [this](bool level) { core.set_irq(core::Irq::software, level); },
            [this](bool level) { core.set_irq(core::Irq::timer, level); },
            picoseconds(config.mmio.latency_ps)),
      dma("dma", dma_params(config), [this](bool level) { set_external_irq(0, level); }),
      sync("sync", config.sync.counters, [this](bool level) { set_external_irq(1, level); },
           picoseconds(config.mmio.latency_ps)),
      core_info("core_info", core_info_params(config, place), picoseconds(config.mmio.latency_ps)),
      on_exit_(on_exit) {
  core.socket.bind(bus.target);
  dma.initiator.bind(bus.target);
  attach(sram.socket, config.memory.sram_base, config.memory.sram_size, "sram");
  attach(exit_device.socket, config.mmio.exit_base, exit_device_size, "exit");
  attach(clint.socket, config.mmio.clint_base, clint_size, "clint");
  attach(console.socket, config.mmio.console_base, console_size, "console");
  attach(dma.socket, config.mmio.dma_base, dma_size, "dma");
  attach(sync.socket, config.mmio.sync_base, sync_size, "sync");
  attach(core_info.socket, config.mmio.core_info_base, core_info_size, "core_info");
  // Devices of this core alone that its slices may reach on a runner thread: the console (its
  // lines held until the batch is over, then ordered with the other cores' by time) and the
  // read-only core-info block.
  core.add_slice_device(config.mmio.console_base, console_size,
                        [this](bool hold) { console.hold_lines(hold); });
  core.add_slice_device(config.mmio.core_info_base, core_info_size, {});
  if (image.tohost) {
    htif = std::make_unique<peripherals::Htif>(
        "htif", on_exit, [this](char c) { console.put(c); }, picoseconds(config.mmio.latency_ps));
    attach(htif->socket, *image.tohost, 8, "tohost");
    if (image.fromhost) attach(htif->fromhost_socket, *image.fromhost, 8, "fromhost");
    htif->memory.bind(bus.target);
  }
  core.mtime_source = [this](const sc_core::sc_time& t) { return clint.mtime_at(t); };
  const uint64_t sram_base = config.memory.sram_base;
  sram.on_write = [this, sram_base](uint64_t offset, uint64_t length) {
    core.memory_written(sram_base + offset, length);
  };
  core.hart().set_pc(image.entry);
  vector = make_vector_engine(config, place);
  core.hart().set_vector_engine(vector.get());
  if (place.semihosting_root) {
    std::vector<std::string> arguments{image.path};
    if (place.firmware_arguments)
      arguments.insert(arguments.end(), place.firmware_arguments->begin(),
                       place.firmware_arguments->end());
    semihosting::SemihostingPort& port = *this;
    semihosting = std::make_unique<semihosting::Semihosting>(
        semihosting::SemihostingParams{place.semihosting_root,
                                       semihosting::command_line(arguments), config.core.clock_hz},
        port);
    core.hart().set_semihosting(semihosting.get());
  }
}

bool Node::debug_copy(tlm::tlm_command command, uint64_t addr, uint8_t* data, uint64_t len) {
  // In pieces a debug transaction can carry; a wrapping range is out of reach.
  constexpr uint64_t kPiece = 1u << 16;
  if (len != 0 && len - 1 > ~addr) return false;
  for (uint64_t done = 0; done < len; done += kPiece) {
    const unsigned piece = static_cast<unsigned>(std::min(kPiece, len - done));
    if (core.debug_access(command, addr + done, data + done, piece) != piece) return false;
  }
  return true;
}

bool Node::read_memory(uint64_t addr, void* data, uint64_t len) {
  return debug_copy(tlm::TLM_READ_COMMAND, addr, static_cast<uint8_t*>(data), len);
}

bool Node::write_memory(uint64_t addr, const void* data, uint64_t len) {
  // TLM payloads carry a mutable pointer; a target never writes through it on a write command.
  return debug_copy(tlm::TLM_WRITE_COMMAND, addr,
                    const_cast<uint8_t*>(static_cast<const uint8_t*>(data)), len);
}

void Node::console_put(char c) { console.put(c, core.local_time()); }

uint64_t Node::now_ps() {
  return static_cast<uint64_t>(core.local_time().to_seconds() * 1e12 + 0.5);
}

void Node::exit(int status) { on_exit_(status); }

void Node::warning(const std::string& message) { SC_REPORT_WARNING(name(), message.c_str()); }

void Node::load(const PlatformConfig& config, const ElfImage& image) {
  // Every segment must lie inside the SRAM; load_elf reports one that does not.
  const uint64_t base = config.memory.sram_base, size = config.memory.sram_size;
  load_elf(image, [&](uint64_t address, const uint8_t* bytes, uint64_t length) {
    if (!inside(address, length, base, size)) return false;
    std::memcpy(sram.data() + (address - base), bytes, length);
    return true;
  });
}

std::unique_ptr<vector::VectorEngine> Node::make_vector_engine(const PlatformConfig& config,
                                                               const NodePlace& place) {
  using Model = PlatformConfig::Vector::Model;
  const bool selected = parse_core_selector(config.vector.model_cores)
                            .contains(place.coord.chip_x, place.coord.chip_y, place.coord.x,
                                      place.coord.y);
  const Model model = selected ? config.vector.model : Model::model;
  if (model == Model::model) return std::make_unique<vector::VectorModel>(config.vector.pipeline);
  auto rtl_engine = std::make_unique<vector::RtlEngine>();
  rtl = rtl_engine.get();
  if (model == Model::rtl) return rtl_engine;
  std::unique_ptr<vector::VectorEngine> checked = std::move(rtl_engine);
  if (place.extensions && place.extensions->wrap_checked_vector_engine)
    checked = place.extensions->wrap_checked_vector_engine(std::move(checked), place.hartid);
  auto lockstep = std::make_unique<vector::LockstepEngine>(
      static_cast<unsigned>(place.hartid),
      std::make_unique<vector::VectorModel>(config.vector.pipeline), std::move(checked));
  lockstep->compare_all_registers_every(config.vector.compare_registers_every);
  lockstep->set_rtl(rtl);
  return lockstep;
}

core::CoreParams Node::core_params(const PlatformConfig& config, const NodePlace& place) {
  core::CoreParams params;
  params.hart.hartid = place.hartid;
  params.hart.reset_pc = config.memory.sram_base;
  params.hart.cycles = config.core.cycles;
  params.hart.engine = config.core.engine;
  params.hart.translate_after = static_cast<uint16_t>(config.core.translate_after);  // at most 65,535
  params.hart.translator = place.translator;
  params.clock_period = period_of(config.core.clock_hz);
  params.fast_base = config.memory.sram_base;
  params.fast_size = config.memory.sram_size;
  params.fast_alias = config.memory.global_base + noc::encode_window_offset({place.coord, 0, 0});
  params.max_instructions = config.simulation.max_instructions;
  params.start_in_reset = !config.boot.fast_load;
  return params;
}

dma::DmaParams Node::dma_params(const PlatformConfig& config) {
  dma::DmaParams params;
  static_cast<dma::DmaSettings&>(params) = config.dma;
  params.clock_period = period_of(config.core.clock_hz);
  params.register_latency = picoseconds(config.mmio.latency_ps);
  params.max_descriptor_bytes = config.memory.sram_size;
  params.path_waits = config.noc.model == noc::NetworkModel::cycle;  // remote accesses wait
  return params;
}

peripherals::CoreInfoParams Node::core_info_params(const PlatformConfig& config,
                                                     const NodePlace& place) {
  peripherals::CoreInfoParams params;
  params.mesh_width = config.mesh.width;
  params.mesh_height = config.mesh.height;
  params.chips_x = config.tile.chips_x;
  params.chips_y = config.tile.chips_y;
  params.global_base = config.memory.global_base;
  params.rank = place.rank;
  params.rank_hartids = place.rank_hartids;
  params.core_clock_hz = config.core.clock_hz;
  // Fast load copies whole segments (zeros past the file bytes included). The host interface
  // streams only the file bytes, into an SRAM that is all zeros from power-on until the core is
  // released: either way the core starts with its .bss zero.
  params.image_zeroed = true;
  return params;
}

void Node::set_external_irq(unsigned source, bool level) {
  const unsigned mask = 1u << source;
  external_sources_ = level ? external_sources_ | mask : external_sources_ & ~mask;
  core.set_irq(core::Irq::external, external_sources_ != 0);
}

}  // namespace dojo::platform
