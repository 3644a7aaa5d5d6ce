import type { DescMessage } from "@bufbuild/protobuf";
import type { DecodeOptions, Format } from "../codec/index.js";
// The codec's framers, below its public surface: readMessages() frames and
// decodes in one step and stops at the first message that does not decode,
// but validation wants each message's raw source, so that validateJson and
// validateBinary report every encoding fault with its rule id and position
// (and decode each message once, not twice). This file is the one place
// that depends on these internals; a public `readFrames` in the codec would
// replace it.
import { createDecodeContext, decodeError } from "../codec/decode-context.js";
import { createFramer, frameOrThrow } from "../codec/frames.js";
import { advanceLineColumn, decodeUtf8, type LineColumn } from "../codec/utf8.js";

/** The undecoded source of one message of a binary or size-delimited input. */
export interface BinaryFrame {
  readonly index: number;
  /** The message's encoding, without a length prefix. */
  readonly bytes: Uint8Array;
  /** Where the message starts in the file (for delimited input, its length prefix). */
  readonly position: { readonly offset: number };
  /** The byte offset of `bytes[0]` in the file. */
  readonly offset: number;
}

/** The undecoded source of one message of a JSON or NDJSON input. */
export interface JsonFrame {
  readonly index: number;
  /** The message's JSON text. */
  readonly text: string;
  /** Where the text starts in the file (1-based). */
  readonly position: LineColumn;
}

/**
 * Cuts a binary or size-delimited input into messages without decoding
 * them, with bounded memory and the codec's limits (`maxMessageBytes`).
 * Framing faults (a truncated prefix, a length over the limit) throw the
 * codec's `DecodeError`.
 */
export async function* readBinaryFrames(
  schema: DescMessage,
  source: AsyncIterable<Uint8Array>,
  format: "binary" | "delimited",
  options: DecodeOptions,
): AsyncGenerator<BinaryFrame> {
  let index = 0;
  for await (const frame of frames(schema, source, format, options)) {
    yield { index: index++, bytes: frame.bytes, position: frame.position as { offset: number }, offset: frame.offset };
  }
}

/**
 * Cuts a JSON input (one value, an array of messages, or values one after
 * another) or NDJSON input into message texts without decoding them. A
 * structural fault (unbalanced brackets) or invalid UTF-8 throws the
 * codec's `DecodeError`; faults inside a message are left to validateJson.
 */
export async function* readJsonFrames(
  schema: DescMessage,
  source: AsyncIterable<Uint8Array>,
  format: "json" | "ndjson",
  options: DecodeOptions,
): AsyncGenerator<JsonFrame> {
  const context = createDecodeContext(schema, format, options);
  let index = 0;
  for await (const frame of frames(schema, source, format, options)) {
    const start = frame.position as LineColumn;
    const decoded = decodeUtf8(frame.bytes);
    if ("invalidAt" in decoded) {
      throw decodeError(context, "invalid UTF-8", index, advanceLineColumn(frame.bytes, decoded.invalidAt, start));
    }
    yield { index: index++, text: decoded.text, position: start };
  }
}

async function* frames(schema: DescMessage, source: AsyncIterable<Uint8Array>, format: Format, options: DecodeOptions) {
  const context = createDecodeContext(schema, format, options);
  const framer = createFramer(context);
  for await (const chunk of source) yield* frameOrThrow(context, () => framer.push(chunk));
  yield* frameOrThrow(context, () => framer.finish());
}
