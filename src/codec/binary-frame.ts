import { fromBinary, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { decodeError, messageOf, prototypeKeyError, type DecodeContext } from "./decode-context.js";
import { findWirePrototypeKey } from "./find-wire-prototype-key.js";
import type { Frame } from "./framer.js";
import { locateWireFault } from "./wire-fault.js";

/**
 * Decodes one binary message (unknown fields kept). A failure becomes a
 * DecodeError at the absolute byte offset of the faulty field's tag, found by
 * walking the bytes (protobuf-es' own errors carry no offset). A string map
 * key `__proto__`, which the decoded message cannot hold, is refused at the
 * tag of its map field.
 */
export function decodeBinaryFrame<Desc extends DescMessage>(context: DecodeContext, frame: Frame, index: number): MessageShape<Desc> {
  let message: MessageShape<Desc>;
  try {
    message = fromBinary(context.schema as Desc, frame.bytes, { readUnknownFields: true });
  } catch (error) {
    const fault = locateWireFault(context.schema, frame.bytes);
    if (fault !== undefined) {
      throw decodeError(context, fault.reason, index, { offset: frame.offset + fault.offset }, { path: fault.path || undefined, cause: error });
    }
    throw decodeError(context, libraryReason(error), index, { offset: frame.offset }, { cause: error });
  }
  const prototypeKey = findWirePrototypeKey(context.schema, frame.bytes);
  if (prototypeKey !== undefined) throw prototypeKeyError(context, prototypeKey.path, index, { offset: frame.offset + prototypeKey.offset });
  return message;
}

/** protobuf-es' reason in the package's words, for faults the walk did not pin down. */
function libraryReason(error: unknown): string {
  const text = messageOf(error);
  if (text === "premature EOF") return "unexpected end of input";
  if (error instanceof TypeError && /utf-8/i.test(text)) return "invalid UTF-8 in a string field";
  return text;
}
