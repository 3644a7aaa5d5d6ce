import type { InputPosition } from "./position.js";

/**
 * The bytes of one message cut out of an input, before decoding, and where
 * they start: a byte offset for binary formats, a line and column for text
 * formats.
 */
export interface Frame {
  readonly bytes: Uint8Array;
  /** Where the message starts (for delimited input, its length prefix). */
  readonly position: InputPosition;
  /** Absolute byte offset of `bytes[0]` in the input. */
  readonly offset: number;
}

/**
 * Cuts an input that arrives in chunks into messages. `push` returns the
 * messages a chunk completed; `finish` those the end of input completes.
 * A framer holds at most the message it is cutting, and throws
 * {@link FramingError} for input that cannot be cut (a length over the
 * limit, a truncated message, malformed JSON structure).
 */
export interface Framer {
  push(chunk: Uint8Array): Frame[];
  finish(): Frame[];
}

/** A fault found while cutting messages out of the input (turned into a DecodeError by the caller). */
export class FramingError extends Error {
  override readonly name = "FramingError";
  constructor(
    readonly reason: string,
    readonly position: InputPosition,
    /** 0-based index of the message being cut. */
    readonly index: number,
    /** The rule id of the fault when it has one of its own (`input.too_large`). */
    readonly ruleId?: string,
  ) {
    super(reason);
  }
}

/** Concatenates chunks into one buffer (a no-copy view when there is only one). */
export function concatChunks(chunks: readonly Uint8Array[], totalLength: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const joined = new Uint8Array(totalLength);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.length;
  }
  return joined;
}
