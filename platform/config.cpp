// Platform configuration: the parameter schema, value parsers, the YAML reader and the checks.
#include "config.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>
#include <set>
#include <sstream>
#include <tuple>
#include <type_traits>

namespace dojo::platform {
namespace {

using param::GiB;
using param::GHz;
using param::KiB;
using param::kHz;
using param::MHz;
using param::MiB;
using param::ms;
using param::no_max;
using param::ns;
using param::sec;
using param::us;
using Kind = param::Kind;
constexpr uint64_t page = 4 * KiB;  // alignment of every region base

// ---------------------------------------------------------------------------------------------
// Value kinds: how a parameter's value is written and read back.

bool is_text(Kind kind) {
  return kind == Kind::coordinates || kind == Kind::images || kind == Kind::selector;
}

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
  static const KindInfo choice{"choice", "xy, table, true, false", {}, false, ""};
  static const KindInfo coordinates{"coordinate list", "\"17,0 17,19\", [\"0,0\", \"1,2\"]", {}, false, ""};
  static const KindInfo images{"image map", "\"0,0=ping.elf;1-3,0=pong.elf\", {\"*\": fw.elf}", {}, false, ""};
  static const KindInfo selector{"core selector", "\"*\", \"0,0\", \"0-17,10-19\", \"1,0:*\"", {}, false, ""};
  switch (kind) {
    case Kind::integer: return integer;
    case Kind::count: return count;
    case Kind::size: return size;
    case Kind::frequency: return frequency;
    case Kind::time: return time;
    case Kind::choice: return choice;
    case Kind::coordinates: return coordinates;
    case Kind::images: return images;
    case Kind::selector: return selector;
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

// Appends `c`, or \xNN for a control character (which would garble a terminal or a YAML file).
void append_visible(std::string& text, char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x20 && byte != 0x7F) {
    text += c;
    return;
  }
  static const char hex[] = "0123456789abcdef";
  text += {'\\', 'x', hex[byte >> 4], hex[byte & 15]};
}

// A value from the user as error messages quote it: in single quotes, control characters as \xNN,
// and a long value cut to what fits in `limit` characters as shown (an escaped byte takes four)
// and its length, so that a megabyte of YAML does not end up on the terminal. Values with a file
// name get more room.
constexpr size_t max_quoted_bytes = 60;
constexpr size_t max_quoted_path_bytes = 300;
std::string quoted_excerpt(const std::string& text, size_t limit = max_quoted_bytes) {
  std::string quoted = "'";
  size_t shown = 0;  // bytes of `text` in `quoted`
  for (; shown < text.size(); ++shown) {
    const size_t before = quoted.size();
    append_visible(quoted, text[shown]);
    if (quoted.size() - 1 > limit) {
      quoted.resize(before);
      break;
    }
  }
  if (shown == text.size()) return quoted + "'";
  // Do not cut a UTF-8 sequence: back up to the first byte of the character at the cut (its
  // bytes are shown as they are, one character each).
  while (shown > 0 && (static_cast<unsigned char>(text[shown]) & 0xC0) == 0x80) {
    --shown;
    quoted.pop_back();
  }
  return quoted + "...' (" + std::to_string(text.size()) + " bytes)";
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
      throw std::invalid_argument("unexpected character " + quoted_excerpt(std::string(1, c)));
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
  if (info.units.empty()) throw std::invalid_argument("unexpected " + quoted_excerpt(unit));
  throw std::invalid_argument("unknown unit " + quoted_excerpt(unit) + ", use one of " + unit_names(info));
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
// The schema: the platform's own parameters, and the models' tables mounted under its sections.

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::istringstream stream(text);
  for (std::string part; std::getline(stream, part, separator);)
    if (!trim(part).empty()) parts.push_back(trim(part));
  return parts;
}

uint32_t parse_small(const std::string& text) {
  const uint64_t value = parse_integer(trim(text));
  if (value > 0xFFFF) throw std::invalid_argument(quoted_excerpt(text) + " is too large");
  return static_cast<uint32_t>(value);
}

// "17,0 17,19" (spaces or semicolons between pairs).
std::vector<std::pair<uint32_t, uint32_t>> parse_coordinates(const std::string& text) {
  std::string spaced = text;
  std::replace(spaced.begin(), spaced.end(), ';', ' ');
  std::vector<std::pair<uint32_t, uint32_t>> pairs;
  for (const std::string& item : split(spaced, ' ')) {
    const auto parts = split(item, ',');
    if (parts.size() != 2 || item.find(',') != item.rfind(','))
      throw std::invalid_argument(quoted_excerpt(item) + " is not a position x,y");
    pairs.emplace_back(parse_small(parts[0]), parse_small(parts[1]));
  }
  return pairs;
}

std::string format_coordinates(const std::vector<std::pair<uint32_t, uint32_t>>& pairs) {
  std::string text;
  for (const auto& [x, y] : pairs)
    text += (text.empty() ? "" : " ") + std::to_string(x) + "," + std::to_string(y);
  return text;
}

// "SELECTOR=PATH;SELECTOR=PATH".
std::vector<ImageAssignment> parse_images(const std::string& text) {
  std::vector<ImageAssignment> images;
  for (const std::string& item : split(text, ';')) {
    const auto equals = item.find('=');
    if (equals == std::string::npos || trim(item.substr(0, equals)).empty() ||
        trim(item.substr(equals + 1)).empty())
      throw std::invalid_argument(quoted_excerpt(item, max_quoted_path_bytes) + " is not CORES=FILE.elf");
    images.push_back({trim(item.substr(0, equals)), trim(item.substr(equals + 1))});
  }
  return images;
}

std::string format_images(const std::vector<ImageAssignment>& images) {
  std::string text;
  for (const auto& image : images) text += (text.empty() ? "" : ";") + image.cores + "=" + image.path;
  return text;
}

using Parameter = param::Declaration<PlatformConfig>;
using C = PlatformConfig;

// A text-valued parameter of the platform's own.
Parameter text_parameter(std::string key, Kind kind, std::string help,
                         std::function<std::string(const C&)> get,
                         std::function<void(C&, const std::string&)> set) {
  Parameter parameter;
  parameter.key = std::move(key);
  parameter.kind = kind;
  parameter.help = std::move(help);
  parameter.get_text = std::move(get);
  parameter.set_text = std::move(set);
  return parameter;
}

// Whether a section's values may differ between cores (core_overrides): those the node alone
// uses to build a core's own models.
enum class Scope { platform, per_core };

// Mounts the parameters of C's member `section` under "prefix.".
template <typename Section>
void add_section(param::Table<C>& schema, const char* prefix, Section C::*section,
                 const param::Table<Section>& parameters, Scope scope = Scope::platform) {
  const size_t first = schema.size();
  param::mount(schema, std::string(prefix) + ".", section, parameters);
  for (size_t i = first; i < schema.size(); ++i) schema[i].per_core = scope == Scope::per_core;
}

const std::vector<Parameter>& schema() {
  using param::choice;
  using param::number;
  static const std::vector<Parameter> parameters = [] {
    param::Table<C> all;
    add_section(all, "core", &C::core, core::core_settings_parameters(), Scope::per_core);
    add_section(all, "memory", &C::memory, param::Table<C::Memory>{
        number<&C::Memory::sram_base>("sram_base", Kind::integer, 0, no_max,
                                      "address where each core sees its own SRAM", page),
        number<&C::Memory::sram_size>("sram_size", Kind::size, page, global_slot_size,
                                      "SRAM per core", page),
        number<&C::Memory::global_base>(
            "global_base", Kind::integer, 0, no_max,
            "global window (2^40 bytes): every core's SRAM and devices by chip and mesh "
            "coordinates", page),
        number<&C::Memory::sram_latency_ps>(
            "sram_latency", Kind::time, 0, 1 * ms,
            "per SRAM transaction (debug, HTIF and other initiators); a core's own loads and "
            "stores use DMI and core.cycles.load/store"),
    });
    add_section(all, "mmio", &C::mmio, param::Table<C::Mmio>{
        number<&C::Mmio::exit_base>(
            "exit_base", Kind::integer, 0, no_max,
            "exit device: a SiFive test finisher that ends the run (docs/models/exit-device.md)",
            page),
        number<&C::Mmio::clint_base>(
            "clint_base", Kind::integer, 0, no_max,
            "CLINT: software interrupt, timer compare and time (docs/models/clint.md)", page),
        number<&C::Mmio::console_base>(
            "console_base", Kind::integer, 0, no_max,
            "console: a 16550-compatible UART (docs/models/console.md)", page),
        number<&C::Mmio::latency_ps>("latency", Kind::time, 0, 1 * ms,
                                     "per device register access"),
        number<&C::Mmio::device_block_base>(
            "device_block_base", Kind::integer, 0, no_max,
            "block (4 MiB) of the tile devices below; the global window's device space mirrors it",
            global_slot_size),
        number<&C::Mmio::dma_base>(
            "dma_base", Kind::integer, 0, no_max,
            "DMA engine registers, inside the device block (docs/dma.md)", page),
        number<&C::Mmio::sync_base>(
            "sync_base", Kind::integer, 0, no_max,
            "sync unit: hardware semaphores, inside the device block (docs/models/sync-unit.md)",
            page),
        number<&C::Mmio::core_info_base>(
            "core_info_base", Kind::integer, 0, no_max,
            "core info: topology and ranks, inside the device block (docs/models/core-info.md)",
            page),
    });
    add_section(all, "timer", &C::timer, peripherals::clint_settings_parameters(),
                Scope::per_core);
    add_section(all, "console", &C::console, peripherals::console_settings_parameters(),
                Scope::per_core);
    add_section(all, "tile", &C::tile, param::Table<C::Tile>{
        number<&C::Tile::chips_x>("chips_x", Kind::count, 1, 8, "chips per row of the tile"),
        number<&C::Tile::chips_y>("chips_y", Kind::count, 1, 8, "rows of chips"),
    });
    add_section(all, "mesh", &C::mesh, param::Table<C::Mesh>{
        number<&C::Mesh::width>("width", Kind::count, 1, 32, "cores per row of a chip"),
        number<&C::Mesh::height>("height", Kind::count, 1, 32, "rows of cores per chip"),
    });
    all.push_back(text_parameter(
        "mesh.disabled_cores", Kind::coordinates,
        "positions x,y with no working core (no router either), the same in every chip",
        [](const C& config) { return format_coordinates(config.mesh.disabled_cores); },
        [](C& config, const std::string& text) {
          config.mesh.disabled_cores = parse_coordinates(text);
        }));
    param::Table<C::Noc> noc = {number<&C::Noc::clock_hz>(
        "clock_hz", Kind::frequency, 1 * MHz, 10 * GHz,
        "network clock: router and link latencies count its cycles")};
    param::mount_base<noc::NetworkSettings>(noc, "", noc::network_settings_parameters());
    param::mount_base<noc::NocSettings>(noc, "", noc::noc_settings_parameters());
    add_section(all, "noc", &C::noc, noc);
    add_section(all, "dma", &C::dma, dma::dma_settings_parameters(), Scope::per_core);
    add_section(all, "sync", &C::sync, peripherals::sync_settings_parameters(),
                Scope::per_core);
    add_section(all, "vector", &C::vector, param::Table<C::Vector>{choice<&C::Vector::model>(
        "model", {"model", "rtl", "lockstep"},
        "vector unit of the vector.model_cores: the C++ reference model, the Verilated RTL, or "
        "both in lockstep")});
    all.push_back(text_parameter(
        "vector.model_cores", Kind::selector,
        "cores whose vector unit is vector.model; the others run the reference model",
        [](const C& config) { return config.vector.model_cores; },
        [](C& config, const std::string& text) {
          parse_core_selector(trim(text));  // throws for a bad selector
          config.vector.model_cores = trim(text);
        }));
    add_section(all, "vector", &C::vector, param::Table<C::Vector>{number<&C::Vector::compare_registers_every>(
        "compare_registers_every", Kind::count, 0, param::no_max,
        "lockstep: also compare the whole vector register file after every Nth vector "
        "instruction, catching writes outside an instruction's destination (0: never)")});
    param::Table<C::Vector> pipeline;
    param::mount(pipeline, "pipeline.", &C::Vector::pipeline, vector::pipeline_parameters());
    add_section(all, "vector", &C::vector, pipeline);
    param::Table<C::Host> host;
    param::mount_base<host::HostSettings>(host, "", host::host_settings_parameters());
    host.push_back(number<&C::Host::attach_x>(
        "attach_x", Kind::count, 0, 31, "router (column) of chip 0,0 where the host link enters"));
    host.push_back(number<&C::Host::attach_y>(
        "attach_y", Kind::count, 0, 31, "router (row) of chip 0,0 where the host link enters"));
    add_section(all, "host", &C::host, host);
    add_section(all, "boot", &C::boot, param::Table<C::Boot>{choice<&C::Boot::fast_load>(
        "fast_load", {"false", "true"},
        "true: write images straight into SRAM at time 0 instead of through the host interface")});
    all.push_back(text_parameter(
        "boot.images", Kind::images,
        "which cores run which ELF (cores: file.elf); unmatched cores run the command line's",
        [](const C& config) { return format_images(config.boot.images); },
        [](C& config, const std::string& text) { config.boot.images = parse_images(text); }));
    add_section(all, "simulation", &C::simulation, param::Table<C::Simulation>{
        number<&C::Simulation::quantum_ps>(
            "quantum", Kind::time, 1 * ns, 1 * sec,
            "temporal-decoupling quantum: how far a core runs ahead"),
        number<&C::Simulation::max_instructions>(
            "max_instructions", Kind::count, 0, no_max,
            "instructions per core before the run stops; 0 = no limit"),
        number<&C::Simulation::timeout_ps>("timeout", Kind::time, 0, no_max,
                                           "simulated time before the run stops; 0 = no limit"),
        number<&C::Simulation::code_cache_bytes>(
            "code_cache", Kind::size, 4 * KiB, 64 * GiB,
            "host code the translator may hold for all cores; when full, the cores drop their "
            "traces and compile again what is hot"),
        number<&C::Simulation::threads>(
            "threads", Kind::count, 0, 1024,
            "host threads that run the cores' isolated slices, SystemC's included; 0 = one per "
            "host core. Every count gives the same results"),
        number<&C::Simulation::serial_cycles>(
            "serial_cycles", Kind::count, 1, uint64_t{1} << 32,
            "core cycles a core that needed the platform (remote memory, a device, the vector "
            "unit) goes on in SystemC's thread before it joins the parallel threads again: a "
            "core that talks much pays no round trip per access. The results depend on it as "
            "on the quantum, never on the thread count"),
    });
    return all;
  }();
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

std::string describe_range(const param::Spec& parameter) {
  switch (parameter.kind) {
    case Kind::choice: {
      std::string names;
      for (const std::string& name : parameter.choices) names += (names.empty() ? "" : ", ") + std::string(name);
      return names;
    }
    case Kind::coordinates: return "x,y positions inside the mesh";
    case Kind::images: return "cores=file.elf entries, see docs/boot.md";
    case Kind::selector: return "a core selector, see docs/boot.md";
    default: break;
  }
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

// A parameter's value as written in YAML and by `dojo-vp config`.
std::string shown_value(const Parameter& parameter, const PlatformConfig& config) {
  if (is_text(parameter.kind)) return parameter.get_text(config);
  return format_parameter(parameter, parameter.get(config));
}

// Why `value` is not allowed for the numeric parameter `spec`, or "" if it is.
std::string range_problem(const param::Spec& spec, uint64_t value) {
  if (spec.kind == Kind::choice)
    return value < spec.choices.size() ? "" : std::to_string(value) + " is not a choice";
  const std::string shown = format_value(spec.kind, value);
  if (value < spec.min || value > spec.max)
    return shown + " is out of range (allowed: " + describe_range(spec) + ")";
  if (value % spec.multiple_of != 0)
    return shown + " is not a multiple of " +
           format_with_units(kind_info(Kind::size), spec.multiple_of);
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
    // The distance is at least the difference in length: skipping those keeps a long key cheap.
    const size_t length_difference = unknown.size() > candidate.size()
                                         ? unknown.size() - candidate.size()
                                         : candidate.size() - unknown.size();
    if (length_difference >= best_distance) continue;
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

const char* describe_node(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar: return "a single value";
    default: return "nothing";
  }
}

// `text` as the value of the numeric parameter `spec` (a choice as its index), range-checked;
// messages start with `key`.
uint64_t checked_value(const param::Spec& spec, const std::string& key, const std::string& text,
                       const Origin& origin) {
  if (spec.kind == Kind::choice) {
    for (size_t i = 0; i < spec.choices.size(); ++i)
      if (iequals(trim(text), spec.choices[i])) return i;
    origin.fail(key + ": " + quoted_excerpt(text) + " is not one of " + describe_range(spec));
  }
  uint64_t value = 0;
  try {
    value = parse_value(spec.kind, text);
  } catch (const std::invalid_argument& error) {
    const KindInfo& info = kind_info(spec.kind);
    origin.fail(key + ": " + quoted_excerpt(text) + " is not a valid " + info.name + ": " +
                error.what() + " (examples: " + info.examples + ")");
  }
  const std::string problem = range_problem(spec, value);
  if (!problem.empty()) origin.fail(key + ": " + problem);
  return value;
}

void set_from_text(PlatformConfig& config, const Parameter& parameter, const std::string& text,
                   const Origin& origin) {
  if (is_text(parameter.kind)) {
    try {
      parameter.set_text(config, text);
    } catch (const std::invalid_argument& error) {
      const KindInfo& info = kind_info(parameter.kind);
      origin.fail(parameter.key + ": " + quoted_excerpt(text) + " is not a valid " + info.name +
                  ": " + error.what() + " (examples: " + info.examples + ")");
    }
    return;
  }
  parameter.set(config, checked_value(parameter, parameter.key, text, origin));
}

// A list- or map-valued YAML node as the text its parameter parses: a list of coordinates
// becomes "x,y x,y", a map of images "cores=file;cores=file".
std::string text_of_node(const Parameter& parameter, const YAML::Node& value, const Origin& origin) {
  if (value.IsScalar()) return value.Scalar();
  std::string text;
  if (parameter.kind == Kind::coordinates && value.IsSequence()) {
    for (const auto& item : value) {
      std::string pair;
      if (item.IsScalar()) {
        pair = item.Scalar();
      } else if (item.IsSequence() && item.size() == 2 && item[0].IsScalar() && item[1].IsScalar()) {
        pair = item[0].Scalar() + "," + item[1].Scalar();
      } else {
        Origin{origin.source, item.Mark()}.fail(parameter.key +
                                                ": expected a position \"x,y\" or [x, y]");
      }
      text += (text.empty() ? "" : " ") + pair;
    }
    return text;
  }
  if (parameter.kind == Kind::images && value.IsMap()) {
    for (const auto& entry : value) {
      if (!entry.first.IsScalar() || !entry.second.IsScalar())
        Origin{origin.source, entry.first.Mark()}.fail(parameter.key +
                                                       ": expected cores: file.elf");
      text += (text.empty() ? "" : ";") + entry.first.Scalar() + "=" + entry.second.Scalar();
    }
    return text;
  }
  if (value.IsNull()) return "";
  origin.fail(parameter.key + ": expected a " + kind_info(parameter.kind).name +
              ", found " + describe_node(value));
}

[[noreturn]] void fail_unknown(const std::string& key, const Origin& origin) {
  origin.fail("unknown key " + quoted_excerpt(key) + suggestion(key));
}

// What to do with a parameter's value found in a YAML map (its text, where it was).
using Assign = std::function<void(const Parameter&, const std::string&, const Origin&)>;

// The settings of `map` (keys dotted or nested under groups), each handed to `assign`; `skip`
// names keys handled elsewhere.
void read_map(const YAML::Node& map, const std::string& prefix, const std::string& path,
              const Assign& assign, const std::string& skip = "") {
  std::set<std::string> seen;
  for (const auto& entry : map) {
    const YAML::Node& key_node = entry.first;
    const YAML::Node& value = entry.second;
    const Origin key_origin{path, key_node.Mark()};
    const Origin value_origin{path, value.IsNull() ? key_node.Mark() : value.Mark()};
    if (!key_node.IsScalar())
      key_origin.fail("a key must be a name, found " + std::string(describe_node(key_node)));
    const std::string key = prefix.empty() ? key_node.Scalar() : prefix + "." + key_node.Scalar();
    if (!seen.insert(key).second) key_origin.fail("duplicate key " + quoted_excerpt(key));
    if (key == skip) continue;
    if (const Parameter* parameter = find_parameter(key)) {
      if (is_text(parameter->kind)) {
        assign(*parameter, text_of_node(*parameter, value, value_origin), value_origin);
        continue;
      }
      if (!value.IsScalar())
        value_origin.fail(key + ": expected a " + kind_info(parameter->kind).name + ", found " +
                          describe_node(value));
      assign(*parameter, value.Scalar(), value_origin);
    } else if (is_group(key)) {
      if (value.IsNull()) continue;  // a group whose keys are all commented out
      if (!value.IsMap())
        value_origin.fail(key + ": expected a map of settings, found " + describe_node(value));
      read_map(value, key, path, assign);
    } else {
      fail_unknown(key, key_origin);
    }
  }
}

// The per-core keys, for messages: "core.*, dma.*, ..." in schema order.
std::string per_core_keys() {
  std::string groups;
  std::string last;
  for (const Parameter& parameter : schema()) {
    if (!parameter.per_core) continue;
    const std::string group = parameter.key.substr(0, parameter.key.find('.'));
    if (group == last) continue;
    groups += (groups.empty() ? "" : ", ") + group + ".*";
    last = group;
  }
  return groups;
}

// Appends the override of `parameter` for the cores `select` picks, its value parsed from `text`.
void add_core_override(PlatformConfig& config, const std::string& select,
                       const Parameter& parameter, const std::string& text, const Origin& origin) {
  const std::string where = "cores[" + select + "]." + parameter.key;
  if (!parameter.per_core)
    origin.fail(where + ": " + parameter.key + " is the same for every core; those that may "
                "differ are " + per_core_keys());
  config.core_overrides.push_back(
      {select, parameter.key, checked_value(parameter, where, text, origin)});
}

// A core selector of `cores[...]` or `select:`, checked.
std::string checked_selector(const std::string& text, const Origin& origin) {
  try {
    parse_core_selector(trim(text));
  } catch (const std::invalid_argument& error) {
    origin.fail("cores: " + quoted_excerpt(text) + " is not a core selector: " + error.what() +
                " (see docs/boot.md)");
  }
  return trim(text);
}

// The list `cores`: each entry a `select` (a core selector) and settings for those cores.
void read_core_overrides(PlatformConfig& config, const YAML::Node& list, const std::string& path) {
  const Origin list_origin{path, list.Mark()};
  if (list.IsNull()) return;
  if (!list.IsSequence())
    list_origin.fail("cores: expected a list of entries (select: CORES, then settings), found " +
                     std::string(describe_node(list)));
  for (const auto& entry : list) {
    const Origin entry_origin{path, entry.Mark()};
    if (!entry.IsMap() || !entry["select"] || !entry["select"].IsScalar())
      entry_origin.fail("cores: each entry needs select: CORES (a core selector, see "
                        "docs/boot.md) and the settings for those cores");
    const std::string select =
        checked_selector(entry["select"].Scalar(), Origin{path, entry["select"].Mark()});
    read_map(entry, "", path,
             [&](const Parameter& parameter, const std::string& text, const Origin& origin) {
               add_core_override(config, select, parameter, text, origin);
             },
             "select");
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
  } catch (const YAML::DeepRecursion& error) {
    // yaml-cpp's own message for this is "bad file".
    Origin{path, error.mark}.fail("lists or maps nested too deeply (yaml-cpp stops at depth " +
                                  std::to_string(error.depth()) + "; a dojo-vp configuration "
                                  "nests 4 levels at most)");
  } catch (const YAML::Exception& error) {
    Origin{path, error.mark}.fail("malformed YAML: " + error.msg);
  }
  if (root.IsNull()) return;  // an empty file changes nothing
  if (!root.IsMap())
    Origin{path, root.Mark()}.fail("expected a map of settings, found " +
                                   std::string(describe_node(root)));
  // Parse into a copy so that a bad file leaves `config` unchanged. The per-core entries come
  // after the settings they override, wherever they are in the file.
  PlatformConfig updated = config;
  read_map(root, "", path,
           [&updated](const Parameter& parameter, const std::string& text, const Origin& origin) {
             set_from_text(updated, parameter, text, origin);
           },
           "cores");
  if (root["cores"]) read_core_overrides(updated, root["cores"], path);
  config = updated;
}

void apply_override(PlatformConfig& config, const std::string& assignment) {
  const Origin origin{"--set"};
  const auto equals = assignment.find('=');
  if (equals == std::string::npos)
    origin.fail(quoted_excerpt(assignment) + " is not key=value (e.g. core.clock_hz=1GHz)");
  std::string key = trim(assignment.substr(0, equals));
  std::optional<std::string> select;
  if (key.compare(0, 6, "cores[") == 0) {
    const auto close = key.find("].");
    if (close == std::string::npos)
      origin.fail(quoted_excerpt(key) + " is not cores[CORES].key (e.g. "
                  "cores[1,0:*].core.clock_hz=1GHz)");
    select = checked_selector(key.substr(6, close - 6), origin);
    key = key.substr(close + 2);
  }
  const Parameter* parameter = find_parameter(key);
  if (parameter == nullptr) {
    if (is_group(key))
      origin.fail(quoted_excerpt(key) + " is a group of settings; set one of its keys, e.g. " +
                  first_key_in(key));
    fail_unknown(key, origin);
  }
  const std::string value = trim(assignment.substr(equals + 1));
  if (select)
    add_core_override(config, *select, *parameter, value, origin);
  else
    set_from_text(config, *parameter, value, origin);
}

namespace {

// "3" or "0-17".
std::pair<uint32_t, uint32_t> parse_span(const std::string& text) {
  const auto dash = text.find('-');
  if (dash == std::string::npos) {
    const uint32_t value = parse_small(text);
    return {value, value};
  }
  const uint32_t first = parse_small(text.substr(0, dash)), last = parse_small(text.substr(dash + 1));
  if (last < first) throw std::invalid_argument(quoted_excerpt(text) + " is an empty range");
  return {first, last};
}

// "x,y" with spans, or "*".
void parse_position(const std::string& text, uint32_t& x_first, uint32_t& x_last,
                    uint32_t& y_first, uint32_t& y_last) {
  if (trim(text) == "*") return;
  const auto parts = split(text, ',');
  if (parts.size() != 2 || text.find(',') != text.rfind(','))
    throw std::invalid_argument(quoted_excerpt(text) + " is not x,y (each a number or a range a-b) or *");
  std::tie(x_first, x_last) = parse_span(parts[0]);
  std::tie(y_first, y_last) = parse_span(parts[1]);
}

}  // namespace

std::vector<ImageAssignment> parse_image_assignments(const std::string& text,
                                                     const std::string& origin) {
  try {
    return parse_images(text);
  } catch (const std::invalid_argument& error) {
    throw ConfigError(origin + ": " + error.what());
  }
}

CoreSelector parse_core_selector(const std::string& text) {
  CoreSelector selector;
  const auto colon = text.find(':');
  if (colon != std::string::npos)
    parse_position(text.substr(0, colon), selector.chip_x_first, selector.chip_x_last,
                   selector.chip_y_first, selector.chip_y_last);
  parse_position(colon == std::string::npos ? text : text.substr(colon + 1), selector.x_first,
                 selector.x_last, selector.y_first, selector.y_last);
  return selector;
}

namespace {

// Why `selector` (parsed) picks no working core of `config`, or "" if it picks one.
std::string selects_no_core(const PlatformConfig& config, const CoreSelector& selector) {
  const std::set<std::pair<uint32_t, uint32_t>> disabled(config.mesh.disabled_cores.begin(),
                                                          config.mesh.disabled_cores.end());
  for (uint32_t chip_y = 0; chip_y < config.tile.chips_y; ++chip_y)
    for (uint32_t chip_x = 0; chip_x < config.tile.chips_x; ++chip_x)
      for (uint32_t y = 0; y < config.mesh.height; ++y)
        for (uint32_t x = 0; x < config.mesh.width; ++x)
          if (!disabled.count({x, y}) && selector.contains(chip_x, chip_y, x, y)) return "";
  return " selects no working core of this configuration (" + std::to_string(config.tile.chips_x) +
         "x" + std::to_string(config.tile.chips_y) + " chips of " +
         std::to_string(config.mesh.width) + "x" + std::to_string(config.mesh.height) +
         " cores; see docs/boot.md)";
}

// The relations between one core's parameters; `where` starts each message ("" or "cores[..].").
void check_core_relations(const PlatformConfig& config, const std::string& where) {
  if (config.timer.frequency_hz > config.core.clock_hz)
    throw ConfigError(where + "timer.frequency_hz: " +
                      format_value(Kind::frequency, config.timer.frequency_hz) +
                      " exceeds core.clock_hz (" +
                      format_value(Kind::frequency, config.core.clock_hz) +
                      "); the timer cannot tick faster than the core clock");
}

void check_core_overrides(const PlatformConfig& config) {
  for (const CoreOverride& entry : config.core_overrides) {
    const std::string where = "cores[" + entry.select + "]." + entry.key + ": ";
    const Parameter* parameter = find_parameter(entry.key);
    if (parameter == nullptr || !parameter->per_core)
      throw ConfigError(where + "not a parameter that may differ between cores");
    CoreSelector selector;
    try {
      selector = parse_core_selector(entry.select);
    } catch (const std::invalid_argument& error) {
      throw ConfigError(where + error.what());
    }
    const std::string none = selects_no_core(config, selector);
    if (!none.empty()) throw ConfigError(where + quoted_excerpt(entry.select) + none);
    const std::string problem = range_problem(*parameter, entry.value);
    if (!problem.empty()) throw ConfigError(where + problem);
  }
  if (config.core_overrides.empty()) return;
  PlatformConfig scratch;
  for (uint32_t chip_y = 0; chip_y < config.tile.chips_y; ++chip_y)
    for (uint32_t chip_x = 0; chip_x < config.tile.chips_x; ++chip_x)
      for (uint32_t y = 0; y < config.mesh.height; ++y)
        for (uint32_t x = 0; x < config.mesh.width; ++x) {
          const PlatformConfig& own = config_for_core(config, {chip_x, chip_y, x, y}, scratch);
          if (&own != &config)
            check_core_relations(own, "core " + std::to_string(x) + "," + std::to_string(y) +
                                          " of chip " + std::to_string(chip_x) + "," +
                                          std::to_string(chip_y) + " (cores): ");
        }
}

}  // namespace

void check_image_assignments(const PlatformConfig& config,
                             const std::vector<ImageAssignment>& images, const std::string& origin) {
  for (const auto& image : images) {
    CoreSelector selector;
    try {
      selector = parse_core_selector(image.cores);
    } catch (const std::invalid_argument& error) {
      throw ConfigError(origin + ": " + quoted_excerpt(image.cores) + ": " + error.what());
    }
    const std::string none = selects_no_core(config, selector);
    if (!none.empty())
      throw ConfigError(origin + ": " +
                        quoted_excerpt(image.cores + "=" + image.path, max_quoted_path_bytes) + none);
  }
}

const PlatformConfig& config_for_core(const PlatformConfig& config, const noc::Coord& core,
                                      PlatformConfig& scratch) {
  const PlatformConfig* own = &config;
  for (const CoreOverride& entry : config.core_overrides) {
    if (!parse_core_selector(entry.select).contains(core.chip_x, core.chip_y, core.x, core.y))
      continue;
    if (own == &config) {
      scratch = config;
      own = &scratch;
    }
    find_parameter(entry.key)->set(scratch, entry.value);
  }
  return *own;
}

void validate(const PlatformConfig& config) {
  for (const Parameter& parameter : schema()) {
    if (is_text(parameter.kind)) continue;
    const std::string problem = range_problem(parameter, parameter.get(config));
    if (!problem.empty()) throw ConfigError(parameter.key + ": " + problem);
  }

  struct Region {
    const char* name;
    const char* key;
    uint64_t base;
    uint64_t size;
  };
  const Region regions[] = {
      {"SRAM", "memory.sram_base", config.memory.sram_base, config.memory.sram_size},
      {"global window", "memory.global_base", config.memory.global_base, global_window_size},
      {"device block", "mmio.device_block_base", config.mmio.device_block_base, global_slot_size},
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

  // The tile devices share the device block without overlapping one another.
  const Region devices[] = {
      {"DMA engine", "mmio.dma_base", config.mmio.dma_base, dma_size},
      {"sync unit", "mmio.sync_base", config.mmio.sync_base, sync_size},
      {"core info", "mmio.core_info_base", config.mmio.core_info_base, core_info_size},
  };
  const Region& block = regions[2];
  for (size_t i = 0; i < std::size(devices); ++i) {
    if (devices[i].base < block.base || last(devices[i]) > last(block) || last(devices[i]) < devices[i].base)
      throw ConfigError(std::string(devices[i].key) + ": " + span(devices[i]) +
                        " lies outside the device block (" + span(block) + ")");
    for (size_t j = i + 1; j < std::size(devices); ++j)
      if (devices[i].base <= last(devices[j]) && devices[j].base <= last(devices[i]))
        throw ConfigError(std::string(devices[i].key) + ", " + devices[j].key + ": " +
                          span(devices[i]) + " overlaps " + span(devices[j]));
  }


  // The RTL has the pipeline it was built with; the reference model follows any.
  const vector::PipelineShape& built = vector::built_pipeline();
  if (config.vector.model != PlatformConfig::Vector::Model::model &&
      config.vector.pipeline != built) {
    const auto shape = [](const vector::PipelineShape& p) {
      return "fma_stages " + std::to_string(p.fma_stages) + ", mma_stages " +
             std::to_string(p.mma_stages) + ", queue_depth " + std::to_string(p.queue_depth);
    };
    throw ConfigError("vector.pipeline: " + shape(config.vector.pipeline) +
                      ", but the RTL is built with " + shape(built) +
                      " (rebuild with cmake -DDOJO_VECTOR_FMA_STAGES=... etc., or use "
                      "vector.model=model)");
  }

  const auto position = [](uint32_t x, uint32_t y) {
    return std::to_string(x) + "," + std::to_string(y);
  };
  std::set<std::pair<uint32_t, uint32_t>> disabled;
  for (const auto& [x, y] : config.mesh.disabled_cores) {
    if (x >= config.mesh.width || y >= config.mesh.height)
      throw ConfigError("mesh.disabled_cores: " + position(x, y) + " is outside the " +
                        std::to_string(config.mesh.width) + "x" +
                        std::to_string(config.mesh.height) + " mesh");
    if (!disabled.insert({x, y}).second)
      throw ConfigError("mesh.disabled_cores: " + position(x, y) + " is listed twice");
  }
  if (disabled.size() == uint64_t{config.mesh.width} * config.mesh.height)
    throw ConfigError("mesh.disabled_cores: every core of the mesh is disabled");
  if (!disabled.empty() && config.noc.routing == noc::Routing::xy)
    throw ConfigError("noc.routing: xy routes cannot avoid the disabled cores of "
                      "mesh.disabled_cores; use noc.routing: table");
  if (config.host.attach_x >= config.mesh.width || config.host.attach_y >= config.mesh.height ||
      disabled.count({config.host.attach_x, config.host.attach_y}))
    throw ConfigError("host.attach_x, host.attach_y: " +
                      position(config.host.attach_x, config.host.attach_y) +
                      " is not a working core of the mesh");
  const uint64_t cores = uint64_t{config.tile.chips_x} * config.tile.chips_y *
                        (uint64_t{config.mesh.width} * config.mesh.height - disabled.size());
  if (cores > max_cores)
    throw ConfigError("tile.chips_x, tile.chips_y, mesh.width, mesh.height: " +
                      std::to_string(config.tile.chips_x) + "x" +
                      std::to_string(config.tile.chips_y) + " chips of " +
                      std::to_string(config.mesh.width * config.mesh.height - disabled.size()) +
                      " working cores are " + std::to_string(cores) + " cores, more than the " +
                      std::to_string(max_cores) + " a platform can have");
  check_image_assignments(config, config.boot.images, "boot.images");
  check_core_relations(config, "");
  check_core_overrides(config);
}

namespace {

// A YAML double-quoted scalar that reads back as `text`, control characters included.
std::string quoted(const std::string& text) {
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') quoted += '\\';
    append_visible(quoted, c);
  }
  return quoted + "\"";
}

// Lists and maps in flow style, so each parameter stays on one line.
std::string yaml_value(const Parameter& parameter, const PlatformConfig& config) {
  if (parameter.kind == Kind::coordinates) {
    std::string items;
    for (const auto& [x, y] : config.mesh.disabled_cores)
      items += (items.empty() ? "" : ", ") + quoted(std::to_string(x) + "," + std::to_string(y));
    return "[" + items + "]";
  }
  if (parameter.kind == Kind::selector) return quoted(config.vector.model_cores);
  if (parameter.kind == Kind::images) {
    std::string items;
    for (const auto& image : config.boot.images)
      items += (items.empty() ? "" : ", ") + quoted(image.cores) + ": " + quoted(image.path);
    return "{" + items + "}";
  }
  return shown_value(parameter, config);
}

}  // namespace

std::optional<uint64_t> parameter_value(const PlatformConfig& config, const std::string& key) {
  for (const Parameter& parameter : schema()) {
    if (parameter.key == key && parameter.get) return parameter.get(config);
  }
  return std::nullopt;
}

std::vector<ParameterInfo> describe_parameters() {
  const PlatformConfig defaults;
  std::vector<ParameterInfo> infos;
  for (const Parameter& parameter : schema())
    infos.push_back({parameter.key, kind_info(parameter.kind).name,
                     yaml_value(parameter, defaults), parameter.help,
                     describe_range(parameter), parameter.per_core});
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
    lines.push_back({std::string(2 * parts.size(), ' ') + leaf + ": " + yaml_value(parameter, config),
                     parameter.help});
  }
  // The per-core entries, in order; consecutive ones for the same cores share an entry.
  for (size_t i = 0; i < config.core_overrides.size(); ++i) {
    const CoreOverride& entry = config.core_overrides[i];
    if (i == 0) lines.push_back({"cores:", "values for some cores: the last entry that selects a core wins"});
    if (i == 0 || config.core_overrides[i - 1].select != entry.select)
      lines.push_back({"  - select: " + quoted(entry.select), "a core selector (docs/boot.md)"});
    const Parameter& parameter = *find_parameter(entry.key);
    lines.push_back({"    " + entry.key + ": " + format_parameter(parameter, entry.value), ""});
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

const char* kind_name(param::Kind kind) { return kind_info(kind).name; }

std::string parameter_table_markdown() {
  const auto cell = [](const std::string& text) {
    std::string escaped;
    for (char c : text) escaped += c == '|' ? std::string("\\|") : std::string(1, c);
    return escaped;
  };
  std::string table =
      "| Key | Type | Default | Range | Per core | Meaning |\n"
      "|-----|------|---------|-------|----------|---------|\n";
  for (const ParameterInfo& info : describe_parameters())
    table += "| `" + info.key + "` | " + info.type + " | `" + cell(info.default_value) + "` | " +
             cell(info.range) + " | " + (info.per_core ? "yes" : "") + " | " + cell(info.help) +
             " |\n";
  return table;
}

std::string format_parameter(const param::Spec& spec, uint64_t value) {
  if (spec.kind == Kind::choice)
    return value < spec.choices.size() ? spec.choices[value] : std::to_string(value);
  return format_value(spec.kind, value);
}

uint64_t parse_parameter(const param::Spec& spec, const std::string& key,
                         const std::string& text, const std::string& origin) {
  return checked_value(spec, key, text, Origin{origin});
}

uint64_t parse_time_ps(const std::string& text) { return parse_value(Kind::time, text); }

}  // namespace dojo::platform
