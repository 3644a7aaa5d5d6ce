/**
 * Checks that a generated JSON Schema is honest about the rules: every rule id
 * the planner can report for a field is either stated by the field's schema
 * (checked by behaviour at the bound where a bound is involved) or named in
 * the field's description. Used on the package's own schemas and on fixture
 * schemas written by the plugin.
 */
import { getOption, hasOption, type DescField, type DescMessage, type Message } from "@bufbuild/protobuf";
import { Ajv2020 } from "ajv/dist/2020.js";
import { required as oneofRequired, rules as rulesOption, type FieldRules } from "../../gen/validate/validate_pb.js";
import { ajvOptions } from "../../plugins/jsonschema/standalone-validators.js";
import { formatDuration, totalNanos } from "./format.js";
import { setRuleNames } from "./rules/rule-fields.js";
import { FAMILIES } from "./type-rules.js";

/** One rule id the planner can report for a field, and what a check needs to know about it. */
export interface PlannedRule {
  readonly id: string;
  /** Whether the rule applies to the elements of a list rather than the field. */
  readonly element: boolean;
  /** The rule's value: a number, a flag, or a bound in nanoseconds for durations. */
  readonly value: unknown;
}

/**
 * The rule ids the planner can report for `field`, read from its FieldRules
 * with the planner's own `setRuleNames`: `<family>.<member>` per set member,
 * but not `ignore_empty`, `message.skip`, flags set to false, presence rules
 * on oneof members or list elements; an inverted pair of bounds as
 * `<family>.<lower>_<upper>_exclusive`; `<family>.valid` for a duration or
 * timestamp that is compared.
 */
export function plannedRuleIds(field: DescField): PlannedRule[] {
  if (!hasOption(field, rulesOption)) return [];
  const rules = getOption(field, rulesOption);
  const out: PlannedRule[] = [];
  const presence = field.fieldKind === "message" && field.oneof === undefined;
  if (presence && rules.message !== undefined && rules.message.required) out.push({ id: "message.required", element: false, value: true });
  addFamily(rules.type, presence, false, out);
  return out;
}

function addFamily(type: FieldRules["type"], presence: boolean, element: boolean, out: PlannedRule[]): void {
  if (type.case === undefined) return;
  const family = type.case;
  const schema = FAMILIES[family].schema;
  const names = setRuleNames(type.value as Message, schema, family, { field: "honesty check", target: "a field" });
  const valueOf = (name: string): unknown => (type.value as unknown as Record<string, unknown>)[schema.fields.find((f) => f.name === name)!.localName];
  const asNumber = (value: unknown): unknown =>
    typeof value === "object" && value !== null && "seconds" in value ? totalNanos(value as { seconds: bigint; nanos: number }) : value;
  if (family === "repeated") {
    for (const name of names) {
      if (name === "ignore_empty") continue;
      if (name === "items") {
        const items = type.value.items;
        if (items !== undefined) addFamily(items.type, false, true, out);
        continue;
      }
      if (valueOf(name) !== false) out.push({ id: `repeated.${name}`, element: false, value: valueOf(name) });
    }
    return;
  }
  const lower = names.includes("gte") ? "gte" : names.includes("gt") ? "gt" : undefined;
  const upper = names.includes("lte") ? "lte" : names.includes("lt") ? "lt" : undefined;
  const exclusive = lower !== undefined && upper !== undefined && !((asNumber(valueOf(upper)) as bigint) > (asNumber(valueOf(lower)) as bigint));
  if (exclusive) out.push({ id: `${family}.${lower}_${upper}_exclusive`, element, value: undefined });
  let compared = false;
  for (const name of names) {
    const value = valueOf(name);
    if (name === "ignore_empty" || value === false) continue;
    if (name === "required") {
      if (presence) out.push({ id: `${family}.required`, element, value });
      continue;
    }
    compared = true;
    if (exclusive && (name === lower || name === upper)) continue;
    out.push({ id: `${family}.${name}`, element, value: asNumber(value) });
  }
  if (compared && (family === "duration" || family === "timestamp")) out.push({ id: `${family}.valid`, element, value: undefined });
}

type Json = Record<string, unknown>;

/**
 * The problems of `file` (a self-contained `<type>.schema.json` document
 * describing `desc`): rules neither stated nor named. Empty when honest.
 */
export function schemaHonestyProblems(desc: DescMessage, file: Json): string[] {
  const ajv = new Ajv2020(ajvOptions);
  const id = `urn:honesty:${desc.typeName}`;
  ajv.addSchema({ ...file, $id: id });
  const defs = file["$defs"] as Record<string, Json>;
  const problems: string[] = [];
  const visited = new Set<string>();
  const visit = (message: DescMessage) => {
    if (visited.has(message.typeName)) return;
    visited.add(message.typeName);
    const def = defs[message.typeName];
    if (def === undefined) return;
    const properties = (def["properties"] ?? {}) as Record<string, Json>;
    for (const field of message.fields) {
      if (field.message !== undefined) visit(field.message);
      const property = properties[field.name];
      if (property === undefined) continue;
      const accepts = (value: unknown) => ajv.validate({ $ref: `${id}#/$defs/${message.typeName}/properties/${field.name}` }, value);
      for (const rule of plannedRuleIds(field)) {
        if (isStated(rule, field, def, property, defs, accepts)) continue;
        const description = property["description"];
        if (typeof description === "string" && description.includes(rule.id)) continue;
        problems.push(`${message.typeName}.${field.name}: ${rule.id} is neither stated nor named`);
      }
    }
    for (const oneof of message.oneofs) {
      if (!hasOption(oneof, oneofRequired) || !getOption(oneof, oneofRequired)) continue;
      // Some member must be present and not null: anyOf, one branch per spelling.
      const members = oneof.fields.flatMap((f) => (f.jsonName === f.name ? [f.name] : [f.name, f.jsonName]));
      const allOf = (def["allOf"] ?? []) as Json[];
      const nonNull = members.map((name) => ({ required: [name], properties: { [name]: { not: { type: "null" } } } }));
      if (!allOf.some((part) => JSON.stringify(part["anyOf"]) === JSON.stringify(nonNull))) {
        problems.push(`${message.typeName}.${oneof.name}: oneof.required is neither stated nor named`);
      }
    }
  };
  visit(desc);
  return problems;
}

function isStated(rule: PlannedRule, field: DescField, def: Json, property: Json, defs: Record<string, Json>, accepts: (v: unknown) => boolean): boolean {
  const target = (rule.element ? property["items"] : property) as Json;
  const wrap = (v: unknown) => (rule.element ? [v] : v);
  const n = (v: unknown) => Number(v);
  const [family, member] = rule.id.split(".") as [string, string];
  // A scalar field written as null holds its default ("" or 0); a oneof member written as null is unset.
  const nullIsDefault = !rule.element && field.fieldKind === "scalar" && field.oneof === undefined;
  const nullAgrees = (defaultMeetsRule: boolean) => !nullIsDefault || accepts(null) === defaultMeetsRule;
  switch (rule.id) {
    case "string.min_len":
      return (target["minLength"] === n(rule.value) || (n(rule.value) === 0 && target["minLength"] === undefined)) && nullAgrees(n(rule.value) === 0);
    case "string.max_len":
      return target["maxLength"] === n(rule.value);
    case "string.len":
      return target["minLength"] === n(rule.value) && target["maxLength"] === n(rule.value) && nullAgrees(n(rule.value) === 0);
    case "string.min_bytes":
      return (n(rule.value) === 0 || (n(rule.value) === 1 && target["minLength"] === 1)) && nullAgrees(n(rule.value) === 0);
    case "enum.defined_only":
      return Array.isArray(target["enum"]);
    case "repeated.min_items":
      return n(rule.value) === 0 || (property["minItems"] === n(rule.value) && !accepts(null));
    case "repeated.max_items":
      return property["maxItems"] === n(rule.value);
    case "duration.valid":
    case "timestamp.valid":
      return typeof defs[`google.protobuf.${family === "duration" ? "Duration" : "Timestamp"}`]?.["pattern"] === "string";
  }
  if (member === "required" && !rule.element) {
    const required = (def["required"] ?? []) as string[];
    const spellings = field.jsonName === field.name ? [field.name] : [field.name, field.jsonName];
    const allOf = (def["allOf"] ?? []) as Json[];
    const stated =
      required.includes(field.name) ||
      allOf.some((part) => JSON.stringify(part["anyOf"]) === JSON.stringify(spellings.map((name) => ({ required: [name] }))));
    return stated && !accepts(null);
  }
  if (["gte", "gt", "lte", "lt"].includes(member) && (family === "int64" || family === "uint32" || family === "duration")) {
    // By behaviour: the bound itself and one step past it, in every JSON form.
    const limit = BigInt(rule.value as bigint | number);
    const inside = member === "gte" || member === "lte" ? limit : member === "gt" ? limit + 1n : limit - 1n;
    const outside = member === "gte" ? limit - 1n : member === "lte" ? limit + 1n : limit;
    const forms = (v: bigint): unknown[] =>
      family === "duration" ? [formatDuration(v)] : v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? [v.toString(), Number(v)] : [v.toString()];
    const zeroMeets = member === "gte" ? 0n >= limit : member === "gt" ? 0n > limit : member === "lte" ? 0n <= limit : 0n < limit;
    return forms(inside).every((v) => accepts(wrap(v))) && forms(outside).every((v) => !accepts(wrap(v))) && (family === "duration" || nullAgrees(zeroMeets));
  }
  return false;
}
