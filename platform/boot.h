// What each core boots: the image boot.images (or the default firmware) assigns it, each file
// read and checked once; and an image as the host interface streams it into a core's SRAM.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config.h"
#include "elf_loader.h"
#include "host/host_interface.h"
#include "noc/network.h"

namespace dojo::platform {

// "core 1,0 of chip 0,0": a core's place, as messages name it.
std::string core_place(const noc::Coord& coord);

// Throws LoaderError if `image` was built (with the SDK, which records them in .dojo.platform)
// for other values of the platform's parameters than `config` has, e.g. another memory.sram_base.
void check_platform_record(const ElfImage& image, const PlatformConfig& config);

class BootImages {
 public:
  // `default_image` may be empty: then every core must be matched by config.boot.images. Throws
  // LoaderError for a boot.images file that does not exist, also one that no core runs because
  // earlier entries took all its cores.
  BootImages(const PlatformConfig& config, std::string default_image);

  // The image of the core at `coord`: the first boot.images entry that selects it, else the
  // default. Throws ConfigError if there is none, LoaderError if it cannot be read or was built
  // for another platform.
  const ElfImage& for_core(const noc::Coord& coord);

 private:
  const PlatformConfig& config_;
  std::string default_image_;
  std::map<std::string, ElfImage> images_;  // by path; their addresses stay put
};

// `image`'s segments as the host interface streams them. Throws LoaderError if one lies outside
// the SRAM.
std::vector<host::ImageSegment> host_segments(const ElfImage& image, const PlatformConfig& config);

}  // namespace dojo::platform
