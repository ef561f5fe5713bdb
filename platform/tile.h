// The tile: builds the platform described by a PlatformConfig (a mesh of D1 core nodes, each a
// core with its private SRAM, bus and devices), loads a firmware image into it and runs it.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <systemc>
#include <vector>

#include "config.h"
#include "elf_loader.h"

namespace dojo::platform {

struct RunResult {
  enum class Outcome {
    exited,    // every core ended through the exit device or HTIF
    watchdog,  // a core reached --max-instructions, or simulated time reached --timeout
    fatal,     // a core cannot go on (e.g. its trap handler traps), or the run deadlocked
  };
  Outcome outcome = Outcome::exited;
  // The firmware's status (the first non-zero one over the cores); meaningful when exited.
  int exit_status = 0;
  std::string message;  // why, for watchdog and fatal outcomes
  uint64_t instructions = 0;     // retired, over all cores
  sc_core::sc_time simulated;    // the latest core's local time when it stopped
};

class Node;

class Tile : public sc_core::sc_module {
 public:
  // Builds every node and loads `image` into each core's SRAM. Throws LoaderError if the image
  // does not fit the memory map.
  Tile(sc_core::sc_module_name name, const PlatformConfig& config, const ElfImage& image,
       std::ostream& console);
  ~Tile() override;

  // Simulates until every core has stopped, or the configured timeout.
  RunResult run();

  unsigned core_count() const { return static_cast<unsigned>(nodes_.size()); }

 private:
  void on_core_exit(unsigned core, int status);
  // Ends the simulation once every core has stopped.
  void wait_for_cores();

  PlatformConfig config_;
  std::vector<std::unique_ptr<Node>> nodes_;
  unsigned cores_running_ = 0;
  int first_failure_ = 0;
};

}  // namespace dojo::platform
