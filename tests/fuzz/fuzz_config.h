// What both configuration harnesses check once a configuration has been read.
#pragma once

#include <string>

#include "config.h"
#include "fuzz_support.h"

namespace dojo::fuzz {

// A configuration that was accepted either passes validate() or fails it with a bounded message;
// if it passes, its YAML (dojo-vp config) reads back to the same configuration.
inline void check_accepted(const platform::PlatformConfig& config) {
  try {
    platform::validate(config);
  } catch (const platform::ConfigError& error) {
    check_message(error.what());
    return;
  }
  const std::string yaml = platform::to_yaml(config);
  const InputFile file(reinterpret_cast<const uint8_t*>(yaml.data()), yaml.size());
  platform::PlatformConfig reread;
  try {
    platform::load_config_file(reread, file.path());
  } catch (const platform::ConfigError& error) {
    std::fprintf(stderr, "to_yaml output does not read back: %s\n%s\n", error.what(), yaml.c_str());
    std::abort();
  }
  if (platform::to_yaml(reread) != yaml) {
    std::fprintf(stderr, "to_yaml output reads back differently:\n%s\n", yaml.c_str());
    std::abort();
  }
}

}  // namespace dojo::fuzz
