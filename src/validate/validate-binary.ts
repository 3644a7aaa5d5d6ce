import { fromBinary, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import type { ValidateOptions } from "./context.js";
import { validate } from "./validate.js";
import { toResult, type ValidationResult, type Violation } from "./violation.js";
import { wirePlan } from "./wire-plan.js";
import { NEEDS_DETAIL, scanWire, type WireScanResult } from "./wire-scan.js";

/** Options of {@link validateBinary}. */
export interface ValidateBinaryOptions extends ValidateOptions {
  /** The deepest message nesting accepted. By default, 100 (protobuf-es' decoder limit). */
  readonly recursionLimit?: number;
}

/** The outcome of {@link validateBinary}: the decoded message is included whenever the bytes decode. */
export type BinaryValidationResult<Desc extends DescMessage> = ValidationResult & { readonly message?: MessageShape<Desc> };

/**
 * Decodes `bytes` as a `schema` message (unknown fields kept) and validates
 * it, and also reports what decoding silently forgives, found by a scan of
 * the wire format:
 *
 * - two members of one oneof on the wire: violation `oneof.multiple` at the
 *   oneof's path (`events[3].event_selector`), as JSON input reports it;
 * - a singular field present more than once: warning `wire.duplicate_field`;
 * - a field number the type does not declare: warning `wire.unknown_field`
 *   at the enclosing message's path (`events[0]`, or `""` for the root),
 *   with the number in `params.number`, once per number and message (the
 *   decoder keeps it for binary output; JSON and text cannot hold it;
 *   messages packed in an Any are not scanned);
 * - malformed data (truncated values, lengths past their message, invalid
 *   tags or wire types, a wire type the field's type never uses, invalid
 *   UTF-8 in a string field, nesting past the limit): one `wire.*` violation
 *   with the byte offset and the field path reached, instead of an exception;
 *   no `message` is returned then. The ids: `wire.truncated` (the data ends
 *   inside a value), `wire.invalid_length` (a length or value runs past its
 *   enclosing message, or a length beyond 32 bits), `wire.invalid_varint`
 *   (longer than 10 bytes), `wire.invalid_tag` (field number 0, or a tag
 *   beyond 32 bits), `wire.invalid_wire_type` (6 or 7),
 *   `wire.wire_type_mismatch` (a known field with a wire type its type never
 *   uses, which the decoder would misread), `wire.invalid_group` (unmatched
 *   group tags), `wire.invalid_utf8`, `wire.depth_limit`,
 *   `wire.map_entry_field` (a field other than key and value inside a map
 *   entry: valid protobuf, but protobuf-es misreads the entry), and
 *   `wire.malformed` for a decoder error the scan could not locate;
 * - a string map key `__proto__` (`wire.forbidden_key`, at the key's path,
 *   as JSON input reports `json.forbidden_key`), whatever the value type:
 *   the decoder stores maps in plain objects, where that key replaces the
 *   prototype (object values) or is dropped (primitive values) instead of
 *   adding an entry, so the decoded message is wrong and is not returned.
 *
 * Violations of the rules carry the byte offset of their field (or of the
 * nearest enclosing field on the wire) in `position`. The scan of a clean
 * message is one pass over its tags without allocation; paths and offsets
 * are only computed when there is something to report.
 */
export function validateBinary<Desc extends DescMessage>(
  schema: Desc,
  bytes: Uint8Array,
  options: ValidateBinaryOptions = {},
): BinaryValidationResult<Desc> {
  const plan = wirePlan(schema);
  const depthLimit = options.recursionLimit ?? 100;
  const detailed = () => scanWire(bytes, plan, { track: true, utf8: true, depthLimit }) as WireScanResult;
  let scan = scanWire(bytes, plan, { track: false, utf8: false, depthLimit });
  if (scan === NEEDS_DETAIL) scan = detailed();
  if (scan.malformed) return toResult(firstIfFailFast(scan.violations, options), scan.warnings);
  // A map key the decoded message could not hold as given: no message to decode.
  // (A scan that found it is the detailed one, which also checked UTF-8.)
  if (scan.violations.some((v) => v.ruleId === "wire.forbidden_key")) return toResult(firstIfFailFast(scan.violations, options), scan.warnings);

  let message: MessageShape<Desc>;
  try {
    message = fromBinary(schema, bytes, { readUnknownFields: true, recursionLimit: depthLimit });
  } catch (error) {
    // The fast scan leaves UTF-8 to the decoder; the detailed scan locates it.
    const located = detailed();
    if (located.malformed) return toResult(firstIfFailFast(located.violations, options), located.warnings);
    const reason = error instanceof Error ? error.message : String(error);
    return toResult([{ path: "", ruleId: "wire.malformed", message: `cannot decode ${schema.typeName}: ${reason}` }], scan.warnings);
  }

  if (options.failFast === true && scan.violations.length > 0) {
    return withMessage(toResult(scan.violations.slice(0, 1), scan.warnings), message);
  }
  const ruleResult = validate(schema, message, options);
  if (ruleResult.kind === "valid") return withMessage(toResult(scan.violations, scan.warnings), message);
  const located = locate(bytes, schema, ruleResult.violations, depthLimit);
  return withMessage(toResult([...scan.violations, ...located], scan.warnings), message);
}

function firstIfFailFast(violations: readonly Violation[], options: ValidateOptions): readonly Violation[] {
  return options.failFast === true ? violations.slice(0, 1) : violations;
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
  scanWire(bytes, wirePlan(schema), { track: true, utf8: false, depthLimit, wanted, offsets });
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
