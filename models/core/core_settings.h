// What the platform sets of every core (core.*), declared once; no SystemC, so the configuration
// reader can be built without it.
#pragma once

#include "core/hart.h"
#include "support/parameters.h"

namespace dojo::core {

// The translating engine emits x86-64 code; elsewhere the interpreter is the only engine.
#if defined(__x86_64__)
inline constexpr Engine kDefaultEngine = Engine::translator;
#else
inline constexpr Engine kDefaultEngine = Engine::interpreter;
#endif

struct CoreSettings {
  uint64_t clock_hz = 2'000'000'000;  // one cycle of the cycle model lasts 1/clock_hz
  CycleModel cycles;
  Engine engine = kDefaultEngine;
  uint32_t translate_after = HartConfig{}.translate_after;
};

inline const param::Table<CoreSettings>& core_settings_parameters() {
  static const param::Table<CoreSettings> table = [] {
    param::Table<CoreSettings> declared = {param::number<&CoreSettings::clock_hz>(
        "clock_hz", param::Kind::frequency, 1 * param::MHz, 10 * param::GHz,
        "core clock: one cycle of the cycle model lasts 1/clock_hz")};
    param::mount(declared, "cycles.", &CoreSettings::cycles, cycle_model_parameters());
    declared.push_back(param::choice<&CoreSettings::engine>(
        "engine", {"interpreter", "translator"},
        "interpreter, or translator: hot code compiled to x86-64 (the default there); the same "
        "results and timing"));
    declared.push_back(param::number<&CoreSettings::translate_after>(
        "translate_after", param::Kind::count, 1, 65'535,
        "runs of a branch target before the translator compiles the code there (code that runs "
        "once, e.g. start-up on every core of a tile, is not worth compiling)"));
    return declared;
  }();
  return table;
}

}  // namespace dojo::core
