// What the platform sets of the host interface (host.*), declared once; no SystemC.
#pragma once

#include "support/parameters.h"

namespace dojo::host {

struct HostSettings {
  uint64_t memory_size = 0x8'0000'0000;  // its own memory, which holds the images (32 GiB)
  uint32_t link_bytes_per_cycle = 16;    // width of its link into the network
  uint32_t chunk_bytes = 4096;  // bytes per write transaction (a segment's last is shorter)
};

inline const param::Table<HostSettings>& host_settings_parameters() {
  using param::Kind;
  using param::number;
  static const param::Table<HostSettings> table = {
      number<&HostSettings::memory_size>(
          "memory_size", Kind::size, 1 * param::MiB, 1024 * param::GiB,
          "the host interface's own memory, which holds the firmware images"),
      number<&HostSettings::link_bytes_per_cycle>(
          "link_bytes", Kind::size, 1, 4 * param::KiB,
          "host link into the tile: bytes per network cycle"),
      number<&HostSettings::chunk_bytes>(
          "chunk_bytes", Kind::size, 8, 1 * param::MiB,
          "bytes per write as firmware images travel to the cores", 8),
  };
  return table;
}

}  // namespace dojo::host
