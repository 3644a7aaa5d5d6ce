import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import type { Format } from "./decode-error.js";
import type { EncodeOptions } from "./encode-options.js";

/**
 * Encodes messages as a stream of byte chunks, one or more per message, so a
 * long stream is never held in memory. The concatenated chunks equal
 * {@link encode}'s output for the same messages and options.
 *
 * `delimited`, `ndjson` and `json` stream message by message (for the
 * default `auto` JSON layout the first message is held back until the
 * second shows whether an array is needed). `binary` and `text` hold one
 * message and throw {@link EncodeError} (from the iterator) on a second.
 */
export async function* writeMessages<Desc extends DescMessage>(
  schema: Desc,
  messages: AsyncIterable<MessageShape<Desc>> | Iterable<MessageShape<Desc>>,
  format: Format,
  options: EncodeOptions = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  void schema; void messages; void format; void options;
  throw new Error("not implemented yet");
}
