import { fromJson, type DescMessage, type JsonValue, type Registry } from "@bufbuild/protobuf";
import { hasCustomJsonRepresentation } from "@bufbuild/protobuf/wkt";
import { fieldForJsonKey, keySegment, packedType } from "./json-path.js";
import { formatPath, MapKeySegment, type PathSegment } from "../fault/path.js";
import type { Violation } from "../fault/violation.js";

/**
 * Turns a protobuf-es JSON parse error into one violation at the innermost
 * message value that fails to parse on its own. The generated schema catches
 * nearly every fault before protobuf-es runs; this covers the few it cannot
 * state (a timestamp whose offset moves it past year 9999, an Any of a type
 * the registry does not know, a fault inside the message an Any packs). Only runs after a failure, so re-parsing
 * sub-values costs nothing on valid input.
 */
export function parseFailureViolation(schema: DescMessage, value: unknown, cause: unknown, registry: Registry): Violation {
  const found = innermostFailure(schema, value, [], registry) ?? { segments: [], cause };
  const text = found.cause instanceof Error ? found.cause.message : String(found.cause);
  const unknownKey = /key "(.*)" is unknown$/.exec(text)?.[1];
  if (unknownKey !== undefined) {
    return { path: formatPath([...found.segments, keySegment(unknownKey)]), ruleId: "json.unknown_field", message: `unknown field "${unknownKey}"` };
  }
  return { path: formatPath(found.segments), ruleId: classify(text), message: text };
}

interface Failure {
  readonly segments: readonly PathSegment[];
  readonly cause: unknown;
}

function innermostFailure(desc: DescMessage, value: unknown, segments: readonly PathSegment[], registry: Registry): Failure | undefined {
  try {
    fromJson(desc, value as JsonValue, { registry });
    return undefined;
  } catch (cause) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return { segments, cause };
    if (desc.typeName === "google.protobuf.Any") {
      // The packed message's fields share the Any's object; look inside it.
      const packed = packedType(value, registry);
      if (packed !== undefined && !hasCustomJsonRepresentation(packed)) {
        const fields = Object.fromEntries(Object.entries(value).filter(([key]) => key !== "@type"));
        return innermostFailure(packed, fields, segments, registry) ?? { segments, cause };
      }
      return { segments, cause };
    }
    if (hasCustomJsonRepresentation(desc)) return { segments, cause };
    for (const [key, child] of Object.entries(value)) {
      const field = fieldForJsonKey(desc, key);
      if (field?.message === undefined || child === null) continue;
      const at = [...segments, field.name];
      let failure: Failure | undefined;
      if (field.fieldKind === "list" && Array.isArray(child)) {
        for (let i = 0; i < child.length && failure === undefined; i++) failure = innermostFailure(field.message, child[i], [...at, i], registry);
      } else if (field.fieldKind === "map" && typeof child === "object") {
        for (const [k, v] of Object.entries(child as object)) {
          failure ??= innermostFailure(field.message, v, [...at, new MapKeySegment(k, true)], registry);
        }
      } else if (field.fieldKind === "message") {
        failure = innermostFailure(field.message, child, at, registry);
      }
      if (failure !== undefined) return failure;
    }
    return { segments, cause };
  }
}

function classify(text: string): string {
  if (text.includes("google.protobuf.Timestamp")) return "json.timestamp";
  if (text.includes("google.protobuf.Duration")) return "json.duration";
  if (text.includes("google.protobuf.Any")) return "json.any";
  if (text.includes("base64")) return "json.base64";
  if (text.includes("recursion depth")) return "json.depth";
  if (text.includes("out of range")) return "json.range";
  return "json.type";
}
