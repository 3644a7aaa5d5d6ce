import { isDeepStrictEqual } from "node:util";
import type { DescMessage, JsonValue, Message } from "@bufbuild/protobuf";
import type { ConformanceCodec } from "./codec.js";

/**
 * A check's finding that the code under test disagrees with a case. Anything
 * else a check throws (a parse error, for example) counts as a failure too;
 * this class only carries a better message.
 */
export class CheckFailure extends Error {
  override readonly name = "CheckFailure";
}

/** Fails unless two JSON values are equal (object key order aside). */
export function expectJson(actual: JsonValue, expected: JsonValue, what: string): void {
  if (isDeepStrictEqual(actual, expected)) return;
  throw new CheckFailure(`${what}: got ${stableJson(actual)}, expected ${stableJson(expected)}`);
}

/** Fails unless two byte strings are identical, naming the first differing byte. */
export function expectBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  const length = Math.min(actual.length, expected.length);
  let offset = 0;
  while (offset < length && actual[offset] === expected[offset]) offset++;
  if (offset === length && actual.length === expected.length) return;
  throw new CheckFailure(
    `${what}: bytes differ at offset ${offset} (got ${actual.length} bytes, expected ${expected.length})\n` +
      `  got      ${toHex(actual)}\n  expected ${toHex(expected)}`,
  );
}

/** Fails unless two texts are identical, quoting the first differing line. */
export function expectText(actual: string, expected: string, what: string): void {
  if (actual === expected) return;
  const a = actual.split("\n");
  const e = expected.split("\n");
  let line = 0;
  while (line < a.length && line < e.length && a[line] === e[line]) line++;
  throw new CheckFailure(
    `${what}: line ${line + 1} differs\n  got      ${JSON.stringify(a[line] ?? "<end>")}\n  expected ${JSON.stringify(e[line] ?? "<end>")}`,
  );
}

/** Fails unless two messages are equal field by field (unknown fields aside). */
export function expectEqualMessages(codec: ConformanceCodec, schema: DescMessage, actual: Message, expected: Message, what: string): void {
  if (codec.equals(schema, actual, expected)) return;
  throw new CheckFailure(`${what}: messages differ\n${indent(safeText(codec, schema, actual), "got")}\n${indent(safeText(codec, schema, expected), "expected")}`);
}

/** Lowercase hex without separators. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/** JSON with object keys sorted, so that two printings compare by eye. */
function stableJson(value: JsonValue): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

function safeText(codec: ConformanceCodec, schema: DescMessage, message: Message): string {
  try {
    return codec.toText(schema, message);
  } catch {
    return "<not printable>";
  }
}

function indent(text: string, label: string): string {
  return `  ${label}:\n${text
    .trimEnd()
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n")}`;
}
