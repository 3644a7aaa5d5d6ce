import { fromJson, type DescMessage, type JsonValue, type MessageShape } from "@bufbuild/protobuf";
import { isFieldError } from "@bufbuild/protobuf/reflect";
import { decodeError, messageOf, type DecodeContext } from "./decode-context.js";
import type { Frame } from "../fault/framing.js";
import { JsonRule } from "../fault/rule-ids.js";
import { findKeys } from "../json/find-keys.js";
import { JsonReadError, readJson, type JsonNode, type JsonRead } from "../json/read-json.js";
import { keepExactIntegers } from "./json-exact-integers.js";
import { MAX_JSON_DEPTH } from "../json/json-framer.js";
import { findLaxWktString } from "./json-wkt-strings.js";
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
  let read: JsonRead;
  try {
    read = readJson(text, { maxDepth: MAX_JSON_DEPTH });
  } catch (error) {
    if (!(error instanceof JsonReadError)) throw error;
    const ruleId = error.kind === "depth" ? JsonRule.depth : JsonRule.syntax;
    throw decodeError(context, error.reason, index, lineColumnOfIndex(text, error.index, start), { cause: error, ruleId });
  }
  // An integer beyond 2^53 in a 64-bit field keeps its exact digits.
  const value = keepExactIntegers(context.schema, read, context.registry);
  const prototypeKey = read.prototypeKeys[0];
  if (prototypeKey !== undefined) {
    // protobuf-es would store it in a plain object and replace that object's prototype.
    throw decodeError(context, 'the key "__proto__" is not supported (it cannot be stored safely)', index, lineColumnOfIndex(text, prototypeKey.index, start), {
      ruleId: JsonRule.forbiddenKey,
    });
  }
  const lone = read.loneSurrogate;
  if (lone !== undefined) {
    throw decodeError(context, `string ${JSON.stringify(lone.value)} holds a lone UTF-16 surrogate, which is not Unicode text`, index, lineColumnOfIndex(text, lone.index, start), {
      ruleId: JsonRule.loneSurrogate,
    });
  }
  const duplicate = read.duplicateKeys[0];
  if (duplicate !== undefined) {
    throw decodeError(context, `duplicate object key ${JSON.stringify(duplicate.key)}`, index, lineColumnOfIndex(text, duplicate.index, start), {
      ruleId: JsonRule.duplicateKey,
    });
  }
  let message: MessageShape<Desc>;
  try {
    message = fromJson(context.schema as Desc, value as JsonValue, { registry: context.registry, ignoreUnknownFields: context.ignoreUnknownJsonFields });
  } catch (error) {
    const { reason, keys, last } = describeJsonError(error, context.schema.typeName);
    throw decodeError(context, reason, index, locateKey(text, (key) => keys.includes(key), last, start) ?? start, { cause: error });
  }
  const lax = findLaxWktString(context.schema, value, context.registry);
  if (lax !== undefined) {
    // The key holding this very string finds the right one of several "timestamp" keys.
    const at = locateKey(text, (key, node) => key === lax.key && node.value === lax.value, false, start) ?? locateKey(text, (key) => key === lax.key, false, start);
    throw decodeError(context, `field ${lax.field}: ${lax.reason}`, index, at ?? start, { path: lax.path, ruleId: JsonRule.any });
  }
  keepAnyTypeUrls(context.schema, message, value, context.registry);
  return { message, text, value };
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

/** Where the first (or last) key that `match` accepts is, as a line and column; only on the error path, so the text is read again with positions. */
function locateKey(text: string, match: (key: string, value: JsonNode) => boolean, last: boolean, start: LineColumn): LineColumn | undefined {
  const offsets = findKeys(readJson(text, { maxDepth: MAX_JSON_DEPTH, tree: true }).tree!, match);
  const found = last ? offsets[offsets.length - 1] : offsets[0];
  return found === undefined ? undefined : lineColumnOfIndex(text, found, start);
}
