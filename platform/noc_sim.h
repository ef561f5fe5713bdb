// `dojo-vp noc-sim`: the network-on-chip alone under synthetic traffic (docs/noc.md).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace dojo::platform {

// Adds the `noc-sim` subcommand and its options to `app`; the returned function runs it once the
// command line has been parsed with it, and returns the process exit status.
std::function<int()> add_noc_sim_command(CLI::App& app);

}  // namespace dojo::platform
