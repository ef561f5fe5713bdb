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

// choice: one of a parameter's names; coordinates: "x,y" pairs; images: core selector -> ELF path.
enum class Kind { integer, count, size, frequency, time, choice, coordinates, images, selector };

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
// and a long value cut to its first `limit` bytes and its length, so that a megabyte of YAML does
// not end up on the terminal. Values with a file name get more room.
constexpr size_t max_quoted_bytes = 60;
constexpr size_t max_quoted_path_bytes = 300;
std::string quoted_excerpt(const std::string& text, size_t limit = max_quoted_bytes) {
  size_t shown = std::min(text.size(), limit);
  // Do not cut a UTF-8 sequence: back up to the first byte of the character at the cut.
  if (shown < text.size())
    while (shown > 0 && (static_cast<unsigned char>(text[shown]) & 0xC0) == 0x80) --shown;
  std::string quoted = "'";
  for (size_t i = 0; i < shown; ++i) append_visible(quoted, text[i]);
  if (shown == text.size()) return quoted + "'";
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
// The schema: every parameter once, bound to its PlatformConfig field by a member-pointer path.

template <typename T>
T& follow(T& object) {
  return object;
}
template <typename T, typename Member, typename... Rest>
auto& follow(T& object, Member member, Rest... rest) {
  return follow(object.*member, rest...);
}

// A numeric parameter's value as uint64_t (choices as their index); list-valued parameters
// (coordinates, images) go through text instead.
struct Field {
  uint64_t (*get)(const PlatformConfig&) = nullptr;
  void (*set)(PlatformConfig&, uint64_t) = nullptr;
  std::string (*get_text)(const PlatformConfig&) = nullptr;
  void (*set_text)(PlatformConfig&, const std::string&) = nullptr;  // throws invalid_argument
};

template <auto... path>
Field field() {
  return {[](const PlatformConfig& config) -> uint64_t {
    return static_cast<uint64_t>(follow(config, path...));
  },
          [](PlatformConfig& config, uint64_t value) {
            auto& target = follow(config, path...);
            target = static_cast<std::remove_reference_t<decltype(target)>>(value);
          }};
}

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

Field disabled_cores_field() {
  Field field;
  field.get_text = [](const PlatformConfig& config) {
    return format_coordinates(config.mesh.disabled_cores);
  };
  field.set_text = [](PlatformConfig& config, const std::string& text) {
    config.mesh.disabled_cores = parse_coordinates(text);
  };
  return field;
}

Field model_cores_field() {
  Field field;
  field.get_text = [](const PlatformConfig& config) { return config.vector.model_cores; };
  field.set_text = [](PlatformConfig& config, const std::string& text) {
    parse_core_selector(trim(text));  // throws for a bad selector
    config.vector.model_cores = trim(text);
  };
  return field;
}

Field images_field() {
  Field field;
  field.get_text = [](const PlatformConfig& config) { return format_images(config.boot.images); };
  field.set_text = [](PlatformConfig& config, const std::string& text) {
    config.boot.images = parse_images(text);
  };
  return field;
}

struct Parameter {
  const char* key;
  Kind kind;
  Field field;
  uint64_t min;
  uint64_t max;
  uint64_t multiple_of;  // 1: any value in range
  const char* help;
  std::vector<const char*> choices = {};  // Kind::choice: the names of values 0, 1, ...
};

using C = PlatformConfig;
using Cycles = core::CycleModel;
using VT = vector::VectorTiming;

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
       no_max, page, "global window (2^40 bytes): every core's SRAM and devices by chip and mesh coordinates"},
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
      {"mmio.device_block_base", Kind::integer, field<&C::mmio, &C::Mmio::device_block_base>(), 0,
       no_max, global_slot_size,
       "block (4 MiB) of the tile devices below; the global window's device space mirrors it"},
      {"mmio.dma_base", Kind::integer, field<&C::mmio, &C::Mmio::dma_base>(), 0, no_max, page,
       "DMA engine registers (4 KiB), inside the device block"},
      {"mmio.sync_base", Kind::integer, field<&C::mmio, &C::Mmio::sync_base>(), 0, no_max, page,
       "sync unit: hardware semaphores (4 KiB), inside the device block"},
      {"mmio.core_info_base", Kind::integer, field<&C::mmio, &C::Mmio::core_info_base>(), 0,
       no_max, page, "core info: topology and ranks (64 KiB), inside the device block"},
      {"timer.frequency_hz", Kind::frequency, field<&C::timer, &C::Timer::frequency_hz>(),
       1 * kHz, 1 * GHz, 1, "mtime ticks per second (at most core.clock_hz)"},
      {"console.max_line_bytes", Kind::size, field<&C::console, &C::Console::max_line_bytes>(), 16,
       1 * GiB, 1,
       "longest console line kept whole; a longer one is written in pieces of this length, each "
       "ended with a newline"},
      {"tile.chips_x", Kind::count, field<&C::tile, &C::Tile::chips_x>(), 1, 8, 1,
       "chips per row of the tile"},
      {"tile.chips_y", Kind::count, field<&C::tile, &C::Tile::chips_y>(), 1, 8, 1,
       "rows of chips"},
      {"mesh.width", Kind::count, field<&C::mesh, &C::Mesh::width>(), 1, 32, 1,
       "cores per row of a chip"},
      {"mesh.height", Kind::count, field<&C::mesh, &C::Mesh::height>(), 1, 32, 1,
       "rows of cores per chip"},
      {"mesh.disabled_cores", Kind::coordinates, disabled_cores_field(), 0, 0, 1,
       "positions x,y with no working core (no router either), the same in every chip"},
      {"noc.clock_hz", Kind::frequency, field<&C::noc, &C::Noc::clock_hz>(), 1 * MHz, 10 * GHz, 1,
       "network clock: router and link latencies count its cycles"},
      {"noc.flit_bytes", Kind::size, field<&C::noc, &C::Noc::flit_bytes>(), 1, 4 * KiB, 1,
       "on-chip link width: bytes per cycle and direction (one flit)"},
      {"noc.router_latency", Kind::count, field<&C::noc, &C::Noc::router_latency>(), 0, 1000, 1,
       "cycles through a router's pipeline"},
      {"noc.link_latency", Kind::count, field<&C::noc, &C::Noc::link_latency>(), 1, 1000, 1,
       "cycles on an on-chip link"},
      {"noc.chip_link_bytes", Kind::size, field<&C::noc, &C::Noc::chip_link_bytes>(), 1, 4 * KiB,
       1, "chip-to-chip link: bytes per cycle and direction"},
      {"noc.chip_link_latency", Kind::count, field<&C::noc, &C::Noc::chip_link_latency>(), 1,
       100000, 1, "cycles on a chip-to-chip link"},
      {"noc.header_bytes", Kind::size, field<&C::noc, &C::Noc::header_bytes>(), 0, 256, 1,
       "bytes of address and command ahead of each packet's data"},
      {"noc.routing", Kind::choice, field<&C::noc, &C::Noc::routing>(), 0, 1, 1,
       "xy: dimension order; table: shortest paths around disabled cores",
       {"xy", "table"}},
      {"noc.latency_bucket", Kind::count, field<&C::noc, &C::Noc::latency_bucket>(), 1, 1'000'000,
       1, "width of the packet-latency histogram's buckets (statistics), cycles"},
      {"noc.latency_buckets", Kind::count, field<&C::noc, &C::Noc::latency_buckets>(), 2, 65536, 1,
       "buckets of the packet-latency histogram; the last holds every longer latency"},
      {"dma.burst_bytes", Kind::size, field<&C::dma, &C::Dma::burst_bytes>(), 8, 64 * KiB, 8,
       "bytes a DMA engine moves per transaction"},
      {"dma.sram_bytes_per_cycle", Kind::size, field<&C::dma, &C::Dma::sram_bytes_per_cycle>(), 1,
       4 * KiB, 1, "bandwidth of the SRAM port a DMA engine uses, per core cycle"},
      {"dma.max_chain_descriptors", Kind::count,
       field<&C::dma, &C::Dma::max_chain_descriptors>(), 1, 1'000'000, 1,
       "descriptors one start may run; a longer (e.g. looping) chain ends in an error"},
      {"sync.counters", Kind::count, field<&C::sync, &C::Sync::counters>(), 1, 256, 1,
       "hardware semaphores (64-bit counters) per core"},
      {"vector.model", Kind::choice, field<&C::vector, &C::Vector::model>(), 0, 2, 1,
       "vector unit of the vector.model_cores: the C++ reference model, the Verilated RTL, or both "
       "in lockstep",
       {"model", "rtl", "lockstep"}},
      {"vector.model_cores", Kind::selector, model_cores_field(), 0, 0, 1,
       "cores whose vector unit is vector.model; the others run the reference model"},
      {"vector.latency.load", Kind::count, field<&C::vector, &C::Vector::latency, &VT::load>(), 1,
       1000, 1, "core cycles of vld (reference model)"},
      {"vector.latency.store", Kind::count, field<&C::vector, &C::Vector::latency, &VT::store>(), 1,
       1000, 1, "core cycles of vst (reference model)"},
      {"vector.latency.simple", Kind::count, field<&C::vector, &C::Vector::latency, &VT::simple>(),
       1, 1000, 1, "core cycles of vbcast, vadd, vsub, vmul, vmin, vmax, vrelu (reference model)"},
      {"vector.latency.fma", Kind::count, field<&C::vector, &C::Vector::latency, &VT::fma>(), 1,
       1000, 1, "core cycles of vfma and vdot (reference model)"},
      {"vector.latency.convert", Kind::count, field<&C::vector, &C::Vector::latency, &VT::convert>(),
       1, 1000, 1, "core cycles of vcvt (reference model)"},
      {"vector.latency.hsum", Kind::count, field<&C::vector, &C::Vector::latency, &VT::hsum>(), 1,
       1000, 1, "core cycles of vhsum (reference model)"},
      {"vector.latency.mma", Kind::count, field<&C::vector, &C::Vector::latency, &VT::mma>(), 1,
       1000, 1, "core cycles of vmma (reference model)"},
      {"host.memory_size", Kind::size, field<&C::host, &C::Host::memory_size>(), 1 * MiB,
       1024 * GiB, 1, "the host interface's own memory, which holds the firmware images"},
      {"host.link_bytes", Kind::size, field<&C::host, &C::Host::link_bytes>(), 1, 4 * KiB, 1,
       "host link into the tile: bytes per network cycle"},
      {"host.chunk_bytes", Kind::size, field<&C::host, &C::Host::chunk_bytes>(), 8, 1 * MiB, 8,
       "bytes per write as firmware images travel to the cores"},
      {"host.attach_x", Kind::count, field<&C::host, &C::Host::attach_x>(), 0, 31, 1,
       "router (column) of chip 0,0 where the host link enters"},
      {"host.attach_y", Kind::count, field<&C::host, &C::Host::attach_y>(), 0, 31, 1,
       "router (row) of chip 0,0 where the host link enters"},
      {"boot.fast_load", Kind::choice, field<&C::boot, &C::Boot::fast_load>(), 0, 1, 1,
       "true: write images straight into SRAM at time 0 instead of through the host interface",
       {"false", "true"}},
      {"boot.images", Kind::images, images_field(), 0, 0, 1,
       "which cores run which ELF (cores: file.elf); unmatched cores run the command line's"},
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
  switch (parameter.kind) {
    case Kind::choice: {
      std::string names;
      for (const char* name : parameter.choices) names += (names.empty() ? "" : ", ") + std::string(name);
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
  if (is_text(parameter.kind)) return parameter.field.get_text(config);
  const uint64_t value = parameter.field.get(config);
  if (parameter.kind == Kind::choice)
    return value < parameter.choices.size() ? parameter.choices[value] : std::to_string(value);
  return format_value(parameter.kind, value);
}

// Why the parameter's value in `config` is not allowed, or "" if it is.
std::string range_problem(const Parameter& parameter, const PlatformConfig& config) {
  if (is_text(parameter.kind)) return "";
  const uint64_t value = parameter.field.get(config);
  if (parameter.kind == Kind::choice)
    return value < parameter.choices.size() ? "" : std::to_string(value) + " is not a choice";
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

void set_from_text(PlatformConfig& config, const Parameter& parameter, const std::string& text,
                   const Origin& origin) {
  const KindInfo& info = kind_info(parameter.kind);
  const auto invalid = [&](const std::string& reason) {
    origin.fail(std::string(parameter.key) + ": " + quoted_excerpt(text) + " is not a valid " + info.name +
                ": " + reason + " (examples: " + info.examples + ")");
  };
  if (is_text(parameter.kind)) {
    try {
      parameter.field.set_text(config, text);
    } catch (const std::invalid_argument& error) {
      invalid(error.what());
    }
    return;
  }
  if (parameter.kind == Kind::choice) {
    for (size_t i = 0; i < parameter.choices.size(); ++i)
      if (iequals(trim(text), parameter.choices[i])) return parameter.field.set(config, i);
    origin.fail(std::string(parameter.key) + ": " + quoted_excerpt(text) + " is not one of " +
                describe_range(parameter));
  }
  uint64_t value = 0;
  try {
    value = parse_value(parameter.kind, text);
  } catch (const std::invalid_argument& error) {
    invalid(error.what());
  }
  PlatformConfig candidate = config;
  parameter.field.set(candidate, value);
  if (parameter.field.get(candidate) != value)
    origin.fail(std::string(parameter.key) + ": " + format_value(parameter.kind, value) +
                " is out of range (allowed: " + describe_range(parameter) + ")");
  const std::string problem = range_problem(parameter, candidate);
  if (!problem.empty()) origin.fail(std::string(parameter.key) + ": " + problem);
  config = candidate;
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
        Origin{origin.source, item.Mark()}.fail(std::string(parameter.key) +
                                                ": expected a position \"x,y\" or [x, y]");
      }
      text += (text.empty() ? "" : " ") + pair;
    }
    return text;
  }
  if (parameter.kind == Kind::images && value.IsMap()) {
    for (const auto& entry : value) {
      if (!entry.first.IsScalar() || !entry.second.IsScalar())
        Origin{origin.source, entry.first.Mark()}.fail(std::string(parameter.key) +
                                                       ": expected cores: file.elf");
      text += (text.empty() ? "" : ";") + entry.first.Scalar() + "=" + entry.second.Scalar();
    }
    return text;
  }
  if (value.IsNull()) return "";
  origin.fail(std::string(parameter.key) + ": expected a " + kind_info(parameter.kind).name +
              ", found " + describe_node(value));
}

[[noreturn]] void fail_unknown(const std::string& key, const Origin& origin) {
  origin.fail("unknown key " + quoted_excerpt(key) + suggestion(key));
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
    if (!seen.insert(key).second) key_origin.fail("duplicate key " + quoted_excerpt(key));
    if (const Parameter* parameter = find_parameter(key)) {
      if (is_text(parameter->kind)) {
        set_from_text(config, *parameter, text_of_node(*parameter, value, value_origin),
                      value_origin);
        continue;
      }
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
  // Parse into a copy so that a bad file leaves `config` unchanged.
  PlatformConfig updated = config;
  apply_map(updated, root, "", path);
  config = updated;
}

void apply_override(PlatformConfig& config, const std::string& assignment) {
  const Origin origin{"--set"};
  const auto equals = assignment.find('=');
  if (equals == std::string::npos)
    origin.fail(quoted_excerpt(assignment) + " is not key=value (e.g. core.clock_hz=1GHz)");
  const std::string key = trim(assignment.substr(0, equals));
  const Parameter* parameter = find_parameter(key);
  if (parameter == nullptr) {
    if (is_group(key))
      origin.fail(quoted_excerpt(key) + " is a group of settings; set one of its keys, e.g. " +
                  first_key_in(key));
    fail_unknown(key, origin);
  }
  set_from_text(config, *parameter, trim(assignment.substr(equals + 1)), origin);
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

void check_image_assignments(const PlatformConfig& config,
                             const std::vector<ImageAssignment>& images, const std::string& origin) {
  const std::set<std::pair<uint32_t, uint32_t>> disabled(config.mesh.disabled_cores.begin(),
                                                          config.mesh.disabled_cores.end());
  for (const auto& image : images) {
    CoreSelector selector;
    try {
      selector = parse_core_selector(image.cores);
    } catch (const std::invalid_argument& error) {
      throw ConfigError(origin + ": " + quoted_excerpt(image.cores) + ": " + error.what());
    }
    bool selects_a_core = false;
    for (uint32_t chip_y = 0; chip_y < config.tile.chips_y && !selects_a_core; ++chip_y)
      for (uint32_t chip_x = 0; chip_x < config.tile.chips_x && !selects_a_core; ++chip_x)
        for (uint32_t y = 0; y < config.mesh.height && !selects_a_core; ++y)
          for (uint32_t x = 0; x < config.mesh.width && !selects_a_core; ++x)
            selects_a_core = !disabled.count({x, y}) && selector.contains(chip_x, chip_y, x, y);
    if (!selects_a_core)
      throw ConfigError(origin + ": " + quoted_excerpt(image.cores + "=" + image.path, max_quoted_path_bytes) +
                        " selects no working core of this configuration (" +
                        std::to_string(config.tile.chips_x) + "x" +
                        std::to_string(config.tile.chips_y) + " chips of " +
                        std::to_string(config.mesh.width) + "x" +
                        std::to_string(config.mesh.height) + " cores; see docs/boot.md)");
  }
}

void validate(const PlatformConfig& config) {
  for (const Parameter& parameter : schema()) {
    const std::string problem = range_problem(parameter, config);
    if (!problem.empty()) throw ConfigError(std::string(parameter.key) + ": " + problem);
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

  if (config.timer.frequency_hz > config.core.clock_hz)
    throw ConfigError("timer.frequency_hz: " + format_value(Kind::frequency,
                                                            config.timer.frequency_hz) +
                      " exceeds core.clock_hz (" +
                      format_value(Kind::frequency, config.core.clock_hz) +
                      "); the timer cannot tick faster than the core clock");
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
    if (parameter.key == key && parameter.field.get) return parameter.field.get(config);
  }
  return std::nullopt;
}

std::vector<ParameterInfo> describe_parameters() {
  const PlatformConfig defaults;
  std::vector<ParameterInfo> infos;
  for (const Parameter& parameter : schema())
    infos.push_back({parameter.key, kind_info(parameter.kind).name,
                     yaml_value(parameter, defaults), parameter.help,
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
    lines.push_back({std::string(2 * parts.size(), ' ') + leaf + ": " + yaml_value(parameter, config),
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
