// What the platform sets of every sync unit (sync.*), declared once; no SystemC.
#pragma once

#include "support/parameters.h"

namespace dojo::peripherals {

struct SyncSettings {
  uint32_t counters = 16;  // hardware semaphores per core
};

inline const param::Table<SyncSettings>& sync_settings_parameters() {
  static const param::Table<SyncSettings> table = {
      param::number<&SyncSettings::counters>("counters", param::Kind::count, 1, 256,
                                              "hardware semaphores (64-bit counters) per core"),
  };
  return table;
}

}  // namespace dojo::peripherals
