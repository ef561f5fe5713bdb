// The sanitizer runtimes' defaults in a sanitized build (tests/sanitizers/sanitizers.cmake). The
// runtimes call these at start-up; ASAN_OPTIONS, UBSAN_OPTIONS and LSAN_OPTIONS still override them.
//
// A finding aborts (status 134, a simulator bug per docs/cli.md) instead of exiting 1, which
// dojo-vp would share with a failing firmware; the nightly runner reports it as failure type
// `sanitizer`, with the report's first line.
extern "C" {

const char* __asan_default_options() {
  return "abort_on_error=1:detect_leaks=1:check_initialization_order=1:print_summary=1";
}

const char* __ubsan_default_options() {
  return "halt_on_error=1:abort_on_error=1:print_stacktrace=1:print_summary=1:"
         "suppressions=" DOJO_UBSAN_SUPPRESSIONS;
}

// Each entry says why it is not a leak of ours.
const char* __lsan_default_suppressions() {
  return "";
}

}
