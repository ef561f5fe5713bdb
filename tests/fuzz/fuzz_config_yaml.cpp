// libFuzzer harness of the configuration file reader (--config): any file gives a configuration
// or a ConfigError with a bounded message; see fuzz_config.h for what an accepted one must do.
#include <cstdint>

#include "fuzz_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dojo::platform;
  const dojo::fuzz::InputFile file(data, size);
  PlatformConfig config;
  try {
    load_config_file(config, file.path());
  } catch (const ConfigError& error) {
    dojo::fuzz::check_message(error.what());
    return 0;
  }
  dojo::fuzz::check_accepted(config);
  return 0;
}
