#include "signature.h"

#include <fstream>

#include "config.h"
#include "core/core.h"
#include "elf_loader.h"
#include "support/hex.h"
#include "tile.h"

namespace dojo::platform {
namespace {

bool has_signature(const ElfImage& image) {
  return image.begin_signature && image.end_signature;
}

// The ranks whose image has a signature area.
std::vector<unsigned> signature_ranks(const Tile& tile) {
  std::vector<unsigned> ranks;
  for (unsigned rank = 0; rank < tile.core_count(); ++rank)
    if (has_signature(tile.image_of(rank))) ranks.push_back(rank);
  return ranks;
}

}  // namespace

std::string format_signature(const std::vector<uint8_t>& bytes, unsigned granularity) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string text;
  text.reserve(bytes.size() * 2 + bytes.size() / granularity);
  for (size_t line = 0; line + granularity <= bytes.size(); line += granularity) {
    for (size_t byte = line + granularity; byte-- > line;) {
      text += digits[bytes[byte] >> 4];
      text += digits[bytes[byte] & 15];
    }
    text += '\n';
  }
  return text;
}

void check_signature_images(const Tile& tile, unsigned granularity) {
  const std::vector<unsigned> ranks = signature_ranks(tile);
  if (ranks.empty())
    throw ConfigError("--signature: no core's image defines begin_signature and end_signature");
  for (const unsigned rank : ranks) {
    const ElfImage& image = tile.image_of(rank);
    const uint64_t begin = *image.begin_signature, end = *image.end_signature;
    if (end <= begin || (end - begin) % granularity != 0)
      throw ConfigError("--signature: " + image.path + ": begin_signature " + hex(begin) +
                        " to end_signature " + hex(end) + " is " +
                        (end <= begin ? "empty" : "not a multiple of --signature-granularity " +
                                                      std::to_string(granularity) + " bytes"));
  }
}

void write_signatures(Tile& tile, const std::string& path, unsigned granularity) {
  const std::vector<unsigned> ranks = signature_ranks(tile);
  for (const unsigned rank : ranks) {
    const ElfImage& image = tile.image_of(rank);
    core::Core& core = tile.core(rank);
    const uint64_t begin = *image.begin_signature;
    std::vector<uint8_t> bytes(*image.end_signature - begin);
    if (core.debug_access(tlm::TLM_READ_COMMAND, begin, bytes.data(),
                          static_cast<unsigned>(bytes.size())) != bytes.size())
      throw LoaderError(image.path + ": the signature at " + hex(begin) + "-" +
                        hex(*image.end_signature) + " is not memory of " + tile.core_name(rank));
    const std::string file = ranks.size() > 1 ? per_core_file(path, core.hart().hartid()) : path;
    std::ofstream out(file, std::ios::binary);
    out << format_signature(bytes, granularity);
    if (!out.flush()) throw ConfigError("--signature: cannot write " + file);
  }
}

}  // namespace dojo::platform
