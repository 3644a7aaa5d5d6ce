import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import { fromText } from "@bufbuild/protobuf/txtpb";
import { assertNoPrototypeKey, decodeError, messageOf, type DecodeContext } from "./decode-context.js";
import type { Frame } from "./framer.js";
import { locateTextFault } from "./text-fault.js";
import { advanceLineColumn, decodeUtf8 } from "./utf8.js";

/**
 * Decodes a text-format input (one message). A failure becomes a
 * DecodeError with the line:column of the faulty token.
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
  assertNoPrototypeKey(context, message, index, frame.position);
  return message;
}

/** Strips protobuf-es' `cannot decode ... from text format:` framing; DecodeError adds its own. */
function textReason(text: string): string {
  const framed = /^cannot decode (field|oneof|message) (\S+) from text format: ([\s\S]*)$/.exec(text);
  return framed ? `${framed[1]} ${framed[2]}: ${framed[3]}` : text;
}
