// Reads RISC-V ELF64 firmware images with libelf and loads them into simulated memory.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace dojo::platform {

// A firmware image that cannot be loaded; what() starts with the file name and says why.
class LoaderError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ElfImage {
  struct Segment {
    uint64_t address;           // physical address (p_paddr)
    std::vector<uint8_t> bytes; // the file's bytes, zero-extended to the memory size
    uint64_t file_size = 0;     // how many of `bytes` come from the file (the rest is zero fill)
  };
  std::string path;
  uint64_t entry = 0;
  std::vector<Segment> segments;  // PT_LOAD segments with a non-zero memory size
  std::optional<uint64_t> tohost;  // Spike HTIF symbols, if the image defines them
  std::optional<uint64_t> fromhost;
  // The RISC-V architectural tests' result area, if the image defines it (--signature).
  std::optional<uint64_t> begin_signature;
  std::optional<uint64_t> end_signature;
  // `key=value` lines of the platform parameters an SDK program was built for (its .dojo.platform
  // section, written by the SDK's start-up code); absent for programs built without the SDK.
  std::optional<std::string> platform_record;
};

// A .dojo.platform section larger than this is refused as corrupt.
inline constexpr uint64_t max_platform_record_bytes = 4096;

// Images whose segments add up to more than this are refused as corrupt: no dojo-vp memory is
// that large, and a damaged size field must not make the loader allocate gigabytes.
inline constexpr uint64_t max_image_bytes = 256ull << 20;  // 256 MiB

// Reads and checks the image: refuses files that are missing, empty, truncated, not ELF, not
// 64-bit, not little-endian, not RISC-V, not executable, or without loadable segments.
ElfImage read_elf(const std::string& path);

// Writes every segment through `write` (address, bytes, length), which returns false where there
// is no memory; that is reported as a LoaderError naming the file and the address range.
using MemoryWriter = std::function<bool(uint64_t, const uint8_t*, uint64_t)>;
void load_elf(const ElfImage& image, const MemoryWriter& write);

}  // namespace dojo::platform
