import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import { fromText } from "@bufbuild/protobuf/txtpb";
import { decodeError, messageOf, prototypeKeyError, type DecodeContext } from "./decode-context.js";
import { findTextPrototypeKey } from "./find-text-prototype-key.js";
import type { Frame } from "../fault/framing.js";
import { locateTextFault } from "./text-fault.js";
import { advanceLineColumn, decodeUtf8 } from "./utf8.js";

/**
 * Decodes a text-format input (one message). A failure becomes a
 * DecodeError with the line:column of the faulty token. A map key
 * `__proto__`, which the parsed message cannot hold, is refused.
 */
export function decodeTextFrame<Desc extends DescMessage>(context: DecodeContext, frame: Frame, index: number): MessageShape<Desc> {
  const decoded = decodeUtf8(frame.bytes);
  if ("invalidAt" in decoded) {
    throw decodeError(context, "invalid UTF-8", index, advanceLineColumn(frame.bytes, decoded.invalidAt));
  }
  // A byte order mark is invisible to a reader; columns are counted without it.
  const text = decoded.text.startsWith("\uFEFF") ? decoded.text.slice(1) : decoded.text;
  const parse = (input: string): MessageShape<Desc> => fromText(context.schema as Desc, input, { registry: context.registry });
  let message: MessageShape<Desc>;
  try {
    message = parse(text);
  } catch (error) {
    const position = locateTextFault(text, messageOf(error), parse);
    throw decodeError(context, textReason(messageOf(error)), index, position, { cause: error });
  }
  // The parser gives no positions, so a key `__proto__` is reported at the message's start.
  let prototypeKeyMap: string | undefined;
  try {
    prototypeKeyMap = findTextPrototypeKey(context.schema, text, context.registry);
  } catch (error) {
    // The second parse differs from the first only in map entries; failing is a bug, not the input's fault.
    throw decodeError(context, `cannot check the map keys: ${messageOf(error)}`, index, frame.position, { cause: error });
  }
  if (prototypeKeyMap !== undefined) throw prototypeKeyError(context, prototypeKeyMap, index, frame.position);
  return message;
}

/** Strips protobuf-es' `cannot decode ... from text format:` framing; DecodeError adds its own. */
function textReason(text: string): string {
  const framed = /^cannot decode (field|oneof|message) (\S+) from text format: ([\s\S]*)$/.exec(text);
  return framed ? `${framed[1]} ${framed[2]}: ${framed[3]}` : text;
}
