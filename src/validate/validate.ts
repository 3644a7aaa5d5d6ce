import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import { EvalContext, type ValidateOptions } from "./context.js";
import { planValidator } from "./planner.js";
import { toResult, type ValidationResult } from "./violation.js";

/** Shared by every valid outcome, so frozen: a caller cannot add to another caller's result. */
const VALID: ValidationResult = Object.freeze({ kind: "valid", violations: Object.freeze([]) as readonly [], warnings: Object.freeze([]) });

/**
 * Validates a message against the `(validate.rules)`, `(validate.required)`
 * and `(validate.disabled)` annotations of its type and of every message it
 * contains. The validator of each type is planned once and cached.
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
  if (!validator.active) return VALID;
  const ctx = new EvalContext(options);
  validator.evaluate(message, ctx);
  return ctx.violations.length === 0 && ctx.warnings.length === 0 ? VALID : toResult(ctx.violations, ctx.warnings);
}
