#!/usr/bin/env bash
# Installs dojo-vp from build folder $1 into a temporary prefix, builds tests/sdk/out_of_tree
# against the installed SDK package with the cross toolchain, and runs it with the installed
# dojo-vp: the program must print its line and exit with 7. Then again for a memory map moved by
# two parameters (DOJO_PLATFORM_SET), which the default platform must refuse.
set -euo pipefail
build_dir=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

cmake --install "$build_dir" --prefix "$prefix" >/dev/null
for installed in bin/dojo-vp share/dojo-vp/configs/d1.yaml share/dojo-vp/sdk/toolchain.cmake \
                 share/dojo-vp/sdk/include/dojo/dma.h share/cmake/DojoSDK/DojoSDKConfig.cmake; do
  [[ -e $prefix/$installed ]] || { echo "not installed: $installed"; exit 1; }
done

cmake -S "$here/out_of_tree" -B "$work/build" -G Ninja \
  -DCMAKE_TOOLCHAIN_FILE="$prefix/share/dojo-vp/sdk/toolchain.cmake" \
  -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/build" >/dev/null

status=0
output=$("$prefix/bin/dojo-vp" run --config core "$work/build/app.elf" 2>&1) || status=$?
echo "$output"
[[ $status -eq 7 ]] || { echo "exit status $status, expected 7"; exit 1; }
grep -q "app: DMA copy ok" <<<"$output" || { echo "the program's line is missing"; exit 1; }

# Built for another memory map, named by one parameter: the SDK asks the installed dojo-vp for it,
# the program runs on that platform and is refused, naming the parameter, on the default one.
cmake -S "$here/out_of_tree" -B "$work/build-90" -G Ninja \
  -DCMAKE_TOOLCHAIN_FILE="$prefix/share/dojo-vp/sdk/toolchain.cmake" \
  -DCMAKE_PREFIX_PATH="$prefix" -DDOJO_PLATFORM_CONFIG=core \
  -DDOJO_PLATFORM_SET="memory.sram_base=0x90000000;mmio.console_base=0x11000000" >/dev/null
cmake --build "$work/build-90" >/dev/null
grep -q "#define DOJO_SRAM_BASE 0x90000000 " "$work/build-90/dojo-sdk/include/dojo/memory_map.h" ||
  { echo "the project's memory map does not have the SRAM base it was configured with"; exit 1; }
entry=$(riscv64-unknown-elf-readelf -h "$work/build-90/app.elf" | awk '/Entry point/ {print $4}')
[[ $entry == 0x90000000 ]] || { echo "entry point $entry, expected 0x90000000"; exit 1; }
status=0
output=$("$prefix/bin/dojo-vp" run --config core --set memory.sram_base=0x90000000 \
  --set mmio.console_base=0x11000000 "$work/build-90/app.elf" 2>&1) || status=$?
[[ $status -eq 7 ]] || { echo "$output"; echo "moved SRAM: exit status $status, expected 7"; exit 1; }
grep -q "app: DMA copy ok" <<<"$output" || { echo "$output"; echo "moved SRAM: no line"; exit 1; }
status=0
output=$("$prefix/bin/dojo-vp" run --config core "$work/build-90/app.elf" 2>&1) || status=$?
[[ $status -eq 2 ]] && grep -q "built for memory.sram_base=0x90000000" <<<"$output" ||
  { echo "$output"; echo "a program for another memory map was not refused (status $status)"; exit 1; }
# A configuration dojo-vp refuses stops the configure step with dojo-vp's message.
if cmake -S "$here/out_of_tree" -B "$work/build-bad" -G Ninja \
     -DCMAKE_TOOLCHAIN_FILE="$prefix/share/dojo-vp/sdk/toolchain.cmake" \
     -DCMAKE_PREFIX_PATH="$prefix" -DDOJO_PLATFORM_SET="memory.sram_bse=0x90000000" \
     >"$work/bad.log" 2>&1; then
  echo "configuring with an unknown parameter succeeded"; exit 1
fi
grep -q "memory.sram_bse" "$work/bad.log" || { cat "$work/bad.log"; echo "no parameter named"; exit 1; }

# Without the cross toolchain the package refuses, with a message naming the toolchain file.
mkdir -p "$work/host"
if cmake -S "$here/out_of_tree" -B "$work/host" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" \
     >"$work/host.log" 2>&1; then
  echo "configuring without the toolchain file succeeded"; exit 1
fi
grep -q "CMAKE_TOOLCHAIN_FILE=$prefix/share/dojo-vp/sdk/toolchain.cmake" "$work/host.log" ||
  { cat "$work/host.log"; echo "no hint at the toolchain file"; exit 1; }
echo "out-of-tree SDK build: PASS"
