/**
 * The ones'-complement sum over payload bytes (RFC 1071) in WebAssembly
 * with 128-bit SIMD, 16 bytes per step. The module is small enough to be
 * written here as bytes, instruction by instruction; its text form is
 *
 *     (module
 *       (import "env" "memory" (memory 1))
 *       (func (export "sum") (param $from i32) (param $to i32) (result i32)
 *         (local $acc v128) (local $at i32) (local $blocksEnd i32) (local $sum i64)
 *         ;; 16-byte blocks: each i32 lane adds two little-endian u16 words per block
 *         ;; 8 words (i32x4.extadd_pairwise_i16x8_u), so no lane overflows within 512 KiB
 *         ;; then the words and the odd byte that are left, then the fold to 16 bits
 *         ...))
 *
 * It reads the caller's memory: the capture writer's output buffers live
 * in a `WebAssembly.Memory` of fixed size, so the payload is summed where
 * it was copied to, and no view of that memory is ever detached by growth.
 */

import { BinaryWriter } from "@bufbuild/protobuf/wire";

/** Sums the little-endian 16-bit words of `memory[from, to)` (`to - from` at most 512 KiB), an odd last byte as a word of its own; the result is folded to 16 bits. */
export type WasmWordSum = (from: number, to: number) => number;

// Value types and instructions used below (WebAssembly core spec, binary format).
const I32 = 0x7f;
const I64 = 0x7e;
const V128 = 0x7b;
const BLOCK = 0x02;
const LOOP = 0x03;
const IF = 0x04;
const VOID = 0x40;
const END = 0x0b;
const BR = 0x0c;
const BR_IF = 0x0d;
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const I64_LOAD8_U = 0x31;
const I64_LOAD16_U = 0x33;
const I32_CONST = 0x41;
const I64_CONST = 0x42;
const I32_LT_U = 0x49;
const I32_GT_U = 0x4b;
const I32_GE_U = 0x4f;
const I64_LE_U = 0x58;
const I32_ADD = 0x6a;
const I32_SUB = 0x6b;
const I32_AND = 0x71;
const I64_ADD = 0x7c;
const I64_AND = 0x83;
const I64_SHR_U = 0x88;
const I32_WRAP_I64 = 0xa7;
const I64_EXTEND_I32_U = 0xad;
/** SIMD instructions: this prefix, then the opcode as an unsigned LEB128. */
const SIMD = 0xfd;
const V128_LOAD = [SIMD, 0x00];
const I32X4_EXTRACT_LANE = [SIMD, 0x1b];
const I32X4_EXTADD_PAIRWISE_I16X8_U = [SIMD, 0x7f];
const I32X4_ADD = [SIMD, 0xae, 0x01];

// Locals: the two parameters, then the declared ones.
const FROM = 0;
const TO = 1;
const ACC = 2;
const AT = 3;
const BLOCKS_END = 4;
const SUM = 5;

/** An unsigned LEB128, as WebAssembly writes sizes and counts: a protobuf varint is exactly that. */
const leb = (value: number): number[] => [...new BinaryWriter().uint32(value).finish()];

/** A length-prefixed vector or section body. */
const sized = (bytes: number[]): number[] => [...leb(bytes.length), ...bytes];
const name = (text: string): number[] => sized([...text].map((c) => c.charCodeAt(0)));
const section = (id: number, body: number[]): number[] => [id, ...sized(body)];

/** The body of `sum`, instruction by instruction. */
function sumBody(): number[] {
  const get = (local: number) => [LOCAL_GET, local];
  const set = (local: number) => [LOCAL_SET, local];
  const lane = (index: number) => [...get(ACC), ...I32X4_EXTRACT_LANE, index, I64_EXTEND_I32_U];
  return [
    // blocksEnd = from + ((to - from) & ~15); at = from
    ...get(FROM), ...get(TO), ...get(FROM), I32_SUB, I32_CONST, ...[0x70] /* -16 */, I32_AND, I32_ADD, ...set(BLOCKS_END),
    ...get(FROM), ...set(AT),
    // while (at < blocksEnd) { acc += pairwise(load128(at)); at += 16 }
    BLOCK, VOID, LOOP, VOID,
    ...get(AT), ...get(BLOCKS_END), I32_GE_U, BR_IF, 1,
    ...get(ACC), ...get(AT), ...V128_LOAD, 0 /* align 1 */, 0 /* offset */, ...I32X4_EXTADD_PAIRWISE_I16X8_U, ...I32X4_ADD, ...set(ACC),
    ...get(AT), I32_CONST, 16, I32_ADD, ...set(AT),
    BR, 0, END, END,
    // sum = the four lanes, as 64-bit
    ...lane(0), ...lane(1), I64_ADD, ...lane(2), I64_ADD, ...lane(3), I64_ADD, ...set(SUM),
    // while (at + 2 <= to) { sum += load16(at); at += 2 }
    BLOCK, VOID, LOOP, VOID,
    ...get(AT), I32_CONST, 2, I32_ADD, ...get(TO), I32_GT_U, BR_IF, 1,
    ...get(SUM), ...get(AT), I64_LOAD16_U, 1 /* align 2 */, 0, I64_ADD, ...set(SUM),
    ...get(AT), I32_CONST, 2, I32_ADD, ...set(AT),
    BR, 0, END, END,
    // if (at < to) sum += load8(at): the odd byte, the low half of a little-endian word
    ...get(AT), ...get(TO), I32_LT_U, IF, VOID,
    ...get(SUM), ...get(AT), I64_LOAD8_U, 0, 0, I64_ADD, ...set(SUM),
    END,
    // while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16)
    BLOCK, VOID, LOOP, VOID,
    ...get(SUM), I64_CONST, ...[0xff, 0xff, 0x03] /* 0xffff */, I64_LE_U, BR_IF, 1,
    ...get(SUM), I64_CONST, ...[0xff, 0xff, 0x03], I64_AND, ...get(SUM), I64_CONST, 16, I64_SHR_U, I64_ADD, ...set(SUM),
    BR, 0, END, END,
    ...get(SUM), I32_WRAP_I64,
    END,
  ];
}

/** The module's bytes: types, the memory import, the function, its export and its code. */
export function checksumModuleBytes(): Uint8Array {
  // Local declarations: groups of (count, type): 1 v128, 2 i32, 1 i64.
  const declarations = [3, 1, V128, 2, I32, 1, I64];
  const code = sized([...declarations, ...sumBody()]);
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
    ...section(1, [1, 0x60, 2, I32, I32, 1, I32]), // one type: (i32, i32) -> i32
    ...section(2, [1, ...name("env"), ...name("memory"), 0x02, 0x00, 1]), // import memory, at least 1 page
    ...section(3, [1, 0]), // one function, of type 0
    ...section(7, [1, ...name("sum"), 0x00, 0]), // export it as "sum"
    ...section(10, [1, ...code]),
  ]);
}

/** The part of the WebAssembly JavaScript API used here (ES2022's library declares none of it). */
interface WebAssemblyApi {
  Memory: new (descriptor: { initial: number; maximum: number }) => { readonly buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}

/** Memory of a fixed size and the SIMD word sum over it. */
export interface WasmSumMemory {
  /** The memory's bytes; it never grows, so views of it stay valid. */
  readonly buffer: ArrayBuffer;
  readonly sum: WasmWordSum;
}

/**
 * A memory of `pages` pages (64 KiB each) with the module instantiated
 * over it; undefined where WebAssembly or its SIMD instructions are not
 * available (the caller sums in JavaScript).
 */
export function wasmSumMemory(pages: number): WasmSumMemory | undefined {
  const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (api === undefined) return undefined;
  const bytes = checksumModuleBytes();
  if (!api.validate(bytes)) return undefined;
  const memory = new api.Memory({ initial: pages, maximum: pages });
  const instance = new api.Instance(new api.Module(bytes), { env: { memory } });
  return { buffer: memory.buffer, sum: instance.exports["sum"] as WasmWordSum };
}
