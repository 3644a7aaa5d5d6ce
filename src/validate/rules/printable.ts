import { fromBinary, ScalarType, type DescField, type DescMessage, type Message, type Registry } from "@bufbuild/protobuf";
import { reachTest } from "../../codec/type-reach.js";
import { accessor } from "../field-kinds.js";
import { withLeadingByteOrderMarks } from "../../wire/read-scalar.js";
import { formatPath, MapKeySegment, type PathSegment } from "../../fault/path.js";
import type { Violation } from "../../fault/violation.js";
import { isValidTime, type SecondsNanos } from "./time.js";

const TIMESTAMP = "google.protobuf.Timestamp";
const DURATION = "google.protobuf.Duration";
const VALUE = "google.protobuf.Value";
const ANY = "google.protobuf.Any";
const SPECIAL = new Set([TIMESTAMP, DURATION, VALUE, ANY]);

/** Whether a Timestamp, Duration, Value or Any can occur anywhere in a message of this type. */
const reachesSpecial = reachTest((schema) => SPECIAL.has(schema.typeName));

/** `value.valid` of a number JSON cannot hold. */
const NOT_FINITE = "number is NaN or infinite, which JSON cannot hold";

/**
 * The values of a decoded message that Google's runtime decodes but that
 * have no proto3 JSON form, so that `convert` (and any JSON printer) fails
 * on them: a Timestamp outside 0001-01-01..9999-12-31 or with nanos outside
 * 0..999,999,999 (`timestamp.valid`), a Duration beyond ±10,000 years, with
 * nanos beyond a second or of the other sign (`duration.valid`), and a
 * `google.protobuf.Value` with no kind or a NaN or infinite number
 * (`value.valid`). Messages packed in an `Any` of a type the registry knows
 * are looked into, at the Any's path (as JSON shows them).
 */
export function findUnprintable(schema: DescMessage, message: Message, registry: Registry): Violation[] {
  const out: Violation[] = [];
  if (reachesSpecial(schema)) walkMessage(schema, message, [], out, registry, 0);
  return out;
}

function walkMessage(desc: DescMessage, message: Message, path: PathSegment[], out: Violation[], registry: Registry, depth: number): void {
  if (depth > 200) return;
  const record = message as unknown as Record<string, unknown>;
  switch (desc.typeName) {
    case TIMESTAMP:
    case DURATION: {
      const timestamp = desc.typeName === TIMESTAMP;
      if (!isValidTime(record as unknown as SecondsNanos, timestamp)) {
        out.push({ path: formatPath(path), ruleId: timestamp ? "timestamp.valid" : "duration.valid", message: `value is not a valid ${timestamp ? "timestamp" : "duration"}` });
      }
      return;
    }
    case VALUE: {
      const kind = record["kind"] as { case: string | undefined; value?: unknown };
      if (kind.case === undefined) out.push({ path: formatPath(path), ruleId: "value.valid", message: "value has no kind (none of null, number, string, bool, struct or list is set)" });
      else if (kind.case === "numberValue" && !Number.isFinite(kind.value)) out.push({ path: formatPath(path), ruleId: "value.valid", message: NOT_FINITE });
      break;
    }
    case ANY: {
      const any = record as { typeUrl: string; value: Uint8Array };
      const packed = registry.getMessage(any.typeUrl.slice(any.typeUrl.lastIndexOf("/") + 1));
      if (packed === undefined || !reachesSpecial(packed)) return;
      let inner: Message;
      try {
        inner = withLeadingByteOrderMarks(() => fromBinary(packed, any.value));
      } catch {
        // A payload that does not decode is validateBinary's wire.any_payload.
        return;
      }
      walkMessage(packed, inner, path, out, registry, depth + 1);
      return;
    }
  }
  for (const field of desc.fields) {
    if (field.message === undefined || !reachesSpecial(field.message)) continue;
    const value = accessor(field)(record);
    if (value === undefined || value === null) continue;
    walkField(field, field.message, value, [...path, field.name], out, registry, depth);
  }
}

function walkField(field: DescField, desc: DescMessage, value: unknown, path: PathSegment[], out: Violation[], registry: Registry, depth: number): void {
  if (field.fieldKind === "list") {
    (value as unknown[]).forEach((element, i) => walkOne(desc, element, [...path, i], out, registry, depth));
  } else if (field.fieldKind === "map") {
    for (const [key, element] of Object.entries(value as Record<string, unknown>)) {
      walkOne(desc, element, [...path, new MapKeySegment(key, field.mapKey === ScalarType.STRING)], out, registry, depth);
    }
  } else walkOne(desc, value, path, out, registry, depth);
}

function walkOne(desc: DescMessage, value: unknown, path: PathSegment[], out: Violation[], registry: Registry, depth: number): void {
  if (typeof value === "object" && value !== null && "$typeName" in value) walkMessage(desc, value as Message, path, out, registry, depth + 1);
  else walkJson(value, path, out);
}

/** A Struct that protobuf-es holds as a plain JSON value: only non-finite numbers can hide there. */
function walkJson(value: unknown, path: PathSegment[], out: Violation[]): void {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) out.push({ path: formatPath(path), ruleId: "value.valid", message: NOT_FINITE });
  } else if (Array.isArray(value)) {
    value.forEach((element, i) => walkJson(element, [...path, i], out));
  } else if (typeof value === "object" && value !== null) {
    for (const [key, element] of Object.entries(value)) walkJson(element, [...path, new MapKeySegment(key, true)], out);
  }
}
