// The vector unit's co-verification commands (docs/cosim.md): `dojo-vp cosim-random`, the
// constrained-random streams, the seed printed on every run; `dojo-vp vector-replay`, a recorded
// vector trace (--vector-trace) run again on the RTL alone or in lockstep.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "tile.h"

namespace dojo::platform {

// Adds the `cosim-random` subcommand and its options to `app`; the returned function runs it once
// the command line has been parsed, and returns the process exit status. The RTL's engine is
// wrapped as `extensions` say (the fault-injecting build's tests).
std::function<int()> add_cosim_random_command(CLI::App& app, const TileExtensions& extensions);

// Adds the `vector-replay` subcommand, likewise.
std::function<int()> add_vector_replay_command(CLI::App& app);

}  // namespace dojo::platform
