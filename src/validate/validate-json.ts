import { fromJson, type DescMessage, type JsonValue, type MessageShape } from "@bufbuild/protobuf";
import { registry } from "../registry.js";
import { mapAjvErrors, type JsonRepair } from "./ajv-errors.js";
import { jsonSchemaValidator } from "./json-schema-validator.js";
import type { ValidateOptions } from "./context.js";
import { keepExactIntegers } from "../codec/json-exact-integers.js";
import { JsonReadError, readJson, type JsonNode, type JsonRead } from "../json/read-json.js";
import { findLoneSurrogate } from "../codec/find-lone-surrogate.js";
import { findLaxWktString } from "../codec/json-wkt-strings.js";
import { keepAnyTypeUrls } from "../codec/keep-any-type-urls.js";
import { inspectValue } from "./json-guard.js";
import { parseFailureViolation } from "./json-parse-failure.js";
import { resolveJsonPlace } from "./json-path.js";
import { LineIndex, locateJsonPointer, locateProtoPath } from "./json-position.js";
import { formatPath } from "../fault/path.js";
import { validJsonResult } from "./clean-json.js";
import { validate } from "./validate.js";
import { toResult, type ValidationResult, type Violation } from "../fault/violation.js";

/** Options of {@link validateJson}. */
export interface ValidateJsonOptions extends ValidateOptions {
  /**
   * The deepest nesting of objects and arrays accepted; a deeper document is
   * one `json.depth` violation. By default, 100 (protobuf-es's JSON
   * recursion limit).
   */
  readonly maxDepth?: number;
}

/** The outcome of {@link validateJson}: the parsed message is included whenever the document parses. */
export type JsonValidationResult<Desc extends DescMessage> = ValidationResult & { readonly message?: MessageShape<Desc> };

/** Rule ids whose position is the key of a property rather than its value. */
const KEY_POSITIONED = new Set(["json.unknown_field", "json.duplicate_key", "json.duplicate_name", "json.forbidden_key", "oneof.multiple"]);

/**
 * Validates a proto3 JSON document of type `schema`, given as text or as an
 * already parsed value (a string is always taken as JSON text). In text, an
 * unquoted integer beyond ±2^53 in a 64-bit integer field is read exactly, as
 * protoc reads it (`JSON.parse` would round it); a parsed value has already
 * lost those digits unless the integer is given as a string.
 *
 * 1. The generated JSON Schema (compiled by ajv at build time, so nothing
 *    is compiled or evaluated at run time) checks the encoding (unknown keys,
 *    a field under both its names, wrong JSON types, bad base64, timestamps,
 *    durations, integer ranges, enum names) and every rule JSON Schema can
 *    state exactly (required fields, string lengths, integer and duration
 *    bounds, item counts, defined enum values, oneof members).
 * 2. When the encoding is sound, protobuf-es parses the document (with the
 *    package registry, for `Any`) and the rule engine ({@link validate})
 *    checks every rule, including those JSON Schema cannot state (timestamp
 *    bounds, byte lengths, patterns, ...).
 *
 * A defect found by both is reported once (same path and rule id, the rule
 * engine's wording): the same list `validateBinary` gives for the same
 * message. Encoding faults carry `json.*` ids (`json.syntax`, `json.depth`,
 * `json.duplicate_key`, `json.forbidden_key` for `__proto__`,
 * `json.unknown_field`, `json.duplicate_name` for a field under both its
 * names, `json.type`, `json.enum`, `json.base64`, `json.timestamp`,
 * `json.duration`, `json.field_mask`, `json.int32_range`, `json.int64_range`,
 * `json.lone_surrogate` (a string or key with a lone UTF-16 surrogate, which
 * Google's runtime refuses anywhere),
 * `json.map_key`, `json.any`, and `json.range` / `json.schema` for the rare
 * fault only protobuf-es or an unexpected keyword reports); when there is
 * one, the rule engine does not run and no message is returned. Two members
 * of one oneof are `oneof.multiple`, and the later member is kept (as a
 * binary reader keeps the last one) for the rule engine. As in
 * protoc-gen-validate, the message an `Any` packs is parsed but its rules
 * are not checked.
 *
 * Violations found in text carry the 1-based line and column of the
 * offending value (of the key, for key faults and `oneof.multiple`; of the
 * enclosing object, for a missing field). Violations are in document order.
 */
export function validateJson<Desc extends DescMessage>(
  schema: Desc,
  json: string | JsonValue,
  options: ValidateJsonOptions = {},
): JsonValidationResult<Desc> {
  if (typeof json === "string") {
    // The fast path: one pass of the verdict walk proves a valid document valid.
    const valid = validJsonResult(schema, json, options.maxDepth ?? 100, options);
    if (valid !== undefined) return valid as JsonValidationResult<Desc>;
  }
  return validateJsonInFull(schema, json, options);
}

/** The full path of {@link validateJson}: every finding, placed, whatever the verdict walk would say. */
export function validateJsonInFull<Desc extends DescMessage>(
  schema: Desc,
  json: string | JsonValue,
  options: ValidateJsonOptions = {},
): JsonValidationResult<Desc> {
  const maxDepth = options.maxDepth ?? 100;
  const text = typeof json === "string" ? json : undefined;
  let value: unknown;
  const found: Finding[] = [];

  if (text !== undefined) {
    let read: JsonRead;
    try {
      read = readJson(text, { maxDepth });
    } catch (error) {
      if (!(error instanceof JsonReadError)) throw error;
      const ruleId = error.kind === "depth" ? "json.depth" : "json.syntax";
      return finish([{ violation: { path: "", ruleId, message: error.reason }, offset: error.index }]);
    }
    // An integer beyond 2^53 in a 64-bit field becomes its exact decimal
    // string, so ajv, the int64 rules and the message see what was written.
    value = keepExactIntegers(schema, read, registry);
    for (const { key, index, tokens } of read.duplicateKeys) {
      const place = resolveJsonPlace(schema, value, tokens, registry);
      const violation = { path: formatPath(place.segments), ruleId: "json.duplicate_key", message: `key "${key}" occurs twice in one object` };
      found.push({ violation, offset: index });
    }
    if (read.loneSurrogate !== undefined) return finish([{ violation: loneSurrogateViolation(read.loneSurrogate.value), offset: read.loneSurrogate.index }]);
    for (const { index, tokens } of read.prototypeKeys) found.push(prototypeKeyFinding(schema, value, tokens, index));
  } else {
    value = json;
    const lone = findLoneSurrogate(value);
    if (lone !== undefined) return finish([{ violation: loneSurrogateViolation(lone) }]);
    const inspection = inspectValue(value, maxDepth);
    if (inspection.tooDeep) {
      // Path "" as for text input: the document as a whole is refused.
      return finish([{ violation: { path: "", ruleId: "json.depth", message: `document nests deeper than ${maxDepth} levels` } }]);
    }
    for (const tokens of inspection.protoKeys) found.push(prototypeKeyFinding(schema, value, tokens));
  }

  const ajvValidate = jsonSchemaValidator(schema);
  let repairs: JsonRepair[] = [];
  if (!ajvValidate(value)) {
    const mapped = mapAjvErrors(schema, value, ajvValidate.errors ?? [], registry);
    found.push(...mapped.findings);
    repairs = mapped.repairs;
  }
  if (found.some((f) => f.violation.ruleId.startsWith("json."))) return finish(found);

  let message: MessageShape<Desc>;
  try {
    message = fromJson(schema, repair(value, repairs) as JsonValue, { registry });
  } catch (cause) {
    // The schema accepted what protobuf-es refuses (an offset that moves a
    // timestamp past year 9999, an Any of an unknown type, ...).
    return finish([...found, { violation: parseFailureViolation(schema, value, cause, registry) }]);
  }
  // What protobuf-es reads but Google's runtime refuses inside an Any (ajv does not look there).
  const lax = findLaxWktString(schema, value, registry);
  if (lax !== undefined) return finish([...found, { violation: { path: lax.path, ruleId: "json.any", message: `field ${lax.field}: ${lax.reason}` } }]);
  keepAnyTypeUrls(schema, message, value, registry);
  const rules = validate(schema, message, options);
  // What ajv found inside a dropped oneof member is gone from the message,
  // as it is from a binary reader's: reporting it would differ from binary.
  const kept = found.filter((f) => !repairs.some((r) => f.tokens !== undefined && isUnderRemovedKey(f.tokens, r)));
  return finish(merge(rules.violations, kept), rules.warnings, message);

  function finish(findings: readonly Finding[], warnings: readonly Violation[] = [], parsed?: MessageShape<Desc>): JsonValidationResult<Desc> {
    let list = text !== undefined ? positioned(findings, text) : findings.map((f) => f.violation);
    if (options.failFast === true) list = list.slice(0, 1);
    const result = toResult(list, warnings);
    return parsed === undefined ? result : { ...result, message: parsed };
  }

  /** Adds line and column to every finding, and puts them in document order. */
  function positioned(findings: readonly Finding[], text: string): Violation[] {
    if (findings.length === 0) return [];
    const lines = new LineIndex(text);
    // The tree is only built when there is something to place: a clean
    // document never pays for it.
    let tree: JsonNode | undefined;
    const root = (): JsonNode | undefined => (tree ??= readJson(text, { maxDepth, tree: true }).tree);
    const placed = findings.map(({ violation, tokens, offset }, index) => {
      let at = offset;
      const doc = at === undefined ? root() : undefined;
      if (doc !== undefined) {
        const location = tokens !== undefined ? locateJsonPointer(doc, tokens) : locateProtoPath(doc, schema, violation.path, registry);
        const node = KEY_POSITIONED.has(violation.ruleId) && location.key !== undefined ? location.key : location.value;
        at = node.offset;
      }
      if (at === undefined) return { violation, offset: -1, index };
      return { violation: { ...violation, position: lines.position(at) }, offset: at, index };
    });
    placed.sort((a, b) => a.offset - b.offset || a.index - b.index);
    return placed.map((p) => p.violation);
  }
}

/**
 * A violation and where it is: the offset of its key or value when known, or
 * the JSON pointer tokens of the offending value. Without either, its proto
 * path is looked up in the document.
 */
interface Finding {
  readonly violation: Violation;
  readonly tokens?: readonly string[];
  readonly offset?: number;
}

/**
 * The rule engine's violations, plus ajv's findings it did not make. The
 * engine's come first and keep their wording: they are what
 * `validateBinary` reports for the same message. Where ajv found the same
 * defect, its pointer places the engine's violation.
 */
function merge(engine: readonly Violation[], ajv: readonly Finding[]): Finding[] {
  const key = (v: Violation) => `${v.path}\u0000${v.ruleId}`;
  const byKey = new Map(ajv.map((f) => [key(f.violation), f]));
  const merged: Finding[] = engine.map((violation) => {
    const same = byKey.get(key(violation));
    byKey.delete(key(violation));
    return same?.tokens !== undefined ? { violation, tokens: same.tokens } : { violation };
  });
  return [...merged, ...byKey.values()];
}

/** Whether `tokens` point into (or at) a key that `repair` drops. */
function isUnderRemovedKey(tokens: readonly string[], repair: JsonRepair): boolean {
  const depth = repair.tokens.length;
  if (tokens.length <= depth || !repair.removeKeys.includes(tokens[depth]!)) return false;
  return repair.tokens.every((token, i) => tokens[i] === token);
}

/** Drops the keys the ajv mapping asked to drop, on a copy. */
function repair(value: unknown, repairs: readonly JsonRepair[]): unknown {
  if (repairs.length === 0) return value;
  const copy = structuredClone(value);
  for (const { tokens, removeKeys } of repairs) {
    let target: unknown = copy;
    for (const token of tokens) target = Array.isArray(target) ? target[Number(token)] : (target as Record<string, unknown>)[token];
    if (typeof target === "object" && target !== null) {
      for (const key of removeKeys) delete (target as Record<string, unknown>)[key];
    }
  }
  return copy;
}

/** A string or key with a lone surrogate: Google's runtime refuses it wherever it is; protobuf-es would write U+FFFD. */
function loneSurrogateViolation(lone: string): Violation {
  return { path: "", ruleId: "json.lone_surrogate", message: `string ${JSON.stringify(lone)} holds a lone UTF-16 surrogate, which is not Unicode text` };
}

/** A `__proto__` key at `tokens` (and at `offset` in the text, when known). */
function prototypeKeyFinding(schema: DescMessage, value: unknown, tokens: readonly string[], offset?: number): Finding {
  const place = resolveJsonPlace(schema, value, tokens, registry);
  const violation = { path: formatPath(place.segments), ruleId: "json.forbidden_key", message: 'the key "__proto__" is not accepted' };
  return offset === undefined ? { violation, tokens } : { violation, tokens, offset };
}
