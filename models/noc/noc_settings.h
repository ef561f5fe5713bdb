// What the platform sets of the network's TLM adapter (noc.*), declared once; no SystemC.
#pragma once

#include "support/parameters.h"

namespace dojo::noc {

struct NocSettings {
  uint32_t header_bytes = 8;  // address and command, ahead of a packet's data
  // Cycle model: requests a node's network interface holds before its initiators stall.
  uint32_t interface_queue = 4;
};

inline const param::Table<NocSettings>& noc_settings_parameters() {
  static const param::Table<NocSettings> table = {
      param::number<&NocSettings::header_bytes>(
          "header_bytes", param::Kind::size, 0, 256,
          "bytes of address and command ahead of each packet's data"),
      param::number<&NocSettings::interface_queue>(
          "interface_queue", param::Kind::count, 1, 4096,
          "cycle model: packets a node's network interface queues for the network; an initiator "
          "whose request finds it full stalls until one has left"),
  };
  return table;
}

}  // namespace dojo::noc
