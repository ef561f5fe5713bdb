# The fuzz targets (docs/fuzzing.md), included by tests/CMakeLists.txt. The libFuzzer harnesses
# need clang, so they are their own project (tests/fuzz/CMakeLists.txt), built into build/fuzz
# where clang++ can link -fsanitize=fuzzer; each gets a short seeded run in CTest (label "fuzz"),
# the long runs are in tests/nightly.yaml.
option(DOJO_FUZZ "Build the libFuzzer harnesses and run them briefly in CTest (needs clang)" ON)
set(DOJO_FUZZ_DIR ${CMAKE_CURRENT_LIST_DIR})
set(DOJO_FUZZ_WORK_DIR ${CMAKE_CURRENT_BINARY_DIR}/fuzz)
# A short run: RUNS inputs from a fixed seed, capped at SECONDS on a slow machine.
set(DOJO_FUZZ_SHORT_RUNS 20000 CACHE STRING "Inputs per fuzz target in a CTest run")
set(DOJO_FUZZ_SHORT_SECONDS 15 CACHE STRING "At most this many seconds per fuzz target in CTest")

# The nightly list parser is Python: its harness needs no clang (a seeded mutation fuzzer, see
# fuzz_nightly_list.py).
add_test(NAME fuzz_nightly_list COMMAND python3 ${DOJO_FUZZ_DIR}/fuzz_nightly_list.py
  --runs ${DOJO_FUZZ_SHORT_RUNS} --seconds ${DOJO_FUZZ_SHORT_SECONDS}
  ${CMAKE_SOURCE_DIR}/tests/nightly.yaml ${CMAKE_SOURCE_DIR}/tests/nightly/e2e.yaml)
set_tests_properties(fuzz_nightly_list PROPERTIES LABELS fuzz TIMEOUT 120)

if(NOT DOJO_FUZZ)
  return()
endif()
find_program(DOJO_FUZZ_CXX NAMES clang++ clang++-14 DOC "clang++ for the libFuzzer harnesses")
if(DOJO_FUZZ_CXX AND NOT DEFINED DOJO_FUZZ_CXX_WORKS)
  set(check_source ${CMAKE_CURRENT_BINARY_DIR}/fuzz-check.cpp)
  file(WRITE ${check_source}
    "#include <cstddef>\n#include <cstdint>\n"
    "extern \"C\" int LLVMFuzzerTestOneInput(const uint8_t*, size_t) { return 0; }\n")
  execute_process(COMMAND ${DOJO_FUZZ_CXX} -fsanitize=fuzzer,address,undefined ${check_source}
                          -o ${CMAKE_CURRENT_BINARY_DIR}/fuzz-check
                  RESULT_VARIABLE check_status OUTPUT_QUIET ERROR_QUIET)
  if(check_status EQUAL 0)
    set(DOJO_FUZZ_CXX_WORKS ON CACHE INTERNAL "clang++ links -fsanitize=fuzzer")
  else()
    set(DOJO_FUZZ_CXX_WORKS OFF CACHE INTERNAL "clang++ links -fsanitize=fuzzer")
  endif()
endif()
if(NOT DOJO_FUZZ_CXX_WORKS)
  message(STATUS "Fuzz targets: off (no clang++ that links -fsanitize=fuzzer; scripts/setup installs it)")
  return()
endif()

include(ExternalProject)
set(DOJO_FUZZ_BINARY_DIR ${CMAKE_BINARY_DIR}/fuzz)
ExternalProject_Add(fuzzers
  SOURCE_DIR ${DOJO_FUZZ_DIR}
  BINARY_DIR ${DOJO_FUZZ_BINARY_DIR}
  CMAKE_ARGS -DCMAKE_CXX_COMPILER=${DOJO_FUZZ_CXX} -DDOJO_GENERATED_DIR=${DOJO_GENERATED_DIR}
    -DDOJO_VECTOR_FMA_STAGES=${DOJO_VECTOR_FMA_STAGES} -DDOJO_VECTOR_MMA_STAGES=${DOJO_VECTOR_MMA_STAGES}
    -DDOJO_VECTOR_QUEUE_DEPTH=${DOJO_VECTOR_QUEUE_DEPTH}
  DEPENDS dojo_register_maps
  BUILD_ALWAYS ON
  INSTALL_COMMAND ""
  USES_TERMINAL_BUILD ON)

# dojo_fuzz_test(TARGET SEED_DIR...): the short seeded run of build/fuzz/TARGET.
function(dojo_fuzz_test target)
  add_test(NAME ${target} COMMAND ${DOJO_FUZZ_DIR}/run ${DOJO_FUZZ_BINARY_DIR}/${target}
    ${DOJO_FUZZ_WORK_DIR}/${target} ${DOJO_FUZZ_SHORT_RUNS} ${DOJO_FUZZ_SHORT_SECONDS} ${ARGN})
  set_tests_properties(${target} PROPERTIES LABELS fuzz TIMEOUT 120)
endfunction()
dojo_fuzz_test(fuzz_elf_loader ${DOJO_FIRMWARE_DIR})
dojo_fuzz_test(fuzz_config_yaml ${CMAKE_SOURCE_DIR}/platform/configs ${DOJO_FUZZ_DIR}/corpus/config_yaml)
dojo_fuzz_test(fuzz_config_set ${DOJO_FUZZ_DIR}/corpus/config_set)
dojo_fuzz_test(fuzz_gdb_packets ${DOJO_FUZZ_DIR}/corpus/gdb_packets)
