import type { DescEnum, DescField, DescMessage } from "@bufbuild/protobuf";
import { getComments } from "@bufbuild/protoplugin";
import type { SchemaObject, SchemaValue } from "./print.js";
import { durationRangePattern, maxDurationNanos } from "./duration-range.js";
import { boundValue, fieldRuleIds, rulesNote } from "./rule-ids.js";
import { fieldRuleTree, flagRule, isOneofRequired, subTree, type RuleTree, type ValidateExtensions } from "./rule-tree.js";
import { scalarSchema } from "./scalar-schema.js";
import { mapKeyPattern, messageJsonTypes, wellKnownDef } from "./wkt-schema.js";

/**
 * Builds `$defs` entries for messages, one per message type, following the
 * proto3 JSON mapping and stating every `(validate.rules)` rule JSON Schema
 * can express natively. Definitions carry no `type` keyword: the schema that
 * refers to one adds it, with `"null"` where the mapping accepts null for the
 * field's default (every keyword in a definition constrains only objects,
 * strings or arrays, so null passes it).
 */
export class DefinitionBuilder {
  private readonly defs = new Map<string, SchemaObject>();
  private readonly refs = new Map<string, ReadonlySet<string>>();

  constructor(
    private readonly ext: ValidateExtensions,
    private readonly refPrefix: string,
  ) {}

  /** The definition of a message, built once. */
  definition(desc: DescMessage): SchemaObject {
    let def = this.defs.get(desc.typeName);
    if (def === undefined) {
      const refs = new Set<string>();
      def = wellKnownDef(desc, (name) => this.ref(name, refs)) ?? this.messageDef(desc, refs);
      this.defs.set(desc.typeName, def);
      this.refs.set(desc.typeName, refs);
      for (const field of desc.fields) {
        if (field.message !== undefined) this.definition(field.message);
      }
      if (desc.typeName === "google.protobuf.Struct" || desc.typeName === "google.protobuf.ListValue") {
        // Their definitions refer to Value without going through a field of the
        // generic path above, so make sure it exists.
        const value = desc.file.messages.find((m) => m.typeName === "google.protobuf.Value");
        if (value !== undefined) this.definition(value);
      }
    }
    return def;
  }

  /** The type names `typeName`'s definition needs, itself included, sorted. */
  reachable(typeName: string): string[] {
    const seen = new Set<string>();
    const stack = [typeName];
    while (stack.length > 0) {
      const name = stack.pop()!;
      if (seen.has(name)) continue;
      seen.add(name);
      for (const next of this.refs.get(name) ?? []) stack.push(next);
    }
    return [...seen].sort();
  }

  /** Every definition built so far, sorted by type name. */
  all(): [string, SchemaObject][] {
    return [...this.defs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** A reference to a message definition, typed for use where `nullable` says. */
  refSchema(desc: DescMessage, nullable: boolean, refs: Set<string>): SchemaObject {
    const types = messageJsonTypes(desc);
    const $ref = this.ref(desc.typeName, refs);
    // google.protobuf.Value is any JSON value, null included: no type at all.
    if (types.length === 0) return { $ref };
    return { type: typeKeyword(nullable ? [...types, "null"] : types), $ref };
  }

  private ref(typeName: string, refs: Set<string>): string {
    refs.add(typeName);
    return this.refPrefix + typeName;
  }

  private messageDef(desc: DescMessage, refs: Set<string>): SchemaObject {
    const properties: Record<string, SchemaValue> = {};
    const required: string[] = [];
    const allOf: SchemaValue[] = [];
    const dependentSchemas: Record<string, SchemaValue> = {};
    for (const field of desc.fields) {
      const rules = fieldRuleTree(field, this.ext);
      const schema = this.fieldSchema(field, rules, refs);
      for (const name of spellings(field)) properties[name] = schema;
      if (isPresenceRequired(field, rules)) {
        if (field.jsonName === field.name) required.push(field.name);
        else allOf.push({ anyOf: spellings(field).map((name) => ({ required: [name] })) });
      }
      for (const name of spellings(field)) {
        const dependent = dependentSchema(field, name);
        if (dependent !== undefined) dependentSchemas[name] = dependent;
      }
    }
    for (const oneof of desc.oneofs) {
      if (!isOneofRequired(oneof, this.ext)) continue;
      // A member written as null is not set (protobuf-es skips it), so it does not count.
      allOf.push({
        anyOf: oneof.fields.flatMap((member) => spellings(member).map((name) => ({ required: [name], properties: { [name]: { not: { type: "null" } } } }))),
      });
    }
    const def: Record<string, SchemaValue> = { title: desc.typeName };
    const description = commentOf(desc);
    if (description !== undefined) def["description"] = description;
    def["properties"] = properties;
    def["additionalProperties"] = false;
    if (required.length > 0) def["required"] = required;
    if (Object.keys(dependentSchemas).length > 0) def["dependentSchemas"] = dependentSchemas;
    if (allOf.length > 0) def["allOf"] = allOf;
    return def;
  }

  /**
   * The schema of one field's value. Every rule it states exactly is
   * recorded; the rules it cannot state are named in its description, so
   * that editors show them.
   */
  private fieldSchema(field: DescField, rules: RuleTree | undefined, refs: Set<string>): SchemaObject {
    const expressed = new Set<string>();
    const schema = this.fieldValueSchema(field, rules, refs, expressed);
    const notes = [commentOf(field), rulesNote(fieldRuleIds(field, rules), expressed)].filter((n): n is string => n !== undefined);
    const head: Record<string, SchemaValue> = {};
    if (notes.length > 0) head["description"] = notes.join("\n\n");
    if (field.deprecated) head["deprecated"] = true;
    return { ...head, ...schema };
  }

  private fieldValueSchema(field: DescField, rules: RuleTree | undefined, refs: Set<string>, expressed: Set<string>): SchemaObject {
    // A field written as null holds its default (0, "", unset, empty); a oneof
    // member written as null is not set at all, so no rule sees it.
    const inOneof = field.oneof !== undefined;
    switch (field.fieldKind) {
      case "scalar": {
        const value = scalarSchema(field.scalar, rules);
        value.expressed.forEach((id) => expressed.add(id));
        return { type: typeKeyword(value.defaultAllowed || inOneof ? [...value.types, "null"] : value.types), ...value.keywords };
      }
      case "enum":
        return enumSchema(field.enum, rules, true, expressed);
      case "message": {
        const required = isPresenceRequired(field, rules);
        if (required) {
          expressed.add("message.required");
          for (const kind of ["timestamp", "duration", "any"]) expressed.add(`${kind}.required`);
        }
        const nullable = !required && field.message.typeName !== "google.protobuf.Value";
        return { ...this.refSchema(field.message, nullable, refs), ...messageValueKeywords(field.message, rules, expressed) };
      }
      case "list": {
        const schema: Record<string, SchemaValue> = {};
        const repeated = subTree(rules, "repeated");
        const items = subTree(repeated, "items");
        let minItems = 0;
        if (repeated !== undefined && !flagRule(repeated, "ignore_empty")) {
          const min = repeated["min_items"];
          const max = repeated["max_items"];
          if (typeof min === "bigint" && min > 0n) minItems = Number(min);
          if (typeof min === "bigint") expressed.add("repeated.min_items");
          if (typeof max === "bigint") {
            schema["maxItems"] = Number(max);
            expressed.add("repeated.max_items");
          }
        }
        schema["type"] = typeKeyword(minItems > 0 ? ["array"] : ["array", "null"]);
        if (field.listKind === "scalar") {
          const value = scalarSchema(field.scalar, items);
          value.expressed.forEach((id) => expressed.add(id));
          schema["items"] = valueKeywords(value);
        } else if (field.listKind === "enum") {
          schema["items"] = enumSchema(field.enum, items, false, expressed);
        } else {
          schema["items"] = { ...this.refSchema(field.message, false, refs), ...messageValueKeywords(field.message, items, expressed) };
        }
        if (minItems > 0) schema["minItems"] = minItems;
        return orderedLike(schema, ["type", "items", "minItems", "maxItems"]);
      }
      case "map": {
        const schema: Record<string, SchemaValue> = {};
        schema["type"] = typeKeyword(["object", "null"]);
        const keyPattern = mapKeyPattern(field.mapKey);
        if (keyPattern !== undefined) schema["propertyNames"] = { pattern: keyPattern };
        schema["additionalProperties"] =
          field.mapKind === "scalar"
            ? valueKeywords(scalarSchema(field.scalar, undefined))
            : field.mapKind === "enum"
              ? enumSchema(field.enum, undefined, false, expressed)
              : this.refSchema(field.message, false, refs);
        return schema;
      }
    }
  }
}

/**
 * What the field's rules add to a message value beyond its definition: for
 * a Duration, the bounds as a pattern (exact, since a Duration is a whole
 * number of nanoseconds; see duration-range.ts). The definitions of Duration
 * and Timestamp already refuse every invalid value (`<family>.valid`).
 */
function messageValueKeywords(desc: DescMessage, rules: RuleTree | undefined, expressed: Set<string>): SchemaObject {
  if (desc.typeName === "google.protobuf.Duration") expressed.add("duration.valid");
  if (desc.typeName === "google.protobuf.Timestamp") expressed.add("timestamp.valid");
  const duration = subTree(rules, "duration");
  if (desc.typeName !== "google.protobuf.Duration" || duration === undefined) return {};
  const gte = boundValue(duration, "gte");
  const gt = boundValue(duration, "gt");
  const lte = boundValue(duration, "lte");
  const lt = boundValue(duration, "lt");
  const low = gte ?? (gt !== undefined ? gt + 1n : undefined);
  const high = lte ?? (lt !== undefined ? lt - 1n : undefined);
  if (low === undefined && high === undefined) return {};
  // An upper bound at or below the lower one means the outside of the interval.
  if (low !== undefined && high !== undefined && (lte ?? lt)! <= (gte ?? gt)!) return {};
  const min = low ?? -maxDurationNanos;
  const max = high ?? maxDurationNanos;
  if (min > max || min > maxDurationNanos || max < -maxDurationNanos) return {};
  for (const key of ["gte", "gt", "lte", "lt"]) if (key in duration) expressed.add(`duration.${key}`);
  return { pattern: durationRangePattern(min, max) };
}

/** The keys of `schema` in the given order (keeps generated files stable however they were filled). */
function orderedLike(schema: Record<string, SchemaValue>, order: readonly string[]): SchemaObject {
  const out: Record<string, SchemaValue> = {};
  for (const key of order) if (key in schema) out[key] = schema[key]!;
  for (const [key, value] of Object.entries(schema)) if (!(key in out)) out[key] = value;
  return out;
}

/** The JSON Schema `type` keyword: a string for one type, an array for several. */
export function typeKeyword(types: readonly string[]): SchemaValue {
  return types.length === 1 ? types[0]! : [...types];
}

function valueKeywords(value: { types: readonly string[]; keywords: SchemaObject }): SchemaObject {
  return { type: typeKeyword(value.types), ...value.keywords };
}

/**
 * An enum by name or number. With `defined_only` the allowed values are
 * listed; otherwise any name of the enum or any 32-bit number is accepted.
 */
function enumSchema(desc: DescEnum, rules: RuleTree | undefined, nullable: boolean, expressed: Set<string>): SchemaObject {
  if (desc.typeName === "google.protobuf.NullValue") return { type: "null" };
  const names = desc.values.map((v) => v.name);
  const enumRules = subTree(rules, "enum");
  if (flagRule(enumRules, "defined_only")) {
    expressed.add("enum.defined_only");
    const numbers = [...new Set(desc.values.map((v) => v.number))];
    return { enum: [...names, ...numbers, ...(nullable ? [null] : [])] };
  }
  return {
    type: typeKeyword(nullable ? ["string", "integer", "null"] : ["string", "integer"]),
    if: { type: "string" },
    then: { enum: names },
    minimum: -(2 ** 31),
    maximum: 2 ** 31 - 1,
  };
}

/** The JSON keys that set the field: its proto name, and its JSON name when that differs. */
export function spellings(field: DescField): string[] {
  return field.jsonName === field.name ? [field.name] : [field.name, field.jsonName];
}

/** Whether a rule requires the field to be present (set), even to its default. */
function isPresenceRequired(field: DescField, rules: RuleTree | undefined): boolean {
  // protoc-gen-validate checks only the oneof member that is set: a presence
  // rule on a member never makes the member itself required.
  if (field.fieldKind !== "message" || field.oneof !== undefined) return false;
  return ["message", "timestamp", "duration", "any"].some((kind) => flagRule(subTree(rules, kind), "required"));
}

/**
 * What the presence of key `name` forbids: the field's other spelling (a field
 * may be set once), and every other member of its oneof. protobuf-es ignores a
 * null scalar oneof member when counting a oneof's members, so a null scalar
 * neither conflicts nor is conflicted with; a field's two spellings conflict
 * even when one is null.
 */
function dependentSchema(field: DescField, name: string): SchemaObject | undefined {
  const parts: SchemaObject[] = [];
  for (const other of spellings(field)) {
    if (other !== name) parts.push({ not: { required: [other] } });
  }
  const oneof = field.oneof;
  if (oneof !== undefined) {
    const conflicts: SchemaObject[] = [];
    for (const member of oneof.fields) {
      if (member === field) continue;
      for (const other of spellings(member)) {
        conflicts.push(
          member.fieldKind === "scalar" ? { required: [other], properties: { [other]: { not: { type: "null" } } } } : { required: [other] },
        );
      }
    }
    if (conflicts.length > 0) {
      const forbid: SchemaObject = { not: conflicts.length === 1 ? conflicts[0]! : { anyOf: conflicts } };
      parts.push(field.fieldKind === "scalar" ? { if: { properties: { [name]: { not: { type: "null" } } } }, then: forbid } : forbid);
    }
  }
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? parts[0] : { allOf: parts };
}

/** The element's leading comment (or trailing, when it has none), lines trimmed. */
function commentOf(desc: DescMessage | DescField): string | undefined {
  const comments = getComments(desc);
  const text = comments.leading ?? comments.trailing;
  if (text === undefined) return undefined;
  const cleaned = text
    .split("\n")
    .map((line) => line.trim())
    .join("\n")
    .trim();
  return cleaned === "" ? undefined : cleaned;
}
