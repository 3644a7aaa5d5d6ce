import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import type { Format } from "../fault/decode-error.js";
import type { EncodeOptions } from "./encode-options.js";
import { concatChunks } from "../fault/framing.js";
import { MessageWriter } from "./message-writer.js";

/**
 * Encodes messages in one format, into one buffer.
 *
 * - `binary` and `text` hold exactly one message; none or several throw
 *   {@link EncodeError} (concatenated binary messages merge into one when
 *   read back, and a text file is one message).
 * - `delimited`: each message prefixed by its varint length.
 * - `json`: laid out by `options.jsonLayout`; by default (`auto`) one
 *   message is one JSON document and zero or several are a JSON array. The
 *   output ends with a newline.
 * - `ndjson`: one compact object per line, each line ending in `\n`
 *   (`pretty` is ignored).
 *
 * JSON uses lowerCamelCase names unless `options.useProtoFieldNames`.
 * Unknown binary fields survive `binary` and `delimited`; JSON and text
 * cannot carry them and drop them (check {@link unknownFieldPaths} first to
 * refuse losing them). Throws {@link EncodeError} for what a format cannot
 * hold, such as an `Any` whose type the registry does not know.
 */
export function encode<Desc extends DescMessage>(
  schema: Desc,
  messages: Iterable<MessageShape<Desc>>,
  format: Format,
  options: EncodeOptions = {},
): Uint8Array {
  const writer = new MessageWriter(schema, format, options);
  const chunks: Uint8Array[] = [];
  for (const message of messages) chunks.push(...writer.write(message));
  chunks.push(...writer.end());
  return concatChunks(chunks, chunks.reduce((sum, chunk) => sum + chunk.length, 0));
}
