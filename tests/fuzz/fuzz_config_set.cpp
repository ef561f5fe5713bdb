// libFuzzer harness of --set: each line of the input is one key=value, applied in order; each gives
// a configuration or a ConfigError with a bounded message (fuzz_config.h checks the result).
#include <cstdint>
#include <string>

#include "fuzz_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dojo::platform;
  const std::string input(reinterpret_cast<const char*>(data), size);
  PlatformConfig config;
  for (size_t begin = 0; begin <= input.size();) {
    size_t end = input.find('\n', begin);
    if (end == std::string::npos) end = input.size();
    try {
      apply_override(config, input.substr(begin, end - begin));
    } catch (const ConfigError& error) {
      dojo::fuzz::check_message(error.what());
      return 0;
    }
    begin = end + 1;
  }
  dojo::fuzz::check_accepted(config);
  return 0;
}
