// `dojo-vp cosim-random`: the vector unit's constrained-random co-verification from the command
// line (docs/cosim.md#constrained-random-co-verification), the seed printed on every run.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "tile.h"

namespace dojo::platform {

// Adds the `cosim-random` subcommand and its options to `app`; the returned function runs it once
// the command line has been parsed, and returns the process exit status. The RTL's engine is
// wrapped as `extensions` say (the fault-injecting build's tests).
std::function<int()> add_cosim_random_command(CLI::App& app, const TileExtensions& extensions);

}  // namespace dojo::platform
