import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { wasmSumMemory } from "./checksum-wasm.js";

/** The little-endian 16-bit words of `bytes[from, to)` counted from `from`, an odd last byte alone, folded to 16 bits, the plain way. */
function referenceSum(bytes: Uint8Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i += 2) sum += bytes[i]! | (i + 1 < to ? bytes[i + 1]! << 8 : 0);
  while (sum > 0xffff) sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
  return sum;
}

test("the WebAssembly SIMD word sum equals the plain sum at any offset and length (odd, under 16, up to 512 KiB)", () => {
  const wasm = wasmSumMemory(16);
  assert.ok(wasm !== undefined, "Node 20 runs WebAssembly with SIMD");
  const memory = new Uint8Array(wasm.buffer);
  assert.equal(memory.length, 16 * 65536);
  // Bytes of every value, 0x80 and above included (a signed widening would get those wrong).
  let state = 12345;
  for (let i = 0; i < memory.length; i++) memory[i] = (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) >>> 24;
  fc.assert(
    fc.property(fc.nat({ max: 16 * 65536 - 1 }), fc.oneof(fc.nat({ max: 40 }), fc.nat({ max: 70_000 }), fc.nat({ max: 512 * 1024 })), (from, length) => {
      const to = Math.min(memory.length, from + length);
      assert.equal(wasm.sum(from, to), referenceSum(memory, from, to));
    }),
    { numRuns: 300 },
  );
  // All ones: every lane at its largest, the fold's carry at every step.
  memory.fill(0xff);
  assert.equal(wasm.sum(0, 512 * 1024), 0xffff);
  assert.equal(wasm.sum(1, 18), referenceSum(memory, 1, 18));
});
