#include "boot.h"

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <sstream>

#include "node.h"
#include "support/hex.h"

namespace dojo::platform {

std::string core_place(const noc::Coord& coord) {
  return "core " + std::to_string(coord.x) + "," + std::to_string(coord.y) + " of chip " +
         std::to_string(coord.chip_x) + "," + std::to_string(coord.chip_y);
}

void check_platform_record(const ElfImage& image, const PlatformConfig& config) {
  if (!image.platform_record) return;
  std::istringstream lines(*image.platform_record);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    const auto equals = line.find('=');
    const std::string key = line.substr(0, equals);
    const std::optional<uint64_t> actual =
        equals == std::string::npos ? std::nullopt : parameter_value(config, key);
    char* end = nullptr;
    const std::string text = equals == std::string::npos ? "" : line.substr(equals + 1);
    const uint64_t built_for = std::strtoull(text.c_str(), &end, 0);
    if (!actual || text.empty() || *end != '\0') {
      throw LoaderError(image.path + ": its platform record (.dojo.platform) has '" +
                        line.substr(0, 80) + "', which this dojo-vp does not know: the program "
                        "was built with another SDK; rebuild it with this one");
    }
    if (built_for != *actual) {
      // Addresses and sizes in hexadecimal, other numbers (frequencies) in decimal.
      const bool address = key.size() > 5 && (key.compare(key.size() - 5, 5, "_base") == 0 ||
                                              key.compare(key.size() - 5, 5, "_size") == 0);
      const auto show = [address](uint64_t value) {
        return address ? hex(value) : std::to_string(value);
      };
      throw LoaderError(image.path + ": built for " + key + "=" + show(built_for) +
                        ", but this platform has " + key + "=" + show(*actual) +
                        ": rebuild it for this configuration (docs/firmware-sdk.md, \"Memory "
                        "map\")");
    }
  }
}

BootImages::BootImages(const PlatformConfig& config, std::string default_image)
    : config_(config), default_image_(std::move(default_image)) {
  for (const ImageAssignment& assignment : config_.boot.images) {
    std::error_code error;
    if (!std::filesystem::is_regular_file(assignment.path, error))
      throw LoaderError(assignment.path + ": no such file (boot.images or --image entry '" +
                        assignment.cores + "=" + assignment.path + "')");
  }
}

const ElfImage& BootImages::for_core(const noc::Coord& coord) {
  std::string path = default_image_;
  for (const ImageAssignment& assignment : config_.boot.images) {
    if (parse_core_selector(assignment.cores).contains(coord.chip_x, coord.chip_y, coord.x, coord.y)) {
      path = assignment.path;
      break;
    }
  }
  if (path.empty())
    throw ConfigError("boot.images: no image for " + core_place(coord) +
                      " (give a default firmware on the command line or a \"*\" entry)");
  auto found = images_.find(path);
  if (found == images_.end()) {
    ElfImage image = read_elf(path);
    check_platform_record(image, config_);
    found = images_.emplace(path, std::move(image)).first;
  }
  return found->second;
}

std::vector<host::ImageSegment> host_segments(const ElfImage& image, const PlatformConfig& config) {
  const uint64_t base = config.memory.sram_base, size = config.memory.sram_size;
  std::vector<host::ImageSegment> segments;
  for (const ElfImage::Segment& segment : image.segments) {
    if (!inside(segment.address, segment.bytes.size(), base, size))
      throw LoaderError(image.path + ": segment at " + hex(segment.address) + "-" +
                        hex(segment.address + segment.bytes.size()) + " lies outside memory");
    segments.push_back({segment.address,
                        std::vector<uint8_t>(segment.bytes.begin(),
                                             segment.bytes.begin() + segment.file_size),
                        segment.bytes.size()});
  }
  return segments;
}

}  // namespace dojo::platform
