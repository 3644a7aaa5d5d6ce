import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import type { Format } from "../fault/decode-error.js";
import type { EncodeOptions } from "./encode-options.js";
import { MessageWriter } from "./message-writer.js";

/**
 * Encodes messages as a stream of byte chunks, so a long stream is never
 * held in memory. The concatenated chunks equal {@link encode}'s output for
 * the same messages and options.
 *
 * `delimited`, `ndjson` and `json` stream message by message (with the
 * default `auto` JSON layout the first message is held back until a second
 * one shows whether an array is needed). `binary` and `text` hold exactly
 * one message: the iterator throws {@link EncodeError} on a second one or
 * at the end when there was none.
 */
export async function* writeMessages<Desc extends DescMessage>(
  schema: Desc,
  messages: AsyncIterable<MessageShape<Desc>> | Iterable<MessageShape<Desc>>,
  format: Format,
  options: EncodeOptions = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  const writer = new MessageWriter(schema, format, options);
  for await (const message of messages) yield* writer.write(message);
  yield* writer.end();
}
