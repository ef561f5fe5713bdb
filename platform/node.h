// One D1 core of the tile with everything private to it (its node): the core, its SRAM and bus,
// console, exit device, timer, DMA engine, sync unit, core info, the vector unit's engine and,
// for programs that define `tohost`, the HTIF device. The tile builds one per working core and
// binds the global window on its bus to the network.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <systemc>
#include <vector>

#include "bus/bus.h"
#include "config.h"
#include "core/core.h"
#include "dma/dma.h"
#include "elf_loader.h"
#include "memory/sram.h"
#include "noc/network.h"
#include "peripherals/clint.h"
#include "peripherals/console.h"
#include "peripherals/core_info.h"
#include "peripherals/exit_device.h"
#include "peripherals/htif.h"
#include "peripherals/sync_unit.h"
#include "semihosting/semihosting.h"
#include "vector/rtl_engine.h"
#include "vector/vector_engine.h"

namespace dojo::platform {

sc_core::sc_time picoseconds(uint64_t ps);
sc_core::sc_time period_of(uint64_t frequency_hz);
// [address, address + length) lies inside [base, base + size).
bool inside(uint64_t address, uint64_t length, uint64_t base, uint64_t size);

struct TileExtensions;

// Where a node sits and what it shares with the other nodes.
struct NodePlace {
  noc::Coord coord;
  uint64_t hartid = 0;
  uint32_t rank = 0;
  std::shared_ptr<const std::vector<uint32_t>> rank_hartids;
  bool prefix_console = false;
  // With a root, the core serves semihosting calls (--semihosting-root); its command line is its
  // image's path and then these arguments.
  std::shared_ptr<const semihosting::HostDirectory> semihosting_root;
  std::shared_ptr<const std::vector<std::string>> firmware_arguments;
  // Hooks of a tool built on the platform (see TileExtensions); null for none.
  const TileExtensions* extensions = nullptr;
  // The translated code the tile's cores share, for a core whose core.engine is translator.
  std::shared_ptr<core::Translator> translator;
};

class Node : public sc_core::sc_module, private semihosting::SemihostingPort {
 public:
  // Builds the node and points the core at `image`'s entry; `on_exit` hears the exit device's
  // (and HTIF's) status. Throws what the models throw for impossible parameters.
  Node(sc_core::sc_module_name name, const PlatformConfig& config, const NodePlace& place,
       const ElfImage& image, std::ostream& out, const std::function<void(int)>& on_exit);

  // The global window leads to the network's ingress; the network reaches this node's devices
  // and SRAM through the bus's target and the SRAM's second port.
  template <typename Socket>
  void attach_window(Socket& network_ingress, const PlatformConfig& config) {
    attach(network_ingress, config.memory.global_base, global_window_size, "global window");
  }

  // Copies the image into this core's SRAM (--fast-load). Throws LoaderError if a segment lies
  // outside it.
  void load(const PlatformConfig& config, const ElfImage& image);

  core::Core core;
  bus::Bus bus;
  memory::Sram sram;
  peripherals::Console console;
  peripherals::ExitDevice exit_device;
  peripherals::Clint clint;
  dma::Dma dma;
  peripherals::SyncUnit sync;
  peripherals::CoreInfo core_info;
  std::unique_ptr<peripherals::Htif> htif;
  std::unique_ptr<vector::VectorEngine> vector;
  vector::RtlEngine* rtl = nullptr;  // inside `vector`, if this core runs the RTL
  std::unique_ptr<semihosting::Semihosting> semihosting;  // with NodePlace::semihosting_root

 private:
  // The reference model, or for the cores vector.model_cores selects, the RTL or both in lockstep.
  std::unique_ptr<vector::VectorEngine> make_vector_engine(const PlatformConfig& config,
                                                           const NodePlace& place);
  static core::CoreParams core_params(const PlatformConfig& config, const NodePlace& place);
  static dma::DmaParams dma_params(const PlatformConfig& config);
  static peripherals::CoreInfoParams core_info_params(const PlatformConfig& config,
                                                     const NodePlace& place);
  // The DMA engine and the sync unit share the machine external interrupt.
  void set_external_irq(unsigned source, bool level);

  // SemihostingPort: memory as the core sees it (debug transport), its console and time.
  bool read_memory(uint64_t addr, void* data, uint64_t len) override;
  bool write_memory(uint64_t addr, const void* data, uint64_t len) override;
  void console_put(char c) override;
  uint64_t now_ps() override;
  void exit(int status) override;
  void warning(const std::string& message) override;
  bool debug_copy(tlm::tlm_command command, uint64_t addr, uint8_t* data, uint64_t len);

  template <typename Socket>
  void attach(Socket& target, uint64_t base, uint64_t size, const std::string& what) {
    bus.initiator.bind(target);
    bus.map(next_port_++, base, size, what);
  }

  std::function<void(int)> on_exit_;
  unsigned next_port_ = 0;
  unsigned external_sources_ = 0;
};

}  // namespace dojo::platform
