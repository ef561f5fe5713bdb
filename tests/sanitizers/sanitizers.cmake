# A sanitized build (DOJO_SANITIZE=address,undefined; scripts/test --sanitize, docs/testing.md),
# included by the top-level CMakeLists.txt before any target: every host target is instrumented,
# and every executable carries the runtime options and suppressions below, so the simulator, the
# tests and the scripts' runs of them behave the same without any environment.
# -g1: line tables for the reports' stacks, at a fraction of the compile time of -g.
add_compile_options(-fsanitize=${DOJO_SANITIZE} -fno-omit-frame-pointer -g1)
add_link_options(-fsanitize=${DOJO_SANITIZE})

add_library(dojo_sanitizer_defaults STATIC ${CMAKE_CURRENT_LIST_DIR}/sanitizer_defaults.cpp)
target_compile_definitions(dojo_sanitizer_defaults PRIVATE
  DOJO_UBSAN_SUPPRESSIONS="${CMAKE_CURRENT_LIST_DIR}/ubsan.supp"
  DOJO_TSAN_SUPPRESSIONS="${CMAKE_CURRENT_LIST_DIR}/tsan.supp")
link_libraries(dojo_sanitizer_defaults)
# The runtimes only look the options up (weak references), which would not pull them out of the
# archive: ask the linker for them.
add_link_options(LINKER:-u,__asan_default_options LINKER:-u,__ubsan_default_options
  LINKER:-u,__tsan_default_options)

# Tests take longer under the sanitizers: explicit CTest timeouts are scaled by this.
set(DOJO_TIMEOUT_SCALE 4)
