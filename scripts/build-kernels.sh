#!/usr/bin/env bash
# Rebuild the committed WebAssembly SIMD kernels from their C sources (needs Debian's clang + lld:
# `apt-get install clang lld`). The .wasm files are committed, so users and CI never need a compiler.
set -euo pipefail
cd "$(dirname "$0")/../src/nn/kernels"
for src in *.c; do
  clang --target=wasm32 -O3 -msimd128 -mbulk-memory -nostdlib -Wl,--no-entry -Wl,--export=__heap_base \
    -o "${src%.c}.wasm" "$src"
  echo "built src/nn/kernels/${src%.c}.wasm ($(stat -c %s "${src%.c}.wasm") bytes)"
done
