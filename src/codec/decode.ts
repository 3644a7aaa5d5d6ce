import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import { createDecodeContext } from "./decode-context.js";
import type { Format } from "../fault/decode-error.js";
import type { DecodeOptions } from "./decode-options.js";
import { createFramer, frameOrThrow } from "./frames.js";
import { decodeFrame } from "./decode-frame.js";

/**
 * Decodes every message of an input held in memory.
 *
 * - `binary` and `text`: the whole input is one message (an empty input is
 *   one message with every field unset).
 * - `delimited`: each message is prefixed by its varint length; an empty
 *   input holds no message.
 * - `json`: one value, a JSON array of messages, or values one after another
 *   (Envoy's admin tap stream), decided by the first non-blank character; an
 *   empty input holds no message.
 * - `ndjson`: one message per line; blank lines are skipped.
 *
 * Each message must fit `options.maxMessageBytes` (by default, 64 MiB).
 * Throws {@link DecodeError} naming the message index and the byte offset
 * (binary, delimited) or line:column (json, ndjson, text) of the fault.
 */
export function decode<Desc extends DescMessage>(
  schema: Desc,
  bytes: Uint8Array,
  format: Format,
  options: DecodeOptions = {},
): MessageShape<Desc>[] {
  const context = createDecodeContext(schema, format, options);
  const framer = createFramer(context);
  const frames = [...frameOrThrow(context, () => framer.push(bytes)), ...frameOrThrow(context, () => framer.finish())];
  return frames.map((frame, index) => decodeFrame<Desc>(context, frame, index).message);
}
