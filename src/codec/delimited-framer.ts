import { FramingError, type Frame, type Framer } from "./framer.js";
import { readVarintPrefix, type VarintPrefix } from "./varint-prefix.js";

/**
 * The framer of size-delimited streams (Envoy's `.pb_length_delimited`):
 * each message is its varint length, then that many bytes. A declared length
 * over the limit is refused before any buffer is allocated for it.
 */
export class DelimitedFramer implements Framer {
  /** Bytes of a length prefix cut by a chunk boundary (at most 10). */
  private prefix: number[] = [];
  /** The message being filled, once its length is known. */
  private message: Uint8Array | undefined;
  private filled = 0;
  /** Absolute offset of the current message's length prefix. */
  private messageStart = 0;
  /** Absolute offset of the current message's first byte after its prefix. */
  private contentStart = 0;
  /** Absolute offset of the next byte of input. */
  private offset = 0;
  private index = 0;

  constructor(private readonly maxMessageBytes: number) {}

  push(chunk: Uint8Array): Frame[] {
    const frames: Frame[] = [];
    let at = 0;
    while (at < chunk.length) {
      if (this.message === undefined) {
        at = this.readPrefix(chunk, at);
        if (this.message === undefined) break;
      }
      const message: Uint8Array = this.message;
      const take = Math.min(message.length - this.filled, chunk.length - at);
      message.set(chunk.subarray(at, at + take), this.filled);
      this.filled += take;
      at += take;
      this.offset += take;
      if (this.filled === message.length) frames.push(this.complete());
    }
    return frames;
  }

  finish(): Frame[] {
    if (this.prefix.length > 0) {
      throw new FramingError("unexpected end of input inside a length prefix", { offset: this.messageStart }, this.index);
    }
    if (this.message !== undefined) {
      const remaining = this.filled;
      throw new FramingError(
        `unexpected end of input: the message declares ${this.message.length} bytes but only ${remaining} follow`,
        { offset: this.messageStart },
        this.index,
      );
    }
    return [];
  }

  /** Reads prefix bytes from `chunk` at `at`; allocates the message once the prefix is complete. */
  private readPrefix(chunk: Uint8Array, at: number): number {
    if (this.prefix.length === 0) {
      this.messageStart = this.offset;
      // Fast path: the whole prefix is inside this chunk.
      const prefix = readVarintPrefix(chunk, at);
      if (prefix.kind !== "incomplete") {
        this.offset += prefix.kind === "complete" ? prefix.length : 0;
        this.startMessage(prefix);
        return at + (prefix.kind === "complete" ? prefix.length : 0);
      }
    }
    let position = at;
    while (position < chunk.length) {
      this.prefix.push(chunk[position]!);
      position++;
      this.offset++;
      const prefix = readVarintPrefix(Uint8Array.from(this.prefix), 0);
      if (prefix.kind === "incomplete") continue;
      this.prefix = [];
      this.startMessage(prefix);
      return position;
    }
    return position;
  }

  /** Checks a complete (or malformed) prefix against the limit, then allocates the message. */
  private startMessage(prefix: Exclude<VarintPrefix, { kind: "incomplete" }>): void {
    if (prefix.kind === "malformed") throw new FramingError(prefix.reason, { offset: this.messageStart }, this.index);
    if (prefix.value > this.maxMessageBytes) {
      throw new FramingError(
        `message length ${prefix.value} exceeds the limit of ${this.maxMessageBytes} bytes`,
        { offset: this.messageStart },
        this.index,
      );
    }
    this.message = new Uint8Array(prefix.value);
    this.filled = 0;
    this.contentStart = this.offset;
  }

  private complete(): Frame {
    const frame: Frame = { bytes: this.message!, position: { offset: this.messageStart }, offset: this.contentStart };
    this.message = undefined;
    this.filled = 0;
    this.index++;
    return frame;
  }
}
