import { InputRule } from "../fault/rule-ids.js";
import { concatChunks, FramingError, type Frame, type Framer } from "../fault/framing.js";

/**
 * The deepest nesting of JSON objects and arrays accepted inside one
 * message. protobuf-es stops at 100 nested messages; JSON nesting is checked
 * here, before parsing, so hostile input fails with a position instead of
 * exhausting the stack in the JSON reader or `fromJson`.
 */
export const MAX_JSON_DEPTH = 100;

const enum Byte {
  Tab = 0x09,
  LineFeed = 0x0a,
  CarriageReturn = 0x0d,
  Space = 0x20,
  Quote = 0x22,
  Comma = 0x2c,
  Backslash = 0x5c,
  OpenBracket = 0x5b,
  CloseBracket = 0x5d,
  OpenBrace = 0x7b,
  CloseBrace = 0x7d,
}

const BYTE_ORDER_MARK = [0xef, 0xbb, 0xbf];

/** The value being cut: where it started and what the scanner is inside of. */
interface OpenValue {
  readonly kind: "container" | "string" | "scalar";
  readonly line: number;
  readonly column: number;
  /** Absolute byte offset of the value's first byte. */
  readonly offset: number;
  /** Bytes of the value from chunks already consumed. */
  readonly chunks: Uint8Array[];
  length: number;
  /** The open brackets, innermost last, so a mismatched closer is caught where it is. */
  readonly openers: number[];
  inString: boolean;
  escaped: boolean;
}

/**
 * The framer of JSON inputs. It scans bytes (never decoding them: every byte
 * that structures JSON is ASCII, and no byte of a multi-byte UTF-8 character
 * is), so chunks may split anywhere. It tracks strings, escapes and depth to
 * find where each top-level value ends, and cuts:
 *
 * - `json`: a top-level array into its elements (unless the message type's
 *   own JSON form is an array, `arrayIsMessage`), otherwise every top-level
 *   value, one after another (one document, or Envoy's concatenated objects);
 * - `ndjson`: one value per line; a value spanning lines or two values on
 *   one line is an error.
 *
 * Syntax inside a value is left to the JSON reader (`read-json.ts`); this
 * only finds boundaries.
 */
export class JsonFramer implements Framer {
  private line = 1;
  private column = 1;
  private offset = 0;
  private layout: "undecided" | "array" | "values";
  private arrayState: "value-or-end" | "value" | "comma-or-end" | "closed" = "value-or-end";
  /** NDJSON: a value ended on the current line. */
  private lineHasValue = false;
  private value: OpenValue | undefined;
  private index = 0;

  constructor(
    private readonly framing: "json" | "ndjson",
    private readonly maxMessageBytes: number,
    arrayIsMessage: boolean,
  ) {
    this.layout = framing === "ndjson" || arrayIsMessage ? "values" : "undecided";
  }

  push(chunk: Uint8Array): Frame[] {
    const frames: Frame[] = [];
    let valueStart = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (this.offset < BYTE_ORDER_MARK.length && this.skipByteOrderMark(byte)) continue;
      const value = this.value;
      if (value !== undefined && value.kind === "container" && !value.escaped) {
        const stop = this.runThroughContainer(value, chunk, i);
        if (stop > i) {
          i = stop - 1;
          continue;
        }
      }
      if (value !== undefined && value.inString && !value.escaped && isPlainStringByte(byte)) {
        // Most bytes of a JSON message are inside strings, and only a quote,
        // a backslash or (for NDJSON) a line feed matters there: run to the
        // next one in a tight loop rather than byte by byte through
        // scanInside and advance (half of the framer's time on NDJSON).
        const stop = skipPlainStringBytes(chunk, i);
        this.offset += stop - i;
        this.column += countCodePointStarts(chunk, i, stop);
        i = stop - 1;
        continue;
      }
      if (value !== undefined) {
        const end = this.scanInside(value, byte);
        if (end === "inclusive" || end === "exclusive") {
          const stop = end === "inclusive" ? i + 1 : i;
          frames.push(this.completeValue(value, chunk.subarray(valueStart, stop)));
          if (end === "inclusive") {
            this.advance(byte);
            continue;
          }
        } else {
          this.advance(byte);
          continue;
        }
      }
      if (this.scanOutside(byte)) valueStart = i;
      this.advance(byte);
    }
    const open = this.value;
    if (open !== undefined) {
      const tail = chunk.subarray(valueStart);
      this.checkSize(open, open.length + tail.length);
      // Copied: the caller may reuse its chunk buffers.
      open.chunks.push(tail.slice());
      open.length += tail.length;
    }
    return frames;
  }

  finish(): Frame[] {
    const value = this.value;
    if (value !== undefined) {
      if (value.kind === "scalar") return [this.completeValue(value, new Uint8Array(0))];
      throw new FramingError("unexpected end of input inside a JSON value", { line: value.line, column: value.column }, this.index);
    }
    if (this.layout === "array" && this.arrayState !== "closed") {
      throw new FramingError("unexpected end of input: the JSON array is not closed", this.here(), this.index);
    }
    return [];
  }

  /** Handles a byte between values; returns true when it starts a value. */
  private scanOutside(byte: number): boolean {
    if (byte === Byte.Space || byte === Byte.Tab || byte === Byte.CarriageReturn) return false;
    if (byte === Byte.LineFeed) {
      this.lineHasValue = false;
      return false;
    }
    if (this.layout === "undecided") {
      this.layout = byte === Byte.OpenBracket ? "array" : "values";
      if (this.layout === "array") return false;
    }
    if (this.layout === "array") return this.scanArray(byte);
    if (this.framing === "ndjson" && this.lineHasValue) {
      throw new FramingError("expected a line break after the message (NDJSON holds one message per line)", this.here(), this.index);
    }
    return this.openValue(byte);
  }

  private scanArray(byte: number): boolean {
    switch (this.arrayState) {
      case "closed":
        throw new FramingError(`unexpected ${describeByte(byte)} after the JSON array`, this.here(), this.index);
      case "comma-or-end":
        if (byte === Byte.Comma) this.arrayState = "value";
        else if (byte === Byte.CloseBracket) this.arrayState = "closed";
        else throw new FramingError(`expected ',' or ']' after an array element, got ${describeByte(byte)}`, this.here(), this.index);
        return false;
      default:
        if (byte === Byte.CloseBracket && this.arrayState === "value-or-end") {
          this.arrayState = "closed";
          return false;
        }
        if (byte === Byte.Comma || byte === Byte.CloseBracket) {
          throw new FramingError(`expected an array element, got ${describeByte(byte)}`, this.here(), this.index);
        }
        this.arrayState = "comma-or-end";
        return this.openValue(byte);
    }
  }

  /** Bytes of a UTF-8 byte order mark seen at the very start. */
  private markBytes = 0;

  /** Skips a leading UTF-8 byte order mark (editors on Windows write one); refuses a partial one. */
  private skipByteOrderMark(byte: number): boolean {
    if (this.markBytes === this.offset && byte === BYTE_ORDER_MARK[this.offset]) {
      this.markBytes++;
      this.offset++;
      return true;
    }
    if (this.markBytes > 0 && this.markBytes === this.offset) {
      throw new FramingError("invalid UTF-8 (an incomplete byte order mark)", { line: 1, column: 1 }, this.index);
    }
    return false;
  }

  private openValue(byte: number): boolean {
    let kind: OpenValue["kind"];
    if (byte === Byte.OpenBrace || byte === Byte.OpenBracket) kind = "container";
    else if (byte === Byte.Quote) kind = "string";
    else if (byte === 0x2d || (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x7a)) kind = "scalar";
    else throw new FramingError(`unexpected ${describeByte(byte)} where a JSON value should start`, this.here(), this.index);
    this.value = { kind, line: this.line, column: this.column, offset: this.offset, chunks: [], length: 0, openers: kind === "container" ? [byte] : [], inString: kind === "string", escaped: false };
    return true;
  }

  /**
   * Runs through the bytes of an open container in one tight loop, as
   * `scanInside` and `advance` would byte by byte (three quarters of the
   * framer's time on NDJSON went to those calls). It stops before any byte
   * that needs more than counting: a backslash, an NDJSON line feed, the
   * closer of the outermost bracket, a closer that does not match, or an
   * opener past the depth limit; `push` takes those one at a time. Returns
   * the index of the first byte not consumed.
   */
  private runThroughContainer(value: OpenValue, chunk: Uint8Array, from: number): number {
    const openers = value.openers;
    const stopAtLineFeed = this.framing === "ndjson";
    let inString = value.inString;
    let line = this.line;
    let column = this.column;
    let at = from;
    for (; at < chunk.length; at++) {
      const byte = chunk[at]!;
      // Most bytes only move the column: one table lookup decides (see BYTE_CLASS).
      const kind = BYTE_CLASS[byte]!;
      if (kind === PLAIN || (inString && kind === STRUCTURAL)) {
        column++;
        continue;
      }
      if (kind === CONTINUATION) continue;
      if (byte === Byte.LineFeed) {
        if (stopAtLineFeed) break;
        line++;
        column = 1;
        continue;
      }
      if (inString) {
        if (byte === Byte.Backslash) break;
        if (byte === Byte.Quote) inString = false;
      } else if (byte === Byte.Quote) {
        inString = true;
      } else if (byte === Byte.OpenBrace || byte === Byte.OpenBracket) {
        if (openers.length >= MAX_JSON_DEPTH) break;
        openers.push(byte);
      } else if (byte === Byte.CloseBrace || byte === Byte.CloseBracket) {
        const innermost = openers[openers.length - 1];
        if (openers.length === 1 || byte !== (innermost === Byte.OpenBrace ? Byte.CloseBrace : Byte.CloseBracket)) break;
        openers.pop();
      }
      if ((byte & 0xc0) !== 0x80) column++;
    }
    this.offset += at - from;
    this.line = line;
    this.column = column;
    value.inString = inString;
    return at;
  }

  /** Scans a byte inside the open value; says whether the value ends with it, before it, or not yet. */
  private scanInside(value: OpenValue, byte: number): "inclusive" | "exclusive" | "open" {
    if (this.framing === "ndjson" && byte === Byte.LineFeed && value.kind !== "scalar") {
      throw new FramingError(
        "the message continues past the end of its line (NDJSON holds one message per line; use --format json for pretty-printed JSON)",
        { line: value.line, column: value.column },
        this.index,
      );
    }
    if (value.inString) {
      if (value.escaped) value.escaped = false;
      else if (byte === Byte.Backslash) value.escaped = true;
      else if (byte === Byte.Quote) {
        value.inString = false;
        if (value.kind === "string") return "inclusive";
      }
      return "open";
    }
    if (value.kind === "scalar") return isDelimiter(byte) ? "exclusive" : "open";
    if (byte === Byte.Quote) value.inString = true;
    else if (byte === Byte.OpenBrace || byte === Byte.OpenBracket) {
      if (value.openers.push(byte) > MAX_JSON_DEPTH) {
        throw new FramingError(`JSON nests deeper than ${MAX_JSON_DEPTH} levels`, this.here(), this.index);
      }
    } else if (byte === Byte.CloseBrace || byte === Byte.CloseBracket) {
      const expected = value.openers.pop() === Byte.OpenBrace ? Byte.CloseBrace : Byte.CloseBracket;
      if (byte !== expected) {
        throw new FramingError(`invalid JSON: unexpected ${describeByte(byte)} where ${describeByte(expected)} should close`, this.here(), this.index);
      }
      if (value.openers.length === 0) return "inclusive";
    }
    return "open";
  }

  private completeValue(value: OpenValue, tail: Uint8Array): Frame {
    const length = value.length + tail.length;
    this.checkSize(value, length);
    value.chunks.push(tail);
    const frame: Frame = { bytes: concatChunks(value.chunks, length).slice(), position: { line: value.line, column: value.column }, offset: value.offset };
    this.value = undefined;
    this.lineHasValue = true;
    this.index++;
    return frame;
  }

  private checkSize(value: OpenValue, length: number): void {
    if (length > this.maxMessageBytes) {
      throw new FramingError(`message exceeds the limit of ${this.maxMessageBytes} bytes`, { line: value.line, column: value.column }, this.index, InputRule.tooLarge);
    }
  }

  private advance(byte: number): void {
    this.offset++;
    if (byte === Byte.LineFeed) {
      this.line++;
      this.column = 1;
    } else if ((byte & 0xc0) !== 0x80) this.column++;
  }

  private here(): { line: number; column: number } {
    return { line: this.line, column: this.column };
  }
}

const PLAIN = 0;
const CONTINUATION = 1;
/** A bracket or brace: structure outside strings, a plain character inside them. */
const STRUCTURAL = 2;
/** A quote, a backslash or a line feed. */
const SPECIAL = 3;

/** What each byte means to {@link JsonFramer.runThroughContainer}'s loop. */
const BYTE_CLASS: Uint8Array = (() => {
  const table = new Uint8Array(256);
  for (let byte = 0x80; byte < 0xc0; byte++) table[byte] = CONTINUATION;
  for (const byte of [Byte.OpenBrace, Byte.OpenBracket, Byte.CloseBrace, Byte.CloseBracket]) table[byte] = STRUCTURAL;
  for (const byte of [Byte.Quote, Byte.Backslash, Byte.LineFeed]) table[byte] = SPECIAL;
  return table;
})();

/** Whether a byte inside a string needs no attention: not a quote, a backslash or a line feed. */
function isPlainStringByte(byte: number): boolean {
  return byte !== Byte.Quote && byte !== Byte.Backslash && byte !== Byte.LineFeed;
}

/** The index of the first byte at or after `from` that is not a plain string byte (or the chunk's length). */
function skipPlainStringBytes(chunk: Uint8Array, from: number): number {
  let at = from;
  while (at < chunk.length && isPlainStringByte(chunk[at]!)) at++;
  return at;
}

/** How many UTF-8 characters start in `chunk[from, to)`: columns count characters, not bytes. */
function countCodePointStarts(chunk: Uint8Array, from: number, to: number): number {
  let count = 0;
  for (let at = from; at < to; at++) if ((chunk[at]! & 0xc0) !== 0x80) count++;
  return count;
}

/** Bytes that end a bare number or literal. */
function isDelimiter(byte: number): boolean {
  return (
    byte === Byte.Space || byte === Byte.Tab || byte === Byte.CarriageReturn || byte === Byte.LineFeed ||
    byte === Byte.Comma || byte === Byte.CloseBracket || byte === Byte.CloseBrace ||
    byte === Byte.OpenBracket || byte === Byte.OpenBrace || byte === Byte.Quote
  );
}

function describeByte(byte: number): string {
  return byte >= 0x20 && byte < 0x7f ? `'${String.fromCharCode(byte)}'` : `byte 0x${byte.toString(16).padStart(2, "0")}`;
}
