// The sanitizer runtimes' defaults in a sanitized build (tests/sanitizers/sanitizers.cmake). The
// runtimes call these at start-up; ASAN_OPTIONS, UBSAN_OPTIONS and LSAN_OPTIONS still override them.
// Under ASan, also the repair of SystemC's stack-switch annotations (below).
#include <cstddef>

#if defined(__SANITIZE_ADDRESS__)
#include <dlfcn.h>
#include <pthread.h>
#include <sanitizer/common_interface_defs.h>
#endif
//
// A finding aborts (status 134, a simulator bug per docs/cli.md) instead of exiting 1, which
// dojo-vp would share with a failing firmware; the nightly runner reports it as failure type
// `sanitizer`, with the report's first line.
extern "C" {

const char* __asan_default_options() {
  return "abort_on_error=1:detect_leaks=1:check_initialization_order=1:print_summary=1";
}

// SystemC's thread processes are coroutines on the simulation's one host thread: to ThreadSanitizer
// they are that thread, whose accesses are ordered, so only the parallel runner's worker threads
// can race with it.
const char* __tsan_default_options() {
  return "halt_on_error=1:abort_on_error=1:print_summary=1:suppressions=" DOJO_TSAN_SUPPRESSIONS;
}

const char* __ubsan_default_options() {
  return "halt_on_error=1:abort_on_error=1:print_stacktrace=1:print_summary=1:"
         "suppressions=" DOJO_UBSAN_SUPPRESSIONS;
}

}  // extern "C"

#if defined(__SANITIZE_ADDRESS__)
// SystemC's coroutines (QuickThreads) tell ASan of every stack switch, but Debian's SystemC 2.3.4
// announces its main coroutine (the thread's own stack, where sc_start returns and the scheduler
// and SC_METHODs run) as a stack at address 0 of size 0, and does not announce the switch away
// from a thread process that has ended. ASan is then left with bounds of the wrong stack, ignores
// the unpoisoning it does at every `throw` ("WARNING: ASan is ignoring requested
// __asan_handle_no_return ... stack type: default"), and reports the frames an exception skipped
// as stack-buffer-overflows later (google/sanitizers#189). Both repairs give ASan the thread's
// real stack, so its checks of the stack stay on instead of being suppressed.
namespace {

struct Stack {
  const void* bottom = nullptr;
  std::size_t size = 0;
};

// The calling thread's own stack (not a coroutine's), looked up once per thread.
Stack thread_stack() {
  thread_local const Stack stack = [] {
    Stack found;
    pthread_attr_t attributes;
    if (pthread_getattr_np(pthread_self(), &attributes) != 0) return found;
    void* bottom = nullptr;
    if (pthread_attr_getstack(&attributes, &bottom, &found.size) == 0) found.bottom = bottom;
    pthread_attr_destroy(&attributes);
    return found;
  }();
  return stack;
}

template <typename Function>
Function asan_runtime(const char* name) {
  return reinterpret_cast<Function>(dlsym(RTLD_NEXT, name));
}

}  // namespace

extern "C" {

// SystemC calls this (a weak reference) before each switch: the main coroutine's unknown stack
// becomes the thread's stack.
void __sanitizer_start_switch_fiber(void** fake_stack_save, const void* bottom, std::size_t size) {
  static const auto start =
      asan_runtime<void (*)(void**, const void*, std::size_t)>("__sanitizer_start_switch_fiber");
  if (bottom == nullptr && size == 0) {
    const Stack stack = thread_stack();
    bottom = stack.bottom;
    size = stack.size;
  }
  start(fake_stack_save, bottom, size);
}

// Instrumented code calls this before every throw: on the thread's own stack, ASan is first told
// that it is there (a switch to the same stack), whatever SystemC last announced.
void __asan_handle_no_return() {
  static const auto handle = asan_runtime<void (*)()>("__asan_handle_no_return");
  const Stack stack = thread_stack();
  const char here = 0;
  const char* bottom = static_cast<const char*>(stack.bottom);
  if (&here >= bottom && &here < bottom + stack.size) {
    void* fake_stack = nullptr;
    __sanitizer_start_switch_fiber(&fake_stack, stack.bottom, stack.size);
    __sanitizer_finish_switch_fiber(fake_stack, nullptr, nullptr);
  }
  handle();
}

}  // extern "C"
#endif
