// What the platform sets of every CLINT (timer.*), declared once; no SystemC.
#pragma once

#include "support/parameters.h"

namespace dojo::peripherals {

struct ClintSettings {
  uint64_t frequency_hz = 10'000'000;  // mtime ticks per second
};

inline const param::Table<ClintSettings>& clint_settings_parameters() {
  static const param::Table<ClintSettings> table = {
      param::number<&ClintSettings::frequency_hz>(
          "frequency_hz", param::Kind::frequency, 1 * param::kHz, 1 * param::GHz,
          "mtime ticks per second (at most core.clock_hz)"),
  };
  return table;
}

}  // namespace dojo::peripherals
