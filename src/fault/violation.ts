import type { InputPosition } from "./position.js";

export type { InputPosition };

/**
 * One defect of a payload: the package's single error vocabulary.
 *
 * The same defect has the same `path` and `ruleId` whether it was found in
 * binary, JSON or text input, by the rule engine or by ajv.
 */
export interface Violation {
  /**
   * Proto field path with proto names, indexes and map keys:
   * `added_tunnels[0].identity.node_id`, `node.dynamic_parameters["k"]`.
   * A oneof violation's path is the oneof's own name under its parent
   * (`events[3].event_selector`). The empty string means the message itself.
   */
  readonly path: string;
  /**
   * protoc-gen-validate's rule name (`string.min_len`, `message.required`),
   * the package's own `oneof.multiple`, `duration.valid` / `timestamp.valid`
   * (protoc-gen-validate's "value is not a valid duration" before a
   * comparison), or a `json.*` / `wire.*` id for a fault of the encoding.
   */
  readonly ruleId: string;
  /** A sentence for a person, without the path (callers print the path next to it). */
  readonly message: string;
  /** The offending value, when there is one to show. */
  readonly value?: unknown;
  /** The rule's parameters, such as `{ min_len: 1 }`. */
  readonly params?: Readonly<Record<string, unknown>>;
  /** Where the offending value is in the input, when the input was text or bytes. */
  readonly position?: InputPosition;
}

/**
 * The outcome of validating one message. Failures are data: validation
 * throws only for programming errors (an unknown type, an unsupported rule).
 *
 * `warnings` hold findings that are legal but suspicious (for example a
 * non-repeated field present twice on the wire); they never make a message
 * invalid, and callers such as the CLI's `--strict` may treat them as errors.
 */
export type ValidationResult =
  | { readonly kind: "valid"; readonly violations: readonly []; readonly warnings: readonly Violation[] }
  | { readonly kind: "invalid"; readonly violations: readonly Violation[]; readonly warnings: readonly Violation[] };

/** Builds a result from collected violations and warnings. */
export function toResult(violations: readonly Violation[], warnings: readonly Violation[] = []): ValidationResult {
  return violations.length === 0 ? { kind: "valid", violations: [], warnings } : { kind: "invalid", violations, warnings };
}
