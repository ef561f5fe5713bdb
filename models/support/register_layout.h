// Where a register lies in its device: what the register-map headers made by
// models/support/regmap.py declare for each register (dojo::<device>::registers::<register>).
#pragma once

#include <cstdint>

namespace dojo {

struct RegisterLayout {
  uint64_t offset;      // of the first element of an array
  unsigned bytes;       // its width
  unsigned min_access;  // the narrowest access it takes, in bytes
};

}  // namespace dojo
