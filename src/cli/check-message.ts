import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
// From their own modules rather than the validate index, which also loads
// validateJson and with it ajv: about 50 ms of start-up that binary and text
// input never needs (JSON checks load it with explain-json-text.ts, and only
// for a document with a problem).
import { validate } from "../validate/validate.js";
import { validateBinary } from "../validate/validate-binary.js";
import type { InputPosition, ValidationResult, Violation } from "../validate/index.js";
import type { MessageFrame } from "../codec/index.js";

/** The findings about one message, with positions absolute in its file. */
export interface MessageFindings {
  readonly violations: readonly Violation[];
  readonly warnings: readonly Violation[];
}

/** The findings of a clean message, shared: nobody adds to them. */
const NO_FINDINGS: MessageFindings = Object.freeze({ violations: Object.freeze([]), warnings: Object.freeze([]) });

/**
 * Checks one binary message with `validateBinary`, which proves a valid
 * message valid on the wire without decoding it, and otherwise finds what
 * decoding hides (two members of a oneof, a field twice, malformed data)
 * besides the rules and relations. Its offsets are relative to the
 * message's bytes, so they are shifted to the file.
 */
export function checkBinaryFrame(schema: DescMessage, frame: Pick<MessageFrame, "bytes" | "offset" | "position">): MessageFindings {
  const result = validateBinary(schema, frame.bytes);
  if (result.kind === "valid" && result.warnings.length === 0) return NO_FINDINGS;
  return findings(result, frame.position, (p) => ("offset" in p ? { offset: frame.offset + p.offset } : p));
}

/**
 * Checks a message decoded from text format with the rule engine. The
 * decoded message no longer knows where its fields were: `locate` finds a
 * finding's path in the source (see `textPathLocator`). Without it, or for
 * a path it cannot place, a finding has no position: the only place known,
 * the start of the file, would read as if the fault were there.
 */
export function checkDecodedMessage<Desc extends DescMessage>(
  schema: Desc,
  message: MessageShape<Desc>,
  locate?: (path: string) => InputPosition | undefined,
): MessageFindings {
  return findings(validate(schema, message), undefined, (p) => p, locate);
}

/**
 * Places every finding: a shifted position when it has one, else where
 * `locate` finds its path in the message's source (relations such as the
 * trace's are found on the decoded message), else where its message starts
 * (a missing field has no position of its own). Shared by the checks of
 * every format.
 */
export function findings(
  result: ValidationResult,
  start: InputPosition | undefined,
  shift: (position: InputPosition) => InputPosition,
  locate?: (path: string) => InputPosition | undefined,
): MessageFindings {
  const place = (v: Violation): Violation => {
    const located = v.position === undefined && v.path !== "" ? locate?.(v.path) : undefined;
    const position = v.position !== undefined ? shift(v.position) : located !== undefined ? shift(located) : start;
    const { position: _, ...rest } = v;
    return position === undefined ? rest : { ...rest, position };
  };
  return { violations: byPosition(result.violations.map(place)), warnings: byPosition(result.warnings.map(place)) };
}

/**
 * Orders findings as they appear in the file, so that output reads top to
 * bottom; the sort is stable, keeping the validator's order at one position.
 */
function byPosition(violations: Violation[]): Violation[] {
  const key = (v: Violation): [number, number] => {
    const p = v.position;
    if (p === undefined) return [0, 0];
    return "offset" in p ? [p.offset, 0] : [p.line, p.column];
  };
  return violations.sort((a, b) => {
    const [a1, a2] = key(a);
    const [b1, b2] = key(b);
    return a1 - b1 || a2 - b2;
  });
}
