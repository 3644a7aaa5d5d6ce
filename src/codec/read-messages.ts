import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import type { InputPosition } from "../fault/position.js";
import { createDecodeContext } from "./decode-context.js";
import type { Format } from "../fault/decode-error.js";
import type { DecodeOptions } from "./decode-options.js";
import { createFramer, frameOrThrow, framesOfChunk } from "./frames.js";
import { decodeFrame } from "./decode-frame.js";

/** Options for {@link readMessages}; the same as {@link DecodeOptions}. */
export type ReadMessagesOptions = DecodeOptions;

/** The JSON source of one message read from `json` or `ndjson` input. */
export interface JsonSource {
  /** The exact text of the message's JSON value. */
  readonly text: string;
  /**
   * `JSON.parse(text)`, for JSON validation (`validateJson`), except that an
   * integer beyond 2^53 in a 64-bit integer field is its exact decimal string
   * (see `parseJsonExact`).
   */
  readonly value: unknown;
  /** 1-based line of the value's first character in the whole input. */
  readonly line: number;
  /** 1-based column (in Unicode code points) of the value's first character. */
  readonly column: number;
}

/** One message of a stream, with where it came from. */
export interface ReadMessage<Desc extends DescMessage> {
  readonly message: MessageShape<Desc>;
  /** 0-based index of the message in the input. */
  readonly index: number;
  /** Where the message starts: byte offset (binary, delimited) or line:column (json, ndjson, text). */
  readonly position: InputPosition;
  /**
   * The exact binary encoding of this message (without its length prefix),
   * for `binary` and `delimited` inputs, so a caller can run `validateBinary`.
   */
  readonly bytes?: Uint8Array;
  /** Absolute byte offset of `bytes[0]` in the input (after a delimited message's length prefix). */
  readonly offset?: number;
  /** The JSON text and value of this message, for `json` and `ndjson` inputs. */
  readonly json?: JsonSource;
}

/**
 * Reads messages from a stream of byte chunks with bounded memory: it holds
 * at most the message being read (and never more than
 * `options.maxMessageBytes` of it, by default 64 MiB). Chunks may split
 * anywhere, including inside a varint or a UTF-8 character.
 *
 * Formats are read as {@link decode} reads them. `binary` and `text` inputs
 * are one message, so the whole input must fit the limit.
 *
 * Throws {@link DecodeError} (from the iterator) for the first fault, naming
 * the file, message index and position.
 */
export async function* readMessages<Desc extends DescMessage>(
  schema: Desc,
  source: AsyncIterable<Uint8Array>,
  format: Format,
  options: ReadMessagesOptions = {},
): AsyncGenerator<ReadMessage<Desc>, void, undefined> {
  const context = createDecodeContext(schema, format, options);
  const framer = createFramer(context);
  let index = 0;
  for await (const chunk of source) {
    for (const frame of framesOfChunk(context, framer, chunk, "readMessages")) yield decodeFrame<Desc>(context, frame, index++);
  }
  for (const frame of frameOrThrow(context, () => framer.finish())) yield decodeFrame<Desc>(context, frame, index++);
}
