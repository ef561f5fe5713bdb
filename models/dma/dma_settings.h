// What the platform sets of every DMA engine (dma.*), declared once; no SystemC.
#pragma once

#include "support/parameters.h"

namespace dojo::dma {

struct DmaSettings {
  uint32_t burst_bytes = 256;             // largest single access for data
  uint32_t port_bytes_per_cycle = 64;     // bytes each channel (read, write) moves per cycle
  uint32_t max_chain_descriptors = 4096;  // descriptors one start may fetch (stops looping chains)
  uint32_t bursts_in_flight = 8;  // under a network that waits (noc.model: cycle): at most this many
};

inline const param::Table<DmaSettings>& dma_settings_parameters() {
  using param::Kind;
  using param::number;
  static const param::Table<DmaSettings> table = {
      number<&DmaSettings::burst_bytes>("burst_bytes", Kind::size, 8, 64 * param::KiB,
                                        "bytes a DMA engine moves per transaction", 8),
      number<&DmaSettings::port_bytes_per_cycle>(
          "sram_bytes_per_cycle", Kind::size, 1, 4 * param::KiB,
          "bandwidth of the SRAM port a DMA engine uses, per core cycle"),
      number<&DmaSettings::max_chain_descriptors>(
          "max_chain_descriptors", Kind::count, 1, 1'000'000,
          "descriptors one start may run; a longer (e.g. looping) chain ends in an error"),
      number<&DmaSettings::bursts_in_flight>(
          "bursts_in_flight", Kind::count, 1, 64,
          "bursts a DMA engine has in flight at once under the cycle-level network "
          "(noc.model: cycle), each from its read to its write's completion"),
  };
  return table;
}

}  // namespace dojo::dma
