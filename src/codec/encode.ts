import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import type { Format } from "./decode-error.js";
import type { EncodeOptions } from "./encode-options.js";

/**
 * Encodes messages in one format, into one buffer.
 *
 * - `binary` and `text` hold exactly one message; several (or none) throw
 *   {@link EncodeError}, because concatenated binary messages merge into one
 *   when read back and a text file is one message.
 * - `delimited`: each message prefixed by its varint length.
 * - `json`: laid out by `options.jsonLayout` (by default, one message as one
 *   document, several as an array).
 * - `ndjson`: one compact object per line, each line ending in `\n`.
 *
 * Unknown binary fields survive `binary` and `delimited`; JSON and text
 * cannot carry them (check {@link unknownFieldPaths} first to refuse losing them).
 */
export function encode<Desc extends DescMessage>(
  schema: Desc,
  messages: Iterable<MessageShape<Desc>>,
  format: Format,
  options: EncodeOptions = {},
): Uint8Array {
  void schema; void messages; void format; void options;
  throw new Error("not implemented yet");
}
