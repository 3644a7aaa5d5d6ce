import { ScalarType, type DescEnum, type DescField, type DescMessage } from "@bufbuild/protobuf";
import { FeatureSet_FieldPresence } from "@bufbuild/protobuf/wkt";
import { base64Decode } from "@bufbuild/protobuf/wire";
import { readJson, type JsonRead } from "../json/read-json.js";
import { EvalContext, type ValidateOptions } from "./context.js";
import type { Fields } from "./field-kinds.js";
import { planValidator } from "./planner.js";

/**
 * A shortcut for the common case of a large JSON input: documents that are
 * valid and written the way protobuf's own JSON printers write them.
 *
 * `readCleanJson(schema, text)` returns the document's message when
 * {@link validateJson} would certainly report nothing for `text`, and
 * `undefined` whenever it might report something; the caller then runs
 * `validateJson`, which finds and places every defect. It never decides
 * that a document is invalid, so it cannot change what is reported, only
 * how fast a clean document passes.
 *
 * `validateJson` spends most of its time in protobuf-es's `fromJson`. Here
 * that is replaced by a reader that accepts only a narrow, unambiguous
 * subset of proto3 JSON (each field under one name and never `null`;
 * strings, booleans and 32-bit integers as JSON natives; 64-bit integers as
 * decimal strings or safe integers; enum values by name; bytes as padded
 * base64; timestamps in UTC with `Z`; durations in canonical form; `Struct`,
 * `Value` and `ListValue` as plain JSON) and gives up (returns `undefined`)
 * on anything else, including `Any`, wrappers and `FieldMask`. Everything it
 * accepts, `fromJson` accepts too and reads to the same field values, and
 * the generated JSON Schema accepts as far as encoding goes (its rule
 * keywords state the rule engine's rules, which run here on the same
 * values; json-schema-honesty.test.ts holds the two together), so ajv is not
 * run. The JSON reader's checks (syntax, the nesting limit, duplicate and
 * `__proto__` keys, lone surrogates) come first, in the same single pass
 * that reads the text.
 *
 * The message returned is a plain object with the fields of a protobuf-es
 * message (`$typeName`, defaults included), enough for rules and relational
 * checks; a `Struct` field holds its JSON object, as in protobuf-es, but
 * the contents of `Value` and `ListValue` messages are checked and not
 * converted (no rule reads into them), so it is not a substitute for
 * `fromJson` where a complete message is needed.
 */
export function readCleanJson(schema: DescMessage, text: string, maxDepth = 100): Fields | undefined {
  let read: JsonRead;
  try {
    read = readJson(text, { maxDepth });
  } catch {
    return undefined;
  }
  if (!isPlainRead(read)) return undefined;
  return cleanMessage(schema, read.value, maxDepth);
}

/**
 * Whether the reader found nothing `validateJson` reports or reads specially:
 * no repeated key, no `__proto__`, no lone surrogate, no integer beyond 2^53.
 */
export function isPlainRead(read: JsonRead): boolean {
  return read.duplicateKeys.length === 0 && read.prototypeKeys.length === 0 && read.loneSurrogate === undefined && read.unsafeIntegers.length === 0;
}

/**
 * The message of a JSON value (as the reader gave it, from text it found
 * plain) when `validateJson` would certainly report nothing for it: the
 * narrow reader accepts it and the rule engine, run on what it read, finds
 * no violation and no warning. Otherwise `undefined`.
 */
export function cleanMessage(schema: DescMessage, value: unknown, maxDepth = 100, options: ValidateOptions = {}): Fields | undefined {
  const read = new Reading(maxDepth).message(schema, value, 1);
  if (read === UNSURE) return undefined;
  const message = read as Fields;
  const validator = planValidator(schema);
  if (validator.active) {
    const ctx = new EvalContext({ ...options, failFast: true });
    validator.evaluate(message, ctx);
    // A relation's warning (a trace's event order) is a finding too: the full path reports it.
    if (ctx.violations.length > 0 || ctx.warnings.length > 0) return undefined;
  }
  return message;
}

/**
 * Whether `validateJson(schema, text)` would certainly report nothing: the
 * fast path of JSON, for checking many documents fast. `false` means "not certain": the document may still be valid, and
 * only `validateJson` says (see {@link readCleanJson} for what is certified).
 */
export function isCertainlyCleanJson(schema: DescMessage, text: string): boolean {
  return readCleanJson(schema, text) !== undefined;
}

/** Returned by readers for anything outside the subset they certify. */
const UNSURE: unique symbol = Symbol("unsure");
type Read = unknown;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const UINT32_MAX = 2 ** 32 - 1;
const FLOAT_MAX = 3.4028234663852886e38;
// Up to 18 digits always fits in a signed 64-bit integer; longer ones are left to fromJson.
const INT64_STRING = /^(?:0|-?[1-9][0-9]{0,17})$/;
const UINT64_STRING = /^(?:0|[1-9][0-9]{0,17})$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DURATION = /^(-?)(0|[1-9][0-9]{0,11})(?:\.([0-9]{1,9}))?s$/;
const MAX_DURATION_SECONDS = 315_576_000_000;

/** Message types whose JSON is not an object of fields, read here. */
const STRUCT = "google.protobuf.Struct";
const VALUE = "google.protobuf.Value";
const LIST_VALUE = "google.protobuf.ListValue";
const TIMESTAMP = "google.protobuf.Timestamp";
const DURATION_TYPE = "google.protobuf.Duration";
const EMPTY = "google.protobuf.Empty";

/** How one field is read: the names it may appear under, and its default. */
interface FieldReading {
  readonly field: DescField;
  readonly localName: string;
  /** The oneof's local name, for members; the value goes in `{ case, value }`. */
  readonly oneofLocalName: string | undefined;
  /** Position among the type's fields, to catch a field given under both names. */
  readonly index: number;
}

/** The reading plan of one message type, cached per descriptor. */
interface MessageReading {
  readonly byKey: ReadonlyMap<string, FieldReading>;
  readonly fields: readonly FieldReading[];
  readonly oneofLocalNames: readonly string[];
}

const plans = new WeakMap<DescMessage, MessageReading>();

function planReading(schema: DescMessage): MessageReading {
  const cached = plans.get(schema);
  if (cached !== undefined) return cached;
  const byKey = new Map<string, FieldReading>();
  const fields = schema.fields.map((field, index) => {
    const reading: FieldReading = { field, localName: field.localName, oneofLocalName: field.oneof?.localName, index };
    byKey.set(field.jsonName, reading);
    byKey.set(field.name, reading);
    return reading;
  });
  const plan = { byKey, fields, oneofLocalNames: schema.oneofs.map((o) => o.localName) };
  plans.set(schema, plan);
  return plan;
}

/** One document's reading, under a nesting limit. */
class Reading {
  constructor(private readonly maxDepth: number) {}

  /** A message from its JSON, or UNSURE. `depth` counts the objects and arrays open, this one included. */
  message(schema: DescMessage, json: unknown, depth: number): Read {
    // Every message counts against protobuf-es's recursion limit, even one
    // written as a string (a Timestamp); at the limit, fromJson decides.
    if (depth >= this.maxDepth) return UNSURE;
    switch (schema.typeName) {
      case TIMESTAMP:
        return timestamp(json);
      case DURATION_TYPE:
        return duration(json);
      case STRUCT:
        return isObject(json) && this.plainJson(json, depth) ? { $typeName: STRUCT, fields: {} } : UNSURE;
      case VALUE:
        return this.plainJson(json, depth) ? { $typeName: VALUE, kind: { case: undefined } } : UNSURE;
      case LIST_VALUE:
        return Array.isArray(json) && this.plainJson(json, depth) ? { $typeName: LIST_VALUE, values: [] } : UNSURE;
      case EMPTY:
        return isObject(json) && isEmpty(json) ? { $typeName: EMPTY } : UNSURE;
    }
    // Any, wrappers, FieldMask and the other well-known types have JSON forms of their own.
    if (schema.file.proto.package === "google.protobuf") return UNSURE;
    if (!isObject(json)) return UNSURE;
    const plan = planReading(schema);
    const message: Fields = { $typeName: schema.typeName };
    for (const reading of plan.fields) {
      if (reading.oneofLocalName === undefined) message[reading.localName] = defaultValue(reading.field);
    }
    for (const name of plan.oneofLocalNames) message[name] = { case: undefined };
    // Which fields were given, to catch one under both of its names.
    let given = 0;
    let givenHigh: Set<number> | undefined;
    for (const key in json) {
      const reading = plan.byKey.get(key);
      if (reading === undefined) return UNSURE;
      if (reading.index < 31) {
        if ((given & (1 << reading.index)) !== 0) return UNSURE;
        given |= 1 << reading.index;
      } else {
        givenHigh ??= new Set();
        if (givenHigh.has(reading.index)) return UNSURE;
        givenHigh.add(reading.index);
      }
      const value = this.field(reading.field, json[key], depth);
      if (value === UNSURE) return UNSURE;
      if (reading.oneofLocalName !== undefined) {
        if ((message[reading.oneofLocalName] as { case: unknown }).case !== undefined) return UNSURE;
        message[reading.oneofLocalName] = { case: reading.localName, value };
      } else {
        message[reading.localName] = value;
      }
    }
    return message;
  }

  /** A field's value from its JSON (never null here), or UNSURE. */
  private field(field: DescField, json: unknown, depth: number): Read {
    switch (field.fieldKind) {
      case "scalar":
        return stringLongs(field) ? UNSURE : scalar(field.scalar, json);
      case "enum":
        return enumValue(field.enum, json);
      case "message":
        // protobuf-es holds a Struct field as the plain JSON object itself.
        if (field.message.typeName === STRUCT) return isObject(json) && this.plainJson(json, depth + 1) ? json : UNSURE;
        return this.message(field.message, json, depth + 1);
      case "list": {
        if (!Array.isArray(json) || depth + 1 >= this.maxDepth || field.message?.typeName === STRUCT) return UNSURE;
        const list: unknown[] = new Array(json.length);
        for (let i = 0; i < json.length; i++) {
          const value = this.item(field, json[i], depth);
          if (value === UNSURE) return UNSURE;
          list[i] = value;
        }
        return list;
      }
      case "map": {
        // Only string keys: other key types have a text form of their own to check.
        if (field.mapKey !== ScalarType.STRING || !isObject(json) || depth + 1 >= this.maxDepth || field.message?.typeName === STRUCT) return UNSURE;
        const map: Record<string, unknown> = {};
        for (const key in json) {
              // JSON.parse makes "__proto__" an ordinary key; validateJson refuses it.
          // fromJson refuses a key that is not well-formed UTF-16 (a lone surrogate).
          if (key === "__proto__" || !isWellFormed(key)) return UNSURE;
          const value = this.item(field, json[key], depth);
          if (value === UNSURE) return UNSURE;
          map[key] = value;
        }
        return map;
      }
    }
  }

  /** An element of a list or a value of a map (never null here: fromJson refuses null items, except Value ones, left to it). */
  private item(field: DescField & { fieldKind: "list" | "map" }, json: unknown, depth: number): Read {
    if (json === null) return UNSURE;
    if (field.message !== undefined) return this.message(field.message, json, depth + 2);
    if (field.enum !== undefined) return enumValue(field.enum, json);
    return stringLongs(field) ? UNSURE : scalar(field.scalar, json);
  }

  /**
   * Whether a JSON value nests no deeper than the limit and has no
   * "__proto__" key. Struct, Value and ListValue
   * accept any such value.
   */
  private plainJson(json: unknown, depth: number): boolean {
    // protobuf-es reads every value of a Struct as a Value message, a level
    // of its own, scalars included: nothing at the limit is certified.
    if (depth >= this.maxDepth) return false;
    if (typeof json !== "object" || json === null) return true;
    if (Array.isArray(json)) {
      for (const item of json) if (!this.plainJson(item, depth + 1)) return false;
      return true;
    }
    for (const key in json) {
      if (key === "__proto__" || !this.plainJson((json as Record<string, unknown>)[key], depth + 1)) return false;
    }
    return true;
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const nativeIsWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;

/** Whether a string has no lone surrogate, so that it has a UTF-8 form (String.prototype.isWellFormed where the runtime has it). */
function isWellFormed(text: string): boolean {
  return nativeIsWellFormed !== undefined ? nativeIsWellFormed.call(text) : !LONE_SURROGATE.test(text);
}

/** Whether the field's 64-bit integers are strings in protobuf-es (`jstype = JS_STRING`): not read here. */
function stringLongs(field: DescField): boolean {
  return "longAsString" in field && field.longAsString;
}

function isObject(json: unknown): json is Record<string, unknown> {
  return typeof json === "object" && json !== null && !Array.isArray(json);
}

function isEmpty(json: Record<string, unknown>): boolean {
  for (const _ in json) return false;
  return true;
}

/** The value protobuf-es gives a field absent from the document. */
function defaultValue(field: DescField): unknown {
  switch (field.fieldKind) {
    case "list":
      return [];
    case "map":
      return {};
    case "message":
      return undefined;
    case "enum":
      return field.presence === FeatureSet_FieldPresence.EXPLICIT ? undefined : field.enum.values[0]?.number ?? 0;
    case "scalar":
      return field.presence === FeatureSet_FieldPresence.EXPLICIT ? undefined : scalarZero(field.scalar);
  }
}

function scalarZero(type: ScalarType): unknown {
  switch (type) {
    case ScalarType.STRING:
      return "";
    case ScalarType.BOOL:
      return false;
    case ScalarType.BYTES:
      return new Uint8Array(0);
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return 0n;
    default:
      return 0;
  }
}

function scalar(type: ScalarType, json: unknown): Read {
  switch (type) {
    case ScalarType.STRING:
      // JSON.parse takes "\ud800" alone; fromJson refuses it as invalid UTF-8.
      return typeof json === "string" && isWellFormed(json) ? json : UNSURE;
    case ScalarType.BOOL:
      return typeof json === "boolean" ? json : UNSURE;
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return Number.isInteger(json) && (json as number) >= INT32_MIN && (json as number) <= INT32_MAX ? json : UNSURE;
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return Number.isInteger(json) && (json as number) >= 0 && (json as number) <= UINT32_MAX ? json : UNSURE;
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      if (typeof json === "string") return INT64_STRING.test(json) ? BigInt(json) : UNSURE;
      return Number.isSafeInteger(json) ? BigInt(json as number) : UNSURE;
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      if (typeof json === "string") return UINT64_STRING.test(json) ? BigInt(json) : UNSURE;
      return Number.isSafeInteger(json) && (json as number) >= 0 ? BigInt(json as number) : UNSURE;
    case ScalarType.DOUBLE:
      return typeof json === "number" && Number.isFinite(json) ? json : UNSURE;
    case ScalarType.FLOAT:
      return typeof json === "number" && Number.isFinite(json) && Math.abs(json) <= FLOAT_MAX ? json : UNSURE;
    case ScalarType.BYTES:
      return typeof json === "string" && BASE64.test(json) ? base64Decode(json) : UNSURE;
  }
}

function enumValue(type: DescEnum, json: unknown): Read {
  if (typeof json !== "string") return UNSURE;
  return type.values.find((v) => v.name === json)?.number ?? UNSURE;
}

/**
 * A timestamp in UTC, as whole seconds since the epoch and nanoseconds.
 * fromJson reads the same string with Date.parse, which also takes days past
 * a month's end (ajv refuses those, so they are left to the full path); for
 * real dates the two agree (a test compares them over many dates). Computed
 * without Date: ten timestamps a report made Date.parse a fifth of the time.
 */
function timestamp(json: unknown): Read {
  // YYYY-MM-DDTHH:MM:SS, an optional fraction of 1 to 9 digits, then Z; read
  // by character codes (a regular expression cost a fifth of a report).
  if (typeof json !== "string" || json.length < 20 || json.length > 30) return UNSURE;
  const year = digits(json, 0, 4);
  const month = digits(json, 5, 2);
  const day = digits(json, 8, 2);
  const hour = digits(json, 11, 2);
  const minute = digits(json, 14, 2);
  const second = digits(json, 17, 2);
  if (json[4] !== "-" || json[7] !== "-" || json[10] !== "T" || json[13] !== ":" || json[16] !== ":" || json[json.length - 1] !== "Z") return UNSURE;
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return UNSURE;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return UNSURE;
  let nanos = 0;
  if (json.length > 20) {
    const fractionDigits = json.length - 21;
    if (json[19] !== "." || fractionDigits < 1) return UNSURE;
    const fraction = digits(json, 20, fractionDigits);
    if (fraction < 0) return UNSURE;
    nanos = fraction * 10 ** (9 - fractionDigits);
  } else if (json[19] !== "Z") {
    return UNSURE;
  }
  const seconds = daysSinceEpoch(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second;
  return { $typeName: TIMESTAMP, seconds: BigInt(seconds), nanos };
}

/** The decimal number of `count` ASCII digits at `from`, or -1 when one is not a digit. */
function digits(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const d = text.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days from 1970-01-01 to a date of the proleptic Gregorian calendar (negative before). */
export function daysSinceEpoch(year: number, month: number, day: number): number {
  // Counted from 1 March of year 0, so that the leap day is the last of a year.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function duration(json: unknown): Read {
  if (typeof json !== "string") return UNSURE;
  const m = DURATION.exec(json);
  if (m === null) return UNSURE;
  const seconds = Number(m[2]);
  if (seconds > MAX_DURATION_SECONDS) return UNSURE;
  const sign = m[1] === "-" ? -1 : 1;
  const nanos = m[3] === undefined ? 0 : Number(m[3].padEnd(9, "0"));
  // "-0.5s" is zero seconds and minus half a second.
  return { $typeName: DURATION_TYPE, seconds: BigInt(sign * seconds), nanos: nanos === 0 ? 0 : sign * nanos };
}
