// Platform configuration: built-in defaults, overridden by a YAML file and by --set key=value.
// Every parameter is declared once, with its key, type, range and help: a model's by the model
// (its *Settings struct and table, support/parameters.h), the platform's own (the memory map,
// the tile's shape, boot and simulation) in config.cpp's schema, which mounts the models' tables
// under its sections. The YAML reader, --set, `dojo-vp config`, `dojo-vp params` and
// docs/configuration.md all come from that schema.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/core_settings.h"
#include "dma/dma_registers.h"
#include "dma/dma_settings.h"
#include "host/host_settings.h"
#include "noc/layout.h"
#include "noc/network.h"
#include "noc/noc_settings.h"
#include "peripherals/clint_registers.h"
#include "peripherals/clint_settings.h"
#include "peripherals/console_registers.h"
#include "peripherals/console_settings.h"
#include "peripherals/core_info_registers.h"
#include "peripherals/exit_device_registers.h"
#include "peripherals/sync_registers.h"
#include "peripherals/sync_settings.h"
#include "vector/vector_pipeline.h"

namespace dojo::platform {

// Which cores run which firmware: `cores` selects cores as "x,y", "x0-x1,y0-y1" or "*", each
// optionally after a chip "cx,cy:" (e.g. "1,0:0-17,0-9"); see docs/boot.md.
struct ImageAssignment {
  std::string cores;
  std::string path;
  bool operator==(const ImageAssignment& other) const {
    return cores == other.cores && path == other.path;
  }
};

// A value for some cores only: `--set cores[SELECT].KEY=VALUE`, or an entry of the YAML list
// `cores` (docs/configuration.md, "Settings for some cores").
struct CoreOverride {
  std::string select;  // a core selector (docs/boot.md)
  std::string key;     // a parameter that may differ between cores
  uint64_t value = 0;  // as the parameter stores it (a choice by its index)
  bool operator==(const CoreOverride& other) const {
    return select == other.select && key == other.key && value == other.value;
  }
};

// Each section is the settings struct of the model that uses it, or the platform's own.
struct PlatformConfig {
  core::CoreSettings core;
  struct Memory {
    uint64_t sram_base = 0x8000'0000;
    uint64_t sram_size = 0x14'0000;  // 1.25 MiB
    // Every core's SRAM, addressable from any core (see docs/memory-map.md).
    uint64_t global_base = 0x100'0000'0000;
    uint64_t sram_latency_ps = 0;  // per access, on top of the core's cycle model
  } memory;
  struct Mmio {
    uint64_t exit_base = 0x10'0000;       // test finisher, as QEMU's virt machine has it
    uint64_t clint_base = 0x200'0000;     // machine timer and software interrupt
    uint64_t console_base = 0x1000'0000;  // 16550-compatible transmit register
    uint64_t latency_ps = 5'000;          // per device register access (5 ns)
    // Each core's tile devices sit in one 4 MiB block, which the global window's device space
    // mirrors, so other cores reach them at the same offsets.
    uint64_t device_block_base = 0x300'0000;
    uint64_t dma_base = 0x300'0000;
    uint64_t sync_base = 0x301'0000;
    uint64_t core_info_base = 0x302'0000;
  } mmio;
  peripherals::ClintSettings timer;
  peripherals::ConsoleSettings console;
  struct Tile {
    uint32_t chips_x = 1;  // chips per row of the tile
    uint32_t chips_y = 1;  // rows of chips
  } tile;
  struct Mesh {
    uint32_t width = 1;   // cores per row of a chip
    uint32_t height = 1;  // rows of cores per chip
    // Positions (x, y) with no working core, the same in every chip.
    std::vector<std::pair<uint32_t, uint32_t>> disabled_cores;
  } mesh;
  struct Noc : noc::NetworkSettings, noc::NocSettings {
    uint64_t clock_hz = 2'000'000'000;  // the network's clock domain, the host link's too
  } noc;
  dma::DmaSettings dma;
  peripherals::SyncSettings sync;
  struct Vector {
    enum class Model : uint32_t { model, rtl, lockstep };
    Model model = Model::model;       // the implementation run by the selected cores
    std::string model_cores = "*";    // core selector (docs/boot.md) of the cores using `model`
    vector::PipelineShape pipeline;   // the unit's timing, in every engine
    uint64_t compare_registers_every = 256;  // lockstep: whole register file, every N instructions
  } vector;
  struct Host : host::HostSettings {
    uint32_t attach_x = 0;  // router of chip 0,0 the host link enters at
    uint32_t attach_y = 0;
  } host;
  struct Boot {
    bool fast_load = false;  // write images straight into SRAM at time 0
    std::vector<ImageAssignment> images;  // per-core firmware; unmatched cores run the default
  } boot;
  struct Simulation {
    uint64_t quantum_ps = 1'000'000;  // temporal-decoupling quantum (1 us)
    uint64_t max_instructions = 0;    // per core; 0 = no limit
    uint64_t timeout_ps = 0;          // simulated time; 0 = no limit
    uint64_t code_cache_bytes = uint64_t{128} << 20;  // the translator's host code, all cores
    uint32_t threads = 0;  // host threads running the cores' slices; 0 = one per host core
    uint64_t serial_cycles = 256;  // a core that needed the platform runs on in its own thread
  } simulation;
  // Applied in order over the values above to the cores each selects: for a core, the last entry
  // that selects it and sets a key wins.
  std::vector<CoreOverride> core_overrides;
};

// The configuration the core at `core` is built with: `config` with the core_overrides that
// select it applied in order. Returns `config` itself when none does, else `scratch`, which holds
// the copy.
const PlatformConfig& config_for_core(const PlatformConfig& config, const noc::Coord& core,
                                      PlatformConfig& scratch);

// A set of cores, parsed from an ImageAssignment's `cores`: inclusive ranges of chip and core
// coordinates.
struct CoreSelector {
  uint32_t chip_x_first = 0, chip_x_last = UINT32_MAX;
  uint32_t chip_y_first = 0, chip_y_last = UINT32_MAX;
  uint32_t x_first = 0, x_last = UINT32_MAX;
  uint32_t y_first = 0, y_last = UINT32_MAX;
  bool contains(uint32_t chip_x, uint32_t chip_y, uint32_t x, uint32_t y) const {
    return chip_x >= chip_x_first && chip_x <= chip_x_last && chip_y >= chip_y_first &&
           chip_y <= chip_y_last && x >= x_first && x <= x_last && y >= y_first && y <= y_last;
  }
};
// Parses "*", "x,y", "x0-x1,y0-y1", each optionally after "cx,cy:" (a chip or ranges of chips;
// without it, every chip). Throws std::invalid_argument with the reason.
CoreSelector parse_core_selector(const std::string& text);

// Parses "CORES=FILE;CORES=FILE" (as boot.images takes it); `origin` names the source in errors.
// Throws ConfigError.
std::vector<ImageAssignment> parse_image_assignments(const std::string& text,
                                                     const std::string& origin);
// Throws ConfigError, naming `origin` (e.g. "--image"), for an entry of `images` whose selector
// is malformed or selects no working core of `config`.
void check_image_assignments(const PlatformConfig& config,
                             const std::vector<ImageAssignment>& images, const std::string& origin);

// Sizes fixed by the devices' register maps (models/*/*_registers.yaml; not configurable), used
// to map the devices and check the memory map.
inline constexpr uint64_t exit_device_size = exit::registers::size;
inline constexpr uint64_t clint_size = clint::registers::size;
inline constexpr uint64_t console_size = uart::registers::size;
inline constexpr uint64_t dma_size = dma::registers::size;
inline constexpr uint64_t sync_size = sync::registers::size;
inline constexpr uint64_t core_info_size = core_info::registers::size;
// The most working cores a platform can have: the core info device's rank table lists each.
inline constexpr uint64_t max_cores = core_info::registers::rank_table_count;
// Each core's SRAM occupies one slot of the global window (noc/layout.h: 4 MiB), so sram_size <=
// it; its device block occupies another.
inline constexpr uint64_t global_slot_size = noc::window::offset.mask() + 1;
inline constexpr uint64_t global_window_size = uint64_t{1} << noc::window::bits;

// A configuration problem; what() names the file (or --set), line and column, and the key.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads a YAML file over `config`: unknown keys, wrong types and out-of-range values throw.
void load_config_file(PlatformConfig& config, const std::string& path);
// Applies one `key=value` (e.g. `core.clock_hz=1GHz`, or `cores[1,0:*].core.clock_hz=1GHz` for
// some cores), with the same checks as the YAML reader.
void apply_override(PlatformConfig& config, const std::string& assignment);
// Checks relations between parameters (e.g. memory regions that overlap).
void validate(const PlatformConfig& config);

struct ParameterInfo {
  std::string key;    // dotted, e.g. "memory.sram_size"
  std::string type;   // "integer" (an address), "count", "size", "frequency", "time"
  std::string default_value;
  std::string help;
  std::string range;  // allowed values, e.g. "1MHz..10GHz" or "multiple of 4KiB"
  bool per_core = false;  // may differ between cores (core_overrides)
};
// Every parameter with its default, in schema order.
std::vector<ParameterInfo> describe_parameters();
// The value of a numeric parameter (an address, count, size, frequency or time) by its key;
// nothing for any other key.
std::optional<uint64_t> parameter_value(const PlatformConfig& config, const std::string& key);
// docs/configuration.md's table of every parameter (`dojo-vp params --markdown`).
std::string parameter_table_markdown();
// The configuration as YAML (every key), e.g. for `dojo-vp config`.
std::string to_yaml(const PlatformConfig& config);

// `text` as the value of the numeric parameter `spec` (a choice as its index), with the checks
// the YAML reader makes (e.g. for a tool's options made from a model's declarations); throws
// ConfigError "ORIGIN: KEY: problem".
uint64_t parse_parameter(const param::Spec& spec, const std::string& key, const std::string& text,
                         const std::string& origin);

// What a kind of value is called in messages and help: "count", "size", "frequency" ...
const char* kind_name(param::Kind kind);
// A numeric parameter's value as the configuration writes it (e.g. "64B", "2GHz", "xy").
std::string format_parameter(const param::Spec& spec, uint64_t value);

// Parses "10ms", "1.5 us", "250ps" into picoseconds; throws std::invalid_argument.
uint64_t parse_time_ps(const std::string& text);

}  // namespace dojo::platform
