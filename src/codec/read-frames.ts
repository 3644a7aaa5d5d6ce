import type { DescMessage } from "@bufbuild/protobuf";
import type { InputPosition } from "../fault/position.js";
import { createDecodeContext, decodeError } from "./decode-context.js";
import type { Format } from "../fault/decode-error.js";
import type { DecodeOptions } from "./decode-options.js";
import { createFramer, frameOrThrow, framesOfChunk } from "./frames.js";
import { advanceLineColumn, decodeUtf8, type LineColumn } from "./utf8.js";

/** The undecoded source of one message, as {@link readFrames} cuts it out of the input. */
export interface MessageFrame {
  /** 0-based index of the message in the input. */
  readonly index: number;
  /** Where the message starts: byte offset (binary, delimited: its length prefix) or line:column (json, ndjson, text). */
  readonly position: InputPosition;
  /** Absolute byte offset of `bytes[0]` in the input. */
  readonly offset: number;
  /** The message's encoding: binary without its length prefix, or the UTF-8 of its JSON or text. */
  readonly bytes: Uint8Array;
  /** For `json`, `ndjson` and `text`: the message's text (checked to be valid UTF-8). */
  readonly text?: string;
}

/**
 * Cuts an input into messages without decoding them, with the same bounded
 * memory, framing and limits as {@link readMessages} (a length over
 * `options.maxMessageBytes`, by default 64 MiB, is refused before
 * allocating). For callers that decode or validate each message themselves,
 * such as `validateBinary` / `validateJson`, which report every fault of a
 * message instead of stopping at the first.
 *
 * A delimited message that lies inside one input chunk is handed out as a
 * view of that chunk, not a copy (framing large tap streams is otherwise
 * mostly copying): use or copy each frame's bytes before overwriting the
 * chunk buffers you pass in. Streams from Node's `fs` and `process.stdin`
 * never overwrite their chunks.
 *
 * Throws {@link DecodeError} (from the iterator) for faults of the framing:
 * a truncated or oversized message, unbalanced JSON brackets, JSON nesting
 * deeper than 100 levels, invalid UTF-8 in JSON or text. Faults inside a
 * message are left to the caller.
 */
export async function* readFrames(
  schema: DescMessage,
  source: AsyncIterable<Uint8Array>,
  format: Format,
  options: DecodeOptions = {},
): AsyncGenerator<MessageFrame, void, undefined> {
  const context = createDecodeContext(schema, format, options);
  const framer = createFramer(context, true);
  let index = 0;
  const toMessageFrame = (frame: { bytes: Uint8Array; position: InputPosition; offset: number }): MessageFrame => {
    const base = { index, position: frame.position, offset: frame.offset, bytes: frame.bytes };
    if (format === "binary" || format === "delimited") return base;
    const start: LineColumn = "line" in frame.position ? frame.position : { line: 1, column: 1 };
    const decoded = decodeUtf8(frame.bytes);
    if ("invalidAt" in decoded) throw decodeError(context, "invalid UTF-8", index, advanceLineColumn(frame.bytes, decoded.invalidAt, start));
    return { ...base, text: decoded.text };
  };
  for await (const chunk of source) {
    for (const frame of framesOfChunk(context, framer, chunk, "readFrames")) {
      yield toMessageFrame(frame);
      index++;
    }
  }
  for (const frame of frameOrThrow(context, () => framer.finish())) {
    yield toMessageFrame(frame);
    index++;
  }
}
