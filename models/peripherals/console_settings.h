// What the platform sets of every console (console.*), declared once; no SystemC.
#pragma once

#include "support/parameters.h"

namespace dojo::peripherals {

struct ConsoleSettings {
  uint64_t max_line_bytes = 64 * 1024;  // a longer line is written in pieces of this length
};

inline const param::Table<ConsoleSettings>& console_settings_parameters() {
  static const param::Table<ConsoleSettings> table = {
      param::number<&ConsoleSettings::max_line_bytes>(
          "max_line_bytes", param::Kind::size, 16, 1 * param::GiB,
          "longest console line kept whole; a longer one is written in pieces of this length, "
          "each ended with a newline"),
  };
  return table;
}

}  // namespace dojo::peripherals
