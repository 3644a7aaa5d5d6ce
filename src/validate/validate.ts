import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import { EvalContext, type ValidateOptions } from "./context.js";
import { registry } from "../registry.js";
import { planValidator } from "./planner.js";
import { findUnprintable } from "./rules/printable.js";
import { toResult, type ValidationResult } from "../fault/violation.js";

/** Shared by every valid outcome, so frozen: a caller cannot add to another caller's result. */
const VALID: ValidationResult = Object.freeze({ kind: "valid", violations: Object.freeze([]) as readonly [], warnings: Object.freeze([]) });

/**
 * Validates a message against the `(validate.rules)`, `(validate.required)`
 * and `(validate.disabled)` annotations of its type and of every message it
 * contains. The validator of each type is planned once and cached.
 *
 * Values that Google's runtime decodes but no JSON printer can show (a
 * Timestamp or Duration out of range, a `google.protobuf.Value` with no kind
 * or a non-finite number, also inside `Any` payloads the package registry
 * knows) are `timestamp.valid`, `duration.valid` and `value.valid`.
 *
 * Returns every violation (or only the first, with `failFast`); throws only
 * for programming errors: a message of another type than `schema`, or a rule
 * the engine cannot honour (`PlanError`).
 */
export function validate<Desc extends DescMessage>(
  schema: Desc,
  message: MessageShape<Desc>,
  options?: ValidateOptions,
): ValidationResult {
  if (message.$typeName !== schema.typeName) {
    throw new TypeError(`cannot validate a ${message.$typeName} message as ${schema.typeName}`);
  }
  const validator = planValidator(schema);
  const unprintable = findUnprintable(schema, message, registry);
  if (!validator.active && unprintable.length === 0) return VALID;
  const ctx = new EvalContext(options);
  if (validator.active) validator.evaluate(message, ctx);
  // Values no JSON printer can show (a Duration rule may have named one already).
  const violations = [...ctx.violations];
  for (const v of unprintable) {
    if (options?.failFast === true && violations.length > 0) break;
    if (!violations.some((w) => w.path === v.path && w.ruleId === v.ruleId)) violations.push(v);
  }
  return violations.length === 0 && ctx.warnings.length === 0 ? VALID : toResult(violations, ctx.warnings);
}
