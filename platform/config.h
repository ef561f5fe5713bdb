// Platform configuration: built-in defaults, overridden by a YAML file and by --set key=value.
// Every parameter is declared once, in config.cpp's schema, with its key, type, range and help;
// the YAML reader, --set, `dojo-vp config` and docs/configuration.md all come from that schema.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/hart.h"

namespace dojo::platform {

struct PlatformConfig {
  struct Core {
    uint64_t clock_hz = 2'000'000'000;
    core::CycleModel cycles;
  } core;
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
  } mmio;
  struct Timer {
    uint64_t frequency_hz = 10'000'000;  // mtime ticks per second
  } timer;
  struct Mesh {
    uint32_t width = 1;   // cores per row
    uint32_t height = 1;  // rows
  } mesh;
  struct Simulation {
    uint64_t quantum_ps = 1'000'000;  // temporal-decoupling quantum (1 us)
    uint64_t max_instructions = 0;    // per core; 0 = no limit
    uint64_t timeout_ps = 0;          // simulated time; 0 = no limit
  } simulation;
};

// Sizes fixed by the devices' register maps (not configurable), used to check the memory map.
inline constexpr uint64_t exit_device_size = 0x1000;   // 4 KiB
inline constexpr uint64_t clint_size = 0x1'0000;       // 64 KiB
inline constexpr uint64_t console_size = 0x100;        // 256 bytes
// Each core's SRAM occupies one slot of this size in the global window, so sram_size <= it.
inline constexpr uint64_t global_slot_size = 0x40'0000;  // 4 MiB

// A configuration problem; what() names the file (or --set), line and column, and the key.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads a YAML file over `config`: unknown keys, wrong types and out-of-range values throw.
void load_config_file(PlatformConfig& config, const std::string& path);
// Applies one `key=value` (e.g. `core.clock_hz=1GHz`), with the same checks as the YAML reader.
void apply_override(PlatformConfig& config, const std::string& assignment);
// Checks relations between parameters (e.g. memory regions that overlap).
void validate(const PlatformConfig& config);

struct ParameterInfo {
  std::string key;    // dotted, e.g. "memory.sram_size"
  std::string type;   // "integer" (an address), "count", "size", "frequency", "time"
  std::string default_value;
  std::string help;
  std::string range;  // allowed values, e.g. "1MHz..10GHz" or "multiple of 4KiB"
};
// Every parameter with its default, in schema order.
std::vector<ParameterInfo> describe_parameters();
// The configuration as YAML (every key), e.g. for `dojo-vp config`.
std::string to_yaml(const PlatformConfig& config);

// Parses "10ms", "1.5 us", "250ps" into picoseconds; throws std::invalid_argument.
uint64_t parse_time_ps(const std::string& text);

}  // namespace dojo::platform
