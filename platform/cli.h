// dojo-vp's command line as a library: the `dojo-vp` executable is these two calls, and tools built
// on the platform (e.g. the tests' fault-injecting simulator) reuse the whole command line with
// their own TileExtensions.
#pragma once

#include "tile.h"

namespace dojo::platform {

// Runs `dojo-vp ARGS...` (argv[0] is the program) with `extensions` given to the tile; returns the
// process's exit status (docs/cli.md). Call it from sc_main.
int run_command_line(int argc, char* argv[], const TileExtensions& extensions = {});

// The process's main: turns the SystemC banner off (it must never mix with firmware output),
// ignores SIGPIPE (a closed stdout is an error the run reports), keeps SIGUSR1 for the state dump
// and starts the SystemC kernel, which calls sc_main.
int start_kernel(int argc, char* argv[]);

}  // namespace dojo::platform
