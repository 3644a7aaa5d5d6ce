import type { DescField } from "@bufbuild/protobuf";
import { bigintRule, subTree, type RuleTree, type RuleValue } from "./rule-tree.js";

/**
 * The rule ids the rule engine can report for a field, from its rule tree,
 * each with a short rendering of its value for descriptions: the schema
 * states most of them, and names the others (see {@link rulesNote}).
 *
 * The ids follow the engine (src/validate): `<family>.<member>` for each set
 * member, but `ignore_empty` and `message.skip` (which only switch rules off),
 * `repeated.items` (whose members are the elements' own rules), flags set to
 * false, presence rules
 * where the engine never reports them (on a oneof member, or on list elements,
 * which are never unset), an upper bound at or below the lower one as one
 * `<family>.<lower>_<upper>_exclusive` rule, and `<family>.valid` for a
 * duration or timestamp whose value is compared at all.
 */
export function fieldRuleIds(field: DescField, rules: RuleTree | undefined): Map<string, string> {
  const ids = new Map<string, string>();
  if (rules === undefined) return ids;
  const presence = field.fieldKind === "message" && field.oneof === undefined;
  for (const [family, value] of Object.entries(rules)) {
    const tree = asTree(value);
    if (tree === undefined) continue;
    if (family === "message") {
      if (presence && tree["required"] === true) ids.set("message.required", "");
      continue;
    }
    if (family === "repeated") {
      for (const [name, member] of Object.entries(tree)) {
        if (name === "ignore_empty" || member === false) continue;
        if (name === "items") {
          const items = asTree(member);
          for (const [itemFamily, itemValue] of Object.entries(items ?? {})) {
            const itemTree = asTree(itemValue);
            if (itemTree !== undefined && itemFamily !== "message") familyIds(itemFamily, itemTree, false, ids);
          }
          continue;
        }
        ids.set(`repeated.${name}`, show(member));
      }
      continue;
    }
    familyIds(family, tree, presence, ids);
  }
  return ids;
}

function familyIds(family: string, tree: RuleTree, presence: boolean, ids: Map<string, string>): void {
  const lowerKey = "gte" in tree ? "gte" : "gt" in tree ? "gt" : undefined;
  const upperKey = "lte" in tree ? "lte" : "lt" in tree ? "lt" : undefined;
  const exclusive =
    lowerKey !== undefined && upperKey !== undefined && !(boundValue(tree, upperKey)! > boundValue(tree, lowerKey)!);
  if (exclusive) ids.set(`${family}.${lowerKey}_${upperKey}_exclusive`, `outside ${show(tree[upperKey])}..${show(tree[lowerKey])}`);
  let compared = false;
  for (const [name, value] of Object.entries(tree)) {
    // A flag set to false (`defined_only: false`) switches nothing on.
    if (name === "ignore_empty" || value === false) continue;
    if (name === "required") {
      if (presence && value === true) ids.set(`${family}.required`, "");
      continue;
    }
    compared = true;
    if (exclusive && (name === lowerKey || name === upperKey)) continue;
    ids.set(`${family}.${name}`, show(value));
  }
  if (compared && (family === "duration" || family === "timestamp")) ids.set(`${family}.valid`, "");
}

/** A bound as a number to compare: an integer, or a Duration or Timestamp in nanoseconds. */
export function boundValue(tree: RuleTree, name: string): bigint | undefined {
  const integer = bigintRule(tree, name);
  if (integer !== undefined) return integer;
  const time = subTree(tree, name);
  if (time === undefined) return undefined;
  return (bigintRule(time, "seconds") ?? 0n) * 1_000_000_000n + (bigintRule(time, "nanos") ?? 0n);
}

function asTree(value: RuleValue | undefined): RuleTree | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as RuleTree) : undefined;
}

/** A rule's value for a description: `1`, `"^[a-z]+$"`, `[1, 2]`, `3600s`; empty for a flag. */
function show(value: RuleValue | undefined): string {
  if (value === undefined || value === true) return "";
  if (typeof value === "bigint" || typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => show(v)).join(", ")}]`;
  const tree = value as RuleTree;
  if ("seconds" in tree || "nanos" in tree) {
    const nanos = (bigintRule(tree, "seconds") ?? 0n) * 1_000_000_000n + (bigintRule(tree, "nanos") ?? 0n);
    const magnitude = nanos < 0n ? -nanos : nanos;
    const fraction = (magnitude % 1_000_000_000n).toString().padStart(9, "0").replace(/0+$/, "");
    return `${nanos < 0n ? "-" : ""}${magnitude / 1_000_000_000n}${fraction === "" ? "" : `.${fraction}`}s`;
  }
  return JSON.stringify(tree, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

/**
 * The sentence a field's description gains for the rules its schema does not
 * state, so that editors show them; undefined when it states them all.
 */
export function rulesNote(ids: ReadonlyMap<string, string>, expressed: ReadonlySet<string>): string | undefined {
  const missing = [...ids].filter(([id]) => !expressed.has(id));
  if (missing.length === 0) return undefined;
  const list = missing.map(([id, value]) => (value === "" ? id : `${id} ${value}`)).join("; ");
  return `Only \`envoy-tap-tunnel validate\` enforces (JSON Schema cannot state it exactly): ${list}.`;
}
