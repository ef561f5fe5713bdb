# Dojo D1 firmware SDK: include() this from a firmware CMake project configured with
# toolchain.cmake (or, installed, find_package(DojoSDK): cmake/DojoSDKConfig.cmake.in), then add
# each program with one dojo_firmware() line.
#
#   dojo_firmware(<name> [BARE | SEMIHOSTING] <sources>... [LIBS <libraries>...])
#
# builds ${FIRMWARE_OUTPUT_DIR}/<name>.elf (default: the build folder). Without BARE the program
# gets the SDK: start-up code, trap handling, console stdio, exit() and picolibc, and starts at
# main(). SEMIHOSTING programs use picolibc's semihosting instead (libsemihost: stdio, files on
# the host, exit) and get argc/argv from the host; they need dojo-vp run --semihosting-root. BARE programs bring their own _start and use neither the SDK nor a C library; they
# still get the SDK headers (dojo/platform.h works in assembly) and the linker script.

include_guard(GLOBAL)
set(DOJO_SDK_DIR ${CMAKE_CURRENT_LIST_DIR})
if(NOT FIRMWARE_OUTPUT_DIR)
  set(FIRMWARE_OUTPUT_DIR ${CMAKE_BINARY_DIR})
endif()

# Options every firmware object is built with. -O2 is given last so it wins over the
# build type's optimisation level.
add_library(dojo_firmware_options INTERFACE)
target_compile_options(dojo_firmware_options INTERFACE -O2 -g -Wall -Wextra -ffunction-sections
                                                         -fdata-sections)
# Where the headers are, in search order. The generated ones (the memory map, <dojo/memory_map.h>,
# and the register maps, <dojo/*_registers.h>) are in the simulator's build tree when it builds
# the firmware (DOJO_SDK_GENERATED_INCLUDE), and in include/dojo with the rest once installed.
# A project for another configuration than the built-in defaults names it, and gets its own
# memory map from DOJO_VP_EXECUTABLE, ahead of those (docs/firmware-sdk.md, "Memory map"):
#   -DDOJO_PLATFORM_CONFIG=<shipped name or YAML file> [-DDOJO_PLATFORM_SET="key=value;..."]
set(DOJO_PLATFORM_CONFIG "" CACHE STRING "The dojo-vp configuration the firmware is built for")
set(DOJO_PLATFORM_SET "" CACHE STRING "Its --set overrides (a ;-list of key=value)")
set(DOJO_SDK_INCLUDE_DIRS "")
if(DOJO_PLATFORM_CONFIG OR DOJO_PLATFORM_SET)
  if(NOT DOJO_VP_EXECUTABLE)
    message(FATAL_ERROR "DOJO_PLATFORM_CONFIG needs dojo-vp: set DOJO_VP_EXECUTABLE to it")
  endif()
  set(memory_map_folder ${CMAKE_BINARY_DIR}/dojo-sdk/include)
  set(memory_map_command ${DOJO_VP_EXECUTABLE} sdk-header -o ${memory_map_folder}/dojo/memory_map.h)
  if(DOJO_PLATFORM_CONFIG)
    list(APPEND memory_map_command --config ${DOJO_PLATFORM_CONFIG})
    if(EXISTS ${DOJO_PLATFORM_CONFIG})
      set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${DOJO_PLATFORM_CONFIG})
    endif()
  endif()
  foreach(assignment ${DOJO_PLATFORM_SET})
    list(APPEND memory_map_command --set ${assignment})
  endforeach()
  execute_process(COMMAND ${memory_map_command} RESULT_VARIABLE status ERROR_VARIABLE problem)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "The memory map of DOJO_PLATFORM_CONFIG='${DOJO_PLATFORM_CONFIG}' "
                        "DOJO_PLATFORM_SET='${DOJO_PLATFORM_SET}':\n${problem}")
  endif()
  list(APPEND DOJO_SDK_INCLUDE_DIRS ${memory_map_folder})
endif()
list(APPEND DOJO_SDK_INCLUDE_DIRS ${DOJO_SDK_DIR}/include)
if(DOJO_SDK_GENERATED_INCLUDE)
  list(APPEND DOJO_SDK_INCLUDE_DIRS ${DOJO_SDK_GENERATED_INCLUDE})
endif()
target_include_directories(dojo_firmware_options INTERFACE ${DOJO_SDK_INCLUDE_DIRS})

# The linker script, preprocessed so that the memory map comes from dojo/platform.h alone.
set(DOJO_LINKER_SCRIPT ${CMAKE_BINARY_DIR}/dojo-sdk/link.ld)
file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/dojo-sdk)
list(TRANSFORM DOJO_SDK_INCLUDE_DIRS PREPEND -I OUTPUT_VARIABLE include_flags)
find_file(DOJO_SDK_MEMORY_MAP_HEADER dojo/memory_map.h PATHS ${DOJO_SDK_INCLUDE_DIRS}
          NO_DEFAULT_PATH NO_CACHE REQUIRED)
add_custom_command(
  OUTPUT ${DOJO_LINKER_SCRIPT}
  COMMAND ${CMAKE_C_COMPILER} -E -P -undef -x c ${include_flags}
          ${DOJO_SDK_DIR}/link.ld.in -o ${DOJO_LINKER_SCRIPT}
  DEPENDS ${DOJO_SDK_DIR}/link.ld.in ${DOJO_SDK_DIR}/include/dojo/platform.h
          ${DOJO_SDK_MEMORY_MAP_HEADER}
  COMMENT "Generating the firmware linker script")
add_custom_target(dojo_linker_script DEPENDS ${DOJO_LINKER_SCRIPT})

# The SDK runtime as object files: linked whole, so libc's references to _exit and stdout
# resolve whatever the link order (unused functions are dropped by --gc-sections).
set(DOJO_SDK_COMMON_SOURCES
  ${DOJO_SDK_DIR}/src/crt0.S
  ${DOJO_SDK_DIR}/src/trap_entry.S
  ${DOJO_SDK_DIR}/src/trap.c
  ${DOJO_SDK_DIR}/src/console.c
  ${DOJO_SDK_DIR}/src/exit_device.c
  ${DOJO_SDK_DIR}/src/sync.c
  ${DOJO_SDK_DIR}/src/dma.c)
add_library(dojo_sdk OBJECT ${DOJO_SDK_COMMON_SOURCES}
  ${DOJO_SDK_DIR}/src/console_stdio.c
  ${DOJO_SDK_DIR}/src/exit.c
  ${DOJO_SDK_DIR}/src/arguments.c)
target_link_libraries(dojo_sdk PUBLIC dojo_firmware_options)
# With semihosting, stdio and _exit come from libsemihost (--oslib=semihost).
add_library(dojo_sdk_semihosting OBJECT ${DOJO_SDK_COMMON_SOURCES}
  ${DOJO_SDK_DIR}/src/semihost_arguments.c)
target_link_libraries(dojo_sdk_semihosting PUBLIC dojo_firmware_options)

function(dojo_firmware name)
  cmake_parse_arguments(FW "BARE;SEMIHOSTING" "" "LIBS" ${ARGN})
  add_executable(${name} ${FW_UNPARSED_ARGUMENTS})
  if(FW_BARE)
    target_link_libraries(${name} PRIVATE dojo_firmware_options ${FW_LIBS})
    target_link_options(${name} PRIVATE -nostdlib)
  elseif(FW_SEMIHOSTING)
    target_link_libraries(${name} PRIVATE dojo_sdk_semihosting ${FW_LIBS})
    target_link_options(${name} PRIVATE --oslib=semihost)
  else()
    target_link_libraries(${name} PRIVATE dojo_sdk ${FW_LIBS})
  endif()
  target_link_options(${name} PRIVATE -T ${DOJO_LINKER_SCRIPT})
  add_dependencies(${name} dojo_linker_script)
  set_target_properties(${name} PROPERTIES
    SUFFIX .elf
    RUNTIME_OUTPUT_DIRECTORY ${FIRMWARE_OUTPUT_DIR}
    LINK_DEPENDS ${DOJO_LINKER_SCRIPT})
endfunction()
