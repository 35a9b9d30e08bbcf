// Rewrite clang 14's prototype `f32x4.fma` (0xfd 0xaf 0x01: acc + x·y) to the standard relaxed-SIMD
// `f32x4.relaxed_madd` (0xfd 0x85 0x02: x·y + acc; same length) inside the code section of a wasm module.
//   node scripts/patch-relaxed-madd.mjs IN.wasm OUT.wasm EXPECTED_SITES
// EXPECTED_SITES is the number of f32x4.fma instructions the disassembler lists; a different count of byte
// patterns means one of them is not an instruction, and nothing is written.
import fs from 'node:fs';

const [input, output, expected] = process.argv.slice(2);
if (!expected) {
  console.error('usage: patch-relaxed-madd.mjs IN.wasm OUT.wasm EXPECTED_SITES');
  process.exit(2);
}
const bytes = fs.readFileSync(input);
if (bytes.readUInt32LE(0) !== 0x6d736100) throw new Error(`${input}: not a wasm module`);
let pos = 8;
const leb = () => {
  let value = 0, shift = 0, b;
  do { b = bytes[pos++]; value += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
  return value;
};
let code;
while (pos < bytes.length) {
  const id = bytes[pos++];
  const size = leb();
  if (id === 10) code = [pos, pos + size];
  pos += size;
}
if (!code) throw new Error(`${input}: no code section`);
let sites = 0;
for (let i = code[0]; i + 2 < code[1]; i++) {
  if (bytes[i] === 0xfd && bytes[i + 1] === 0xaf && bytes[i + 2] === 0x01) {
    bytes[i + 1] = 0x85;
    bytes[i + 2] = 0x02;
    sites++;
  }
}
if (sites !== Number(expected)) {
  console.error(`patch-relaxed-madd: ${sites} byte patterns in ${input}, the disassembler lists ${expected} f32x4.fma`);
  process.exit(1);
}
fs.writeFileSync(output, bytes);
