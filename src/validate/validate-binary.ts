import { fromBinary, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import type { ValidateOptions } from "./context.js";
import { validate } from "./validate.js";
import { toResult, type ValidationResult, type Violation } from "../fault/violation.js";
import { WireRule } from "../fault/rule-ids.js";
import { registry } from "../registry.js";
import { messagePlan } from "../wire/plan.js";
import { withLeadingByteOrderMarks } from "../wire/read-scalar.js";
import { walk, type WalkReport } from "../wire/walk.js";
import { EvalContext } from "./context.js";
import { wireRules } from "./planner.js";

/** Options of {@link validateBinary}. */
export interface ValidateBinaryOptions extends ValidateOptions {
  /** The deepest message nesting accepted. By default, 100 (protobuf-es' decoder limit). */
  readonly recursionLimit?: number;
}

/** The outcome of {@link validateBinary}: the decoded message is included whenever the bytes decode. */
export type BinaryValidationResult<Desc extends DescMessage> = ValidationResult & { readonly message?: MessageShape<Desc> };

/**
 * Validates `bytes` as a `schema` message: its `(validate.rules)` and
 * relations, and what decoding silently forgives, found by a walk of the
 * wire format (`src/wire/`).
 *
 * The walk first tries to prove the payload valid from the bytes alone
 * (presence, oneofs, string lengths and UTF-8, integer, enum, duration and
 * timestamp rules, list counts, the trace relations); such a payload is not
 * decoded until `message` is first read. Any other payload is walked again
 * for the full report, decoded and validated, and every finding gets its
 * path and byte offset (of its field, or of the nearest enclosing field on
 * the wire). Besides the rules, the walk reports two oneof members on the
 * wire (`oneof.multiple`, as JSON input reports it), the warnings
 * `wire.duplicate_field` and `wire.unknown_field` (with the number in
 * `params.number`), and malformed data or a string map key `__proto__` as
 * one `wire.*` violation (ids in `src/fault/rule-ids.ts`), with no `message`
 * then. Messages packed in an `Any` of a type the package knows are walked
 * too.
 */
export function validateBinary<Desc extends DescMessage>(
  schema: Desc,
  bytes: Uint8Array,
  options: ValidateBinaryOptions = {},
): BinaryValidationResult<Desc> {
  if (isCertainlyValidBinary(schema, bytes, options)) {
    let message: MessageShape<Desc> | undefined;
    const decode = () => (message ??= decodeBinary(schema, bytes, options.recursionLimit ?? 100));
    return Object.defineProperty({ ...VALID_BINARY }, "message", { enumerable: true, get: decode }) as BinaryValidationResult<Desc>;
  }
  return validateBinaryInFull(schema, bytes, options);
}

/**
 * The verdict walk of {@link validateBinary}: whether it would certainly
 * find nothing (no violation, no warning), read from the bytes without
 * decoding. `false` means "not certain".
 */
export function isCertainlyValidBinary(schema: DescMessage, bytes: Uint8Array, options: ValidateBinaryOptions = {}): boolean {
  const context = new EvalContext({ ...options, failFast: true });
  return walk(bytes, messagePlan(schema, wireRules), { mode: "verdict", depthLimit: options.recursionLimit ?? 100, registry, context });
}

/** The full path of {@link validateBinary}: every finding, with paths and offsets, whatever the verdict. */
export function validateBinaryInFull<Desc extends DescMessage>(
  schema: Desc,
  bytes: Uint8Array,
  options: ValidateBinaryOptions = {},
): BinaryValidationResult<Desc> {
  const depthLimit = options.recursionLimit ?? 100;
  // The wire alone (no rules) first, without paths: a clean wire needs no report walk.
  const wireClean = walk(bytes, messagePlan(schema), { mode: "verdict", depthLimit, registry });
  const report = wireClean ? CLEAN_WIRE : (walk(bytes, messagePlan(schema), { mode: "report", depthLimit, registry }) as WalkReport);
  // Malformed, or a map key the decoded message could not hold as given: no message to decode.
  if (report.malformed || report.violations.some((v) => v.ruleId === WireRule.forbiddenKey)) {
    return toResult(options.failFast === true ? report.violations.slice(0, 1) : report.violations, report.warnings);
  }
  let message: MessageShape<Desc>;
  try {
    message = decodeBinary(schema, bytes, depthLimit);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return toResult([{ path: "", ruleId: WireRule.malformed, message: `cannot decode ${schema.typeName}: ${reason}` }], report.warnings);
  }
  if (options.failFast === true && report.violations.length > 0) {
    return withMessage(toResult(report.violations.slice(0, 1), report.warnings), message);
  }
  const ruleResult = validate(schema, message, options);
  const warnings = [...report.warnings, ...ruleResult.warnings];
  if (ruleResult.kind === "valid") return withMessage(toResult(report.violations, warnings), message);
  const located = locate(bytes, schema, ruleResult.violations, depthLimit);
  return withMessage(toResult([...report.violations, ...located], warnings), message);
}

const CLEAN_WIRE: WalkReport = Object.freeze({ violations: [], warnings: [], malformed: false });

const VALID_BINARY = { kind: "valid", violations: Object.freeze([]) as readonly [], warnings: Object.freeze([]) as readonly Violation[] } as const;

function decodeBinary<Desc extends DescMessage>(schema: Desc, bytes: Uint8Array, recursionLimit: number): MessageShape<Desc> {
  return withLeadingByteOrderMarks(() => fromBinary(schema, bytes, { readUnknownFields: true, recursionLimit }));
}

function withMessage<Desc extends DescMessage>(result: ValidationResult, message: MessageShape<Desc>): BinaryValidationResult<Desc> {
  return { ...result, message };
}

/**
 * Adds the byte offset of each violation's field, or of its nearest
 * enclosing field present on the wire (a missing required field points at
 * the message that lacks it). Only runs for invalid messages.
 */
function locate(bytes: Uint8Array, schema: DescMessage, violations: readonly Violation[], depthLimit: number): Violation[] {
  const wanted = new Set<string>();
  for (const v of violations) for (const p of pathAndAncestors(v.path)) wanted.add(p);
  const offsets = new Map<string, number>();
  walk(bytes, messagePlan(schema), { mode: "report", depthLimit, registry, wanted, offsets });
  return violations.map((v) => {
    const offset = pathAndAncestors(v.path)
      .map((p) => offsets.get(p))
      .find((o) => o !== undefined);
    return offset === undefined ? v : { ...v, position: { offset } };
  });
}

/**
 * A path followed by its ancestors, nearest first:
 * `a.b[2].c` → `a.b[2].c`, `a.b[2]`, `a.b`, `a`. Brackets inside quoted map
 * keys are not boundaries.
 */
export function pathAndAncestors(path: string): string[] {
  const cuts: number[] = [];
  let inString = false;
  for (let i = 0; i < path.length; i++) {
    const c = path[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if ((c === "." || c === "[") && i > 0) cuts.push(i);
  }
  const out = path === "" ? [] : [path];
  for (let i = cuts.length - 1; i >= 0; i--) out.push(path.slice(0, cuts[i]));
  return out;
}
