import type { Violation } from "./violation.js";

/**
 * Thrown by `assertValid` for a message that breaks its rules. The message
 * names the type, the first violation and how many more there are:
 * `invalid envoy.data.tap.v2alpha.Trace: events[0].event_selector: exactly
 * one of read, write must be set [oneof.required] (and 2 more)`.
 */
export class ValidationError extends Error {
  override readonly name = "ValidationError";
  constructor(
    /** The full name of the validated type. */
    readonly typeName: string,
    /** Every violation found, at least one. */
    readonly violations: readonly Violation[],
  ) {
    super(describeViolations(typeName, violations));
  }
}

/** Whether `error` is a {@link ValidationError}. */
export function isValidationError(error: unknown): error is ValidationError {
  return error instanceof Error && error.name === "ValidationError";
}

/** `invalid TYPE: path: message [rule.id] (and N more)`, without the path for the message itself. */
function describeViolations(typeName: string, violations: readonly Violation[]): string {
  const first = violations[0];
  if (first === undefined) return `invalid ${typeName}`;
  const more = violations.length > 1 ? ` (and ${violations.length - 1} more)` : "";
  return `invalid ${typeName}: ${first.path === "" ? "" : `${first.path}: `}${first.message} [${first.ruleId}]${more}`;
}
