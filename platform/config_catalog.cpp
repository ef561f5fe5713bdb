#include "config_catalog.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "config.h"

namespace dojo::platform {
namespace {

bool is_bare_name(const std::string& argument) {
  const auto ends_with = [&argument](const std::string& ending) {
    return argument.size() >= ending.size() &&
           argument.compare(argument.size() - ending.size(), ending.size(), ending) == 0;
  };
  return argument.find('/') == std::string::npos && !ends_with(".yaml") && !ends_with(".yml");
}

// `# dojo-vp platform configuration "d1": one D1 chip, an 18x20 grid ...` -> "one D1 chip".
std::string summary_of(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  const auto start = line.find("\": ");
  if (line.rfind("#", 0) != 0 || start == std::string::npos) return "";
  const std::string text = line.substr(start + 3);
  return text.substr(0, text.find_first_of(",.;"));
}

}  // namespace

std::filesystem::path find_shipped_config_dir(const std::filesystem::path& executable) {
  std::error_code error;
  if (const char* dir = std::getenv("DOJO_VP_CONFIG_DIR"); dir != nullptr && *dir != '\0')
    return std::filesystem::is_directory(dir, error) ? dir : std::filesystem::path{};
  const std::filesystem::path folder = executable.parent_path();
  for (const auto& candidate : {folder / ".." / "share" / "dojo-vp" / "configs", folder / "configs"})
    if (std::filesystem::is_directory(candidate, error)) return candidate.lexically_normal();
  return {};
}

std::vector<ShippedConfig> shipped_configs(const std::filesystem::path& dir) {
  std::vector<ShippedConfig> configs;
  std::error_code error;
  if (dir.empty()) return configs;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    if (entry.path().extension() != ".yaml") continue;
    configs.push_back({entry.path().stem().string(), summary_of(entry.path())});
  }
  std::sort(configs.begin(), configs.end(),
            [](const ShippedConfig& a, const ShippedConfig& b) { return a.name < b.name; });
  return configs;
}

std::string resolve_config(const std::string& argument, const std::filesystem::path& shipped_dir) {
  std::error_code error;
  if (!is_bare_name(argument)) {
    if (!std::filesystem::is_regular_file(argument, error))
      throw ConfigError("--config: " + argument + ": no such file");
    return argument;
  }
  const std::filesystem::path shipped = shipped_dir / (argument + ".yaml");
  if (!shipped_dir.empty() && std::filesystem::is_regular_file(shipped, error)) return shipped.string();
  std::string names;
  for (const ShippedConfig& config : shipped_configs(shipped_dir))
    names += (names.empty() ? "" : ", ") + config.name;
  if (names.empty())
    throw ConfigError("--config: '" + argument + "' names no shipped configuration: none were "
                      "found (looked beside the simulator, and DOJO_VP_CONFIG_DIR); give a path");
  throw ConfigError("--config: '" + argument + "' is not a shipped configuration (" + names +
                    "); a file of your own needs a path, e.g. ./" + argument + ".yaml");
}

}  // namespace dojo::platform
