// --signature FILE: the memory between the image's begin_signature and end_signature symbols,
// written at the end of a run in the format of Spike's +signature, which the RISC-V
// architectural test framework compares against its reference.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dojo::platform {

class Tile;

// One line per `granularity` bytes, each the line's bytes from the highest address down as hex
// digits (a little-endian word read as a number): "deadbeef\n" for ef be ad de at granularity 4.
std::string format_signature(const std::vector<uint8_t>& bytes, unsigned granularity);

// Before the run: throws ConfigError if no core's image defines both symbols, or if an area is
// empty, reversed or not a multiple of `granularity` bytes.
void check_signature_images(const Tile& tile, unsigned granularity);
// After the run: writes the signature of every core whose image defines both symbols, to `path`
// when one core does, else to per_core_file(path, hartid). Throws LoaderError naming the address
// if the core cannot read its area, ConfigError if a file cannot be written.
void write_signatures(Tile& tile, const std::string& path, unsigned granularity);

}  // namespace dojo::platform
