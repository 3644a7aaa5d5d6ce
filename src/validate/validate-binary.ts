import { fromBinary, type DescMessage, type Message, type MessageShape } from "@bufbuild/protobuf";
import type { ValidateOptions } from "./context.js";
import { toResult, type ValidationResult, type Violation } from "../fault/violation.js";
import { WireRule } from "../fault/rule-ids.js";
import { registry } from "../registry.js";
import { messagePlan } from "../wire/plan.js";
import { withLeadingByteOrderMarks } from "../wire/read-scalar.js";
import { walk, type FailingMessage, type WalkReport } from "../wire/walk.js";
import { formatPath, MapKeySegment } from "../fault/path.js";
import { EvalContext } from "./context.js";
import { planValidator, wireRules } from "./planner.js";
import { findUnprintable } from "./rules/printable.js";

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
  if (isCertainlyValidBinary(schema, bytes, options)) return withMessage(VALID_BINARY, schema, bytes, options.recursionLimit ?? 100);
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

/**
 * The full path of {@link validateBinary}: every finding, with paths and
 * offsets, whatever the verdict. One walk reports the wire's findings and
 * the messages whose rules it could not prove kept; on a wire without
 * findings only those messages are decoded and validated (each is one run
 * of bytes, and the rest of the payload is certainly valid), otherwise the
 * whole message is.
 */
export function validateBinaryInFull<Desc extends DescMessage>(
  schema: Desc,
  bytes: Uint8Array,
  options: ValidateBinaryOptions = {},
): BinaryValidationResult<Desc> {
  const depthLimit = options.recursionLimit ?? 100;
  const plan = messagePlan(schema, wireRules);
  const failing: FailingMessage[] = [];
  const context = new EvalContext({ ...options, failFast: true });
  const report = walk(bytes, plan, { mode: "report", depthLimit, registry, context, failing }) as WalkReport;
  // Malformed, or a map key the decoded message could not hold as given: no message to decode.
  if (report.malformed || report.violations.some((v) => v.ruleId === WireRule.forbiddenKey)) {
    return toResult(options.failFast === true ? report.violations.slice(0, 1) : report.violations, report.warnings);
  }
  if (options.failFast === true && report.violations.length > 0) {
    return withMessage(toResult(report.violations.slice(0, 1), report.warnings), schema, bytes, depthLimit);
  }
  // A field twice merges or replaces across runs of bytes, and a map orders its keys its own way: then the whole message is validated.
  const parts =
    report.violations.length === 0 && report.warnings.length === 0 && failing.every((part) => !part.path.some((s) => s instanceof MapKeySegment))
      ? failing.sort(validatorOrder(schema))
      : [{ plan, path: [], start: 0, end: bytes.length, tagOffset: -1 }];
  const ctx = new EvalContext(options);
  const unprintable: Violation[] = [];
  let whole: MessageShape<Desc> | undefined;
  for (const part of parts) {
    let message: Message;
    try {
      message = decodeBinary(part.plan.schema, bytes.subarray(part.start, part.end), depthLimit);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return toResult([{ path: "", ruleId: WireRule.malformed, message: `cannot decode ${schema.typeName}: ${reason}` }], report.warnings);
    }
    if (part.tagOffset < 0) whole = message as MessageShape<Desc>;
    // A plan without rules is a message the validator does not descend into (its type has no rules, or its field skips them).
    if (part.plan.rules !== undefined && !ctx.stopped) {
      ctx.path.push(...part.path);
      planValidator(part.plan.schema).evaluate(message, ctx);
      ctx.path.length = 0;
    }
    const prefix = formatPath(part.path);
    for (const v of findUnprintable(part.plan.schema, message, registry)) unprintable.push({ ...v, path: joinPath(prefix, v.path) });
  }
  // Values no JSON printer can show, after the rules' findings, as validate() reports them.
  const violations = [...ctx.violations];
  for (const v of unprintable) {
    if (options.failFast === true && violations.length > 0) break;
    if (!violations.some((w) => w.path === v.path && w.ruleId === v.ruleId)) violations.push(v);
  }
  const result = toResult([...report.violations, ...locate(bytes, parts, violations, depthLimit)], [...report.warnings, ...ctx.warnings]);
  return withMessage(result, schema, bytes, depthLimit, whole);
}

const VALID_BINARY = { kind: "valid", violations: Object.freeze([]) as readonly [], warnings: Object.freeze([]) as readonly Violation[] } as const;

function decodeBinary<Desc extends DescMessage>(schema: Desc, bytes: Uint8Array, recursionLimit: number): MessageShape<Desc> {
  return withLeadingByteOrderMarks(() => fromBinary(schema, bytes, { readUnknownFields: true, recursionLimit }));
}

/** `result` with the decoded message, decoded when first read unless already at hand. */
function withMessage<Desc extends DescMessage>(
  result: ValidationResult,
  schema: Desc,
  bytes: Uint8Array,
  recursionLimit: number,
  decoded?: MessageShape<Desc>,
): BinaryValidationResult<Desc> {
  let message = decoded;
  const decode = () => (message ??= decodeBinary(schema, bytes, recursionLimit));
  return Object.defineProperty({ ...result }, "message", { enumerable: true, get: decode }) as BinaryValidationResult<Desc>;
}

/** `relative`, a path inside the message at `prefix`, from the root. */
function joinPath(prefix: string, relative: string): string {
  return prefix === "" ? relative : relative === "" ? prefix : `${prefix}.${relative}`;
}

/** Orders messages as the validator meets them: fields in declaration order, list elements by index. */
function validatorOrder(schema: DescMessage): (a: FailingMessage, b: FailingMessage) => number {
  return (a, b) => {
    let desc: DescMessage | undefined = schema;
    for (let i = 0; i < a.path.length && i < b.path.length; i++) {
      const [x, y] = [a.path[i], b.path[i]];
      if (typeof x === "number" && typeof y === "number" && x !== y) return x - y;
      if (x !== y) return desc!.fields.findIndex((f) => f.name === x) - desc!.fields.findIndex((f) => f.name === y);
      if (typeof x === "string") desc = desc!.fields.find((f) => f.name === x)!.message;
    }
    return a.path.length - b.path.length;
  };
}

/**
 * Adds the byte offset of each violation's field, or of its nearest
 * enclosing field present on the wire (a missing required field points at
 * the message that lacks it), walking only the parts the violations are in.
 */
function locate(bytes: Uint8Array, parts: readonly FailingMessage[], violations: readonly Violation[], depthLimit: number): Violation[] {
  const where = parts.map((part) => ({ part, prefix: formatPath(part.path), wanted: new Set<string>(), offsets: new Map<string, number>() }));
  const found = violations.map((violation) => {
    const path = violation.path;
    const at = where.find((w) => w.prefix === "" || path === w.prefix || path.startsWith(`${w.prefix}.`))!;
    // Paths inside the part, nearest first; the part's own field stands for the part and its ancestors.
    const relative = pathAndAncestors(at.prefix === "" ? path : path.slice(at.prefix.length + 1));
    for (const p of relative) at.wanted.add(p);
    return { violation, at, relative };
  });
  for (const { part, wanted, offsets } of where) {
    if (wanted.size > 0) walk(bytes.subarray(part.start, part.end), messagePlan(part.plan.schema), { mode: "report", depthLimit, registry, wanted, offsets });
  }
  return found.map(({ violation, at, relative }) => {
    const inPart = relative.map((p) => at.offsets.get(p)).find((o) => o !== undefined);
    const offset = inPart !== undefined ? at.part.start + inPart : at.part.tagOffset;
    return offset < 0 ? violation : { ...violation, position: { offset } };
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
