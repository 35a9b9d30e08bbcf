#!/usr/bin/env bash
# Rebuild the committed WebAssembly kernels from their C sources (needs Debian's clang + lld + llvm:
# `apt-get install clang lld llvm`). The .wasm files are committed, so users and CI never need a compiler.
#   scripts/build-kernels.sh [OUT_DIR]     (default: src/nn/kernels, next to the sources)
# Builds one module from the C sources twice: kernels.wasm (simd128) and kernels-fma.wasm (relaxed-SIMD fused
# multiply-add; clang 14's prototype f32x4.fma rewritten to the standard f32x4.relaxed_madd by
# scripts/patch-relaxed-madd.mjs). Both import their memory (tfjs-backend-wasm's) and must use no static data and
# no stack; the checks below fail the build otherwise.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="$here/../src/nn/kernels"
out="$(mkdir -p "${1:-$src}" && cd "${1:-$src}" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
flags=(--target=wasm32 -O3 -msimd128 -mbulk-memory -nostdlib -Wl,--no-entry -Wl,--import-memory)
sources=("$src/bmm.c" "$src/lmhead.c" "$src/adamw.c" "$src/rmsnorm.c" "$src/dropout.c" "$src/attention.c")
clang "${flags[@]}" -o "$out/kernels.wasm" "${sources[@]}"
clang "${flags[@]}" -mrelaxed-simd -DFMA -o "$tmp/kernels-fma-prototype.wasm" "${sources[@]}"
dis() { llvm-objdump-14 -d --mattr=+simd128,+relaxed-simd "$1"; }
sites="$(dis "$tmp/kernels-fma-prototype.wasm" | grep -c 'f32x4.fma' || true)"
node "$here/patch-relaxed-madd.mjs" "$tmp/kernels-fma-prototype.wasm" "$out/kernels-fma.wasm" "$sites"
for f in "$out/kernels.wasm" "$tmp/kernels-fma-prototype.wasm"; do
  if dis "$f" | grep -Eq 'global\.(get|set)'; then echo "build-kernels: $(basename "$f") uses the stack pointer (no stack allowed)" >&2; exit 1; fi
  if llvm-objdump-14 -h "$f" | grep -Eq ' DATA '; then echo "build-kernels: $(basename "$f") has static data (none allowed)" >&2; exit 1; fi
done
echo "built $out/kernels.wasm ($(stat -c %s "$out/kernels.wasm") bytes), kernels-fma.wasm ($sites fused multiply-adds)"
