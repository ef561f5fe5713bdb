// Verilator's printing and $stop, kept for the RtlEngine evaluating on this thread instead of
// going to stdout and abort(): a failed assertion or $error becomes the engine's error report,
// with the rule's message, and the run ends cleanly. This header is forced into the verilated
// model and Verilator's runtime (-include, rtl/CMakeLists.txt) and included by rtl_engine.cpp.
#pragma once

#include <string>

int dojo_verilator_printf(const char* format, ...) __attribute__((format(printf, 1, 2)));
#define VL_PRINTF dojo_verilator_printf
#define VL_USER_STOP  // vl_stop() is rtl_engine.cpp's

namespace dojo::vector {

struct VerilatorOutput {
  std::string text;      // what the model printed ($display, assertion messages)
  bool stopped = false;  // a $stop: a failed assertion, $error or $fatal
};

// True when the model evaluated on this thread printed or stopped since the last take.
bool verilator_output_pending();
VerilatorOutput take_verilator_output();

}  // namespace dojo::vector
