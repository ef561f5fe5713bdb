// dojo-vp: the simulator's executable (the command line is in cli.cpp).
#include <systemc>

#include "cli.h"

int sc_main(int argc, char* argv[]) { return dojo::platform::run_command_line(argc, argv); }

// Our own main, in place of libsystemc's, so the process is set up before the kernel starts.
int main(int argc, char* argv[]) { return dojo::platform::start_kernel(argc, argv); }
