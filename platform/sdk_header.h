// The firmware SDK's memory map, made from the platform's parameters (`dojo-vp sdk-header`): the
// build writes it for the built-in defaults into the SDK's generated include folder, and firmware
// for another configuration gets its own (docs/firmware-sdk.md, "Memory map").
#pragma once

#include <string>

#include "config.h"

namespace dojo::platform {

// <dojo/memory_map.h> for `config`: each address, size and rate the SDK uses as a #define usable
// from C, assembly and the linker script, and DOJO_PLATFORM_RECORD, the `key=value` lines crt0.S
// puts in the .dojo.platform section for the loader to check (check_platform_record). `origin`
// says where the configuration came from, for the header's comment.
std::string sdk_memory_map_header(const PlatformConfig& config, const std::string& origin);

}  // namespace dojo::platform
