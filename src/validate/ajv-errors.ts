import { isFieldSet, ScalarType, type DescField, type DescMessage, type Registry } from "@bufbuild/protobuf";
import { isWrapperDesc } from "@bufbuild/protobuf/wkt";
import type { JsonSchemaError } from "../../gen/jsonschema/validators.js";
import { brokenBound, durationNanos, elementRules, engineViolations, fieldRules } from "./broken-bound.js";
import { intRange } from "./int-range.js";
import { StringRulesSchema } from "../../gen/validate/validate_pb.js";
import { enterMessage, fieldForJsonKey, keySegment, parseJsonPointer, resolveJsonPlace, type JsonPlace } from "./json-path.js";
import { formatPath, MapKeySegment, type PathSegment } from "../fault/path.js";
import { lengthMessage } from "./rules/length.js";
import { oneofMessage } from "./rules/oneof.js";
import { BOUND_PHRASES } from "./rules/range.js";
import type { Violation } from "../fault/violation.js";

/**
 * Keys to drop from one object of the document before protobuf-es parses it:
 * the earlier members of an over-full oneof. protobuf-es refuses such a
 * document, but the binary decoder keeps the last member, so the rule engine
 * runs on what a binary reader would have kept and both paths report alike.
 */
export interface JsonRepair {
  readonly tokens: readonly string[];
  readonly removeKeys: readonly string[];
}

/** One finding and where in the document it is: the JSON pointer tokens of the offending value or key. */
export interface JsonFinding {
  readonly violation: Violation;
  readonly tokens: readonly string[];
}

/** ajv's findings in the package's vocabulary. */
export interface MappedAjvErrors {
  /** Deduplicated by path and rule id, in ajv's order. Positions are added by the caller. */
  readonly findings: JsonFinding[];
  readonly repairs: JsonRepair[];
}

/**
 * Maps ajv errors (from the generated schemas, compiled with `allErrors`) to
 * violations with proto paths and protoc-gen-validate rule ids, or `json.*`
 * ids for faults of the encoding. Errors that only restate another (`anyOf`,
 * `if`, a failed `not`) are folded into the finding they explain.
 */
export function mapAjvErrors(schema: DescMessage, root: unknown, errors: readonly JsonSchemaError[], registry: Registry): MappedAjvErrors {
  const out = new Findings();
  const repairs: JsonRepair[] = [];
  const repaired = new Set<string>();
  for (const error of errors) {
    if (error.propertyName !== undefined) continue; // restated by the "propertyNames" error
    const tokens = parseJsonPointer(error.instancePath);
    const place = resolveJsonPlace(schema, root, tokens, registry);
    out.tokens = tokens;
    switch (error.keyword) {
      case "additionalProperties": {
        const key = String(error.params["additionalProperty"]);
        // `__proto__` is reported by the document guard with its own id.
        if (key === "__proto__") break;
        const desc = messageOf(place, registry);
        out.add(at(place, keySegment(key)), "json.unknown_field", `unknown field "${key}"${desc ? ` of ${desc.typeName}` : ""}`, undefined, [...tokens, key]);
        break;
      }
      case "required":
        mapRequired(place, String(error.params["missingProperty"]), out, registry);
        break;
      case "not":
        if (error.schemaPath.includes("/dependentSchemas/") && !repaired.has(error.instancePath)) {
          repaired.add(error.instancePath);
          const removeKeys = mapConflicts(place, out, registry);
          if (removeKeys.length > 0) repairs.push({ tokens, removeKeys });
        }
        break;
      case "propertyNames": {
        const key = String(error.params["propertyName"]);
        out.add(at(place, new MapKeySegment(key, true)), "json.map_key", `map key ${JSON.stringify(key)} is not valid for the map's key type`, undefined, [...out.tokens, key]);
        break;
      }
      case "type":
        if (place.data === null && mapNullDefault(place, out)) break;
        out.add(formatPath(place.segments), "json.type", `expected ${describeTypes(error.params["type"])}, got ${describeJson(place.data)}`, scalarValue(place.data));
        break;
      case "enum":
        mapEnum(place, out);
        break;
      case "pattern":
        mapPattern(place, out);
        break;
      case "minLength":
      case "maxLength":
        mapLength(place, error.keyword, Number(error.params["limit"]), out);
        break;
      case "minimum":
      case "maximum":
      case "exclusiveMinimum":
      case "exclusiveMaximum":
        mapBound(place, error.keyword, error.params["limit"], out);
        break;
      case "minItems":
        out.add(formatPath(place.segments), "repeated.min_items", `value must contain at least ${String(error.params["limit"])} item(s)`);
        break;
      case "maxItems":
        out.add(formatPath(place.segments), "repeated.max_items", `value must contain no more than ${String(error.params["limit"])} item(s)`);
        break;
      case "if":
      case "anyOf":
      case "allOf":
      case "oneOf":
      case "dependentSchemas":
        // Summaries of the errors of their subschemas, which are mapped themselves.
        break;
      default:
        out.add(formatPath(place.segments), "json.schema", error.message ?? `fails JSON Schema keyword "${error.keyword}"`);
    }
  }
  return { findings: out.list, repairs };
}

/** Collects violations once per path and rule id. */
class Findings {
  readonly list: JsonFinding[] = [];
  private readonly seen = new Set<string>();
  /** Where the next findings are; set per ajv error. */
  tokens: readonly string[] = [];

  add(path: string, ruleId: string, message: string, value?: unknown, tokens: readonly string[] = this.tokens): void {
    const id = `${path}\u0000${ruleId}`;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    this.list.push({ violation: value === undefined ? { path, ruleId, message } : { path, ruleId, message, value }, tokens });
  }
}

function at(place: JsonPlace, ...more: PathSegment[]): string {
  return formatPath([...place.segments, ...more]);
}

/** The message whose fields the object at `place` holds, if it holds one. */
function messageOf(place: JsonPlace, registry: Registry): DescMessage | undefined {
  const slot = enterMessage(place.slot, place.data, registry);
  return slot.kind === "message" ? slot.desc : undefined;
}

/** A missing key: a presence rule of a field, a required oneof, or an Any's `@type`. */
function mapRequired(place: JsonPlace, key: string, out: Findings, registry: Registry): void {
  const anyAt = place.slot.kind === "value" ? place.slot.field.message : place.slot.kind === "message" ? place.slot.desc : undefined;
  if (anyAt?.typeName === "google.protobuf.Any") {
    out.add(formatPath(place.segments), "json.any", 'a non-empty Any needs "@type"');
    return;
  }
  const desc = messageOf(place, registry);
  const field = desc === undefined ? undefined : fieldForJsonKey(desc, key);
  if (field === undefined) {
    out.add(at(place, keySegment(key)), "json.schema", `key "${key}" is required`);
    return;
  }
  if (field.oneof !== undefined) {
    out.add(at(place, field.oneof.name), "oneof.required", oneofMessage("oneof.required", field.oneof));
    return;
  }
  out.add(at(place, field.name), requiredRuleId(field), "value is required");
}

/** The presence rule of a message field: its family's (`timestamp.required`, ...) or `message.required`. */
function requiredRuleId(field: DescField): string {
  const kind = fieldRules(field)?.type.case;
  return kind === "timestamp" || kind === "duration" || kind === "any" ? `${kind}.required` : "message.required";
}

/**
 * A field written as null holds its default (unset, "", 0, empty), and the
 * schema refuses null only where the default breaks a rule: a presence rule,
 * a minimum length or item count, or an integer bound. Reports the rule the
 * rule engine names for the default (a null shows no string or list, so only
 * a bound keeps the engine's value); false when the default breaks none
 * (then null is a type fault).
 */
function mapNullDefault(place: JsonPlace, out: Findings): boolean {
  const slot = place.slot;
  if ((slot.kind !== "value" || slot.element) && slot.kind !== "container") return false;
  const broken = engineViolations(slot.field, false, undefined)[0];
  if (broken === undefined) return false;
  out.add(formatPath(place.segments), broken.ruleId, broken.message, /^(string|repeated)\./.test(broken.ruleId) ? undefined : broken.value);
  return true;
}

/**
 * A key whose presence excludes another: the same field under both of its
 * names (`json.duplicate_name`), or two members of one oneof
 * (`oneof.multiple`, counted as protobuf-es counts them: a null scalar member
 * is not set). Returns the keys of earlier oneof members, to drop before
 * parsing.
 */
function mapConflicts(place: JsonPlace, out: Findings, registry: Registry): string[] {
  const desc = messageOf(place, registry);
  const data = place.data;
  if (desc === undefined || typeof data !== "object" || data === null || Array.isArray(data)) return [];
  const keys = Object.keys(data);
  const values = data as Record<string, unknown>;
  const removeKeys: string[] = [];
  for (const field of desc.fields) {
    if (field.jsonName !== field.name && keys.includes(field.name) && keys.includes(field.jsonName)) {
      const later = keys.indexOf(field.name) > keys.indexOf(field.jsonName) ? field.name : field.jsonName;
      out.add(at(place, field.name), "json.duplicate_name", `field is set twice, as "${field.name}" and "${field.jsonName}"`, undefined, [...out.tokens, later]);
    }
  }
  for (const oneof of desc.oneofs) {
    const present = keys.filter((key) => {
      const field = fieldForJsonKey(desc, key);
      return field?.oneof === oneof && !(field.fieldKind === "scalar" && values[key] === null);
    });
    const members = new Set(present.map((key) => fieldForJsonKey(desc, key)));
    if (members.size < 2) continue;
    out.add(at(place, oneof.name), "oneof.multiple", oneofMessage("oneof.multiple", oneof), undefined, [
      ...out.tokens,
      present[present.length - 1]!,
    ]);
    removeKeys.push(...present.slice(0, -1));
  }
  return removeKeys;
}

function mapEnum(place: JsonPlace, out: Findings): void {
  const path = formatPath(place.segments);
  const data = place.data;
  if (typeof data === "number" && Number.isInteger(data) && data >= -(2 ** 31) && data < 2 ** 31) {
    out.add(path, "enum.defined_only", "value must be one of the defined enum values", data);
    return;
  }
  const enumName = place.slot.kind === "value" ? place.slot.field.enum?.typeName : undefined;
  out.add(path, "json.enum", `${describeJson(data)} is not a value of ${enumName ?? "the enum"}`, scalarValue(data));
}

/** A `pattern` failure: which encoding the string breaks depends on the field's type. */
function mapPattern(place: JsonPlace, out: Findings): void {
  const path = formatPath(place.segments);
  const value = scalarValue(place.data);
  const slot = place.slot;
  // A message with a special JSON form is a field's value, or the document itself.
  const message = slot.kind === "value" ? slot.field.message : slot.kind === "message" ? slot.desc : undefined;
  if (message !== undefined && !isWrapperDesc(message)) {
    switch (message.typeName) {
      case "google.protobuf.Timestamp":
        out.add(path, "json.timestamp", "value must be an RFC 3339 timestamp from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z", value);
        return;
      case "google.protobuf.Duration": {
        // A Duration that reads fine failed the field's bounds, stated as a pattern.
        const nanos = typeof place.data === "string" ? durationNanos(place.data) : undefined;
        const bound = nanos !== undefined && slot.kind === "value" ? brokenBound(slot.field, slot.element, nanos) : undefined;
        if (bound !== undefined) out.add(path, bound.ruleId, bound.message, bound.value);
        else out.add(path, "json.duration", 'value must be a duration such as "1.5s", within ±315576000000s', value);
        return;
      }
      case "google.protobuf.FieldMask":
        out.add(path, "json.field_mask", "value must be comma-separated lowerCamelCase field paths", value);
        return;
    }
  }
  const scalar = message !== undefined && isWrapperDesc(message) ? message.fields[0]!.scalar : slot.kind === "value" ? slot.field.scalar : undefined;
  if (scalar === ScalarType.BYTES) {
    out.add(path, "json.base64", "value must be standard or URL-safe base64", value);
    return;
  }
  const range = scalar === undefined ? undefined : intRange(scalar);
  if (range !== undefined && typeof place.data === "string" && /^-?[0-9]+$/.test(place.data)) {
    // Inside the type's range, the string broke the field's bounds, stated as a pattern.
    const integer = BigInt(place.data);
    const bound = integer >= range.min && integer <= range.max && slot.kind === "value" ? brokenBound(slot.field, slot.element, integer) : undefined;
    if (bound !== undefined) out.add(path, bound.ruleId, bound.message, bound.value);
    else out.add(path, range.ruleId, `value is out of the range of ${range.name}`, value);
    return;
  }
  out.add(path, "json.type", range !== undefined ? "value must be a decimal integer" : scalar !== undefined ? "value must be a number" : "value is not valid here", value);
}

function mapLength(place: JsonPlace, keyword: "minLength" | "maxLength", limit: number, out: Findings): void {
  const path = formatPath(place.segments);
  const slot = place.slot;
  if (slot.kind !== "value") {
    // Only an Any's "@type" has a length bound outside the rules.
    out.add(path, "json.any", '"@type" must not be empty', scalarValue(place.data));
    return;
  }
  const rules = elementRules(slot.field, slot.element);
  const stringRules = rules?.type.case === "string" ? rules.type.value : undefined;
  const isSet = (field: keyof typeof StringRulesSchema.field) => stringRules !== undefined && isFieldSet(stringRules, StringRulesSchema.field[field]);
  const name = isSet("len") ? "len" : keyword === "maxLength" ? "max_len" : isSet("minLen") ? "min_len" : "min_bytes";
  out.add(path, `string.${name}`, lengthMessage(name, limit, name === "min_bytes" ? "bytes" : "characters"), scalarValue(place.data));
}

const boundKeys = { minimum: "gte", maximum: "lte", exclusiveMinimum: "gt", exclusiveMaximum: "lt" } as const;

/**
 * A numeric bound. Outside the type's own range it is an encoding fault
 * (protobuf-es cannot hold the value); inside, it is the field's rule.
 */
function mapBound(place: JsonPlace, keyword: keyof typeof boundKeys, limit: unknown, out: Findings): void {
  const path = formatPath(place.segments);
  const data = place.data;
  const slot = place.slot;
  if (slot.kind !== "value" || typeof data !== "number") {
    out.add(path, "json.type", `value must be ${BOUND_PHRASES[boundKeys[keyword]]} ${String(limit)}`, scalarValue(data));
    return;
  }
  if (slot.field.enum !== undefined) {
    out.add(path, "json.enum", "enum numbers must be 32-bit integers", data);
    return;
  }
  const scalar = slot.field.scalar ?? (slot.field.message && isWrapperDesc(slot.field.message) ? slot.field.message.fields[0]!.scalar : undefined);
  const range = scalar === undefined ? undefined : intRange(scalar);
  if (range !== undefined && (!Number.isInteger(data) || BigInt(data) < range.min || BigInt(data) > range.max)) {
    out.add(path, range.ruleId, `value is out of the range of ${range.name}`, data);
    return;
  }
  const rules = elementRules(slot.field, slot.element);
  const family = rules?.type.case;
  if (family === undefined || range === undefined) {
    out.add(path, "json.type", `value must be ${BOUND_PHRASES[boundKeys[keyword]]} ${String(limit)}`, data);
    return;
  }
  const key = boundKeys[keyword];
  out.add(path, `${family}.${key}`, `value must be ${BOUND_PHRASES[key]} ${String(limit)}`, data);
}

/** The value to attach to a violation: scalars only (objects would repeat the document). */
function scalarValue(data: unknown): unknown {
  return typeof data === "string" || typeof data === "number" || typeof data === "boolean" ? data : undefined;
}

function describeTypes(types: unknown): string {
  const list = String(types).split(",");
  const names = list.map((t) => (t === "null" ? "null" : t === "integer" ? "an integer" : t === "array" ? "an array" : t === "object" ? "an object" : `a ${t}`));
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]!}`;
}

/** A short description of a JSON value for messages: `"abc"`, `12`, `an object`. */
function describeJson(data: unknown): string {
  if (data === null) return "null";
  if (Array.isArray(data)) return "an array";
  if (typeof data === "object") return "an object";
  return JSON.stringify(data) ?? String(data);
}
