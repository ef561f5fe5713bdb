// dojo-vp-faults: dojo-vp's whole command line, with faults injected on request, for tests of the
// simulator's and the nightly runner's error paths (a crash, a lockstep mismatch). It behaves
// exactly like dojo-vp unless DOJO_VP_FAULT asks:
//   DOJO_VP_FAULT=crash      the process dies of SIGSEGV before the run starts, as a bug would
//   DOJO_VP_FAULT=vector:N   in lockstep, the RTL's registers read wrong from its Nth vector
//                            instruction on (bit 0 of lane 0 flipped)
// dojo-vp itself has no such switch.
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>

#include "cli.h"
#include "faulty_engine.h"

namespace {

constexpr int kBadFault = 2;

}  // namespace

int sc_main(int argc, char* argv[]) {
  const char* fault = std::getenv("DOJO_VP_FAULT");
  const std::string request = fault ? fault : "";
  dojo::platform::TileExtensions extensions;
  if (request == "crash") {
    std::raise(SIGSEGV);
  } else if (request.rfind("vector:", 0) == 0) {
    const uint64_t first = std::strtoull(request.c_str() + 7, nullptr, 10);
    if (first == 0) {
      std::cerr << "dojo-vp-faults: DOJO_VP_FAULT=" << request << ": N must be 1 or more\n";
      return kBadFault;
    }
    extensions.wrap_checked_vector_engine = [first](auto checked, uint64_t) {
      return std::make_unique<dojo::vector::FaultyEngine>(std::move(checked), first);
    };
  } else if (!request.empty()) {
    std::cerr << "dojo-vp-faults: DOJO_VP_FAULT=" << request
              << " is not a fault (crash, vector:N)\n";
    return kBadFault;
  }
  return dojo::platform::run_command_line(argc, argv, extensions);
}

int main(int argc, char* argv[]) { return dojo::platform::start_kernel(argc, argv); }
