import { formatPath } from "../fault/path.js";
import { OneofRule, WireRule } from "../fault/rule-ids.js";
import type { Violation } from "../fault/violation.js";
import { WIRE_TYPE_NAMES, WireFault } from "./cursor.js";
import type { FieldPlan, MessagePlan } from "./plan.js";
import { STOP } from "./stop.js";
import type { Walker } from "./walker.js";

// What a walk does at a finding: a verdict walk stops, a report walk records
// it with its path and offset (also when it checks rules, see
// `WalkOptions.failing`), a locate walk stops only at what a decoder refuses.
// And the path bookkeeping of report walks.

/** A string map key `__proto__` (`wire.forbidden_key`), which a decoded map cannot hold. */
export function forbiddenKey(walker: Walker, offset: number): void {
  const message = 'the map key "__proto__" is not accepted (it cannot be stored safely)';
  if (!walker.track) throw walker.verdict ? STOP : new WireFault(WireRule.forbiddenKey, message, offset);
  walker.violations.push(finding(walker, WireRule.forbiddenKey, message, offset));
}

/** A second member of a oneof on the wire (`oneof.multiple`), reported at the oneof's path. */
export function oneofMultiple(walker: Walker, plan: MessagePlan, field: FieldPlan, offset: number): void {
  if (!reported(walker)) return;
  const oneof = plan.oneofs[field.oneofIndex]!;
  walker.path[walker.path.length - 1] = oneof.name;
  walker.violations.push(finding(walker, OneofRule.multiple, `at most one of ${oneof.members.join(", ")} may be set`, offset));
  walker.path[walker.path.length - 1] = field.name;
}

/**
 * A field `plan`'s type does not declare (warning `wire.unknown_field`),
 * once per number and message, at the message's path: the decoder keeps it
 * for binary output, but JSON and text cannot hold it. Not reported inside
 * `Any` payloads, which are kept as bytes.
 */
export function unknownField(walker: Walker, plan: MessagePlan, number: number, wireType: number, offset: number): void {
  if (walker.anyDepth > 0 || !reported(walker)) return;
  walker.warnings.push(finding(walker, WireRule.unknownField, `unknown field ${number} (${WIRE_TYPE_NAMES[wireType]}) of ${plan.schema.typeName}`, offset, { number }));
}

/** A singular field seen again (warning `wire.duplicate_field`); a message field's occurrences merge, a scalar's replace. */
export function duplicate(walker: Walker, field: FieldPlan, offset: number): void {
  if (!reported(walker)) return;
  const consequence = field.child !== undefined ? "the decoder merges the occurrences" : "the decoder keeps the last value";
  walker.warnings.push(finding(walker, WireRule.duplicateField, `singular field appears more than once; ${consequence}`, offset));
}

/** Whether a walk records a finding that leaves the bytes readable: a verdict walk stops at it, a locate walk goes on. */
function reported(walker: Walker): boolean {
  if (!walker.track && walker.verdict) throw STOP;
  return walker.track;
}

/** A finding at the walk's path and `offset`. */
function finding(walker: Walker, ruleId: string, message: string, offset: number, params?: Readonly<Record<string, unknown>>): Violation {
  const path = formatPath(walker.path);
  return params === undefined ? { path, ruleId, message, position: { offset } } : { path, ruleId, message, params, position: { offset } };
}

/** Counts the element of a list field; in `report` mode also pushes the path segments (name, and index for elements). */
export function pushField(walker: Walker, field: FieldPlan, counts: Map<number, number> | undefined): Map<number, number> | undefined {
  if (walker.track) walker.path.push(field.name);
  if (field.list) {
    counts ??= new Map();
    const index = counts.get(field.number) ?? 0;
    counts.set(field.number, index + 1);
    if (walker.track) walker.path.push(index);
  }
  return counts;
}

/** Pops what {@link pushField} pushed onto the path. */
export function popField(walker: Walker, field: FieldPlan): void {
  walker.path.pop();
  if (field.list) walker.path.pop();
}

/** Records the offset of the field at the current path when the caller asked for that path (`wanted`). */
export function record(walker: Walker, offset: number): void {
  const wanted = walker.options.wanted;
  if (wanted === undefined) return;
  const path = formatPath(walker.path);
  if (wanted.has(path) && !walker.options.offsets!.has(path)) walker.options.offsets!.set(path, offset);
}
