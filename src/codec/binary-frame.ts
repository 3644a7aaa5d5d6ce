import { fromBinary, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { OneofRule, WireRule } from "../fault/rule-ids.js";
import { messagePlan } from "../wire/plan.js";
import { withLeadingByteOrderMarks } from "../wire/read-scalar.js";
import { walk, type WalkReport } from "../wire/walk.js";
import { decodeError, messageOf, type DecodeContext } from "./decode-context.js";
import type { Frame } from "../fault/framing.js";

const PROTO_KEY_SEGMENT = '["__proto__"]';

/**
 * Decodes one binary message (unknown fields kept, a leading U+FEFF in
 * strings kept). The wire walk runs first, in `locate` mode: a fault, or a
 * shape protobuf-es would decode differently from Google's runtime (a field
 * inside a map entry, a map key `__proto__`, a length prefix of more than 5
 * bytes, a broken message packed in an `Any` the registry knows), becomes
 * a DecodeError with the fault's rule id, path and absolute byte offset,
 * the same as `validateBinary` reports for those bytes.
 */
export function decodeBinaryFrame<Desc extends DescMessage>(context: DecodeContext, frame: Frame, index: number): MessageShape<Desc> {
  const plan = messagePlan(context.schema);
  const located = walk(frame.bytes, plan, { mode: "locate", registry: context.registry }) as WalkReport;
  if (located.malformed) {
    // Walked again with paths: its first finding a decoder refuses is the one located.
    const report = walk(frame.bytes, plan, { mode: "report", registry: context.registry }) as WalkReport;
    const fault = report.violations.find((v) => v.ruleId !== OneofRule.multiple) ?? located.violations[0]!;
    const offset = frame.offset + (fault.position as { offset: number }).offset;
    // A path too long to read (deep nesting) stays in `location.path` only.
    const where = fault.path === "" || fault.path.length > 200 ? "" : `field ${fault.path}: `;
    // A map key __proto__ reads as in text input: the map's path, then why.
    const reason =
      fault.ruleId === WireRule.forbiddenKey ? `map key "__proto__" in ${fault.path.slice(0, -PROTO_KEY_SEGMENT.length)} is not supported (it cannot be stored safely)` : `${where}${fault.message}`;
    throw decodeError(context, reason, index, { offset }, { path: fault.path || undefined, ruleId: fault.ruleId });
  }
  try {
    return withLeadingByteOrderMarks(() => fromBinary(context.schema as Desc, frame.bytes, { readUnknownFields: true }));
  } catch (error) {
    // Not expected after the walk; named by protobuf-es' own words.
    throw decodeError(context, messageOf(error), index, { offset: frame.offset }, { cause: error, ruleId: WireRule.malformed });
  }
}
