// Where a core's position appears in addresses and ids, declared once: the global window's address
// fields (docs/memory-map.md), which the NoC decodes, and mhartid's fields, which the tile gives
// each core. `dojo-vp sdk-header` writes both into the SDK's <dojo/memory_map.h>.
#pragma once

#include <cstdint>

#include "noc/network.h"

namespace dojo::noc {

// `bits` bits of a word, from bit `shift` up.
struct BitField {
  const char* name;  // the SDK's, e.g. DOJO_GLOBAL_<name>_SHIFT
  unsigned shift;
  unsigned bits;
  constexpr uint64_t mask() const { return (uint64_t{1} << bits) - 1; }  // unshifted
  constexpr uint64_t get(uint64_t word) const { return word >> shift & mask(); }
  constexpr uint64_t put(uint64_t value) const { return (value & mask()) << shift; }
};

// A global window offset: chip row, chip column, core row, core column, space, then the offset in
// that core's space (its SRAM or its device block).
namespace window {
inline constexpr BitField offset{"OFFSET", 0, 22};
inline constexpr BitField space{"SPACE", 22, 2};
inline constexpr BitField x{"X", 24, 5};
inline constexpr BitField y{"Y", 29, 5};
inline constexpr BitField chip_x{"CHIP_X", 34, 3};
inline constexpr BitField chip_y{"CHIP_Y", 37, 3};
inline constexpr BitField fields[] = {offset, space, x, y, chip_x, chip_y};
inline constexpr unsigned bits = chip_y.shift + chip_y.bits;  // the window spans 2^40 bytes
inline constexpr unsigned space_sram = 0;
inline constexpr unsigned space_devices = 1;
}  // namespace window

// mhartid: the core's column and row in its chip, and the chip's column and row in the tile.
namespace hartid {
inline constexpr BitField x{"X", 0, 5};
inline constexpr BitField y{"Y", 5, 5};
inline constexpr BitField chip_x{"CHIP_X", 10, 3};
inline constexpr BitField chip_y{"CHIP_Y", 13, 3};
inline constexpr BitField fields[] = {x, y, chip_x, chip_y};
}  // namespace hartid

inline uint64_t hartid_of(const Coord& coord) {
  return hartid::chip_y.put(coord.chip_y) | hartid::chip_x.put(coord.chip_x) |
         hartid::y.put(coord.y) | hartid::x.put(coord.x);
}

}  // namespace dojo::noc
