# CMake toolchain file for Dojo D1 firmware: riscv64-unknown-elf-gcc with picolibc, bare metal.
# Use with -DCMAKE_TOOLCHAIN_FILE=<this file>, then include(dojo-sdk.cmake) from the project.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR riscv64)
# Test programs cannot link without the SDK's start-up code: let CMake's checks build libraries.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(DOJO_CROSS_PREFIX riscv64-unknown-elf- CACHE STRING "Prefix of the cross-compiler tools")
set(CMAKE_C_COMPILER ${DOJO_CROSS_PREFIX}gcc)
set(CMAKE_ASM_COMPILER ${DOJO_CROSS_PREFIX}gcc)
set(CMAKE_OBJDUMP ${DOJO_CROSS_PREFIX}objdump CACHE FILEPATH "objdump for the target")

# The D1 core: RV64IMAC, no FPU. medany reaches code and data at 0x8000_0000.
# The picolibc specs go here only: on the link line too they fail ("attempt to rename spec").
set(DOJO_TARGET_FLAGS "-march=rv64imac -mabi=lp64 -mcmodel=medany --specs=picolibc.specs")
set(CMAKE_C_FLAGS_INIT "${DOJO_TARGET_FLAGS}")
set(CMAKE_ASM_FLAGS_INIT "${DOJO_TARGET_FLAGS}")
# One RAM region holds code and data, so the single load segment is writable and executable.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-nostartfiles -Wl,--no-warn-rwx-segments")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
