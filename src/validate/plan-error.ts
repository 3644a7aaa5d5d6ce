/**
 * Thrown while planning a validator when a message's `(validate.rules)`
 * cannot be honoured: a rule set on a field of a kind it does not apply to, a
 * rule this package's subset of validate.proto does not declare (it arrives
 * as an unknown field), a contradictory pair of bounds, or a `pattern` that is
 * not RE2 or that JavaScript cannot run with RE2's meaning. A rule is never
 * silently ignored, so a schema problem surfaces when the type is first
 * validated rather than as data that passes unchecked.
 */
export class PlanError extends Error {
  override readonly name = "PlanError";
  constructor(
    /** The full name of the field carrying the rule: `envoy.config.core.v3.Pipe.path`. */
    readonly field: string,
    /** The rule, as a rule id (`string.min_len`) or a description of the unknown rule. */
    readonly rule: string,
    /** Why the rule cannot be planned. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot plan validation of ${field}: ${rule} ${reason}`, options);
  }
}

/** Whether `error` is a {@link PlanError}. */
export function isPlanError(error: unknown): error is PlanError {
  return error instanceof Error && error.name === "PlanError";
}
