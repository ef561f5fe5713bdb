#include "noc_sim.h"

#include <iostream>

namespace dojo::platform {

// Placeholder: being written.
std::function<int()> add_noc_sim_command(CLI::App& app) {
  app.add_subcommand("noc-sim", "Run the network-on-chip alone under synthetic traffic");
  return [] {
    std::cerr << "dojo-vp: noc-sim is not built yet\n";
    return 2;
  };
}

}  // namespace dojo::platform
