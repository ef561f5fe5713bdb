// libFuzzer harness of the ELF loader: any file gives an image or a LoaderError (never a crash, a
// hang or a huge allocation), and loading writes only the bytes of the image's segments.
#include <cstdint>

#include "elf_loader.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dojo::platform;
  const dojo::fuzz::InputFile file(data, size);
  try {
    const ElfImage image = read_elf(file.path());
    uint64_t image_bytes = 0;
    for (const auto& segment : image.segments) {
      if (segment.bytes.empty() || segment.file_size > segment.bytes.size())
        dojo::fuzz::InputFile::die("a segment with no bytes or more file bytes than bytes");
      image_bytes += segment.bytes.size();
    }
    if (image_bytes > max_image_bytes) dojo::fuzz::InputFile::die("image over max_image_bytes");
    // A memory of one core's SRAM: writes outside it are refused, as the platform refuses them.
    constexpr uint64_t sram_base = 0x8000'0000, sram_size = 0x14'0000;
    uint64_t written = 0;
    load_elf(image, [&](uint64_t address, const uint8_t* bytes, uint64_t length) {
      if (bytes == nullptr && length != 0) dojo::fuzz::InputFile::die("write without bytes");
      written += length;
      return address >= sram_base && length <= sram_size && address - sram_base <= sram_size - length;
    });
    if (written != image_bytes) dojo::fuzz::InputFile::die("load_elf wrote other bytes than the image's");
  } catch (const LoaderError& error) {
    dojo::fuzz::check_message(error.what());
  }
  return 0;
}
