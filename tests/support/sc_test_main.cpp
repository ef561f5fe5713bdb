// sc_main for SystemC test binaries: it runs the Catch2 session, so each test case can elaborate
// and simulate (CTest runs every case in a process of its own).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <cstdlib>
#include <systemc>

int sc_main(int argc, char* argv[]) { return Catch::Session().run(argc, argv); }

// Replaces libsystemc's main so the kernel's banner is off before it starts.
int main(int argc, char* argv[]) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}
