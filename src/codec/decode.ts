import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import type { Format } from "./decode-error.js";
import type { DecodeOptions } from "./decode-options.js";

/**
 * Decodes every message of an input held in memory.
 *
 * - `binary` and `text`: the whole input is one message (an empty input is
 *   one message with every field unset).
 * - `delimited`: each message is prefixed by its varint length.
 * - `json`: one object, a JSON array of objects, or objects one after another
 *   (Envoy's admin tap stream); decided by the first non-blank character.
 * - `ndjson`: one object per line; blank lines are skipped.
 *
 * Throws {@link DecodeError} naming the message index and the byte offset
 * (binary, delimited) or line:column (json, ndjson, text) of the fault.
 */
export function decode<Desc extends DescMessage>(
  schema: Desc,
  bytes: Uint8Array,
  format: Format,
  options: DecodeOptions = {},
): MessageShape<Desc>[] {
  void schema; void bytes; void format; void options;
  throw new Error("not implemented yet");
}
