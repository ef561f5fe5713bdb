#!/usr/bin/env bash
# Installs dojo-vp from build folder $1 into a temporary prefix, builds tests/sdk/out_of_tree
# against the installed SDK package with the cross toolchain, and runs it with the installed
# dojo-vp: the program must print its line and exit with 7.
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

# Without the cross toolchain the package refuses, with a message naming the toolchain file.
mkdir -p "$work/host"
if cmake -S "$here/out_of_tree" -B "$work/host" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" \
     >"$work/host.log" 2>&1; then
  echo "configuring without the toolchain file succeeded"; exit 1
fi
grep -q "CMAKE_TOOLCHAIN_FILE=$prefix/share/dojo-vp/sdk/toolchain.cmake" "$work/host.log" ||
  { cat "$work/host.log"; echo "no hint at the toolchain file"; exit 1; }
echo "out-of-tree SDK build: PASS"
