// Platform configuration: value syntaxes, the YAML reader and --set, their error messages, the
// relation checks, and the shipped config file and documentation staying true to the schema.
#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "config.h"
#include "dma/dma.h"
#include "noc/traffic.h"
#include "field_count.h"
#include "temp_dir.h"

using namespace dojo::platform;
using Catch::Contains;

namespace {

const std::string config_dir = DOJO_CONFIG_DIR;

std::string read_text(const std::string& path) {
  std::ifstream stream(path);
  std::ostringstream text;
  text << stream.rdbuf();
  return text.str();
}

// Whether the dotted `key` leads to a single value in `node`.
bool has_value(const YAML::Node& node, const std::string& key) {
  if (!node.IsDefined() || !node.IsMap()) return false;
  const auto dot = key.find('.');
  if (dot != std::string::npos) return has_value(node[key.substr(0, dot)], key.substr(dot + 1));
  const YAML::Node leaf = node[key];
  return leaf.IsDefined() && !leaf.IsNull();
}

PlatformConfig with_overrides(std::initializer_list<std::string> assignments) {
  PlatformConfig config;
  for (const auto& assignment : assignments) apply_override(config, assignment);
  return config;
}

// The error message of loading `yaml` (written to a file named `name`), or "" if it loads.
std::string load_error(const TempDir& dir, const std::string& name, const std::string& yaml) {
  PlatformConfig config;
  try {
    load_config_file(config, dir.write(name, yaml));
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

std::string override_error(const std::string& assignment) {
  PlatformConfig config;
  try {
    apply_override(config, assignment);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

std::string validate_error(const PlatformConfig& config) {
  try {
    validate(config);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

// One change per PlatformConfig field, so the schema can be checked to bind every field.
const std::vector<std::function<void(PlatformConfig&)>>& field_changes() {
  static const std::vector<std::function<void(PlatformConfig&)>> changes = {
      [](PlatformConfig& c) { c.core.clock_hz += 1; },
      [](PlatformConfig& c) { c.core.cycles.load += 1; },
      [](PlatformConfig& c) { c.core.cycles.store += 1; },
      [](PlatformConfig& c) { c.core.cycles.mul += 1; },
      [](PlatformConfig& c) { c.core.cycles.div += 1; },
      [](PlatformConfig& c) { c.core.cycles.branch_taken += 1; },
      [](PlatformConfig& c) { c.core.cycles.jump += 1; },
      [](PlatformConfig& c) { c.core.cycles.csr += 1; },
      [](PlatformConfig& c) { c.core.cycles.amo += 1; },
      [](PlatformConfig& c) { c.core.cycles.fence += 1; },
      [](PlatformConfig& c) {
        c.core.engine = c.core.engine == dojo::core::Engine::interpreter
                            ? dojo::core::Engine::translator
                            : dojo::core::Engine::interpreter;
      },
      [](PlatformConfig& c) { c.core.translate_after += 1; },
      [](PlatformConfig& c) { c.memory.sram_base += 1; },
      [](PlatformConfig& c) { c.memory.sram_size += 1; },
      [](PlatformConfig& c) { c.memory.global_base += 1; },
      [](PlatformConfig& c) { c.memory.sram_latency_ps += 1; },
      [](PlatformConfig& c) { c.mmio.exit_base += 1; },
      [](PlatformConfig& c) { c.mmio.clint_base += 1; },
      [](PlatformConfig& c) { c.mmio.console_base += 1; },
      [](PlatformConfig& c) { c.mmio.latency_ps += 1; },
      [](PlatformConfig& c) { c.mmio.device_block_base += 1; },
      [](PlatformConfig& c) { c.mmio.dma_base += 1; },
      [](PlatformConfig& c) { c.mmio.sync_base += 1; },
      [](PlatformConfig& c) { c.mmio.core_info_base += 1; },
      [](PlatformConfig& c) { c.timer.frequency_hz += 1; },
      [](PlatformConfig& c) { c.tile.chips_x += 1; },
      [](PlatformConfig& c) { c.tile.chips_y += 1; },
      [](PlatformConfig& c) { c.mesh.width += 1; },
      [](PlatformConfig& c) { c.mesh.height += 1; },
      [](PlatformConfig& c) { c.mesh.disabled_cores.push_back({1, 2}); },
      [](PlatformConfig& c) { c.noc.clock_hz += 1; },
      [](PlatformConfig& c) { c.noc.flit_bytes += 1; },
      [](PlatformConfig& c) { c.noc.router_latency += 1; },
      [](PlatformConfig& c) { c.noc.link_latency += 1; },
      [](PlatformConfig& c) { c.noc.chip_link_bytes += 1; },
      [](PlatformConfig& c) { c.noc.chip_link_latency += 1; },
      [](PlatformConfig& c) { c.noc.header_bytes += 1; },
      [](PlatformConfig& c) { c.noc.interface_queue += 1; },
      [](PlatformConfig& c) { c.noc.sw_allocator = dojo::noc::SwitchAllocator::islip; },
      [](PlatformConfig& c) { c.noc.sw_alloc_iterations += 1; },
      [](PlatformConfig& c) { c.noc.routing = dojo::noc::Routing::table; },
      [](PlatformConfig& c) { c.noc.latency_bucket_cycles += 1; },
      [](PlatformConfig& c) { c.noc.latency_buckets += 1; },
      [](PlatformConfig& c) { c.noc.model = dojo::noc::NetworkModel::cycle; },
      [](PlatformConfig& c) { c.noc.injection_latency += 1; },
      [](PlatformConfig& c) { c.noc.ejection_latency += 1; },
      [](PlatformConfig& c) { c.noc.vcs += 1; },
      [](PlatformConfig& c) { c.noc.vc_buffer += 1; },
      [](PlatformConfig& c) { c.noc.credit_delay += 1; },
      [](PlatformConfig& c) { c.noc.routing_delay += 1; },
      [](PlatformConfig& c) { c.noc.vc_alloc_delay += 1; },
      [](PlatformConfig& c) { c.noc.sw_alloc_delay += 1; },
      [](PlatformConfig& c) { c.noc.switch_delay += 1; },
      [](PlatformConfig& c) { c.noc.flow_control = dojo::noc::FlowControl::vct; },
      [](PlatformConfig& c) { c.dma.burst_bytes += 1; },
      [](PlatformConfig& c) { c.dma.port_bytes_per_cycle += 1; },
      [](PlatformConfig& c) { c.dma.max_chain_descriptors += 1; },
      [](PlatformConfig& c) { c.dma.bursts_in_flight += 1; },
      [](PlatformConfig& c) { c.sync.counters += 1; },
      [](PlatformConfig& c) { c.vector.model = PlatformConfig::Vector::Model::lockstep; },
      [](PlatformConfig& c) { c.vector.model_cores = "0,0"; },
      [](PlatformConfig& c) { c.vector.compare_registers_every += 1; },
      [](PlatformConfig& c) { c.vector.pipeline.fma_stages += 1; },
      [](PlatformConfig& c) { c.vector.pipeline.mma_stages += 1; },
      [](PlatformConfig& c) { c.vector.pipeline.queue_depth += 1; },
      [](PlatformConfig& c) { c.host.memory_size += 1; },
      [](PlatformConfig& c) { c.host.link_bytes_per_cycle += 1; },
      [](PlatformConfig& c) { c.host.chunk_bytes += 1; },
      [](PlatformConfig& c) { c.host.attach_x += 1; },
      [](PlatformConfig& c) { c.host.attach_y += 1; },
      [](PlatformConfig& c) { c.boot.fast_load = true; },
      [](PlatformConfig& c) { c.boot.images.push_back({"0,0", "a.elf"}); },
      [](PlatformConfig& c) { c.simulation.quantum_ps += 1; },
      [](PlatformConfig& c) { c.simulation.max_instructions += 1; },
      [](PlatformConfig& c) { c.simulation.timeout_ps += 1; },
      [](PlatformConfig& c) { c.simulation.code_cache_bytes += 1; },
      [](PlatformConfig& c) { c.simulation.threads += 1; },
      [](PlatformConfig& c) { c.simulation.serial_cycles += 1; },
      [](PlatformConfig& c) { c.console.max_line_bytes += 1; },
      [](PlatformConfig& c) { c.core_overrides.push_back({"0,0", "core.clock_hz", 1'000'000'000}); },
  };
  return changes;
}

}  // namespace

TEST_CASE("the schema binds every field of PlatformConfig to its own key") {
  // A new member changes these counts (a base class counts as one): declare it where its
  // struct's table is and give it a line in field_changes().
  using dojo::test::field_count;
  using C = PlatformConfig;
  CHECK(field_count<C>() == 15);
  CHECK(field_count<dojo::core::CoreSettings>() == 4);
  CHECK(field_count<dojo::core::CycleModel>() == 9);
  CHECK(field_count<C::Memory>() == 4);
  CHECK(field_count<C::Mmio>() == 8);
  CHECK(field_count<dojo::peripherals::ClintSettings>() == 1);
  CHECK(field_count<dojo::peripherals::ConsoleSettings>() == 1);
  CHECK(field_count<C::Tile>() == 2);
  CHECK(field_count<C::Mesh>() == 3);
  CHECK(field_count<C::Noc>() == 3);  // the two settings bases and the clock
  CHECK(field_count<dojo::noc::NetworkSettings>() == 21);
  CHECK(field_count<dojo::noc::NocSettings>() == 2);
  CHECK(field_count<dojo::dma::DmaSettings>() == 4);
  CHECK(field_count<dojo::peripherals::SyncSettings>() == 1);
  CHECK(field_count<C::Vector>() == 4);
  CHECK(field_count<dojo::vector::PipelineShape>() == 3);
  CHECK(field_count<C::Host>() == 3);  // the settings base and the attachment point
  CHECK(field_count<dojo::host::HostSettings>() == 3);
  CHECK(field_count<C::Boot>() == 2);
  CHECK(field_count<C::Simulation>() == 6);
  REQUIRE(describe_parameters().size() + 1 == field_changes().size());  // + core_overrides

  const std::string defaults = to_yaml(PlatformConfig{});
  std::set<std::string> outputs;
  for (size_t i = 0; i < field_changes().size(); ++i) {
    PlatformConfig changed;
    field_changes()[i](changed);
    const std::string yaml = to_yaml(changed);
    INFO("field change " << i);
    CHECK(yaml != defaults);
    outputs.insert(yaml);
  }
  CHECK(outputs.size() == field_changes().size());  // no two fields share a key
}

TEST_CASE("every parameter's largest allowed value fits the member that holds it") {
  for (const ParameterInfo& info : describe_parameters()) {
    if (info.type != "count" && info.type != "size" && info.type != "frequency" &&
        info.type != "time" && info.type != "integer")
      continue;
    const auto dots = info.range.find("..");
    if (dots == std::string::npos) continue;
    const std::string largest = info.range.substr(dots + 2, info.range.find(',', dots) - dots - 2);
    PlatformConfig config;
    INFO(info.key << " = " << largest);
    REQUIRE_NOTHROW(apply_override(config, info.key + "=" + largest));
    PlatformConfig again;
    apply_override(again, info.key + "=" + largest);
    CHECK(to_yaml(config) == to_yaml(again));
    CHECK(to_yaml(config).find(" " + largest) != std::string::npos);
  }
}

TEST_CASE("a model's own defaults are the platform's: one declaration, no second copy") {
  // The network once defaulted to 16-byte, 20-cycle chip links while the platform said 64 and 50.
  const dojo::noc::NetworkParams network;
  const PlatformConfig platform;
  CHECK(network.chip_link_bytes == platform.noc.chip_link_bytes);
  CHECK(network.chip_link_latency == platform.noc.chip_link_latency);
  CHECK(network.chip_link_bytes == 64);
  CHECK(network.chip_link_latency == 50);
  const dojo::noc::TrafficParams traffic;
  CHECK(traffic.network.router_latency == platform.noc.router_latency);
  CHECK(traffic.network.link_latency == platform.noc.link_latency);
  const dojo::dma::DmaParams dma;
  CHECK(dma.burst_bytes == platform.dma.burst_bytes);
}

TEST_CASE("describe_parameters lists unique keys whose defaults read back unchanged") {
  const std::set<std::string> types = {"integer",   "count",  "size",
                                       "frequency", "time",   "choice",
                                       "coordinate list", "image map", "core selector"};
  std::set<std::string> keys;
  const std::string defaults = to_yaml(PlatformConfig{});
  for (const ParameterInfo& parameter : describe_parameters()) {
    INFO(parameter.key);
    CHECK(keys.insert(parameter.key).second);
    CHECK(types.count(parameter.type) == 1);
    CHECK_FALSE(parameter.help.empty());
    CHECK_FALSE(parameter.range.empty());
    // Lists and maps are shown in YAML flow style, which --set does not take.
    if (parameter.type != "coordinate list" && parameter.type != "image map" &&
        parameter.type != "core selector")
      CHECK(to_yaml(with_overrides({parameter.key + "=" + parameter.default_value})) == defaults);
  }
  CHECK(keys.count("core.cycles.div") == 1);
  CHECK(keys.count("simulation.quantum") == 1);  // time keys have no _ps suffix
}

TEST_CASE("value syntaxes: integers, sizes, frequencies, times") {
  CHECK(with_overrides({"memory.sram_base=0x9000_0000"}).memory.sram_base == 0x9000'0000);
  CHECK(with_overrides({"memory.sram_base=2415919104"}).memory.sram_base == 0x9000'0000);
  CHECK(with_overrides({"memory.sram_base=0b1001_0000_0000_0000_0000_0000_0000_0000"})
            .memory.sram_base == 0x9000'0000);
  for (const char* size : {"1.25MiB", "1280KiB", "0x14_0000", "1310720", "1310720B", "1.25 MiB"})
    CHECK(with_overrides({std::string("memory.sram_size=") + size}).memory.sram_size ==
          0x14'0000);
  CHECK(with_overrides({"memory.sram_size=4MiB"}).memory.sram_size == 4 << 20);
  CHECK(with_overrides({"core.clock_hz=500MHz"}).core.clock_hz == 500'000'000);
  CHECK(with_overrides({"core.clock_hz=10 MHz"}).core.clock_hz == 10'000'000);
  CHECK(with_overrides({"core.clock_hz=1.5GHz"}).core.clock_hz == 1'500'000'000);
  CHECK(with_overrides({"core.clock_hz=2_000_000_000"}).core.clock_hz == 2'000'000'000);
  CHECK(with_overrides({"timer.frequency_hz=32.768kHz"}).timer.frequency_hz == 32'768);
  CHECK(with_overrides({"simulation.quantum=250ns"}).simulation.quantum_ps == 250'000);
  CHECK(with_overrides({"simulation.timeout=10ms"}).simulation.timeout_ps == 10'000'000'000);
  CHECK(with_overrides({"core.cycles.div = 35"}).core.cycles.div == 35);

  CHECK(parse_time_ps("250ps") == 250);
  CHECK(parse_time_ps("1.5 us") == 1'500'000);
  CHECK(parse_time_ps("10ms") == 10'000'000'000);
  CHECK(parse_time_ps("2s") == 2'000'000'000'000);
  CHECK(parse_time_ps("0") == 0);
  for (const char* bad : {"", "10", "1.5", "abc", "-1ms", "1 fortnight", "1.0005ns", "1__0ns",
                          "_10ns", "ms", "99999999999s"}) {
    INFO(bad);
    CHECK_THROWS_AS(parse_time_ps(bad), std::invalid_argument);
  }
}

TEST_CASE("apply_override (--set) reports bad assignments with the key and what is wrong") {
  CHECK(override_error("core.clock_hz") ==
        "--set: 'core.clock_hz' is not key=value (e.g. core.clock_hz=1GHz)");
  CHECK(override_error("core.clok_hz=1GHz") ==
        "--set: unknown key 'core.clok_hz' (did you mean 'core.clock_hz'?)");
  CHECK(override_error("cycles.div=3") ==
        "--set: unknown key 'cycles.div' (did you mean 'core.cycles.div'?)");
  CHECK(override_error("simulation.quantum_ps=1us") ==
        "--set: unknown key 'simulation.quantum_ps' (did you mean 'simulation.quantum'?)");
  CHECK(override_error("core.clok=1GHz") ==
        "--set: unknown key 'core.clok' (did you mean 'core.clock_hz'?)");
  CHECK(override_error("frobnicate=1") == "--set: unknown key 'frobnicate'");
  CHECK(override_error("x=1") == "--set: unknown key 'x'");
  CHECK(override_error("core.cycles=1") ==
        "--set: 'core.cycles' is a group of settings; set one of its keys, e.g. core.cycles.load");
  CHECK(override_error("core.cycles.div=abc") ==
        "--set: core.cycles.div: 'abc' is not a valid count: not a number (examples: 20, "
        "1_000_000, 0x14)");
  CHECK(override_error("core.clock_hz=2 GHZZ") ==
        "--set: core.clock_hz: '2 GHZZ' is not a valid frequency: unknown unit 'GHZZ', use one "
        "of Hz, kHz, MHz, GHz (examples: 2GHz, 500MHz, 10 MHz, 32768)");
  CHECK(override_error("core.clock_hz=20GHz") ==
        "--set: core.clock_hz: 20GHz is out of range (allowed: 1MHz..10GHz)");
  CHECK(override_error("core.cycles.mul=0") ==
        "--set: core.cycles.mul: 0 is out of range (allowed: 1..1000)");
  CHECK(override_error("simulation.quantum=2s") ==
        "--set: simulation.quantum: 2s is out of range (allowed: 1ns..1s)");
  CHECK(override_error("timer.frequency_hz=100Hz") ==
        "--set: timer.frequency_hz: 100Hz is out of range (allowed: 1kHz..1GHz)");
  CHECK(override_error("memory.sram_size=8MiB") ==
        "--set: memory.sram_size: 8MiB is out of range (allowed: 4KiB..4MiB, multiple of 4KiB)");
  CHECK(override_error("memory.sram_size=5000") ==
        "--set: memory.sram_size: 5000B is not a multiple of 4KiB");
  CHECK(override_error("mmio.clint_base=0x200_0800") ==
        "--set: mmio.clint_base: 0x200_0800 is not a multiple of 4KiB");
  CHECK(override_error("memory.sram_size=1.3MiB") ==
        "--set: memory.sram_size: '1.3MiB' is not a valid size: not a whole number of bytes "
        "(examples: 1.25MiB, 1280KiB, 0x1000)");
  CHECK(override_error("simulation.max_instructions=18446744073709551616") ==
        "--set: simulation.max_instructions: '18446744073709551616' is not a valid count: too "
        "large (examples: 20, 1_000_000, 0x14)");
  // A refused value leaves the configuration as it was.
  PlatformConfig config;
  CHECK_THROWS_AS(apply_override(config, "core.clock_hz=0"), ConfigError);
  CHECK(config.core.clock_hz == PlatformConfig{}.core.clock_hz);
}

TEST_CASE("the YAML reader applies nested keys and later sources win") {
  const TempDir dir;
  PlatformConfig config;
  load_config_file(config, dir.write("fast.yaml", R"(
core:
  clock_hz: 1GHz
  cycles: {div: 40, mul: 2}
memory:
  sram_size: "512 KiB"
simulation:
  quantum: 10ns
  timeout: 5ms
)"));
  CHECK(config.core.clock_hz == 1'000'000'000);
  CHECK(config.core.cycles.div == 40);
  CHECK(config.core.cycles.mul == 2);
  CHECK(config.core.cycles.load == 1);  // untouched keys keep their defaults
  CHECK(config.memory.sram_size == 512 * 1024);
  CHECK(config.simulation.quantum_ps == 10'000);
  CHECK(config.simulation.timeout_ps == 5'000'000'000);
  apply_override(config, "core.cycles.div=7");
  CHECK(config.core.cycles.div == 7);

  PlatformConfig unchanged;
  load_config_file(unchanged, dir.write("empty.yaml", "# nothing set\n"));
  load_config_file(unchanged, dir.write("group-only.yaml", "core:\n  # clock_hz: 1GHz\n"));
  CHECK(to_yaml(unchanged) == to_yaml(PlatformConfig{}));
}

TEST_CASE("YAML errors name the file, line, column and key") {
  const TempDir dir;
  const std::string base = dir.path().string() + "/";
  CHECK(load_error(dir, "typo.yaml", "core:\n  clok_hz: 1GHz\n") ==
        base + "typo.yaml:2:3: unknown key 'core.clok_hz' (did you mean 'core.clock_hz'?)");
  CHECK(load_error(dir, "group.yaml", "cor:\n  clock_hz: 1GHz\n") ==
        base + "group.yaml:1:1: unknown key 'cor' (did you mean 'core'?)");
  CHECK(load_error(dir, "map.yaml", "core:\n  clock_hz:\n    value: 1GHz\n") ==
        base + "map.yaml:3:5: core.clock_hz: expected a frequency, found a map");
  CHECK(load_error(dir, "list.yaml", "mesh:\n  width: [1, 2]\n") ==
        base + "list.yaml:2:10: mesh.width: expected a count, found a list");
  CHECK(load_error(dir, "missing-value.yaml", "mesh:\n  width:\n") ==
        base + "missing-value.yaml:2:3: mesh.width: expected a count, found nothing");
  CHECK(load_error(dir, "scalar-group.yaml", "core: 2GHz\n") ==
        base + "scalar-group.yaml:1:7: core: expected a map of settings, found a single value");
  CHECK(load_error(dir, "abc.yaml", "core:\n  cycles:\n    div: abc\n") ==
        base + "abc.yaml:3:10: core.cycles.div: 'abc' is not a valid count: not a number "
               "(examples: 20, 1_000_000, 0x14)");
  CHECK(load_error(dir, "range.yaml", "mesh:\n  height: 33\n") ==
        base + "range.yaml:2:11: mesh.height: 33 is out of range (allowed: 1..32)");
  CHECK(load_error(dir, "duplicate.yaml", "core:\n  clock_hz: 1GHz\n  clock_hz: 2GHz\n") ==
        base + "duplicate.yaml:3:3: duplicate key 'core.clock_hz'");
  CHECK(load_error(dir, "top.yaml", "- core\n") ==
        base + "top.yaml:1:1: expected a map of settings, found a list");
  CHECK(load_error(dir, "broken.yaml", "core:\n  cycles: {div: 3\n") ==
        base + "broken.yaml:3:1: malformed YAML: end of map flow not found");
  CHECK(load_error(dir, "tabs.yaml", "core:\n\tclock_hz: 1GHz\n").rfind(base + "tabs.yaml:", 0) ==
        0);

  PlatformConfig config;
  const std::string missing = base + "missing.yaml";
  CHECK_THROWS_WITH(load_config_file(config, missing),
                    missing + ": cannot open: No such file or directory");
  CHECK_THROWS_WITH(load_config_file(config, dir.path().string()),
                    dir.path().string() + ": cannot open: is a directory");
  // A file with an error changes nothing, even where its earlier keys were fine.
  CHECK_THROWS_AS(load_config_file(config, dir.write("half.yaml", "mesh: {width: 4, height: 0}")),
                  ConfigError);
  CHECK(config.mesh.width == 1);
}

TEST_CASE("errors quote a bounded excerpt of a long or binary value") {
  const TempDir dir;
  const std::string base = dir.path().string() + "/";
  const std::string megabyte(1 << 20, 'x');
  CHECK(load_error(dir, "huge-value.yaml", "mesh:\n  width: " + megabyte + "\n") ==
        base + "huge-value.yaml:2:10: mesh.width: '" + std::string(60, 'x') +
            "...' (1048576 bytes) is not a valid count: not a number (examples: 20, 1_000_000, "
            "0x14)");
  // A long unknown key is quoted the same way, and looking for a near key stays cheap.
  CHECK(override_error(megabyte + "=1") == "--set: unknown key '" + std::string(60, 'x') +
                                               "...' (1048576 bytes)");
  CHECK(override_error("boot.images=" + megabyte) ==
        "--set: boot.images: '" + std::string(60, 'x') +
            "...' (1048576 bytes) is not a valid image map: '" + std::string(300, 'x') +
            "...' (1048576 bytes) is not CORES=FILE.elf (examples: \"0,0=ping.elf;1-3,0=pong.elf\", "
            "{\"*\": fw.elf})");
  // Control characters are shown as \xNN, and a cut does not split a UTF-8 character.
  CHECK(override_error("mesh.width=1\x1b[2J") ==
        "--set: mesh.width: '1\\x1b[2J' is not a valid count: unexpected '\\x1b[2J' "
        "(examples: 20, 1_000_000, 0x14)");
  CHECK(override_error("mesh.width=" + std::string(59, '7') + "\xc3\xa9" + "7") ==
        "--set: mesh.width: '" + std::string(59, '7') +
            "...' (62 bytes) is not a valid count: unexpected '\xc3\xa9" "7' (examples: 20, "
            "1_000_000, 0x14)");
  // The bound is on what is shown: control characters, four characters each, count four times
  // (fuzz_config_set found a message of 1,041 bytes from NULs in an image map).
  const std::string nuls(400, '\0');
  std::string fifteen_nuls_shown;
  for (int i = 0; i < 15; ++i) fifteen_nuls_shown += "\\x00";
  CHECK(override_error("mesh.width=" + nuls) ==
        "--set: mesh.width: '" + fifteen_nuls_shown + "...' (400 bytes) is not a valid count: "
        "not a number (examples: 20, 1_000_000, 0x14)");
  CHECK(override_error("boot.images=0," + nuls).size() < 600);
}

TEST_CASE("YAML nested deeper than yaml-cpp reads is refused with what is wrong") {
  const TempDir dir;
  const std::string base = dir.path().string() + "/";
  // Nesting that yaml-cpp still reads gets the usual message.
  CHECK(load_error(dir, "nested.yaml", "mesh:\n  width: " + std::string(200, '[') +
                                           std::string(200, ']') + "\n") ==
        base + "nested.yaml:2:10: mesh.width: expected a count, found a list");
  for (const char open : {'[', '{'}) {
    const std::string deep = "mesh:\n  width: " + std::string(100'000, open) + "\n";
    const std::string error = load_error(dir, "deep.yaml", deep);
    CHECK_THAT(error, Catch::StartsWith(base + "deep.yaml:"));
    CHECK_THAT(error, Contains(": lists or maps nested too deeply (yaml-cpp stops at depth 500; a "
                               "dojo-vp configuration nests 4 levels at most)"));
  }
}

TEST_CASE("validate checks ranges and the relations between parameters") {
  CHECK(validate_error(PlatformConfig{}) == "");
  CHECK(validate_error(with_overrides({"mesh.width=32", "mesh.height=32"})) == "");
  // The most cores: 15,360 (the core info's rank table), here 8x8 chips of 16x15.
  CHECK(validate_error(with_overrides({"tile.chips_x=8", "tile.chips_y=8", "mesh.width=16",
                                       "mesh.height=15"})) == "");
  CHECK(validate_error(with_overrides({"tile.chips_x=8", "tile.chips_y=8", "mesh.width=16",
                                       "mesh.height=16", "noc.routing=table",
                                       "mesh.disabled_cores=0,1"})) ==
        "tile.chips_x, tile.chips_y, mesh.width, mesh.height: 8x8 chips of 255 working cores are "
        "16320 cores, more than the 15360 a platform can have");

  PlatformConfig config;
  config.mesh.width = 0;
  CHECK(validate_error(config) == "mesh.width: 0 is out of range (allowed: 1..32)");
  config = {};
  config.mesh.height = 33;
  CHECK(validate_error(config) == "mesh.height: 33 is out of range (allowed: 1..32)");
  config = {};
  config.simulation.quantum_ps = 0;
  CHECK(validate_error(config) == "simulation.quantum: 0 is out of range (allowed: 1ns..1s)");
  config = {};
  config.memory.sram_size = 0;
  CHECK_THAT(validate_error(config), Contains("memory.sram_size: 0 is out of range"));
  config.memory.sram_size = 8 << 20;
  CHECK_THAT(validate_error(config), Contains("memory.sram_size: 8MiB is out of range"));

  CHECK(validate_error(with_overrides({"mmio.clint_base=0x8010_0000"})) ==
        "memory.sram_base, mmio.clint_base: SRAM 0x8000_0000-0x8013_ffff overlaps CLINT "
        "0x8010_0000-0x8010_ffff");
  CHECK(validate_error(with_overrides({"mmio.console_base=0x10_0000"})) ==
        "mmio.exit_base, mmio.console_base: exit device 0x10_0000-0x10_0fff overlaps console "
        "0x10_0000-0x10_00ff");
  // The global window spans 2^40 bytes from global_base.
  CHECK(validate_error(with_overrides({"memory.global_base=0x200_0000_0000"})) == "");
  CHECK(validate_error(with_overrides({"memory.global_base=0x7f00_0000"})) ==
        "memory.sram_base, memory.global_base: SRAM 0x8000_0000-0x8013_ffff overlaps global "
        "window 0x7f00_0000-0x100_7eff_ffff");
  CHECK(validate_error(with_overrides({"mmio.console_base=0xffff_ffff_ffff_f000",
                                       "mmio.exit_base=0xffff_ffff_ffff_e000"})) == "");
  CHECK(validate_error(with_overrides({"memory.global_base=0xffff_ffff_ffff_f000"})) ==
        "memory.global_base: global window at 0xffff_ffff_ffff_f000 runs past the end of "
        "the address space");
  CHECK(validate_error(with_overrides({"timer.frequency_hz=1GHz", "core.clock_hz=500MHz"})) ==
        "timer.frequency_hz: 1GHz exceeds core.clock_hz (500MHz); the timer cannot tick faster "
        "than the core clock");
}

TEST_CASE("validate checks the tile: disabled cores, routing, device block, host link, images") {
  CHECK(validate_error(with_overrides({"mesh.width=4", "mesh.disabled_cores=4,0",
                                       "noc.routing=table"})) ==
        "mesh.disabled_cores: 4,0 is outside the 4x1 mesh");
  CHECK(validate_error(with_overrides({"mesh.width=4", "mesh.disabled_cores=1,0 1,0",
                                       "noc.routing=table"})) ==
        "mesh.disabled_cores: 1,0 is listed twice");
  CHECK(validate_error(with_overrides({"mesh.disabled_cores=0,0", "noc.routing=table"})) ==
        "mesh.disabled_cores: every core of the mesh is disabled");
  CHECK_THAT(validate_error(with_overrides({"mesh.width=4", "mesh.disabled_cores=2,0"})),
             Contains("noc.routing: xy routes cannot avoid the disabled cores"));
  CHECK(validate_error(with_overrides({"mesh.width=4", "mesh.disabled_cores=2,0",
                                       "noc.routing=table"})) == "");
  CHECK(validate_error(with_overrides({"mesh.width=4", "mesh.disabled_cores=0,0",
                                       "noc.routing=table"})) ==
        "host.attach_x, host.attach_y: 0,0 is not a working core of the mesh");
  CHECK(validate_error(with_overrides({"mmio.dma_base=0x0400_0000"})) ==
        "mmio.dma_base: DMA engine 0x400_0000-0x400_0fff lies outside the device block "
        "(device block 0x300_0000-0x33f_ffff)");
  CHECK(validate_error(with_overrides({"mmio.sync_base=0x0300_0000"})) ==
        "mmio.dma_base, mmio.sync_base: DMA engine 0x300_0000-0x300_0fff overlaps sync unit "
        "0x300_0000-0x300_0fff");
  CHECK(validate_error(with_overrides({"boot.images=1-0,0=a.elf"})) ==
        "boot.images: '1-0,0': '1-0' is an empty range");
}

TEST_CASE("core selectors name chips, positions and ranges") {
  const auto everything = dojo::platform::parse_core_selector("*");
  CHECK(everything.contains(4, 4, 17, 19));
  const auto one = dojo::platform::parse_core_selector("3,1");
  CHECK(one.contains(0, 0, 3, 1));
  CHECK(one.contains(2, 1, 3, 1));  // in every chip
  CHECK_FALSE(one.contains(0, 0, 3, 2));
  const auto ranged = dojo::platform::parse_core_selector("1,0:0-17,10-19");
  CHECK(ranged.contains(1, 0, 17, 10));
  CHECK_FALSE(ranged.contains(0, 0, 17, 10));
  CHECK_FALSE(ranged.contains(1, 0, 17, 9));
  CHECK_THROWS_WITH(dojo::platform::parse_core_selector("3"),
                    "'3' is not x,y (each a number or a range a-b) or *");
  CHECK_THROWS_WITH(dojo::platform::parse_core_selector("a,1"),
                    Contains("unexpected character 'a'"));
}

TEST_CASE("lists and maps: disabled cores and per-core images") {
  const TempDir dir;
  PlatformConfig config;
  load_config_file(config, dir.write("tile.yaml",
                                     "mesh:\n  width: 18\n  height: 20\n"
                                     "  disabled_cores: [\"17,0\", [17, 19]]\n"
                                     "noc:\n  routing: table\n"
                                     "boot:\n  images: {\"0,0\": ping.elf, \"*\": pong.elf}\n"));
  CHECK(config.mesh.disabled_cores ==
        std::vector<std::pair<uint32_t, uint32_t>>{{17, 0}, {17, 19}});
  CHECK(config.noc.routing == dojo::noc::Routing::table);
  REQUIRE(config.boot.images.size() == 2);
  CHECK(config.boot.images[0] == dojo::platform::ImageAssignment{"0,0", "ping.elf"});
  CHECK(config.boot.images[1] == dojo::platform::ImageAssignment{"*", "pong.elf"});
  PlatformConfig read_back;
  load_config_file(read_back, dir.write("dump.yaml", to_yaml(config)));
  CHECK(to_yaml(read_back) == to_yaml(config));

  CHECK(with_overrides({"mesh.disabled_cores=1,2;3,4"}).mesh.disabled_cores.size() == 2);
  CHECK(with_overrides({"boot.images=0,0=a.elf;*=b.elf"}).boot.images.size() == 2);
  CHECK(with_overrides({"boot.fast_load=true"}).boot.fast_load);
  CHECK_THAT(override_error("mesh.disabled_cores=1"),
             Contains("mesh.disabled_cores: '1' is not a valid coordinate list: '1' is not a "
                      "position x,y"));
  CHECK_THAT(override_error("noc.routing=west-first"),
             Contains("noc.routing: 'west-first' is not one of xy, table"));
  CHECK_THAT(override_error("boot.images=a.elf"), Contains("'a.elf' is not CORES=FILE.elf"));
  CHECK(with_overrides({"vector.model_cores=1,0:*"}).vector.model_cores == "1,0:*");
  CHECK(with_overrides({"vector.model=rtl"}).vector.model == PlatformConfig::Vector::Model::rtl);
  CHECK_THAT(override_error("vector.model_cores=0"),
             Contains("vector.model_cores: '0' is not a valid core selector"));
  // The model follows any pipeline; the RTL only the one it is built with.
  const std::string deeper = "vector.pipeline.fma_stages=" +
                             std::to_string(dojo::vector::built_pipeline().fma_stages + 1);
  CHECK(validate_error(with_overrides({deeper})) == "");
  CHECK_THAT(validate_error(with_overrides({deeper, "vector.model=lockstep"})),
             Contains("vector.pipeline: fma_stages ") && Contains(", but the RTL is built with"));
}

TEST_CASE("the cycle-level network and its network interfaces are settings like any other") {
  CHECK(validate_error(with_overrides({"noc.model=cycle", "noc.vcs=4", "noc.injection_latency=1"})) == "");
  CHECK(with_overrides({"noc.interface_queue=2"}).noc.interface_queue == 2);
  CHECK_THROWS_WITH(with_overrides({"noc.interface_queue=0"}), Contains("noc.interface_queue: 0 is out of range"));
}

TEST_CASE("settings for some cores: cores[SELECT].key and the YAML list cores") {
  using dojo::noc::Coord;
  PlatformConfig config = with_overrides({"tile.chips_x=2", "mesh.width=2", "mesh.height=2",
                                          "cores[1,0:*].core.clock_hz=1GHz",
                                          "cores[*:0-1,1].dma.burst_bytes=128",
                                          "cores[1,1].dma.burst_bytes=64"});
  CHECK(validate_error(config) == "");
  PlatformConfig scratch;
  CHECK(&config_for_core(config, Coord{0, 0, 0, 0}, scratch) == &config);  // selected by none
  const PlatformConfig& one = config_for_core(config, Coord{0, 0, 1, 1}, scratch);
  CHECK(one.dma.burst_bytes == 64);  // the last entry that selects the core wins
  CHECK(one.core.clock_hz == 2'000'000'000);
  CHECK(config_for_core(config, Coord{0, 0, 0, 1}, scratch).dma.burst_bytes == 128);
  const PlatformConfig& chip = config_for_core(config, Coord{1, 0, 0, 0}, scratch);
  CHECK(chip.core.clock_hz == 1'000'000'000);
  CHECK(chip.dma.burst_bytes == 256);

  const TempDir dir;
  PlatformConfig from_file;
  load_config_file(from_file, dir.write("cores.yaml",
                                        "cores:\n"
                                        "  - select: \"0,1\"\n"
                                        "    core:\n"
                                        "      clock_hz: 500MHz\n"
                                        "    core.cycles.mul: 8\n"
                                        "mesh: {width: 2, height: 2}\n"));
  REQUIRE(from_file.core_overrides.size() == 2);
  CHECK(from_file.core_overrides[0] == CoreOverride{"0,1", "core.clock_hz", 500'000'000});
  CHECK(from_file.core_overrides[1] == CoreOverride{"0,1", "core.cycles.mul", 8});
  CHECK(validate_error(from_file) == "");
  PlatformConfig read_back;
  load_config_file(read_back, dir.write("dump.yaml", to_yaml(from_file)));
  CHECK(read_back.core_overrides == from_file.core_overrides);
  CHECK(to_yaml(read_back) == to_yaml(from_file));

  // The same checks as every other value, naming the cores and where the value came from.
  CHECK_THAT(override_error("cores[0,0].core.clock_hz=1kHz"),
             Contains("--set: cores[0,0].core.clock_hz: 1kHz is out of range"));
  CHECK_THAT(override_error("cores[0,0].core.clok_hz=1GHz"),
             Contains("unknown key 'core.clok_hz' (did you mean 'core.clock_hz'?)"));
  CHECK_THAT(override_error("cores[0,0].noc.flit_bytes=8"),
             Contains("noc.flit_bytes is the same for every core; those that may differ are "
                      "core.*, timer.*"));
  CHECK_THAT(override_error("cores[0;0].core.clock_hz=1GHz"),
             Contains("cores: '0;0' is not a core selector"));
  CHECK_THAT(override_error("cores[0,0]core.clock_hz=1GHz"), Contains("is not cores[CORES].key"));
  CHECK_THAT(load_error(dir, "bad.yaml", "cores:\n  - select: \"0,0\"\n    dma:\n      burst_bytes: 12\n"),
             Contains("bad.yaml:4:20: cores[0,0].dma.burst_bytes: 12B is not a multiple of 8B"));
  CHECK_THAT(load_error(dir, "nosel.yaml", "cores:\n  - core.clock_hz: 1GHz\n"),
             Contains("nosel.yaml:2:5: cores: each entry needs select: CORES"));
  CHECK_THAT(validate_error(with_overrides({"cores[3,3].core.clock_hz=1GHz"})),
             Contains("cores[3,3].core.clock_hz: '3,3' selects no working core"));
  CHECK_THAT(validate_error(with_overrides({"cores[0,0].core.clock_hz=5MHz"})),
             Contains("core 0,0 of chip 0,0 (cores): timer.frequency_hz: 10MHz exceeds "
                      "core.clock_hz (5MHz)"));
}

TEST_CASE("to_yaml reads back to the same configuration") {
  const TempDir dir;
  PlatformConfig changed = with_overrides(
      {"core.clock_hz=1234567Hz", "core.cycles.amo=9", "memory.sram_size=1028KiB",
       "memory.sram_base=0x4000_0000", "timer.frequency_hz=32.768kHz", "mesh.width=3",
       "simulation.quantum=1250ps", "simulation.max_instructions=123456789",
       "simulation.timeout=1.5s", "mmio.latency=7ns"});
  const std::string yaml = to_yaml(changed);
  PlatformConfig read_back;
  load_config_file(read_back, dir.write("dump.yaml", yaml));
  CHECK(to_yaml(read_back) == yaml);
  CHECK(read_back.core.cycles.amo == 9);
  CHECK(read_back.simulation.quantum_ps == 1250);
  CHECK_THAT(yaml, Contains("sram_size: 1028KiB") && Contains("quantum: 1.25ns") &&
                       Contains("timeout: 1.5s") && Contains("frequency_hz: 32.768kHz"));
}

TEST_CASE("to_yaml writes control characters in file names as escapes that read back") {
  // Found by fuzz_config_yaml: a NUL or BEL in an image path was written raw and read back cut.
  const TempDir dir;
  PlatformConfig config;
  config.boot.images = {{"0,0", std::string("a\0b\x07\"c\\d\xff.elf", 13)}};
  const std::string yaml = to_yaml(config);
  CHECK_THAT(yaml, Contains(R"("0,0": "a\x00b\x07\"c\\d)"));
  PlatformConfig read_back;
  load_config_file(read_back, dir.write("dump.yaml", yaml));
  CHECK(read_back.boot.images == config.boot.images);
}

TEST_CASE("configs/core.yaml has every key at its default value") {
  const std::string path = config_dir + "/core.yaml";
  PlatformConfig config;
  load_config_file(config, path);
  CHECK(to_yaml(config) == to_yaml(PlatformConfig{}));
  CHECK(validate_error(config) == "");

  const YAML::Node root = YAML::LoadFile(path);
  for (const ParameterInfo& parameter : describe_parameters()) {
    INFO(parameter.key);
    CHECK(has_value(root, parameter.key));
  }
}

TEST_CASE("docs/configuration.md's parameter table is the one the declarations make") {
  const std::string doc = read_text(config_dir + "/../../docs/configuration.md");
  const std::string begin = "<!-- parameters: made by `dojo-vp params --markdown` -->\n";
  const std::string end = "<!-- parameters end -->";
  const auto first = doc.find(begin), last = doc.find(end);
  REQUIRE(first != std::string::npos);
  REQUIRE(last != std::string::npos);
  INFO("stale: put the output of `build/dojo-vp params --markdown` between the markers");
  CHECK(doc.substr(first + begin.size(), last - first - begin.size()) ==
        parameter_table_markdown());
  for (const ParameterInfo& parameter : describe_parameters())
    CHECK_THAT(parameter_table_markdown(), Contains("| `" + parameter.key + "` |"));
}
