import { fromBinary, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { keepingByteOrderMarks } from "./byte-order-marks.js";
import { decodeError, messageOf, prototypeKeyError, type DecodeContext } from "./decode-context.js";
import { findWireMapHazard, MAX_ANY_NESTING, type WireMapHazard } from "./find-wire-map-hazard.js";
import type { DecodeError } from "./decode-error.js";
import type { Frame } from "./framer.js";
import { findUnfaithfulWire, type UnfaithfulWire } from "./find-unfaithful-wire.js";
import { locateWireFault } from "./wire-fault.js";

/**
 * Decodes one binary message (unknown fields kept). A failure becomes a
 * DecodeError at the absolute byte offset of the faulty field's tag, found by
 * walking the bytes (protobuf-es' own errors carry no offset). A string map
 * key `__proto__`, which the decoded message cannot hold, is refused at the
 * tag of its map field, and a field other than key and value inside a map
 * entry, which protobuf-es misreads, at that field's tag.
 */
export function decodeBinaryFrame<Desc extends DescMessage>(context: DecodeContext, frame: Frame, index: number): MessageShape<Desc> {
  let message: MessageShape<Desc>;
  try {
    message = keepingByteOrderMarks(() => fromBinary(context.schema as Desc, frame.bytes, { readUnknownFields: true }));
  } catch (error) {
    const fault = locateWireFault(context.schema, frame.bytes);
    if (fault !== undefined) {
      throw decodeError(context, fault.reason, index, { offset: frame.offset + fault.offset }, { path: fault.path || undefined, cause: error });
    }
    // A field inside a map entry derails the decoder, which may then fail
    // further on: that field is the cause to name.
    const hazard = mapHazardOf(context, frame.bytes);
    if (hazard !== undefined) throw mapHazardError(context, hazard, frame, index);
    const unfaithful = findUnfaithfulWire(context.schema, frame.bytes, context.registry);
    if (unfaithful !== undefined) throw unfaithfulError(context, unfaithful, frame, index, error);
    throw decodeError(context, libraryReason(error), index, { offset: frame.offset }, { cause: error });
  }
  // The walk reads as fromBinary does; where it cannot, the walk below names the fault.
  const hazard = mapHazardOf(context, frame.bytes);
  if (hazard !== undefined) throw mapHazardError(context, hazard, frame, index);
  // What protobuf-es read, but not as Google's runtime reads it (or what
  // Google refuses): refused rather than returned as a different message.
  const unfaithful = findUnfaithfulWire(context.schema, frame.bytes, context.registry);
  if (unfaithful !== undefined) throw unfaithfulError(context, unfaithful, frame, index);
  return message;
}

function unfaithfulError(context: DecodeContext, fault: UnfaithfulWire, frame: Frame, index: number, cause?: unknown): DecodeError {
  return decodeError(context, `${fault.reason} (${fault.ruleId})`, index, { offset: frame.offset + fault.offset }, { path: fault.path || undefined, cause });
}

/** The map hazard of bytes the decoder refused, if the walk gets that far. */
function mapHazardOf(context: DecodeContext, bytes: Uint8Array): WireMapHazard | undefined {
  try {
    return findWireMapHazard(context.schema, bytes, context.registry);
  } catch {
    return undefined;
  }
}

function mapHazardError(context: DecodeContext, hazard: WireMapHazard, frame: Frame, index: number): DecodeError {
  const position = { offset: frame.offset + hazard.offset };
  if (hazard.kind === "prototype-key") return prototypeKeyError(context, hazard.path, index, position);
  if (hazard.kind === "any-depth") {
    return decodeError(context, `messages packed in google.protobuf.Any nest deeper than ${MAX_ANY_NESTING} levels`, index, position, { path: hazard.path || undefined });
  }
  const reason = `field ${hazard.fieldNumber} inside a map entry of ${hazard.path} is not supported (only the key and the value are read there; the decoder would misread the entry)`;
  return decodeError(context, reason, index, position, { path: hazard.path });
}

/** protobuf-es' reason in the package's words, for faults the walk did not pin down. */
function libraryReason(error: unknown): string {
  const text = messageOf(error);
  if (text === "premature EOF") return "unexpected end of input";
  if (error instanceof TypeError && /utf-8/i.test(text)) return "invalid UTF-8 in a string field";
  return text;
}
