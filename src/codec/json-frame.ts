import { fromJson, type DescMessage, type JsonValue, type MessageShape } from "@bufbuild/protobuf";
import { isFieldError } from "@bufbuild/protobuf/reflect";
import { decodeError, messageOf, type DecodeContext } from "./decode-context.js";
import type { Frame } from "./framer.js";
import { findDuplicateKey } from "./json-duplicate-keys.js";
import { parseJsonExact } from "./json-exact-integers.js";
import { findJsonSyntaxError } from "./json-syntax.js";
import { findLaxWktString } from "./json-wkt-strings.js";
import { findLoneSurrogate } from "./find-lone-surrogate.js";
import { keepAnyTypeUrls } from "./keep-any-type-urls.js";
import { advanceLineColumn, decodeUtf8, lineColumnOfIndex, type LineColumn } from "./utf8.js";

/** One decoded JSON message with its source text and parsed value (64-bit integers beyond 2^53 as exact strings). */
export interface DecodedJson<Desc extends DescMessage> {
  readonly message: MessageShape<Desc>;
  readonly text: string;
  readonly value: unknown;
}

/**
 * Decodes one JSON value cut by the JSON framer. Every failure becomes a
 * DecodeError with a line:column: invalid UTF-8 at the bad byte, a syntax
 * error where the checker finds it, a field error at the field's key.
 */
export function decodeJsonFrame<Desc extends DescMessage>(context: DecodeContext, frame: Frame, index: number): DecodedJson<Desc> {
  const start = frame.position as LineColumn;
  const decoded = decodeUtf8(frame.bytes);
  if ("invalidAt" in decoded) {
    throw decodeError(context, "invalid UTF-8", index, advanceLineColumn(frame.bytes, decoded.invalidAt, start));
  }
  const text = decoded.text;
  let value: unknown;
  try {
    // JSON.parse, but an integer beyond 2^53 in a 64-bit field keeps its exact digits.
    value = parseJsonExact(context.schema, text, context.registry);
  } catch (error) {
    const syntax = findJsonSyntaxError(text);
    if (syntax !== undefined) throw decodeError(context, syntax.reason, index, lineColumnOfIndex(text, syntax.index, start), { cause: error });
    throw decodeError(context, `invalid JSON: ${messageOf(error)}`, index, start, { cause: error });
  }
  if (hasPrototypeKey(value)) {
    // protobuf-es would store it in a plain object and replace that object's prototype (see prototype-keys.ts).
    throw decodeError(context, 'the key "__proto__" is not supported (it cannot be stored safely)', index, locateKey(text, ["__proto__"], false, start) ?? start);
  }
  const lone = findLoneSurrogate(value);
  if (lone !== undefined) {
    throw decodeError(context, `string ${JSON.stringify(lone)} holds a lone UTF-16 surrogate, which is not Unicode text`, index, locatePattern(text, "\\\\u[dD][89a-fA-F][0-9a-fA-F]{2}", start) ?? start);
  }
  const duplicate = findDuplicateKey(text);
  if (duplicate !== undefined) {
    throw decodeError(context, `duplicate object key ${JSON.stringify(duplicate.key)}`, index, lineColumnOfIndex(text, duplicate.index, start));
  }
  let message: MessageShape<Desc>;
  try {
    message = fromJson(context.schema as Desc, value as JsonValue, { registry: context.registry, ignoreUnknownFields: context.ignoreUnknownJsonFields });
  } catch (error) {
    const { reason, keys, last } = describeJsonError(error, context.schema.typeName);
    throw decodeError(context, reason, index, locateKey(text, keys, last, start) ?? start, { cause: error });
  }
  const lax = findLaxWktString(context.schema, value, context.registry);
  if (lax !== undefined) {
    // The key followed by this very string finds the right one of several "timestamp" keys.
    const at = locatePattern(text, `"${escapeRegExp(lax.key)}"\\s*:\\s*${escapeRegExp(JSON.stringify(lax.value))}`, start) ?? locateKey(text, [lax.key], false, start);
    throw decodeError(context, `field ${lax.field}: ${lax.reason}`, index, at ?? start, { path: lax.path });
  }
  keepAnyTypeUrls(context.schema, message, value, context.registry);
  return { message, text, value };
}

/** Whether any object in a parsed JSON value has an own `__proto__` key (iterative: the framer bounds depth, but cheaply). */
function hasPrototypeKey(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next !== "object" || next === null) continue;
    if (!Array.isArray(next) && Object.prototype.hasOwnProperty.call(next, "__proto__")) return true;
    for (const child of Object.values(next)) pending.push(child);
  }
  return false;
}

/** Strips protobuf-es' `cannot decode ... from JSON:` framing (DecodeError adds its own) and names the keys to point at. */
function describeJsonError(error: unknown, rootTypeName: string): { reason: string; keys: string[]; last: boolean } {
  const text = messageOf(error);
  const framed = /^cannot decode (message|field|oneof) (\S+) from JSON: ([\s\S]*)$/.exec(text);
  const detail = framed ? framed[3]! : text;
  const keys: string[] = [];
  const cause = error instanceof Error ? error.cause : undefined;
  if (isFieldError(cause)) {
    const at = cause.field();
    const members = at.kind === "oneof" ? at.fields : [at];
    for (const member of members) keys.push(member.jsonName, member.name);
  }
  const quotedKey = /(?:key|object key) "((?:[^"\\]|\\.)*)"/.exec(detail);
  if (quotedKey) keys.push(quotedKey[1]!);
  const reason = framed && (framed[1] !== "message" || framed[2] !== rootTypeName) ? `${framed[1]} ${framed[2]}: ${detail}` : detail;
  // A duplicate or a second oneof member is the later occurrence.
  return { reason, keys, last: /duplicate|multiple/.test(detail) };
}

/** Where `"key":` first (or last) occurs in `text`, as a line and column; a hint, not a parse. */
function locateKey(text: string, keys: readonly string[], last: boolean, start: LineColumn): LineColumn | undefined {
  let found = -1;
  for (const key of keys) {
    const pattern = new RegExp(`"${escapeRegExp(key)}"\\s*:`, "g");
    for (const match of text.matchAll(pattern)) {
      if (found < 0 || (last ? match.index > found : match.index < found)) found = match.index;
      if (!last) break;
    }
  }
  return found < 0 ? undefined : lineColumnOfIndex(text, found, start);
}

/** Where `pattern` first matches in `text`, as a line and column. */
function locatePattern(text: string, pattern: string, start: LineColumn): LineColumn | undefined {
  const match = new RegExp(pattern).exec(text);
  return match === null ? undefined : lineColumnOfIndex(text, match.index, start);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
