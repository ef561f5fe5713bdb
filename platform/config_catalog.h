// The shipped configurations (platform/configs/*.yaml, installed to share/dojo-vp/configs): where
// they are, what each one is, and how a --config argument names one or a file of the user's.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace dojo::platform {

struct ShippedConfig {
  std::string name;     // "d1"
  std::string summary;  // from the file's first comment line: "one D1 chip"
};

// The folder of the shipped configurations, found from the simulator's own location so that a
// build tree and an installation both work wherever they are: DOJO_VP_CONFIG_DIR if set, else
// <executable's folder>/../share/dojo-vp/configs (installed), else <executable's folder>/configs
// (build tree). Empty if none exists.
std::filesystem::path find_shipped_config_dir(const std::filesystem::path& executable);

// The configurations in `dir`, sorted by name.
std::vector<ShippedConfig> shipped_configs(const std::filesystem::path& dir);

// The file a --config argument means: a bare name ("d1", no '/' and no .yaml or .yml ending) is
// always a shipped configuration, whatever the current folder holds; anything else is a path.
// Throws ConfigError for an unknown name (listing the shipped ones) or a file that does not exist.
std::string resolve_config(const std::string& argument, const std::filesystem::path& shipped_dir);

}  // namespace dojo::platform
