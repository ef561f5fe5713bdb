// What each core boots (platform/boot.h): image selection, the platform record, host segments.
#include <catch2/catch.hpp>
#include <string>

#include "boot.h"
#include "temp_dir.h"

using dojo::platform::BootImages;
using dojo::platform::ConfigError;
using dojo::platform::ElfImage;
using dojo::platform::LoaderError;
using dojo::platform::PlatformConfig;
using dojo::platform::read_elf;

namespace {

std::string firmware(const char* name) { return std::string(DOJO_FIRMWARE_DIR) + "/" + name + ".elf"; }

}  // namespace

TEST_CASE("a core boots the first boot.images entry that selects it, else the default") {
  PlatformConfig config;
  config.boot.images = {{"1,0", firmware("exit_code")}, {"1,0-1", firmware("trap")}};
  BootImages images(config, firmware("hello"));
  CHECK(images.for_core({0, 0, 1, 0}).path == firmware("exit_code"));
  CHECK(images.for_core({0, 0, 1, 1}).path == firmware("trap"));
  CHECK(images.for_core({0, 0, 0, 1}).path == firmware("hello"));
  // Each file is read once: the same image for every core that runs it.
  CHECK(&images.for_core({0, 0, 0, 0}) == &images.for_core({0, 0, 0, 1}));
}

TEST_CASE("a core without an image, and a missing image file, are named") {
  PlatformConfig config;
  config.boot.images = {{"0,0", firmware("hello")}};
  BootImages images(config, "");
  CHECK_THROWS_WITH(images.for_core({0, 0, 1, 0}),
                    Catch::StartsWith("boot.images: no image for core 1,0 of chip 0,0"));
  CHECK_THROWS_AS(images.for_core({0, 0, 1, 0}), ConfigError);

  // Even an entry that no core would reach is checked.
  config.boot.images.push_back({"0,0", "/nonexistent/x.elf"});
  CHECK_THROWS_WITH(BootImages(config, ""),
                    "/nonexistent/x.elf: no such file (boot.images or --image entry "
                    "'0,0=/nonexistent/x.elf')");
}

TEST_CASE("the host interface streams an image's segments, and refuses one outside the SRAM") {
  const PlatformConfig config;
  ElfImage image;
  image.path = "x.elf";
  image.segments.push_back({});
  image.segments[0].address = config.memory.sram_base + 0x100;
  image.segments[0].bytes = {1, 2, 3, 0, 0};  // two bytes of .bss
  image.segments[0].file_size = 3;
  const auto segments = dojo::platform::host_segments(image, config);
  REQUIRE(segments.size() == 1);
  CHECK(segments[0].address == config.memory.sram_base + 0x100);
  CHECK(segments[0].bytes == std::vector<uint8_t>{1, 2, 3});
  CHECK(segments[0].memory_size == 5);

  image.segments[0].address = config.memory.sram_base + config.memory.sram_size - 4;
  CHECK_THROWS_WITH(dojo::platform::host_segments(image, config),
                    Catch::StartsWith("x.elf: segment at 0x") && Catch::EndsWith("lies outside memory"));
}

TEST_CASE("an SDK program records the platform it was built for, and the check names a mismatch") {
  const ElfImage sdk = read_elf(std::string(DOJO_FIRMWARE_DIR) + "/hello.elf");
  REQUIRE(sdk.platform_record);
  CHECK(sdk.platform_record->rfind("memory.sram_base=0x80000000\n", 0) == 0);
  CHECK(sdk.platform_record->find("timer.frequency_hz=10000000\n") != std::string::npos);
  CHECK_NOTHROW(dojo::platform::check_platform_record(sdk, dojo::platform::PlatformConfig{}));
  CHECK_FALSE(read_elf(std::string(DOJO_FIRMWARE_DIR) + "/htif_pass.elf").platform_record);

  dojo::platform::PlatformConfig moved;
  moved.mmio.sync_base = 0x304'0000;
  CHECK_THROWS_WITH(dojo::platform::check_platform_record(sdk, moved),
                    Catch::Contains("built for mmio.sync_base=0x3010000, but this platform has "
                                    "mmio.sync_base=0x3040000"));
  ElfImage unknown = sdk;
  unknown.platform_record = "memory.sram_base=0x80000000\nnoc.warp_speed=9\n";
  CHECK_THROWS_WITH(dojo::platform::check_platform_record(unknown, {}),
                    Catch::Contains("has 'noc.warp_speed=9', which this dojo-vp does not know"));
  unknown.platform_record = "memory.sram_base=eighty\n";
  CHECK_THROWS_AS(dojo::platform::check_platform_record(unknown, {}), LoaderError);
}
