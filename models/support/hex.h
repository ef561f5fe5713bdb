// Addresses and values in messages: "0x" and lowercase hexadecimal digits, at least `digits` of
// them (zero-padded). One spelling for every error and report the simulator prints.
#pragma once

#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <string>

namespace dojo {

inline std::string hex(uint64_t value, int digits = 0) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%0*" PRIx64, digits, value);
  return text;
}

}  // namespace dojo
