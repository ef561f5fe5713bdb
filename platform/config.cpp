// Platform configuration: the parameter schema, value parsers, the YAML reader and the checks.
#include "config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <set>
#include <sstream>
#include <type_traits>

namespace dojo::platform {
namespace {

constexpr uint64_t KiB = 1024;
constexpr uint64_t MiB = 1024 * KiB;
constexpr uint64_t GiB = 1024 * MiB;
constexpr uint64_t kHz = 1000;
constexpr uint64_t MHz = 1000 * kHz;
constexpr uint64_t GHz = 1000 * MHz;
constexpr uint64_t ns = 1000;  // in picoseconds
constexpr uint64_t us = 1000 * ns;
constexpr uint64_t ms = 1000 * us;
constexpr uint64_t sec = 1000 * ms;
constexpr uint64_t no_max = std::numeric_limits<uint64_t>::max();
constexpr uint64_t page = 4 * KiB;  // alignment of every region base

// ---------------------------------------------------------------------------------------------
// Value kinds: how a parameter's value is written and read back.

enum class Kind { integer, count, size, frequency, time };

struct Unit {
  const char* name;
  uint64_t scale;
};

struct KindInfo {
  const char* name;
  const char* examples;
  std::vector<Unit> units;  // smallest first; empty: plain integers only
  bool unitless;            // a bare number is accepted (in the smallest unit); else only 0 is
  const char* smallest;     // the smallest unit in words, e.g. "bytes"
};

const KindInfo& kind_info(Kind kind) {
  static const KindInfo integer{"integer", "0x8000_0000, 4096, 0b1000", {}, true, ""};
  static const KindInfo count{"count", "20, 1_000_000, 0x14", {}, true, ""};
  static const KindInfo size{
      "size", "1.25MiB, 1280KiB, 0x1000", {{"B", 1}, {"KiB", KiB}, {"MiB", MiB}, {"GiB", GiB}},
      true,
      "bytes"};
  static const KindInfo frequency{
      "frequency",
      "2GHz, 500MHz, 10 MHz, 32768",
      {{"Hz", 1}, {"kHz", kHz}, {"MHz", MHz}, {"GHz", GHz}},
      true,
      "Hz"};
  static const KindInfo time{
      "time",
      "250ps, 1.5 us, 10ms, 2s",
      {{"ps", 1}, {"ns", ns}, {"us", us}, {"ms", ms}, {"s", sec}},
      false,
      "picoseconds"};
  switch (kind) {
    case Kind::integer: return integer;
    case Kind::count: return count;
    case Kind::size: return size;
    case Kind::frequency: return frequency;
    case Kind::time: return time;
  }
  return integer;
}

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

bool iequals(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 99;
}

// Digits in `base` with optional `_` between two digits; sets `digit_count` to the digits read.
uint64_t parse_digits(const std::string& digits, unsigned base, unsigned& digit_count) {
  uint64_t value = 0;
  digit_count = 0;
  for (size_t i = 0; i < digits.size(); ++i) {
    const char c = digits[i];
    if (c == '_') {
      if (i == 0 || i + 1 == digits.size() || digits[i - 1] == '_')
        throw std::invalid_argument("'_' may only separate digits");
      continue;
    }
    const int digit = digit_value(c);
    if (digit >= static_cast<int>(base))
      throw std::invalid_argument(std::string("unexpected character '") + c + "'");
    if (__builtin_mul_overflow(value, base, &value) || __builtin_add_overflow(value, digit, &value))
      throw std::invalid_argument("too large");
    ++digit_count;
  }
  if (digit_count == 0) throw std::invalid_argument("no digits");
  return value;
}

// 16 for "0x...", 2 for "0b...", else 10.
unsigned radix_of(const std::string& text) {
  if (text.size() <= 2 || text[0] != '0') return 10;
  if (text[1] == 'x' || text[1] == 'X') return 16;
  if (text[1] == 'b' || text[1] == 'B') return 2;
  return 10;
}

// Decimal, 0x hex or 0b binary, with `_` separators.
uint64_t parse_integer(const std::string& text) {
  const unsigned radix = radix_of(text);
  unsigned digit_count = 0;
  return parse_digits(radix == 10 ? text : text.substr(2), radix, digit_count);
}

std::string unit_names(const KindInfo& info) {
  std::string names;
  for (const Unit& unit : info.units) names += (names.empty() ? "" : ", ") + std::string(unit.name);
  return names;
}

// "1.25" times `scale`, exactly: the result must be a whole number of the smallest unit.
uint64_t scale_decimal(const std::string& number, uint64_t scale, const KindInfo& info) {
  const auto point = number.find('.');
  unsigned digit_count = 0;
  uint64_t value = parse_digits(number.substr(0, point), 10, digit_count);
  if (__builtin_mul_overflow(value, scale, &value)) throw std::invalid_argument("too large");
  if (point == std::string::npos) return value;
  const uint64_t fraction = parse_digits(number.substr(point + 1), 10, digit_count);
  uint64_t divisor = 1;
  for (unsigned i = 0; i < digit_count; ++i)
    if (__builtin_mul_overflow(divisor, 10, &divisor))
      throw std::invalid_argument("too many decimals");
  unsigned __int128 scaled = static_cast<unsigned __int128>(fraction) * scale;
  if (scaled % divisor != 0)
    throw std::invalid_argument(std::string("not a whole number of ") + info.smallest);
  if (__builtin_add_overflow(value, static_cast<uint64_t>(scaled / divisor), &value))
    throw std::invalid_argument("too large");
  return value;
}

// Parses a value of `kind`; throws std::invalid_argument with the reason.
uint64_t parse_value(Kind kind, const std::string& raw) {
  const KindInfo& info = kind_info(kind);
  const std::string text = trim(raw);
  if (text.empty()) throw std::invalid_argument("empty value");
  if (text[0] == '-') throw std::invalid_argument("must not be negative");
  // 0x and 0b numbers take no unit (a hex number may end in a digit that looks like one).
  const auto number_end =
      radix_of(text) != 10 ? text.size() : text.find_first_not_of("0123456789._");
  const std::string number = text.substr(0, number_end);
  if (number.empty()) throw std::invalid_argument("not a number");
  const std::string unit = number_end == std::string::npos ? "" : trim(text.substr(number_end));
  if (unit.empty()) {
    if (number.find('.') != std::string::npos)
      throw std::invalid_argument("a fraction needs a unit: " + unit_names(info));
    const uint64_t value = parse_integer(number);
    if (!info.unitless && value != 0)
      throw std::invalid_argument("needs a unit: " + unit_names(info));
    return value;
  }
  for (const Unit& known : info.units)
    if (iequals(unit, known.name)) return scale_decimal(number, known.scale, info);
  if (info.units.empty()) throw std::invalid_argument("unexpected '" + unit + "'");
  throw std::invalid_argument("unknown unit '" + unit + "', use one of " + unit_names(info));
}

std::string to_hex(uint64_t value) {
  std::ostringstream digits;
  digits << std::hex << value;
  const std::string plain = digits.str();
  std::string grouped;
  for (size_t i = 0; i < plain.size(); ++i) {
    if (i > 0 && (plain.size() - i) % 4 == 0) grouped += '_';
    grouped += plain[i];
  }
  return "0x" + grouped;
}

// The shortest exact spelling in the largest unit that needs at most three decimals.
std::string format_with_units(const KindInfo& info, uint64_t value) {
  for (auto unit = info.units.rbegin(); unit != info.units.rend(); ++unit) {
    const unsigned __int128 milli = static_cast<unsigned __int128>(value) * 1000;
    if (value < unit->scale || milli % unit->scale != 0) continue;
    const uint64_t whole = value / unit->scale;
    uint64_t fraction = static_cast<uint64_t>(milli / unit->scale % 1000);
    std::string text = std::to_string(whole);
    if (fraction != 0) {
      std::string decimals = std::to_string(1000 + fraction).substr(1);
      decimals.erase(decimals.find_last_not_of('0') + 1);
      text += "." + decimals;
    }
    return text + unit->name;
  }
  return std::to_string(value);
}

std::string format_value(Kind kind, uint64_t value) {
  switch (kind) {
    case Kind::integer: return to_hex(value);
    case Kind::count: return std::to_string(value);
    default: return format_with_units(kind_info(kind), value);
  }
}

// ---------------------------------------------------------------------------------------------
// The schema: every parameter once, bound to its PlatformConfig field by a member-pointer path.

template <typename T>
T& follow(T& object) {
  return object;
}
template <typename T, typename Member, typename... Rest>
auto& follow(T& object, Member member, Rest... rest) {
  return follow(object.*member, rest...);
}

struct Field {
  uint64_t (*get)(const PlatformConfig&);
  void (*set)(PlatformConfig&, uint64_t);
};

template <auto... path>
Field field() {
  return {[](const PlatformConfig& config) -> uint64_t { return follow(config, path...); },
          [](PlatformConfig& config, uint64_t value) {
            auto& target = follow(config, path...);
            target = static_cast<std::remove_reference_t<decltype(target)>>(value);
          }};
}

struct Parameter {
  const char* key;
  Kind kind;
  Field field;
  uint64_t min;
  uint64_t max;
  uint64_t multiple_of;  // 1: any value in range
  const char* help;
};

using C = PlatformConfig;
using Cycles = core::CycleModel;

const std::vector<Parameter>& schema() {
  static const std::vector<Parameter> parameters = {
      {"core.clock_hz", Kind::frequency, field<&C::core, &C::Core::clock_hz>(), 1 * MHz,
       10 * GHz, 1, "core clock: one cycle of the cycle model lasts 1/clock_hz"},
      {"core.cycles.load", Kind::count, field<&C::core, &C::Core::cycles, &Cycles::load>(), 1,
       1000, 1, "cycles of a load"},
      {"core.cycles.store", Kind::count, field<&C::core, &C::Core::cycles, &Cycles::store>(), 1,
       1000, 1, "cycles of a store"},
      {"core.cycles.mul", Kind::count, field<&C::core, &C::Core::cycles, &Cycles::mul>(), 1, 1000,
       1, "cycles of a multiplication (mul, mulh*, mulw)"},
      {"core.cycles.div", Kind::count, field<&C::core, &C::Core::cycles, &Cycles::div>(), 1, 1000,
       1, "cycles of a division or remainder (div*, rem*)"},
      {"core.cycles.branch_taken", Kind::count,
       field<&C::core, &C::Core::cycles, &Cycles::branch_taken>(), 1, 1000, 1,
       "cycles of a taken branch (a branch not taken takes 1)"},
      {"core.cycles.jump", Kind::count, field<&C::core, &C::Core::cycles, &Cycles::jump>(), 1,
       1000, 1, "cycles of jal and jalr"},
      {"core.cycles.csr", Kind::count, field<&C::core, &C::Core::cycles, &Cycles::csr>(), 1, 1000,
       1, "cycles of a CSR instruction"},
      {"core.cycles.amo", Kind::count, field<&C::core, &C::Core::cycles, &Cycles::amo>(), 1, 1000,
       1, "cycles of lr, sc and the AMOs"},
      {"core.cycles.fence", Kind::count, field<&C::core, &C::Core::cycles, &Cycles::fence>(), 1,
       1000, 1, "cycles of fence and fence.i"},
      {"memory.sram_base", Kind::integer, field<&C::memory, &C::Memory::sram_base>(), 0, no_max,
       page, "address where each core sees its own SRAM"},
      {"memory.sram_size", Kind::size, field<&C::memory, &C::Memory::sram_size>(), page,
       global_slot_size, page, "SRAM per core"},
      {"memory.global_base", Kind::integer, field<&C::memory, &C::Memory::global_base>(), 0,
       no_max, page, "window with every core's SRAM, one 4 MiB slot per core"},
      {"memory.sram_latency", Kind::time, field<&C::memory, &C::Memory::sram_latency_ps>(), 0,
       1 * ms, 1, "per SRAM transaction (debug, HTIF and other initiators); a core's own loads and stores use DMI and core.cycles.load/store"},
      {"mmio.exit_base", Kind::integer, field<&C::mmio, &C::Mmio::exit_base>(), 0, no_max, page,
       "exit device (4 KiB): write 0x5555 to pass, (code<<16)|0x3333 to fail"},
      {"mmio.clint_base", Kind::integer, field<&C::mmio, &C::Mmio::clint_base>(), 0, no_max, page,
       "CLINT (64 KiB): msip, mtimecmp, mtime"},
      {"mmio.console_base", Kind::integer, field<&C::mmio, &C::Mmio::console_base>(), 0, no_max,
       page, "console (256 bytes): 16550-compatible transmit register"},
      {"mmio.latency", Kind::time, field<&C::mmio, &C::Mmio::latency_ps>(), 0, 1 * ms, 1,
       "per device register access"},
      {"timer.frequency_hz", Kind::frequency, field<&C::timer, &C::Timer::frequency_hz>(),
       1 * kHz, 1 * GHz, 1, "mtime ticks per second (at most core.clock_hz)"},
      {"mesh.width", Kind::count, field<&C::mesh, &C::Mesh::width>(), 1, 32, 1, "cores per row"},
      {"mesh.height", Kind::count, field<&C::mesh, &C::Mesh::height>(), 1, 32, 1,
       "rows of cores"},
      {"simulation.quantum", Kind::time, field<&C::simulation, &C::Simulation::quantum_ps>(),
       1 * ns, 1 * sec, 1, "temporal-decoupling quantum: how far a core runs ahead"},
      {"simulation.max_instructions", Kind::count,
       field<&C::simulation, &C::Simulation::max_instructions>(), 0, no_max, 1,
       "instructions per core before the run stops; 0 = no limit"},
      {"simulation.timeout", Kind::time, field<&C::simulation, &C::Simulation::timeout_ps>(), 0,
       no_max, 1, "simulated time before the run stops; 0 = no limit"},
  };
  return parameters;
}

const Parameter* find_parameter(const std::string& key) {
  for (const Parameter& parameter : schema())
    if (key == parameter.key) return &parameter;
  return nullptr;
}

// The first key inside `group` (e.g. "core" or "core.cycles"), or "" if it is not a group.
std::string first_key_in(const std::string& group) {
  for (const Parameter& parameter : schema()) {
    const std::string key = parameter.key;
    if (key.size() > group.size() && key.compare(0, group.size(), group) == 0 &&
        key[group.size()] == '.')
      return key;
  }
  return "";
}

bool is_group(const std::string& key) { return !first_key_in(key).empty(); }

std::string describe_range(const Parameter& parameter) {
  std::string range;
  if (parameter.max != no_max)
    range = format_value(parameter.kind, parameter.min) + ".." +
            format_value(parameter.kind, parameter.max);
  else if (parameter.min != 0)
    range = ">= " + format_value(parameter.kind, parameter.min);
  if (parameter.multiple_of > 1)
    range += (range.empty() ? "" : ", ") + std::string("multiple of ") +
             format_with_units(kind_info(Kind::size), parameter.multiple_of);
  return range.empty() ? "any" : range;
}

// Why `value` is not allowed for `parameter`, or "" if it is.
std::string range_problem(const Parameter& parameter, uint64_t value) {
  const std::string shown = format_value(parameter.kind, value);
  if (value < parameter.min || value > parameter.max)
    return shown + " is out of range (allowed: " + describe_range(parameter) + ")";
  if (value % parameter.multiple_of != 0)
    return shown + " is not a multiple of " +
           format_with_units(kind_info(Kind::size), parameter.multiple_of);
  return "";
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      diagonal = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitution});
    }
  }
  return row[b.size()];
}

std::string last_component(const std::string& key) { return key.substr(key.rfind('.') + 1); }

// " (did you mean 'x'?)" for the nearest key or group, or "" if none is near.
std::string suggestion(const std::string& unknown) {
  std::vector<std::string> candidates;
  for (const Parameter& parameter : schema()) {
    std::string key = parameter.key;
    if (last_component(key) == last_component(unknown)) return " (did you mean '" + key + "'?)";
    candidates.push_back(key);
    for (auto dot = key.find('.'); dot != std::string::npos; dot = key.find('.', dot + 1))
      candidates.push_back(key.substr(0, dot));
  }
  std::string best;
  size_t best_distance = std::max<size_t>(2, unknown.size() / 2) + 1;
  for (const std::string& candidate : candidates) {
    const size_t distance = edit_distance(unknown, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best.empty() ? "" : " (did you mean '" + best + "'?)";
}

// Where a value came from, for error messages: "file:line:col: " or "--set: ".
struct Origin {
  std::string source;
  YAML::Mark mark = YAML::Mark::null_mark();

  [[noreturn]] void fail(const std::string& problem) const {
    std::string where = source;
    if (!mark.is_null())
      where += ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
    throw ConfigError(where + ": " + problem);
  }
};

void set_from_text(PlatformConfig& config, const Parameter& parameter, const std::string& text,
                   const Origin& origin) {
  const KindInfo& info = kind_info(parameter.kind);
  uint64_t value = 0;
  try {
    value = parse_value(parameter.kind, text);
  } catch (const std::invalid_argument& error) {
    origin.fail(std::string(parameter.key) + ": '" + text + "' is not a valid " + info.name +
                ": " + error.what() + " (examples: " + info.examples + ")");
  }
  const std::string problem = range_problem(parameter, value);
  if (!problem.empty()) origin.fail(std::string(parameter.key) + ": " + problem);
  parameter.field.set(config, value);
}

[[noreturn]] void fail_unknown(const std::string& key, const Origin& origin) {
  origin.fail("unknown key '" + key + "'" + suggestion(key));
}

const char* describe_node(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar: return "a single value";
    default: return "nothing";
  }
}

void apply_map(PlatformConfig& config, const YAML::Node& map, const std::string& prefix,
               const std::string& path) {
  std::set<std::string> seen;
  for (const auto& entry : map) {
    const YAML::Node& key_node = entry.first;
    const YAML::Node& value = entry.second;
    const Origin key_origin{path, key_node.Mark()};
    const Origin value_origin{path, value.IsNull() ? key_node.Mark() : value.Mark()};
    if (!key_node.IsScalar())
      key_origin.fail("a key must be a name, found " + std::string(describe_node(key_node)));
    const std::string key = prefix.empty() ? key_node.Scalar() : prefix + "." + key_node.Scalar();
    if (!seen.insert(key).second) key_origin.fail("duplicate key '" + key + "'");
    if (const Parameter* parameter = find_parameter(key)) {
      if (!value.IsScalar())
        value_origin.fail(key + ": expected a " + kind_info(parameter->kind).name + ", found " +
                          describe_node(value));
      set_from_text(config, *parameter, value.Scalar(), value_origin);
    } else if (is_group(key)) {
      if (value.IsNull()) continue;  // a group whose keys are all commented out
      if (!value.IsMap())
        value_origin.fail(key + ": expected a map of settings, found " + describe_node(value));
      apply_map(config, value, key, path);
    } else {
      fail_unknown(key, key_origin);
    }
  }
}

}  // namespace

void load_config_file(PlatformConfig& config, const std::string& path) {
  const Origin file{path};
  if (std::filesystem::is_directory(path)) file.fail("cannot open: is a directory");
  std::ifstream stream(path);
  if (!stream) file.fail(std::string("cannot open: ") + std::strerror(errno));
  YAML::Node root;
  try {
    root = YAML::Load(stream);
  } catch (const YAML::Exception& error) {
    Origin{path, error.mark}.fail("malformed YAML: " + error.msg);
  }
  if (root.IsNull()) return;  // an empty file changes nothing
  if (!root.IsMap())
    Origin{path, root.Mark()}.fail("expected a map of settings, found " +
                                   std::string(describe_node(root)));
  // Parse into a copy so that a bad file leaves `config` unchanged.
  PlatformConfig updated = config;
  apply_map(updated, root, "", path);
  config = updated;
}

void apply_override(PlatformConfig& config, const std::string& assignment) {
  const Origin origin{"--set"};
  const auto equals = assignment.find('=');
  if (equals == std::string::npos)
    origin.fail("'" + assignment + "' is not key=value (e.g. core.clock_hz=1GHz)");
  const std::string key = trim(assignment.substr(0, equals));
  const Parameter* parameter = find_parameter(key);
  if (parameter == nullptr) {
    if (is_group(key))
      origin.fail("'" + key + "' is a group of settings; set one of its keys, e.g. " +
                  first_key_in(key));
    fail_unknown(key, origin);
  }
  set_from_text(config, *parameter, trim(assignment.substr(equals + 1)), origin);
}

void validate(const PlatformConfig& config) {
  for (const Parameter& parameter : schema()) {
    const std::string problem = range_problem(parameter, parameter.field.get(config));
    if (!problem.empty()) throw ConfigError(std::string(parameter.key) + ": " + problem);
  }

  struct Region {
    const char* name;
    const char* key;
    uint64_t base;
    uint64_t size;
  };
  const uint64_t cores = uint64_t{config.mesh.width} * config.mesh.height;
  const Region regions[] = {
      {"SRAM", "memory.sram_base", config.memory.sram_base, config.memory.sram_size},
      {"global SRAM window", "memory.global_base", config.memory.global_base,
       cores * global_slot_size},
      {"exit device", "mmio.exit_base", config.mmio.exit_base, exit_device_size},
      {"CLINT", "mmio.clint_base", config.mmio.clint_base, clint_size},
      {"console", "mmio.console_base", config.mmio.console_base, console_size},
  };
  const auto last = [](const Region& region) { return region.base + (region.size - 1); };
  const auto span = [&](const Region& region) {
    return std::string(region.name) + " " + to_hex(region.base) + "-" + to_hex(last(region));
  };
  for (const Region& region : regions)
    if (last(region) < region.base)
      throw ConfigError(std::string(region.key) + ": " + region.name + " at " +
                        to_hex(region.base) + " runs past the end of the address space");
  for (size_t i = 0; i < std::size(regions); ++i)
    for (size_t j = i + 1; j < std::size(regions); ++j)
      if (regions[i].base <= last(regions[j]) && regions[j].base <= last(regions[i]))
        throw ConfigError(std::string(regions[i].key) + ", " + regions[j].key + ": " +
                          span(regions[i]) + " overlaps " + span(regions[j]));

  if (config.timer.frequency_hz > config.core.clock_hz)
    throw ConfigError("timer.frequency_hz: " + format_value(Kind::frequency,
                                                            config.timer.frequency_hz) +
                      " exceeds core.clock_hz (" +
                      format_value(Kind::frequency, config.core.clock_hz) +
                      "); the timer cannot tick faster than the core clock");
}

std::vector<ParameterInfo> describe_parameters() {
  const PlatformConfig defaults;
  std::vector<ParameterInfo> infos;
  for (const Parameter& parameter : schema())
    infos.push_back({parameter.key, kind_info(parameter.kind).name,
                     format_value(parameter.kind, parameter.field.get(defaults)), parameter.help,
                     describe_range(parameter)});
  return infos;
}

std::string to_yaml(const PlatformConfig& config) {
  // Each key's groups are opened where they differ from the previous key's (schema order keeps
  // a group's keys together); comments line up in one column.
  std::vector<std::pair<std::string, std::string>> lines;  // text, comment
  std::vector<std::string> open_groups;
  for (const Parameter& parameter : schema()) {
    std::vector<std::string> parts;
    std::istringstream key(parameter.key);
    for (std::string part; std::getline(key, part, '.');) parts.push_back(part);
    const std::string leaf = parts.back();
    parts.pop_back();
    size_t common = 0;
    while (common < parts.size() && common < open_groups.size() &&
           parts[common] == open_groups[common])
      ++common;
    for (size_t depth = common; depth < parts.size(); ++depth)
      lines.push_back({std::string(2 * depth, ' ') + parts[depth] + ":", ""});
    open_groups = parts;
    lines.push_back({std::string(2 * parts.size(), ' ') + leaf + ": " +
                         format_value(parameter.kind, parameter.field.get(config)),
                     parameter.help});
  }
  size_t column = 0;
  for (const auto& line : lines) column = std::max(column, line.first.size() + 2);
  std::string yaml;
  for (const auto& [text, comment] : lines) {
    yaml += text;
    if (!comment.empty()) yaml += std::string(column - text.size(), ' ') + "# " + comment;
    yaml += "\n";
  }
  return yaml;
}

uint64_t parse_time_ps(const std::string& text) { return parse_value(Kind::time, text); }

}  // namespace dojo::platform
