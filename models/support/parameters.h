// Parameters declared by the component that uses them. A component keeps its settings in a plain
// struct whose member initializers are the defaults, and declares each member once, beside the
// code that uses it: its key, the kind of value (how it is written: a size, a frequency ...), the
// range it may take and one line of help. The platform mounts these tables under its sections
// (e.g. the network's under "noc."); its configuration reader, `--set`, `dojo-vp params`, the
// generated docs/configuration.md and `noc-sim`'s options all read them (platform/config.h).
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace dojo::param {

// How a value is written and read back (platform/config.cpp parses and formats each kind).
enum class Kind {
  integer,      // an address or bit pattern: 0x8000_0000
  count,        // a plain number: 20
  size,         // bytes, with units: 1.25MiB
  frequency,    // Hz, with units: 2GHz
  time,         // picoseconds, with units: 1.5us
  choice,       // one of a list of names, stored as its index
  coordinates,  // "x,y" positions
  images,       // core selector -> ELF path
  selector,     // a core selector (docs/boot.md)
};

inline constexpr uint64_t KiB = 1024;
inline constexpr uint64_t MiB = 1024 * KiB;
inline constexpr uint64_t GiB = 1024 * MiB;
inline constexpr uint64_t kHz = 1000;
inline constexpr uint64_t MHz = 1000 * kHz;
inline constexpr uint64_t GHz = 1000 * MHz;
inline constexpr uint64_t ns = 1000;  // times are in picoseconds
inline constexpr uint64_t us = 1000 * ns;
inline constexpr uint64_t ms = 1000 * us;
inline constexpr uint64_t sec = 1000 * ms;
inline constexpr uint64_t no_max = std::numeric_limits<uint64_t>::max();

// What a parameter is, whatever struct holds it.
struct Spec {
  std::string key;  // relative to where its table is mounted, e.g. "flit_bytes"
  Kind kind = Kind::count;
  uint64_t min = 0;
  uint64_t max = no_max;
  uint64_t multiple_of = 1;  // 1: any value in range
  std::string help;
  std::vector<std::string> choices;  // Kind::choice: the names of values 0, 1, ...
  // May differ between cores (the platform says so where it mounts the table).
  bool per_core = false;
};

// One parameter of the settings struct `Owner`.
template <typename Owner>
struct Declaration : Spec {
  // Numeric kinds (choices by index).
  std::function<uint64_t(const Owner&)> get;
  std::function<void(Owner&, uint64_t)> set;
  // Text kinds (coordinates, images, selector); set_text throws std::invalid_argument.
  std::function<std::string(const Owner&)> get_text;
  std::function<void(Owner&, const std::string&)> set_text;
};

template <typename Owner>
using Table = std::vector<Declaration<Owner>>;

namespace detail {
template <typename T>
struct member_traits;
template <typename Class, typename Value>
struct member_traits<Value Class::*> {
  using owner = Class;
  using value = Value;
};
}  // namespace detail

// A numeric member, e.g. number<&NetworkSettings::flit_bytes>("flit_bytes", Kind::size, 1,
// 4 * KiB, "on-chip link width").
template <auto member>
auto number(std::string key, Kind kind, uint64_t min, uint64_t max, std::string help,
            uint64_t multiple_of = 1) {
  using Traits = detail::member_traits<decltype(member)>;
  using Owner = typename Traits::owner;
  using Value = typename Traits::value;
  static_assert(std::is_integral_v<Value> || std::is_enum_v<Value>, "a number or an enum");
  Declaration<Owner> declaration;
  declaration.key = std::move(key);
  declaration.kind = kind;
  declaration.min = min;
  declaration.max = max;
  declaration.multiple_of = multiple_of;
  declaration.help = std::move(help);
  declaration.get = [](const Owner& owner) { return static_cast<uint64_t>(owner.*member); };
  declaration.set = [](Owner& owner, uint64_t value) { owner.*member = static_cast<Value>(value); };
  return declaration;
}

// An enum or bool member written as one of `names` (value i is names[i]).
template <auto member>
auto choice(std::string key, std::vector<std::string> names, std::string help) {
  auto declaration = number<member>(std::move(key), Kind::choice, 0, names.size() - 1,
                                    std::move(help));
  declaration.choices = std::move(names);
  return declaration;
}

namespace detail {
// Appends `inner` with `prefix` before each key; `part(owner)` is the Inner inside an Owner (const
// or not).
template <typename Owner, typename Inner, typename Part>
void mount(Table<Owner>& into, const std::string& prefix, const Table<Inner>& inner, Part part) {
  for (const Declaration<Inner>& item : inner) {
    Declaration<Owner> outer;
    static_cast<Spec&>(outer) = item;
    outer.key = prefix + item.key;
    if (item.get) {
      outer.get = [part, get = item.get](const Owner& owner) { return get(part(owner)); };
      outer.set = [part, set = item.set](Owner& owner, uint64_t value) { set(part(owner), value); };
    }
    if (item.get_text) {
      outer.get_text = [part, get = item.get_text](const Owner& owner) { return get(part(owner)); };
      outer.set_text = [part, set = item.set_text](Owner& owner, const std::string& text) {
        set(part(owner), text);
      };
    }
    into.push_back(std::move(outer));
  }
}
}  // namespace detail

// Appends `inner`, the table of the member struct `member` of `Owner`, with `prefix` before each
// key (e.g. "cycles.").
template <typename Owner, typename Inner>
void mount(Table<Owner>& into, const std::string& prefix, Inner Owner::*member,
           const Table<Inner>& inner) {
  detail::mount(into, prefix, inner, [member](auto& owner) -> auto& { return owner.*member; });
}

// Appends `inner`, the table of `Owner`'s base class `Base` (settings a platform section inherits
// from the model that uses them), with `prefix` before each key.
template <typename Base, typename Owner>
void mount_base(Table<Owner>& into, const std::string& prefix, const Table<Base>& inner) {
  static_assert(std::is_base_of_v<Base, Owner>);
  detail::mount(into, prefix, inner, [](auto& owner) -> auto& {
    using Target = std::conditional_t<std::is_const_v<std::remove_reference_t<decltype(owner)>>,
                                      const Base, Base>;
    return static_cast<Target&>(owner);
  });
}

}  // namespace dojo::param
